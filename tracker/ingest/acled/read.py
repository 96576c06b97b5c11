"""ACLED CSV exports -> validated point events and control events, vectorised end to end.

Both column layouts are read: the current one (``event_id_cnty, event_date, year, time_precision,
disorder_type, ... tags, timestamp``) and the pre-2023 one (with ``data_id``, ``event_id_no_cnty``,
``iso3``; without ``disorder_type``, ``civilian_targeting``, ``tags``). Column names are matched
case-insensitively.

Meaning of ACLED's columns (ACLED codebook):

* ``time_precision``: 1 = the day is known, 2 = only the week, 3 = only the month. Stored as
  ``day``/``week``/``month``; the date becomes the first day of that week (Monday) or month.
* ``event_date``: ``2021-08-20`` (API), ``20 August 2021`` (export tool), also ``20-August-2021``,
  ``20 Aug 2021`` and ``20/08/2021``.
* Territorial sub-event types are changes of control, and in each of them ``actor1`` is the side
  that takes the territory: ``Government regains territory`` (the government side),
  ``Non-state actor overtakes territory`` (the non-state actor), ``Non-violent transfer of
  territory`` (the side the territory is handed to). They become control events (status
  ``controlled``, confidence ``reported``, controller = ACLED's ``actor1`` name as is).
* Every row, territorial or not, is also kept as a point event (type, actors, fatalities,
  coordinates, precisions) so maps can show it over the control layer.
* ``timestamp``: epoch seconds of ACLED's last change to the row. ACLED updates rows in place under
  the same ``event_id_cnty``; the tracker keeps every version: a point event per
  (``event_id_cnty``, ``timestamp``), and control event ``acled:<event_id_cnty>@<timestamp>`` that
  ``supersedes`` the control event of the previous version (see :func:`plan_versions`).

The district of a row is the district its coordinates fall in (:mod:`tracker.geo.locate`);
``admin1``/ ``admin2`` are only a check (disagreements are warnings, the point wins). A row without
coordinates is placed by its ``admin2``/``admin1`` names through the gazetteer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.core.acled_columns import (
    ACLED_ID,
    ACLED_NOTES,
    ACLED_SOURCE,
    ACTOR1,
    ACTOR2,
    ADMIN1,
    ADMIN2,
    CURRENT,
    EARLIEST,
    EVENT_DATE,
    EVENT_ID_CNTY,
    EVENT_TYPE,
    FATALITIES,
    FLOATS,
    GEO_PRECISION,
    GEO_PRECISIONS,
    ID_PREFIX,
    INTS,
    LATITUDE,
    LEGACY,
    LOCATION,
    LONGITUDE,
    OPTIONAL,
    POINT_COLUMNS,
    PRECISION_CODES,
    RECORD,
    REQUIRED,
    SUB_EVENT_TYPE,
    TERRITORIAL,
    TERRITORIAL_FLAG,
    TEXT,
    TIME_PRECISION,
    TIMESTAMP,
)
from tracker.core.arrow_columns import same_key_as_next
from tracker.geo.locate import locate_points
from tracker.ingest import csvfile
from tracker.ingest.column_checks import (
    blank_cells,
    coordinate_pairs,
    empty_cells,
    epochs_outside,
    longer_than,
    parse_event_dates,
    parse_numbers,
    snap_to_precision,
    text_column,
)
from tracker.ingest.problems import Problems, no_problems
from tracker.ingest.text_fields import check_text, store_limit
from tracker.store.models import AcledDeletion, ActorAlias, Alias, Source
from tracker.store.point_batches import POINT_SCHEMA

__all__ = ["ParsedAcled", "control_event_id", "no_problems", "read_acled"]

# Longest value per column: the store column it ends in (others: only the field size applies).
MAX_LENGTH = {
    EVENT_ID_CNTY: store_limit(AcledDeletion.acled_id),
    ACLED_SOURCE: store_limit(Source.publisher),  # the source of its control events
    # names placing a row without coordinates: no alias the store can hold is longer
    ADMIN1: store_limit(Alias.name), ADMIN2: store_limit(Alias.name),
}
MAX_CONTROLLER = store_limit(ActorAlias.actor)  # actor1 of a territorial row becomes a controller
MULTILINE = (ACLED_NOTES,)
# the largest count the point store's fatalities column holds
MAX_FATALITIES = int(np.iinfo(POINT_SCHEMA.field(FATALITIES).type.to_pandas_dtype()).max)

Progress = Callable[[str, int, int], None]


def control_event_id(acled_id: object, timestamp: object) -> str:
    """Event id of the control event of one ACLED row version: ``acled:AFG123@1630454400``."""
    return f"{ID_PREFIX}{acled_id}@{int(timestamp)}"


@dataclass
class ParsedAcled:
    """Result of reading and validating an ACLED export."""

    points: pd.DataFrame  # good rows: POINT_COLUMNS + RECORD + TERRITORIAL_FLAG
    n_records: int
    layout: str
    lines: csvfile.RecordLines | None = None
    problems: pd.DataFrame = field(default_factory=lambda: no_problems())
    warnings: list[str] = field(default_factory=list)
    duplicates: int = 0  # identical repeated rows dropped

    def line_of(self, records: np.ndarray) -> np.ndarray:
        """Physical line numbers of records."""
        return self.lines.start[np.asarray(records, dtype=int)]


# --- reading -----------------------------------------------------------------------------------
def is_acled_header(header: str) -> bool:
    """Whether a header line is ACLED's (names ``event_id_cnty``)."""
    return EVENT_ID_CNTY in header.casefold()


