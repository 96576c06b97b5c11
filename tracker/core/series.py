"""Control over time: per day (or step), how many districts, km² or people each actor held.

Pure pandas on the output of :func:`tracker.core.timeline.control_intervals`. Every count comes from
the states of :func:`tracker.core.timeline.states_on_dates` through :func:`category_of`, the one
rule shared by the chart, the page's legend and snapshot counts:

* ``controlled`` -> the controlling actor (or its side, when sides are given);
* ``influenced`` -> ``"<actor> (influenced)"``, kept apart as in the province roll-up
  (:func:`tracker.core.spatial.categories`, the map's legend);
* ``contested`` -> ``contested``; ``disputed`` -> ``disputed``; anything else -> ``unknown``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.core import spatial
from tracker.core.timeline import DateLike, district_index, id_text, states_on_dates

STATE_CATEGORIES = (s.CONTESTED, s.DISPUTED, s.UNKNOWN)  # the columns after the actors
HELD = (s.CONTROLLED, s.INFLUENCED)


def category_of(status: pd.Series, controller: pd.Series, *,
                sides: Mapping[str, str] | None = None) -> pd.Series:
    """The chart category of each state: the actor controlling it, ``"<actor> (influenced)"``,
    else its status.

    Parameters
    ----------
    status, controller
        Columns of a state table (:func:`tracker.core.timeline.state_on`).
    sides
        Actor -> side: a held district counts for the actor's side (actors without one keep
        their own name).

    Returns
    -------
    pandas.Series
        Object series aligned with ``status``.
    """
    st = status.to_numpy(dtype=object)
    ctrl = controller.to_numpy(dtype=object)
    held = np.isin(st, HELD) & ~pd.isna(ctrl)
    # the roll-up's rule (spatial.categories) on the actors' sides; a held state without an
    # actor, or a status the scale does not know, counts as unknown
    st = np.where(held | np.isin(st, (s.CONTESTED, s.DISPUTED)), st, s.UNKNOWN)
    if sides:
        ctrl = np.asarray([sides.get(a, a) if h else a for a, h in zip(ctrl, held, strict=True)],
                          dtype=object)
    out = spatial.categories(pd.Series(st, dtype=object), pd.Series(ctrl, dtype=object))
    return pd.Series(out.to_numpy(dtype=object), index=status.index, dtype=object)


def actors_in_order(intervals: pd.DataFrame) -> list[str]:
    """Every actor named in ``intervals`` (holding, contesting or claiming a district), by the day
    it first appears, then by name: the order of the page's legend."""
    # each distinct controller once (its first start), then its actors
    code, values = pd.factorize(intervals[s.CONTROLLER].to_numpy(dtype=object))
    starts = pd.to_datetime(intervals[s.START]).to_numpy(dtype="datetime64[ns]").view(np.int64)
    earliest = np.full(len(values), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(earliest, code[code >= 0], starts[code >= 0])
    first: dict[str, pd.Timestamp] = {}
    for value, start in zip(values, pd.DatetimeIndex(earliest.view("datetime64[ns]")), strict=True):
        if not isinstance(value, str):
            continue
        for actor in s.split_actors(value):
            if actor.lower() != s.UNKNOWN and (actor not in first or start < first[actor]):
                first[actor] = start
    return sorted(first, key=lambda a: (first[a], a))


def control_series(intervals: pd.DataFrame, dates: Iterable[DateLike], *,
                   districts: Iterable[str], weights: pd.Series | None = None,
                   sides: Mapping[str, str] | None = None,
                   states: pd.DataFrame | None = None) -> pd.DataFrame:
    """What each actor held, and how much was contested, disputed or unknown, on every date.

    Parameters
    ----------
    intervals
        Output of :func:`tracker.core.timeline.control_intervals`.
    dates
        Days to count (e.g. :func:`tracker.core.timeline.step_dates`).
    districts
        District codes counted (all of a layer, or one province's).
    weights
        Weight of each district, indexed by district code (km², people); ``None`` counts
        districts. A district missing from ``weights`` or with no value counts 0.
    sides
        Actor -> side; held districts count for the side (see :func:`category_of`).
    states
        :func:`tracker.core.timeline.states_on_dates` of these dates and districts, when the
        caller has it already (not computed again).

    Returns
    -------
    pandas.DataFrame
        Index ``date``; one column per actor (:func:`actors_in_order`, or per side), then
        ``contested``, ``disputed``, ``unknown``. Each row adds up to the number of districts
        (or the total weight). Integer counts without weights, floats with them.
    """
    codes = [str(c) for c in districts]
    when = pd.DatetimeIndex([s.as_day(d, name="dates") for d in dates], name=s.DATE)
    district = id_text(intervals[s.DISTRICT_CODE].to_numpy(dtype=object))
    counted = pd.Index(codes, dtype=object).get_indexer_for(district) >= 0
    mine = intervals if counted.all() else intervals[counted]
    names = actors_in_order(mine)
    if sides:
        names = list(dict.fromkeys(sides.get(a, a) for a in names))
    clash = sorted(set(names) & set(STATE_CATEGORIES))
    if clash:
        msg = (f"an actor is named {clash[0]!r}, like a state of the chart; "
               f"rename the actor in its events")
        raise InputError(msg)
    columns = [*names, *STATE_CATEGORIES]
    if not len(when) or not codes:
        return pd.DataFrame(0, index=when, columns=columns, dtype=np.int64)
    if states is None and weights is None:
        table = _district_counts(mine, when, codes, sides)
        present = set(table.columns[table.to_numpy().any(axis=0)])
        columns = [c for a in names for c in (a, f"{a} ({s.INFLUENCED})")
                   if c == a or c in present] + list(STATE_CATEGORIES)
        out = table.reindex(index=when, columns=columns).fillna(0)
        out.index.name = s.DATE
        return out.astype(np.int64)
    if states is None:
        states = states_on_dates(mine, when.unique(), districts=codes)
    # a date given twice is counted once (and shown twice)
    states = states.drop_duplicates([s.DATE, s.DISTRICT_CODE])
    category = category_of(states[s.STATUS], states[s.CONTROLLER], sides=sides)
    present = set(pd.unique(category))
    columns = [c for a in names for c in (a, f"{a} ({s.INFLUENCED})")
               if c == a or c in present] + list(STATE_CATEGORIES)
    if weights is None:
        value = np.ones(len(states), dtype=np.int64)
    else:
        w = pd.to_numeric(pd.Series(weights), errors="coerce")
        w.index = w.index.astype(str)
        value = states[s.DISTRICT_CODE].map(w).fillna(0.0).to_numpy(dtype=float)
    table = (pd.DataFrame({s.DATE: states[s.DATE].to_numpy(), "category": category.to_numpy(),
                           "value": value})
             .groupby([s.DATE, "category"], sort=False)["value"].sum()
             .unstack("category"))
    out = table.reindex(index=when, columns=columns).fillna(0)
    out.index.name = s.DATE
    out.columns.name = None
    return out.astype(np.int64) if weights is None else out.astype(float)


def _district_counts(intervals: pd.DataFrame, when: pd.DatetimeIndex, codes: list[str],
                     sides: Mapping[str, str] | None) -> pd.DataFrame:
    """Districts per category (:func:`category_of`) on each distinct date of ``when``, counted
    from the intervals rather than from every state: each interval counts on the dates it holds,
    as :func:`tracker.core.timeline.states_on_dates` reads them (per district the interval
    starting last on or before the date, while its end is after it), and every district without
    one is ``unknown``. Index: the sorted distinct dates; columns: the categories met."""
    index = district_index(intervals, codes)
    k = index.get_indexer(id_text(intervals[s.DISTRICT_CODE].to_numpy(dtype=object)))
    iv = intervals.loc[k >= 0]
    k = k[k >= 0]
    start = pd.to_datetime(iv[s.START]).to_numpy(dtype="datetime64[D]").astype(np.int64)
    end = pd.to_datetime(iv[s.END]).to_numpy(dtype="datetime64[D]")
    end = np.where(np.isnat(end), np.iinfo(np.int64).max, end.astype(np.int64))
    order = np.lexsort((start, k))
    k, start, end = k[order], start[order], end[order]
    # an interval gives way to the district's next one (the latest start wins)
    same = np.append(k[1:] == k[:-1], False)
    end = np.where(same, np.minimum(end, np.append(start[1:], 0)), end)
    category = category_of(iv[s.STATUS].iloc[order], iv[s.CONTROLLER].iloc[order], sides=sides)
    cat, names = pd.factorize(category.to_numpy(dtype=object))
    days = np.unique(when.to_numpy(dtype="datetime64[D]").astype(np.int64))
    first, stop = np.searchsorted(days, start), np.searchsorted(days, end)
    diff = np.zeros((len(names) + 1, len(days) + 1), dtype=np.int64)
    np.add.at(diff, (cat, first), 1)
    np.add.at(diff, (cat, stop), -1)
    counts = np.cumsum(diff[:, :-1], axis=1)
    counts[-1] = len(codes) - counts[:-1].sum(axis=0)  # districts with no interval that day
    table = pd.DataFrame(counts.T, index=pd.DatetimeIndex(days.astype("datetime64[D]")),
                         columns=[*names, "_none"])
    none = table.pop("_none")
    table[s.UNKNOWN] = table.get(s.UNKNOWN, 0) + none
    return table
