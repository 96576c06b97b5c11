"""Writers of the tracker's tables for GIS and statistics: CSV, GeoJSON, GeoPackage, GeoParquet.

Functions are given tables and a path; they never open the database. Every file carries the
boundary data's credit and use limitation: in the format's metadata where it has some (GeoPackage
dataset and layer metadata, GeoJSON ``description``, Parquet schema metadata) and always in a
sidecar text file ``PATH.credits.txt``.

Day columns (``date``, ``start``, ``end``, ``since``, ``reported_on``) are written as dates (GDAL
``Date`` fields, Arrow ``date32``, ``YYYY-MM-DD`` in CSV); ``recorded_at`` and ``retracted_at`` as
date-times.

CSV cells that a spreadsheet would run as a formula (text beginning with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return, after OWASP's CSV-injection advice) are prefixed with a single quote
unless ``raw_csv=True``.

ACLED point events (layer ``point_events``, see :func:`points_table`) keep their own ``latitude``
and ``longitude`` columns in CSV; their description credits ACLED besides the boundaries.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio

from tracker._errors import InputError
from tracker.core import bitemporal
from tracker.core import schema as s

CSV, GEOJSON, GPKG, PARQUET = "csv", "geojson", "gpkg", "parquet"
FORMATS = (CSV, GEOJSON, GPKG, PARQUET)
SUFFIXES = {".csv": CSV, ".geojson": GEOJSON, ".json": GEOJSON, ".gpkg": GPKG,
            ".parquet": PARQUET, ".geoparquet": PARQUET}
DAY_COLUMNS = (s.DATE, s.START, s.END, s.SINCE, s.REPORTED_ON, bitemporal.KNOWN_FROM,
               bitemporal.KNOWN_TO)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LON, LAT = "lon", "lat"  # representative point of a district in CSV (no polygons in CSV)
CREDITS_SUFFIX = ".credits.txt"
GENERATOR = "conflict-tracker"
POINTS_LAYER = "point_events"
ACLED_CREDIT = ("ACLED, Armed Conflict Location & Event Data Project (acleddata.com); "
                "use under ACLED's terms of use and attribution policy")


def format_for(path: str | Path, fmt: str | None) -> str:
    """The format to write: ``fmt`` if given, else guessed from the file suffix."""
    if fmt is not None:
        if fmt not in FORMATS:
            msg = f"format {fmt!r} is not one of {', '.join(FORMATS)}"
            raise InputError(msg)
        return fmt
    guessed = SUFFIXES.get(Path(path).suffix.lower())
    if guessed is None:
        msg = (f"cannot tell the format of {str(path)!r} from its suffix; "
               f"give --format {'|'.join(FORMATS)}")
        raise InputError(msg)
    return guessed


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Prefix with ``'`` every text cell a spreadsheet would run as a formula (OWASP)."""
    out = table.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            values = out[col]
            text = values.where(values.notna(), "").astype(str)
            risky = values.notna() & text.str.startswith(FORMULA_STARTS)
            if risky.any():
                out[col] = values.astype(object).where(~risky, "'" + text)
    return out


def points_table(points: pd.DataFrame, *, fmt: str) -> pd.DataFrame:
    """Point events as :func:`write_tables` writes them in ``fmt``.

    A GeoDataFrame of points keeps its geometry, except in CSV, where the table's own latitude
    and longitude columns stand for it (no ``lon``/``lat`` representative point is added).
    """
    if fmt == CSV and isinstance(points, gpd.GeoDataFrame):
        return pd.DataFrame(points.drop(columns=points.geometry.name))
    return points


def points_description(*, start: object = None, end: object = None,
                       known_on: object = None) -> str:
    """One line saying what a ``point_events`` layer holds, with ACLED's credit."""
    dated = (f" dated {start} to {end}" if start is not None and end is not None
             else f" dated from {start}" if start is not None
             else f" dated up to {end}" if end is not None else "")
    known = f" as known on {known_on}" if known_on is not None else ""
    return (f"ACLED point events{dated}, one row per event (its newest version{known}), "
            f"EPSG:4326 points. Event data: {ACLED_CREDIT}")


def credits_text(*, credit: str, use_limitation: str, layers: Mapping[str, str]) -> str:
    """The sidecar text: what the file holds, the boundary credit and the use limitation."""
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Exported by {GENERATOR} on {when}.", "", "Contents:"]
    lines += [f"- {name}: {what}" for name, what in layers.items()]
    lines += ["", f"Boundaries credit: {credit or 'not given'}",
              f"Use limitation: {use_limitation or 'not given'}", ""]
    return "\n".join(lines)