def _header(path: Path) -> list[str]:
    """The header's column names as written (stripped), read once; checks the required ones."""
    line = csvfile.first_line(path)
    if not line.strip():
        msg = (f"{path}: the file is empty; an ACLED export needs a header line naming "
               f"{', '.join(REQUIRED)}")
        raise InputError(msg)
    raw = [h.strip() for h in next(iter(pacsv_header(line)))]
    names = [h.casefold() for h in raw]
    twice = [c for c in (*REQUIRED, *OPTIONAL) if names.count(c) > 1]
    if twice:
        where = [str(i + 1) for i, h in enumerate(names) if h == twice[0]]
        msg = (f"{path}: the header names column {twice[0]!r} more than once (columns "
               f"{', '.join(where)}); keep one of them")
        raise InputError(msg)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        msg = (f"{path}: missing required ACLED column(s) {', '.join(missing)}"
               f"{csvfile.delimiter_hint(line)}; export the file from ACLED with all columns "
               f"(it must name {', '.join(REQUIRED)})")
        raise InputError(msg)
    return raw


def pacsv_header(line: str) -> list[list[str]]:
    """The fields of one CSV line."""
    import csv

    return list(csv.reader([line]))


def layout_of(names: list[str]) -> str:
    """``current`` or ``pre-2023`` from the header names."""
    return LEGACY if "event_id_no_cnty" in names or "data_id" in names else CURRENT


def _read_fast(path: Path, encoding: str, raw_names: list[str]) -> pd.DataFrame | None:
    """All needed columns with their final dtypes via pyarrow; None when anything is irregular.

    ``raw_names``: the header's names as written (pyarrow selects columns by them)."""
    original = {n.casefold(): n for n in raw_names}
    wanted = [c for c in (*REQUIRED, *OPTIONAL) if c in original]
    types = {c: pa.float64() for c in FLOATS} | {c: pa.int64() for c in INTS} | {
        c: pa.string() for c in TEXT}
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=encoding.replace("-sig", ""),
                                           block_size=1 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=[original[c] for c in wanted],
                column_types={original[c]: types[c] for c in wanted},
                # empty numbers become nulls (text stays ''); anything else irregular -> None
                strings_can_be_null=False, quoted_strings_can_be_null=False,
                null_values=[""],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeError, KeyError):
        return None
    table = table.rename_columns([c.casefold() for c in table.column_names])
    for i, name in enumerate(table.column_names):
        if name in TEXT:
            table = table.set_column(i, name, pc.utf8_trim_whitespace(table.column(i)))
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    return frame


def _read_slow(path: Path, names: list[str],
               problems: Problems) -> tuple[pd.DataFrame, csvfile.RecordLines]:
    """Every needed column as text with :mod:`csv`; rows of the wrong length become problems."""
    table = csvfile.read_table(path, required=REQUIRED, kind="an ACLED export",
                               problems=problems, wanted=(*REQUIRED, *OPTIONAL), casefold=True,
                               short_rows_ok=False)
    return table.frame, table.lines


