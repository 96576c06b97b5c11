"""Rows straight from the database driver, for the store's bulk reads.

:func:`fetch_rows` returns the DBAPI cursor's plain tuples (no per-row processing by SQLAlchemy)
and :func:`parse_times` turns the date and timestamp values of both backends (ISO text from
SQLite, ``date``/``datetime`` objects from PostgreSQL) into ``datetime64[ns]``, once per distinct
value. The timeline itself is read from the stored intervals (:mod:`tracker.store.intervals`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection


def fetch_rows(conn: Connection, stmt, params: dict[str, object] | None = None) -> list[tuple]:
    """All rows of ``stmt`` (with bound ``params``) as the DBAPI cursor gives them: plain tuples,
    no per-row processing by SQLAlchemy (select dates through ``type_coerce(col, String)`` and
    parse them with :func:`parse_times`)."""
    result = conn.execute(stmt, params or {})
    try:
        return result.cursor.fetchall() if result.returns_rows else []
    finally:
        result.close()


def parse_times(values: np.ndarray) -> np.ndarray:
    """Dates or timestamps (ISO text from SQLite, date/datetime objects from PostgreSQL, None)
    as ``datetime64[ns]``, parsed once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed = pd.to_datetime(pd.Series(uniques, dtype=object), format="ISO8601")
    times = np.append(parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))
    return times[codes]
