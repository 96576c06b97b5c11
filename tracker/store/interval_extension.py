"""Stored intervals extended by new reports, without rebuilding the districts' whole history.

An import of the day's reports changes a district's intervals only from a point of its history
on. :func:`plan` finds that point per district, an *anchor*: the latest stored interval start
``C`` before the district's earliest new date such that, on every knowledge day from the
district's earliest new known day (``since``) on, an interval starts at ``C`` and is not
contested (so its day takes no holder from before it). Then, on each of those knowledge days:

- the intervals starting before ``C`` are unchanged (new events come after ``C``, and an
  interval's run depends only on its own days and those before);
- the intervals from ``C`` on are those the pure core builds from the district's events dated
  ``C`` or later (:func:`tracker.core.bitemporal.knowledge_intervals`), since ``C`` starts a run
  that needs no earlier day.

:func:`extend` builds those rows from a handful of events, keeps every row believed only before
``since``, cuts the rows believed across ``since`` at it, and joins a cut row with its
continuation when their content is equal, as the core's own merge of knowledge spans does; the
table stays equal to a full recomputation (``tracker db check``).

Corrections and retractions change a district from the date of the event they correct or
retract (and of each event along its chain) on: :func:`change_points` lists those points with
the new events', so they are anchored the same way. Districts with no anchor take the full path
(:func:`tracker.store.intervals.build_later` and :func:`~tracker.store.intervals.rebuild`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Date, and_, bindparam, or_, select

from tracker.core import bitemporal
from tracker.core import schema as s
from tracker.store import intervals, queries
from tracker.store.intervals import Written
from tracker.store.models import ControlEvent, chunks

# an anchor is looked for this far before the new events: first the short, then the long way
_LOOK_BACK = (pd.Timedelta(days=30), pd.Timedelta(days=120))
_GROUPS = 8  # index ranges per read of several districts, at least (see _in_ranges)
_GAP = pd.Timedelta(days=60)  # lows further apart start another range (see _in_ranges)
_EVER, _NEVER_ENDS = -(2**40), 2**40  # day numbers of a missing known_from / known_to
_OUTSIDE = "\x00outside"  # the district of events read only for their corrections
_IV = intervals.TABLE


@dataclass(frozen=True)
class Anchor:
    """Where a district's intervals are rebuilt from (``start``), for the knowledge days from
    ``since`` on."""

    start: pd.Timestamp
    since: pd.Timestamp


def change_points(conn: Connection, written: Written | None, retracted: Iterable[str] = (),
                  retraction_day: pd.Timestamp | None = None) -> pd.DataFrame:
    """Where a write changes the events that count: (``code``, ``date``, ``known``) of each new
    event (``known``: its known day), of each event a new correction corrects along its chain
    (the correction's known day), and of each retracted event and each event it corrected along
    its chain (``retraction_day``: they count, or count again, from then)."""
    new = _new_points(written)
    up: dict[str, pd.Timestamp] = {}  # event id -> the earliest day its chain changes
    parents = np.full(len(new), "", dtype=object)
    if len(new):
        parents = written.events[s.SUPERSEDES].fillna("").astype(str).to_numpy(dtype=object)
        corrects = parents != ""
        if corrects.any():  # the events these corrections correct, from their first known day
            first = new["known"][corrects].groupby(parents[corrects]).min()
            up = {str(p): pd.Timestamp(day) for p, day in first.items()}
    for eid in retracted:
        up[eid] = min(up.get(eid, retraction_day), retraction_day)
    row_of: dict[str, int] = {}  # written event id -> its row of ``new`` (for the walk)
    if up and len(new):
        ids = written.events[s.EVENT_ID].astype(str).to_numpy(dtype=object).tolist()
        row_of = dict(zip(ids, range(len(ids)), strict=True))
    codes, dates = new["code"].to_numpy(), new["date"].to_numpy()
    points = []
    reached: dict[str, pd.Timestamp] = {}
    while up:  # each event reached, then the one it corrects, ... (again only on an earlier day)
        up = {e: day for e, day in up.items() if e not in reached or day < reached[e]}
        reached.update(up)
        found = {e: (codes[i], pd.Timestamp(dates[i]), parents[i] or None)
                 for e in up if (i := row_of.get(e)) is not None}
        missing = sorted(set(up) - set(found))
        ce = ControlEvent
        for part in chunks(missing, 500):
            for eid, code, date, parent in conn.execute(
                    select(ce.event_id, ce.district_code, ce.date, ce.supersedes)
                    .where(ce.event_id.in_(part))):
                found[eid] = (str(code), pd.Timestamp(date), parent or None)
        nxt: dict[str, pd.Timestamp] = {}
        for eid, (code, date, parent) in found.items():
            points.append((code, date, up[eid]))
            if parent:
                nxt[parent] = min(nxt.get(parent, up[eid]), up[eid])
        up = nxt
    if not points:
        return new
    walked = pd.DataFrame(points, columns=list(new.columns)).astype(new.dtypes.to_dict())
    return walked if new.empty else pd.concat([new, walked], ignore_index=True)


def _new_points(written: Written | None) -> pd.DataFrame:
    """(``code``, ``date``, ``known``) of each written event (none when None), in its order."""
    if written is None or not len(written.events):
        return pd.DataFrame({"code": pd.Series(dtype=object),
                             "date": pd.Series(dtype="datetime64[ns]"),
                             "known": pd.Series(dtype="datetime64[ns]")})
    ev = written.events
    return pd.DataFrame({
        "code": ev[s.DISTRICT_CODE].astype(str).to_numpy(dtype=object),
        "date": pd.to_datetime(ev[s.DATE]).dt.normalize().to_numpy(dtype="datetime64[ns]"),
        "known": written.known_days().to_numpy(dtype="datetime64[ns]")})


def plan(conn: Connection, points: pd.DataFrame) -> dict[str, Anchor]:
    """Anchors of the districts of the change ``points`` (:func:`change_points`) that have one;
    the others need the full rebuild."""
    if points.empty:
        return {}
    first = points.assign(date=pd.to_datetime(points["date"]),
                          known=pd.to_datetime(points["known"])).groupby("code").min()
    out: dict[str, Anchor] = {}
    for look_back in _LOOK_BACK:  # a short look first, a longer one where it found none
        out.update(_anchors(conn, first[~first.index.isin(list(out))], look_back))
    return out


def split(conn: Connection, changes: pd.DataFrame) -> tuple[dict[str, Anchor], set[str]]:
    """(the anchors of the districts of ``changes`` that have one, the districts to rebuild
    whole)."""
    anchors = plan(conn, changes)
    return anchors, set(changes["code"].unique()) - set(anchors)  # unique: no loop over rows


def after_retraction(conn: Connection, event_ids: Iterable[str], day: pd.Timestamp) -> None:
    """Rewrite the rows the retraction of ``event_ids`` on ``day`` changes (the retractions are
    written already), on the caller's transaction: anchored districts from their anchors, the
    others whole."""
    anchors, rebuilt = split(conn, change_points(conn, None, event_ids, day))
    intervals.rebuild(conn, rebuilt, since=day)
    extend(conn, anchors)


def _anchors(conn: Connection, first: pd.DataFrame,
             look_back: pd.Timedelta) -> dict[str, Anchor]:
    """Anchors found among the rows starting up to ``look_back`` before each district's first
    new date (``first``: its ``date`` and ``known`` day, by district code)."""
    if first.empty:
        return {}
    where, params = _in_ranges(_IV.c.district_code, _IV.c.start, first["date"] - look_back,
                               before=first["date"])
    stmt = (select(_IV.c.district_code, intervals.raw(_IV.c.start), _IV.c.status,
                   intervals.raw(_IV.c.known_from), intervals.raw(_IV.c.known_to))
            .where(where, or_(_IV.c.known_to.is_(None),
                              _IV.c.known_to > bindparam("since", type_=Date())))
            .order_by(_IV.c.district_code, _IV.c.start.desc()))
    found = queries.fetch_rows(conn, stmt, {**params, "since": first["known"].min().date()})
    if not found:
        return {}
    code, start, status, known_from, known_to = (np.asarray(v, dtype=object)
                                                 for v in zip(*found, strict=True))
    start, known_from, known_to = (_day_numbers(v, missing)
                                   for v, missing in ((start, 0), (known_from, _EVER),
                                                      (known_to, _NEVER_ENDS)))
    since, before = (first[c].reindex(code).to_numpy(dtype="datetime64[D]").astype(np.int64)
                     for c in ("known", "date"))
    useful = (start < before) & (known_to > since)
    edges = np.flatnonzero(np.r_[True, code[1:] != code[:-1], True])
    out: dict[str, Anchor] = {}
    for i, j in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):  # one district
        k = np.arange(i, j)[useful[i:j]]
        anchor = _latest_anchor(list(zip(start[k].tolist(), (status[k] == s.CONTESTED).tolist(),
                                         known_from[k].tolist(), known_to[k].tolist(),
                                         strict=True)), int(since[i]))
        if anchor is not None:
            d = str(code[i])
            out[d] = Anchor(pd.Timestamp(anchor, unit="D"), first.at[d, "known"])
    return out


def _in_ranges(code_col, day_col, lows: pd.Series,
               before: pd.Series | None = None) -> tuple[object, dict[str, object]]:
    """A condition "the district is one of ``lows``' and the day is at least its low (and
    before its day in ``before``, when given)", as a few index ranges: the districts sorted by
    their low, cut where two lows lie more than :data:`_GAP` apart and into groups of at most a
    :data:`_GROUPS`-th of them, each group read from its earliest low up to its latest day
    before (so each district's range is at most a group's spread wider, and a district with a
    much older low widens no other's range)."""
    lows = lows.sort_values()
    codes = lows.index.astype(str).tolist()
    days = lows.to_numpy(dtype="datetime64[ns]")
    ends = None if before is None else before.reindex(lows.index)
    size = -(-len(codes) // _GROUPS)
    cuts = set(np.flatnonzero(np.diff(days) > _GAP.to_timedelta64()) + 1)
    terms, params, at = [], {}, 0
    for k in range(1, len(codes) + 1):
        if k == len(codes) or k in cuts or k - at == size:
            g = len(terms)
            term = and_(code_col.in_(bindparam(f"c{g}", expanding=True)),
                        day_col >= bindparam(f"d{g}", type_=Date()))
            params[f"c{g}"] = codes[at:k]
            params[f"d{g}"] = lows.iloc[at].date()
            if ends is not None:
                term = and_(term, day_col < bindparam(f"e{g}", type_=Date()))
                params[f"e{g}"] = ends.iloc[at:k].max().date()
            terms.append(term)
            at = k
    return or_(*terms), params


def _day_numbers(values: np.ndarray, missing: int) -> np.ndarray:
    """Days since 1970-01-01 of dates as read (or as timestamps), ``missing`` for none."""
    days = queries.parse_times(np.asarray(values, dtype=object)).astype("datetime64[D]")
    return np.where(np.isnat(days), missing, days.astype(np.int64))


def _latest_anchor(spans: list[tuple], since: int) -> int | None:
    """The latest start whose rows (``spans``: start, contested, known_from, known_to as day
    numbers, of the rows believed on ``since`` or later, latest start first) cover every
    knowledge day from ``since`` on, none of them contested."""
    k = 0
    while k < len(spans):
        start = spans[k][0]
        same = []
        while k < len(spans) and spans[k][0] == start:
            same.append(spans[k])
            k += 1
        if any(contested for _, contested, _, _ in same):
            continue
        reached = since  # rows of one start never overlap in knowledge time
        for _, _, known_from, known_to in sorted(same, key=lambda r: r[2]):
            if known_from > reached:
                break
            if known_to == _NEVER_ENDS:
                return start
            reached = max(reached, known_to)
    return None


def extend(conn: Connection, anchors: dict[str, Anchor]) -> int:
    """Rewrite the rows of the anchored districts from their anchors on (the new events are
    written already), on the caller's transaction: the stored rows the rewrite changes are
    deleted, its new rows inserted, the others left as they are; returns the number of rows
    inserted."""
    if not anchors:
        return 0
    rows = _rows_from(conn, anchors)
    stored = _stored_from(conn, anchors)
    out = pd.concat(_spliced(stored, rows, anchors), ignore_index=True)
    gone, new = intervals.changed_rows(stored.drop(columns="id"), out)
    for part in chunks(stored["id"][gone].tolist(), 500):
        conn.execute(_IV.delete().where(_IV.c.id.in_(part)))
    intervals.write_rows(conn, out[new].reset_index(drop=True))
    return int(new.sum())


def _since_of(codes: pd.Series, anchors: dict[str, Anchor]) -> pd.Series:
    """The ``since`` of each row's district (NaT for others)."""
    return pd.to_datetime(codes.map({c: a.since for c, a in anchors.items()}))


def _rows_from(conn: Connection, anchors: dict[str, Anchor]) -> pd.DataFrame:
    """The core's rows of the anchored districts from their anchors on, believed from their
    ``since`` on (``known_from`` raised to it)."""
    where, params = _in_ranges(ControlEvent.district_code, ControlEvent.date,
                               pd.Series({c: a.start for c, a in anchors.items()}))
    events = intervals.events_where(conn, where, params)
    start = pd.to_datetime(events[s.DISTRICT_CODE].map({c: a.start for c, a in anchors.items()}))
    inside = (start <= events[s.DATE]).to_numpy()  # NaT (other district): False
    events.loc[~inside, s.DISTRICT_CODE] = _OUTSIDE  # corrections only: they shape no interval
    rows = bitemporal.knowledge_intervals(events)
    rows = rows[(rows[s.DISTRICT_CODE] != _OUTSIDE).to_numpy()].reset_index(drop=True)
    since = _since_of(rows[s.DISTRICT_CODE], anchors)
    later = (rows[bitemporal.KNOWN_TO].isna() | (rows[bitemporal.KNOWN_TO] > since)).to_numpy()
    rows, since = rows[later].reset_index(drop=True), since[later].reset_index(drop=True)
    known_from = rows[bitemporal.KNOWN_FROM]
    rows[bitemporal.KNOWN_FROM] = known_from.where(known_from.notna() & (known_from > since),
                                                   since)
    return rows


def _stored_from(conn: Connection, anchors: dict[str, Anchor]) -> pd.DataFrame:
    """The stored rows of the anchored districts from their anchors on that are believed on
    their ``since`` or later, or end on it (with their ids)."""
    where, params = _in_ranges(_IV.c.district_code, _IV.c.start,
                               pd.Series({c: a.start for c, a in anchors.items()}))
    stmt = (select(_IV.c.id, *intervals.row_columns(_IV))
            .where(where, or_(_IV.c.known_to.is_(None),
                              _IV.c.known_to >= bindparam("since", type_=Date()))))
    found = queries.fetch_rows(conn, stmt, {
        **params, "since": min(a.since for a in anchors.values()).date()})
    out = intervals.row_frame([r[1:] for r in found])
    out.insert(0, "id", [r[0] for r in found])
    start = pd.to_datetime(out[s.DISTRICT_CODE].map({c: a.start for c, a in anchors.items()}))
    since = _since_of(out[s.DISTRICT_CODE], anchors)
    mine = ((out[s.START] >= start)
            & (out[bitemporal.KNOWN_TO].isna() | (out[bitemporal.KNOWN_TO] >= since)))
    return out[mine.to_numpy()].reset_index(drop=True)


def _spliced(stored: pd.DataFrame, rows: pd.DataFrame,
             anchors: dict[str, Anchor]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(stored rows cut at ``since``, the new rows): a stored row believed before ``since`` keeps
    that part; a new row starting on ``since`` with the same content as a cut row ending there
    continues it (the cut row takes its end, the new row is dropped)."""
    since = _since_of(stored[s.DISTRICT_CODE], anchors)
    before = (stored[bitemporal.KNOWN_FROM].isna()
              | (stored[bitemporal.KNOWN_FROM] < since)).to_numpy()
    keep = stored[before].drop(columns="id").reset_index(drop=True)
    keep[bitemporal.KNOWN_TO] = since[before].to_numpy()
    content = [c for c in bitemporal.COLUMNS if c not in (bitemporal.KNOWN_FROM,
                                                          bitemporal.KNOWN_TO)]
    ends = dict(zip(_keys(keep, content), range(len(keep)), strict=True))
    fresh_since = _since_of(rows[s.DISTRICT_CODE], anchors)
    starts_there = (rows[bitemporal.KNOWN_FROM] == fresh_since).to_numpy()
    drop = np.zeros(len(rows), dtype=bool)
    known_to = keep[bitemporal.KNOWN_TO].to_numpy(dtype="datetime64[ns]").copy()
    new_to = rows[bitemporal.KNOWN_TO].to_numpy(dtype="datetime64[ns]")
    for i, key in enumerate(_keys(rows, content)):
        j = ends.get(key)
        if starts_there[i] and j is not None:
            known_to[j] = new_to[i]
            drop[i] = True
    keep[bitemporal.KNOWN_TO] = known_to
    return keep, rows[~drop].reset_index(drop=True)


def _keys(rows: pd.DataFrame, content: list[str]) -> list[tuple]:
    return intervals.row_keys(rows, content) if len(rows) else []
