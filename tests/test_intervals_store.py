"""The stored bitemporal intervals equal the pure core's recomputation, on SQLite and PostgreSQL.

Random histories (disputes on one day, corrections along chains and across districts,
retractions, week/month precision, late reports) are imported in parts by concurrent writers
(threads, each with its own connection) and retracted by others; afterwards the table must equal
:func:`tracker.core.bitemporal.knowledge_intervals` of the stored events, and the intervals read
"as known on" any day must equal :func:`tracker.core.timeline.control_intervals` on that day.
"""

from __future__ import annotations

import itertools
import re
import threading
import uuid

import pandas as pd
import pytest
from conftest import POSTGRES
from histories import BASE, histories, knowledge_days
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

import tracker
from tracker.core import bitemporal, timeline
from tracker.core import schema as s
from tracker.store import forked, intervals, records

CODES = ("AF0101", "AF0102", "AF0907")


def _root(events: pd.DataFrame) -> dict[str, str]:
    """The first event of each event's correction chain (a chain is imported by one writer)."""
    parent = dict(zip(events[s.EVENT_ID], events[s.SUPERSEDES], strict=True))
    out = {}
    for eid in events[s.EVENT_ID]:
        at = eid
        while parent.get(at):
            at = parent[at]
        out[eid] = at
    return out


def _run_all(jobs) -> None:
    errors: list[BaseException] = []

    def run(job):
        try:
            job()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def import_concurrently(url: str, events: pd.DataFrame, writers: int) -> None:
    """Import ``events`` split over ``writers`` threads, then retract concurrently."""
    root = _root(events)
    roots = sorted(set(root.values()))
    part_of = {r: i % writers for i, r in enumerate(roots)}
    parts = [events[[part_of[root[e]] == k for e in events[s.EVENT_ID]]] for k in range(writers)]
    stored = events.drop(columns=[s.RECORDED_AT, s.RETRACTED_AT])

    def importer(part):
        def job():
            t = tracker.connect(url)
            # within a part, corrections come after the events they correct
            records.insert_events(t.engine, stored.loc[part.index], origin="test")
            t.engine.dispose()
        return job

    _run_all([importer(p) for p in parts if len(p)])
    doomed = events[s.EVENT_ID][events[s.RETRACTED_AT].notna()].tolist()

    def retractor(ids):
        def job():
            t = tracker.connect(url)
            for eid in ids:
                t.retract(eid, reason="test")
            t.engine.dispose()
        return job

    _run_all([retractor(doomed[k::2]) for k in range(2) if doomed[k::2]])


def check_store(t) -> None:
    every = records.read_events(t.engine)
    assert records.check_intervals(t.engine).empty
    rows = bitemporal.knowledge_intervals(every)
    for k in [None, *knowledge_days(every)]:
        got = records.control_intervals(t.engine, known_on=k)
        want = timeline.control_intervals(every, known_on=k)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
        pd.testing.assert_frame_equal(bitemporal.as_known_on(rows, k), want, check_dtype=False)


def check_day_reads(t) -> None:
    """The reads of one day and of a span (``status``, ``diff``) as known on every knowledge
    day worth asking about equal the core's: the per-day probes, not only the whole table."""
    every = records.read_events(t.engine)
    days = pd.date_range(BASE - pd.Timedelta(days=2), periods=5, freq="6D")
    assert_reads_equal_the_core(t, every, sorted(every[s.DISTRICT_CODE].astype(str).unique()),
                                knowledge_days(every), days,
                                [(days[0], days[2]), (days[2], days[-1])])


def assert_reads_equal_the_core(t, every: pd.DataFrame, codes: list[str], knowns, days,
                                spans) -> None:
    """``records.state_on`` on each of ``days`` and ``records.changes`` over each of ``spans``
    (a list of day pairs, read once per knowledge day) of ``codes``, as known on each of
    ``knowns``, equal the core's on the events ``every``."""
    for k in knowns:
        iv = timeline.control_intervals(every, known_on=k)
        for day in days:
            pd.testing.assert_frame_equal(
                records.state_on(t.engine, day, known_on=k, districts=codes),
                timeline.state_on(iv, day, districts=codes))
        for d1, d2 in spans:
            pd.testing.assert_frame_equal(
                records.changes(t.engine, d1, d2, known_on=k, districts=codes),
                timeline.changes(iv, d1, d2, districts=codes))


