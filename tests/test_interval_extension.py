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


def _rows_by_content(t) -> dict[tuple, int]:
    """The district's stored rows: content (every column) -> row id."""
    stmt = (select(ControlInterval.id, *intervals.row_columns(ControlInterval.__table__))
            .where(ControlInterval.district_code == CODE))
    with t.engine.connect() as conn:
        found = conn.execute(stmt).all()
    keys = intervals.row_keys(intervals.row_frame([tuple(r[1:]) for r in found]))
    return dict(zip(keys, (r[0] for r in found), strict=True))


def test_the_rows_a_late_report_leaves_as_they_were_are_not_rewritten(fresh):
    """A late report inside an earlier run changes that run's rows; the rows of the later runs,
    rebuilt from the same anchor, come out as stored and stay as they are (same ids: neither
    deleted nor inserted again)."""
    history = _weekly(20)
    records.insert_events(fresh.engine, history, origin="test")
    before = _rows_by_content(fresh)
    late = _weekly(1, first=str((history[s.DATE].iloc[10] + pd.Timedelta(days=1)).date()),
                   prefix="late")  # week 10's holder (Taliban), reported weeks later
    late[s.REPORTED_ON] = history[s.REPORTED_ON].max() + pd.Timedelta(days=7)
    late[s.SOURCE] = "BBC"
    with anchored_districts() as seen:
        records.insert_events(fresh.engine, late, origin="test")
    assert seen[0][CODE].start <= history[s.DATE].iloc[10]
    after = _rows_by_content(fresh)
    kept = set(before) & set(after)
    assert len(kept) >= 5  # the runs of weeks 12 to 19, at least
    assert {key: after[key] for key in kept} == {key: before[key] for key in kept}
    assert set(after) != set(before)  # the run of week 10 has the late report
    check_store(fresh)


def test_a_late_report_and_a_correction(fresh):
    """A report 13 months late is anchored at the start of the run it falls in; a correction at
    the last start before the event it corrects; the table equals the core after each."""
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
    assert seen[1][CODE].start == pd.Timestamp("2022-02-14")  # w59, corrected, is 02-21
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
        assert records.check_intervals(t.engine).empty, f"after retracting {eid}"
    check_store(t)


def test_a_retraction_rewrites_a_long_history_from_the_run_before_it(fresh):
    """Retracting a late event of a long history (and then the correction of another) rewrites
    the rows from the last start before it, not the whole history; the retracted event stops
    counting from the day of its retraction on."""
    history = _weekly(40)
    history.loc[len(history)] = {**history.iloc[30].to_dict(), s.EVENT_ID: "fix",
                                 s.CONTROLLER: "Resistance", s.SUPERSEDES: "w30",
                                 s.REPORTED_ON: history[s.REPORTED_ON].iloc[30]}
    records.insert_events(fresh.engine, s.normalize_events(history), origin="test")
    with anchored_districts() as seen, rows_written() as written:
        fresh.retract("w38", reason="wrong date")
        fresh.retract("fix", reason="not confirmed")
    assert seen[0][CODE].start == history[s.DATE].iloc[37]
    # w30, corrected, falls in the run from w28 (w28 and w29: the same holder)
    assert seen[1][CODE].start == history[s.DATE].iloc[28]
    assert _row_count(fresh) > 40 and 0 < sum(written) <= 30
    check_store(fresh)
    day = history[s.DATE].iloc[30]
    now = fresh.status(day).set_index(s.DISTRICT_CODE)
    assert now.loc[CODE, s.CONTROLLER] == history[s.CONTROLLER].iloc[30]  # w30 counts again
    before = fresh.status(day, known_on=pd.Timestamp.now().normalize() - pd.Timedelta(days=1))
    assert before.set_index(s.DISTRICT_CODE).loc[CODE, s.CONTROLLER] == "Resistance"


