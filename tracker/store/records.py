"""Reads and writes of the tracker's data through the models of :mod:`tracker.store.models`.

Writes are bulk and transactional: an import either lands whole or changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    LargeBinary,
    String,
    and_,
    bindparam,
    case,
    func,
    insert,
    inspect,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.exc import DBAPIError

from tracker._errors import DatabaseError, InputError, NotFoundError
from tracker.core import bitemporal, timeline
from tracker.core import schema as s
from tracker.core.schema import CRS
from tracker.geo.boundaries import BoundarySet
from tracker.store import interval_extension, intervals, naming, point_batches, queries
from tracker.store.engines import BINARY_RESULTS, require_file, write_transaction
from tracker.store.event_writer import (
    CONTENT_HASH,
    content_hashes,
    last_event_id,
    write_events,
)
from tracker.store.models import (
    Alias,
    ControlEvent,
    District,
    Province,
    Retraction,
    Source,
    chunks,
    read_settings,
    utcnow,
    write_settings,
)


# --- boundaries ------------------------------------------------------------------------------
def load_boundaries(engine: Engine, boundaries: BoundarySet, *, origin: str = "default") -> bool:
    """Store a boundary set; a no-op when the same district codes are already loaded.

    Returns True when boundaries were written. Replacing boundaries of a database that already holds
    events for other district codes is refused.
    """
    new_codes = set(boundaries.districts[s.DISTRICT_CODE])
    with write_transaction(engine) as conn:
        old_codes = set(district_codes(conn))
        if old_codes == new_codes:
            return False
        used: set[str] = set()
        for model in (ControlEvent, Alias):  # every table that names a district
            used.update(conn.execute(select(model.district_code).distinct()).scalars())
        used.update(point_batches.district_codes(conn))
        used.update(naming.district_codes(conn))
        if used - new_codes:
            sample = ", ".join(sorted(used - new_codes)[:3])
            msg = (f"cannot replace boundaries: events or aliases refer to district codes missing "
                   f"from the new boundaries ({sample}); use a new database for another country")
            raise InputError(msg)
        # rows still referenced are updated in place (a DELETE would break the foreign keys)
        old_provinces = set(conn.execute(select(Province.code)).scalars())
        new_provinces = set(boundaries.provinces[s.PROVINCE_CODE])
        kept = naming.province_codes(conn) - new_provinces
        if kept:
            msg = (f"cannot replace boundaries: province aliases refer to province code(s) "
                   f"missing from the new boundaries ({', '.join(sorted(kept)[:3])}); remove "
                   f"them with `tracker alias remove` or use a new database")
            raise InputError(msg)
        _upsert(conn, Province, old_provinces, [
            {"code": r.province_code, "name": r.province_name, "geometry": r.geometry}
            for r in boundaries.provinces.itertuples()
        ])
        _upsert(conn, District, old_codes, [
            {"code": r.district_code, "name": r.district_name, "province_code": r.province_code,
             "geometry": r.geometry, "population": _population(r)}
            for r in boundaries.districts.itertuples()
        ])
        if old_codes - new_codes:
            conn.execute(District.__table__.delete()
                         .where(District.code.in_(sorted(old_codes - new_codes))))
        if old_provinces - new_provinces:
            conn.execute(Province.__table__.delete()
                         .where(Province.code.in_(sorted(old_provinces - new_provinces))))
        write_settings(conn, {"boundaries": origin, "boundaries_name": boundaries.name,
                              "credit": boundaries.credit,
                              "use_limitation": boundaries.use_limitation})
    return True


def district_codes(source: Engine | Connection, province: str | None = None) -> list[str]:
    """The stored district codes (of ``province``, a province code, when given), sorted; no
    polygon is read."""
    stmt = select(District.code).order_by(District.code)
    if province is not None:
        stmt = stmt.where(District.province_code == bindparam("province"))
    with reading(source) as conn:
        return list(conn.execute(stmt, {} if province is None else {"province": province})
                    .scalars())


def _upsert(conn, model, stored: set[str], rows: list[dict]) -> None:
    """Update the rows whose ``code`` is in ``stored``, insert the others."""
    table = model.__table__
    fresh = [r for r in rows if r["code"] not in stored]
    known = [{**r, "b_code": r["code"]} for r in rows if r["code"] in stored]
    if known:
        values = {c: bindparam(c) for c in rows[0] if c != "code"}
        conn.execute(table.update().where(table.c.code == bindparam("b_code")).values(values),
                     known)
    if fresh:
        conn.execute(insert(model), fresh)


def _population(row) -> float | None:
    value = getattr(row, s.POPULATION, None)
    return None if value is None or pd.isna(value) else float(value)


def read_districts(engine: Engine | Connection) -> gpd.GeoDataFrame:
    """Districts with their province names and geometry, sorted by code (one query; the
    geometries parsed from WKB in one vectorised call); with a ``population`` column when the
    boundary layer gave one."""
    with reading(engine) as conn:
        stmt = (select(District.code, District.name, District.province_code, Province.name,
                       District.population, _wkb(conn, District.__table__.c.geometry))
                .join(Province, District.province_code == Province.code)
                .order_by(District.code).execution_options(**{BINARY_RESULTS: True}))
        rows = queries.fetch_rows(conn, stmt)
    cols = [s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME, s.POPULATION]
    layer = _layer(rows, cols)
    if layer[s.POPULATION].isna().all():
        return layer.drop(columns=s.POPULATION)
    layer[s.POPULATION] = layer[s.POPULATION].astype(float)
    return layer


def read_provinces(engine: Engine | Connection) -> gpd.GeoDataFrame:
    """Provinces with geometry, sorted by code."""
    with reading(engine) as conn:
        stmt = (select(Province.code, Province.name, _wkb(conn, Province.__table__.c.geometry))
                .order_by(Province.code).execution_options(**{BINARY_RESULTS: True}))
        rows = queries.fetch_rows(conn, stmt)
    return _layer(rows, [s.PROVINCE_CODE, s.PROVINCE_NAME])


def _wkb(conn: Connection, column):
    """The geometry column as WKB bytes from the driver (PostgreSQL: the column ``wkb``
    generated from it, migration 0012, which needs no PostGIS function to read)."""
    if conn.dialect.name == "postgresql":
        return literal_column(f"{column.table.name}.wkb", LargeBinary)
    return type_coerce(column, LargeBinary)


def _layer(rows: list[tuple], cols: list[str]) -> gpd.GeoDataFrame:
    """A layer of the columns ``cols`` and a last column of WKB bytes."""
    frame = pd.DataFrame([r[:-1] for r in rows], columns=cols)
    raw = np.empty(len(rows), dtype=object)
    raw[:] = [None if r[-1] is None else bytes(r[-1]) for r in rows]
    return gpd.GeoDataFrame(frame, geometry=shapely.from_wkb(raw), crs=CRS)


def settings(engine: Engine | Connection) -> dict[str, str]:
    """The data set's settings (credit, use limitation, boundary origin...)."""
    with reading(engine) as conn:
        return read_settings(conn)


