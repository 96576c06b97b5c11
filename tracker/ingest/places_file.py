"""A places file (``tracker places import``) -> places with coordinates, located in districts.

Two formats, told apart by the first line:

- the GeoNames country dump (``XX.txt``: tab-separated, no header, 19 columns: geonameid, name,
  asciiname, alternatenames (comma-separated), latitude, longitude, feature class, feature
  code...); only populated places (class ``P``), spots and buildings (``S``, border crossings
  included), localities and areas (``L``) and hypsographic landmarks (``T``) are kept;
- a CSV with a header ``name,lon,lat`` and optionally ``alternate_names`` (``|`` or ``,``
  separated inside the quoted cell).

Each place lands in the district its point falls in (point in polygon). Places outside every
district are counted and left out; a line that is not a place (bad coordinates) fails the whole
file with its line number.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.geo.locate import locate_points
from tracker.ingest import csvfile

GEONAMES_COLUMNS = 19
GEONAMES_CLASSES = frozenset("PSLT")
COLUMNS = ["name", "alternate_names", "lon", "lat"]


def read_places_file(path: str | Path) -> tuple[pd.DataFrame, str]:
    """Places of a GeoNames dump or a plain CSV: columns :data:`COLUMNS`, and the format name."""
    text = csvfile.decode(path)
    if not text.strip():
        msg = f"{path}: the file is empty; give a GeoNames dump or a CSV name,lon,lat"
        raise InputError(msg)
    first = text.split("\n", 1)[0]
    if first.count("\t") >= GEONAMES_COLUMNS - 1:
        return _geonames(path, text), "geonames"
    return _plain(path, text), "csv"


def _geonames(path, text: str) -> pd.DataFrame:
    rows, problems = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) != GEONAMES_COLUMNS:
            problems.append(f"line {n}: {len(cols)} tab-separated fields, GeoNames has 19")
            continue
        if cols[6] not in GEONAMES_CLASSES:
            continue
        alternates = [a.strip() for a in cols[3].split(",") if a.strip()]
        if cols[2].strip() and cols[2].strip() != cols[1].strip():
            alternates.insert(0, cols[2].strip())
        rows.append((cols[1].strip(), alternates, cols[5], cols[4], n))
    return _checked(path, rows, problems)


def _plain(path, text: str) -> pd.DataFrame:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in ("name", "lon", "lat") if c not in header]
    if missing:
        msg = (f"{path}: missing column(s) {', '.join(missing)}; a places CSV has the header "
               f"name,lon,lat[,alternate_names] (or give a GeoNames country dump)")
        raise InputError(msg)
    rows = []
    for n, row in enumerate(reader, start=2):
        cell = row.get("alternate_names") or ""
        sep = "|" if "|" in cell else ","
        alternates = [a.strip() for a in cell.split(sep) if a.strip()]
        rows.append(((row.get("name") or "").strip(), alternates, row.get("lon") or "",
                     row.get("lat") or "", n))
    return _checked(path, rows, [])


def _checked(path, rows: list[tuple], problems: list[str]) -> pd.DataFrame:
    out = []
    for name, alternates, lon, lat, n in rows:
        try:
            x, y = float(lon), float(lat)
        except ValueError:
            problems.append(f"line {n}: coordinates {lon!r}, {lat!r} are not numbers")
            continue
        if not name:
            problems.append(f"line {n}: the name is empty")
        elif not (-180 <= x <= 180 and -90 <= y <= 90) or np.isnan(x) or np.isnan(y):
            problems.append(f"line {n}: lon {x}, lat {y} lie outside -180..180, -90..90")
        else:
            out.append((name, "|".join(dict.fromkeys(a for a in alternates if a != name)), x, y))
    if problems:
        more = f"; ... and {len(problems) - 10} more" if len(problems) > 10 else ""
        msg = (f"{path}: {len(problems)} bad line(s), no place stored: "
               f"{'; '.join(problems[:10])}{more}; fix them and import again")
        raise InputError(msg)
    return pd.DataFrame(out, columns=COLUMNS)


def locate(places: pd.DataFrame, districts) -> tuple[pd.DataFrame, int]:
    """Places with their ``district_code`` (point in polygon), and how many fell outside."""
    codes = locate_points(places["lon"].to_numpy(float), places["lat"].to_numpy(float),
                          districts)
    located = places.assign(**{s.DISTRICT_CODE: codes})
    inside = located[s.DISTRICT_CODE].notna()
    return located[inside].reset_index(drop=True), int((~inside).sum())