def test_an_acled_update_extends_every_district_with_an_anchor(fresh, tmp_path):
    """A second export adds later events in two districts and revises one older event (a new
    version, which corrects the old one): every district is extended from its anchor, the
    revised one from before the old version's day, and the table equals the core's
    recomputation."""
    from acled_files import PLACES, T0, acled_row, write_acled

    week1 = [acled_row(f"AFG{i}", place, date=f"{day} August 2021", actor1=actor, ts=T0)
             for i, (place, day, actor) in enumerate([
                 ("Kunduz", 2, "Taliban"), ("Kunduz", 6, GOVERNMENT),
                 ("Banu", 3, "Taliban"), ("Banu", 8, "NRF: National Resistance Front"),
                 ("Pul-e-Khumri", 4, "Taliban"), ("Pul-e-Khumri", 9, GOVERNMENT),
                 ("Pul-e-Khumri", 1, GOVERNMENT)])]
    fresh.import_file(write_acled(tmp_path / "week1.csv", week1))
    week2 = [acled_row("AFG10", "Kunduz", date="14 August 2021", ts=T0 + 86_400),
             acled_row("AFG11", "Banu", date="15 August 2021", ts=T0 + 86_400),
             acled_row("AFG4", "Pul-e-Khumri", date="5 August 2021", actor1=GOVERNMENT,
                       ts=T0 + 86_400)]  # a revised version of an event of week 1
    with anchored_districts() as seen:
        fresh.import_file(write_acled(tmp_path / "week2.csv", week2))
    codes = {name: PLACES[name][4] for name in ("Kunduz", "Banu", "Pul-e-Khumri")}
    assert set(seen[0]) == set(codes.values())
    assert seen[0][codes["Pul-e-Khumri"]].start == pd.Timestamp("2021-08-01")
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


def test_a_correction_known_before_the_event_it_corrects_reaches_up_the_chain(fresh):
    """One import holds A, correcting a stored event of an anchored district, and B, correcting
    A and reported three weeks before it. B counts from its own report day, and so corrects the
    stored event from then (along the chain through A, which is in the same write): that
    district's rows must change from B's day, not from A's."""
    other = "AF0907"
    history = _weekly(20, prefix="z")
    history[s.DISTRICT_CODE] = other
    records.insert_events(fresh.engine, history, origin="test")
    last = history.iloc[-1]
    records.insert_events(fresh.engine, s.normalize_events(pd.DataFrame([
        {s.EVENT_ID: "A", s.DATE: last[s.DATE], s.DISTRICT_CODE: CODE, s.CONTROLLER: "Taliban",
         s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED, s.SOURCE: "AP",
         s.REPORTED_ON: "2021-06-20", s.SUPERSEDES: last[s.EVENT_ID]},
        {s.EVENT_ID: "B", s.DATE: last[s.DATE], s.DISTRICT_CODE: "AF0102",
         s.CONTROLLER: "Taliban", s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED,
         s.SOURCE: "AP", s.REPORTED_ON: "2021-06-01", s.SUPERSEDES: "A"}])), origin="test")
    check_store(fresh)
    before = fresh.intervals(known_on="2021-06-10")
    assert last[s.EVENT_ID] not in ";".join(before[before[s.DISTRICT_CODE] == other]
                                          [s.EVENT_IDS])


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