@pytest.fixture
def fresh_factory(backend, tmp_path, request):
    """Makes a new initialised tracker per call (one per hypothesis example), on the backend."""
    made: list[tuple[tracker.Tracker, str | None]] = []
    server = request.getfixturevalue("pg_server") if backend == POSTGRES else None

    def make() -> tracker.Tracker:
        if server is None:
            t = tracker.connect(f"sqlite:///{tmp_path / f'db{len(made)}.db'}")
            t.init()
            made.append((t, None))
        else:
            name = server.create("ready")
            t = tracker.connect(server.url_of(name))
            made.append((t, name))
        return t

    yield make
    for t, name in made:
        t.engine.dispose()
        if name is not None:
            server.drop(name)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories(districts=CODES, max_events=12), writers=st.integers(1, 3))
def test_stored_intervals_equal_the_core_after_concurrent_imports(fresh_factory, history,
                                                                   writers):
    t = fresh_factory()
    import_concurrently(t.url, history, writers)
    check_store(t)
    check_day_reads(t)
    t.engine.dispose()


def test_state_on_a_day_as_known_on_a_past_day_reads_the_table(fresh):
    """A late report of an earlier capture: as known before it, the district stays with the
    government; after it, with the Taliban from the capture day on."""
    rows = pd.DataFrame([
        {s.EVENT_ID: "gov", s.DATE: "2021-08-01", s.DISTRICT_CODE: "AF0101",
         s.CONTROLLER: "Afghan government", s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED,
         s.REPORTED_ON: "2021-08-02", s.SOURCE: "AP"},
        {s.EVENT_ID: "tal", s.DATE: "2021-08-05", s.DISTRICT_CODE: "AF0101",
         s.CONTROLLER: "Taliban", s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED,
         s.REPORTED_ON: "2021-08-20", s.SOURCE: "AP"},
    ])
    records.insert_events(fresh.engine, s.normalize_events(rows), origin="test")
    before = fresh.status("2021-08-10", known_on="2021-08-19").set_index(s.DISTRICT_CODE)
    after = fresh.status("2021-08-10", known_on="2021-08-20").set_index(s.DISTRICT_CODE)
    assert before.loc["AF0101", s.CONTROLLER] == "Afghan government"
    assert after.loc["AF0101", s.CONTROLLER] == "Taliban"
    assert after.loc["AF0101", s.SINCE] == pd.Timestamp("2021-08-05")
    fresh.retract("tal", reason="wrong")
    assert fresh.status("2021-08-10").set_index(s.DISTRICT_CODE).loc[
        "AF0101", s.CONTROLLER] == "Afghan government"
    assert records.check_intervals(fresh.engine).empty


