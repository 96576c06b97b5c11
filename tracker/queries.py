"""Timeline queries computed in the database (SQLite or PostgreSQL), finished by the pure core.

One code path for both backends, written with SQLAlchemy Core. Dialect-specific, each for a
measured reason: the table of per-district bounds (an array parameter on PostgreSQL, a JSON one on
SQLite: see :func:`_bounds`), a ``LATERAL`` probe on PostgreSQL (whose planner would otherwise
scan every event) and PostgreSQL's ``jit`` setting. The split, so that the database and
:mod:`tracker.timeline` give the same answers:

* **In SQL** (this module): which events count. Retractions and ``known_on`` (what was known at
  the end of a day: ``reported_on``, else the day the event was recorded) filter the live events;
  a recursive CTE follows ``supersedes`` chains from the live corrections up to every event they
  correct. For the state on a date, SQL also narrows the events per district: a scalar subquery
  per district walks the ``(district_code, date)`` index from the day backwards to the district's
  nearest counting date(s), and only the events of those dates come back (a range probe of the
  same index).
* **In Python** (:mod:`tracker.timeline`): settling the reports of one day (agreeing, disputed, one
  confirmed claim), merging equal consecutive days into one interval, ``since`` and the claims.

To give ``since`` (the day the current holding began) the state query walks back a few counting
dates at a time, only for districts whose current holding merged with every date fetched so far,
asking the pure core whether they merge; after a few rounds it fetches the remaining districts'
events in one query. Each round is one query of at most two index probes per district.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import (
    CTE,
    Connection,
    Date,
    Engine,
    String,
    and_,
    bindparam,
    exists,
    func,
    literal,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY, DATE, TEXT
from sqlalchemy.sql.elements import ColumnElement

from tracker import schema as s
from tracker import timeline
from tracker.db import ControlEvent, District, Retraction, Source

MAX_ROUNDS = 4  # walk rounds before fetching a district's remaining events in one go
ROWS_PER_ROUND = 8  # nearest counting events per district and round (their dates come whole)

_EVENTS = ControlEvent.__table__
_RETRACTIONS = Retraction.__table__
_SOURCES = Source.__table__
_FIRST_DAY, _LAST_DAY = dt.date(1, 1, 1), dt.date(9999, 12, 31)
_COLUMNS = [s.EVENT_ID, s.DATE, s.DATE_PRECISION, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS,
            s.CONFIDENCE, s.SOURCE, s.SOURCE_URL]


# --- which events count ----------------------------------------------------------------------
def _live(e, known_on: pd.Timestamp | None) -> ColumnElement[bool]:
    """The event ``e`` is live: not retracted (by the end of ``known_on``) and known by then.

    Written as anti-joins (``NOT EXISTS``), so that both planners keep the index order of ``e``.
    """
    r = _RETRACTIONS.alias("r")
    retracted = select(literal(1)).where(r.c.event_id == e.c.event_id)
    if known_on is None:
        return ~retracted.exists()
    known_next = (known_on.normalize() + pd.Timedelta(days=1)).to_pydatetime()
    retracted = retracted.where(r.c.recorded_at < known_next)
    k = _SOURCES.alias("k")
    published = select(k.c.published_on).where(k.c.id == e.c.source_id).scalar_subquery()
    # date(...) is a function on SQLite ('YYYY-MM-DD' text) and a cast on PostgreSQL
    known = func.coalesce(published, func.date(e.c.recorded_at), type_=Date)
    return and_(~retracted.exists(), known <= known_on.date())


def _corrected(known_on: pd.Timestamp | None) -> CTE:
    """``corrected(id)``: every event a live event corrects, directly or along a chain."""
    c, i = _EVENTS.alias("c"), _EVENTS.alias("i")
    # the corrections are found through the supersedes index (id IN ...: SQLite's planner,
    # not knowing that most supersedes are NULL, would otherwise scan every event)
    corrections = select(i.c.id).where(i.c.supersedes.is_not(None))
    start = (select(c.c.supersedes.label("id"))
             .where(c.c.id.in_(corrections), _live(c, known_on))
             .cte("corrected", recursive=True))
    p = _EVENTS.alias("p")
    step = (select(p.c.supersedes).join(start, p.c.event_id == start.c.id)
            .where(p.c.supersedes.is_not(None)))
    return start.union(step)


def _counts(e, corrected: CTE, known_on: pd.Timestamp | None) -> ColumnElement[bool]:
    """The event ``e`` counts: live and not corrected by a live event."""
    return and_(_live(e, known_on), ~exists().where(corrected.c.id == e.c.event_id))


def _event_select(e):
    """The columns the pure core needs, of events ``e`` joined with their sources."""
    so = _SOURCES.alias("so")
    # dates as the driver gives them (PostgreSQL: date, SQLite: ISO text), parsed in one go
    cols = [e.c.event_id, type_coerce(e.c.date, String), e.c.date_precision, e.c.district_code,
            e.c.controller, e.c.status, e.c.confidence,
            func.nullif(so.c.publisher, ""), func.nullif(so.c.url, "")]  # as read_events: None
    return select(*cols), so


def _frame(rows: Sequence[tuple]) -> pd.DataFrame:
    """An event table of the selected columns (the pure core needs no others)."""
    out = pd.DataFrame(list(rows), columns=_COLUMNS, dtype=object)
    out[s.DATE] = parse_times(out[s.DATE].to_numpy())
    return out


def fetch_rows(conn: Connection, stmt) -> list[tuple]:
    """All rows of ``stmt`` as the DBAPI cursor gives them: plain tuples, no per-row processing
    by SQLAlchemy (select dates through ``type_coerce(col, String)`` and parse them with
    :func:`parse_times`)."""
    result = conn.execute(stmt)
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


def effective_events(engine_or_conn: Engine | Connection, *,
                     known_on: pd.Timestamp | None = None,
                     districts: Iterable[str] | None = None,
                     before: dt.date | None = None) -> pd.DataFrame:
    """The events that count (as known at the end of ``known_on``), as an event table.

    Parameters
    ----------
    engine_or_conn
        A SQLite or PostgreSQL engine or connection.
    known_on
        Replay what was known at the end of this day (None: everything recorded).
    districts
        Only these district codes (default all).
    before
        Only events dated strictly before this day.

    Returns
    -------
    pandas.DataFrame
        Columns event_id, date, date_precision, district_code, controller, status, confidence,
        source, source_url (these events count: no retraction or supersedes columns needed).
    """
    corrected = _corrected(known_on)
    e = _EVENTS.alias("e")
    stmt, so = _event_select(e)
    stmt = (stmt.select_from(e.outerjoin(so, so.c.id == e.c.source_id))
            .where(_counts(e, corrected, known_on)))
    if districts is not None:
        stmt = stmt.where(e.c.district_code.in_(list(districts)))
    if before is not None:
        stmt = stmt.where(e.c.date < before)
    if isinstance(engine_or_conn, Connection):
        return _frame(fetch_rows(engine_or_conn, stmt))
    with engine_or_conn.connect() as conn:
        return _frame(fetch_rows(conn, stmt))


def _bounds(conn: Connection, bounds: dict[str, dt.date]) -> CTE:
    """``b(code, bound)``: one row per district, from one bound parameter.

    The one dialect-specific query part: a table of parameters. SQLAlchemy's portable ``VALUES``
    cannot be cached, and compiling these queries anew costs more than running them; a single
    array (PostgreSQL) or JSON (SQLite) parameter keeps every statement in the compiled cache.
    """
    if conn.dialect.name == "postgresql":
        pairs = func.unnest(bindparam("codes", list(bounds), type_=ARRAY(TEXT)),
                            bindparam("bounds", list(bounds.values()), type_=ARRAY(DATE)))
        table = pairs.table_valued("code", "bound", name="p").render_derived()
        return select(table.c.code, table.c.bound).cte("b")
    text_ = json.dumps([[code, day.isoformat()] for code, day in bounds.items()])
    rows = func.json_each(bindparam("bounds", text_, type_=String)).table_valued("value")
    return select(func.json_extract(rows.c.value, "$[0]").label("code"),
                  func.json_extract(rows.c.value, "$[1]").label("bound")).cte("b")


def _neighbour_groups(conn: Connection, bounds: dict[str, dt.date],
                      known_on: pd.Timestamp | None, *, backward: bool,
                      limit: int = 1) -> pd.DataFrame:
    """Per district, the counting events of its nearest counting dates before (``backward``) or
    after its bound (strictly): the dates of its ``limit`` nearest counting events, each date
    with all its counting events.

    Per district a scalar subquery walks the ``(district_code, date)`` index from the bound and
    stops at the ``limit``-th counting event (its date is the far edge; none: every date beyond
    the bound); a range probe of the same index then returns the counting events between bound
    and edge.
    """
    if not bounds:
        return _frame([])
    corrected = _corrected(known_on)
    b = _bounds(conn, bounds)
    x = _EVENTS.alias("x")
    beyond = x.c.date < b.c.bound if backward else x.c.date > b.c.bound
    edge = (select(x.c.date)
            .where(x.c.district_code == b.c.code, beyond, _counts(x, corrected, known_on))
            .order_by(x.c.date.desc() if backward else x.c.date.asc())
            .limit(1).offset(limit - 1).scalar_subquery())
    far = _FIRST_DAY if backward else _LAST_DAY
    cut = (select(b.c.code, b.c.bound, func.coalesce(edge, far, type_=Date).label("edge"))
           .cte("cut").prefix_with("MATERIALIZED"))
    e = _EVENTS.alias("e")
    between = ((e.c.date < cut.c.bound) & (e.c.date >= cut.c.edge) if backward
               else (e.c.date > cut.c.bound) & (e.c.date <= cut.c.edge))
    near = (e.c.district_code == cut.c.code) & between
    if conn.dialect.name == "postgresql":
        # PostgreSQL cannot estimate the bound..edge ranges and would scan every event; LATERAL
        # makes it probe the index once per district (SQLite probes it so on a plain join), and
        # OFFSET 0 keeps the planner from flattening the subquery into a plain join again
        found = select(e).where(near).offset(0).lateral("n")
        joined = cut.join(found, true())
    else:
        found, joined = e, cut.join(e, near)
    stmt, so = _event_select(found)
    stmt = (stmt.select_from(joined.outerjoin(so, so.c.id == found.c.source_id))
            .where(_counts(found, corrected, known_on)))
    return _frame(fetch_rows(conn, stmt))


def districts_with_events(engine: Engine, *, known_on: pd.Timestamp | None = None) -> list[str]:
    """Sorted codes of the districts that have at least one counting event."""
    corrected = _corrected(known_on)
    d = District.__table__.alias("d")
    e = _EVENTS.alias("e")
    anyone = exists().where(e.c.district_code == d.c.code, _counts(e, corrected, known_on))
    with engine.connect() as conn:
        codes = conn.execute(select(d.c.code).where(anyone)).scalars()
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
    codes = (list(districts) if districts is not None
             else districts_with_events(engine, known_on=known_on))
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET jit = off")  # compiling costs more than these short queries
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
        merged = (holding[s.START].reindex(first.index) == first).to_numpy()
        reach = {str(k) for k in first.index[merged]}
    else:
        end = code.map(holding[s.END])
        kept = step[end.isna() | (step[s.DATE] < end)]
        ends = holding[s.END].reindex(sorted(codes))
        reach = {str(k) for k in ends.index[ends.isna().to_numpy()]}
    return kept, reach
