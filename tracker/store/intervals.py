"""The stored control intervals (table ``control_intervals``): bitemporal, kept with the events.

Each row is an interval of :func:`tracker.core.timeline.control_intervals` with the knowledge days
it was believed on (``known_from`` inclusive, ``known_to`` exclusive, NULL: still believed), as
:func:`tracker.core.bitemporal.knowledge_intervals` builds them; the pure core is the only
definition of the rules. Every write of events or retractions calls :func:`rebuild` for the
districts it touches, in its own transaction, so a reader never sees events and intervals
disagree. Imports start the core on the events they hold (:func:`build_later`: in a worker
thread, or for large imports into SQLite in a forked child on another CPU) and write their
events while it runs; districts whose new reports continue a stored history are extended from
it instead (:mod:`tracker.store.interval_extension`).

Reads are range queries on indexes: the state on a day as known on K is, per district, the row
whose valid time contains the day and whose knowledge time contains K. PostgreSQL answers it with
one SP-GiST index of the rows as rectangles in (valid day, knowledge day) holding the point (day,
K) (the rows believed now: K far out); SQLite with one probe per district of the composite index
``(district_code, known_to, start)`` (now) or ``(district_code, start)`` (as known on a past day
K, from the earlier of the day and K back; the rare rows believed before they start have a
partial index of their own).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    Select,
    String,
    and_,
    bindparam,
    func,
    or_,
    select,
    text,
    true,
    type_coerce,
    union,
)

from tracker.core import bitemporal
from tracker.core import schema as s
from tracker.store import forked, queries, sqlite_image
from tracker.store.event_writer import BULK_REBUILD, day_values, stream_rows
from tracker.store.models import (
    ControlEvent,
    ControlInterval,
    District,
    Retraction,
    Source,
    chunks,
)


def raw(col):
    """A column as the driver gives it (dates as ISO text on SQLite), parsed in one go later."""
    return type_coerce(col, String)

TABLE = _IV = ControlInterval.__table__  # the other store modules use TABLE
_TEXT = [s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE]
_AFTER = [s.DATE_PRECISION, s.EVENT_IDS, s.CLAIMS, s.SOURCE, s.SOURCE_URL]
_DAY, _KNOWN = "day", "known"
_UPTO, _LATER_UPTO = "upto", "later_upto"  # SQLite: the earlier of a day and the known-on day
_READ_ALL_FROM = 100  # districts rebuilt at once from which every event is read
_CHECK_GROUP = 50  # districts compared at once by the check of the table (its memory)
# events given to the core from which a SQLite write builds the rows in a forked child
# (build_later): the child is the faster from a few thousand on (into an empty store, 5,000
# events 0.24 s against 0.31 s, 20,000 events 0.68 s against 0.85 s); with some margin, as a
# fork costs more in a large process
FORK_FROM = 20_000
_READ_COLUMNS = [s.EVENT_ID, s.DATE, s.DATE_PRECISION, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS,
                 s.CONFIDENCE, s.SOURCE, s.SOURCE_URL, s.REPORTED_ON, s.SUPERSEDES, s.RECORDED_AT,
                 s.RETRACTED_AT]


@dataclass(frozen=True)
class Written:
    """Events the caller's transaction writes (or has written), as the writer holds them.

    :func:`build_later` builds the intervals from them and from the events stored before them
    (those with ``events.id <= stored_up_to``), without reading the new rows back. Only for
    writes that retract none of these events in the same transaction.
    """

    events: pd.DataFrame  # schema event columns, as given to the writer
    recorded_at: datetime  # the time the writer stored with them
    stored_up_to: int  # tracker.store.event_writer.last_event_id before the write

    def known_days(self) -> pd.Series:
        """The day from which each event counts: its report day, else the day it was recorded
        (the "known on" rule)."""
        reported = pd.to_datetime(self.events[s.REPORTED_ON]).dt.normalize()
        return reported.fillna(pd.Timestamp(self.recorded_at).normalize())

    def first_known_day(self) -> pd.Timestamp:
        """The earliest day on which one of these events counts."""
        return self.known_days().min()

    def as_read(self) -> pd.DataFrame:
        """The events as :func:`_events_for` would read them back (same columns and values)."""
        ev = self.events
        days = (s.DATE, s.REPORTED_ON)
        out = pd.DataFrame({c: (pd.to_datetime(ev[c]).dt.normalize().to_numpy("datetime64[ns]")
                                if c in days else pd.Series(ev[c].to_numpy(dtype=object),
                                                            dtype=object, copy=False))
                            for c in _READ_COLUMNS[:-2]})  # text as object, as read back
        for col in (s.SOURCE, s.SOURCE_URL):  # stored as '' when missing, read as NULL
            out[col] = out[col].where(out[col].notna() & (out[col] != ""), None)
        out[s.RECORDED_AT] = np.datetime64(self.recorded_at, "ns")
        out[s.RETRACTED_AT] = np.datetime64("NaT", "ns")
        return out


# --- writing ---------------------------------------------------------------------------------
def _events_for(conn: Connection, districts: list[str] | None,
                up_to: int | None = None) -> pd.DataFrame:
    """The events the intervals of ``districts`` depend on (all when None): theirs and the
    corrections whose chain reaches one of theirs (a correction may lie in another district);
    only those with ``events.id <= up_to`` when given."""
    e = ControlEvent
    if districts is not None and len(districts) > _READ_ALL_FROM:
        districts = None  # most districts: one scan of the table beats the IN list
    if districts is None:
        return events_where(conn, None if up_to is None else e.id <= up_to)
    mine = e.district_code.in_(bindparam("codes", expanding=True))
    return events_where(conn, mine if up_to is None else and_(mine, e.id <= up_to),
                        {"codes": districts}, up_to=up_to)


def events_where(conn: Connection, condition, params: dict[str, object] | None = None, *,
                 up_to: int | None = None) -> pd.DataFrame:
    """The events meeting ``condition`` (every event when None) and the corrections whose
    chain reaches one of them (those with ``events.id <= up_to`` when given), as the pure core
    takes them."""
    e, so, r = ControlEvent, Source, Retraction
    stmt = (select(e.event_id, raw(e.date), e.date_precision, e.district_code, e.controller,
                   e.status, e.confidence, func.nullif(so.publisher, ""), func.nullif(so.url, ""),
                   raw(so.published_on), e.supersedes, raw(e.recorded_at), raw(r.recorded_at))
            .outerjoin(so, e.source_id == so.id)
            .outerjoin(r, r.event_id == e.event_id))
    if condition is None:
        rows = queries.fetch_rows(conn, stmt)
    else:
        rows = queries.fetch_rows(conn, stmt.where(condition), params)
        seen = {row[0] for row in rows}
        mine = select(e.event_id).where(condition).correlate(None)  # the rows just read
        by_correction = stmt.where(e.supersedes.in_(bindparam("ids", expanding=True)))
        if up_to is not None:
            by_correction = by_correction.where(e.id <= up_to)
        found = queries.fetch_rows(conn, stmt.where(e.supersedes.in_(mine), *(
            [] if up_to is None else [e.id <= up_to])), params)
        while found:  # corrections of the rows read, then corrections of those, ...
            found = [row for row in found if row[0] not in seen]
            rows += found
            seen.update(row[0] for row in found)
            todo = sorted({row[0] for row in found})
            found = [row for part in chunks(todo, 500)
                     for row in queries.fetch_rows(conn, by_correction, {"ids": part})]
    table = pd.DataFrame(rows, columns=_READ_COLUMNS, dtype=object)
    for col in (s.DATE, s.REPORTED_ON, s.RECORDED_AT, s.RETRACTED_AT):
        table[col] = queries.parse_times(table[col].to_numpy())
    return table


def rebuild(conn: Connection, districts: Iterable[str] | None = None, *,
            rows: pd.DataFrame | StagedRows | None = None,
            since: pd.Timestamp | None = None) -> int:
    """Rewrite the stored intervals of ``districts`` (all when None, :func:`_rebuild_all`) from
    the events, on the caller's transaction (``rows``: those :func:`computed` or
    :func:`build_later` gave already for the given districts); returns the number of rows the
    districts now have.

    ``since``: the first knowledge day the write changes (its earliest report day, or the day
    of its retractions). Rows whose knowledge ended before it are kept as stored: the events
    counting on each earlier day are the same, so the rows believed only then are too (a row
    ending on that very day may be extended, so it is rewritten).

    On PostgreSQL only the rows of given districts that changed are deleted and inserted: a
    few new reports change a few rows of a long history, and each row inserted also updates the
    rectangles' SP-GiST index and two B-trees. On SQLite rewriting the districts' rows costs
    less than reading them to compare (``benchmarks/bench_timeline.py``, small imports)."""
    codes = None if districts is None else sorted({str(d) for d in districts})
    if codes is not None and not codes:
        return 0
    if codes is None:
        return _rebuild_all(conn)
    if rows is None:
        rows = computed(conn, codes)
    if isinstance(rows, StagedRows):  # built and filtered by a forked child (build_later)
        if rows.since is not since and rows.since != since:
            msg = f"rows staged for since={rows.since}, rebuilt with since={since}"
            raise ValueError(msg)
        total = rows.total
    else:
        total, rows = len(rows), _believed_since(rows, since)
    if conn.dialect.name != "postgresql":
        for part in chunks(codes, 500):
            conn.execute(_IV.delete().where(_IV.c.district_code.in_(part), _still(since)),
                         _since(since))
        write_rows(conn, rows)
        return total
    stale, fresh = _changed(conn, codes, rows, since)
    for part in chunks(stale, 500):
        conn.execute(_IV.delete().where(_IV.c.id.in_(part)))
    write_rows(conn, rows[fresh].reset_index(drop=True))
    return total


def _believed_since(rows: pd.DataFrame, since: pd.Timestamp | None) -> pd.DataFrame:
    """The ``rows`` believed on ``since`` or later (all when None): those a rebuild writes."""
    if since is None:
        return rows
    return rows[(rows[bitemporal.KNOWN_TO].isna() | (rows[bitemporal.KNOWN_TO] >= since))
                .to_numpy()].reset_index(drop=True)


def _rebuild_all(conn: Connection) -> int:
    """Rewrite every district's stored intervals, a group of districts at a time (the events
    and rows of a few districts in memory, not of the whole store), with SQLite's secondary
    indexes built once at the end; returns the number of rows written."""
    sqlite = conn.dialect.name == "sqlite"
    conn.execute(_IV.delete())
    total = 0
    with _indexes_set_aside(conn, sqlite):
        for group in district_groups(conn):
            rows = computed(conn, group)
            stream_rows(conn, _IV, *_insert_values(rows, sqlite=sqlite))
            total += len(rows)
    return total


def _still(since: pd.Timestamp | None):
    """The stored rows believed on ``since`` or later (every row when None)."""
    if since is None:
        return true()
    return or_(_IV.c.known_to.is_(None), _IV.c.known_to >= bindparam("since", type_=Date()))


def _since(since: pd.Timestamp | None) -> dict[str, object]:
    return {} if since is None else {"since": pd.Timestamp(since).date()}


def _changed(conn: Connection, codes: list[str], rows: pd.DataFrame,
             since: pd.Timestamp | None = None) -> tuple[list[int], np.ndarray]:
    """Ids of the stored rows of ``codes`` (believed on ``since`` or later) that ``rows`` no
    longer has, and which of ``rows`` are not stored yet (rows compared on every column)."""
    stmt = select(_IV.c.id, *row_columns(_IV)).where(_still(since))
    if len(codes) > _READ_ALL_FROM:  # most districts: one scan beats the IN list
        mine = set(codes)
        found = [r for r in queries.fetch_rows(conn, stmt, _since(since)) if r[1] in mine]
    else:
        found = queries.fetch_rows(conn, stmt.where(_IV.c.district_code.in_(
            bindparam("codes", expanding=True))), {"codes": codes, **_since(since)})
    if not found:
        return [], np.ones(len(rows), dtype=bool)
    gone, fresh = changed_rows(row_frame([r[1:] for r in found]), rows)
    return [r[0] for r, out in zip(found, gone, strict=True) if out], fresh


def changed_rows(have: pd.DataFrame, want: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(which rows of ``have`` are not in ``want``, which rows of ``want`` are not in ``have``),
    rows compared on every column of :data:`bitemporal.COLUMNS`: what a rewrite deletes and
    inserts, leaving the rows it would write again as they are stored."""
    key = _row_numbers(have, want)
    have_key, want_key = key[:len(have)], key[len(have):]
    return ~np.isin(have_key, want_key), ~np.isin(want_key, have_key)