# --- events ----------------------------------------------------------------------------------
_READ_COLUMNS = [s.EVENT_ID, s.DATE, s.DATE_PRECISION, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS,
                 s.CONFIDENCE, s.SOURCE, s.SOURCE_URL, s.REPORTED_ON, s.NOTES, s.SUPERSEDES,
                 s.RECORDED_AT, s.RETRACTED_AT, s.RETRACTION_REASON, s.ORIGIN]


def read_events(engine: Engine | Connection, *,
                district_code: str | None = None) -> pd.DataFrame:
    """Every stored event (with source and retraction), as a normalised event table.

    Sorted by date, then by the order of storage. One SELECT; its rows are fetched as the driver
    gives them (dates as ISO text on SQLite, as date objects on PostgreSQL, no per-row SQLAlchemy
    processing) and the dates are parsed once per distinct value.
    """
    def raw(col):  # no result processing: the driver's value, parsed below in one go
        return type_coerce(col, String)

    e, so, r = ControlEvent, Source, Retraction
    stmt = (
        select(e.id, e.event_id, raw(e.date), e.date_precision, e.district_code, e.controller,
               e.status, e.confidence, so.publisher, so.url, raw(so.published_on), e.notes,
               e.supersedes, raw(e.recorded_at), raw(r.recorded_at), r.reason, e.origin)
        .outerjoin(so, e.source_id == so.id)
        .outerjoin(r, r.event_id == e.event_id)
    )
    if district_code is not None:
        stmt = stmt.where(e.district_code == district_code)
    with reading(engine) as conn:
        rows = queries.fetch_rows(conn, stmt)
    block = np.empty((len(rows), 1 + len(_READ_COLUMNS)), dtype=object)
    if rows:
        block[:] = rows
    del rows
    # times parsed in storage order (the driver's objects lie in memory in that order), then
    # every column put in order of date, then storage
    times = {col: queries.parse_times(block[:, 1 + _READ_COLUMNS.index(col)])
             for col in (s.DATE, s.REPORTED_ON, s.RECORDED_AT, s.RETRACTED_AT)}
    order = np.lexsort((block[:, 0].astype(np.int64), times[s.DATE]))
    table = pd.DataFrame(block[order, 1:], columns=_READ_COLUMNS, dtype=object, copy=False)
    for col, values in times.items():
        table[col] = values[order]
    origin, names = pd.factorize(table[s.ORIGIN].to_numpy())  # pandas' str dtype, as inferred
    table[s.ORIGIN] = pd.Series(pd.array(names, dtype="str").take(origin), index=table.index)
    return s.normalize_events(table)


