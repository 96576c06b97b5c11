"""Timeline queries computed in PostgreSQL, finished by the pure core (:mod:`tracker.timeline`).

The split, so that PostgreSQL and the pure core give the same answers:

* **In SQL** (this module): which events count. Retractions and ``known_on`` (what was known at
  the end of a day: ``reported_on``, else the day the event was recorded) filter the live events;
  a recursive CTE follows ``supersedes`` chains from the live corrections up to every event they
  correct. For the state on a date, SQL also narrows the events per district: a ``LATERAL`` probe
  of the ``(district_code, date)`` index finds each district's latest counting date on or before
  the day, and only the events of that date come back.
* **In Python** (:mod:`tracker.timeline`): settling the reports of one day (agreeing, disputed, one
  confirmed claim), merging equal consecutive days into one interval, ``since`` and the claims.

To give ``since`` (the day the current holding began) the state query walks back one counting date
at a time, only for districts whose current holding merged with that earlier date, asking the pure
core whether they merge; after a few rounds it fetches the remaining districts' earlier events in
one query. Each round is one query of at most one index probe per district.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, DATE, TEXT

from tracker import schema as s
from tracker import timeline

MAX_ROUNDS = 4  # walk rounds before fetching a district's remaining events in one go
ROWS_PER_ROUND = 8  # nearest counting events per district and round (their dates come whole)

_COLUMNS = [s.EVENT_ID, s.DATE, s.DATE_PRECISION, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS,
            s.CONFIDENCE, s.SOURCE, s.SOURCE_URL]
_SELECT = """SELECT e.event_id, e.date, e.date_precision, e.district_code, e.controller,
       e.status, e.confidence, so.publisher, so.url"""
_FROM = """FROM events e
  LEFT JOIN sources so ON so.id = e.source_id"""


def _live(known_on: pd.Timestamp | None) -> str:
    """SQL condition: the event ``e`` is live (anti-joins, so the planner keeps index order)."""
    if known_on is None:
        return "NOT EXISTS (SELECT 1 FROM retractions r WHERE r.event_id = e.event_id)"
    return ("NOT EXISTS (SELECT 1 FROM retractions r WHERE r.event_id = e.event_id "
            "AND r.recorded_at < :known_next) "
            "AND COALESCE((SELECT k.published_on FROM sources k WHERE k.id = e.source_id), "
            "CAST(e.recorded_at AS date)) <= :known_on")


def _corrected_cte(known_on: pd.Timestamp | None) -> str:
    """``corrected(id)``: every event a live event corrects, directly or along a chain."""
    return f"""corrected(id) AS (
    SELECT e.supersedes FROM events e
    WHERE e.supersedes IS NOT NULL AND {_live(known_on)}
  UNION
    SELECT p.supersedes FROM events p JOIN corrected c ON p.event_id = c.id
    WHERE p.supersedes IS NOT NULL
)"""


def _counts(known_on: pd.Timestamp | None) -> str:
    return (f"{_live(known_on)} AND NOT EXISTS "
            f"(SELECT 1 FROM corrected c WHERE c.id = e.event_id)")


def _params(known_on: pd.Timestamp | None) -> dict[str, object]:
    if known_on is None:
        return {}
    return {"known_on": known_on.date(),
            "known_next": (known_on + pd.Timedelta(days=1)).to_pydatetime()}


def _frame(rows: Sequence) -> pd.DataFrame:
    """An event table of the selected columns (the pure core needs no others)."""
    out = pd.DataFrame([tuple(r) for r in rows], columns=_COLUMNS, dtype=object)
    out[s.DATE] = pd.to_datetime(out[s.DATE]).astype("datetime64[ns]")
    return out


def effective_events(engine_or_conn: Engine | Connection, *,
                     known_on: pd.Timestamp | None = None,
                     districts: Iterable[str] | None = None,
                     before: dt.date | None = None) -> pd.DataFrame:
    """The events that count (as known at the end of ``known_on``), as an event table.

    Parameters
    ----------
    engine_or_conn
        A PostgreSQL engine or connection.
    known_on
        Replay what was known at the end of this day (None: everything recorded).
    districts
        Only these district codes (default all).
    before
        Only events dated strictly before this day.

    Returns
    -------
    pandas.DataFrame
        Normalised event table (no retraction or supersedes columns filled: these events count).
    """
    where = [_counts(known_on)]
    params = _params(known_on)
    binds = []
    if districts is not None:
        where.append("e.district_code = ANY(:codes)")
        params["codes"] = list(districts)
        binds.append(bindparam("codes", type_=ARRAY(TEXT)))
    if before is not None:
        where.append("e.date < :before")
        params["before"] = before
    sql = (f"WITH RECURSIVE {_corrected_cte(known_on)}\n{_SELECT}\n{_FROM}\n"
           f"WHERE {' AND '.join(where)}")
    stmt = text(sql).bindparams(*binds) if binds else text(sql)
    return _frame(_run(engine_or_conn, stmt, params))


def _run(engine_or_conn: Engine | Connection, stmt, params: dict) -> list:
    if isinstance(engine_or_conn, Connection):
        return engine_or_conn.execute(stmt, params).all()
    with engine_or_conn.connect() as conn:
        return conn.execute(stmt, params).all()


def _neighbour_groups(conn: Connection, bounds: dict[str, dt.date],
                      known_on: pd.Timestamp | None, *, backward: bool,
                      limit: int = 1) -> pd.DataFrame:
    """Per district, the counting events of its nearest counting dates before (``backward``) or
    after its bound (strictly): the dates of its ``limit`` nearest counting events, each date
    with all its counting events. An index scan stops after ``limit`` rows per district."""
    op, order = ("<", "DESC") if backward else (">", "ASC")
    sql = f"""WITH RECURSIVE {_corrected_cte(known_on)},