def write_tables(tables: Mapping[str, pd.DataFrame], path: str | Path, *, fmt: str | None = None,
                 credit: str = "", use_limitation: str = "",
                 descriptions: Mapping[str, str] | None = None,
                 raw_csv: bool = False) -> list[Path]:
    """Write named tables to ``path``; returns the files written (the export, then the credits).

    Parameters
    ----------
    tables
        Layer name -> table (a GeoDataFrame for layers with geometry). Several tables need
        GeoPackage; the other formats hold one.
    path
        Output file; its folder is created.
    fmt
        One of :data:`FORMATS` (default: from the suffix of ``path``).
    credit, use_limitation
        The boundary data's credit and use limitation, written into every file.
    descriptions
        Layer name -> one line saying what the layer holds (for the metadata and sidecar).
    raw_csv
        Write CSV cells as they are (no formula neutralisation), for pipelines.
    """
    fmt = format_for(path, fmt)
    if not tables:
        msg = ("nothing to export: ask for --date D, --intervals, --events, --points or "
               "--provinces --date D (from Python: date=, intervals=True, events=True, "
               "points=True or provinces=True with date=)")
        raise InputError(msg)
    if len(tables) > 1 and fmt != GPKG:
        msg = (f"--format {fmt} holds one table but {len(tables)} were asked "
               f"({', '.join(tables)}); export them one by one or use --format gpkg")
        raise InputError(msg)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    descriptions = {name: (descriptions or {}).get(name, name) for name in tables}
    meta = {"credit": credit, "use_limitation": use_limitation, "generator": GENERATOR}
    if fmt == GPKG and out.exists():
        out.unlink()  # a fresh file: layers of an earlier export must not linger
    for i, (name, table) in enumerate(tables.items()):
        if fmt == CSV:
            _write_csv(table, out, raw=raw_csv)
        elif fmt == PARQUET:
            _write_parquet(table, out, {**meta, "content": descriptions[name]})
        else:
            _write_ogr(table, out, fmt=fmt, layer=name, append=i > 0,
                       meta={**meta, "content": descriptions[name]})
    sidecar = out.with_name(out.name + CREDITS_SUFFIX)
    sidecar.write_text(credits_text(credit=credit, use_limitation=use_limitation,
                                    layers=descriptions), encoding="utf-8")
    return [out, sidecar]


def _day_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in DAY_COLUMNS
            if c in table.columns and pd.api.types.is_datetime64_any_dtype(table[c])]


def _as_arrow_dates(table: pd.DataFrame) -> pd.DataFrame:
    """Day columns as Arrow ``date32`` (GDAL ``Date``, Parquet ``DATE``)."""
    out = table.copy()
    for col in _day_columns(out):
        out[col] = pd.Series(pa.array(out[col].dt.date, type=pa.date32()),
                             index=out.index, dtype=pd.ArrowDtype(pa.date32()))
    return out


def _write_csv(table: pd.DataFrame, out: Path, *, raw: bool) -> None:
    flat = pd.DataFrame(table.drop(columns=table.geometry.name)
                        if isinstance(table, gpd.GeoDataFrame) else table)
    if isinstance(table, gpd.GeoDataFrame):
        points = table.geometry.representative_point()
        flat[LON] = points.x.round(6).where(table.geometry.notna())
        flat[LAT] = points.y.round(6).where(table.geometry.notna())
    for col in _day_columns(flat):
        flat[col] = flat[col].dt.strftime("%Y-%m-%d")
    if not raw:
        flat = neutralise_formulas(flat)
    flat.to_csv(out, index=False, encoding="utf-8")


def _write_ogr(table: pd.DataFrame, out: Path, *, fmt: str, layer: str, append: bool,
               meta: dict[str, str]) -> None:
    data = _as_arrow_dates(table)
    options: dict[str, object] = {}
    if fmt == GPKG:
        options["metadata"] = meta
        if not append:
            options["dataset_metadata"] = meta
    else:
        options["layer_options"] = {
            "DESCRIPTION": (f"{meta['content']}. Boundaries credit: {meta['credit']}. "
                            f"Use limitation: {meta['use_limitation']}"),
            "RFC7946": "YES"}
        if out.exists():
            out.unlink()
    with warnings.catch_warnings():
        if not isinstance(data, gpd.GeoDataFrame):  # GDAL says a layer without geometry has
            warnings.filterwarnings(  # no CRS; GeoJSON's is WGS84 anyway (RFC 7946)
                "ignore", message="No SRS set on layer", category=RuntimeWarning)
        pyogrio.write_dataframe(data, out, layer=layer,
                                driver="GPKG" if fmt == GPKG else "GeoJSON", append=append,
                                use_arrow=True, **options)


GEOPARQUET_VERSION = "1.1.0"


def geoparquet_metadata(gdf: gpd.GeoDataFrame) -> dict[str, object]:
    """The ``geo`` file metadata of GeoParquet for a GeoDataFrame whose geometry is WKB-encoded
    (https://geoparquet.org/releases/v1.1.0/)."""
    geometry = gdf.geometry
    column: dict[str, object] = {
        "encoding": "WKB",
        "geometry_types": sorted(set(geometry.geom_type.dropna())),
    }
    if gdf.crs is not None:
        column["crs"] = gdf.crs.to_json_dict()
    if len(geometry) and not geometry.is_empty.all():
        column["bbox"] = [float(v) for v in geometry.total_bounds]
    return {"version": GEOPARQUET_VERSION, "primary_column": geometry.name,
            "columns": {geometry.name: column}}


def _write_parquet(table: pd.DataFrame, out: Path, meta: dict[str, str]) -> None:
    """Write once: the Arrow table (WKB geometry for a GeoDataFrame) with GeoParquet's ``geo``
    metadata and the tracker's credit in the schema metadata."""
    data = _as_arrow_dates(table)
    extra = {f"tracker:{k}".encode(): v.encode("utf-8") for k, v in meta.items()}
    if isinstance(data, gpd.GeoDataFrame):
        arrow = pa.table(data.to_arrow(index=False, geometry_encoding="WKB"))
        extra[b"geo"] = json.dumps(geoparquet_metadata(data)).encode("utf-8")
    else:
        arrow = pa.Table.from_pandas(data, preserve_index=False)
    arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), **extra})
    pq.write_table(arrow, out)