def history(engine: Engine | Connection, district_code: str, *,
            known_on: pd.Timestamp | None = None) -> pd.DataFrame:
    """Every event of one district (as :func:`read_events`), oldest first, with the id of the
    event that corrects each (``superseded_by``; a correction may lie in another district);
    ``known_on``: as the tracker had them at the end of that day
    (:func:`tracker.core.timeline.as_known_on`)."""
    with reading(engine) as conn:
        mine = timeline.as_known_on(read_events(conn, district_code=district_code), known_on)
        found = []
        for part in chunks(mine[s.EVENT_ID].tolist(), 900):
            found += conn.execute(
                select(ControlEvent.event_id, ControlEvent.supersedes, Source.published_on,
                       ControlEvent.recorded_at)
                .outerjoin(Source, ControlEvent.source_id == Source.id)
                .where(ControlEvent.supersedes.in_(part))).all()
    fixes = pd.DataFrame(found, columns=[s.EVENT_ID, s.SUPERSEDES, s.REPORTED_ON, s.RECORDED_AT])
    fixes = timeline.as_known_on(fixes, known_on)  # corrections not known then are left out
    by = dict(zip(fixes[s.SUPERSEDES], fixes[s.EVENT_ID], strict=True))
    mine["superseded_by"] = pd.Series(mine[s.EVENT_ID].map(by), dtype=object)
    return mine.sort_values([s.DATE, s.RECORDED_AT, s.EVENT_ID]).reset_index(drop=True)


def require_no_pending_rebuild(engine: Engine) -> None:
    """Raise a clear error when a migration left the stored intervals to be built by the upgrade
    to the newest revision (see :data:`tracker.store.migrate.REBUILD_MARK`)."""
    from tracker.store import migrate

    require_file(engine)
    try:
        with reading(engine) as conn:
            pending = migrate.rebuild_pending(conn)
    except Exception as exc:
        raise _cannot_open(engine.url, exc) from exc
    if pending:
        msg = (f"database {engine.url!r} (schema revision "
               f"{migrate.current_revision(engine) or 'none'}) has a pending rebuild of its "
               f"stored control intervals; run `tracker db upgrade` (it builds them from the "
               f"events and keeps the data)")
        raise DatabaseError(msg)


def check_intervals(engine: Engine, *, repair: bool = False,
                    progress: point_batches.Progress | None = None) -> pd.DataFrame:
    """Differences between the stored intervals and the pure core's on the stored events
    (see :func:`tracker.store.intervals.differences`), a group of districts at a time (one
    snapshot); ``repair`` rewrites the intervals of the districts that differ, in one
    transaction. ``progress(stage, done, total)`` is told the districts checked."""
    with write_transaction(engine) if repair else snapshot(engine) as conn:
        groups = intervals.district_groups(conn) or [[]]
        total, done, found = sum(len(g) for g in groups), 0, []
        for districts in groups:
            found.append(intervals.differences(conn, districts))
            done += len(districts)
            if progress:
                progress("checking", done, total)
        if repair:
            for diff in found:
                if len(diff):
                    intervals.rebuild(conn, diff[s.DISTRICT_CODE].unique())
    return pd.concat(found, ignore_index=True)


