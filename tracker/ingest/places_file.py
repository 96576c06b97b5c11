"""A places file (``tracker places import``) -> places with coordinates, located in districts.

Two formats, told apart by the first line:

- the GeoNames country dump (``XX.txt``: tab-separated, no header, no quoting, 19 columns:
  geonameid, name, asciiname, alternatenames (comma-separated), latitude, longitude, feature
  class, feature code...); only populated places (class ``P``), spots and buildings (``S``,
  border crossings included), localities and areas (``L``) and hypsographic landmarks (``T``)
  are kept;
- a CSV with a header ``name,lon,lat`` and optionally ``alternate_names`` (``|`` or ``,``
  separated inside the quoted cell).

Both are read by :func:`tracker.ingest.csvfile.read_table` (encodings, physical lines) and checked
like every importer's file (:mod:`tracker.ingest.text_fields`: control characters, 64 KiB fields,
names no longer than the store's ``places.name``), coordinates as numbers in range, all into one
:class:`~tracker.ingest.problems.Problems`. All or nothing: every bad line is listed. Each place
lands in the district its point falls in (point in polygon); places outside every district are
counted and left out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.geo.locate import locate_points
from tracker.ingest import csvfile
from tracker.ingest.column_checks import parse_numbers
from tracker.ingest.problems import Problems, refuse_lines
from tracker.ingest.text_fields import check_text, store_limit
from tracker.store.models import Place

GEONAMES_FIELDS = ("geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
                   "feature_class", "feature_code", "country_code", "cc2", "admin1_code",
                   "admin2_code", "admin3_code", "admin4_code", "population", "elevation",
                   "dem", "timezone", "modification_date")
GEONAMES_COLUMNS = len(GEONAMES_FIELDS)
GEONAMES_CLASSES = frozenset("PSLT")
COLUMNS = ["name", "alternate_names", "lon", "lat"]
RANGES = {"lon": 180.0, "lat": 90.0}


def read_places_file(path: str | Path) -> tuple[pd.DataFrame, str]:
    """Places of a GeoNames dump or a plain CSV: columns :data:`COLUMNS`, and the format name."""
    first = csvfile.first_line(path)
    if first.count("\t") >= GEONAMES_COLUMNS - 1:
        return _geonames(path), "geonames"
    if not first.strip() and not csvfile.decode(path).strip():
        msg = f"{path}: the file is empty; give a GeoNames dump or a CSV name,lon,lat"
        raise InputError(msg)
    return _plain(path), "csv"


def _geonames(path) -> pd.DataFrame:
    problems = Problems()
    table = csvfile.read_table(path, required=(), kind="a GeoNames dump", problems=problems,
                               columns=GEONAMES_FIELDS, delimiter="\t",
                               wanted=("name", "asciiname", "alternatenames", "latitude",
                                       "longitude", "feature_class"))
    f = table.frame
    kept = f["feature_class"].isin(GEONAMES_CLASSES).to_numpy() & ~problems.bad(table.n)
    frame = pd.DataFrame({c: f[c].where(kept, "") for c in f})
    name_ok = ~check_text(frame["name"], "name", problems, limit=store_limit(Place.name))
    check_text(frame["asciiname"], "asciiname", problems, limit=store_limit(Place.name))
    check_text(frame["alternatenames"], "alternatenames", problems)
    alternates = [[a.strip() for a in alt.split(",") if a.strip()] if ascii_ == name else
                  [ascii_, *(a.strip() for a in alt.split(",") if a.strip())]
                  for name, ascii_, alt in zip(frame["name"], frame["asciiname"],
                                               frame["alternatenames"], strict=True)]
    lon = _coordinates(frame["longitude"], "longitude", problems, kept)
    lat = _coordinates(frame["latitude"], "latitude", problems, kept)
    _refuse_empty(frame["name"], kept & name_ok, problems)
    return _checked(path, table, problems, kept, frame["name"], alternates, lon, lat)


def _plain(path) -> pd.DataFrame:
    problems = Problems()
    table = csvfile.read_table(path, required=("name", "lon", "lat"),
                               kind="a places CSV (or give a GeoNames dump)",
                               problems=problems, wanted=tuple(COLUMNS))
    f = table.frame
    n = table.n
    cells = f["alternate_names"] if "alternate_names" in f else pd.Series([""] * n, dtype=object)
    name_ok = ~check_text(f["name"], "name", problems, limit=store_limit(Place.name))
    check_text(cells, "alternate_names", problems)
    alternates = [[a.strip() for a in cell.split("|" if "|" in cell else ",") if a.strip()]
                  for cell in cells]
    everywhere = np.ones(n, dtype=bool)
    lon = _coordinates(f["lon"], "lon", problems, everywhere)
    lat = _coordinates(f["lat"], "lat", problems, everywhere)
    _refuse_empty(f["name"], name_ok, problems)
    return _checked(path, table, problems, everywhere, f["name"], alternates, lon, lat)


def _coordinates(values: pd.Series, column: str, problems: Problems,
                 kept: np.ndarray) -> np.ndarray:
    """Decimal degrees of a coordinate column (NaN where bad); empty, non-numeric and
    out-of-range values of the ``kept`` rows are problems."""
    ok = ~check_text(values, column, problems) & kept
    text = values.where(ok, "")
    numbers, not_number = parse_numbers(text, len(text), integer=False)
    problems.add(ok & (text == "").to_numpy(), column, values,
                 "required value is empty; give decimal degrees")
    problems.add(not_number, column, values, "not a number; give decimal degrees (e.g. 96.12)")
    bound = RANGES["lat" if column.startswith("lat") else "lon"]
    with np.errstate(invalid="ignore"):
        outside = ~np.isnan(numbers) & ~(np.abs(numbers) <= bound)
    hint = " (is it the other coordinate? the CSV columns are name,lon,lat)" if \
        column in RANGES else ""
    problems.add(outside, column, values,
                 f"outside -{bound:g}..{bound:g}; give decimal degrees{hint}")
    return numbers


def _refuse_empty(names: pd.Series, ok: np.ndarray, problems: Problems) -> None:
    problems.add(ok & (names == "").to_numpy(), "name", names,
                 "required value is empty; give the place's name")


def _checked(path, table: csvfile.CsvTable, problems: Problems, kept: np.ndarray,
             names: pd.Series, alternates: list[list[str]], lon: np.ndarray,
             lat: np.ndarray) -> pd.DataFrame:
    refuse_lines(path, problems, lambda r: table.lines.start[r], stored="no place stored",
                 fix="fix them and import again")
    rows = np.flatnonzero(kept)
    out = pd.DataFrame({
        "name": names.to_numpy(dtype=object)[rows],
        "alternate_names": ["|".join(dict.fromkeys(a for a in alternates[r] if a != names.iat[r]))
                            for r in rows],
        "lon": lon[rows].astype(float), "lat": lat[rows].astype(float)}, columns=COLUMNS)
    return out.reset_index(drop=True)


def locate(places: pd.DataFrame, districts) -> tuple[pd.DataFrame, int]:
    """Places with their ``district_code`` (point in polygon), and how many fell outside."""
    codes = locate_points(places["lon"].to_numpy(float), places["lat"].to_numpy(float),
                          districts)
    located = places.assign(**{s.DISTRICT_CODE: codes})
    inside = located[s.DISTRICT_CODE].notna()
    return located[inside].reset_index(drop=True), int((~inside).sum())
