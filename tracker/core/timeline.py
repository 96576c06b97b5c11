"""The control timeline: events -> effective events -> intervals -> state of districts on a date.

Pure functions of pandas tables (no database, files or maps). The rules are written for users in
``docs/control-rules.md``; in short:

* an event counts when it is not retracted and no counting event corrects it (``supersedes``,
  followed along chains); ``known_on`` replays what the tracker knew at the end of a past day;
* per district, the events of one date form a group whose state holds until the next group's
  date; disagreeing reports of one day are settled by a single confirmed claim, else the day is
  ``disputed`` (grouping and settling: :mod:`tracker.core.claims`);
* consecutive groups with the same controller, status and confidence (and no disagreement) are
  merged into one interval, so ``since`` is the day the current holding began.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.core.claims import CONFIDENCE_BY_RANK, settle_days

DateLike = str | dt.date | pd.Timestamp | np.datetime64

_ONE_DAY = pd.Timedelta(days=1)
_EPOCH = pd.Timestamp("1970-01-01")
_PRECISION_RANK = {p: i for i, p in enumerate(s.PRECISIONS)}  # finest first
_STATE_COLUMNS = [s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE, s.SINCE, s.DATE_PRECISION,
                  s.SOURCE, s.SOURCE_URL, s.EVENT_IDS, s.CLAIMS]
_HOLDING = frozenset({s.CONTROLLED, s.INFLUENCED, s.CONTESTED})
"""States whose actors a later one-actor contested report is contested with."""
_NEEDED = (s.EVENT_ID, s.DATE, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE)


# --- small helpers -------------------------------------------------------------------------------
def _day_numbers(dates: pd.Series | pd.Index) -> np.ndarray:
    """Whole days since 1970-01-01 as int64 (independent of the datetime unit)."""
    return np.asarray((pd.to_datetime(dates) - _EPOCH) // _ONE_DAY, dtype=np.int64)


def known_dates(events: pd.DataFrame) -> pd.Series:
    """The day each event became known: its ``reported_on``, else the day of its ``recorded_at``."""
    reported = pd.to_datetime(events[s.REPORTED_ON]) if s.REPORTED_ON in events else None
    recorded = (pd.to_datetime(events[s.RECORDED_AT]).dt.normalize()
                if s.RECORDED_AT in events else None)
    if reported is None and recorded is None:
        return pd.Series(pd.NaT, index=events.index, dtype="datetime64[ns]")
    if reported is None:
        return recorded
    return reported.fillna(recorded) if recorded is not None else reported


def as_known_on(events: pd.DataFrame, known_on: DateLike | None) -> pd.DataFrame:
    """The event table as the tracker had it at the end of ``known_on`` (history, not effect).

    Keeps the events known by then (see :func:`known_dates`; events with neither date are kept)
    and clears the retraction marks recorded after that day; ``None`` returns ``events`` as is.
    Unlike :func:`effective_events`, retracted and superseded events stay (marked).
    """
    if known_on is None:
        return events
    day = s.as_day(known_on, name="known_on")
    known = known_dates(events)
    out = events.loc[(known.isna() | (known <= day)).to_numpy()].copy()
    if s.RETRACTED_AT in out:
        late = (pd.to_datetime(out[s.RETRACTED_AT]) >= day + _ONE_DAY).to_numpy()
        out.loc[late, s.RETRACTED_AT] = pd.NaT
        if s.RETRACTION_REASON in out:
            out.loc[late, s.RETRACTION_REASON] = None
    return out


# --- effective events ----------------------------------------------------------------------------
def id_text(ids: np.ndarray) -> np.ndarray:
    """Ids or codes as an object array of ``str`` (they may come as numbers from a database)."""
    if pd.api.types.infer_dtype(ids, skipna=False) == "string":
        return ids
    return _obj([str(i) for i in ids])


def _obj(values: object) -> np.ndarray:
    return np.asarray(values, dtype=object)


def _supersede_parents(events: pd.DataFrame) -> np.ndarray:
    """Row position of the event each row supersedes (-1 for none or an id not in the table)."""
    ids = pd.Index(id_text(events[s.EVENT_ID].to_numpy(dtype=object)), dtype=object)
    if not ids.is_unique:
        dup = ids[ids.duplicated()][0]
        msg = f"event_id {dup!r} appears more than once; give every event its own id"
        raise InputError(msg)
    if s.SUPERSEDES not in events:
        return np.full(len(events), -1, dtype=np.int64)
    sup = events[s.SUPERSEDES].to_numpy(dtype=object)
    linked = np.flatnonzero(~pd.isna(sup))
    parent = np.full(len(events), -1, dtype=np.int64)
    if linked.size:
        parent[linked] = ids.get_indexer(id_text(sup[linked]))
    return parent


def _check_acyclic(parent: np.ndarray, ids: np.ndarray) -> None:
    """Raise when ``supersedes`` links form a loop (A corrects B corrects A)."""
    cur = np.flatnonzero(parent >= 0)
    nodes = cur.copy()
    cur = parent[cur]
    for _ in range(len(nodes) + 1):
        keep = cur >= 0
        nodes, cur = nodes[keep], cur[keep]
        if not len(cur):
            return
        cur = parent[cur]
    loop, at = [], int(nodes[0])
    while at not in loop:
        loop.append(at)
        at = int(parent[at])
    names = " -> ".join(str(ids[i]) for i in [*loop[loop.index(at):], at])
    msg = f"supersedes links form a loop ({names}); clear the supersedes of one of these events"
    raise InputError(msg)


def effective_events(events: pd.DataFrame, *, known_on: DateLike | None = None) -> pd.DataFrame:
    """The events that count, as known at the end of a day.

    Parameters
    ----------
    events
        Event table with the columns of :data:`tracker.core.schema.EVENT_COLUMNS`.
    known_on
        Replay a past day ``K``: keep only events known by the end of ``K`` (their ``reported_on``,
        else the day of ``recorded_at``, is on or before ``K``; events with neither are kept) and
        ignore retractions recorded after the end of ``K``. ``None`` uses everything recorded.

    Returns
    -------
    pandas.DataFrame
        The rows of ``events`` (same columns and index) that are live (known and not retracted)
        and not corrected: an event is dropped when a live event supersedes it directly or through
        a chain of corrections (C supersedes B supersedes A: only C counts, even if B was
        retracted). When every correction of an event is retracted or unknown, the event counts
        again.

    Raises
    ------
    InputError
        Duplicate event ids, or supersedes links forming a loop.
    """
    s.require_columns(events, (s.EVENT_ID,), "event table")
    parent = _supersede_parents(events)
    ids = events[s.EVENT_ID].to_numpy(dtype=object)
    _check_acyclic(parent, ids)
    live = np.ones(len(events), dtype=bool)
    if s.RETRACTED_AT in events:
        retracted = pd.to_datetime(events[s.RETRACTED_AT])
        if known_on is None:
            live &= retracted.isna().to_numpy()
        else:
            late = retracted >= s.as_day(known_on, name="known_on") + _ONE_DAY
            live &= (retracted.isna() | late).to_numpy()
    if known_on is not None:
        known = known_dates(events)
        live &= (known.isna() | (known <= s.as_day(known_on, name="known_on"))).to_numpy()
    corrected = np.zeros(len(events), dtype=bool)
    frontier = np.unique(parent[live & (parent >= 0)])
    while frontier.size:
        frontier = frontier[~corrected[frontier]]
        corrected[frontier] = True
        up = parent[frontier]
        frontier = np.unique(up[up >= 0])
    return events.loc[live & ~corrected]


# --- intervals -----------------------------------------------------------------------------------
def _empty_intervals() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype=object) for c in s.INTERVAL_COLUMNS})
    out[s.START] = pd.Series(dtype="datetime64[ns]")
    out[s.END] = pd.Series(dtype="datetime64[ns]")
    return out


def _ranks(values: pd.Series, table: dict[str, int], column: str,
           allowed: Sequence[str]) -> np.ndarray:
    """Integer rank of each value after ``table``; InputError for a value not in it."""
    raw = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(raw)
    lookup = np.array([table.get(u, -1) for u in uniques] + [-1], dtype=np.int64)
    ranks = lookup[codes]
    if (ranks < 0).any():
        bad = raw[ranks < 0][0]
        msg = f"{column} {bad!r} is not one of {', '.join(allowed)}; fix the event's {column}"
        raise InputError(msg)
    return ranks


def _joined_ids(ids: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The ids of each segment of ``ids`` beginning at ``starts``, joined by ``;``."""
    size = np.diff(np.append(starts, len(ids)))
    out = ids[starts].copy()
    several = np.flatnonzero(size > 1)
    if several.size:
        rows = np.repeat(size > 1, size)
        sub_starts = np.concatenate(([0], np.cumsum(size[several])[:-1]))
        joined = np.add.reduceat(_obj(s.ID_SEP + ids[rows]), sub_starts)
        out[several] = _obj([j[1:] for j in joined])
    return out