pick AS (
  SELECT b.code, x.date
  FROM unnest(:codes, :bounds) AS b(code, bound)
  CROSS JOIN LATERAL (
    SELECT e.date FROM events e
    WHERE e.district_code = b.code AND e.date {op} b.bound AND {_counts(known_on)}
    ORDER BY e.date {order} LIMIT {int(limit)}
  ) x
),
picked AS (SELECT DISTINCT code, date FROM pick)
{_SELECT}
FROM picked JOIN events e ON e.district_code = picked.code AND e.date = picked.date
  LEFT JOIN sources so ON so.id = e.source_id
WHERE {_counts(known_on)}"""
    stmt = text(sql).bindparams(bindparam("codes", type_=ARRAY(TEXT)),
                                bindparam("bounds", type_=ARRAY(DATE)))
    params = {**_params(known_on), "codes": list(bounds), "bounds": list(bounds.values())}
    return _frame(conn.execute(stmt, params).all())


def districts_with_events(engine: Engine, *, known_on: pd.Timestamp | None = None) -> list[str]:
    """Sorted codes of the districts that have at least one counting event."""
    sql = f"""WITH RECURSIVE {_corrected_cte(known_on)}
SELECT d.code FROM districts d
WHERE EXISTS (SELECT 1 FROM events e WHERE e.district_code = d.code AND {_counts(known_on)})"""
    with engine.connect() as conn:
        codes = conn.execute(text(sql), _params(known_on)).scalars()
        return sorted(str(c) for c in codes)


def current_runs(engine: Engine, day: pd.Timestamp, *, known_on: pd.Timestamp | None = None,
                 districts: Iterable[str] | None = None) -> pd.DataFrame:
    """The counting events behind each district's state on ``day``: its whole current holding.

    The holding is the interval of the pure core that contains ``day``: the district's latest
    counting date on or before ``day``, extended backwards and forwards over the dates that merge
    with it. Feeding the result to :func:`tracker.timeline.control_intervals` and
    :func:`tracker.timeline.state_on` gives the same state (``since``, ``event_ids``...) as the
    pure core on every event.
    """
    with engine.connect() as conn:
        conn.exec_driver_sql("SET jit = off")  # compiling costs more than these short queries
        codes = (list(districts) if districts is not None
                 else districts_with_events(engine, known_on=known_on))
        after_day = (day + pd.Timedelta(days=1)).date()
        run = _neighbour_groups(conn, dict.fromkeys(codes, after_day), known_on, backward=True)
        run = _walk(conn, run, known_on, backward=True)
        run = _walk(conn, run, known_on, backward=False)
    return run.reset_index(drop=True)


def _walk(conn: Connection, run: pd.DataFrame, known_on: pd.Timestamp | None, *,
          backward: bool) -> pd.DataFrame:
    """Add to ``run`` the neighbouring dates that merge into each district's holding."""
    open_ = _extendable(run)
    for _ in range(MAX_ROUNDS):
        if not open_:
            return run
        bounds = _edges(run, open_, first=backward)
        step = _neighbour_groups(conn, bounds, known_on, backward=backward,
                                 limit=ROWS_PER_ROUND)
        if step.empty:
            return run
        kept, open_ = _merging(run, step, bounds, backward=backward)
        run = pd.concat([run, kept], ignore_index=True)
    if not open_:
        return run
    bounds = _edges(run, open_, first=backward)
    rest = effective_events(conn, known_on=known_on, districts=sorted(open_))
    rest_day = rest[s.DATE].dt.date
    edge = rest[s.DISTRICT_CODE].map(bounds)
    rest = rest[(rest_day < edge) if backward else (rest_day > edge)]
    return pd.concat([run, rest], ignore_index=True)


