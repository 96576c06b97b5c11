"""Bulk reads and writes of ACLED imports: point-event versions, control events, retractions.

Every function takes a :class:`sqlalchemy.Connection` inside a transaction opened by the caller
(:func:`tracker.store.engines.write_transaction`), so an import lands whole or not at all. Point
events go to :mod:`tracker.store.point_batches` (columnar batches). Control events, sources and
retractions are written on that same connection by the store's one event writer
(:mod:`tracker.store.event_writer`), and the stored intervals of the districts touched are
rewritten before the transaction commits (:func:`tracker.store.intervals.rebuild`).
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
from sqlalchemy import Connection, Engine, insert, select

from tracker.core import schema as s
from tracker.core.acled_columns import ACLED_ID, ORIGIN, RECORD
from tracker.core.arrow_columns import arrow_text
from tracker.ingest.acled import deletions as acled_deletions
from tracker.ingest.acled.read import ParsedAcled, read_acled
from tracker.ingest.acled.versions import VersionPlan, plan_versions
from tracker.ingest.csvfile import RecordLines
from tracker.ingest.problems import Problem, listed, raise_problems
from tracker.store import interval_extension, intervals, point_batches, records
from tracker.store.engines import write_transaction
from tracker.store.models import ControlEvent, Retraction, chunks, utcnow

Progress = Callable[[str, int, int], None]


def insert_retractions(conn: Connection, retract: list[tuple[str, int, str]]) -> list[str]:
    """Retract every control event of ACLED event ``id`` older than ``timestamp``.

    ``retract`` holds (ACLED id, timestamp, reason); control events already retracted are left
    alone. The live control events of those ids are read through the ``acled_id`` column (one
    indexed query per 500 ids). Returns the ids of the control events retracted.
    """
    if not retract:
        return []
    versions: dict[str, list[tuple[int, str]]] = {}
    e, r = ControlEvent, Retraction
    for part in chunks(sorted({str(i) for i, _, _ in retract}), 500):
        live = conn.execute(
            select(e.acled_id, e.acled_timestamp, e.event_id)
            .outerjoin(r, r.event_id == e.event_id)
            .where(e.acled_id.in_(part), r.id.is_(None)))
        for acled_id, stamp, event_id in live:
            versions.setdefault(acled_id, []).append((int(stamp), event_id))
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
    return [row["event_id"] for row in rows]


def write_plan(conn: Connection, plan: VersionPlan, *, file_name: str = "",
               progress: Progress | None = None) -> tuple[int, int, int]:
    """Write what :func:`tracker.ingest.acled.versions.plan_versions` decided.

    Returns (control events added, point events added, control events retracted).
    """
    control = len(plan.control)
    today = pd.Timestamp(utcnow()).normalize()  # retractions count from the day recorded
    written = records.write_held(conn, plan.control, origin=ORIGIN) if control else None
    retracted = insert_retractions(conn, plan.retract)
    anchors, rebuilt = interval_extension.split(
        conn, interval_extension.change_points(conn, written, retracted, today))
    starts = [written.first_known_day()] if written is not None else []
    since = min([*starts, today] if retracted else starts) if rebuilt else None
    rows = None  # an event written and retracted at once: the rebuild reads both back
    if rebuilt and written is not None and not plan.control[s.EVENT_ID].isin(retracted).any():
        rows = intervals.build_later(conn, rebuilt, written, since=since)  # during the points
    points = point_batches.write_points(conn, plan.points, file_name=file_name, progress=progress)
    if rebuilt:
        intervals.rebuild(conn, rebuilt, rows=None if rows is None else rows.result(),
                          since=since)
    interval_extension.extend(conn, anchors)
    return control, points, len(retracted)


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
    """The stored versions (POINT_SCHEMA) of the ACLED events ``ids`` (one pass over the point
    batches; only those holding one of the ids are read whole)."""
    return point_batches.versions_of(conn, arrow_text(ids))


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
        retract = [(i, int(t) + 1, f"ACLED deleted event {i} (deleted_timestamp {int(t)})")
                   for i, t in zip(new[ACLED_ID], new[point_batches.DELETED_AT], strict=True)]
        today = pd.Timestamp(utcnow()).normalize()  # retractions count from the day recorded
        retracted = insert_retractions(conn, retract)
        result.retracted = len(retracted)
        if retracted:
            interval_extension.after_retraction(conn, retracted, today)
    return result