def test_a_report_years_late_is_anchored_with_the_days_reports(fresh):
    """One import holds the day's reports for three districts and a report three years late
    for a fourth: all four are extended from their anchors, and the table equals the core."""
    codes = fresh.district_layer()[s.DISTRICT_CODE].astype(str).tolist()[:4]
    parts, new = [], []
    for code in codes:
        history = _weekly(170, prefix=f"{code}-")
        history[s.DISTRICT_CODE] = code
        parts.append(history)
    records.insert_events(fresh.engine, pd.concat(parts, ignore_index=True), origin="test")
    last = parts[0][s.DATE].max()
    for code in codes[:3]:
        new.append({s.EVENT_ID: f"{code}-new", s.DATE: last + pd.Timedelta(days=1),
                    s.DISTRICT_CODE: code, s.CONTROLLER: "Resistance", s.STATUS: s.CONTROLLED,
                    s.CONFIDENCE: s.REPORTED, s.SOURCE: "AP",
                    s.REPORTED_ON: last + pd.Timedelta(days=2)})
    new.append({**new[0], s.EVENT_ID: "late", s.DISTRICT_CODE: codes[3],
                s.DATE: pd.Timestamp("2021-02-10")})
    with anchored_districts() as seen:
        records.insert_events(fresh.engine, s.normalize_events(pd.DataFrame(new)), origin="test")
    assert set(seen[0]) == set(codes)
    # the run the report falls in: from the fifth week (the fifth and sixth, one holder)
    assert seen[0][codes[3]].start == pd.Timestamp("2021-02-01")
    check_store(fresh)
    then = fresh.status("2021-02-11").set_index(s.DISTRICT_CODE)
    assert then.loc[codes[3], s.CONTROLLER] == "Resistance"


def test_index_ranges_keep_far_apart_lows_in_ranges_of_their_own():
    """The ranges read for districts with lows years apart start at each cluster's own low:
    the recent districts are not read from the old district's low."""
    from sqlalchemy import column

    lows = pd.Series({"old": pd.Timestamp("2019-01-01"),
                      **{f"d{k}": pd.Timestamp("2023-05-01") + pd.Timedelta(days=k)
                         for k in range(20)}})
    _, params = interval_extension._in_ranges(column("code"), column("day"), lows)
    groups = {tuple(params[f"c{g}"]): params[f"d{g}"] for g in range(len(params) // 2)}
    assert groups[("old",)] == pd.Timestamp("2019-01-01").date()
    recent = [day for codes, day in groups.items() if codes != ("old",)]
    assert min(recent) == pd.Timestamp("2023-05-01").date()
    assert sorted(c for codes in groups for c in codes) == sorted(lows.index)
    assert all(len(codes) <= 3 for codes in groups)  # 21 districts, eight groups at least


def test_the_anchor_search_reads_no_row_after_the_new_report(fresh, monkeypatch):
    """A late report in the middle of a long history: the anchor is looked for among the rows
    starting in the month before its day, not among the rest of the history after it (at
    1,000,000 events that was most of a small import's anchor search)."""
    from tracker.store import queries

    history = _weekly(60)  # 60 weeks; the report below falls in week 20
    records.insert_events(fresh.engine, history, origin="test")
    day = history[s.DATE].iloc[20] + pd.Timedelta(days=1)
    late = s.normalize_events(pd.DataFrame([{
        s.EVENT_ID: "late", s.DATE: day, s.DISTRICT_CODE: CODE, s.CONTROLLER: "Resistance",
        s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED, s.SOURCE: "AP",
        s.REPORTED_ON: history[s.REPORTED_ON].max() + pd.Timedelta(days=1)}]))
    starts: list[pd.Timestamp] = []
    fetch, plan = queries.fetch_rows, interval_extension.plan

    def planning(*args, **kwargs):
        def reading(conn, stmt, params=None):
            rows = fetch(conn, stmt, params)
            starts.extend(pd.Timestamp(r[1]) for r in rows)  # (district, start, ...)
            return rows
        monkeypatch.setattr(queries, "fetch_rows", reading)
        try:
            return plan(*args, **kwargs)
        finally:
            monkeypatch.setattr(queries, "fetch_rows", fetch)

    monkeypatch.setattr(interval_extension, "plan", planning)
    with anchored_districts() as seen:
        records.insert_events(fresh.engine, late, origin="test")
    assert day - pd.Timedelta(days=30) <= seen[0][CODE].start < day  # the run it falls in
    assert starts and all(day - pd.Timedelta(days=30) <= d < day for d in starts)
    check_store(fresh)
