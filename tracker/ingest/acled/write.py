"""Bulk reads and writes of ACLED imports: point-event versions, control events, retractions.

Every function takes a :class:`sqlalchemy.Connection` inside a transaction opened by the caller
(:func:`tracker.store.engines.write_transaction`), so an import lands whole or not at all. Point
events go to :mod:`tracker.store.point_batches` (columnar batches). Control events, sources and
retractions are bulk inserts on that same connection: values are built column by column (each
distinct text or day converted once), then streamed as plain tuples to SQLite's ``executemany`` or
PostgreSQL's ``COPY``; no ORM objects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Engine, func, insert, select

from tracker.core import schema as s
from tracker.core.acled_columns import ACLED_ID, ID_PREFIX, ORIGIN, RECORD
from tracker.core.arrow_columns import arrow_text
from tracker.ingest.acled import deletions as acled_deletions
from tracker.ingest.acled.read import ParsedAcled, read_acled
from tracker.ingest.acled.versions import VersionPlan, plan_versions
from tracker.ingest.csvfile import RecordLines
from tracker.ingest.problems import Problem, listed, raise_problems
from tracker.store import point_batches, records
from tracker.store.engines import write_transaction
from tracker.store.models import ControlEvent, Retraction, utcnow

# The fields behind tracker.store.models.content_hash, in its order.
HASH_KEYS = (s.DATE, s.DATE_PRECISION, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE,
             s.SOURCE, s.SOURCE_URL, s.REPORTED_ON, s.NOTES, s.SUPERSEDES)
Progress = Callable[[str, int, int], None]


def _nullable_text(values: np.ndarray) -> list:
    arr = np.asarray(values, dtype=object)
    return np.where(arr == "", None, arr).tolist()


def _stream_rows(conn: Connection, table, columns: list[str], rows: Iterator[tuple]) -> None:
    """Write an iterator of tuples through the driver: SQLite ``executemany``, PostgreSQL ``COPY``.

    Both run on the connection's own DBAPI connection, inside its open transaction.
    """
    raw = conn.connection.driver_connection
    if conn.dialect.name == "sqlite":
        cursor = raw.cursor()
        try:
            cursor.executemany(f"INSERT INTO {table.name} ({', '.join(columns)}) "
                               f"VALUES ({', '.join('?' * len(columns))})", rows)
        finally:
            cursor.close()
    elif conn.dialect.driver == "psycopg":
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        conn.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])


def content_hashes(events: pd.DataFrame) -> list[str]:
    """:func:`tracker.store.models.content_hash` of every event row, computed column-wise."""
    parts = [f"{key}=" + records.plain_text(events[key]) for key in HASH_KEYS]
    return [hashlib.sha256("\x1f".join(row).encode("utf-8")).hexdigest()
            for row in zip(*parts, strict=True)]


def insert_control_events(conn: Connection, events: pd.DataFrame, *, origin: str = ORIGIN) -> int:
    """Append control events (schema event columns); ids are new by construction."""
    if events.empty:
        return 0
    sqlite = conn.dialect.name == "sqlite"
    events = events.reset_index(drop=True)
    source_ids = records.source_ids(conn, events)
    records._ensure_actors(conn, events[s.CONTROLLER])
    now = utcnow()
    n = len(events)
    columns = {
        "event_id": events[s.EVENT_ID].tolist(),
        "date": records.day_values(events[s.DATE], sqlite=sqlite),
        "date_precision": events[s.DATE_PRECISION].tolist(),
        "district_code": events[s.DISTRICT_CODE].tolist(),
        "controller": events[s.CONTROLLER].tolist(), "status": events[s.STATUS].tolist(),
        "confidence": events[s.CONFIDENCE].tolist(), "source_id": source_ids,
        "notes": _nullable_text(records.plain_text(events[s.NOTES])),
        "supersedes": _nullable_text(records.plain_text(events[s.SUPERSEDES])),
        "origin": [origin] * n, "content_hash": content_hashes(events),
        "recorded_at": [str(now) if sqlite else now] * n,
    }
    names = list(columns)
    table = ControlEvent.__table__
    # On SQLite a bulk import larger than the table rebuilds its secondary indexes after the
    # inserts (one sort each instead of random updates), in the same transaction; readers keep
    # their snapshot. PostgreSQL's COPY needs no such help (and DROP INDEX would block readers).
    rebuild = sqlite and n >= 10_000 and n > _count(conn, table)
    if rebuild:
        for index in table.indexes:
            index.drop(conn)
    _stream_rows(conn, table, names, zip(*(columns[c] for c in names), strict=True))
    if rebuild:
        for index in table.indexes:
            index.create(conn)
    return n


def _count(conn: Connection, table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def insert_retractions(conn: Connection, retract: list[tuple[str, int, str]]) -> int:
    """Retract every control event of ACLED event ``id`` older than ``timestamp``.

    ``retract`` holds (ACLED id, timestamp, reason); control events already retracted are left
    alone. One query reads the live ACLED control events. Returns how many were retracted.
    """
    if not retract:
        return 0
    prefix = ID_PREFIX
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    live = conn.execute(
        select(ControlEvent.event_id)
        .outerjoin(Retraction, Retraction.event_id == ControlEvent.event_id)
        .where(ControlEvent.event_id.like(escaped + "%", escape="\\"),
               Retraction.id.is_(None))).scalars()
    versions: dict[str, list[tuple[int, str]]] = {}
    for event_id in live:
        acled_id, _, tail = event_id[len(prefix):].rpartition("@")
        if tail.isdigit():
            versions.setdefault(acled_id, []).append((int(tail), event_id))
    rows = []
    done: set[str] = set()
    now = utcnow()
    for acled_id, stamp, why in retract:
        for tail, event_id in versions.get(str(acled_id), ()):
            if tail < stamp and event_id not in done:
                done.add(event_id)
                rows.append({"event_id": event_id, "reason": why, "recorded_at": now})
    if rows:
        conn.execute(insert(Retraction), rows)
    return len(rows)


def write_plan(conn: Connection, plan: VersionPlan, *, file_name: str = "",
               progress: Progress | None = None) -> tuple[int, int, int]:
    """Write what :func:`tracker.ingest.acled.versions.plan_versions` decided.

    Returns (control events added, point events added, control events retracted).
    """
    control = insert_control_events(conn, plan.control)
    retracted = insert_retractions(conn, plan.retract)
    points = point_batches.write_points(conn, plan.points, file_name=file_name, progress=progress)
    return control, points, retracted


# --- one import, start to end ----------------------------------------------------------------
@dataclass
class AcledImport:
    """What an ACLED import did (or would have done, when it was refused)."""

    added: int = 0  # control events
    points_added: int = 0
    skipped: int = 0  # versions already stored, identical
    duplicates: int = 0  # identical rows repeated within the file
    retracted: int = 0  # control events of versions ACLED reclassified as non-territorial
    stale: int = 0  # versions older than a stored one (kept as point events only)
    layout: str = ""
    problems: list[Problem] = field(default_factory=list)  # the first ones, for messages
    n_problems: int = 0
    rejected_records: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    lines: RecordLines | None = None
    warnings: list[str] = field(default_factory=list)


def _row_problems(frame: pd.DataFrame, parsed: ParsedAcled, limit: int) -> list[Problem]:
    return listed(frame, parsed.line_of, limit=limit)


def _stored_versions(conn: Connection, ids: pd.Series) -> pa.Table:
    """The stored versions (POINT_SCHEMA) of the ACLED events ``ids``."""
    keys = point_batches.read_table(conn, [ACLED_ID])
    if not keys.num_rows:
        return point_batches.POINT_SCHEMA.empty_table()
    mine = pc.is_in(keys[ACLED_ID], value_set=pc.unique(arrow_text(ids)))
    if not pc.any(mine).as_py():
        return point_batches.POINT_SCHEMA.empty_table()
    return point_batches.read_table(conn).filter(mine)


def import_acled(engine: Engine, path: str | Path, districts: pd.DataFrame, gazetteer, *,
                 skip_bad: bool = False, today: date | None = None,
                 progress: Progress | None = None, limit: int = 20) -> AcledImport:
    """Read, validate, plan and store one ACLED export in a single transaction.

    Raises :class:`~tracker._errors.InputError` listing the bad rows (nothing written) unless
    ``skip_bad``; then the good rows are written and ``rejected_records`` names the others.
    """
    parsed = read_acled(path, districts, gazetteer, today=today, progress=progress)
    result = AcledImport(duplicates=parsed.duplicates, layout=parsed.layout,
                         warnings=parsed.warnings)
    if len(parsed.problems) and not skip_bad:
        raise_problems(path, _row_problems(parsed.problems, parsed, limit),
                       total=len(parsed.problems))
    with write_transaction(engine) as conn:
        if progress:
            progress("planning", 0, 1)
        stored = _stored_versions(conn, parsed.points[ACLED_ID])
        plan = plan_versions(parsed.points, stored, point_batches.read_deletions(conn))
        problems = pd.concat([parsed.problems, plan.problems], ignore_index=True)
        if len(problems) and parsed.lines is None:
            parsed.lines = RecordLines.of_file(path, parsed.n_records)
        if len(plan.problems) and not skip_bad:
            raise_problems(path, _row_problems(plan.problems, parsed, limit),
                           total=len(plan.problems))
        result.added, result.points_added, result.retracted = write_plan(
            conn, plan, file_name=str(path), progress=progress)
    result.skipped, result.stale = plan.skipped, plan.stale
    result.n_problems = len(problems)
    if len(problems):
        result.problems = _row_problems(problems.sort_values(RECORD, kind="stable"), parsed,
                                        limit)
    result.rejected_records = np.unique(problems[RECORD].to_numpy(dtype=int))
    result.lines = parsed.lines
    return result


# --- ACLED deletions -------------------------------------------------------------------------
@dataclass
class DeletionImport:
    """What importing an ACLED deletions file did."""

    added: int = 0  # deletions recorded
    skipped: int = 0  # deletions already recorded
    retracted: int = 0  # control events of deleted events
    not_stored: int = 0  # deletions of events not imported (yet): they apply when they come
    rejected_records: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    lines: RecordLines | None = None


def import_deletions(engine: Engine, path: str | Path, *, skip_bad: bool = False,
                     today: date | None = None, limit: int = 20) -> DeletionImport:
    """Record ACLED's deletions and retract the control events of deleted events, in one
    transaction (see :mod:`tracker.ingest.acled.deletions`)."""
    parsed = acled_deletions.read_deletions(path, today=today)
    if parsed.problems and not skip_bad:
        raise_problems(path, parsed.problems[:limit], total=len(parsed.problems))
    result = DeletionImport(rejected_records=parsed.rejected_records, lines=parsed.lines)
    with write_transaction(engine) as conn:
        new = point_batches.write_deletions(conn, parsed.deletions)
        result.added, result.skipped = len(new), len(parsed.deletions) - len(new)
        known = pc.unique(point_batches.read_table(conn, [ACLED_ID])[ACLED_ID])
        stored = pc.is_in(pa.array(new[ACLED_ID].astype(str).tolist(), type=pa.string()),
                          value_set=known)
        result.not_stored = len(new) - int(pc.sum(stored).as_py() or 0)
        result.retracted = insert_retractions(conn, [
            (i, int(t) + 1, f"ACLED deleted event {i} (deleted_timestamp {int(t)})")
            for i, t in zip(new[ACLED_ID], new[point_batches.DELETED_AT], strict=True)])
    return result