def count_events(engine: Engine) -> int:
    """Number of stored events."""
    with reading(engine) as conn:
        return conn.execute(select(func.count()).select_from(ControlEvent)).scalar_one()


def count_reports(engine: Engine, *, known_on: pd.Timestamp | None = None) -> tuple[int, int]:
    """(events, of which not retracted) as known at the end of ``known_on`` (None: now): the
    events known by then (``reported_on``, else the day recorded), retracted if a retraction
    was recorded by then, as :func:`tracker.core.timeline.as_known_on` keeps and marks them."""
    e, so, r = ControlEvent, Source, Retraction
    if known_on is None:  # two counts: a retraction names one stored event, at most once
        with reading(engine) as conn:
            every = conn.execute(select(func.count()).select_from(e)).scalar_one()
            retracted = conn.execute(select(func.count()).select_from(r)).scalar_one()
        return int(every), int(every) - int(retracted)
    day = bindparam("day", type_=Date())
    after = bindparam("after", type_=DateTime())  # the first instant after the day
    live = or_(r.id.is_(None), r.recorded_at >= after)
    known = or_(so.published_on <= day, and_(so.published_on.is_(None), e.recorded_at < after))
    stmt = (select(func.count(), func.coalesce(func.sum(case((live, 1), else_=0)), 0))
            .select_from(e).outerjoin(so, e.source_id == so.id)
            .outerjoin(r, r.event_id == e.event_id).where(known))
    params = {"day": known_on.date(), "after": (known_on + pd.Timedelta(days=1)).to_pydatetime()}
    with reading(engine) as conn:
        every, not_retracted = conn.execute(stmt, params).one()
    return int(every), int(not_retracted)


def insert_events(engine: Engine, events: pd.DataFrame, *, origin: str) -> tuple[int, int]:
    """Append events in one transaction; returns (added, skipped as already present).

    An event id already stored with the same content is skipped; with different content the whole
    import is refused (a correction is a new event that ``supersedes`` the old one).
    """
    added, skipped, _ = _insert(engine, events, origin=origin, revise=False)
    return added, skipped


def insert_drafts(engine: Engine, drafts: pd.DataFrame) -> tuple[int, int, list[tuple[str, str]]]:
    """Append drafts of ``tracker extract`` (origin ``extract``) as :func:`insert_events` does,
    except that a draft whose id is stored with other content (the same claim of the same
    report, applied before in other words: an edited article) is stored as a new version of
    that event: id ``<id>-v<8 hex digits of its content>``, superseding the event's latest
    version (nothing is overwritten; the history keeps both). Applied again, that version is
    skipped as present. Returns (added, skipped, (version id, id it supersedes) of each new
    version)."""
    return _insert(engine, drafts, origin="extract", revise=True)


def _insert(engine: Engine, events: pd.DataFrame, *, origin: str,
            revise: bool) -> tuple[int, int, list[tuple[str, str]]]:
    events = s.normalize_events(events)  # missing text as None (a float NaN is not NULL everywhere)
    if revise:  # drafts: their versions are named by their hashes
        events[CONTENT_HASH] = content_hashes(events)
    with write_transaction(engine) as conn:
        stored = _stored_hashes(conn, events[s.EVENT_ID].tolist())
        versions: list[tuple[str, str]] = []
        present = 0  # new versions applied before
        if revise:  # the versions it names are not stored (those that are were left out)
            events, versions, present = _as_new_versions(conn, events, stored)
        known = events[s.EVENT_ID].isin(stored).to_numpy()
        _refuse_changed(events[known], stored)
        new = events[~known]
        if new.empty:
            return 0, len(events) + present, versions
        _check_supersedes(conn, new)
        held = _hold(conn, new)
        anchors, rebuilt = interval_extension.split(conn,
                                                    interval_extension.change_points(conn, held))
        since = held.first_known_day()
        rows = (intervals.build_later(conn, rebuilt, held, since=since) if rebuilt
                else None)  # during the write
        write_events(conn, new, origin=origin, recorded_at=held.recorded_at)
        if rows is not None:
            intervals.rebuild(conn, rebuilt, rows=rows.result(), since=since)
        interval_extension.extend(conn, anchors)
    return len(new), len(events) - len(new) + present, versions


