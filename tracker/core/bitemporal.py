"""Bitemporal control intervals: the intervals of every "known on" day at once.

:func:`tracker.core.timeline.control_intervals` answers for one knowledge day ``K`` (what the
tracker knew at the end of ``K``). :func:`knowledge_intervals` builds, from the same events and by
the same rules, every interval the tracker ever believed, each with the knowledge days it was
believed on: ``known_from`` (inclusive) and ``known_to`` (exclusive; missing while still believed).
Selecting the rows with ``known_from <= K < known_to`` gives exactly
``control_intervals(events, known_on=K)``; the rows with no ``known_to`` give
``control_intervals(events)``. This is the table the store keeps (valid time ``start``/``end``,
knowledge time ``known_from``/``known_to``), as SQL:2011 system-versioned tables keep a row's
system time, except that knowledge time follows the tracker's "known on" rule (``reported_on``,
else the day an event was recorded; retractions from the day they were recorded).

How it is built, without recomputing every district on every knowledge day:

1. each event counts on a union of knowledge-day ranges: from its known day to its retraction day,
   minus the days on which a correction of it (directly or along a chain) counts;
2. each (district, date) group of reports is settled once per span of knowledge days on which its
   set of counting events is constant (:func:`tracker.core.timeline.settled_days`);
3. a district's intervals change on the days one of its groups changes; on such a day only the
   intervals from the start of the run holding the last unchanged group before the earliest
   changed group onwards are rebuilt (:func:`tracker.core.timeline.merge_days`); earlier intervals
   carry over, so the work follows the changes, not the history (a rebuild never starts on a
   contested day naming one actor: that day takes the holder before it, so the rebuild starts
   from the run of the state before);
4. an interval rebuilt on day ``K_j`` is believed until the first later change day whose rebuild
   starts at or before its start; identical consecutive rows are merged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker.core import schema as s
from tracker.core import timeline as tl

KNOWN_FROM = "known_from"
KNOWN_TO = "known_to"
COLUMNS = [*s.INTERVAL_COLUMNS, KNOWN_FROM, KNOWN_TO]
_NEVER = np.int64(-(2**40))  # the known day of events known on every day
_OPEN = np.int64(2**40)  # after every knowledge day: not retracted, still believed
_NEEDED = (s.EVENT_ID, s.DATE, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE)
_STATE = (s.CONTROLLER, s.STATUS, tl.DAY_RANK, tl.DAY_PRECISION, s.CLAIMS, s.SOURCE,
          s.SOURCE_URL, s.EVENT_IDS)


def _days_or(values: pd.Series, missing: np.int64) -> np.ndarray:
    """Whole days since 1970-01-01 of ``values`` (floored), ``missing`` where NaT."""
    when = pd.to_datetime(values)
    out = np.full(len(when), missing, dtype=np.int64)
    ok = when.notna().to_numpy()
    out[ok] = tl._day_numbers(when[ok].dt.floor("D"))
    return out


def _counting_spans(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(event row, first day, day after the last) of each span of knowledge days on which an
    event counts (see :func:`tracker.core.timeline.effective_events`)."""
    parent = tl._supersede_parents(events)
    tl._check_acyclic(parent, events[s.EVENT_ID].to_numpy(dtype=object))
    live_from = _days_or(tl.known_dates(events), _NEVER)
    live_to = (_days_or(events[s.RETRACTED_AT], _OPEN) if s.RETRACTED_AT in events
               else np.full(len(events), _OPEN, dtype=np.int64))
    live = live_from < live_to
    # every live span of a correction is a span on which each event up its chain is corrected
    corr_of: dict[int, list[tuple[int, int]]] = {}
    src = np.flatnonzero(live & (parent >= 0))
    up = parent[src]
    while src.size:
        for a, x in zip(up.tolist(), src.tolist(), strict=True):
            corr_of.setdefault(a, []).append((int(live_from[x]), int(live_to[x])))
        keep = parent[up] >= 0
        src, up = src[keep], parent[up[keep]]
    plain = np.flatnonzero(live)
    plain = plain[~np.isin(plain, np.fromiter(corr_of, dtype=np.int64, count=len(corr_of)))]
    rows, firsts, ends = [plain], [live_from[plain]], [live_to[plain]]
    extra: list[tuple[int, int, int]] = []
    for e, spans in corr_of.items():
        if not live[e]:
            continue
        at, stop = int(live_from[e]), int(live_to[e])
        for a, b in sorted(spans):
            if a > at:
                extra.append((e, at, min(a, stop)))
            at = max(at, b)
            if at >= stop:
                break
        if at < stop:
            extra.append((e, at, stop))
    if extra:
        ex = np.asarray(extra, dtype=np.int64)
        rows.append(ex[:, 0])
        firsts.append(ex[:, 1])
        ends.append(ex[:, 2])
    return np.concatenate(rows), np.concatenate(firsts), np.concatenate(ends)


