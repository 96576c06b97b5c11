"""ACLED point events -> the compact data of the map's "ACLED events" layer.

The layer (drawn by ``assets/tracker_points.js`` on a Leaflet canvas above the districts) shows, at
slider date D, the events dated D - window + 1 .. D. Events known only to the week or month carry
the first day of that week or month as their date, follow the same rule, and say their precision in
their popup.

The data is a set of column arrays, one entry per event in date order: days since 1970-01-01 as
differences from the previous event (the first: from 0), coordinates rounded to 4 decimals (about
11 m), and every text (types, actors, places, sources, notes) as an index into one table of distinct
strings. The page only ever shows those texts through ``textContent``.

Colours of ACLED's six event types (:data:`EVENT_TYPE_COLORS`); any other type is
:data:`OTHER_COLOR`. A marker's radius is ``BASE_RADIUS + RADIUS_PER_SQRT * sqrt(fatalities)``
pixels, at most ``MAX_RADIUS``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tracker._errors import InputError
from tracker.core import acled_columns as acled
from tracker.core import schema as s

MAX_POINTS = 50_000  # most events one map embeds; more: narrow the span
DEFAULT_WINDOW = 7  # days shown at each slider date (the date and the 6 days before it)
POINTS_ID = "tracker-points"  # id of the <script type="application/json"> holding the layer's data
COORD_DECIMALS = 4
EVENT_TYPE_COLORS: dict[str, str] = {
    "Battles": "#d7191c",
    "Explosions/Remote violence": "#f07c00",
    "Violence against civilians": "#7b3294",
    "Strategic developments": "#1a9850",
    "Protests": "#2b83ba",
    "Riots": "#e7298a",
}
OTHER_COLOR = "#8c8c8c"
BASE_RADIUS, RADIUS_PER_SQRT, MAX_RADIUS = 4.0, 1.6, 24.0  # pixels (used by the page's script)
EPOCH = pd.Timestamp("1970-01-01")

REQUIRED = (acled.ACLED_ID, s.DATE, acled.EVENT_TYPE, acled.LATITUDE, acled.LONGITUDE)
# payload key -> column shown in the popup (as an index into the string table)
TEXT_COLUMNS = {
    "sub": acled.SUB_EVENT_TYPE, "a1": acled.ACTOR1, "a2": acled.ACTOR2, "loc": acled.LOCATION,
    "dist": s.DISTRICT_NAME, "prov": s.PROVINCE_NAME, "src": s.SOURCE, "notes": s.NOTES,
}


def points_payload(points: pd.DataFrame, *, start: pd.Timestamp, end: pd.Timestamp,
                   window: int = DEFAULT_WINDOW) -> dict[str, Any]:
    """The layer's data: the events that some slider date from ``start`` to ``end`` shows.

    Parameters
    ----------
    points
        Point events as :meth:`tracker.api.Tracker.point_events` returns them (``acled_id``,
        ``date``, ``date_precision``, ``event_type``, ``sub_event_type``, ``actor1``, ``actor2``,
        ``fatalities``, ``latitude``, ``longitude``, ``location``, ``source``, ``notes``,
        ``district_name``, ``province_name``; only the first five are required).
    start, end
        The slider's first and last day.
    window
        Days shown at each slider date D: events dated D - window + 1 .. D.

    Returns
    -------
    dict
        JSON-ready data (see the module's docstring). Events without coordinates are not drawn;
        their number is ``unplaced``.

    Raises
    ------
    InputError
        A missing column, a window below one day, or more than :data:`MAX_POINTS` events to embed.
    """
    window = check_window(window)
    missing = [c for c in REQUIRED if c not in points.columns]
    if missing:
        msg = (f"point events lack column(s) {', '.join(missing)}; "
               f"read them with Tracker.point_events")
        raise InputError(msg)
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    first = start - pd.Timedelta(days=window - 1)
    dates = pd.to_datetime(points[s.DATE]).dt.normalize()
    inside = (dates >= first) & (dates <= end)
    n = int(inside.sum())
    if n > MAX_POINTS:
        msg = (f"{n:,} ACLED events fall in the map's span {first:%Y-%m-%d}..{end:%Y-%m-%d}, "
               f"more than the {MAX_POINTS:,} one map can show; narrow it with --start/--end")
        raise InputError(msg)
    frame = points.loc[inside.to_numpy()].reset_index(drop=True)
    frame["_day"] = dates[inside].to_numpy()
    frame["_lat"] = pd.to_numeric(frame[acled.LATITUDE], errors="coerce").round(COORD_DECIMALS)
    frame["_lon"] = pd.to_numeric(frame[acled.LONGITUDE], errors="coerce").round(COORD_DECIMALS)
    placed = frame["_lat"].notna() & frame["_lon"].notna()
    unplaced = int((~placed).sum())
    frame = frame.loc[placed]
    frame["_id"] = frame[acled.ACLED_ID].astype(str)
    frame = frame.sort_values(["_day", "_id"], kind="stable")

    days = ((frame["_day"] - EPOCH) // pd.Timedelta("1D")).to_numpy(dtype="int64")
    steps = np.diff(days, prepend=0).tolist() if len(days) else []
    types, type_index = _type_table(frame[acled.EVENT_TYPE])
    strings, codes = _string_table(frame, list(TEXT_COLUMNS.values()))
    fatalities = _column(frame, acled.FATALITIES)
    payload: dict[str, Any] = {
        "v": 1,
        "window": window,
        "unplaced": unplaced,
        "types": types,
        "radius": [BASE_RADIUS, RADIUS_PER_SQRT, MAX_RADIUS],
        "id": frame["_id"].tolist(),
        "day": steps,
        "prec": [_precision(p) for p in _column(frame, s.DATE_PRECISION)],
        "precision": list(s.PRECISIONS),
        "lat": frame["_lat"].tolist(),
        "lon": frame["_lon"].tolist(),
        "type": type_index,
        "fat": [None if pd.isna(f) else int(f) for f in fatalities],
    }
    payload.update({key: codes[col] for key, col in TEXT_COLUMNS.items()})
    payload["strings"] = strings
    return payload


def check_window(window: Any) -> int:
    """``window`` as a whole number of days (at least 1), else :class:`InputError`."""
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        msg = f"points_window={window!r} is not a number of days; give a whole number >= 1"
        raise InputError(msg)
    return int(window)


def _column(frame: pd.DataFrame, col: str) -> list[Any]:
    return frame[col].tolist() if col in frame.columns else [None] * len(frame)


def _precision(value: Any) -> int:
    return s.PRECISIONS.index(value) if value in s.PRECISIONS else 0


def _type_table(values: pd.Series) -> tuple[list[list[str]], list[int]]:
    """[[type, colour], ...] (ACLED's six first, in their fixed order, then others sorted) and
    each row's index into it."""
    text = values.fillna("").astype(str)
    others = sorted(set(text) - set(EVENT_TYPE_COLORS))
    names = [*EVENT_TYPE_COLORS, *others]
    index = {name: i for i, name in enumerate(names)}
    table = [[name, EVENT_TYPE_COLORS.get(name, OTHER_COLOR)] for name in names]
    return table, [index[v] for v in text]


def _string_table(frame: pd.DataFrame, columns: list[str]
                  ) -> tuple[list[str], dict[str, list[int]]]:
    """One table of the distinct texts of ``columns`` ("" first) and each column's indexes."""
    parts = [pd.Series([""], dtype=object)]
    for col in columns:
        values = frame[col] if col in frame.columns else pd.Series([None] * len(frame))
        parts.append(values.astype(object).where(values.notna(), "").astype(str)
                     .reset_index(drop=True))
    codes, uniques = pd.factorize(pd.concat(parts, ignore_index=True), sort=False)
    out: dict[str, list[int]] = {}
    at = 1
    for col in columns:
        out[col] = codes[at:at + len(frame)].tolist()
        at += len(frame)
    return [str(u) for u in uniques], out