def control_intervals(events: pd.DataFrame, *, known_on: DateLike | None = None) -> pd.DataFrame:
    """Who held each district from when to when, from the effective events.

    Parameters
    ----------
    events
        Event table with the columns of :data:`tracker.core.schema.EVENT_COLUMNS`.
    known_on
        Build the intervals from what was known at the end of this day (see
        :func:`effective_events`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`tracker.core.schema.INTERVAL_COLUMNS`, sorted by ``district_code`` and
        ``start``. Per district the intervals are contiguous: each ``end`` (exclusive) is the next
        ``start``; the last ``end`` is NaT (still holding). Each (district, date) group of events
        gives one state: agreeing reports -> their claim with the strongest confidence; disagreeing
        reports
        -> the single claim backed by a ``confirmed`` report if there is exactly one, else status
        ``disputed`` with every claimed actor as controller. ``claims`` spells out the claims of a
        day whose reports disagreed (None otherwise). Consecutive groups with the same controller,
        status and confidence and no disagreement are merged; ``event_ids`` lists every event of
        every merged group. ``date_precision`` is the finest precision among the reports of the
        group that started the interval (of the winning claim when one was settled), ``source`` and
        ``source_url`` those of that group's strongest report of the shown claim (for a disputed
        day: of the strongest claim). Text columns have object dtype, like the event table.

    Raises
    ------
    InputError
        Missing columns, an unknown confidence or date precision, an event without a date or a
        district code, or bad supersedes links.
    """
    s.require_columns(events, _NEEDED, "event table")
    eff = effective_events(events, known_on=known_on)
    if eff.empty:
        return _empty_intervals()
    require_dated_and_placed(eff)
    return merge_days(settled_days(eff))