def test_the_state_on_any_day_is_read_through_an_index(fresh):
    """The reads of the intervals holding on a day and of those meeting a span of days (the
    changes between two days), late in the history too, as known now and as known on a past
    day, probe an index: the rectangles' index on PostgreSQL (with date ranges, the planner
    estimated a late day's rows from the ranges' bounds taken apart and scanned the table), the
    per-district probes on SQLite (the start bounds alone made it scan the table; as known on
    a day, the rows believed before they start come from their partial index, whose condition
    the query must repeat for SQLite to use it)."""
    fresh.import_csv(tracker.api.SHIPPED_EVENTS)
    if fresh.engine.dialect.name == "postgresql":
        with fresh.engine.begin() as conn:  # the statistics autovacuum gathers on a live store
            conn.exec_driver_sql("ANALYZE control_intervals")
    plans: list[str] = []

    def explain(_conn, cursor, statement, parameters, _context, _many):
        probe = (" @> " in statement or " && " in statement
                 if fresh.engine.dialect.name == "postgresql"
                 else "control_intervals AS j" in statement)
        if "control_intervals" in statement and probe:
            prefix = "EXPLAIN " if fresh.engine.dialect.name == "postgresql" else (
                "EXPLAIN QUERY PLAN ")
            cursor.execute(prefix + statement, parameters)
            plans.append(" | ".join(str(row) for row in cursor.fetchall()))

    event.listen(fresh.engine, "before_cursor_execute", explain)
    try:
        for day in ("2021-04-20", "2021-09-30"):
            assert len(fresh.status(day)) and len(fresh.status(day, known_on="2021-08-31"))
        for first, last in (("2021-04-01", "2021-04-20"), ("2021-09-01", "2021-09-30")):
            fresh.diff(first, last)
            fresh.diff(first, last, known_on="2021-08-31")
    finally:
        event.remove(fresh.engine, "before_cursor_execute", explain)
    assert len(plans) == 8
    for plan in plans:
        assert "Seq Scan on control_intervals" not in plan, plan
        assert not re.search(r"\bSCAN (i|j)\b", plan), plan
    if fresh.engine.dialect.name == "sqlite":  # as known on a day (every second read): the
        for plan in plans[1::2]:  # rows believed before they start through their own index
            assert "ix_control_intervals_known_before_start" in plan, plan


def test_reads_on_the_bounds_of_valid_and_knowledge_time_equal_the_core(fresh):
    """Every bound is read as the core reads it: an interval holds from its start and not on its
    end day, and is believed from ``known_from`` and not on ``known_to`` (on PostgreSQL the day
    arithmetic of the indexed rectangles, on SQLite the per-district index probes)."""
    fresh.import_csv(tracker.api.SHIPPED_EVENTS)
    every = records.read_events(fresh.engine)
    rows = bitemporal.knowledge_intervals(every)
    revised = rows[rows[bitemporal.KNOWN_TO].notna()]
    codes = sorted(revised[s.DISTRICT_CODE].value_counts().index[:4])
    mine = rows[rows[s.DISTRICT_CODE].isin(codes)]
    one = pd.Timedelta(days=1)

    def bounds(*cols: str) -> list[pd.Timestamp]:
        days = pd.concat([mine[c] for c in cols]).dropna()
        return sorted(set(days) | set(days - one))

    days, knowns = bounds(s.START, s.END), bounds(bitemporal.KNOWN_FROM, bitemporal.KNOWN_TO)
    assert len(revised) and len(days) > 8 and len(knowns) > 4
    assert_reads_equal_the_core(fresh, every, codes, [None, *knowns], days,
                                list(itertools.pairwise(days)))


def test_a_report_published_before_the_day_it_reports_is_read_as_the_core_reads_it(fresh):
    """A row may be believed before the day it starts (here a report dated 5 August of a
    capture on 20 August, as a mistyped date gives): as known on 10 August, the Taliban hold
    the district from the 20th. SQLite's reads as known on K search back from K, and find such
    rows through their own index; the reads equal the core on every day and knowledge day."""
    rows = pd.DataFrame([
        {s.EVENT_ID: "gov", s.DATE: "2021-07-01", s.REPORTED_ON: "2021-07-02",
         s.CONTROLLER: "Afghan government"},
        {s.EVENT_ID: "early", s.DATE: "2021-08-20", s.REPORTED_ON: "2021-08-05",
         s.CONTROLLER: "Taliban"},
        {s.EVENT_ID: "res", s.DATE: "2021-09-01", s.REPORTED_ON: "2021-09-02",
         s.CONTROLLER: "Resistance"},
        {s.EVENT_ID: "other", s.DATE: "2021-08-22", s.REPORTED_ON: "2021-08-23",
         s.CONTROLLER: "Taliban", s.DISTRICT_CODE: "AF0102"},
    ]).fillna({s.DISTRICT_CODE: "AF0101"}).assign(**{
        s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED, s.SOURCE: "AP"})
    records.insert_events(fresh.engine, s.normalize_events(rows), origin="test")
    assert fresh.status("2021-08-25", known_on="2021-08-10").set_index(s.DISTRICT_CODE).loc[
        "AF0101", s.CONTROLLER] == "Taliban"
    every = records.read_events(fresh.engine)
    codes = ["AF0101", "AF0102"]
    days = pd.date_range("2021-06-30", "2021-09-03", freq="3D")
    assert_reads_equal_the_core(fresh, every, codes,
                                [None, *pd.date_range("2021-07-01", "2021-09-03", freq="4D")],
                                days, list(itertools.pairwise(days[::4])))


