"""ACLED row versions: which rows of an export are new, and the control events they make.

ACLED updates rows in place under the same ``event_id_cnty`` with a newer ``timestamp``; the
tracker keeps every version. :func:`plan_versions` compares an export's rows with the stored
versions (Arrow tables, hash joins and column-wise comparisons: no per-row Python) and decides
what an import writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracker.core import schema as s
from tracker.core.acled_columns import (
    ACLED_ID,
    ACTOR1,
    EVENT_ID_CNTY,
    POINT_COLUMNS,
    RECORD,
    SUB_EVENT_TYPE,
    TERRITORIAL,
    TERRITORIAL_FLAG,
    TIMESTAMP,
)
from tracker.core.arrow_columns import arrow_text, equal_to_previous, key_order
from tracker.ingest.acled.read import control_event_id, no_problems
from tracker.store.point_batches import DELETED_AT, POINT_SCHEMA, to_arrow

KEY = [ACLED_ID, TIMESTAMP]


@dataclass
class VersionPlan:
    """What an import writes, given what is stored."""

    points: pd.DataFrame  # new point-event versions to insert
    control: pd.DataFrame  # control events (schema event columns) to insert
    retract: list[tuple[str, int, str]]  # (acled id, timestamp, reason): its earlier controls
    skipped: int = 0  # rows already stored, identical
    stale: int = 0  # versions older than a stored one: kept as point events only
    problems: pd.DataFrame = field(default_factory=no_problems)


def plan_versions(points: pd.DataFrame, stored: pa.Table | None = None,
                  deleted: pa.Table | None = None) -> VersionPlan:
    """Decide which versions are new, which control events they make and which they replace.

    ``points``: the export's good rows (POINT_COLUMNS + RECORD + TERRITORIAL_FLAG); ``stored``:
    the stored versions of the same ACLED events (:data:`tracker.store.point_batches.POINT_SCHEMA`).
    A row whose (``acled_id``, ``timestamp``) is stored with the same content is skipped; with other
    content it is a problem. New versions newer than every stored version of their event are
    *fresh*: a fresh territorial version becomes control event ``acled:<id>@<timestamp>``
    superseding the control event of the version before it (when that one was territorial); a
    fresh non-territorial version following a territorial one (ACLED reclassified the event)
    retracts every earlier control event of that ACLED event (all of them: retracting only the last
    one would let the one it corrected count again). Versions older than a stored one are *stale*:
    kept as point events only. ``deleted`` (``acled_id``, ``deleted_timestamp``: ACLED's
    deletions) counts as a non-territorial version stamped just after the deletion time, so a
    version stamped at or before a deletion is stale. Hence the control state depends only on the
    newest version (or deletion) of each event, in whatever order files are imported.
    """
    stored = stored if stored is not None else POINT_SCHEMA.empty_table()
    skipped = 0
    clash = no_problems()
    if stored.num_rows and len(points):
        mine, theirs = _same_keys(to_arrow(points), stored)
        if len(mine):
            same = _same_content(to_arrow(points.iloc[mine]), stored.take(theirs))
            skipped = int(same.sum())
            differ = mine[~same]
            if len(differ):
                clash = pd.DataFrame({
                    RECORD: points[RECORD].to_numpy()[differ], "column": EVENT_ID_CNTY,
                    "value": points[ACLED_ID].astype(str).to_numpy()[differ],
                    "why": "already stored with this timestamp and different content; "
                           "ACLED gives every change a new timestamp: check the export"})
            hit = np.zeros(len(points), dtype=bool)
            hit[mine] = True
            points = points[~hit].reset_index(drop=True)
    prev_ts, prev_terr = _latest_stored(points, stored, deleted)
    stale = points[TIMESTAMP].to_numpy() < np.where(np.isnan(prev_ts), -np.inf, prev_ts)
    fresh = points[~stale] if stale.any() else points
    # versions in (id, timestamp) order: each follows the previous version of its event
    order = key_order(fresh[ACLED_ID], fresh[TIMESTAMP].to_numpy())
    ids = arrow_text(fresh[ACLED_ID]).take(order)
    ts = fresh[TIMESTAMP].to_numpy()[order]
    terr = fresh[TERRITORIAL_FLAG].to_numpy(dtype=bool)[order]
    p_ts, p_terr = prev_ts[~stale][order], prev_terr[~stale][order]
    if len(fresh) > 1:
        same_id = np.r_[False, equal_to_previous(ids)]
        p_ts = np.where(same_id, np.r_[np.nan, ts[:-1]], p_ts)
        p_terr = np.where(same_id, np.r_[False, terr[:-1]], p_terr)
    has_prev = p_terr & ~np.isnan(p_ts.astype("float64"))
    prev_of = ids.filter(pa.array(has_prev)).to_pylist()
    prev_ids = np.array([control_event_id(i, t) for i, t in
                         zip(prev_of, p_ts[has_prev], strict=True)], dtype=object)
    supersedes = np.full(len(fresh), None, dtype=object)
    supersedes[has_prev] = prev_ids
    reclassified = has_prev & ~terr
    subs = fresh[SUB_EVENT_TYPE].iloc[order[reclassified]].to_numpy(dtype=object)
    retracted = ids.filter(pa.array(reclassified)).to_pylist()
    retract = [(i, int(t), f"ACLED updated event {i} (timestamp {int(t)}) to sub-event type "
                           f"{sub!r}: no longer a change of control")
               for i, t, sub in zip(retracted, ts[reclassified], subs, strict=True)]
    control = _control_events(fresh.iloc[order[terr]], supersedes[terr])
    return VersionPlan(points, control, retract, skipped, int(stale.sum()), clash)


def _positions(n: int) -> pa.Array:
    return pa.array(np.arange(n, dtype=np.int64))


def _same_keys(incoming: pa.Table, stored: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """Positions (incoming, stored) of the rows with the same (acled_id, timestamp)."""
    left = pa.table({"id": incoming[ACLED_ID], "ts": incoming[TIMESTAMP],
                     "i": _positions(incoming.num_rows)})
    right = pa.table({"id": stored[ACLED_ID], "ts": stored[TIMESTAMP],
                      "j": _positions(stored.num_rows)})
    joined = left.join(right, keys=["id", "ts"], join_type="inner")
    if not joined.num_rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    joined = joined.sort_by("i")
    return joined["i"].to_numpy(), joined["j"].to_numpy()


def _same_content(a: pa.Table, b: pa.Table) -> np.ndarray:
    """Row by row: whether two aligned tables of POINT_SCHEMA say the same (missing text = '')."""
    same = np.ones(a.num_rows, dtype=bool)
    for name in POINT_COLUMNS:
        if name in KEY:
            continue
        x, y = a[name], b[name]
        if pa.types.is_string(x.type):
            x, y = pc.fill_null(x, ""), pc.fill_null(y, "")
        equal = pc.fill_null(pc.equal(x, y), False)
        both_missing = pc.and_(pc.is_null(x), pc.is_null(y))
        same &= pc.or_(equal, both_missing).to_numpy(zero_copy_only=False)
    return same


def _latest_stored(points: pd.DataFrame, stored: pa.Table,
                   deleted: pa.Table | None) -> tuple[np.ndarray, np.ndarray]:
    """For every row: timestamp and territoriality of the newest stored version (or deletion,
    counted as a non-territorial version half a second after it) of its event."""
    n = len(points)
    prev_ts, prev_terr = np.full(n, np.nan), np.zeros(n, dtype=bool)
    versions = pa.table({
        "id": stored[ACLED_ID].cast(pa.string()),
        "ts": stored[TIMESTAMP].cast(pa.float64()),
        "terr": pc.fill_null(pc.is_in(stored[SUB_EVENT_TYPE], value_set=pa.array(TERRITORIAL)),
                             False)})
    if deleted is not None and deleted.num_rows:
        versions = pa.concat_tables([versions, pa.table({
            "id": deleted[ACLED_ID].cast(pa.string()),
            "ts": pc.add(deleted[DELETED_AT].cast(pa.float64()), 0.5),
            "terr": pa.array(np.zeros(deleted.num_rows, dtype=bool))})])
    if not n or not versions.num_rows:
        return prev_ts, prev_terr
    versions = versions.take(pc.sort_indices(versions, sort_keys=[("id", "ascending"),
                                                                  ("ts", "ascending")]))
    ids = versions["id"].combine_chunks()
    right = versions.filter(pa.array(np.r_[~equal_to_previous(ids), True]))
    left = pa.table({"id": arrow_text(points[ACLED_ID]).cast(pa.string()), "i": _positions(n)})
    joined = left.join(right, keys="id", join_type="inner")
    at = joined["i"].to_numpy()
    prev_ts[at] = joined["ts"].to_numpy()
    prev_terr[at] = joined["terr"].to_numpy(zero_copy_only=False)
    return prev_ts, prev_terr


def _control_events(rows: pd.DataFrame, supersedes: np.ndarray) -> pd.DataFrame:
    """Control events (schema columns) of territorial row versions."""
    ts = rows[TIMESTAMP].to_numpy()
    reported = pd.to_datetime(pd.Series(ts, dtype="float64"), unit="s").dt.normalize()
    ids = [control_event_id(i, t) for i, t in zip(rows[ACLED_ID], ts, strict=True)]
    events = pd.DataFrame({
        s.EVENT_ID: ids, s.DATE: rows[s.DATE].to_numpy(),
        s.DATE_PRECISION: rows[s.DATE_PRECISION].to_numpy(),
        s.DISTRICT_CODE: rows[s.DISTRICT_CODE].to_numpy(),
        s.CONTROLLER: rows[ACTOR1].to_numpy(), s.STATUS: s.CONTROLLED,
        s.CONFIDENCE: s.REPORTED,
        s.SOURCE: pd.Series(rows[s.SOURCE].to_numpy(dtype=object)).replace("", None).to_numpy(),
        s.SOURCE_URL: None, s.REPORTED_ON: reported.to_numpy(),
        s.NOTES: pd.Series(rows[s.NOTES].to_numpy(dtype=object)).replace("", None).to_numpy(),
        s.SUPERSEDES: supersedes,
    })
    events[RECORD] = rows[RECORD].to_numpy()
    if not len(events):
        return s.empty_events().assign(**{RECORD: pd.Series(dtype="int64"),
                                          ACLED_ID: pd.Series(dtype=object),
                                          TIMESTAMP: pd.Series(dtype="int64")})
    events = s.normalize_events(events)
    events[ACLED_ID] = rows[ACLED_ID].to_numpy(dtype=object)  # stored as columns of the event
    events[TIMESTAMP] = np.asarray(ts, dtype=np.int64)
    return events