def require_dated_and_placed(events: pd.DataFrame) -> None:
    """Refuse events that count but have no date or no district code (the first one named)."""
    checks = ((s.DATE, "date", "give it the day (or first day of the week/month) it happened"),
              (s.DISTRICT_CODE, "district code",
               "give the code of its district (Tracker.resolve finds it from a name)"))
    for col, what, fix in checks:
        values = events[col]
        missing = values.isna().to_numpy()
        if col == s.DISTRICT_CODE:
            missing = missing | (values.to_numpy(dtype=object) == "")
        if missing.any():
            bad = events[s.EVENT_ID].to_numpy(dtype=object)[missing][0]
            raise InputError(f"event {bad!r} has no {what}; {fix}")


DAY_KEY, DAY_NUMBER, DAY_RANK, DAY_PRECISION = "day_key", "day", "rank", "precision_rank"


def settled_days(events: pd.DataFrame, *, keys: np.ndarray | None = None) -> pd.DataFrame:
    """One settled state per (district, date) group of counting events.

    Parameters
    ----------
    events
        Events that count (see :func:`effective_events`), with a date each.
    keys
        Group by these keys (one per event) instead of the district code: the bitemporal builder
        (:mod:`tracker.core.bitemporal`) settles one group per (district, date, knowledge span).

    Returns
    -------
    pandas.DataFrame
        Sorted by key (as text) then day: ``day_key``, district_code, ``day`` (days since
        1970-01-01), controller, status, ``rank`` (confidence rank), ``precision_rank``, claims,
        source, source_url and event_ids (the group's ids joined by ``;``) of each group, as
        :func:`control_intervals` shows them. Feed it to :func:`merge_days`.
    """
    n = len(events)
    rank = _ranks(events[s.CONFIDENCE], s.CONFIDENCE_RANK, s.CONFIDENCE, s.CONFIDENCES)
    precision = (events[s.DATE_PRECISION].to_numpy(dtype=object) if s.DATE_PRECISION in events
                 else np.full(n, s.DAY, dtype=object))
    prec = _ranks(np.where(pd.isna(precision), s.DAY, precision), _PRECISION_RANK,
                  s.DATE_PRECISION, s.PRECISIONS)
    raw_src = (events[s.SOURCE].to_numpy(dtype=object) if s.SOURCE in events
               else np.full(n, None, dtype=object))
    ids = id_text(events[s.EVENT_ID].to_numpy(dtype=object))
    district = events[s.DISTRICT_CODE].to_numpy()
    day = _day_numbers(events[s.DATE])
    groups = settle_days(district if keys is None else keys, day,
                         events[s.CONTROLLER].to_numpy(), events[s.STATUS].to_numpy(), rank, prec,
                         raw_src, ids)
    first = groups.order[groups.start]
    src_rows = groups.source_row

    def _col(name: str) -> np.ndarray:
        if name not in events:
            return np.full(len(first), None, dtype=object)
        return events[name].to_numpy(dtype=object)[src_rows]

    columns = {
        DAY_KEY: groups.districts[groups.district],
        s.DISTRICT_CODE: _obj(district)[first] if keys is not None
        else groups.districts[groups.district],
        DAY_NUMBER: day[first],
        s.CONTROLLER: groups.controller, s.STATUS: groups.status, DAY_RANK: groups.rank,
        DAY_PRECISION: groups.precision, s.CLAIMS: groups.claims,
        s.SOURCE: _col(s.SOURCE), s.SOURCE_URL: _col(s.SOURCE_URL),
        s.EVENT_IDS: _joined_ids(ids[groups.order], groups.start),
    }
    return pd.DataFrame({k: pd.Series(v, dtype=v.dtype, copy=False) for k, v in columns.items()})