# --- parsing -----------------------------------------------------------------------------------
def read_acled(path: str | Path, districts: pd.DataFrame, gazetteer, *,
               today: date | None = None, progress: Progress | None = None) -> ParsedAcled:
    """Read, validate and locate an ACLED export; collects every bad value (never raises per row).

    Parameters
    ----------
    path
        ACLED CSV export (UTF-8, with or without BOM, or UTF-16 with BOM).
    districts
        District boundaries (GeoDataFrame with ``district_code`` and ``province_code``).
    gazetteer
        :class:`tracker.names.gazetteer.Gazetteer` of the same boundaries (admin-name checks).
    today
        Latest accepted date (default: today).
    progress
        Called as ``progress(stage, done, total)``.
    """
    path = Path(path)
    tick = progress or (lambda *_: None)
    encoding = csvfile.sniff_encoding(path)
    raw_names = _header(path)
    names = [n.casefold() for n in raw_names]
    problems = Problems()
    tick("reading", 0, 1)
    frame = _read_fast(path, encoding, raw_names)
    lines = None
    if frame is None:
        frame, lines = _read_slow(path, names, problems)
    n = len(frame)
    tick("validating", 0, 1)
    parsed = _validate(frame, n, districts, gazetteer, problems, today=today or date.today())
    result = ParsedAcled(parsed, n, layout_of(names), lines)
    tick("locating", 0, 1)
    result.warnings = _admin_warnings(parsed, frame, gazetteer, districts, result, path)
    result.points, result.duplicates = _dedupe(parsed, problems)
    result.problems = problems.frame()
    if (len(result.problems) or result.warnings) and result.lines is None:
        result.lines = csvfile.RecordLines.of_file(path, n, encoding=encoding)
    return result


def _validate(frame: pd.DataFrame, n: int, districts: pd.DataFrame, gazetteer,
              problems: Problems, *, today: date) -> pd.DataFrame:
    get = frame.get
    text = {c: text_column(get(c), n) for c in TEXT}
    bad_text = {c: check_text(values, c, problems, limit=MAX_LENGTH.get(c),
                              multiline=c in MULTILINE) for c, values in text.items()}
    for c in (ADMIN1, ADMIN2):  # not resolved: already refused
        text[c] = text[c].where(~bad_text[c], "")
    for col in (EVENT_ID_CNTY, EVENT_DATE, EVENT_TYPE, SUB_EVENT_TYPE):
        problems.add(empty_cells(text[col]), col, text[col], "required value is empty")
    problems.add(text[EVENT_ID_CNTY].str.contains("@", regex=False).to_numpy(dtype=bool),
                 EVENT_ID_CNTY,
                 text[EVENT_ID_CNTY], "must not contain '@'")
    nums = {}
    for col in (*FLOATS, *INTS):
        values, bad = parse_numbers(get(col), n, integer=col in INTS)
        problems.add(bad, col, text_column(get(col), n) if bad.any() else values,
                     "not a number" if col in FLOATS else "not a whole number")
        nums[col] = values
    prec_code = nums[TIME_PRECISION]
    ok_prec = np.isin(prec_code, list(PRECISION_CODES))
    problems.add(~ok_prec & ~np.isnan(prec_code), TIME_PRECISION, prec_code,
                 "must be 1 (day), 2 (week) or 3 (month)")
    problems.add(np.isnan(prec_code) & blank_cells(get(TIME_PRECISION), n), TIME_PRECISION,
                 text[EVENT_ID_CNTY], "required value is empty")
    pick = np.zeros(n, dtype=np.int64)  # names[0] is day: also for empty or bad codes
    names = [s.DAY]
    for code, name in PRECISION_CODES.items():
        names.append(name)
        pick[prec_code == code] = len(names) - 1
    precision = np.asarray(names, dtype=object)[pick]
    geo = nums[GEO_PRECISION]
    problems.add(~np.isnan(geo) & ~np.isin(geo, GEO_PRECISIONS), GEO_PRECISION, geo,
                 "must be 1, 2 or 3")
    fat = nums[FATALITIES]
    problems.add(fat < 0, FATALITIES, fat, "must not be negative")
    problems.add(fat > MAX_FATALITIES, FATALITIES, fat,
                 f"more than {MAX_FATALITIES:,}: not a count of deaths")
    stamp = nums[TIMESTAMP]
    problems.add(np.isnan(stamp) & blank_cells(get(TIMESTAMP), n), TIMESTAMP,
                 text[EVENT_ID_CNTY], "required value is empty (ACLED's epoch-seconds timestamp)")
    dates, why = parse_event_dates(text[EVENT_DATE])
    problems.add((why != "") & ~empty_cells(text[EVENT_DATE]), EVENT_DATE, text[EVENT_DATE], why)
    latest = np.datetime64(pd.Timestamp(today), "s")
    early, late = dates < np.datetime64(EARLIEST, "s"), dates > latest
    problems.add(early | late, EVENT_DATE, text[EVENT_DATE],
                 f"date out of range: must lie between {EARLIEST.date()} and today ({today})")
    dates[early | late] = np.datetime64("NaT")
    dates = snap_to_precision(dates.astype("datetime64[ns]"), precision)
    lat, lon = nums[LATITUDE], nums[LONGITUDE]
    off = (np.abs(lat) > 90) | (np.abs(lon) > 180)
    problems.add(off, LATITUDE, coordinate_pairs(lat, lon, off),
                 "not a coordinate: latitude within +-90, longitude within +-180")
    code = locate_points(lon, lat, districts)
    has_point = ~(np.isnan(lat) | np.isnan(lon))
    outside = has_point & pd.isna(code)
    problems.add(outside, LATITUDE, coordinate_pairs(lat, lon, outside),
                 "coordinates (latitude,longitude) outside every district of the boundaries: "
                 "not in this country; fix them or drop the row")
    no_point = ~has_point
    if no_point.any():
        code = _place_by_names(code, no_point, text, gazetteer, problems)
    territorial = text[SUB_EVENT_TYPE].isin(TERRITORIAL).to_numpy(dtype=bool)
    problems.add(territorial & empty_cells(text[ACTOR1]), ACTOR1, text[ACTOR1],
                 "empty: a territorial event needs actor1, the side taking control")
    long_taker = territorial & ~bad_text[ACTOR1]
    problems.add(long_taker & longer_than(text[ACTOR1], MAX_CONTROLLER), ACTOR1, text[ACTOR1],
                 f"longer than {MAX_CONTROLLER} characters for the side taking control; shorten it")
    problems.add(epochs_outside(stamp, EARLIEST, today),
                 TIMESTAMP, get(TIMESTAMP), f"not an epoch-seconds timestamp: ACLED's last "
                 f"change to the row must lie between {EARLIEST.date()} and today ({today})")
    return pd.DataFrame({
        ACLED_ID: text[EVENT_ID_CNTY], TIMESTAMP: stamp, s.DATE: dates,
        s.DATE_PRECISION: precision, EVENT_TYPE: text[EVENT_TYPE],
        SUB_EVENT_TYPE: text[SUB_EVENT_TYPE], ACTOR1: text[ACTOR1], ACTOR2: text[ACTOR2],
        FATALITIES: fat, LATITUDE: lat, LONGITUDE: lon, s.DISTRICT_CODE: code,
        GEO_PRECISION: geo, LOCATION: text[LOCATION], s.SOURCE: text[ACLED_SOURCE],
        s.NOTES: text[ACLED_NOTES], RECORD: np.arange(n), TERRITORIAL_FLAG: territorial,
        ADMIN1: text[ADMIN1], ADMIN2: text[ADMIN2],
    })


