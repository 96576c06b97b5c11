"""Imports of new reports extend the stored intervals from an anchor, and the table stays equal to
the pure core's recomputation (``tracker.store.interval_extension``), on SQLite and PostgreSQL."""

from __future__ import annotations

from contextlib import contextmanager

import pandas as pd
from histories import histories
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note
from hypothesis import strategies as st
from sqlalchemy import func, select
from test_intervals_store import (  # noqa: F401 (fresh_factory: a fixture)
    check_store,
    fresh_factory,
    import_by_report_day,
)

from tracker.core import schema as s
from tracker.store import interval_extension, intervals, records
from tracker.store.models import ControlInterval

CODE = "AF0101"
GOVERNMENT = "Military Forces of Afghanistan (2004-2021)"


@contextmanager
def anchored_districts():
    """The anchors of each import, by district (the real planner runs)."""
    seen: list[dict[str, interval_extension.Anchor]] = []
    plan = interval_extension.plan

    def recording(*args, **kwargs):
        out = plan(*args, **kwargs)
        seen.append(dict(out))
        return out

    interval_extension.plan = recording
    try:
        yield seen
    finally:
        interval_extension.plan = plan


def _weekly(n: int, *, first: str = "2021-01-04", prefix: str = "w") -> pd.DataFrame:
    """``n`` weekly reports on one district, the holder alternating, each reported 2 days on."""
    days = pd.date_range(first, periods=n, freq="7D")
    return s.normalize_events(pd.DataFrame({
        s.EVENT_ID: [f"{prefix}{i}" for i in range(n)], s.DATE: days, s.DISTRICT_CODE: CODE,
        s.CONTROLLER: ["Taliban" if i % 3 else "Afghan government" for i in range(n)],
        s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED, s.SOURCE: "AP",
        s.REPORTED_ON: days + pd.Timedelta(days=2)}))


@contextmanager
def rows_written():
    """The number of interval rows each write inserts (the real writer runs)."""
    seen: list[int] = []
    write = intervals.write_rows

    def recording(conn, rows):
        seen.append(len(rows))
        return write(conn, rows)

    intervals.write_rows = recording
    try:
        yield seen
    finally:
        intervals.write_rows = write


def _row_count(t) -> int:
    with t.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(ControlInterval)
                            .where(ControlInterval.district_code == CODE)).scalar_one()


def test_the_days_reports_extend_a_long_history_from_its_last_runs(fresh):
    history = _weekly(40)
    records.insert_events(fresh.engine, history, origin="test")
    stored = _row_count(fresh)
    last = history[s.DATE].max()
    day = s.normalize_events(pd.DataFrame([
        {s.EVENT_ID: "today-1", s.DATE: last + pd.Timedelta(days=3), s.DISTRICT_CODE: CODE,
         s.CONTROLLER: "Resistance", s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.CONFIRMED,
         s.SOURCE: "Reuters", s.REPORTED_ON: last + pd.Timedelta(days=4)},
        {s.EVENT_ID: "today-2", s.DATE: last + pd.Timedelta(days=4), s.DISTRICT_CODE: CODE,
         s.CONTROLLER: "Taliban", s.STATUS: s.CONTESTED, s.CONFIDENCE: s.REPORTED,
         s.SOURCE: "AP", s.REPORTED_ON: last + pd.Timedelta(days=4)}]))
    with anchored_districts() as seen, rows_written() as written:
        records.insert_events(fresh.engine, day, origin="test")
    assert [set(p) for p in seen] == [{CODE}]
    assert seen[0][CODE].start == last  # the last run is uncontested and settled
    # the rows from the last run on are written again, not the district's whole history
    assert stored > 40 and 0 < sum(written) <= 6
    now = fresh.status(last + pd.Timedelta(days=5)).set_index(s.DISTRICT_CODE)
    assert now.loc[CODE, s.CONTROLLER] == s.join_actors(["Resistance", "Taliban"])
    check_store(fresh)