def _refuse_changed(events: pd.DataFrame, stored: dict[str, str]) -> None:
    """An error when one of ``events`` is stored with other content: events are never
    overwritten (the new ones are hashed as they are written, while the intervals are built)."""
    hashes = events[CONTENT_HASH] if CONTENT_HASH in events else content_hashes(events)
    clash = [e for e, h in zip(events[s.EVENT_ID], hashes, strict=True) if stored[e] != h]
    if clash:
        msg = (f"event_id {clash[0]!r} is already stored with different content"
               f"{f' (and {len(clash) - 1} more)' if len(clash) > 1 else ''}; events are never "
               f"overwritten: give the correction a new event_id and set supersedes={clash[0]}")
        raise InputError(msg)


def _stored_hashes(conn: Connection, ids: list[str]) -> dict[str, str]:
    """The content hash of each of ``ids`` that is stored."""
    stored: dict[str, str] = {}
    for part in chunks(ids, 900):
        stored.update(conn.execute(select(ControlEvent.event_id, ControlEvent.content_hash)
                                   .where(ControlEvent.event_id.in_(part))).all())
    return stored


def _as_new_versions(conn: Connection, events: pd.DataFrame, stored: dict[str, str]
                     ) -> tuple[pd.DataFrame, list[tuple[str, str]], int]:
    """(``events`` with each one stored under its id with other content renamed
    ``<id>-v<hash>`` and superseding its event's latest version, those versions stored already
    left out; the (version, superseded id) pairs; how many were left out)."""
    ids = events[s.EVENT_ID].to_numpy(dtype=object)
    hashes = events[CONTENT_HASH].to_numpy(dtype=object)
    rows = [i for i, (e, h) in enumerate(zip(ids, hashes, strict=True))
            if e in stored and stored[e] != h]
    if not rows:
        return events, [], 0
    events = events.copy()
    named = {i: f"{ids[i]}-v{hashes[i][:8]}" for i in rows}
    before = _stored_hashes(conn, list(named.values()))
    versions = []
    for i, version in named.items():
        if version not in before:
            latest = _latest_version(conn, str(ids[i]))
            events.iloc[i, events.columns.get_loc(s.SUPERSEDES)] = latest
            versions.append((version, latest))
        events.iloc[i, events.columns.get_loc(s.EVENT_ID)] = version
    keep = ~events[s.EVENT_ID].isin(before).to_numpy()
    events = events[keep].reset_index(drop=True)
    events[CONTENT_HASH] = content_hashes(events)
    return events, versions, int((~keep).sum())


def _latest_version(conn: Connection, event_id: str) -> str:
    """The end of ``event_id``'s chain of corrections (itself when none corrects it); an error
    when the chain forks (two corrections of one event: a new version cannot tell which it
    follows) or its end is retracted (a new version would bring the claim back unasked)."""
    e, seen, current = ControlEvent, {event_id}, event_id
    while True:
        later = sorted(conn.execute(select(e.event_id).where(e.supersedes == current)).scalars())
        if not later:
            retracted = select(Retraction.id).where(Retraction.event_id == current)
            if conn.execute(retracted).first() is not None:
                msg = (f"event {current!r}, the latest version of {event_id!r}, is retracted; a "
                       f"new version would bring the claim back: if that is meant, write the "
                       f"drafts as CSV (`tracker extract` without --apply), set supersedes and "
                       f"import")
                raise InputError(msg)
            return current
        if len(later) > 1:
            msg = (f"event {current!r} has {len(later)} corrections ({', '.join(later[:3])}), so "
                   f"a new version of {event_id!r} cannot tell which one it follows; write the "
                   f"drafts as CSV (`tracker extract` without --apply), set supersedes and import")
            raise InputError(msg)
        if later[0] in seen:  # a loop: the chain's check reports it
            return current
        seen.add(current := later[0])