@pytest.fixture
def sqlite_story(tmp_path) -> tracker.Tracker:
    """The shipped 2021 events on a SQLite file (the statement budget is stated for SQLite)."""
    t = tracker.connect(f"sqlite:///{tmp_path / 'story.db'}")
    t.init()
    t.import_csv(tracker.api.SHIPPED_EVENTS)
    yield t
    t.engine.dispose()


def test_each_read_runs_a_handful_of_statements(sqlite_story):
    t = sqlite_story
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    t.resolve("Andarab")  # the gazetteer is built once per Tracker, not per read
    event.listen(t.engine, "before_cursor_execute", count)
    try:
        for name, call in [("status", lambda: t.status("2021-08-21")),
                           ("status known_on", lambda: t.status("2021-08-21",
                                                                known_on="2021-08-20")),
                           ("provinces", lambda: t.provinces("2021-08-21")),
                           ("diff", lambda: t.diff("2021-08-01", "2021-08-21")),
                           ("history", lambda: t.history("Andarab"))]:
            seen.clear()
            result = call()
            assert len(result) > 0, name
            assert len(seen) <= 8, (name, len(seen), seen)
    finally:
        event.remove(t.engine, "before_cursor_execute", count)


def test_a_write_rewrites_only_the_districts_it_touches(fresh):
    """Row ids of other districts survive an import, a correction across districts rewrites
    both districts, a retraction its district and those of the events it corrected."""
    from sqlalchemy import select

    from tracker.store.models import ControlInterval

    def ids(code: str) -> set[int]:
        with fresh.engine.connect() as conn:
            return set(conn.execute(select(ControlInterval.id)
                                    .where(ControlInterval.district_code == code)).scalars())

    def add(*rows: dict) -> None:
        table = pd.DataFrame([{s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED, **r}
                              for r in rows])
        records.insert_events(fresh.engine, s.normalize_events(table), origin="test")

    add({s.EVENT_ID: "a", s.DATE: "2021-08-01", s.DISTRICT_CODE: "AF0101", s.CONTROLLER: "X"},
        {s.EVENT_ID: "b", s.DATE: "2021-08-01", s.DISTRICT_CODE: "AF0102", s.CONTROLLER: "Y"},
        {s.EVENT_ID: "c", s.DATE: "2021-08-01", s.DISTRICT_CODE: "AF0907", s.CONTROLLER: "Z"})
    a, b, c = ids("AF0101"), ids("AF0102"), ids("AF0907")
    add({s.EVENT_ID: "a2", s.DATE: "2021-08-03", s.DISTRICT_CODE: "AF0101", s.CONTROLLER: "Y"})
    assert ids("AF0102") == b and ids("AF0907") == c and ids("AF0101") != a
    # a correction placed in another district: both districts change
    add({s.EVENT_ID: "b-fix", s.DATE: "2021-08-01", s.DISTRICT_CODE: "AF0907",
         s.CONTROLLER: "Y", s.SUPERSEDES: "b"})
    assert ids("AF0102") != b and ids("AF0907") != c
    assert records.control_intervals(fresh.engine)[s.DISTRICT_CODE].tolist() == [
        "AF0101", "AF0101", "AF0907"]
    a, c = ids("AF0101"), ids("AF0907")
    fresh.retract("b-fix", reason="wrong place")  # AF0102 counts again, AF0907 back to Z
    assert ids("AF0101") == a
    now = records.control_intervals(fresh.engine).set_index(s.DISTRICT_CODE)
    assert now.loc["AF0102", s.CONTROLLER] == "Y" and now.loc["AF0907", s.CONTROLLER] == "Z"
    assert records.check_intervals(fresh.engine).empty