def test_a_late_report_and_a_correction(fresh):
    """A report 13 months late is anchored at the start of the run it falls in, a correction takes
    the full path; the table equals the core after each."""
    records.insert_events(fresh.engine, _weekly(60), origin="test")
    late = _weekly(1, first="2021-01-13", prefix="late")
    late[s.REPORTED_ON] = pd.Timestamp("2022-03-01")
    late[s.CONTROLLER] = "Resistance"
    fix = s.normalize_events(pd.DataFrame([
        {s.EVENT_ID: "fix", s.DATE: "2022-02-21", s.DISTRICT_CODE: CODE,
         s.CONTROLLER: "Resistance", s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.CONFIRMED,
         s.REPORTED_ON: "2022-03-02", s.SUPERSEDES: "w59"}]))
    with anchored_districts() as seen:
        records.insert_events(fresh.engine, late, origin="test")
        assert records.check_intervals(fresh.engine).empty
        records.insert_events(fresh.engine, fix, origin="test")
    assert seen[0][CODE].start == pd.Timestamp("2021-01-11")  # the run holding before it
    assert seen[1] == {}
    check_store(fresh)
    as_then = fresh.status("2021-01-14", known_on="2022-02-28").set_index(s.DISTRICT_CODE)
    assert as_then.loc[CODE, s.CONTROLLER] == "Taliban"
    assert fresh.status("2021-01-14").set_index(s.DISTRICT_CODE).loc[
        CODE, s.CONTROLLER] == "Resistance"


def test_an_anchor_is_never_a_contested_day(fresh):
    """The run before the new reports starts on a contested day: the anchor is an earlier,
    uncontested start (a contested day naming one actor takes the holder before it)."""
    history = _weekly(10)
    history.loc[9, s.STATUS] = s.CONTESTED
    history.loc[9, s.CONTROLLER] = "Resistance"
    records.insert_events(fresh.engine, history, origin="test")
    new = _weekly(1, first="2021-03-15", prefix="new")
    with anchored_districts() as seen:
        records.insert_events(fresh.engine, new, origin="test")
    assert set(seen[0]) == {CODE}
    assert seen[0][CODE].start < history[s.DATE].iloc[9]
    now = fresh.status("2021-03-16").set_index(s.DISTRICT_CODE)
    assert now.loc[CODE, s.STATUS] == s.CONTROLLED
    check_store(fresh)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories(districts=(CODE, "AF0102"), max_events=24),
       batches=st.integers(2, 6))
def test_imports_of_each_days_reports_equal_the_core(fresh_factory, history, batches):  # noqa: F811
    """Random histories imported in report-day order (the day's reports, then the next day's):
    after every import the table equals the core's recomputation, whether the districts were
    extended from an anchor or rebuilt whole."""
    t = fresh_factory()
    with anchored_districts() as seen:
        events = import_by_report_day(t, history, batches)
    note(f"districts extended from an anchor: {'some' if any(seen) else 'none'}")
    for eid in events[s.EVENT_ID][events[s.RETRACTED_AT].notna()]:
        t.retract(eid, reason="test")
    check_store(t)