def _expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each i, the values lo[i] .. hi[i] - 1: (owner i of each value, value)."""
    count = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(len(lo)), count)
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    return owner, np.repeat(lo, count) + offset


def _empty() -> pd.DataFrame:
    out = tl._empty_intervals()
    out[KNOWN_FROM] = pd.Series(dtype="datetime64[ns]")
    out[KNOWN_TO] = pd.Series(dtype="datetime64[ns]")
    return out


def knowledge_intervals(events: pd.DataFrame) -> pd.DataFrame:
    """Every control interval the tracker believed, with the knowledge days it was believed on.

    Parameters
    ----------
    events
        Event table with the columns of :data:`tracker.core.schema.EVENT_COLUMNS` (every stored
        event, retracted and corrected ones included).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: those of :func:`tracker.core.timeline.control_intervals` plus
        ``known_from`` (first knowledge day, NaT: known on every day) and ``known_to`` (first day
        no longer believed, NaT: still believed). Sorted by district_code, start, known_from.
        ``rows[(known_from <= K) & (K < known_to)]`` (NaT as unbounded) equals
        ``control_intervals(events, known_on=K)``.

    Raises
    ------
    InputError
        As :func:`tracker.core.timeline.control_intervals`.
    """
    s.require_columns(events, _NEEDED, "event table")
    events = events.reset_index(drop=True)
    if events.empty:
        return _empty()
    ev, span_from, span_to = _counting_spans(events)
    if not len(ev):
        return _empty()
    tl.require_dated_and_placed(events[[s.EVENT_ID, s.DATE, s.DISTRICT_CODE]].iloc[ev])
    # groups: (district, date) of the counting events, numbered in (district, day) order
    dist_code, dist_names = pd.factorize(events[s.DISTRICT_CODE].to_numpy(dtype=object)[ev],
                                         sort=True)
    day = tl._day_numbers(events[s.DATE].iloc[ev])
    gkey = dist_code.astype(np.int64) * (1 << 32) + (day - day.min())
    gkeys, group = np.unique(gkey, return_inverse=True)
    g_district = (gkeys >> 32).astype(np.int64)
    g_day = (gkeys & ((1 << 32) - 1)) + day.min()
    n_groups = len(gkeys)
    # knowledge spans of each group on which its counting events do not change ("pieces")
    ks = np.unique(np.concatenate([span_from, span_to]))
    nk = np.int64(len(ks))
    bp_keys = np.unique(np.concatenate([group * nk + np.searchsorted(ks, span_from),
                                        group * nk + np.searchsorted(ks, span_to)]))
    p_group, p_from = bp_keys // nk, ks[bp_keys % nk]
    lo = np.searchsorted(bp_keys, group * nk + np.searchsorted(ks, span_from))
    hi = np.searchsorted(bp_keys, group * nk + np.searchsorted(ks, span_to))
    owner, piece = _expand(lo, hi)
    # settle each (group, piece) once
    rows = events.iloc[ev[owner]].reset_index(drop=True)
    days = tl.settled_days(rows, keys=piece)
    settled = days[tl.DAY_KEY].to_numpy(dtype=np.int64)
    present = np.zeros(len(bp_keys), dtype=bool)
    present[settled] = True
    state = {c: np.empty(len(bp_keys), dtype=days[c].to_numpy().dtype
                         if c in (tl.DAY_RANK, tl.DAY_PRECISION) else object) for c in _STATE}
    for c in _STATE:
        state[c][settled] = days[c].to_numpy()
    plain = np.equal(state[s.CLAIMS], None)

    def piece_at(g: np.ndarray, k: np.ndarray) -> np.ndarray:
        """The piece of group ``g`` holding on day ``k`` (-1: the group is absent then)."""
        i = np.searchsorted(bp_keys, g * nk + np.searchsorted(ks, k, side="right") - 1,
                            side="right") - 1
        found = (i >= 0) & (p_group[np.maximum(i, 0)] == g)
        found &= present[np.maximum(i, 0)]
        return np.where(found, i, -1)

    # versions: per district, the days on which one of its groups changes
    reached = p_from < _OPEN
    v_keys, v_of_piece = np.unique(g_district[p_group[reached]] * (2**42)
                                   + (p_from[reached] - _NEVER), return_inverse=True)
    v_district = v_keys // (2**42)
    v_day = v_keys % (2**42) + _NEVER
    n_v = len(v_keys)
    first_change = np.full(n_v, n_groups, dtype=np.int64)
    np.minimum.at(first_change, v_of_piece, p_group[reached])
    g_first = np.searchsorted(g_district, np.arange(len(dist_names)))
    g_last = np.searchsorted(g_district, np.arange(len(dist_names)), side="right")
    v_gfirst, v_gend = g_first[v_district], g_last[v_district]

    def previous_present(q: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Walk each active ``q`` back to the nearest present group at or before it."""
        q, at = q.copy(), np.full(n_v, -1, dtype=np.int64)
        todo = np.flatnonzero(active & (q >= v_gfirst))
        while todo.size:
            hit = piece_at(q[todo], v_day[todo])
            at[todo] = hit
            miss = todo[hit < 0]
            q[miss] -= 1
            todo = miss[q[miss] >= v_gfirst[miss]]
        return q, at

    # the last unchanged group before the first change, then back to the start of its run
    run, run_piece = previous_present(first_change - 1, np.ones(n_v, dtype=bool))
    has_run = run_piece >= 0
    # a contested day naming one actor takes the holder before it (tl.contested_parties), so a
    # run may not start on one, nor right after one (it may merge with the run it completes)
    single = present & tl.one_actor_contests(state[s.CONTROLLER], state[s.STATUS])
    walking = has_run.copy()
    while walking.any():
        prev, prev_piece = previous_present(run - 1, walking)
        w = np.flatnonzero(walking)
        a, b = prev_piece[w], run_piece[w]
        ok = a >= 0
        a0 = np.maximum(a, 0)
        merges = plain[a0] & plain[b]
        for c in (s.CONTROLLER, s.STATUS, tl.DAY_RANK):
            merges &= state[c][a0] == state[c][b]
        merges = ok & (merges | single[a0] | single[b])
        run[w[merges]] = prev[w[merges]]
        run_piece[w[merges]] = a[merges]
        walking[w[~merges]] = False
    rebuild_from = np.where(has_run, run, v_gfirst)
    rebuild_day = np.where(has_run, g_day[np.minimum(rebuild_from, n_groups - 1)], _NEVER)
    # rebuild each version's intervals from there on, up to its last group known by then
    # (later groups are not known yet: reports mostly arrive in date order)
    known_upto = np.full(n_v, -1, dtype=np.int64)
    starts = present[reached]
    np.maximum.at(known_upto, v_of_piece[starts], p_group[reached][starts])
    known_upto = np.maximum.accumulate(known_upto)  # group numbers grow with the district
    v_of, g = _expand(rebuild_from, np.minimum(v_gend, known_upto + 1))
    pieces = piece_at(g, v_day[v_of])
    keep = pieces >= 0
    v_of, g, pieces = v_of[keep], g[keep], pieces[keep]
    columns = {tl.DAY_KEY: v_of,
               s.DISTRICT_CODE: np.asarray(dist_names, dtype=object)[g_district[g]],
               tl.DAY_NUMBER: g_day[g], **{c: state[c][pieces] for c in _STATE}}
    table = pd.DataFrame({k: pd.Series(v, dtype=v.dtype, copy=False)  # object stays object
                          for k, v in columns.items()})
    out = tl.merge_days(table, keep_key=True)
    if out.empty:
        return _empty()
    version = out.pop(tl.DAY_KEY).to_numpy(dtype=np.int64)
    start = tl._day_numbers(out[s.START])
    # believed until the first later version of the district rebuilding from its start or before
    pos = version + 1
    end_of = np.searchsorted(v_district, v_district, side="right")
    mins = [rebuild_day]
    while (1 << len(mins)) <= n_v:
        half = 1 << (len(mins) - 1)
        m = mins[-1]
        mins.append(np.minimum(m, np.concatenate([m[half:], np.full(half, _NEVER)])))
    limit = end_of[version]
    for k in range(len(mins) - 1, -1, -1):
        step = 1 << k
        can = pos + step <= limit
        idx = np.minimum(pos, n_v - 1)
        can &= mins[k][idx] > start
        pos = np.where(can, pos + step, pos)
    known_from = v_day[version]
    known_to = np.where(pos < limit, v_day[np.minimum(pos, n_v - 1)], _OPEN)
    return _merge_versions(out, known_from, known_to)


