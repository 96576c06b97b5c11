"""Column names, value sets and validation of the tracker's tables.

Every module speaks of events, intervals and states through these constants, so a column is
renamed in one place. The event table is the one the pure core (``timeline``, ``spatial``) consumes.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from tracker._errors import InputError

# --- coordinate reference systems ---------------------------------------------------------------
CRS = "EPSG:4326"  # every geometry the tracker stores or writes
EQUAL_AREA_CRS = "EPSG:6933"  # WGS 84 / NSIDC EASE-Grid 2.0 Global: equal-area, valid worldwide

# --- event columns ---------------------------------------------------------------------------
EVENT_ID = "event_id"
DATE = "date"  # day of the change on the ground (first day of the period for coarser precision)
DATE_PRECISION = "date_precision"  # "day", "week" or "month"
DISTRICT_CODE = "district_code"
DISTRICT_NAME = "district_name"
PROVINCE_CODE = "province_code"
PROVINCE_NAME = "province_name"
POPULATION = "population"  # optional district column: people living there (tracker chart --by)
CONTROLLER = "controller"  # actor holding the district; contested: actors joined by ACTOR_SEP
STATUS = "status"
CONFIDENCE = "confidence"
SOURCE = "source"  # publisher
SOURCE_URL = "source_url"
REPORTED_ON = "reported_on"  # publication date of the report
NOTES = "notes"
SUPERSEDES = "supersedes"  # event id this event corrects
RECORDED_AT = "recorded_at"  # when the tracker stored it (UTC)
RETRACTED_AT = "retracted_at"  # when a retraction was recorded (UTC), NaT if none
RETRACTION_REASON = "retraction_reason"
ORIGIN = "origin"  # where the event came from: "csv", "acled", "extract", ...

EVENT_COLUMNS = [
    EVENT_ID, DATE, DATE_PRECISION, DISTRICT_CODE, CONTROLLER, STATUS, CONFIDENCE, SOURCE,
    SOURCE_URL, REPORTED_ON, NOTES, SUPERSEDES, RECORDED_AT, RETRACTED_AT, RETRACTION_REASON,
]

# --- interval and state columns ---------------------------------------------------------------
START = "start"
END = "end"  # exclusive; NaT for the current (open) interval
EVENT_IDS = "event_ids"  # event ids behind an interval, joined by ID_SEP
CLAIMS = "claims"  # for a disputed interval: the competing claims in words
SINCE = "since"
INTERVAL_COLUMNS = [
    DISTRICT_CODE, CONTROLLER, STATUS, CONFIDENCE, START, END, DATE_PRECISION, EVENT_IDS, CLAIMS,
    SOURCE, SOURCE_URL,
]
STATE_COLUMNS = [
    DISTRICT_CODE, DISTRICT_NAME, PROVINCE_CODE, PROVINCE_NAME, CONTROLLER, STATUS, CONFIDENCE,
    SINCE, DATE_PRECISION, SOURCE, SOURCE_URL, EVENT_IDS, CLAIMS,
]

ACTOR_SEP = ";"

# --- actor alias columns (shipped ``data/actors.csv`` and the store's ``actor_aliases``) ---
ACTOR = "actor"
ALIAS = "alias"
ID_SEP = ";"

# --- value sets ---------------------------------------------------------------------------------
CONTROLLED = "controlled"
INFLUENCED = "influenced"
CONTESTED = "contested"
DISPUTED = "disputed"  # derived: reports of the same day disagree
UNKNOWN = "unknown"  # derived: no event yet
# A status scale is data: the default two levels, or the five-level scale of district assessments
# (control / influence per side, and contested between them).
STATUS_SCALES: dict[str, tuple[str, ...]] = {
    "control": (CONTROLLED, CONTESTED),
    "five-level": (CONTROLLED, INFLUENCED, CONTESTED),
}
DEFAULT_SCALE = "control"
EVENT_STATUSES = (CONTROLLED, INFLUENCED, CONTESTED)
DERIVED_STATUSES = (DISPUTED, UNKNOWN)
STATUS_ORDER = (*EVENT_STATUSES, *DERIVED_STATUSES)  # held first, unknown last

CONFIRMED = "confirmed"
REPORTED = "reported"
UNCONFIRMED = "unconfirmed"
CONFIDENCES = (CONFIRMED, REPORTED, UNCONFIRMED)  # strongest first
CONFIDENCE_RANK = {CONFIRMED: 2, REPORTED: 1, UNCONFIRMED: 0}

DAY = "day"
WEEK = "week"
MONTH = "month"
PRECISIONS = (DAY, WEEK, MONTH)

# Time steps for sliders and summaries, as pandas frequencies (after movingpandas' named steps).
TIME_STEPS = {DAY: "D", WEEK: "W-MON", MONTH: "MS"}


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def normalize_quotes(text: str) -> str:
    """``text`` with typographic apostrophes as ``'`` (same length, so spans still fit)."""
    return text.translate(_APOSTROPHES)


def empty_events() -> pd.DataFrame:
    """An event table with no rows and the right dtypes."""
    return normalize_events(pd.DataFrame({c: [] for c in EVENT_COLUMNS}))


def normalize_events(events: pd.DataFrame) -> pd.DataFrame:
    """Return ``events`` with every event column present and with canonical dtypes.

    Dates become day-resolution timestamps, missing optional text becomes ``None``.
    """
    out = events.copy()
    for col in EVENT_COLUMNS:
        if col not in out.columns:
            out[col] = None
    for col in (DATE, REPORTED_ON):
        out[col] = pd.to_datetime(out[col]).dt.normalize().astype("datetime64[ns]")
    for col in (RECORDED_AT, RETRACTED_AT):
        out[col] = pd.to_datetime(out[col], utc=True).dt.tz_localize(None).astype("datetime64[ns]")
    out[DATE_PRECISION] = out[DATE_PRECISION].fillna(DAY)
    for col in (EVENT_ID, DISTRICT_CODE, CONTROLLER, STATUS, CONFIDENCE, DATE_PRECISION):
        out[col] = out[col].astype(object)
    text = (SOURCE, SOURCE_URL, NOTES, SUPERSEDES, RETRACTION_REASON)
    for col in text:  # missing text is None, whether it came as NaN or as an empty string
        values = out[col].astype(object)
        out[col] = values.where(values.notna() & (values != ""), None)
    return out[[*EVENT_COLUMNS, *[c for c in out.columns if c not in EVENT_COLUMNS]]]


def split_actors(controller: str) -> list[str]:
    """The actors named in a controller value (``"Taliban;Resistance"`` -> two names)."""
    return [a.strip() for a in str(controller).split(ACTOR_SEP) if a.strip()]


def join_actors(actors: list[str] | tuple[str, ...]) -> str:
    """Canonical controller text for several actors: sorted, unique, joined by ``;``."""
    return ACTOR_SEP.join(sorted({a.strip() for a in actors if a and a.strip()}))


def as_day(value: object, *, name: str = "date") -> pd.Timestamp:
    """``value`` (text, date or timestamp) as a naive midnight timestamp, or an InputError
    naming the argument."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    if pd.isna(ts):
        msg = f"{name}={value!r} is not a date; use YYYY-MM-DD"
        raise InputError(msg)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.normalize()


def require_columns(table: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise an InputError naming the columns ``table`` lacks."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        msg = (f"{what} lacks column(s) {', '.join(missing)}; it has "
               f"{', '.join(map(str, table.columns))}")
        raise InputError(msg)