def _place_by_names(code: np.ndarray, no_point: np.ndarray, text: dict[str, np.ndarray],
                    gazetteer, problems: Problems) -> np.ndarray:
    """District of rows without coordinates, from admin2 (within admin1)."""
    rows = np.flatnonzero(no_point)
    names = text[ADMIN2].iloc[rows].to_numpy(dtype=object)
    provinces = text[ADMIN1].iloc[rows].to_numpy(dtype=object)
    empty = names == ""
    resolved = gazetteer.resolve_table(pd.Series(names, dtype=object),
                                       pd.Series(np.where(provinces == "", None, provinces),
                                                 dtype=object))
    error = resolved["error"].to_numpy(dtype=object)
    mask = np.zeros(len(code), dtype=bool)
    bad_name = ~empty & pd.notna(error)
    mask[rows[bad_name]] = True
    whys = np.full(len(code), "", dtype=object)
    whys[rows[bad_name]] = ["no coordinates, and admin2 does not resolve: " + str(e)
                            for e in error[bad_name]]
    problems.add(mask, ADMIN2, text[ADMIN2], whys)
    mask = np.zeros(len(code), dtype=bool)
    mask[rows[empty]] = True
    problems.add(mask, LATITUDE, text[ADMIN2],
                 "latitude/longitude are empty and so is admin2: the row cannot be placed")
    out = code.copy()
    good = ~empty & pd.isna(error)
    out[rows[good]] = resolved[s.DISTRICT_CODE].to_numpy(dtype=object)[good]
    return out