def test_an_acled_update_extends_the_districts_it_only_adds_to(fresh, tmp_path):
    """A second export adds later events in two districts and revises one older event: the
    districts only added to are extended from their anchors, the revised one is rebuilt whole,
    and the table equals the core's recomputation."""
    from acled_files import PLACES, T0, acled_row, write_acled

    week1 = [acled_row(f"AFG{i}", place, date=f"{day} August 2021", actor1=actor, ts=T0)
             for i, (place, day, actor) in enumerate([
                 ("Kunduz", 2, "Taliban"), ("Kunduz", 6, GOVERNMENT),
                 ("Banu", 3, "Taliban"), ("Banu", 8, "NRF: National Resistance Front"),
                 ("Pul-e-Khumri", 4, "Taliban"), ("Pul-e-Khumri", 9, GOVERNMENT)])]
    fresh.import_file(write_acled(tmp_path / "week1.csv", week1))
    week2 = [acled_row("AFG10", "Kunduz", date="14 August 2021", ts=T0 + 86_400),
             acled_row("AFG11", "Banu", date="15 August 2021", ts=T0 + 86_400),
             acled_row("AFG4", "Pul-e-Khumri", date="5 August 2021", actor1=GOVERNMENT,
                       ts=T0 + 86_400)]  # a revised version of an event of week 1
    with anchored_districts() as seen:
        fresh.import_file(write_acled(tmp_path / "week2.csv", week2))
    codes = {name: PLACES[name][4] for name in ("Kunduz", "Banu", "Pul-e-Khumri")}
    assert set(seen[0]) == {codes["Kunduz"], codes["Banu"]}
    assert fresh.check_store().empty
    check_store(fresh)
    now = fresh.status("2021-08-16").set_index(s.DISTRICT_CODE)
    assert now.loc[codes["Kunduz"], s.CONTROLLER] == "Taliban"
    assert now.loc[codes["Pul-e-Khumri"], s.CONTROLLER] == GOVERNMENT


def test_a_chain_of_corrections_through_other_districts_is_read_whole(fresh):
    """A is corrected by B in another district, B by C in a third; B is retracted. A report
    added to A's district alone must still find C (two links away): C corrects A too."""
    def one(eid, code, day, **extra):
        return {s.EVENT_ID: eid, s.DATE: day, s.DISTRICT_CODE: code, s.CONTROLLER: "Taliban",
                s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED, s.SOURCE: "AP",
                s.REPORTED_ON: day, **extra}

    rows = [one("A", CODE, "2021-08-01"),
            one("B", "AF0102", "2021-08-01", supersedes="A"),
            one("C", "AF0907", "2021-08-02", supersedes="B")]
    for row in rows:  # one import each, so that each is stored before the next corrects it
        records.insert_events(fresh.engine, s.normalize_events(pd.DataFrame([row])),
                              origin="test")
    fresh.retract("B", reason="wrong district")
    records.insert_events(fresh.engine, s.normalize_events(pd.DataFrame([
        one("D", CODE, "2021-08-10", controller="Resistance")])), origin="test")
    check_store(fresh)
    held = fresh.intervals()
    mine = held[held[s.DISTRICT_CODE] == CODE]
    assert mine[s.EVENT_IDS].tolist() == ["D"]  # A stays corrected (by C)


def test_many_districts_with_anchors_far_apart(fresh):
    """Twenty districts whose anchors lie up to 38 weeks apart are read in a few index ranges:
    each district's events from its own anchor on are all read (the table equals the core)."""
    codes = fresh.district_layer()[s.DISTRICT_CODE].astype(str).tolist()[:20]
    parts, new = [], []
    for k, code in enumerate(codes):
        history = _weekly(12 + 2 * k, prefix=f"{code}-")
        history[s.DISTRICT_CODE] = code
        parts.append(history)
        last = history[s.DATE].max()
        new.append({s.EVENT_ID: f"{code}-new", s.DATE: last + pd.Timedelta(days=2),
                    s.DISTRICT_CODE: code, s.CONTROLLER: "Resistance", s.STATUS: s.CONTROLLED,
                    s.CONFIDENCE: s.REPORTED, s.SOURCE: "AP",
                    s.REPORTED_ON: last + pd.Timedelta(days=3)})
    records.insert_events(fresh.engine, pd.concat(parts, ignore_index=True), origin="test")
    with anchored_districts() as seen:
        records.insert_events(fresh.engine, s.normalize_events(pd.DataFrame(new)), origin="test")
    starts = sorted(a.start for a in seen[0].values())
    assert set(seen[0]) == set(codes) and (starts[-1] - starts[0]).days > 200
    assert records.check_intervals(fresh.engine).empty
    now = fresh.status("2024-01-01").set_index(s.DISTRICT_CODE)
    assert (now.loc[codes, s.CONTROLLER] == "Resistance").all()
