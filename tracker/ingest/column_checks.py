"""Vectorised checks of text columns read from CSV files: text, lengths, numbers, dates.

Each function takes a whole column and returns arrays (values, masks of bad cells, reasons), with
every distinct value converted once; no per-row Python.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracker.core import schema as s

ARROW_STR = pd.StringDtype("pyarrow")
# Dates as ACLED's API (2021-08-20), export tool (20 August 2021) and spreadsheets write them.
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y",
                "%d-%m-%Y")


def text_column(col: pd.Series | None, n: int) -> pd.Series:
    """Text as an Arrow-backed string Series ('' for missing; already stripped by the readers)."""
    if col is None:
        return pd.Series(np.full(n, "", dtype=object), dtype=ARROW_STR)
    if not (isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow"):
        col = col.astype(object).where(col.notna(), "").astype(str).astype(ARROW_STR)
    return col.fillna("").reset_index(drop=True)


def longer_than(col: pd.Series, limit: int) -> np.ndarray:
    """Values with more than ``limit`` characters (counted only when the bytes could be)."""
    nbytes = pc.binary_length(pa.array(col.array))
    if (pc.max(nbytes).as_py() or 0) <= limit:  # a character takes at least one byte
        return np.zeros(len(col), dtype=bool)
    return (col.str.len() > limit).to_numpy(dtype=bool)


def empty_cells(col: pd.Series) -> np.ndarray:
    return (col == "").to_numpy(dtype=bool)


def blank_cells(col: pd.Series | None, n: int) -> np.ndarray:
    """Empty cells of a column (none in a column read as numbers)."""
    if col is None:
        return np.ones(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(col.dtype):
        return col.isna().to_numpy(dtype=bool)
    return empty_cells(text_column(col, n))


def coordinate_pairs(lat: np.ndarray, lon: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``lat,lon`` text where ``mask`` (for messages), else ''."""
    if not mask.any():
        return np.empty(0, dtype=object)  # not looked at: nothing to report
    out = np.full(len(lat), "", dtype=object)
    rows = np.flatnonzero(mask)
    out[rows] = [f"{a},{b}" for a, b in zip(lat[rows], lon[rows], strict=True)]
    return out


def parse_numbers(col: pd.Series | None, n: int, *, integer: bool) -> tuple[np.ndarray, np.ndarray]:
    """(values as float64 with NaN for empty/bad, mask of bad non-empty values)."""
    if col is None:
        return np.full(n, np.nan), np.zeros(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(col.dtype):
        return col.to_numpy(dtype="float64", na_value=np.nan), np.zeros(n, dtype=bool)
    raw = text_column(col, n)
    codes, uniques = pd.factorize(raw)
    parsed = pd.to_numeric(pd.Series(np.asarray(uniques, dtype=object), dtype=object),
                           errors="coerce").to_numpy(dtype="float64")
    values = parsed[codes]
    bad = np.isnan(values) & ~empty_cells(raw)
    if integer:
        frac = ~np.isnan(values) & (values != np.round(values))
        bad |= frac
        values = np.where(frac, np.nan, values)
    return values, bad


def epochs_outside(seconds: np.ndarray, earliest: pd.Timestamp, today: date) -> np.ndarray:
    """Which epoch-seconds values are not a time between ``earliest`` and the end of ``today``
    (missing values are not flagged)."""
    with np.errstate(invalid="ignore"):  # beyond year 5000: not a time
        finite = np.where(np.abs(seconds) < 1e11, seconds, np.nan)
    when = pd.to_datetime(pd.Series(finite), unit="s", errors="coerce")
    latest = pd.Timestamp(today) + pd.Timedelta(days=1)
    return ~np.isnan(seconds) & (when.isna() | (when < earliest) | (when >= latest)).to_numpy()


def parse_event_dates(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[s] dates with NaT for bad ones, why-text per bad value or '').

    Every distinct value is parsed once, trying :data:`DATE_FORMATS` in order.
    """
    codes, uniques = pd.factorize(values)
    uniq = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str)
    parsed = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[s]")
    for fmt in DATE_FORMATS:
        todo = parsed.isna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(uniq[todo], format=fmt, errors="coerce").astype(
            "datetime64[s]")
    why = np.where(parsed.isna(), _date_why(uniq), "").astype(object)
    return parsed.to_numpy()[codes], np.append(why, "")[codes]


def _date_why(uniq: pd.Series) -> np.ndarray:
    shaped = uniq.str.fullmatch(r"\d{1,4}[-/ ]\d{1,2}[-/ ]\d{1,4}|\d{1,2}[- ][A-Za-z]+[- ]\d{4}")
    return np.where(shaped, "not a valid calendar date (no such day or month)",
                    "not a date: use 2021-08-20 or 20 August 2021")


def snap_to_precision(dates: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """First day of the week (Monday) or month for week/month precision.

    Computed once per distinct date.
    """
    codes, uniques = pd.factorize(dates)
    idx = pd.DatetimeIndex(uniques).astype("datetime64[ns]")
    monday = (idx - pd.to_timedelta(idx.day_of_week, unit="D")).to_numpy()
    first = (idx.to_period("M").to_timestamp() if len(idx) else idx).to_numpy()
    nat = np.array([np.datetime64("NaT", "ns")])
    monday, first = np.concatenate([monday, nat]), np.concatenate([first, nat])
    out = np.where(precision == s.WEEK, monday[codes], dates)
    return np.where(precision == s.MONTH, first[codes].astype("datetime64[ns]"), out)