def _hold(conn, new: pd.DataFrame) -> intervals.Written:
    """The ``new`` events as the writer is about to store them: recorded now, after the last
    stored id."""
    return intervals.Written(new, utcnow(), last_event_id(conn))


def write_held(conn, new: pd.DataFrame, *, origin: str) -> intervals.Written:
    """Write the ``new`` events and keep them as written, so the intervals' rebuild takes them
    from memory and reads back only the events stored before."""
    held = _hold(conn, new)
    write_events(conn, new, origin=origin, recorded_at=held.recorded_at)
    return held


def _check_supersedes(conn, new: pd.DataFrame) -> None:
    targets = {t for t in new[s.SUPERSEDES].dropna() if t}
    if not targets:
        return
    known = set(new[s.EVENT_ID])
    for part in chunks(sorted(targets - known), 900):
        known.update(conn.execute(select(ControlEvent.event_id)
                                  .where(ControlEvent.event_id.in_(part))).scalars())
    missing = sorted(targets - known)
    if missing:
        msg = (f"supersedes names unknown event {missing[0]!r}; import the event it corrects first "
               f"or fix the supersedes column")
        raise InputError(msg)


def retract(engine: Engine, event_id: str, *, reason: str) -> None:
    """Record a retraction of ``event_id`` (the event itself stays)."""
    if not reason or not reason.strip():
        msg = "a retraction needs a reason: add --reason TEXT"
        raise InputError(msg)
    with write_transaction(engine) as conn:
        found = select(ControlEvent.id).where(ControlEvent.event_id == event_id)
        if conn.execute(found).first() is None:
            msg = f"no event with id {event_id!r}; `tracker history DISTRICT` lists event ids"
            raise NotFoundError(msg)
        if conn.execute(select(Retraction.id).where(Retraction.event_id == event_id)).first():
            msg = f"event {event_id!r} is already retracted; nothing to do"
            raise InputError(msg)
        now = utcnow()
        conn.execute(insert(Retraction).values(event_id=event_id, reason=reason.strip(),
                                               recorded_at=now))
        # it counts from that day
        interval_extension.after_retraction(conn, [event_id], pd.Timestamp(now).normalize())


# --- the control timeline: read from the stored intervals (store.intervals) -------------------
def control_intervals(engine: Engine | Connection, *,
                      known_on: pd.Timestamp | None = None) -> pd.DataFrame:
    """Every district's control intervals as known at the end of ``known_on`` (None: now): the
    stored rows believed then (see :func:`tracker.core.timeline.control_intervals`)."""
    with reading(engine) as conn:
        return intervals.read(conn, known_on=known_on)


def bitemporal_intervals(engine: Engine | Connection,
                         district_codes: list[str] | None = None) -> pd.DataFrame:
    """Every stored row with its knowledge days (columns of
    :data:`tracker.core.bitemporal.COLUMNS`; of ``district_codes`` when given), sorted by
    district, start and first knowledge day, as
    :func:`tracker.core.bitemporal.knowledge_intervals` gives them."""
    with reading(engine) as conn:
        return bitemporal.in_order(intervals.stored(conn, district_codes))


def state_on(engine: Engine | Connection, day: pd.Timestamp, *,
             known_on: pd.Timestamp | None = None,
             districts: list[str] | None = None) -> pd.DataFrame:
    """The state of each district on ``day`` (see :func:`tracker.core.timeline.state_on`): one
    indexed read of the stored intervals holding on ``day`` as known on ``known_on``."""
    with reading(engine) as conn:
        held = intervals.holding(conn, day, known_on=known_on)
        if districts is None:  # as the pure core: every district with an interval
            districts = sorted(str(c) for c in intervals.read(conn, known_on=known_on)
                               [s.DISTRICT_CODE].unique())
    return timeline.state_on(held, day, districts=districts)


def changes(engine: Engine | Connection, d1: pd.Timestamp, d2: pd.Timestamp, *,
            known_on: pd.Timestamp | None = None,
            districts: list[str] | None = None) -> pd.DataFrame:
    """Districts whose control differs between two days (see :func:`tracker.core.timeline.changes`),
    from the stored intervals that meet ``d1``..``d2`` (one indexed read)."""
    if d2 < d1:  # the pure core's error, without reading anything
        return timeline.changes(timeline.control_intervals(s.empty_events()), d1, d2)
    with reading(engine) as conn:
        rows = intervals.overlapping(conn, d1, d2, known_on=known_on)
    return timeline.changes(rows, d1, d2, districts=districts)


