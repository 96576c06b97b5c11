"""The chart panel of the map page in real headless Chromium: the series equal `tracker chart`,
the legend agrees with them on every day, and the panel follows and sets the slider's date."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from browser_pages import open_page
from click.testing import CliRunner
from test_map_browser import hand_intervals

from tracker.cli import main
from tracker.core import schema as s
from tracker.geo.boundaries import default_boundaries
from tracker.render import html_map
from tracker.render.styles import STATE_LABELS

pytestmark = pytest.mark.browser

START, END = "2021-07-01", "2021-09-15"


@pytest.fixture(scope="module")
def shipped_page(browser, story, tmp_path_factory):
    path = html_map.save_map(story.map(start=START, end=END, step="day"),
                             tmp_path_factory.mktemp("chart") / "map.html")
    requests: list[str] = []
    context, page, errors = open_page(browser, path, requests)
    yield page
    assert errors == [], errors
    assert requests == [], requests
    context.close()


def chart_csv(story, tmp_path, step: str) -> pd.DataFrame:
    out = tmp_path / f"chart-{step}.csv"
    res = CliRunner().invoke(main, ["chart", "--db", story.url, "--start", START, "--end", END,
                                    "--step", step, "--out", str(out)])
    assert res.exit_code == 0, res.output
    return pd.read_csv(out, dtype={"date": str})


def test_page_series_equal_the_csv(shipped_page, story, tmp_path):
    got = shipped_page.evaluate("trackerMap.series()")
    want = chart_csv(story, tmp_path, "day")
    assert got["dates"] == want["date"].tolist() == shipped_page.evaluate("trackerMap.dates()")
    assert list(got["series"]) == list(want.columns[1:])
    for name, values in got["series"].items():
        assert values == want[name].tolist(), name
    assert max(want[s.DISPUTED]) > 0 and max(want[s.CONTESTED]) > 0


@pytest.mark.parametrize("step", ["week", "month"])
def test_weekly_and_monthly_page_series_equal_the_csv(browser, story, tmp_path, step):
    path = html_map.save_map(story.map(start=START, end=END, step=step), tmp_path / "w.html")
    context, page, errors = open_page(browser, path)
    try:
        got = page.evaluate("trackerMap.series()")
    finally:
        context.close()
    want = chart_csv(story, tmp_path, step)
    assert got["dates"] == want["date"].tolist()
    assert len(want) == {"week": 11, "month": 3}[step]
    assert {k: v for k, v in got["series"].items()} == {
        c: want[c].tolist() for c in want.columns[1:]}
    assert errors == []


def test_legend_counts_agree_with_the_series_on_every_day(browser, tmp_path):
    """The page's legend (its own count of the districts' states) against Python's series, on
    random histories with influence, gaps, contested and disputed days."""
    b = default_boundaries()
    codes = b.districts[s.DISTRICT_CODE].tolist()
    intervals = hand_intervals(codes, seed=11, n_changes=700, start="2021-01-01", days=200)
    m = html_map.build_map(b.districts, b.provinces, intervals, None, start="2020-12-25",
                           end="2021-07-25", step="day")
    path = html_map.save_map(m, tmp_path / "random.html")
    context, page, errors = open_page(browser, path)
    try:
        rows = page.evaluate("""() => {
            const S = trackerMap.series(), out = [];
            S.dates.forEach((d, i) => {
                if (i % 3) { return; }
                trackerMap.setDate(d);
                const legend = Object.assign({}, trackerMap.legendCounts());
                const series = {};
                Object.keys(S.series).forEach(k => { series[k] = S.series[k][i]; });
                out.push([d, legend, series]);
            });
            return out;
        }""")
    finally:
        context.close()
    assert errors == []
    assert len(rows) > 60
    statuses = set()
    for day, legend, series in rows:
        assert {k: v for k, v in legend.items() if v} == {k: v for k, v in series.items() if v}, day
        statuses |= {k for k, v in series.items() if v}
    assert {s.CONTESTED, s.DISPUTED, s.UNKNOWN} <= statuses


def line_date(page) -> str:
    return page.get_attribute(".trk-chart-now", "data-date")


def test_chart_follows_the_slider_keys_and_set_date(shipped_page):
    page = shipped_page
    page.evaluate("trackerMap.chartPanel(true)")
    assert page.locator(".trk-chart-area").count() == len(page.evaluate(
        "Object.keys(trackerMap.series().series)"))
    page.evaluate("trackerMap.setDate('2021-08-15')")
    assert line_date(page) == "2021-08-15"
    n = len(page.evaluate("trackerMap.dates()"))
    k = page.evaluate("trackerMap.dates()").index("2021-08-15")
    x = float(page.get_attribute(".trk-chart-now", "x1"))
    assert x == pytest.approx(600 * k / (n - 1), abs=0.06)
    readout = page.text_content(".trk-chart-readout")
    counts = page.evaluate("trackerMap.legendCounts()")
    assert readout.startswith("15 Aug 2021: ")
    assert f"Taliban {counts['Taliban']}" in readout
    page.evaluate("document.activeElement && document.activeElement.blur()")  # keys to the page
    page.keyboard.press("ArrowRight")
    assert line_date(page) == "2021-08-16" == page.evaluate("trackerMap.date()")
    page.evaluate("""() => { const s = document.querySelector('.trk-slider');
                             s.value = '3'; s.dispatchEvent(new Event('input')); }""")
    assert line_date(page) == page.evaluate("trackerMap.dates()[3]")


def test_click_and_drag_on_the_chart_set_the_date(shipped_page):
    page = shipped_page
    page.evaluate("trackerMap.chartPanel(true)")
    dates = page.evaluate("trackerMap.dates()")
    center = page.evaluate("trackerMap.map.getCenter()")
    box = page.locator(".trk-chart-svg").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.click(box["x"] + 0.25 * box["width"], y)
    want = dates[round(0.25 * (len(dates) - 1))]
    assert page.evaluate("trackerMap.date()") == want == line_date(page)
    assert page.evaluate("document.querySelector('.trk-slider').value") == str(dates.index(want))
    page.mouse.move(box["x"] + 0.1 * box["width"], y)
    page.mouse.down()
    seen = []
    for share in (0.3, 0.5, 0.8):
        page.mouse.move(box["x"] + share * box["width"], y, steps=3)
        seen.append(page.evaluate("trackerMap.date()"))
    page.mouse.up()
    assert seen == [dates[round(f * (len(dates) - 1))] for f in (0.3, 0.5, 0.8)]
    assert page.evaluate("trackerMap.map.getCenter()") == center  # the map did not pan


def test_panel_opens_and_collapses(browser, story, tmp_path):
    path = html_map.save_map(story.map(start=START, end=END), tmp_path / "fresh.html")
    context, page, errors = open_page(browser, path)
    try:
        panel_opens_and_collapses(page)
    finally:
        context.close()
    assert errors == []


def panel_opens_and_collapses(page):
    head = page.locator(".trk-chart-head")
    # closed at first (it would hide the south of the map), the header reads the day's counts
    assert not page.locator(".trk-chart-body").is_visible()
    assert head.get_attribute("aria-expanded") == "false"
    assert page.text_content(".trk-chart-readout").startswith("15 Sep 2021: Taliban ")
    head.click()
    assert page.locator(".trk-chart-body").is_visible()
    assert head.get_attribute("aria-expanded") == "true"
    head.click()
    assert not page.locator(".trk-chart-body").is_visible()
    assert head.get_attribute("aria-expanded") == "false"
    page.evaluate("trackerMap.setDate('2021-08-20')")  # still follows while closed
    assert line_date(page) == "2021-08-20"
    head.click()
    assert page.locator(".trk-chart-body").is_visible()
    assert head.get_attribute("aria-expanded") == "true"
    # the panel sits above the time bar
    chart, bar = (page.locator(c).bounding_box() for c in (".trk-chart", ".trk-time"))
    assert chart["y"] + chart["height"] <= bar["y"]


def test_actor_names_in_the_panel_are_text(browser, tmp_path):
    b = default_boundaries()
    code = b.districts[s.DISTRICT_CODE].iloc[0]
    evil = '<img src=x onerror="window.__xss=1">'
    intervals = pd.DataFrame([{s.DISTRICT_CODE: code, s.CONTROLLER: evil, s.STATUS: s.CONTROLLED,
                               s.CONFIDENCE: s.REPORTED, s.START: pd.Timestamp("2021-01-02"),
                               s.END: pd.NaT}])
    m = html_map.build_map(b.districts, b.provinces, intervals, None, start="2021-01-01",
                           end="2021-01-05")
    path = html_map.save_map(m, tmp_path / "evil.html")
    context, page, errors = open_page(browser, path)
    try:
        page.evaluate("trackerMap.setDate('2021-01-03')")
        assert evil + " 1" in page.text_content(".trk-chart-readout")
        assert page.evaluate("window.__xss") is None
        assert page.locator(".trk-chart img").count() == 0
    finally:
        context.close()
    assert errors == []


def test_chart_draws_the_models_counts_with_pythons_labels(browser, tmp_path):
    """The panel's areas are the page model's series (one count on the page), labelled and filled
    from Python's styles, also for actors named like properties every JS object has."""
    b = default_boundaries()
    codes = b.districts[s.DISTRICT_CODE].tolist()
    intervals = hand_intervals(codes, seed=5, n_changes=400, start="2021-01-01", days=120)
    renamed = {"Taliban": "constructor", "Resistance": "__proto__"}
    intervals[s.CONTROLLER] = [s.join_actors([renamed.get(a, a) for a in s.split_actors(c)])
                               for c in intervals[s.CONTROLLER]]
    m = html_map.build_map(b.districts, b.provinces, intervals, None, start="2021-01-01",
                           end="2021-04-30", step="week")
    text = m.get_root().render()
    begin = text.index(f'id="{html_map.CHART_ID}">') + len(f'id="{html_map.CHART_ID}">')
    assert set(json.loads(text[begin:text.index("</script>", begin)])) == {"styles"}  # no counts
    path = html_map.save_map(m, tmp_path / "chart.html")
    context, page, errors = open_page(browser, path)
    try:
        page.evaluate("trackerMap.chartPanel(true)")
        areas = page.evaluate("""() => Array.from(document.querySelectorAll('.trk-chart-area'))
            .map(a => [a.getAttribute('data-series'), a.querySelector('title').textContent,
                       a.getAttribute('fill')])""")
        keys = page.evaluate("Object.keys(trackerMap.series().series)")
        page.evaluate("trackerMap.setDate('2021-03-01')")
        readout = page.text_content(".trk-chart-readout")
        day = page.evaluate("""() => { const S = trackerMap.series(), i = S.dates.indexOf(
            trackerMap.date()); const out = {}; Object.keys(S.series).forEach(k => {
            out[k] = S.series[k][i]; }); return out; }""")
    finally:
        context.close()
    assert errors == []
    assert [a[0] for a in areas] == keys
    labels = {a[0]: a[1] for a in areas}
    assert labels["constructor"] == "constructor" and labels["__proto__"] == "__proto__"
    assert labels[s.CONTESTED] == STATE_LABELS[s.CONTESTED]
    colors = html_map.actor_colors(intervals)
    fills = {a[0]: a[2] for a in areas}
    assert fills["constructor"] == colors["constructor"]
    for name, count in day.items():
        if count:
            assert f"{labels[name]} {count}" in readout