def _admin_warnings(points: pd.DataFrame, frame: pd.DataFrame, gazetteer,
                    districts: pd.DataFrame, parsed: ParsedAcled, path: Path,
                    *, limit: int = 50) -> list[str]:
    """One warning per (admin2, admin1, point district) that disagrees with the point."""
    placed = pd.notna(points[s.DISTRICT_CODE].to_numpy()) & ~np.isnan(points[LATITUDE].to_numpy())
    have = placed & ~empty_cells(points[ADMIN2])
    if not have.any():
        return []
    sub = points.loc[have, [ADMIN2, ADMIN1, s.DISTRICT_CODE, RECORD]]
    groups = _group_numbers([sub[ADMIN2], sub[ADMIN1], sub[s.DISTRICT_CODE]])
    _, first = np.unique(groups, return_index=True)
    uniq = sub[[ADMIN2, ADMIN1, s.DISTRICT_CODE]].iloc[first].reset_index(drop=True)
    uniq = uniq.astype(object)
    prov = uniq[ADMIN1].where(uniq[ADMIN1] != "", None)
    resolved = gazetteer.resolve_table(uniq[ADMIN2].astype(object), prov.astype(object))
    names = districts.set_index(s.DISTRICT_CODE)[s.DISTRICT_NAME]
    disagree = (resolved[s.DISTRICT_CODE].to_numpy(dtype=object)
                != uniq[s.DISTRICT_CODE].to_numpy(dtype=object))
    bad_groups = np.flatnonzero(disagree)
    if not len(bad_groups):
        return []
    if parsed.lines is None:
        parsed.lines = csvfile.RecordLines.of_file(path, parsed.n_records)
    records = sub[RECORD].to_numpy()
    out = []
    for g in bad_groups[:limit]:
        rec = records[groups == g]
        lines = parsed.line_of(rec[:3])
        where = ", ".join(str(x) for x in lines) + (f" (+{len(rec) - 3} more)"
                                                    if len(rec) > 3 else "")
        point = uniq.at[g, s.DISTRICT_CODE]
        err = resolved["error"].iloc[g]
        said = (f"admin2 {uniq.at[g, ADMIN2]!r} ({uniq.at[g, ADMIN1] or 'no admin1'}) "
                + (f"does not resolve ({err})" if err
                   else f"is {names.get(resolved[s.DISTRICT_CODE].iloc[g], '?')} "
                        f"({resolved[s.DISTRICT_CODE].iloc[g]})"))
        out.append(f"line {where}: the coordinates lie in {names.get(point, point)} ({point}) "
                   f"but {said}; kept the coordinates' district")
    if len(bad_groups) > limit:
        out.append(f"... and {len(bad_groups) - limit} more admin-name disagreements")
    return out


def _group_numbers(columns: list[pd.Series]) -> np.ndarray:
    """Number of every row's combination of values, in order of first appearance."""
    groups = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        codes, uniques = pd.factorize(col)
        groups = pd.factorize(groups * (len(uniques) + 1) + codes + 1)[0]
    return groups


def _dedupe(points: pd.DataFrame, problems: Problems) -> tuple[pd.DataFrame, int]:
    """Drop bad rows and identical repeats; flag same (id, timestamp) with other content."""
    columns = [*POINT_COLUMNS, RECORD, TERRITORIAL_FLAG]
    if problems.parts:
        bad = problems.frame()[RECORD].unique()
        good = points[~points[RECORD].isin(bad)]
    else:
        good = points
    key = [ACLED_ID, TIMESTAMP]
    if not same_key_as_next(good[ACLED_ID], good[TIMESTAMP].to_numpy()).any():
        return good[columns].reset_index(drop=True), 0
    same = good.duplicated(POINT_COLUMNS, keep="first")
    rest = good[~same]
    clash = rest.duplicated(key, keep="first")
    if clash.any():
        first = rest[~clash].set_index(key)[RECORD]
        firsts = first.reindex(pd.MultiIndex.from_frame(rest.loc[clash, key])).to_numpy()
        mask = np.zeros(len(points), dtype=bool)
        mask[rest.loc[clash, RECORD].to_numpy()] = True
        whys = np.full(len(points), "", dtype=object)
        whys[rest.loc[clash, RECORD].to_numpy()] = [
            f"same event_id_cnty and timestamp as record {int(f) + 1} with different content; "
            f"ACLED gives every change a new timestamp: keep one of the two rows"
            for f in firsts]
        problems.add(mask, EVENT_ID_CNTY, points[ACLED_ID].to_numpy(), whys)
    kept = rest[~clash]
    return kept[[*POINT_COLUMNS, RECORD, TERRITORIAL_FLAG]].reset_index(drop=True), int(same.sum())