# --- aliases ---------------------------------------------------------------------------------
def read_aliases(engine: Engine) -> pd.DataFrame:
    """User aliases: columns ``name``, ``district_code``."""
    with reading(engine) as conn:
        rows = conn.execute(select(Alias.name, Alias.district_code).order_by(Alias.name)).all()
    return pd.DataFrame(rows, columns=["name", s.DISTRICT_CODE])


def add_alias(engine: Engine, name: str, district_code: str) -> None:
    """Store a user alias for a district (replacing an alias of the same name)."""
    name = name.strip()
    if not name:
        msg = "alias name is empty; give the spelling to add"
        raise InputError(msg)
    with write_transaction(engine) as conn:
        found = select(District.code).where(District.code == district_code)
        if conn.execute(found).first() is None:
            msg = f"unknown district code {district_code!r}"
            raise NotFoundError(msg)
        conn.execute(Alias.__table__.delete().where(Alias.name == name))
        conn.execute(insert(Alias).values(name=name, district_code=district_code))


_READY = text("SELECT (SELECT version_num FROM alembic_version), "
              f"EXISTS (SELECT 1 FROM {District.__tablename__})")


def require_initialised(source: Engine | Connection) -> None:
    """Raise a clear error when the database has no boundaries yet or an older (or newer) schema
    than this tracker's. One statement when the database is ready (every read starts with this
    check); otherwise the checks that say what is missing."""
    from tracker.store import migrate

    url = _url(source)
    if not isinstance(source, Connection):
        require_file(source)
    try:
        with reading(source) as conn:
            if _ready(conn, migrate.head_revision()):
                return
            if inspect(conn).has_table("alembic_version"):
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            else:
                revision = None
            has_districts = (revision is not None
                             or inspect(conn).has_table(District.__tablename__))
            ok = has_districts and conn.execute(select(District.code).limit(1)).first() is not None
    except Exception as exc:
        raise _cannot_open(url, exc) from exc
    if not ok:
        msg = f"database {url!r} is not initialised; run `tracker init` first"
        raise DatabaseError(msg)
    if revision != migrate.head_revision():
        msg = (f"database {url!r} has schema revision {revision or 'none'} but this "
               f"tracker needs {migrate.head_revision()}; run `tracker db upgrade` (it keeps "
               f"the data)")
        raise DatabaseError(msg)


@contextmanager
def ready_connection(engine: Engine) -> Iterator[Connection]:
    """A connection of ``engine`` to a database :func:`require_initialised` accepts, for a read
    of several statements on one snapshot; a clear error when it cannot be opened."""
    require_file(engine)
    try:
        conn = engine.connect()
    except DBAPIError as exc:
        raise _cannot_open(engine.url, exc) from exc
    with conn:
        require_initialised(conn)
        yield conn


def _cannot_open(url, exc: Exception) -> DatabaseError:
    """The one-line error of a database that could not be opened or read."""
    return DatabaseError(f"cannot open database {url!r}: {str(exc).splitlines()[0]}")


def _ready(conn: Connection, head: str) -> bool:
    """Whether the database has boundaries and the schema revision ``head`` (False also when a
    table is missing: the transaction is then rolled back, which PostgreSQL needs to go on)."""
    try:
        revision, has_districts = conn.execute(_READY).one()
    except DBAPIError:
        conn.rollback()
        return False
    return bool(has_districts) and revision == head


def _url(source: Engine | Connection):
    return source.engine.url if isinstance(source, Connection) else source.url


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see one snapshot of the database, however many statements
    they take (PostgreSQL: a ``REPEATABLE READ`` transaction; SQLite: its transaction, as
    :func:`reading` gives)."""
    require_file(engine)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        yield conn


@contextmanager
def reading(source: Engine | Connection) -> Iterator[Connection]:
    """The connection itself, or a new one of the engine (closed after): one read call runs on
    one connection, so that its statements share one snapshot and one ``BEGIN``."""
    if isinstance(source, Connection):
        yield source
    else:
        with source.connect() as conn:
            yield conn