def test_cli_db_check_reports_and_repairs(fresh):
    from click.testing import CliRunner
    from sqlalchemy import text

    from tracker.cli import main

    fresh.import_csv(tracker.api.SHIPPED_EVENTS)
    ok = CliRunner().invoke(main, ["db", "check", "--db", fresh.url])
    assert ok.exit_code == 0, ok.output
    assert "agree with the events" in ok.output
    with fresh.engine.begin() as conn:  # behind the tracker's back
        conn.execute(text("DELETE FROM control_intervals WHERE district_code = 'AF0907'"))
    bad = CliRunner().invoke(main, ["db", "check", "--db", fresh.url])
    assert bad.exit_code == 1
    assert "missing: AF0907" in bad.output
    assert "tracker db check --repair" in bad.output
    fixed = CliRunner().invoke(main, ["db", "check", "--repair", "--db", fresh.url])
    assert fixed.exit_code == 0 and "repaired" in fixed.output
    assert CliRunner().invoke(main, ["db", "check", "--db", fresh.url]).exit_code == 0


def _rows_by_id(conn) -> dict[int, tuple]:
    from sqlalchemy import text

    return {r[0]: tuple(r[1:]) for r in conn.execute(text(
        "SELECT id, district_code, start, known_from, known_to, controller, event_ids "
        "FROM control_intervals"))}


def test_db_check_compares_a_group_of_districts_at_a_time_and_repairs_only_those_that_differ(
        fresh):
    """Rows tampered with in a district of the first group and one of the last are both found;
    each comparison holds at most 50 districts (not the whole store), all of them together
    every district with events; the repair writes the rows of the two districts and leaves every
    other row as stored (same ids)."""
    from sqlalchemy import text

    from tracker.store import intervals

    fresh.import_csv(tracker.api.SHIPPED_EVENTS)
    with fresh.engine.begin() as conn:  # behind the tracker's back
        codes = sorted(conn.execute(text("SELECT DISTINCT district_code FROM events")).scalars())
        first, last = codes[0], codes[-1]
        conn.execute(text("DELETE FROM control_intervals WHERE district_code = :c"), {"c": first})
        conn.execute(text("UPDATE control_intervals SET controller = 'Nobody' "
                          "WHERE district_code = :c"), {"c": last})
        ids = _rows_by_id(conn)
    compared: list[list[str]] = []
    differences = intervals.differences

    def recording(conn, districts):
        compared.append(list(districts))
        return differences(conn, districts)

    written: list[int] = []
    write_rows = intervals.write_rows

    def counting(conn, rows):
        written.append(len(rows))
        return write_rows(conn, rows)

    told: list[tuple] = []
    intervals.differences, intervals.write_rows = recording, counting
    try:
        found = fresh.check_store(repair=True, progress=lambda *args: told.append(args))
    finally:
        intervals.differences, intervals.write_rows = differences, write_rows
    assert set(found[s.DISTRICT_CODE]) == {first, last}
    assert set(found["problem"]) == {"missing", "stored only"}
    assert len(compared) > 1 and max(len(c) for c in compared) <= 50
    assert set(itertools.chain(*compared)) >= set(codes)
    assert told[-1] == ("checking", len(list(itertools.chain(*compared))),
                        len(list(itertools.chain(*compared))))
    with fresh.engine.connect() as conn:
        after = _rows_by_id(conn)
    kept = {i: row for i, row in ids.items() if row[0] != last}
    assert len(kept) > 100
    assert 0 < sum(written) == sum(row[0] in (first, last) for row in after.values())
    assert {i: after.get(i) for i in kept} == kept  # the other districts' rows untouched
    assert fresh.check_store().empty


