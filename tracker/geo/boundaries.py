"""Boundary data sets: the shipped default (Afghanistan) or a user's own boundary files.

A boundary data set is a districts layer and a provinces layer with the standard columns of
:mod:`tracker.core.schema`, plus optional name variants and places used by the gazetteer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd
import tomllib

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.geo import layer_checks


def default_dir() -> Path:
    """Folder of the shipped boundary data (inside the wheel, or ``geodata/`` of a checkout)."""
    packaged = resources.files("tracker") / "_geodata"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "geodata"


@dataclass(frozen=True)
class BoundarySet:
    """One country's boundaries and the naming data that comes with them."""

    name: str
    districts: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    name_variants: pd.DataFrame = field(default_factory=pd.DataFrame)
    places: pd.DataFrame = field(default_factory=pd.DataFrame)
    credit: str = ""
    use_limitation: str = ""


@lru_cache(maxsize=1)
def _default_set() -> BoundarySet:
    folder = default_dir()
    meta = tomllib.loads((folder / "dataset.toml").read_text(encoding="utf-8"))
    districts = read_boundaries(folder / meta["districts"], level="district")
    provinces = read_boundaries(folder / meta["provinces"], level="province")
    variants = pd.read_csv(folder / meta["name_variants"], dtype=str, keep_default_na=False)
    places = pd.read_csv(folder / meta["places"], dtype={"district_code": str},
                         keep_default_na=False)
    return BoundarySet(meta["name"], districts, provinces, variants, places,
                       meta.get("credit", ""), meta.get("use_limitation", ""))


def default_boundaries() -> BoundarySet:
    """The shipped Afghan boundary set (cached; callers get copies of the tables)."""
    b = _default_set()
    return BoundarySet(b.name, b.districts.copy(), b.provinces.copy(), b.name_variants.copy(),
                       b.places.copy(), b.credit, b.use_limitation)


_LEVEL_COLUMNS = {
    "district": (s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME),
    "province": (s.PROVINCE_CODE, s.PROVINCE_NAME),
}


def read_boundaries(
    path: str | Path, *, level: str, columns: dict[str, str] | None = None,
    layer: str | None = None, crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a district or province layer (GeoPackage, GeoJSON, shapefile...) into standard columns.

    Parameters
    ----------
    path
        Any vector file pyogrio can read.
    level
        ``"district"`` or ``"province"``.
    columns
        Mapping from the standard column names (``district_code``, ``district_name``,
        ``province_code``, ``province_name``) to the file's own column names.
    layer
        Layer name for multi-layer files.
    crs
        The CRS of a file that names none (``EPSG:4326``); a file without a CRS is refused
        without it. Geometries are checked and repaired by :mod:`tracker.geo.layer_checks`.
    """
    if level not in _LEVEL_COLUMNS:
        msg = f"level={level!r} is not one of {sorted(_LEVEL_COLUMNS)}"
        raise InputError(msg)
    path = Path(path)
    if not path.exists():
        msg = (f"boundary file {path} does not exist; "
               "give the path of a GeoPackage, GeoJSON or shapefile")
        raise InputError(msg)
    try:
        gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several error types for unreadable files
        msg = f"cannot read boundary file {path}: {str(exc).splitlines()[0]}"
        raise InputError(msg) from exc
    standard = _LEVEL_COLUMNS["district"]
    for key in columns or {}:
        if key not in standard:
            msg = (f"column mapping {key!r} is not a standard column; map one of "
                   f"{', '.join(standard)} (e.g. district_code=ADM2_PCODE)")
            raise InputError(msg)
    mapping = {v: k for k, v in (columns or {}).items()}
    gdf = gdf.rename(columns=mapping)
    need = _LEVEL_COLUMNS[level]
    missing = [c for c in need if c not in gdf.columns]
    if missing:
        msg = (f"boundary file {path} lacks column(s) {', '.join(missing)} for {level}s; "
               f"it has {', '.join(map(str, gdf.columns))}; map them with --column STANDARD=THEIRS")
        raise InputError(msg)
    gdf = gdf[[*need, "geometry"]].copy()
    for col in need:
        gdf[col] = gdf[col].astype(str).str.strip()
    code = need[0]
    gdf = layer_checks.checked(gdf, path, code, crs)
    dup = gdf[code][gdf[code].duplicated()]
    if len(dup):
        msg = f"boundary file {path} repeats {code} {dup.iloc[0]!r}; codes must be unique"
        raise InputError(msg)
    return gdf.sort_values(code).reset_index(drop=True)


def boundaries_from_files(
    districts: str | Path, provinces: str | Path | None = None, *,
    columns: dict[str, str] | None = None, name: str = "", credit: str = "",
    use_limitation: str = "", crs: str | None = None,
) -> BoundarySet:
    """A user's boundary set from files; provinces default to the districts dissolved by code.

    Overlapping districts and districts outside their province are reported as
    :class:`~tracker.geo.layer_checks.BoundaryWarning` (see :mod:`tracker.geo.layer_checks`).
    """
    dist = read_boundaries(districts, level="district", columns=columns, crs=crs)
    layer_checks.warn_overlaps(dist, districts)
    if provinces is not None:
        prov = read_boundaries(provinces, level="province", columns=columns, crs=crs)
    else:
        prov = (dist.dissolve(by=s.PROVINCE_CODE, as_index=False)[
            [s.PROVINCE_CODE, s.PROVINCE_NAME, "geometry"]])
    unknown = sorted(set(dist[s.PROVINCE_CODE]) - set(prov[s.PROVINCE_CODE]))
    if unknown:
        msg = (f"districts refer to province code(s) {', '.join(unknown[:3])} missing from "
               f"{provinces}; check the province_code column mapping")
        raise InputError(msg)
    if provinces is not None:
        layer_checks.warn_outside_provinces(dist, prov, provinces)
    return BoundarySet(name, dist, prov, credit=credit, use_limitation=use_limitation)