def _merge_versions(out: pd.DataFrame, known_from: np.ndarray,
                    known_to: np.ndarray) -> pd.DataFrame:
    """Join rows equal in every column whose knowledge spans follow each other; add the
    knowledge columns (NaT for unbounded)."""
    # the run's events and its bounds determine every other column (settled by the same rules)
    key = [s.DISTRICT_CODE, s.START, s.END, s.EVENT_IDS, s.CONTROLLER, s.STATUS]
    content = out.groupby(key, dropna=False, sort=False).ngroup().to_numpy()
    order = np.lexsort((known_from, content))
    c, f, t = content[order], known_from[order], known_to[order]
    cont = np.zeros(len(order), dtype=bool)
    cont[1:] = (c[1:] == c[:-1]) & (t[:-1] == f[1:])
    first = np.flatnonzero(~cont)
    last = np.append(first[1:], len(order)) - 1
    rows = out.iloc[order[first]].reset_index(drop=True)

    def as_time(days: np.ndarray, unbounded: np.int64) -> np.ndarray:
        when = np.where(days == unbounded, 0, days).astype("datetime64[D]").astype("datetime64[ns]")
        return np.where(days == unbounded, np.datetime64("NaT"), when)

    rows[KNOWN_FROM] = as_time(f[first], _NEVER)
    rows[KNOWN_TO] = as_time(t[last], _OPEN)
    return in_order(rows)


def in_order(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of :data:`COLUMNS` in the order :func:`knowledge_intervals` gives them: by district,
    start and first knowledge day (known on every day first)."""
    return rows.sort_values([s.DISTRICT_CODE, s.START, KNOWN_FROM],
                            kind="stable", na_position="first").reset_index(drop=True)


def as_known_on(rows: pd.DataFrame, known_on: object | None = None) -> pd.DataFrame:
    """The intervals believed at the end of ``known_on`` (None: now), as
    :func:`tracker.core.timeline.control_intervals` gives them."""
    if known_on is None:
        mine = rows[KNOWN_TO].isna()
    else:
        k = s.as_day(known_on, name="known_on")
        mine = ((rows[KNOWN_FROM].isna() | (rows[KNOWN_FROM] <= k))
                & (rows[KNOWN_TO].isna() | (rows[KNOWN_TO] > k)))
    return (rows.loc[mine.to_numpy(), s.INTERVAL_COLUMNS]
            .sort_values([s.DISTRICT_CODE, s.START], kind="stable").reset_index(drop=True))
