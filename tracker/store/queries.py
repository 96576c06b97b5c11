"""Timeline queries computed in the database (SQLite or PostgreSQL), finished by the pure core.

One code path for both backends, written with SQLAlchemy Core. Dialect-specific, each for a
measured reason: the table of per-district bounds (an array parameter on PostgreSQL, a JSON one on
SQLite: see :func:`_bounds`), a ``LATERAL`` probe on PostgreSQL (whose planner would otherwise
scan every event) and PostgreSQL's ``jit`` setting. The split, so that the database and
:mod:`tracker.core.timeline` give the same answers:

* **In SQL** (this module): which events count. Retractions and ``known_on`` (what was known at
  the end of a day: ``reported_on``, else the day the event was recorded) filter the live events;
  a recursive CTE follows ``supersedes`` chains from the live corrections up to every event they
  correct. For the state on a date, SQL also narrows the events per district: a scalar subquery
  per district walks the ``(district_code, date)`` index from the day backwards (forwards) to the
  district's nearest counting date(s), and only the events of those dates come back (a range
  probe of the same index).
* **In Python** (:mod:`tracker.core.timeline`): settling the reports of one day (agreeing, disputed,
one
  confirmed claim), merging equal consecutive days into one interval, ``since`` and the claims.

To give ``since`` (the day the current holding began) and the holding's events, the state query
fetches, in one query, each district's few counting dates on or before the day and after it, and
asks the pure core for their intervals; only for the districts whose holding reaches the first
(last) date fetched does it walk further, a few dates a round, recomputing the intervals of those
districts only; after a few rounds it fetches the remaining districts' events in one go. Each
round is one query of at most two index probes per district and direction. Statements are built
once per shape with every value a bound parameter (``known_on`` included), so that neither
building nor compiling them costs anything after the first call.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import (
    CTE,
    CompoundSelect,
    Connection,
    Date,
    DateTime,
    Engine,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    literal,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, DATE, TEXT
from sqlalchemy.sql.elements import ColumnElement

from tracker.core import schema as s
from tracker.core import timeline
from tracker.store.models import ControlEvent, District, Retraction, Source

MAX_ROUNDS = 4  # walk rounds before fetching a district's remaining events in one go
FIRST_BACK = 4  # nearest counting events per district first fetched on or before the day
FIRST_AHEAD = 2  # and after it (the holding usually ends on the next date)
ROWS_PER_ROUND = 8  # then per district, direction and round (their dates come whole)

_EVENTS = ControlEvent.__table__
_RETRACTIONS = Retraction.__table__
_SOURCES = Source.__table__
_FIRST_DAY, _LAST_DAY = dt.date(1, 1, 1), dt.date(9999, 12, 31)
_COLUMNS = [s.EVENT_ID, s.DATE, s.DATE_PRECISION, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS,
            s.CONFIDENCE, s.SOURCE, s.SOURCE_URL]


# --- which events count ----------------------------------------------------------------------
# ``known_on`` enters every statement as two bound parameters (:func:`_known_params`), so that a
# statement is built once per shape (:func:`_neighbour_stmt`) and compiled once by SQLAlchemy
_KNOWN_NEXT = "known_next"
_KNOWN_DAY = "known_day"


def _known_params(known_on: pd.Timestamp | None) -> dict[str, object]:
    """The bound parameters of :func:`_live` for ``known_on`` (none for everything recorded)."""
    if known_on is None:
        return {}
    day = pd.Timestamp(known_on).normalize()
    return {_KNOWN_NEXT: (day + pd.Timedelta(days=1)).to_pydatetime(), _KNOWN_DAY: day.date()}


def _live(e, known: bool) -> ColumnElement[bool]:
    """The event ``e`` is live: not retracted (by the end of ``known_on``) and known by then.

    ``known``: filter by ``known_on``, given as the parameters of :func:`_known_params`. Written as
    anti-joins (``NOT EXISTS``), so that both planners keep the index order of ``e``.
    """
    r = _RETRACTIONS.alias("r")
    retracted = select(literal(1)).where(r.c.event_id == e.c.event_id)
    if not known:
        return ~retracted.exists()
    retracted = retracted.where(r.c.recorded_at < bindparam(_KNOWN_NEXT, type_=DateTime()))
    k = _SOURCES.alias("k")
    published = select(k.c.published_on).where(k.c.id == e.c.source_id).scalar_subquery()
    # date(...) is a function on SQLite ('YYYY-MM-DD' text) and a cast on PostgreSQL
    known_day = func.coalesce(published, func.date(e.c.recorded_at), type_=Date)
    return and_(~retracted.exists(), known_day <= bindparam(_KNOWN_DAY, type_=Date()))


def _corrected(known: bool) -> CTE:
    """``corrected(id)``: every event a live event corrects, directly or along a chain."""
    c, i = _EVENTS.alias("c"), _EVENTS.alias("i")
    # the corrections are found through the supersedes index (id IN ...: SQLite's planner,
    # not knowing that most supersedes are NULL, would otherwise scan every event)
    corrections = select(i.c.id).where(i.c.supersedes.is_not(None))
    start = (select(c.c.supersedes.label("id"))
             .where(c.c.id.in_(corrections), _live(c, known))
             .cte("corrected", recursive=True))
    p = _EVENTS.alias("p")
    step = (select(p.c.supersedes).join(start, p.c.event_id == start.c.id)
            .where(p.c.supersedes.is_not(None)))
    return start.union(step)


def _counts(e, corrected: CTE, known: bool) -> ColumnElement[bool]:
    """The event ``e`` counts: live and not corrected by a live event."""
    return and_(_live(e, known), ~exists().where(corrected.c.id == e.c.event_id))


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


def fetch_rows(conn: Connection, stmt, params: dict[str, object] | None = None) -> list[tuple]:
    """All rows of ``stmt`` (with bound ``params``) as the DBAPI cursor gives them: plain tuples,
    no per-row processing by SQLAlchemy (select dates through ``type_coerce(col, String)`` and
    parse them with :func:`parse_times`)."""
    result = conn.execute(stmt, params or {})
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
    params = _known_params(known_on)
    known = known_on is not None
    corrected = _corrected(known)
    e = _EVENTS.alias("e")
    stmt, so = _event_select(e)
    stmt = (stmt.select_from(e.outerjoin(so, so.c.id == e.c.source_id))
            .where(_counts(e, corrected, known)))
    if districts is not None:
        stmt = stmt.where(e.c.district_code.in_(bindparam("codes", expanding=True)))
        params["codes"] = list(districts)
    if before is not None:
        stmt = stmt.where(e.c.date < bindparam("before", type_=Date()))
        params["before"] = before
    if isinstance(engine_or_conn, Connection):
        return _frame(fetch_rows(engine_or_conn, stmt, params))
    with engine_or_conn.connect() as conn:
        return _frame(fetch_rows(conn, stmt, params))


def _bounds(dialect: str) -> CTE:
    """``b(code, bound)``: one row per district, from bound parameters (:func:`_bound_params`).

    The one dialect-specific query part: a table of parameters. SQLAlchemy's portable ``VALUES``
    cannot be cached, and compiling these queries anew costs more than running them; a single
    array (PostgreSQL) or JSON (SQLite) parameter keeps every statement in the compiled cache.
    """
    if dialect == "postgresql":
        pairs = func.unnest(bindparam("codes", type_=ARRAY(TEXT)),
                            bindparam("bounds", type_=ARRAY(DATE)))
        table = pairs.table_valued("code", "bound", name="p").render_derived()
        return select(table.c.code, table.c.bound).cte("b")
    rows = func.json_each(bindparam("bounds", type_=String())).table_valued("value")
    return select(func.json_extract(rows.c.value, "$[0]").label("code"),
                  func.json_extract(rows.c.value, "$[1]").label("bound")).cte("b")


def _bound_params(dialect: str, bounds: dict[str, dt.date]) -> dict[str, object]:
    """The parameters of :func:`_bounds` for these per-district bounds."""
    if dialect == "postgresql":
        return {"codes": list(bounds), "bounds": list(bounds.values())}
    return {"bounds": json.dumps([[code, day.isoformat()] for code, day in bounds.items()])}


def _near(dialect: str, b: CTE, corrected: CTE, known: bool, *, backward: bool, limit: int,
          name: str, inclusive: bool = False) -> Select:
    """The counting events of each district's nearest dates before (``backward``) or after its
    bound in ``b`` (strictly, or from the bound on when ``inclusive``): see
    :func:`_neighbour_groups`."""
    x = _EVENTS.alias("x")
    if backward:
        beyond = x.c.date < b.c.bound
    else:
        beyond = x.c.date >= b.c.bound if inclusive else x.c.date > b.c.bound
    edge = (select(x.c.date)
            .where(x.c.district_code == b.c.code, beyond, _counts(x, corrected, known))
            .order_by(x.c.date.desc() if backward else x.c.date.asc())
            .limit(1).offset(limit - 1).scalar_subquery())
    far = _FIRST_DAY if backward else _LAST_DAY
    cut = (select(b.c.code, b.c.bound, func.coalesce(edge, far, type_=Date).label("edge"))
           .cte(name).prefix_with("MATERIALIZED"))
    e = _EVENTS.alias("e")
    if backward:
        between = (e.c.date < cut.c.bound) & (e.c.date >= cut.c.edge)
    else:
        after = e.c.date >= cut.c.bound if inclusive else e.c.date > cut.c.bound
        between = after & (e.c.date <= cut.c.edge)
    near = (e.c.district_code == cut.c.code) & between
    if dialect == "postgresql":
        # PostgreSQL cannot estimate the bound..edge ranges and would scan every event; LATERAL
        # makes it probe the index once per district (SQLite probes it so on a plain join), and
        # OFFSET 0 keeps the planner from flattening the subquery into a plain join again
        found = select(e).where(near).offset(0).lateral("n")
        joined = cut.join(found, true())
    else:
        found, joined = e, cut.join(e, near)
    stmt, so = _event_select(found)
    return (stmt.select_from(joined.outerjoin(so, so.c.id == found.c.source_id))
            .where(_counts(found, corrected, known)))


@functools.lru_cache(maxsize=64)
def _neighbour_stmt(dialect: str, known: bool, backward: bool, limit: int) -> Select:
    """The statement of :func:`_neighbour_groups`, built once per shape (its values are bound
    parameters: building it costs more than running it)."""
    return _near(dialect, _bounds(dialect), _corrected(known), known, backward=backward,
                 limit=limit, name="cut")


@functools.lru_cache(maxsize=64)
def _around_stmt(dialect: str, known: bool, back: int, ahead: int) -> CompoundSelect:
    """:func:`_neighbour_groups` both ways in one statement: before each bound and from it on."""
    b, corrected = _bounds(dialect), _corrected(known)
    return union_all(
        _near(dialect, b, corrected, known, backward=True, limit=back, name="back"),
        _near(dialect, b, corrected, known, backward=False, limit=ahead, name="ahead",
              inclusive=True))


def _neighbour_groups(conn: Connection, bounds: dict[str, dt.date],
                      known_on: pd.Timestamp | None, *, backward: bool,
                      limit: int = 1) -> pd.DataFrame:
    """Per district, the counting events of its nearest counting dates before (``backward``) or
    after its bound (strictly): the dates of its ``limit`` nearest counting events, each date
    with all its counting events. A district with fewer than ``limit`` such events gets them all.

    Per district a scalar subquery walks the ``(district_code, date)`` index from the bound and
    stops at the ``limit``-th counting event (its date is the far edge; none: every date beyond
    the bound); a range probe of the same index then returns the counting events between bound
    and edge.
    """
    if not bounds:
        return _frame([])
    dialect = conn.dialect.name
    stmt = _neighbour_stmt(dialect, known_on is not None, backward, limit)
    params = {**_known_params(known_on), **_bound_params(dialect, bounds)}
    return _frame(fetch_rows(conn, stmt, params))


@functools.lru_cache(maxsize=4)
def _districts_stmt(known: bool) -> Select:
    corrected = _corrected(known)
    d = District.__table__.alias("d")
    e = _EVENTS.alias("e")
    anyone = exists().where(e.c.district_code == d.c.code, _counts(e, corrected, known))
    return select(d.c.code).where(anyone)


def districts_with_events(engine: Engine, *, known_on: pd.Timestamp | None = None) -> list[str]:
    """Sorted codes of the districts that have at least one counting event."""
    stmt = _districts_stmt(known_on is not None)
    with engine.connect() as conn:
        codes = conn.execute(stmt, _known_params(known_on)).scalars()
        return sorted(str(c) for c in codes)


# --- the state on a date: each district's holding, found by walking from the day --------------
def holding_intervals(engine: Engine, day: pd.Timestamp, *,
                      known_on: pd.Timestamp | None = None,
                      districts: Iterable[str] | None = None) -> pd.DataFrame:
    """Intervals of the pure core around ``day``, exact for each district's holding on ``day``.

    The counting dates around ``day`` are fetched a few at a time per direction (whole dates,
    contiguous: no counting date is skipped between the first and the last one fetched) until,
    per district, the interval containing ``day`` ends before the last date fetched (or reaches
    the district's last counting date) and starts after the first date fetched (or at the
    district's first counting date, or on a disputed day, which never merges). Intervals are
    recomputed only for the districts whose window grew.

    Returns
    -------
    pandas.DataFrame
        Columns of :func:`tracker.core.timeline.control_intervals`. The interval containing ``day``
        of each district (if any) equals the pure core's on every event, so that
        :func:`tracker.core.timeline.state_on` on this table gives the pure core's state; the other
        intervals may be cut short by the window.
    """
    return _walk_around(engine, day, known_on=known_on, districts=districts)[1]


def _walk_around(engine: Engine, day: pd.Timestamp, *, known_on: pd.Timestamp | None,
                 districts: Iterable[str] | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The counting events fetched around ``day`` (the window) and their intervals."""
    codes = (list(districts) if districts is not None
             else districts_with_events(engine, known_on=known_on))
    day = pd.Timestamp(day)
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET jit = off")  # compiling costs more than these short queries
        window = _around(conn, codes, day, known_on)
        iv = timeline.control_intervals(window)
        before = (window[s.DATE] <= day.normalize()).to_numpy()
        done_back = _complete(window[before], codes, FIRST_BACK)
        done_ahead = _complete(window[~before], codes, FIRST_AHEAD)
        for round_ in range(MAX_ROUNDS + 1):
            need_back, need_ahead = _open_ends(iv, day, done_back, done_ahead)
            redo = sorted(need_back | need_ahead)
            if not redo:
                break
            if round_ < MAX_ROUNDS:  # the next few dates of the districts still open
                steps = []
                for open_, backward, done in ((need_back, True, done_back),
                                              (need_ahead, False, done_ahead)):
                    if open_:
                        step = _neighbour_groups(conn, _edges(window, open_, first=backward),
                                                 known_on, backward=backward,
                                                 limit=ROWS_PER_ROUND)
                        done |= _complete(step, open_, ROWS_PER_ROUND)  # updates the set
                        steps.append(step)
                window = pd.concat([window, *steps], ignore_index=True)
            else:  # the remaining districts' events in one go
                rest = effective_events(conn, known_on=known_on, districts=redo)
                window = pd.concat([window[~window[s.DISTRICT_CODE].isin(redo)], rest],
                                   ignore_index=True)
            # the intervals of the other districts stay as they are
            grown = timeline.control_intervals(window[window[s.DISTRICT_CODE].isin(redo)])
            iv = pd.concat([iv[~iv[s.DISTRICT_CODE].isin(redo)], grown], ignore_index=True)
    return window, iv


def _around(conn: Connection, codes: list[str], day: pd.Timestamp,
            known_on: pd.Timestamp | None) -> pd.DataFrame:
    """The counting events of each district's ``FIRST_BACK`` nearest counting events on or
    before ``day`` and ``FIRST_AHEAD`` after it (their dates whole), in one query."""
    if not codes:
        return _frame([])
    dialect = conn.dialect.name
    bound = (day.normalize() + pd.Timedelta(days=1)).date()
    params = {**_known_params(known_on), **_bound_params(dialect, dict.fromkeys(codes, bound))}
    stmt = _around_stmt(dialect, known_on is not None, FIRST_BACK, FIRST_AHEAD)
    return _frame(fetch_rows(conn, stmt, params))


def _complete(step: pd.DataFrame, asked: Iterable[str], limit: int) -> set[str]:
    """Districts (of ``asked``) that got every counting date beyond their bound in ``step``
    (fewer events than asked for: the far edge was the end of their events)."""
    sizes = Counter(step[s.DISTRICT_CODE].to_numpy(dtype=object).tolist())
    return {str(c) for c in asked if sizes[c] < limit}


def _open_ends(iv: pd.DataFrame, day: pd.Timestamp, done_back: set[str],
               done_ahead: set[str]) -> tuple[set[str], set[str]]:
    """Districts whose holding on ``day`` may reach before / after the dates fetched: it is
    undisputed, it is the first (last) interval of the district's window and the district has
    counting dates beyond.

    ``iv`` holds the rows of each district together, sorted by start (as the pure core gives
    them), so that the first interval of a district starts on its first date fetched.
    """
    when = day.normalize()
    code = iv[s.DISTRICT_CODE].to_numpy(dtype=object)
    start = iv[s.START].to_numpy()
    end = iv[s.END].to_numpy()
    first = np.ones(len(iv), dtype=bool)
    first[1:] = code[1:] != code[:-1]
    last_end = np.isnat(end)
    held = (start <= when.to_datetime64()) & (last_end | (end > when.to_datetime64()))
    held &= pd.isna(iv[s.CLAIMS].to_numpy(dtype=object))
    back = {str(c) for c in code[held & first] if c not in done_back}
    ahead = {str(c) for c in code[held & last_end] if c not in done_ahead}
    return back, ahead


def _edges(window: pd.DataFrame, codes: set[str], *, first: bool) -> dict[str, dt.date]:
    """The first (last) date fetched of each of ``codes``, from the window's events."""
    mine = window[s.DISTRICT_CODE].isin(codes).to_numpy()
    pick = min if first else max
    edges: dict[str, np.datetime64] = {}
    for code, day in zip(window[s.DISTRICT_CODE].to_numpy()[mine].tolist(),
                         window[s.DATE].to_numpy()[mine], strict=True):
        edges[code] = pick(edges.get(code, day), day)
    return {str(k): pd.Timestamp(v).date() for k, v in edges.items()}