def _row_numbers(*frames: pd.DataFrame) -> np.ndarray:
    """One integer per row of the ``frames`` (stacked), equal for rows equal on every column of
    :data:`bitemporal.COLUMNS` (as :func:`row_keys` compares them: days as days, missing values
    alike), computed column by column: each column's values numbered, then folded into the
    numbers of the columns before (exact, no hashing)."""
    key = np.zeros(sum(len(f) for f in frames), dtype=np.int64)
    for col in bitemporal.COLUMNS:
        if all(pd.api.types.is_datetime64_any_dtype(f[col]) for f in frames):
            values = np.concatenate([f[col].to_numpy(dtype="datetime64[D]") for f in frames])
        else:
            values = np.concatenate([f[col].to_numpy(dtype=object) for f in frames])
        codes, uniques = pd.factorize(values)  # missing values: -1
        key = pd.factorize(key * (len(uniques) + 1) + (codes + 1))[0].astype(np.int64)
    return key


def row_keys(rows: pd.DataFrame, columns: list[str] = bitemporal.COLUMNS) -> list[tuple]:
    """Each row's ``columns`` as one comparable tuple: days as integers, missing values as
    None."""
    parts = []
    for col in columns:
        values = rows[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            days = values.to_numpy(dtype="datetime64[D]")
            parts.append(np.where(np.isnat(days), None, days.astype(np.int64)).tolist())
        else:
            arr = values.to_numpy(dtype=object)
            parts.append(np.where(pd.isna(arr), None, arr).tolist())
    return list(zip(*parts, strict=True))


def computed(conn: Connection, codes: list[str] | None = None) -> pd.DataFrame:
    """The rows the pure core builds from the stored events for ``codes`` (all when None)."""
    return _rows_of(_events_for(conn, codes), codes)


def build_later(conn: Connection, districts: Iterable[str], written: Written, *,
                since: pd.Timestamp | None = None) -> Future | _ForkedBuild:
    """Start building the rows of ``districts`` from the events stored up to
    ``written.stored_up_to`` (read now, on the caller's transaction) and the ``written`` ones,
    while the caller goes on writing (the events, the ACLED point batches); pass ``.result()``
    to :func:`rebuild` as its ``rows``, with the same ``since``. Nothing touches a connection
    meanwhile; an error of the core is raised by ``result()``.

    The pure core runs in a worker thread; on SQLite, when it has many events to go through
    (:data:`FORK_FROM`) and fork is safe, in a forked child (:mod:`tracker.store.forked`): on
    another CPU, not under the writer's interpreter lock, and it hands the rows over as a
    database image (:mod:`tracker.store.sqlite_image`), which the writer inserts in one
    statement instead of converting and inserting each row. (On PostgreSQL the writer mostly
    waits for the server, and a child measured no faster than the thread.)"""
    codes = sorted({str(d) for d in districts})
    before = _events_for(conn, codes, up_to=written.stored_up_to)
    held = written.as_read()
    events = held if before.empty else pd.concat([before, held], ignore_index=True)
    if (conn.dialect.name == "sqlite" and len(events) >= FORK_FROM and forked.available()
            and sqlite_image.available()):
        return _ForkedBuild(events, codes, since)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-intervals")
    try:  # a thread of its own (none left behind for a forked process to inherit)
        return pool.submit(_rows_of, events, codes)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its build


@dataclass(frozen=True)
class StagedRows:
    """The rows a rebuild writes, as a SQLite database image (:func:`build_later`)."""

    since: pd.Timestamp | None  # the image holds the rows believed on this day or later
    total: int  # rows the districts have (those believed before ``since`` included)
    count: int  # rows in the image
    columns: list[str]
    image: bytes


class _ForkedBuild:
    """:func:`_staged_rows` running in a forked child; run here instead when the child ends
    without a result (killed, e.g. short of memory), so that the import still completes."""

    def __init__(self, events: pd.DataFrame, codes: list[str],
                 since: pd.Timestamp | None) -> None:
        self._args = (events, codes, since)
        self._child = forked.start(_staged_rows, *self._args)

    def result(self) -> StagedRows:
        try:
            return self._child.result()
        except forked.ChildLost:
            return _staged_rows(*self._args)


def _staged_rows(events: pd.DataFrame, codes: list[str],
                 since: pd.Timestamp | None) -> StagedRows:
    """The core's rows of ``events`` for ``codes`` as :func:`rebuild` writes them on SQLite."""
    rows = _rows_of(events, codes)
    written = _believed_since(rows, since)
    columns, values = _insert_values(written, sqlite=True)
    return StagedRows(since, len(rows), len(written), columns,
                      sqlite_image.image_of(columns, values))


def _rows_of(events: pd.DataFrame, codes: list[str] | None) -> pd.DataFrame:
    """The core's rows of ``events``, those of ``codes`` only (all when None)."""
    rows = bitemporal.knowledge_intervals(events)
    if codes is not None:
        rows = rows[rows[s.DISTRICT_CODE].isin(codes).to_numpy()].reset_index(drop=True)
    return rows


def write_rows(conn: Connection, rows: pd.DataFrame | StagedRows) -> None:
    """Insert ``rows`` (columns of :data:`bitemporal.COLUMNS`, or staged) into the table."""
    count = rows.count if isinstance(rows, StagedRows) else len(rows)
    if not count:
        return
    sqlite = conn.dialect.name == "sqlite"
    # as for the events (tracker.store.event_writer): on SQLite, rows more than the table holds
    # are inserted without the secondary indexes, which are then built in one sort each
    bulk = (sqlite and count >= BULK_REBUILD
            and count > conn.execute(select(func.count()).select_from(_IV)).scalar_one())
    with _indexes_set_aside(conn, bulk):
        if isinstance(rows, StagedRows):
            sqlite_image.insert_image(conn, _IV, rows.columns, rows.image)
        else:
            stream_rows(conn, _IV, *_insert_values(rows, sqlite=sqlite))


def _insert_values(rows: pd.DataFrame, *, sqlite: bool) -> tuple[list[str], Iterator[tuple]]:
    """(the table's column names, the tuples to insert) of ``rows``: text with ``None`` for
    missing, days as the driver takes them."""
    columns = {}
    for col in [*_TEXT, *_AFTER]:
        values = rows[col].to_numpy(dtype=object)
        columns[col] = np.where(pd.isna(values), None, values).tolist()
    for col in (s.START, s.END, bitemporal.KNOWN_FROM, bitemporal.KNOWN_TO):
        columns[col] = day_values(rows[col], sqlite=sqlite)
    names = list(columns)
    return names, zip(*(columns[c] for c in names), strict=True)


@contextmanager
def _indexes_set_aside(conn: Connection, drop: bool) -> Iterator[None]:
    """The table's secondary indexes dropped for the block and built again after it, when
    ``drop`` (SQLite bulk writes, in the caller's transaction: readers keep their snapshot)."""
    if drop:
        for index in _IV.indexes:
            index.drop(conn)
    yield
    if drop:
        for index in _IV.indexes:
            index.create(conn)


# --- reading ---------------------------------------------------------------------------------
def _known(iv, known: bool):
    """The row ``iv`` is believed at the end of the bound day ``known`` (or now)."""
    if not known:
        return iv.c.known_to.is_(None)
    k = bindparam(_KNOWN, type_=Date())
    return and_(or_(iv.c.known_from.is_(None), iv.c.known_from <= k),
                or_(iv.c.known_to.is_(None), iv.c.known_to > k))


def _known_before_start(iv):
    """SQLite: the rows believed before the day they start, the condition of their partial
    index (migration 0011; normally none: a report published before the day it reports). Every
    other row believed on K starts on or before K, so the reads as known on K look for rows
    starting after K among these only (not through every row of the days after K)."""
    return or_(iv.c.known_from.is_(None), iv.c.start > iv.c.known_from)


def _columns(iv) -> list:
    return [iv.c.district_code, iv.c.controller, iv.c.status, iv.c.confidence,
            raw(iv.c.start), raw(iv.c.end), iv.c.date_precision, iv.c.event_ids, iv.c.claims,
            iv.c.source, iv.c.source_url]


def row_columns(iv) -> list:
    """The columns of :data:`bitemporal.COLUMNS` (knowledge days included), to read raw."""
    return [*_columns(iv), raw(iv.c.known_from), raw(iv.c.known_to)]


def row_frame(rows: list[tuple]) -> pd.DataFrame:
    """Rows read with :func:`row_columns` as a table, days parsed."""
    out = pd.DataFrame(rows, columns=bitemporal.COLUMNS, dtype=object)
    for col in (s.START, s.END, bitemporal.KNOWN_FROM, bitemporal.KNOWN_TO):
        out[col] = queries.parse_times(out[col].to_numpy())
    return out


def _frame(rows: list[tuple]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=s.INTERVAL_COLUMNS, dtype=object)
    for col in (s.START, s.END):
        out[col] = queries.parse_times(out[col].to_numpy())
    return out


def _params(known_on: pd.Timestamp | None, **days: pd.Timestamp) -> dict[str, object]:
    params: dict[str, object] = {k: pd.Timestamp(v).date() for k, v in days.items()}
    if known_on is not None:
        params[_KNOWN] = pd.Timestamp(known_on).date()
    return params


@functools.lru_cache(maxsize=8)
def _all_stmt(known: bool) -> Select:
    return (select(*_columns(_IV)).where(_known(_IV, known))
            .order_by(_IV.c.district_code, _IV.c.start))


def read(conn: Connection, *, known_on: pd.Timestamp | None = None) -> pd.DataFrame:
    """Every district's intervals as known at the end of ``known_on`` (None: now), as
    :func:`tracker.core.timeline.control_intervals` gives them."""
    stmt = _all_stmt(known_on is not None)
    return _frame(queries.fetch_rows(conn, stmt, _params(known_on)))


# PostgreSQL: each row as a rectangle in (valid day, knowledge day), days since 1970-01-01;
# exclusive ends less half a day, missing bounds far out. The same text, unqualified, is the
# index of migration 0010: keep them equal (a test checks that the reads use the index).
_EPOCH_DAYS = "({} - DATE '1970-01-01')::float8"
_FAR = "1e9"  # beyond every day; the knowledge day of the rows believed now
_RECTANGLE = ("box(point({start}, coalesce({known_from}, -" + _FAR + ")), "
              "point(coalesce({end} - 0.5, " + _FAR + "), coalesce({known_to} - 0.5, "
              + _FAR + ")))")


def _rectangle(alias: str) -> str:
    """The rectangle expression of the index, on the columns of ``alias``."""
    return _RECTANGLE.format(**{c: _EPOCH_DAYS.format(f'{alias}."{c}"')
                                for c in ("start", "end", "known_from", "known_to")})


def _pg_probe(op: str, first: str, last: str, known: bool):
    """PostgreSQL: the rows whose rectangle ``op`` (``@>`` contains, ``&&`` meets) the valid days
    of the bound days ``first``..``last`` on the knowledge day ``known`` (now: far out); one
    probe of the SP-GiST index of the rectangles."""
    def day(name: str) -> str:
        return _EPOCH_DAYS.format(f"CAST(:{name} AS DATE)")

    k = day(_KNOWN) if known else _FAR
    iv = _IV.alias("i")
    probe = text(f"{_rectangle('i')} {op} box(point({day(first)}, {k}), point({day(last)}, {k}))")
    names = dict.fromkeys([first, last, *([_KNOWN] if known else [])])  # once each, in order
    binds = [bindparam(name, type_=Date()) for name in names]
    return select(*_columns(iv)).where(probe.bindparams(*binds))


@functools.lru_cache(maxsize=8)
def _holding_stmt(dialect: str, known: bool) -> Select:
    if dialect == "postgresql":  # the rectangles holding the point (day, K)
        return _pg_probe("@>", _DAY, _DAY, known)
    # SQLite: per district, the believed row starting last on or before the day; as known on
    # K, searched back from the earlier of the day and K, and among the rows believed before
    # they start (see _known_before_start) from the day back to K
    day = bindparam(_DAY, type_=Date())
    iv, j = _IV.alias("i"), _IV.alias("j")
    d = District.__table__.alias("d")

    def latest(*where) -> object:
        return (select(j.c.id).where(j.c.district_code == d.c.code, *where, _known(j, known))
                .order_by(j.c.start.desc()).limit(1).correlate(d).scalar_subquery())

    if known:
        probe = func.coalesce(
            latest(_known_before_start(j), j.c.start > bindparam(_KNOWN, type_=Date()),
                   j.c.start <= day),
            latest(j.c.start <= bindparam(_UPTO, type_=Date())))
    else:
        probe = latest(j.c.start <= day)
    return (select(*_columns(iv))
            .where(iv.c.id.in_(select(probe).select_from(d)),
                   or_(iv.c.end.is_(None), iv.c.end > day)))


def holding(conn: Connection, day: pd.Timestamp, *,
            known_on: pd.Timestamp | None = None) -> pd.DataFrame:
    """The interval holding on ``day`` of each district that has one (as known on ``known_on``)."""
    stmt = _holding_stmt(conn.dialect.name, known_on is not None)
    params = _params(known_on, day=day)
    if conn.dialect.name != "postgresql" and known_on is not None:
        params[_UPTO] = min(params[_DAY], params[_KNOWN])
    return _frame(queries.fetch_rows(conn, stmt, params))


@functools.lru_cache(maxsize=8)
def _overlap_stmt(dialect: str, known: bool) -> Select:
    if dialect == "postgresql":  # the rectangles meeting the line first..last on day K
        return _pg_probe("&&", "first", "last", known)
    # SQLite: the rows holding on the first day, and those starting in (first, last], found
    # per district in an index (on its own, the start bounds alone make SQLite scan the table);
    # as known on K, those starting after K among the rows believed before they start only
    first, last = bindparam("first", type_=Date()), bindparam("last", type_=Date())
    iv = _IV.alias("i")
    codes = select(District.__table__.c.code)

    def starting(*where) -> Select:
        return select(*_columns(iv)).where(iv.c.district_code.in_(codes), _known(iv, known),
                                           iv.c.start > first, *where)

    hold = _holding_stmt(dialect, known)
    if not known:
        return union(hold, starting(iv.c.start <= last))
    upto = bindparam(_LATER_UPTO, type_=Date())
    after = bindparam(_KNOWN, type_=Date())
    return union(hold, starting(iv.c.start <= upto),
                 starting(_known_before_start(iv), iv.c.start > after, iv.c.start <= last))


def overlapping(conn: Connection, first: pd.Timestamp, last: pd.Timestamp, *,
                known_on: pd.Timestamp | None = None) -> pd.DataFrame:
    """The intervals whose valid time meets ``first``..``last`` (as known on ``known_on``)."""
    stmt = _overlap_stmt(conn.dialect.name, known_on is not None)
    params = _params(known_on, first=first, last=last)
    if conn.dialect.name != "postgresql":
        params[_DAY] = params["first"]
        if known_on is not None:
            params[_UPTO] = min(params["first"], params[_KNOWN])
            params[_LATER_UPTO] = min(params["last"], params[_KNOWN])
    return _frame(queries.fetch_rows(conn, stmt, params))


# --- checking --------------------------------------------------------------------------------
def stored(conn: Connection, districts: list[str] | None = None) -> pd.DataFrame:
    """Every stored row with its knowledge days (columns of :data:`bitemporal.COLUMNS`), of
    ``districts`` when given (through their index)."""
    stmt = select(*row_columns(_IV))
    if districts is None:
        return row_frame(queries.fetch_rows(conn, stmt))
    return row_frame(queries.fetch_rows(conn, stmt.where(_IV.c.district_code.in_(
        bindparam("codes", expanding=True))), {"codes": districts}))


def district_groups(conn: Connection, size: int = _CHECK_GROUP) -> list[list[str]]:
    """Every district code of the events or of the stored rows, sorted, in groups of ``size``:
    what :func:`differences` compares at once (the events and rows of a few districts in memory,
    not of the whole store)."""
    codes = sorted({str(c) for (c,) in conn.execute(union(
        select(ControlEvent.district_code), select(_IV.c.district_code)))})
    return [codes[i:i + size] for i in range(0, len(codes), size)]


def differences(conn: Connection, districts: list[str]) -> pd.DataFrame:
    """Rows of ``districts`` stored but not computed from the events, and computed but not
    stored (rows in one comparable form, :func:`_canonical`): column ``problem`` says which
    (``stored only`` / ``missing``), sorted by district, start and knowledge day; empty when the
    table is right for them."""
    have = _canonical(stored(conn, districts))
    want = _canonical(computed(conn, districts))
    stored_only, missing = changed_rows(have, want)
    diff = pd.concat([have[stored_only].assign(problem="stored only"),
                      want[missing].assign(problem="missing")], ignore_index=True)
    order = [s.DISTRICT_CODE, s.START, bitemporal.KNOWN_FROM, "problem"]
    return diff.sort_values(order, kind="stable").reset_index(drop=True)


def _canonical(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in one comparable form: text (empty for missing), days as ``YYYY-MM-DD``."""
    out = {}
    for col in bitemporal.COLUMNS:
        values = rows[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            days = values.to_numpy(dtype="datetime64[D]")
            out[col] = pd.Series(np.where(np.isnat(days), "", days.astype(str)),
                                 index=rows.index, dtype=object)
        else:
            arr = values.to_numpy(dtype=object)  # text (every column but the days)
            out[col] = pd.Series(np.where(pd.isna(arr), "", arr), index=rows.index, dtype=object)
    return pd.DataFrame(out, index=rows.index, columns=bitemporal.COLUMNS)
