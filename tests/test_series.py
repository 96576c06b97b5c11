"""The pure control series (tracker.core.series) on small hand-made histories."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.core import timeline
from tracker.core.series import category_of, control_series


def events(rows: list[tuple]) -> pd.DataFrame:
    """(id, date, district, controller, status, confidence) rows -> an event table."""
    out = pd.DataFrame(rows, columns=[s.EVENT_ID, s.DATE, s.DISTRICT_CODE, s.CONTROLLER,
                                      s.STATUS, s.CONFIDENCE])
    out[s.DATE] = pd.to_datetime(out[s.DATE])
    return out


@pytest.fixture
def intervals() -> pd.DataFrame:
    return timeline.control_intervals(events([
        ("a1", "2021-01-02", "D1", "Army", s.CONTROLLED, s.REPORTED),
        ("a2", "2021-01-04", "D1", "Rebels", s.INFLUENCED, s.UNCONFIRMED),
        ("b1", "2021-01-03", "D2", "Rebels", s.CONTROLLED, s.REPORTED),
        ("b2", "2021-01-03", "D2", "Army", s.CONTROLLED, s.REPORTED),  # same day: disputed
        ("c1", "2021-01-01", "D3", "Army;Rebels", s.CONTESTED, s.REPORTED),
        ("c2", "2021-01-05", "D3", "Militia", s.CONTROLLED, s.CONFIRMED),
    ]))


def test_every_day_counted_by_the_one_rule(intervals):
    days = pd.date_range("2021-01-01", "2021-01-06")
    got = control_series(intervals, days, districts=["D1", "D2", "D3", "D4"])
    assert got.columns.tolist() == ["Army", "Rebels", "Rebels (influenced)", "Militia",
                                    s.CONTESTED, s.DISPUTED, s.UNKNOWN]
    assert got.loc["2021-01-01"].tolist() == [0, 0, 0, 0, 1, 0, 3]
    assert got.loc["2021-01-02"].tolist() == [1, 0, 0, 0, 1, 0, 2]
    assert got.loc["2021-01-03"].tolist() == [1, 0, 0, 0, 1, 1, 1]
    # influence is kept apart from control, as in the province roll-up and the map's legend
    assert got.loc["2021-01-04"].tolist() == [0, 0, 1, 0, 1, 1, 1]
    assert got.loc["2021-01-06"].tolist() == [0, 0, 1, 1, 0, 1, 1]
    assert (got.sum(axis=1) == 4).all()
    states = timeline.states_on_dates(intervals, days, districts=["D1", "D2", "D3", "D4"])
    cats = category_of(states[s.STATUS], states[s.CONTROLLER])
    assert cats.value_counts().to_dict() == got.sum().loc[lambda x: x > 0].to_dict()


def test_weights_and_sides(intervals):
    day = ["2021-01-06"]
    w = pd.Series({"D1": 10.0, "D2": 20.0, "D3": 30.0})
    got = control_series(intervals, day, districts=["D1", "D2", "D3", "D4"], weights=w)
    assert got.iloc[0].to_dict() == {"Army": 0.0, "Rebels": 0.0, "Rebels (influenced)": 10.0,
                                     "Militia": 30.0, s.CONTESTED: 0.0, s.DISPUTED: 20.0,
                                     s.UNKNOWN: 0.0}
    sides = {"Rebels": "Opposition", "Militia": "Opposition", "Army": "Government"}
    got = control_series(intervals, day, districts=["D1", "D2", "D3"], sides=sides)
    assert got.columns.tolist()[:2] == ["Government", "Opposition"]
    assert got.iloc[0]["Opposition"] == 1 and got.iloc[0]["Opposition (influenced)"] == 1


def test_an_actor_named_like_a_state_is_refused():
    iv = timeline.control_intervals(events([("x", "2021-01-01", "D1", "disputed", s.CONTROLLED,
                                              s.REPORTED)]))
    with pytest.raises(InputError, match="named 'disputed'"):
        control_series(iv, ["2021-01-02"], districts=["D1"])


def test_no_dates_or_districts_give_an_empty_table(intervals):
    assert control_series(intervals, [], districts=["D1"]).empty
    empty = control_series(intervals, ["2021-01-02"], districts=[])
    assert empty.shape == (1, 3) and (empty == 0).all().all()


_STATES = st.sampled_from([s.CONTROLLED, s.INFLUENCED, s.CONTESTED, s.DISPUTED, s.UNKNOWN])


@st.composite
def _random_intervals(draw):
    """Intervals of 4 districts, overlapping at times (the latest start wins), some open."""
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        start = pd.Timestamp("2021-01-01") + pd.Timedelta(days=draw(st.integers(0, 40)))
        length = draw(st.one_of(st.none(), st.integers(0, 20)))
        status = draw(_STATES)
        rows.append({s.DISTRICT_CODE: draw(st.sampled_from(["D1", "D2", "D3", "X9"])),
                     s.CONTROLLER: draw(st.sampled_from(["A", "B", "A;B", ""])),
                     s.STATUS: status, s.CONFIDENCE: s.REPORTED, s.START: start,
                     s.END: pd.NaT if length is None else start + pd.Timedelta(days=length)})
    return pd.DataFrame(rows, columns=[s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE,
                                       s.START, s.END])


@settings(max_examples=80, deadline=None)
@given(_random_intervals(),
       st.lists(st.integers(-5, 70), max_size=12),
       st.sampled_from([None, {"A": "Side 1", "B": "Side 1"}]))
def test_counting_from_intervals_equals_counting_every_state(intervals, offsets, sides):
    """Counts without weights come from the intervals; they equal the states' counts on any
    dates (unsorted, repeated), with overlaps and sides."""
    dates = [pd.Timestamp("2021-01-01") + pd.Timedelta(days=d) for d in offsets]
    codes = ["D1", "D2", "D3", "D4"]
    states = timeline.states_on_dates(intervals, dates, districts=codes)
    want = control_series(intervals, dates, districts=codes, sides=sides, states=states)
    got = control_series(intervals, dates, districts=codes, sides=sides)
    pd.testing.assert_frame_equal(got, want)