def _extendable(run: pd.DataFrame) -> set[str]:
    """Districts whose holding is undisputed, so that it may merge with neighbouring dates."""
    if run.empty:
        return set()
    iv = timeline.control_intervals(run)
    last = iv[iv[s.END].isna()]
    return set(last.loc[last[s.CLAIMS].isna(), s.DISTRICT_CODE].astype(str))


def _edges(run: pd.DataFrame, codes: set[str], *, first: bool) -> dict[str, dt.date]:
    mine = run[run[s.DISTRICT_CODE].isin(codes)].groupby(s.DISTRICT_CODE)[s.DATE]
    edges = mine.min() if first else mine.max()
    return {str(k): pd.Timestamp(v).date() for k, v in edges.items()}


def _merging(run: pd.DataFrame, step: pd.DataFrame, edges: dict[str, dt.date], *,
             backward: bool) -> tuple[pd.DataFrame, set[str]]:
    """The events of ``step`` that merge into each district's holding, and the districts whose
    holding may reach further (every fetched date merged). Asked of the pure core."""
    codes = set(step[s.DISTRICT_CODE])
    trial = pd.concat([run[run[s.DISTRICT_CODE].isin(codes)], step], ignore_index=True)
    iv = timeline.control_intervals(trial)
    edge = pd.to_datetime(iv[s.DISTRICT_CODE].map(edges))
    holding = iv[(iv[s.START] <= edge) & (iv[s.END].isna() | (iv[s.END] > edge))]
    holding = holding.set_index(s.DISTRICT_CODE)
    code = step[s.DISTRICT_CODE]
    if backward:
        start = code.map(holding[s.START])
        kept = step[step[s.DATE] >= start]
        first = step.groupby(s.DISTRICT_CODE)[s.DATE].min()
        reach = {str(k) for k, v in first.items() if holding[s.START].get(k) == v}
    else:
        end = code.map(holding[s.END])
        kept = step[end.isna() | (step[s.DATE] < end)]
        reach = {str(k) for k in codes if pd.isna(holding[s.END].get(k))}
    return kept, reach