def merge_days(days: pd.DataFrame, *, keep_key: bool = False) -> pd.DataFrame:
    """Intervals from settled days (:func:`settled_days`, sorted by ``day_key`` then ``day``).

    A contested day naming one actor is first completed with the key's holder before it
    (:func:`contested_parties`). Consecutive days of one key with the same controller, status and
    confidence, none of them disputed, merge into one interval; each interval ends (exclusive)
    where the key's next one starts. Returns the columns of :func:`control_intervals` (and
    ``day_key`` with ``keep_key``).
    """
    if days.empty:
        out = _empty_intervals()
        return out.assign(**{DAY_KEY: pd.Series(dtype=object)}) if keep_key else out
    key = days[DAY_KEY].to_numpy(dtype=object)
    status = days[s.STATUS].to_numpy(dtype=object)
    ctrl = contested_parties(key, days[s.CONTROLLER].to_numpy(dtype=object), status)
    rank = days[DAY_RANK].to_numpy()
    claims = days[s.CLAIMS].to_numpy(dtype=object)
    plain = np.equal(claims, None)
    same = ((key[1:] == key[:-1]) & (ctrl[1:] == ctrl[:-1]) & (status[1:] == status[:-1])
            & (rank[1:] == rank[:-1]) & plain[1:] & plain[:-1])
    rstart = np.flatnonzero(np.concatenate(([True], ~same)))
    r_key = key[rstart]
    dates = days[DAY_NUMBER].to_numpy()[rstart].astype("datetime64[D]").astype("datetime64[ns]")
    ends = np.full(len(rstart), np.datetime64("NaT"), dtype="datetime64[ns]")
    same_next = np.flatnonzero(r_key[1:] == r_key[:-1])
    ends[same_next] = dates[same_next + 1]

    def _take(name: str) -> np.ndarray:
        return days[name].to_numpy(dtype=object)[rstart]

    columns = {
        s.DISTRICT_CODE: _take(s.DISTRICT_CODE),
        s.CONTROLLER: ctrl[rstart],
        s.STATUS: status[rstart],
        s.CONFIDENCE: CONFIDENCE_BY_RANK[rank[rstart]],
        s.START: dates,
        s.END: ends,
        s.DATE_PRECISION: np.asarray(s.PRECISIONS, dtype=object)[
            days[DAY_PRECISION].to_numpy()[rstart]],
        s.EVENT_IDS: _joined_ids(days[s.EVENT_IDS].to_numpy(dtype=object), rstart),
        s.CLAIMS: claims[rstart],
        s.SOURCE: _take(s.SOURCE),
        s.SOURCE_URL: _take(s.SOURCE_URL),
    }
    out = pd.DataFrame({k: pd.Series(v, dtype=v.dtype, copy=False) for k, v in columns.items()})
    if keep_key:
        out[DAY_KEY] = r_key
    return out


