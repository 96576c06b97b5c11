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
from tracker.geo import conventions, layer_checks


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


_OPTIONAL_COLUMNS = (s.POPULATION,)  # kept when the file has them (or they are mapped)
_LEVEL_COLUMNS = {
    "district": (s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME),
    "province": (s.PROVINCE_CODE, s.PROVINCE_NAME),
}


def read_boundaries(
    path: str | Path, *, level: str, columns: dict[str, str] | None = None,
    layer: str | None = None, province_optional: bool = False, crs: str | None = None,
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
        ``province_code``, ``province_name``) to the file's own column names. Columns not mapped
        are found by the conventions of :mod:`tracker.geo.conventions` (OCHA COD-AB, GADM,
        MIMU, geoBoundaries); the mapping wins.
    layer
        Layer name for multi-layer files.
    province_optional
        Districts may lack province columns (geoBoundaries): the caller joins them.
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
    standard = (*_LEVEL_COLUMNS["district"], *_OPTIONAL_COLUMNS)
    for key in columns or {}:
        if key not in standard:
            msg = (f"column mapping {key!r} is not a standard column; map one of "
                   f"{', '.join(standard)} (e.g. district_code=ADM2_PCODE)")
            raise InputError(msg)
    need = _LEVEL_COLUMNS[level]
    _, detected = conventions.detect([c for c in gdf.columns if c != "geometry"], level)
    chosen = {**detected, **(columns or {})}  # flags always win
    absent = [v for v in chosen.values() if v not in gdf.columns]
    if absent:
        msg = (f"boundary file {path} has no column {absent[0]!r}; it has "
               f"{', '.join(map(str, gdf.columns))}; fix the --column flag")
        raise InputError(msg)
    taken = set(chosen.values())
    gdf = gdf[[c for c in gdf.columns if c not in need or c in taken]]
    gdf = gdf.rename(columns={v: k for k, v in chosen.items()})
    gdf = gdf.loc[:, ~gdf.columns.duplicated()]
    if level == "district" and province_optional:
        need = tuple(c for c in need if c in gdf.columns or c in (s.DISTRICT_CODE,
                                                                   s.DISTRICT_NAME))
    missing = [c for c in need if c not in gdf.columns]
    if missing:
        msg = (f"boundary file {path} lacks column(s) {', '.join(missing)} for {level}s; "
               f"{conventions.hint([c for c in gdf.columns if c != 'geometry'], level)}")
        raise InputError(msg)
    extra = [c for c in _OPTIONAL_COLUMNS if c in gdf.columns and level == "district"]
    gdf = gdf[[*need, *extra, "geometry"]].copy()
    for col in need:
        gdf[col] = gdf[col].astype(str).str.strip()
    if s.POPULATION in extra:
        gdf[s.POPULATION] = _population(gdf[s.POPULATION], path)
    code = need[0]
    gdf = layer_checks.checked(gdf, path, code, crs)
    dup = gdf[code][gdf[code].duplicated()]
    if len(dup):
        msg = f"boundary file {path} repeats {code} {dup.iloc[0]!r}; codes must be unique"
        raise InputError(msg)
    return gdf.sort_values(code).reset_index(drop=True)


def boundaries_from_files(
    districts: str | Path, provinces: str | Path | None = None, *,
    columns: dict[str, str] | None = None, name: str = "", credit: str | None = None,
    use_limitation: str | None = None, crs: str | None = None,
) -> BoundarySet:
    """A user's boundary set from files; provinces default to the districts dissolved by code.

    Districts without province columns (geoBoundaries) take the province their representative
    point lies in, from ``provinces``. ``credit`` and ``use_limitation`` default to a sidecar
    file next to the districts (see :func:`read_credit_sidecar`). Overlapping districts and
    districts outside their province are reported as
    :class:`~tracker.geo.layer_checks.BoundaryWarning` (see :mod:`tracker.geo.layer_checks`).
    """
    dist = read_boundaries(districts, level="district", columns=columns,
                           province_optional=provinces is not None, crs=crs)
    layer_checks.warn_overlaps(dist, districts)
    if provinces is not None:
        prov = read_boundaries(provinces, level="province", columns=_province_flags(columns),
                               crs=crs)
    else:
        prov = (dist.dissolve(by=s.PROVINCE_CODE, as_index=False)[
            [s.PROVINCE_CODE, s.PROVINCE_NAME, "geometry"]])
    if s.PROVINCE_CODE not in dist.columns:
        dist = _join_provinces(dist, prov, districts, provinces)
    unknown = sorted(set(dist[s.PROVINCE_CODE]) - set(prov[s.PROVINCE_CODE]))
    if unknown:
        msg = (f"districts refer to province code(s) {', '.join(unknown[:3])} missing from "
               f"{provinces}; check the province_code column mapping")
        raise InputError(msg)
    if provinces is not None:
        layer_checks.warn_outside_provinces(dist, prov, provinces)
    side_credit, side_limit = read_credit_sidecar(districts)
    return BoundarySet(name, dist, prov,
                       credit=side_credit if credit is None else credit,
                       use_limitation=side_limit if use_limitation is None else use_limitation)


