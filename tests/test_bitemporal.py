"""Bitemporal intervals (tracker.core.bitemporal) against the core's per-day recomputation."""

from __future__ import annotations

import pandas as pd
import pytest
from histories import histories, knowledge_days
from hypothesis import HealthCheck, given, settings

from tracker._errors import InputError
from tracker.core import bitemporal as bt
from tracker.core import schema as s
from tracker.core import timeline as tl

T = pd.Timestamp


def same_intervals(got: pd.DataFrame, want: pd.DataFrame) -> None:
    key = [s.DISTRICT_CODE, s.START]
    got = got[s.INTERVAL_COLUMNS].sort_values(key).reset_index(drop=True)
    want = want[s.INTERVAL_COLUMNS].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_rows_known_on_any_day_equal_the_core_on_that_day(events):
    rows = bt.knowledge_intervals(events)
    for k in knowledge_days(events):
        same_intervals(bt.as_known_on(rows, k), tl.control_intervals(events, known_on=k))


def test_a_late_report_changes_the_past_only_from_the_day_it_is_known():
    events = s.normalize_events(pd.DataFrame([
        {s.EVENT_ID: "a", s.DATE: T("2021-08-01"), s.DISTRICT_CODE: "D1", s.CONTROLLER: "Gov",
         s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED, s.RECORDED_AT: T("2021-08-01")},
        {s.EVENT_ID: "b", s.DATE: T("2021-08-05"), s.DISTRICT_CODE: "D1",
         s.CONTROLLER: "Taliban", s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED,
         s.RECORDED_AT: T("2021-08-20")},
    ]))
    rows = bt.knowledge_intervals(events)
    table = rows[[s.CONTROLLER, s.START, s.END, bt.KNOWN_FROM, bt.KNOWN_TO]]
    assert table.to_dict("records") == [
        {s.CONTROLLER: "Gov", s.START: T("2021-08-01"), s.END: pd.NaT,
         bt.KNOWN_FROM: T("2021-08-01"), bt.KNOWN_TO: T("2021-08-20")},
        {s.CONTROLLER: "Gov", s.START: T("2021-08-01"), s.END: T("2021-08-05"),
         bt.KNOWN_FROM: T("2021-08-20"), bt.KNOWN_TO: pd.NaT},
        {s.CONTROLLER: "Taliban", s.START: T("2021-08-05"), s.END: pd.NaT,
         bt.KNOWN_FROM: T("2021-08-20"), bt.KNOWN_TO: pd.NaT},
    ]


def test_a_supersedes_loop_is_refused_as_by_the_core():
    events = s.normalize_events(pd.DataFrame([
        {s.EVENT_ID: "a", s.DATE: T("2021-08-01"), s.DISTRICT_CODE: "D1", s.CONTROLLER: "Gov",
         s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED, s.SUPERSEDES: "b"},
        {s.EVENT_ID: "b", s.DATE: T("2021-08-02"), s.DISTRICT_CODE: "D1", s.CONTROLLER: "Gov",
         s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED, s.SUPERSEDES: "a"},
    ]))
    with pytest.raises(InputError, match="loop"):
        bt.knowledge_intervals(events)


@pytest.mark.parametrize("missing", [None, ""])
def test_an_event_without_a_district_code_is_refused_by_both_definitions(missing):
    """Both builders of intervals name the event (a missing code was taken as the last
    district's by the bitemporal one, and as a district of its own by the per-day one)."""
    events = s.normalize_events(pd.DataFrame([
        {s.EVENT_ID: "a", s.DATE: T("2021-08-01"), s.DISTRICT_CODE: "D1", s.CONTROLLER: "Gov",
         s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED},
        {s.EVENT_ID: "b", s.DATE: T("2021-08-02"), s.DISTRICT_CODE: missing,
         s.CONTROLLER: "Taliban", s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED},
    ]))
    for build in (bt.knowledge_intervals, tl.control_intervals):
        with pytest.raises(InputError, match="event 'b' has no district code; give the code"):
            build(events)


def event(eid: str, day: str, controller: str, status: str, recorded: str) -> dict:
    """One report on district D1, recorded on ``recorded``."""
    return {s.EVENT_ID: eid, s.DATE: T(day), s.DISTRICT_CODE: "D1", s.CONTROLLER: controller,
            s.STATUS: status, s.CONFIDENCE: s.REPORTED, s.RECORDED_AT: T(recorded)}


def believed_on(events: pd.DataFrame, days: tuple[str, ...]):
    """(day, the rows believed that day) for each of ``days``, each checked against the core."""
    rows = bt.knowledge_intervals(events)
    for k in days:
        believed = bt.as_known_on(rows, T(k))
        same_intervals(believed, tl.control_intervals(events, known_on=T(k)))
        yield k, believed


def test_a_contest_naming_one_actor_takes_the_holder_before_it_on_every_known_day():
    """A later report must not lose the holder that completes an earlier one-actor contest."""
    events = s.normalize_events(pd.DataFrame([
        event("a", "2024-01-01", "Military", s.CONTROLLED, "2024-01-01"),
        event("b", "2024-01-05", "TNLA", s.CONTESTED, "2024-01-05"),
        event("c", "2024-01-10", "TNLA", s.CONTROLLED, "2024-01-20"),
    ]))
    for k, believed in believed_on(events, ("2024-01-06", "2024-01-20", "2024-01-25")):
        contest = believed[believed[s.STATUS] == s.CONTESTED]
        assert contest[s.CONTROLLER].tolist() == ["Military;TNLA"], k


def test_a_contest_completed_by_the_holder_merges_with_the_next_one_on_every_known_day():
    """"A" contested after B's control is "A;B": a later rebuild starting at the next "A;B"
    report must not split the interval it belongs to."""
    events = s.normalize_events(pd.DataFrame([
        event("a", "2024-01-01", "B", s.CONTROLLED, "2024-01-01"),
        event("b", "2024-01-05", "A", s.CONTESTED, "2024-01-05"),
        event("c", "2024-01-08", "A;B", s.CONTESTED, "2024-01-08"),
        event("d", "2024-01-12", "A", s.CONTROLLED, "2024-01-20"),
    ]))
    for k, believed in believed_on(events, ("2024-01-09", "2024-01-20", "2024-01-25")):
        contest = believed[believed[s.STATUS] == s.CONTESTED]
        assert contest[s.START].tolist() == [T("2024-01-05")], k