def test_the_build_of_every_district_computes_a_group_at_a_time(fresh):
    """Rewriting the whole table (what `tracker db upgrade` does for a database made before
    it) computes at most 50 districts at once, and gives the rows the imports wrote."""
    from tracker.store import intervals
    from tracker.store.engines import write_transaction

    fresh.import_csv(tracker.api.SHIPPED_EVENTS)
    before = records.bitemporal_intervals(fresh.engine)
    asked: list[list[str]] = []
    computed = intervals.computed

    def recording(conn, codes=None):
        asked.append(codes)
        return computed(conn, codes)

    intervals.computed = recording
    try:
        with write_transaction(fresh.engine) as conn:
            written = intervals.rebuild(conn)
    finally:
        intervals.computed = computed
    assert len(asked) > 1 and all(c is not None and len(c) <= 50 for c in asked)
    assert written == len(before) > 0
    pd.testing.assert_frame_equal(records.bitemporal_intervals(fresh.engine), before)
    assert fresh.check_store().empty


def test_db_check_reads_one_snapshot(fresh):
    """The check's reads (a group of districts at a time) see one snapshot: an import committed
    between two of its statements is not seen by the second (on PostgreSQL a REPEATABLE READ
    transaction; READ COMMITTED would give each statement its own snapshot)."""
    from sqlalchemy import text

    count = text("SELECT count(*) FROM events")
    with records.snapshot(fresh.engine) as conn:
        before = conn.execute(count).scalar_one()
        fresh.import_csv(tracker.api.SHIPPED_EVENTS)  # commits on another connection
        assert conn.execute(count).scalar_one() == before
    with fresh.engine.connect() as conn:
        assert conn.execute(count).scalar_one() > before


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories(districts=CODES, max_events=14), batches=st.integers(2, 4))
def test_imports_in_report_day_order_keep_the_rows_of_earlier_knowledge(fresh_factory, history,
                                                                         batches):
    """As a team adds each day's reports: every import changes knowledge from its earliest report
    day on, so the rows believed only before it are kept as stored (``rebuild(since=...)``), and
    the table still equals the core's recomputation after every import."""
    t = fresh_factory()
    events = import_by_report_day(t, history, batches)
    for eid in events[s.EVENT_ID][events[s.RETRACTED_AT].notna()]:
        t.retract(eid, reason="test")
    check_store(t)
    check_day_reads(t)


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories(districts=CODES, max_events=14), batches=st.integers(2, 4))
def test_rows_built_in_a_forked_child_keep_the_rows_of_earlier_knowledge(tmp_path, monkeypatch,
                                                                         history, batches):
    """The same on SQLite with every import's rows built in a forked child and handed over as a
    database image, as large imports build them (``intervals.FORK_FROM``)."""
    assert forked.available(), f"fork not available here: {threading.enumerate()}"
    monkeypatch.setattr(intervals, "FORK_FROM", 0)
    t = tracker.connect(f"sqlite:///{tmp_path / f'forked-{uuid.uuid4().hex}.db'}")
    t.init()
    events = import_by_report_day(t, history, batches)
    for eid in events[s.EVENT_ID][events[s.RETRACTED_AT].notna()]:
        t.retract(eid, reason="test")
    check_store(t)
    check_day_reads(t)
    t.engine.dispose()


def import_by_report_day(t, history: pd.DataFrame, batches: int) -> pd.DataFrame:
    """Import ``history`` in ``batches`` imports in report-day order (a correction no earlier
    than the event it corrects), checking the table after each; returns the events with their
    report days filled in (the day recorded where they had none)."""
    events = history.copy()
    events[s.REPORTED_ON] = events[s.REPORTED_ON].fillna(events[s.RECORDED_AT].dt.normalize())
    order = events.sort_values([s.REPORTED_ON, s.EVENT_ID], kind="stable")[s.EVENT_ID].tolist()
    batch = {e: i * batches // len(order) for i, e in enumerate(order)}
    target = dict(zip(events[s.EVENT_ID], events[s.SUPERSEDES], strict=True))
    moved = True
    while moved:  # along chains
        moved = False
        for e in order:
            if target[e] and batch[e] < batch[target[e]]:
                batch[e], moved = batch[target[e]], True
    stored = events.drop(columns=[s.RECORDED_AT, s.RETRACTED_AT])
    for k in range(batches):
        part = stored[[batch[e] == k for e in stored[s.EVENT_ID]]]
        if len(part):
            records.insert_events(t.engine, part, origin="test")
            assert records.check_intervals(t.engine).empty, f"after import {k + 1}"
    return events
