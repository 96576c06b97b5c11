"""The control timeline: worked examples typed by hand, and properties against a plain oracle."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.core import timeline as tl

T = pd.Timestamp


def events(*rows: dict) -> pd.DataFrame:
    """An event table from short dicts (default: D1, controlled, reported, recorded next day)."""
    full = []
    for r in rows:
        row = {s.DISTRICT_CODE: "D1", s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED,
               s.SOURCE: "Reuters", **r}
        row.setdefault(s.RECORDED_AT, T(row[s.DATE]) + pd.Timedelta(days=1))
        full.append(row)
    return s.normalize_events(pd.DataFrame(full))


def ev(eid: str, date: str, controller: str, **kw) -> dict:
    return {s.EVENT_ID: eid, s.DATE: date, s.CONTROLLER: controller, **kw}


def one(state: pd.DataFrame, code: str = "D1") -> pd.Series:
    return state.set_index(s.DISTRICT_CODE).loc[code]


# --- worked examples -----------------------------------------------------------------------------
def test_district_changing_hands_twice():
    iv = tl.control_intervals(events(
        ev("e1", "2021-06-01", "Government", confidence=s.CONFIRMED),
        ev("e2", "2021-07-05", "Taliban"),
        ev("e3", "2021-08-20", "Resistance"),
    ))
    assert list(iv[s.CONTROLLER]) == ["Government", "Taliban", "Resistance"]
    assert list(iv[s.START]) == [T("2021-06-01"), T("2021-07-05"), T("2021-08-20")]
    assert list(iv[s.END][:2]) == [T("2021-07-05"), T("2021-08-20")] and pd.isna(iv[s.END].iloc[2])
    expected = {"2021-05-31": s.UNKNOWN, "2021-06-01": "Government", "2021-07-04": "Government",
                "2021-07-05": "Taliban", "2021-08-19": "Taliban", "2021-08-20": "Resistance",
                "2030-01-01": "Resistance"}
    for day, who in expected.items():
        assert one(tl.state_on(iv, day))[s.CONTROLLER] == who, day
    assert one(tl.state_on(iv, "2021-07-20"))[s.SINCE] == T("2021-07-05")
    ch = tl.changes(iv, "2021-06-15", "2021-08-25")
    assert ch[["old_controller", "new_controller", s.EVENT_IDS]].values.tolist() == [
        ["Government", "Resistance", "e2;e3"]]
    assert tl.changes(iv, "2021-07-06", "2021-08-19").empty


def test_same_day_disagreement_is_disputed_with_both_claims():
    iv = tl.control_intervals(events(
        ev("a", "2021-08-01", "Taliban", source="Reuters"),
        ev("b", "2021-08-01", "Resistance", confidence=s.UNCONFIRMED, source="Twitter"),
    ))
    row = one(tl.state_on(iv, "2021-08-02"))
    assert row[s.STATUS] == s.DISPUTED
    assert row[s.CONTROLLER] == "Resistance;Taliban"
    assert row[s.CONFIDENCE] == s.REPORTED
    assert row[s.CLAIMS] == "Taliban (reported: Reuters) | Resistance (unconfirmed: Twitter)"
    assert sorted(row[s.EVENT_IDS].split(";")) == ["a", "b"]


def test_confirmed_report_settles_a_dispute_same_day_and_later():
    iv = tl.control_intervals(events(
        ev("a", "2021-08-01", "Taliban", source="Reuters"),
        ev("b", "2021-08-01", "Resistance", confidence=s.UNCONFIRMED, source="Twitter"),
        ev("c", "2021-08-03", "Taliban", confidence=s.CONFIRMED, source="UNAMA"),
        ev("d", "2021-08-03", "Resistance", source="AP"),
    ))
    assert one(tl.state_on(iv, "2021-08-02"))[s.STATUS] == s.DISPUTED
    row = one(tl.state_on(iv, "2021-08-03"))
    assert (row[s.CONTROLLER], row[s.STATUS], row[s.CONFIDENCE]) == (
        "Taliban", s.CONTROLLED, s.CONFIRMED)
    assert row[s.SOURCE] == "UNAMA"
    assert row[s.CLAIMS] == "Taliban (confirmed: UNAMA) | Resistance (reported: AP)"
    assert sorted(row[s.EVENT_IDS].split(";")) == ["c", "d"]


def test_two_confirmed_claims_stay_disputed():
    iv = tl.control_intervals(events(
        ev("a", "2021-08-01", "Taliban", confidence=s.CONFIRMED, source="UNAMA"),
        ev("b", "2021-08-01", "Government;Taliban", status=s.CONTESTED, confidence=s.CONFIRMED,
           source="BBC"),
    ))
    row = one(tl.state_on(iv, "2021-08-01"))
    assert (row[s.CONTROLLER], row[s.STATUS], row[s.CONFIDENCE]) == (
        "Government;Taliban", s.DISPUTED, s.CONFIRMED)
    assert row[s.CLAIMS] == ("Government;Taliban contested (confirmed: BBC)"
                             " | Taliban (confirmed: UNAMA)")


def test_agreeing_reports_take_the_strongest_confidence():
    iv = tl.control_intervals(events(
        ev("a", "2021-08-01", "Taliban", confidence=s.UNCONFIRMED, source="Twitter"),
        ev("b", "2021-08-01", "Taliban", confidence=s.CONFIRMED, source="UNAMA"),
    ))
    row = one(tl.state_on(iv, "2021-08-01"))
    assert (row[s.CONTROLLER], row[s.CONFIDENCE], row[s.SOURCE]) == (
        "Taliban", s.CONFIRMED, "UNAMA")
    assert pd.isna(row[s.CLAIMS])


def test_unconfirmed_recapture_counts_from_its_date():
    iv = tl.control_intervals(events(
        ev("a", "2021-08-15", "Taliban", confidence=s.CONFIRMED),
        ev("b", "2021-08-20", "Resistance", confidence=s.UNCONFIRMED, source="Twitter"),
    ))
    assert one(tl.state_on(iv, "2021-08-19"))[s.CONTROLLER] == "Taliban"
    row = one(tl.state_on(iv, "2021-08-21"))
    assert (row[s.CONTROLLER], row[s.CONFIDENCE], row[s.SINCE]) == (
        "Resistance", s.UNCONFIRMED, T("2021-08-20"))


def test_week_and_month_precision_are_kept():
    iv = tl.control_intervals(events(
        ev("m", "2021-07-01", "Taliban", date_precision=s.MONTH),
        ev("w", "2021-08-09", "Government", date_precision=s.WEEK, district_code="D2"),
        ev("d", "2021-08-11", "Government", district_code="D1"),
    ))
    d1 = one(tl.state_on(iv, "2021-07-20"))
    assert (d1[s.SINCE], d1[s.DATE_PRECISION]) == (T("2021-07-01"), s.MONTH)
    assert one(tl.state_on(iv, "2021-08-12"))[s.DATE_PRECISION] == s.DAY
    d2 = one(tl.state_on(iv, "2021-08-09"), "D2")
    assert (d2[s.CONTROLLER], d2[s.DATE_PRECISION]) == ("Government", s.WEEK)


def test_same_state_reports_merge_into_one_interval():
    iv = tl.control_intervals(events(
        ev("a", "2021-08-01", "Taliban"),
        ev("b", "2021-08-05", "Taliban", source="AP"),
    ))
    assert len(iv) == 1
    assert iv[s.EVENT_IDS].iloc[0] == "a;b"
    assert (iv[s.START].iloc[0], iv[s.SOURCE].iloc[0]) == (T("2021-08-01"), "Reuters")


def test_supersedes_chain_and_its_undoing():
    rows = [ev("A", "2021-07-01", "Government"),
            ev("B", "2021-07-02", "Taliban", supersedes="A"),
            ev("C", "2021-07-03", "Resistance", supersedes="B")]

    def ids(table: pd.DataFrame) -> list[str]:
        return sorted(tl.effective_events(table)[s.EVENT_ID])

    assert ids(events(*rows)) == ["C"]
    iv = tl.control_intervals(events(*rows))
    assert list(iv[s.CONTROLLER]) == ["Resistance"] and iv[s.START].iloc[0] == T("2021-07-03")
    retract_c = [*rows[:2], {**rows[2], s.RETRACTED_AT: "2021-07-10"}]
    assert ids(events(*retract_c)) == ["B"]
    both = [rows[0], {**rows[1], s.RETRACTED_AT: "2021-07-10"}, retract_c[2]]
    assert ids(events(*both)) == ["A"]
    # a retracted middle link does not bring A back while C still stands
    middle = [rows[0], {**rows[1], s.RETRACTED_AT: "2021-07-10"}, rows[2]]
    assert ids(events(*middle)) == ["C"]


def test_known_on_replays_the_past():
    table = events(
        ev("a", "2021-08-01", "Government", reported_on="2021-08-01"),
        ev("b", "2021-08-05", "Taliban", reported_on="2021-08-10",
           retracted_at="2021-08-12 09:00"),
        ev("c", "2021-08-06", "Taliban", recorded_at="2021-08-07 23:59"),  # no reported_on
    )
    on = {k: tl.state_on(tl.control_intervals(table, known_on=k), "2021-08-20")
          for k in ("2021-08-06", "2021-08-07", "2021-08-11", "2021-08-12")}
    assert one(on["2021-08-06"])[s.CONTROLLER] == "Government"  # b not reported, c not recorded
    assert one(on["2021-08-07"])[s.SINCE] == T("2021-08-06")  # c known, b not yet
    assert one(on["2021-08-11"])[s.SINCE] == T("2021-08-05")  # b known, retraction later
    assert one(on["2021-08-12"])[s.SINCE] == T("2021-08-06")  # b retracted that day
    assert sorted(tl.effective_events(table)[s.EVENT_ID]) == ["a", "c"]


def test_state_on_lists_every_given_district():
    iv = tl.control_intervals(events(ev("a", "2021-08-01", "Taliban")))
    out = tl.state_on(iv, "2021-08-02", districts=["D9", "D1"])
    assert list(out[s.DISTRICT_CODE]) == ["D9", "D1"]
    assert list(out[s.STATUS]) == [s.UNKNOWN, s.CONTROLLED]
    assert list(out.columns) == [s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE, s.SINCE,
                                 s.DATE_PRECISION, s.SOURCE, s.SOURCE_URL, s.EVENT_IDS, s.CLAIMS]


def test_no_events_gives_no_intervals_and_unknown_states():
    iv = tl.control_intervals(s.empty_events())
    assert list(iv.columns) == s.INTERVAL_COLUMNS and iv.empty
    assert list(tl.state_on(iv, "2021-01-01", districts=["D1"])[s.STATUS]) == [s.UNKNOWN]
    grid = tl.states_on_dates(iv, ["2021-01-01", "2021-01-02"], districts=["D1", "D2"])
    assert len(grid) == 4 and set(grid[s.CONTROLLER]) == {s.UNKNOWN}


def test_step_dates():
    assert list(tl.step_dates("2021-08-01", "2021-08-20", s.WEEK)) == [
        T("2021-08-02"), T("2021-08-09"), T("2021-08-16")]
    assert list(tl.step_dates("2021-06-15", "2021-08-20", s.MONTH)) == [T("2021-07-01"),
                                                                       T("2021-08-01")]
    assert len(tl.step_dates("2021-01-01", "2021-12-31", s.DAY)) == 365


@pytest.mark.parametrize(("rows", "fragment"), [
    ([ev("a", "2021-08-01", "T", supersedes="b"), ev("b", "2021-08-02", "T", supersedes="a")],
     "loop"),
    ([ev("a", "2021-08-01", "T", confidence="sure")], "confidence 'sure'"),
    ([ev("a", "2021-08-01", "T"), ev("a", "2021-08-02", "T")], "more than once"),
])
def test_bad_events_raise_one_line_errors(rows, fragment):
    with pytest.raises(InputError, match=fragment) as err:
        tl.control_intervals(events(*rows))
    assert "\n" not in str(err.value)


def test_bad_arguments_raise():
    iv = tl.control_intervals(events(ev("a", "2021-08-01", "T")))
    with pytest.raises(InputError, match="before"):
        tl.changes(iv, "2021-09-01", "2021-08-01")
    with pytest.raises(InputError, match="step='year'"):
        tl.step_dates("2021-01-01", "2021-02-01", "year")
    with pytest.raises(InputError, match="not a date"):
        tl.state_on(iv, "someday")


# --- the oracle: plain loops over dicts, written independently of the code -----------------------
RANK = {s.UNCONFIRMED: 0, s.REPORTED: 1, s.CONFIRMED: 2}
NAME = {v: k for k, v in RANK.items()}


def oracle_effective(rows: list[dict], known_on: pd.Timestamp | None = None) -> list[dict]:
    by_id = {r["id"]: r for r in rows}

    def live(r: dict) -> bool:
        if known_on is not None:
            known = r["reported_on"]
            if known is None:
                known = r["recorded_at"].normalize()
            if known > known_on:
                return False
        retracted = r["retracted_at"]
        return retracted is None or (
            known_on is not None and retracted >= known_on + pd.Timedelta(days=1))

    dropped = set()
    for r in rows:
        if live(r):
            target = r["supersedes"]
            while target is not None and target not in dropped:
                dropped.add(target)
                target = by_id[target]["supersedes"]
    return [r for r in rows if live(r) and r["id"] not in dropped]


def oracle_state(effective: list[dict], district: str, day: pd.Timestamp) -> tuple:
    mine = [r for r in effective if r["district"] == district and r["date"] <= day]
    if not mine:
        return (s.UNKNOWN, s.UNKNOWN, None)
    latest = max(r["date"] for r in mine)
    group = [r for r in mine if r["date"] == latest]
    claims = {(r["controller"], r["status"]) for r in group}
    best = NAME[max(RANK[r["confidence"]] for r in group)]
    if len(claims) == 1:
        (controller, status), = claims
        return (controller, status, best)
    confirmed = {(r["controller"], r["status"]) for r in group if r["confidence"] == s.CONFIRMED}
    if len(confirmed) == 1:
        (controller, status), = confirmed
        return (controller, status, s.CONFIRMED)
    actors = sorted({a for c, _ in claims for a in c.split(";")})
    return (";".join(actors), s.DISPUTED, best)


def to_table(rows: list[dict]) -> pd.DataFrame:
    return s.normalize_events(pd.DataFrame([{
        s.EVENT_ID: r["id"], s.DATE: r["date"], s.DATE_PRECISION: r["precision"],
        s.DISTRICT_CODE: r["district"], s.CONTROLLER: r["controller"], s.STATUS: r["status"],
        s.CONFIDENCE: r["confidence"], s.SOURCE: r["source"], s.REPORTED_ON: r["reported_on"],
        s.SUPERSEDES: r["supersedes"], s.RECORDED_AT: r["recorded_at"],
        s.RETRACTED_AT: r["retracted_at"]} for r in rows], columns=[
        s.EVENT_ID, s.DATE, s.DATE_PRECISION, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS,
        s.CONFIDENCE, s.SOURCE, s.REPORTED_ON, s.SUPERSEDES, s.RECORDED_AT, s.RETRACTED_AT]))


DAY0 = T("2021-07-01")
DISTRICTS = ["D1", "D2", "D3"]
ACTORS = ["Government", "Resistance", "Taliban"]


@st.composite
def event_rows(draw) -> list[dict]:
    n = draw(st.integers(0, 18))
    rows: list[dict] = []
    for i in range(n):
        status = draw(st.sampled_from([s.CONTROLLED, s.CONTROLLED, s.INFLUENCED, s.CONTESTED]))
        if status == s.CONTESTED:
            controller = ";".join(sorted(draw(st.sets(st.sampled_from(ACTORS), min_size=2,
                                                      max_size=2))))
        else:
            controller = draw(st.sampled_from(ACTORS))
        date = DAY0 + pd.Timedelta(days=draw(st.integers(0, 12)))
        recorded = date + pd.Timedelta(hours=draw(st.integers(0, 24 * 10)))
        reported = draw(st.one_of(st.none(), st.integers(0, 6)))
        retracted = draw(st.one_of(st.none(), st.none(), st.integers(0, 24 * 8)))
        sup = draw(st.one_of(st.none(), st.none(), st.integers(0, max(i - 1, 0)))) if i else None
        rows.append({
            "id": f"e{i}", "date": date, "district": draw(st.sampled_from(DISTRICTS)),
            "controller": controller, "status": status,
            "confidence": draw(st.sampled_from([s.CONFIRMED, s.REPORTED, s.UNCONFIRMED])),
            "precision": draw(st.sampled_from([s.DAY, s.DAY, s.WEEK, s.MONTH])),
            "source": draw(st.sampled_from(["Reuters", "AP", "Twitter", None])),
            "reported_on": None if reported is None else date + pd.Timedelta(days=reported),
            "recorded_at": recorded,
            "retracted_at": None if retracted is None else recorded + pd.Timedelta(hours=retracted),
            "supersedes": None if sup is None else f"e{sup}",
        })
    return rows


QUERY_DAYS = [DAY0 + pd.Timedelta(days=k) for k in range(-1, 15)]
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_against_oracle(iv: pd.DataFrame, effective: list[dict]) -> None:
    grid = tl.states_on_dates(iv, QUERY_DAYS, districts=DISTRICTS)
    cols = [s.DATE, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE]
    for day, code, controller, status, confidence in grid[cols].itertuples(index=False):
        got = (controller, status, None if pd.isna(confidence) else confidence)
        assert got == oracle_state(effective, code, day), (day, code)


@FAST
@given(event_rows(), st.sampled_from(QUERY_DAYS))
def test_intervals_states_and_changes_equal_the_oracle(rows, day):
    table = to_table(rows)
    iv = tl.control_intervals(table)
    effective = oracle_effective(rows)
    # intervals: every effective event listed exactly once; per district contiguous from the
    # first effective event on, without gaps or overlaps, the last one open
    listed = [i for ids in iv[s.EVENT_IDS] for i in ids.split(";")]
    assert sorted(listed) == sorted(r["id"] for r in effective)
    assert set(iv[s.DISTRICT_CODE]) == {r["district"] for r in effective}
    for code, mine in iv.groupby(s.DISTRICT_CODE):
        assert mine[s.START].iloc[0] == min(r["date"] for r in effective if r["district"] == code)
        assert mine[s.START].is_monotonic_increasing and mine[s.START].is_unique
        assert (mine[s.END].iloc[:-1].to_numpy() == mine[s.START].iloc[1:].to_numpy()).all()
        assert pd.isna(mine[s.END].iloc[-1])
    # states: every district on every day, and one day through state_on
    check_against_oracle(iv, effective)
    single = tl.state_on(iv, day, districts=DISTRICTS)
    for code, controller, status in single[[s.DISTRICT_CODE, s.CONTROLLER, s.STATUS]].values:
        assert (controller, status) == oracle_state(effective, code, day)[:2]
    # changes between two days
    a, b = QUERY_DAYS[3], QUERY_DAYS[10]
    ch = tl.changes(iv, a, b, districts=DISTRICTS)
    expected = [c for c in DISTRICTS
                if oracle_state(effective, c, a)[:2] != oracle_state(effective, c, b)[:2]]
    assert list(ch[s.DISTRICT_CODE]) == expected
    for code, ids in ch[[s.DISTRICT_CODE, s.EVENT_IDS]].values:
        got = set(ids.split(";"))
        mine = [r for r in effective if r["district"] == code]
        assert got <= {r["id"] for r in mine if r["date"] > a}
        latest = max(r["date"] for r in mine if r["date"] <= b)  # the reports that set d2's state
        assert {r["id"] for r in mine if r["date"] == latest} <= got
    # known_on after every report, recording and retraction drawn changes nothing
    pd.testing.assert_frame_equal(tl.control_intervals(table, known_on="2021-12-31"), iv)


@FAST
@given(event_rows(), st.randoms(use_true_random=False))
def test_row_order_never_changes_the_result(rows, rnd):
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    pd.testing.assert_frame_equal(tl.control_intervals(to_table(rows)),
                                  tl.control_intervals(to_table(shuffled)))


@FAST
@given(event_rows(), st.data())
def test_known_on_equals_the_oracle(rows, data):
    k = DAY0 + pd.Timedelta(days=data.draw(st.integers(-1, 22)))
    table = to_table(rows)
    effective = oracle_effective(rows, known_on=k)
    assert sorted(tl.effective_events(table, known_on=k)[s.EVENT_ID]) == sorted(
        r["id"] for r in effective)
    check_against_oracle(tl.control_intervals(table, known_on=k), effective)


@FAST
@given(event_rows(), st.data())
def test_retracting_and_adding_again_gives_the_same_states(rows, data):
    targets = {r["supersedes"] for r in rows}
    candidates = [r for r in rows if r["retracted_at"] is None and r["id"] not in targets]
    assume(candidates)
    pick = data.draw(st.sampled_from(candidates))
    again = {**pick, "id": "again", "recorded_at": pick["recorded_at"] + pd.Timedelta(days=3)}
    redone = [{**r, "retracted_at": r["recorded_at"] + pd.Timedelta(days=2)} if r is pick else r
              for r in rows] + [again]
    cols = [s.DATE, s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE, s.SINCE,
            s.DATE_PRECISION, s.SOURCE, s.CLAIMS]

    def grid(table: pd.DataFrame) -> pd.DataFrame:
        iv = tl.control_intervals(table)
        return tl.states_on_dates(iv, QUERY_DAYS, districts=DISTRICTS)[cols]

    pd.testing.assert_frame_equal(grid(to_table(rows)), grid(to_table(redone)))


def test_states_outside_given_intervals_are_unknown():
    iv = pd.DataFrame([{s.DISTRICT_CODE: "D1", s.CONTROLLER: "Taliban", s.STATUS: s.CONTROLLED,
                        s.CONFIDENCE: s.REPORTED, s.START: T("2021-08-01"),
                        s.END: T("2021-08-10")}])
    days = ["2021-07-31", "2021-08-01", "2021-08-09", "2021-08-10"]
    grid = tl.states_on_dates(iv, days, districts=["D1"])
    assert list(grid[s.CONTROLLER]) == [s.UNKNOWN, "Taliban", "Taliban", s.UNKNOWN]
    assert [tl.state_on(iv, d)[s.CONTROLLER].iloc[0] for d in days] == list(grid[s.CONTROLLER])



@pytest.mark.parametrize(("old", "new", "kind"), [
    (("unknown", "unknown"), ("Taliban", "controlled"), "first report"),
    (("Taliban", "controlled"), ("unknown", "unknown"), "report withdrawn"),
    (("Afghan government", "controlled"), ("Taliban", "controlled"), "changed hands"),
    (("Afghan government", "influenced"), ("Taliban", "controlled"), "changed hands"),
    (("Taliban", "influenced"), ("Taliban", "controlled"), "status changed"),
    (("Afghan government", "controlled"), ("Afghan government;Taliban", "contested"),
     "status changed"),
    (("Afghan government;Taliban", "contested"), ("Taliban", "controlled"), "status changed"),
    (("Taliban", "controlled"), ("Taliban", "controlled"), None),
])
def test_change_kinds(old, new, kind):
    got = tl.change_kinds([old[0]], [old[1]], [new[0]], [new[1]])
    assert got.tolist() == [kind]


def test_changes_carry_their_kind():
    events = pd.DataFrame({
        s.EVENT_ID: ["a", "b", "c"], s.DATE: pd.to_datetime(["2021-08-01", "2021-08-10",
                                                             "2021-08-12"]),
        s.DISTRICT_CODE: ["AF0101", "AF0101", "AF0102"],
        s.CONTROLLER: ["Afghan government", "Taliban", "Taliban"],
        s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED})
    iv = tl.control_intervals(events)
    out = tl.changes(iv, "2021-08-05", "2021-08-15")
    assert out[[s.DISTRICT_CODE, tl.CHANGE]].values.tolist() == [
        ["AF0101", "changed hands"], ["AF0102", "first report"]]