def one_actor_contests(controller: np.ndarray, status: np.ndarray) -> np.ndarray:
    """Which states are ``contested`` naming exactly one actor (completed by
    :func:`contested_parties`)."""
    codes, uniques = pd.factorize(np.asarray(controller, dtype=object))
    named = np.array([isinstance(c, str) and c != "" and s.ACTOR_SEP not in c
                      for c in uniques] + [False], dtype=bool)  # each distinct value once
    return (np.asarray(status, dtype=object) == s.CONTESTED) & named[codes]


def contested_parties(district: np.ndarray, controller: np.ndarray,
                      status: np.ndarray) -> np.ndarray:
    """Controllers of day states with a contested report naming one actor completed.

    A district ``contested`` by one named actor is contested between that actor and whoever held
    it before (the previous state of the same district when it was controlled, influenced or
    contested, and its actors differ): "TNLA contests Hsipaw" after "Military controls Hsipaw"
    gives ``Military;TNLA``. With no earlier state, or an earlier disputed or unknown one, the
    one actor stays alone. A contested state naming no actor (controller ``""``) is contested
    between unnamed parties and stays so. States are sorted by district and date.
    """
    single = np.flatnonzero(one_actor_contests(controller, status))
    if not single.size:
        return controller
    out = controller.copy()
    joined: dict[tuple[str, str], str] = {}  # each (holder, actor) pair joined once
    for i in single:  # in date order: a completed state may complete the next one
        if i == 0 or district[i - 1] != district[i] or status[i - 1] not in _HOLDING:
            continue
        pair = (out[i - 1], out[i])
        if pair not in joined:
            before = s.split_actors(pair[0])
            joined[pair] = (s.join_actors([*before, pair[1]]) if before and before != [pair[1]]
                            else pair[1])
        out[i] = joined[pair]
    return out


# --- states on dates -----------------------------------------------------------------------------

