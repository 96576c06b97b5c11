"""The page's model (tracker_model.js) alone, in Chromium: states, counts, roll-up, per-day series,
changes, dates and search agree with the Python that defines them (five-level data included)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from browser_pages import model_page
from test_map_browser import ACTORS, hand_intervals

from tracker.core import schema as s
from tracker.core import spatial, timeline
from tracker.geo.boundaries import default_boundaries
from tracker.names.gazetteer import Gazetteer
from tracker.render import html_map

pytestmark = pytest.mark.browser
DATES = ["2020-12-25", "2021-02-14", "2021-05-01", "2021-07-19", "2021-09-30", "2021-11-10"]


@pytest.fixture(scope="module")
def boundaries():
    return default_boundaries()


@pytest.fixture(scope="module")
def data(boundaries):
    codes = boundaries.districts[s.DISTRICT_CODE].tolist()
    intervals = hand_intervals(codes, seed=11, n_changes=900, start="2021-01-01", days=300)
    # one event per interval, with the interval's id, so the changes can name them
    events = pd.DataFrame({
        s.EVENT_ID: intervals[s.EVENT_IDS], s.DATE: intervals[s.START],
        s.DATE_PRECISION: intervals[s.DATE_PRECISION],
        s.DISTRICT_CODE: intervals[s.DISTRICT_CODE], s.CONTROLLER: intervals[s.CONTROLLER],
        s.STATUS: intervals[s.STATUS], s.CONFIDENCE: intervals[s.CONFIDENCE],
        s.SOURCE: "Agency", s.SOURCE_URL: None, s.NOTES: None})
    spellings = Gazetteer.from_boundaries(boundaries).district_spellings()
    m = html_map.build_map(boundaries.districts, boundaries.provinces, intervals, events,
                           start="2020-12-20", end="2021-11-10", spellings=spellings)
    return intervals, codes, m.get_root().render()


@pytest.fixture(scope="module")
def model(browser, data):
    context, page = model_page(browser, data[2])
    yield page
    context.close()


def test_five_level_data_is_in_the_sample(data):
    intervals = data[0]
    assert (intervals[s.STATUS] == s.INFLUENCED).sum() > 50
    assert {s.CONTESTED, s.DISPUTED} <= set(intervals[s.STATUS])


def test_state_of_every_district_on_every_date(model, data):
    intervals, codes, _ = data
    got = model.evaluate("""(dates) => dates.map(d => {
        const day = TrackerModel.parseDay(d);
        return Array.from({length: model.n}, (_, i) => {
            const st = model.state(i, day);
            return [st.code, st.controller, st.status, st.confidence];
        });
    })""", DATES)
    long = timeline.states_on_dates(intervals, DATES, districts=codes)
    want = long[[s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE]].fillna(s.UNKNOWN)  # no report
    want = want.astype(str)
    want = want.to_numpy().reshape(len(DATES), len(codes), 4).tolist()
    assert got == want


def python_rollup(intervals, codes, districts, date):
    state = timeline.state_on(intervals, date, districts=codes)
    return spatial.province_rollup(state, districts)


def test_counts_and_rollup_follow_python_categories(model, data, boundaries):
    intervals, codes, _ = data
    influenced = 0
    for date in DATES:
        counts = model.evaluate("(d) => model.counts(TrackerModel.parseDay(d))", date)
        roll = model.evaluate("(d) => model.rollup(TrackerModel.parseDay(d))", date)
        want = python_rollup(intervals, codes, boundaries.districts, date)
        every = want[want[s.PROVINCE_CODE] == spatial.ALL_PROVINCES]
        assert {k: v for k, v in counts.items() if v} == dict(
            zip(every[spatial.CATEGORY], every[spatial.DISTRICTS].astype(int), strict=True))
        influenced += sum(v for k, v in counts.items() if k.endswith("(influenced)"))
        for prov, part in want.groupby(s.PROVINCE_CODE):
            got = {k: (share, n) for k, share, n in roll[prov]}
            assert got.keys() == set(part[spatial.CATEGORY]), (date, prov)
            for cat, share, n in zip(part[spatial.CATEGORY], part[spatial.SHARE],
                                     part[spatial.DISTRICTS], strict=True):
                assert abs(got[cat][0] - share) < 1e-3 and got[cat][1] == n, (date, prov, cat)
    assert influenced > 20  # the five-level categories were compared too


def test_series_counts_each_category_on_each_slider_date(model, data):
    intervals, codes, _ = data
    series = model.evaluate("model.series()")
    assert series["dates"] == [d.strftime("%Y-%m-%d")
                               for d in timeline.step_dates("2020-12-20", "2021-11-10", "day")]
    picks = series["dates"][::37]
    long = timeline.states_on_dates(intervals, picks, districts=codes)
    long["cat"] = spatial.categories(long[s.STATUS], long[s.CONTROLLER]).to_numpy()
    for date, part in long.groupby(s.DATE):
        k = series["dates"].index(pd.Timestamp(date).strftime("%Y-%m-%d"))
        want = part["cat"].value_counts().to_dict()
        got = {name: values[k] for name, values in series["series"].items() if values[k]}
        assert got == want, date
    assert set(ACTORS) <= set(series["series"])
    assert {"contested", "disputed", "unknown"} <= set(series["series"])


def test_changes_follow_python_classification_and_name_the_events(model, data):
    intervals, codes, _ = data
    for a, b in (("2021-03-01", "2021-03-02"), ("2021-05-01", "2021-08-15"),
                 ("2020-12-20", "2021-02-01")):
        got = model.evaluate("""([a, b]) => model.changes(TrackerModel.parseDay(a),
            TrackerModel.parseDay(b)).map(c => [c.code, c.kind,
            c.events.map(k => model.dist.events[c.i][k + 8])])""", [a, b])
        want = timeline.changes(intervals, a, b, districts=codes)
        assert [(c, k) for c, k, _ in got] == list(zip(want[s.DISTRICT_CODE],
                                                       want[timeline.CHANGE], strict=True))
        # the events responsible: one per history row begun in (a, b], as Python lists them
        assert [len(e) for _, _, e in got] == [
            len([x for x in ids.split(s.ID_SEP) if x]) for ids in want[s.EVENT_IDS]]
    kinds = {k for _, k, _ in model.evaluate(
        "model.changes(TrackerModel.parseDay('2021-03-01'), TrackerModel.parseDay('2021-10-01'))"
        ".map(c => [c.code, c.kind, []])")}
    assert kinds == set(timeline.CHANGE_KINDS)


def test_dates_are_checked_and_clamped(model):
    assert model.evaluate("TrackerModel.isoDay(TrackerModel.parseDay('2024-02-29'))") == "2024-02-29"
    for bad in ("2021-02-30", "2021-13-01", "2021-2-3", "yesterday"):
        msg = model.evaluate("""(t) => { try { TrackerModel.parseDay(t); return null; }
                                 catch (e) { return e.message; } }""", bad)
        assert msg is not None and bad in msg and "not a date" in msg
    got = model.evaluate("""['2030-01-01', '2019-01-01', '2021-06-01'].map(t => {
        const c = model.clamp(TrackerModel.parseDay(t));
        return [TrackerModel.isoDay(c.day), c.clamped]; })""")
    assert got == [["2021-11-10", "after"], ["2020-12-20", "before"], ["2021-06-01", None]]


def test_search_finds_districts_by_any_known_spelling(model, boundaries):
    gaz = Gazetteer.from_boundaries(boundaries)
    spellings = gaz.district_spellings()
    rng = np.random.default_rng(5)
    variants = [(code, names[k]) for code, names in spellings.items()
                for k in range(1, len(names))]
    assert len(variants) > 300
    for pick in rng.choice(len(variants), 40, replace=False):
        code, spelling = variants[pick]
        assert code in model.evaluate("(q) => model.search(q, 50).map(h => h.code)", spelling), \
            spelling
    andarab = gaz.resolve_district("Andarab").code
    assert model.evaluate("model.search('andarab')[0].code") == andarab
    # accents and case do not matter
    assert model.evaluate("model.search('KÁBUL')[0].name") == "Kabul"