def _population(values: pd.Series, path: Path) -> pd.Series:
    """People per district as floats (empty cells stay missing); refuses text and negatives."""
    raw = values.astype(object).where(values.notna(), None)
    text = raw.map(lambda v: str(v).strip().replace(",", "") if v is not None else "")
    number = pd.to_numeric(text.replace("", None), errors="coerce")
    bad = (text != "") & (number.isna() | (number < 0))
    if bad.any():
        msg = (f"boundary file {path}: population {raw[bad].iloc[0]!r} is not a number of "
               f"people; fix that value or map another column")
        raise InputError(msg)
    return number.astype(float)


def _province_flags(columns: dict[str, str] | None) -> dict[str, str]:
    return {k: v for k, v in (columns or {}).items() if k in _LEVEL_COLUMNS["province"]}


def _join_provinces(dist: gpd.GeoDataFrame, prov: gpd.GeoDataFrame, districts, provinces
                    ) -> gpd.GeoDataFrame:
    """Province code and name of each district: the province its representative point lies in."""
    points = gpd.GeoDataFrame(dist[[s.DISTRICT_CODE]], geometry=dist.representative_point(),
                              crs=dist.crs)
    joined = points.sjoin(prov[[s.PROVINCE_CODE, s.PROVINCE_NAME, "geometry"]], how="left",
                          predicate="within").drop_duplicates(s.DISTRICT_CODE)
    lost = joined[joined[s.PROVINCE_CODE].isna()]
    if len(lost):
        msg = (f"{len(lost)} district(s) of {districts} (e.g. {lost[s.DISTRICT_CODE].iloc[0]}) "
               f"lie in no province of {provinces}; give provinces covering every district")
        raise InputError(msg)
    out = dist.merge(joined[[s.DISTRICT_CODE, s.PROVINCE_CODE, s.PROVINCE_NAME]],
                     on=s.DISTRICT_CODE)
    cols = [*_LEVEL_COLUMNS["district"], *[c for c in _OPTIONAL_COLUMNS if c in out],
            "geometry"]
    return gpd.GeoDataFrame(out[cols], geometry="geometry", crs=dist.crs)


CREDIT_SUFFIXES = (".credit.txt", ".credits.txt")
USE_LIMITATION = "use limitation:"


def read_credit_sidecar(path: str | Path) -> tuple[str, str]:
    """Credit and use limitation of a boundary file from its sidecar, else ``("", "")``.

    The sidecar is ``FILE.credit.txt`` (or ``FILE.credits.txt``, or the same next to the name
    without its extension): plain UTF-8 text, the credit; a line starting with ``Use
    limitation:`` gives the use limitation.
    """
    path = Path(path)
    for base in (path.name, path.stem):
        for suffix in CREDIT_SUFFIXES:
            side = path.with_name(base + suffix)
            if side.is_file():
                lines = side.read_text(encoding="utf-8-sig").splitlines()
                limit = [ln.split(":", 1)[1].strip() for ln in lines
                         if ln.strip().casefold().startswith(USE_LIMITATION)]
                credit = " ".join(ln.strip() for ln in lines if ln.strip() and
                                  not ln.strip().casefold().startswith(USE_LIMITATION))
                return credit, " ".join(limit)
    return "", ""