def district_index(intervals: pd.DataFrame, districts: Iterable[str] | None) -> pd.Index:
    """The districts to report, unique, as an object Index (default: every interval's district)."""
    if districts is None:
        codes = sorted(pd.unique(id_text(intervals[s.DISTRICT_CODE].to_numpy(dtype=object))))
    else:
        codes = [str(d) for d in districts]
    index = pd.Index(codes, dtype=object)
    if not index.is_unique:
        msg = f"districts lists {index[index.duplicated()][0]!r} more than once; list each once"
        raise InputError(msg)
    return index


def _gather(rows: pd.DataFrame, take: np.ndarray) -> pd.DataFrame:
    """State columns (without district_code) of ``rows[take]``; ``take == len(rows)``: unknown."""
    text_cols = [c for c in _STATE_COLUMNS[1:] if c != s.SINCE]
    block = np.empty((len(text_cols), len(rows) + 1), dtype=object)
    for j, col in enumerate(text_cols):
        if col in rows:
            block[j, :-1] = rows[col].to_numpy(dtype=object)
        block[j, -1] = s.UNKNOWN if col in (s.CONTROLLER, s.STATUS) else None
    since = np.append(rows[s.START].to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT"))
    # one object block taken in one go, then the other columns inserted in place (no copies)
    out = pd.DataFrame(block.take(take, axis=1).T, columns=text_cols, dtype=object, copy=False)
    out.insert(3, s.SINCE, since[take])
    return out


def state_on(intervals: pd.DataFrame, date: DateLike, *,
             districts: Iterable[str] | None = None) -> pd.DataFrame:
    """The state of each district on one day.

    Parameters
    ----------
    intervals
        Output of :func:`control_intervals`.
    date
        The day asked about.
    districts
        District codes to report, in this order (e.g. every district of the boundary set). Default:
        every district that has an interval, sorted by code.

    Returns
    -------
    pandas.DataFrame
        One row per district: district_code, controller, status, confidence, since (the start of
        the interval holding on ``date``), date_precision, source, source_url, event_ids, claims.
        Districts with no interval covering ``date`` have controller and status ``unknown`` and
        missing other fields.

    Raises
    ------
    InputError
        A bad date, a district listed twice, or intervals of a district that overlap.
    """
    s.require_columns(intervals, (s.DISTRICT_CODE, s.START, s.END), "interval table")
    d = s.as_day(date, name="date")
    codes = district_index(intervals, districts)
    start, end = intervals[s.START], intervals[s.END]
    current = intervals.loc[((start <= d) & (end.isna() | (end > d))).to_numpy()]
    held = pd.Index(id_text(current[s.DISTRICT_CODE].to_numpy(dtype=object)), dtype=object)
    if not held.is_unique:
        msg = (f"intervals of district {held[held.duplicated()][0]!r} overlap on {d.date()}; "
               f"build intervals with control_intervals")
        raise InputError(msg)
    pos = held.get_indexer(codes)
    out = _gather(current, np.where(pos >= 0, pos, len(current)))
    out.insert(0, s.DISTRICT_CODE, pd.Series(np.asarray(codes, dtype=object), dtype=object))
    return out


def states_on_dates(intervals: pd.DataFrame, dates: Iterable[DateLike], *,
                    districts: Iterable[str]) -> pd.DataFrame:
    """The state of every district on every date, as a long table.

    Parameters
    ----------
    intervals
        Output of :func:`control_intervals`.
    dates
        Days to report (e.g. :func:`step_dates`), in the order wanted.
    districts
        District codes to report, in the order wanted.

    Returns
    -------
    pandas.DataFrame
        Column ``date`` followed by the columns of :func:`state_on`; one row per (date, district),
        ordered by date then district. Computed with one binary search per row on the intervals
        sorted by (district, start), no Python loop.
    """
    s.require_columns(intervals, (s.DISTRICT_CODE, s.START, s.END), "interval table")
    codes = district_index(intervals, districts)
    when = pd.DatetimeIndex([s.as_day(d, name="dates") for d in dates])
    n_k = len(codes)
    k_all = codes.get_indexer(id_text(intervals[s.DISTRICT_CODE].to_numpy(dtype=object)))
    iv = intervals.loc[k_all >= 0]
    k_of = k_all[k_all >= 0]
    sday = _day_numbers(iv[s.START])
    order = np.lexsort((sday, k_of))
    k_of, sday = k_of[order], sday[order]
    eday = _day_numbers(iv[s.END].iloc[order].fillna(pd.Timestamp.max.normalize()))
    qday = _day_numbers(when)
    base = min(sday.min(initial=0), qday.min(initial=0))
    shift = np.int64(1) << 32
    keys = k_of.astype(np.int64) * shift + (sday - base)
    grid_k = np.tile(np.arange(n_k, dtype=np.int64), len(when))
    grid_day = np.repeat(qday, n_k)
    pos = np.searchsorted(keys, grid_k * shift + (grid_day - base), side="right") - 1
    safe = np.clip(pos, 0, None)
    hit = pos >= 0
    if len(keys):
        hit &= (k_of[safe] == grid_k) & (eday[safe] > grid_day)
    out = _gather(iv.iloc[order], np.where(hit, safe, len(keys)))
    out.insert(0, s.DATE, np.repeat(when.to_numpy(dtype="datetime64[ns]"), n_k))
    out.insert(1, s.DISTRICT_CODE, pd.Series(np.asarray(codes, dtype=object)[grid_k],
                                             dtype=object))
    return out


# --- changes and dates ---------------------------------------------------------------------------
CHANGE = "change"  # column of :func:`changes`: what kind of change (one of CHANGE_KINDS)
CHANGED_HANDS = "changed hands"
STATUS_CHANGED = "status changed"
FIRST_REPORT = "first report"
REPORT_WITHDRAWN = "report withdrawn"
CHANGE_KINDS = (CHANGED_HANDS, STATUS_CHANGED, FIRST_REPORT, REPORT_WITHDRAWN)
_HELD = (s.CONTROLLED, s.INFLUENCED)


def change_kinds(old_controller: Iterable[object], old_status: Iterable[object],
                 new_controller: Iterable[object], new_status: Iterable[object]) -> np.ndarray:
    """What kind of change each district went through between two days (``None``: none).

    ``first report``: nothing was known on the first day; ``report withdrawn``: nothing is known
    on the second (the reports were retracted or ended); ``changed hands``: an actor held it on
    both days (controlled or influenced) and they differ; ``status changed``: any other difference
    of controller or status (controlled -> contested, influenced -> controlled...).
    The map's changes panel takes this rule from :func:`change_table`.
    """
    oc, os_, nc, ns = (np.asarray(list(v), dtype=object) for v in
                       (old_controller, old_status, new_controller, new_status))
    old_known, new_known = os_ != s.UNKNOWN, ns != s.UNKNOWN
    differs = (oc != nc) | (os_ != ns)
    held = np.isin(os_, _HELD) & np.isin(ns, _HELD)
    kind = np.select(
        [~differs | (~old_known & ~new_known), ~old_known, ~new_known, held & (oc != nc)],
        [None, FIRST_REPORT, REPORT_WITHDRAWN, CHANGED_HANDS], default=STATUS_CHANGED)
    return kind.astype(object)


def change_table() -> list[list[list[int]]]:
    """:func:`change_kinds` as a table for the map page: ``table[old][new][other]`` is the
    position in :data:`CHANGE_KINDS` (-1: no change) of a district whose status goes from
    ``STATUS_ORDER[old]`` to ``STATUS_ORDER[new]``, with the same controller (``other`` 0) or
    another one (1)."""
    n = len(s.STATUS_ORDER)
    old, new, other = np.meshgrid(np.arange(n), np.arange(n), [0, 1], indexing="ij")
    old_status = np.asarray(s.STATUS_ORDER, dtype=object)[old.ravel()]
    new_status = np.asarray(s.STATUS_ORDER, dtype=object)[new.ravel()]
    new_ctrl = np.where(other.ravel() == 1, "B", "A")
    kinds = change_kinds(np.full(old.size, "A", dtype=object), old_status, new_ctrl, new_status)
    codes = np.array([-1 if k is None else CHANGE_KINDS.index(k) for k in kinds])
    return codes.reshape(n, n, 2).tolist()


def changes(intervals: pd.DataFrame, d1: DateLike, d2: DateLike, *,
            districts: Iterable[str] | None = None) -> pd.DataFrame:
    """Districts whose controller or status differs between two days.

    Parameters
    ----------
    intervals
        Output of :func:`control_intervals`.
    d1, d2
        The earlier and the later day (``d1 <= d2``).
    districts
        District codes to compare (default: every district with an interval).

    Returns
    -------
    pandas.DataFrame
        district_code, change (:func:`change_kinds`), old_controller, old_status,
        new_controller, new_status, new_confidence, since (start of the state on ``d2``) and
        event_ids: the events of every interval of that
        district starting in (d1, d2], i.e. the events responsible (an interval also lists later
        reports that repeated its state). Sorted by district_code.
    """
    a, b = s.as_day(d1, name="d1"), s.as_day(d2, name="d2")
    if b < a:
        msg = f"d2={b.date()} is before d1={a.date()}; give the earlier day first"
        raise InputError(msg)
    codes = district_index(intervals, districts)
    old, new = state_on(intervals, a, districts=codes), state_on(intervals, b, districts=codes)
    differs = ((old[s.CONTROLLER] != new[s.CONTROLLER])
               | (old[s.STATUS] != new[s.STATUS])).to_numpy()
    between = intervals.loc[(intervals[s.START] > a) & (intervals[s.START] <= b)]
    between = between.sort_values([s.DISTRICT_CODE, s.START])
    responsible = (between.assign(**{s.DISTRICT_CODE: between[s.DISTRICT_CODE].astype(str)})
                   .groupby(s.DISTRICT_CODE, sort=False)[s.EVENT_IDS].agg(s.ID_SEP.join))
    out = pd.DataFrame({
        s.DISTRICT_CODE: new[s.DISTRICT_CODE].to_numpy()[differs],
        "old_controller": old[s.CONTROLLER].to_numpy()[differs],
        "old_status": old[s.STATUS].to_numpy()[differs],
        "new_controller": new[s.CONTROLLER].to_numpy()[differs],
        "new_status": new[s.STATUS].to_numpy()[differs],
        "new_confidence": new[s.CONFIDENCE].to_numpy()[differs],
        s.SINCE: new[s.SINCE].to_numpy()[differs],
    })
    out.insert(1, CHANGE, change_kinds(out["old_controller"], out["old_status"],
                                       out["new_controller"], out["new_status"]))
    out[s.EVENT_IDS] = out[s.DISTRICT_CODE].map(responsible).fillna("")
    return out.sort_values(s.DISTRICT_CODE, kind="stable").reset_index(drop=True)


def step_dates(start: DateLike, end: DateLike, step: str) -> pd.DatetimeIndex:
    """Days from ``start`` to ``end`` (inclusive) at a named step.

    Parameters
    ----------
    start, end
        First and last day of the range.
    step
        ``"day"`` (every day), ``"week"`` (Mondays) or ``"month"`` (first days of months), after
        :data:`tracker.core.schema.TIME_STEPS`.
    """
    if step not in s.TIME_STEPS:
        msg = f"step={step!r} is not one of {', '.join(s.TIME_STEPS)}"
        raise InputError(msg)
    a, b = s.as_day(start, name="start"), s.as_day(end, name="end")
    if b < a:
        msg = f"end={b.date()} is before start={a.date()}; give the earlier day first"
        raise InputError(msg)
    return pd.date_range(a, b, freq=s.TIME_STEPS[step])
