"""The one writer of control events (events CSV, drafts, ACLED) and the one content hash.

Values are built column by column (each distinct text or day converted once) and streamed as
plain tuples to SQLite's ``executemany`` or PostgreSQL's ``COPY``, on the caller's transaction
(:func:`tracker.store.engines.write_transaction`); no ORM objects. The caller then rewrites the
stored intervals of the districts written (:func:`tracker.store.intervals.rebuild`, or
:func:`tracker.store.interval_extension.extend` from an anchor).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, String, func, insert, or_, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite

from tracker.core import schema as s
from tracker.core.acled_columns import ACLED_ID, TIMESTAMP
from tracker.store.models import ControlEvent, Source, chunks, utcnow
from tracker.store.queries import fetch_rows, parse_times

# What an event says (not when it was stored): the fields of its content hash, in this order.
HASH_KEYS = (s.DATE, s.DATE_PRECISION, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE,
             s.SOURCE, s.SOURCE_URL, s.REPORTED_ON, s.NOTES, s.SUPERSEDES)
BULK_REBUILD = 10_000  # SQLite: from this many new rows (and more than stored) rebuild indexes
CONTENT_HASH = "content_hash"  # column of the events holding content_hashes()
_FEW_DAYS = 400  # report days up to which sources are looked up by day as well as publisher


def plain_text(col: pd.Series) -> np.ndarray:
    """Each value as text (``''`` for missing; days as ``YYYY-MM-DD``), each distinct value once."""
    codes, uniques = pd.factorize(col)
    if pd.api.types.is_datetime64_any_dtype(uniques.dtype):
        texts = list(pd.DatetimeIndex(uniques).strftime("%Y-%m-%d"))
    else:
        texts = [u if type(u) is str else str(u) for u in np.asarray(uniques, dtype=object)]
    return np.asarray([*texts, ""], dtype=object)[codes]


def day_values(values, *, sqlite: bool) -> list:
    """Days for the driver: ISO text on SQLite (SQLAlchemy's own storage format), else dates;
    ``None`` for missing. Each distinct day is converted once."""
    codes, uniques = pd.factorize(pd.DatetimeIndex(values))
    lookup = list(uniques.strftime("%Y-%m-%d")) if sqlite else [d.date() for d in uniques]
    table = np.asarray([*lookup, None], dtype=object)
    return table[codes].tolist()


def content_hashes(events: pd.DataFrame) -> list[str]:
    """SHA-256 of what each event says (:data:`HASH_KEYS`), computed column-wise."""
    parts = [f"{key}=" + plain_text(events[key]) for key in HASH_KEYS]
    return [hashlib.sha256("\x1f".join(row).encode("utf-8")).hexdigest()
            for row in zip(*parts, strict=True)]


def insert_ignoring(conn: Connection, model, keys: list[str]):
    """``INSERT ... ON CONFLICT (keys) DO NOTHING`` for the connection's backend.

    Writers are serialised by :func:`tracker.store.engines.write_transaction`, so conflicts do not
    happen in normal use; this keeps a racing writer from failing an import on a row that already
    landed.
    """
    dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(conn.dialect.name)
    if dialect is None:
        return insert(model)
    return dialect.insert(model).on_conflict_do_nothing(index_elements=keys)


def source_ids(conn: Connection, events: pd.DataFrame) -> list[int | None]:
    """Id in ``sources`` of every event's (publisher, url, published_on), created when missing.

    Computed column-wise: each distinct source is looked up and inserted once.
    """
    on = ["publisher", "url", "day"]
    keys = pd.DataFrame({"publisher": plain_text(events[s.SOURCE]),
                         "url": plain_text(events[s.SOURCE_URL]),
                         "day": plain_text(pd.to_datetime(events[s.REPORTED_ON]))})
    wanted = keys[(keys["publisher"] != "") | (keys["url"] != "") | (keys["day"] != "")]
    wanted = wanted.drop_duplicates()
    stmt = select(Source.publisher, Source.url, type_coerce(Source.published_on, String), Source.id)
    days = sorted(wanted["day"].unique())
    if len(days) <= _FEW_DAYS:  # a small import: only its days' sources, not all of theirs
        on_day = Source.published_on.in_([pd.Timestamp(d).date() for d in days if d])
        stmt = stmt.where(or_(on_day, Source.published_on.is_(None)) if "" in days else on_day)

    def stored() -> pd.DataFrame:
        rows: list[tuple] = []
        for part in chunks(sorted(wanted["publisher"].unique()), 500):
            rows.extend(fetch_rows(conn, stmt.where(Source.publisher.in_(part))))
        out = pd.DataFrame(rows, columns=[*on, "id"], dtype=object)
        out["day"] = plain_text(pd.Series(parse_times(out["day"].to_numpy())))
        return out

    have = stored()
    missing = wanted.merge(have, on=on, how="left")
    missing = missing[missing["id"].isna()]
    if len(missing):
        days = day_values(pd.to_datetime(missing["day"].replace("", None)), sqlite=False)
        conn.execute(insert_ignoring(conn, Source, ["publisher", "url", "published_on"]),
                     [{"publisher": p, "url": u, "published_on": d}
                      for p, u, d in zip(missing["publisher"], missing["url"], days, strict=True)])
        have = stored()
    ids = keys.merge(have, on=on, how="left")["id"]
    return [None if pd.isna(i) else int(i) for i in ids]


def stream_rows(conn: Connection, table, columns: list[str], rows: Iterator[tuple]) -> None:
    """Write an iterator of tuples through the driver: SQLite ``executemany``, PostgreSQL ``COPY``.

    Both run on the connection's own DBAPI connection, inside its open transaction.
    """
    raw = conn.connection.driver_connection
    quoted = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in columns)
    if conn.dialect.name == "sqlite":
        cursor = raw.cursor()
        try:
            cursor.executemany(f"INSERT INTO {table.name} ({quoted}) "
                               f"VALUES ({', '.join('?' * len(columns))})", rows)
        finally:
            cursor.close()
    elif conn.dialect.driver == "psycopg":
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        conn.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])


def _nullable_text(values: np.ndarray) -> list:
    arr = np.asarray(values, dtype=object)
    return np.where(arr == "", None, arr).tolist()


def write_events(conn: Connection, events: pd.DataFrame, *, origin: str,
                 recorded_at: datetime | None = None) -> int:
    """Append control events (schema event columns; ACLED's ``acled_id`` and ``timestamp`` too
    when present, and their ``content_hash`` when the caller has computed it) whose ids are not
    stored, recorded at ``recorded_at`` (default: now, UTC); returns how many."""
    if events.empty:
        return 0
    sqlite_db = conn.dialect.name == "sqlite"
    events = events.reset_index(drop=True)
    sids = source_ids(conn, events)
    now = utcnow() if recorded_at is None else recorded_at
    n = len(events)
    acled = ACLED_ID in events and TIMESTAMP in events
    columns = {
        "event_id": events[s.EVENT_ID].tolist(),
        "date": day_values(events[s.DATE], sqlite=sqlite_db),
        "date_precision": events[s.DATE_PRECISION].tolist(),
        "district_code": events[s.DISTRICT_CODE].tolist(),
        "controller": events[s.CONTROLLER].tolist(), "status": events[s.STATUS].tolist(),
        "confidence": events[s.CONFIDENCE].tolist(), "source_id": sids,
        "notes": _nullable_text(plain_text(events[s.NOTES])),
        "supersedes": _nullable_text(plain_text(events[s.SUPERSEDES])),
        "origin": [origin] * n,
        "content_hash": (events[CONTENT_HASH].tolist() if CONTENT_HASH in events
                         else content_hashes(events)),
        "recorded_at": [str(now) if sqlite_db else now] * n,
        "acled_id": events[ACLED_ID].astype(str).tolist() if acled else [None] * n,
        "acled_timestamp": ([int(t) for t in events[TIMESTAMP]] if acled else [None] * n),
    }
    names = list(columns)
    table = ControlEvent.__table__
    # On SQLite a bulk import larger than the table rebuilds its secondary indexes after the
    # inserts (one sort each instead of random updates), in the same transaction; readers keep
    # their snapshot. PostgreSQL's COPY needs no such help (and DROP INDEX would block readers).
    rebuild = sqlite_db and n >= BULK_REBUILD and n > _count(conn, table)
    if rebuild:
        for index in table.indexes:
            index.drop(conn)
    stream_rows(conn, table, names, zip(*(columns[c] for c in names), strict=True))
    if rebuild:
        for index in table.indexes:
            index.create(conn)
    return n


def last_event_id(conn: Connection) -> int:
    """The largest ``events.id`` stored (0: none); rows written after this call have larger ids
    (writers are serialised, see :func:`tracker.store.engines.write_transaction`)."""
    return conn.execute(select(func.max(ControlEvent.id))).scalar_one() or 0


def _count(conn: Connection, table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()
