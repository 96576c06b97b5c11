"""The map in a real headless Chromium with the network blocked: right colours at every slider
position, after jumps and backwards moves; not blank; data from outside shown as text only."""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import pytest
from browser_pages import open_page

from tracker.core import schema as s
from tracker.core import spatial, timeline
from tracker.geo.boundaries import default_boundaries
from tracker.render import html_map

pytestmark = pytest.mark.browser

ACTORS = ("Taliban", "Afghan government", "Resistance", "Local militia")
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def hand_intervals(codes: list[str], *, seed: int, n_changes: int, start: str, days: int
                   ) -> pd.DataFrame:
    """Random, non-overlapping intervals per district with gaps, every status and confidence."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start)
    rows = []
    for code, k in zip(codes, rng.multinomial(n_changes, np.ones(len(codes)) / len(codes)),
                       strict=True):
        cuts = np.sort(rng.choice(np.arange(1, days), size=min(k + 1, days - 1), replace=False))
        ends = [*cuts[1:].tolist(), None] if rng.random() < 0.7 else cuts[1:].tolist()
        for a, b in zip(cuts.tolist(), ends, strict=False):
            if rng.random() < 0.1:
                continue  # a gap: nothing known
            status = rng.choice([s.CONTROLLED] * 4 + [s.INFLUENCED, s.CONTESTED, s.DISPUTED])
            if status in (s.CONTROLLED, s.INFLUENCED):
                ctrl = str(rng.choice(ACTORS))
            else:
                ctrl = s.join_actors(list(rng.choice(ACTORS, 2, replace=False)))
            rows.append({
                s.DISTRICT_CODE: code, s.CONTROLLER: ctrl, s.STATUS: str(status),
                s.CONFIDENCE: str(rng.choice(s.CONFIDENCES)),
                s.START: t0 + pd.Timedelta(days=a),
                s.END: None if b is None else t0 + pd.Timedelta(days=b),
                s.DATE_PRECISION: str(rng.choice(s.PRECISIONS)), s.EVENT_IDS: f"{code}-{a}",
                s.CLAIMS: None, s.SOURCE: "Agency", s.SOURCE_URL: f"https://example.org/{code}/{a}",
            })
    out = pd.DataFrame(rows, columns=s.INTERVAL_COLUMNS)
    for col in (s.START, s.END):
        out[col] = pd.to_datetime(out[col])
    return out


@pytest.fixture(scope="module")
def boundaries():
    return default_boundaries()


@pytest.fixture(scope="module")
def story(boundaries, tmp_path_factory):
    codes = boundaries.districts[s.DISTRICT_CODE].tolist()
    intervals = hand_intervals(codes, seed=7, n_changes=900, start="2021-01-01", days=300)
    m = html_map.build_map(boundaries.districts, boundaries.provinces, intervals, None,
                         start="2020-12-20", end="2021-11-10", step="day",
                         diff=("2021-05-01", "2021-08-15"), credit=boundaries.credit,
                         use_limitation=boundaries.use_limitation, title="Test map")
    path = html_map.save_map(m, tmp_path_factory.mktemp("map") / "map.html")
    return intervals, codes, path


@pytest.fixture(scope="module")
def page(browser, story):
    requests: list[str] = []
    context, pg, errors = open_page(browser, story[2], requests)
    yield pg
    assert errors == [], errors
    assert requests == [], f"the offline map asked the network for {requests}"
    context.close()


def shown(page, codes: list[str], dates: list[str]) -> list[list[str]]:
    """Controller and status of every district as the page shows them, date by date."""
    return page.evaluate("""([dates, codes]) => dates.map(d => {
        trackerMap.setDate(d);
        return codes.map(c => trackerMap.controllerOf(c) + '|' + trackerMap.statusOf(c));
    })""", [dates, codes])


def expected(intervals, codes, dates: list[str]) -> list[list[str]]:
    long = timeline.states_on_dates(intervals, dates, districts=codes)
    both = (long[s.CONTROLLER].astype(str) + "|" + long[s.STATUS].astype(str)).to_numpy()
    return both.reshape(len(dates), len(codes)).tolist()


def mismatches(got, want, dates) -> list[str]:
    bad = []
    for d, g, w in zip(dates, got, want, strict=True):
        bad.extend(f"{d}: district #{k} shows {a}, timeline says {b}"
                   for k, (a, b) in enumerate(zip(g, w, strict=True)) if a != b)
    return bad


def test_every_slider_position_matches_the_timeline(page, story):
    intervals, codes, _ = story
    dates = page.evaluate("trackerMap.dates()")
    want_dates = timeline.step_dates("2020-12-20", "2021-11-10", "day")
    assert dates == [d.strftime("%Y-%m-%d") for d in want_dates]
    got = shown(page, codes, dates)
    assert mismatches(got, expected(intervals, codes, dates), dates) == []
    # Whatever is shown was not unknown everywhere: the comparison had something to compare.
    assert sum(x != "unknown|unknown" for row in got for x in row) > 50_000


def test_jumps_backwards_and_days_between_positions(page, story):
    intervals, codes, _ = story
    rng = np.random.default_rng(3)
    days = pd.date_range("2020-12-01", "2021-12-01", freq="D")
    dates = [d.strftime("%Y-%m-%d") for d in days[rng.choice(len(days), 60)]]
    dates += list(reversed(dates[:20]))  # and backwards over the same days
    got = shown(page, codes, dates)
    assert mismatches(got, expected(intervals, codes, dates), dates) == []


def test_keyboard_arrows_step_and_legend_counts(page, story):
    intervals, codes, _ = story
    page.evaluate("trackerMap.setDate('2021-06-10')")
    page.locator("body").press("ArrowRight")
    assert page.evaluate("trackerMap.date()") == "2021-06-11"
    page.locator("body").press("ArrowLeft")
    page.locator("body").press("ArrowLeft")
    assert page.evaluate("trackerMap.date()") == "2021-06-09"
    st = timeline.state_on(intervals, "2021-06-09", districts=codes)
    counts = page.evaluate("trackerMap.legendCounts()")
    want = spatial.categories(st[s.STATUS], st[s.CONTROLLER]).value_counts().to_dict()
    assert {k: v for k, v in counts.items() if v} == want
    assert any(k.endswith(" (influenced)") for k in want)  # five-level categories kept apart
    shown = page.evaluate("trackerMap.legendShown()")
    assert {k: int(v) for k, v in shown.items() if v != "0"} == want
    legend = page.locator(".trk-legend").inner_text()
    assert "Control on 9 Jun 2021" in legend
    assert page.locator(".trk-date").inner_text() == "9 June 2021"


def test_diff_lists_the_districts_that_changed(page, story):
    intervals, codes, _ = story
    a = timeline.state_on(intervals, "2021-05-01", districts=codes)
    b = timeline.state_on(intervals, "2021-08-15", districts=codes)
    changed = a[(a[s.CONTROLLER].values != b[s.CONTROLLER].values)
                | (a[s.STATUS].values != b[s.STATUS].values)][s.DISTRICT_CODE].tolist()
    assert sorted(page.evaluate("trackerMap.diff()")) == sorted(changed)
    assert page.locator(".trk-diff-list > li").count() == len(changed)
    assert page.locator(".leaflet-trkDiff-pane path").count() == len(changed)


def test_province_rollup_shares_by_area(page, story, boundaries):
    intervals, codes, _ = story
    page.evaluate("trackerMap.setDate('2021-07-01')")
    shares = page.evaluate("trackerMap.rollup()")
    st = timeline.state_on(intervals, "2021-07-01", districts=codes)
    want = spatial.province_rollup(st, boundaries.districts)
    for prov, part in want.groupby(s.PROVINCE_CODE):
        got = {k: share for k, share, _ in shares[prov]}
        assert got.keys() == set(part[spatial.CATEGORY]), prov
        assert all(abs(got[k] - v) < 1e-3 for k, v in
                   zip(part[spatial.CATEGORY], part[spatial.SHARE], strict=True)), prov


def test_screenshot_is_a_coloured_map(page, tmp_path):
    page.evaluate("trackerMap.setDate('2021-08-01')")
    fills = page.evaluate("""Array.from(document.querySelectorAll('path.trk-district'))
        .map(p => p.getAttribute('fill'))""")
    assert len(fills) == 399
    assert len(set(fills)) >= 6  # actor colours and hatch patterns, not one default fill
    shot = tmp_path / "map.png"
    page.screenshot(path=str(shot))
    uri = "data:image/png;base64," + base64.b64encode(shot.read_bytes()).decode()
    colours = page.evaluate("""async (uri) => {
        const img = new Image(); img.src = uri; await img.decode();
        const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        const px = g.getImageData(0, 0, c.width, c.height).data, seen = new Set();
        for (let i = 0; i < px.length; i += 4 * 7)
            seen.add(px[i] << 16 | px[i + 1] << 8 | px[i + 2]);
        return seen.size;
    }""", uri)
    assert colours > 200


def test_popup_history_up_to_the_slider_date(page, story):
    intervals, _, _ = story
    code = intervals[s.DISTRICT_CODE].value_counts().index[0]
    mine = intervals[intervals[s.DISTRICT_CODE] == code].sort_values(s.START)
    middle = mine[s.START].iloc[len(mine) // 2]
    page.evaluate(f"trackerMap.setDate('{middle:%Y-%m-%d}')")
    page.evaluate(f"trackerMap.open('{code}')")
    popup = page.locator(".trk-pop")
    assert popup.count() == 1
    items = popup.locator(".trk-hist li")
    assert items.count() == int((mine[s.START] <= middle).sum())
    links = popup.locator(".trk-hist a")
    assert links.first.get_attribute("href").startswith("https://example.org/")
    page.evaluate("() => { trackerMap.map.closePopup(); }")


def test_payloads_show_as_text_and_run_nothing(browser, boundaries, tmp_path):
    districts = boundaries.districts.copy()
    code = districts[s.DISTRICT_CODE].iloc[0]
    districts.loc[0, s.DISTRICT_NAME] = "Name " + XSS
    start = pd.Timestamp("2021-03-01")
    intervals = pd.DataFrame([{
        s.DISTRICT_CODE: code, s.CONTROLLER: "Actor " + XSS, s.STATUS: s.CONTROLLED,
        s.CONFIDENCE: s.CONFIRMED, s.START: start, s.END: pd.NaT, s.DATE_PRECISION: s.DAY,
        s.EVENT_IDS: "x1", s.CLAIMS: XSS, s.SOURCE: "Src " + XSS,
        s.SOURCE_URL: "javascript:window.__xss=3",
    }], columns=s.INTERVAL_COLUMNS)
    events = pd.DataFrame([{
        s.EVENT_ID: "x1", s.DATE: start, s.DATE_PRECISION: s.DAY, s.DISTRICT_CODE: code,
        s.CONTROLLER: "Actor " + XSS, s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.CONFIRMED,
        s.SOURCE: "Src " + XSS, s.SOURCE_URL: "javascript:window.__xss=4", s.NOTES: "Note " + XSS,
    }])
    m = html_map.build_map(districts, boundaries.provinces, intervals, events, title="T " + XSS,
                         credit="Credit " + XSS, use_limitation=XSS)
    path = html_map.save_map(m, tmp_path / "xss.html")
    context, pg, errors = open_page(browser, path)
    try:
        pg.evaluate(f"trackerMap.open('{code}')")
        pg.locator("path.trk-district >> nth=0").hover(force=True)
        pg.wait_for_timeout(300)
        text = pg.locator(".trk-pop").inner_text()
        assert "Name " + XSS in text
        assert "Note " + XSS in text
        assert "Src " + XSS in text
        assert pg.locator(".trk-pop a").count() == 0  # javascript: URLs are not links
        assert "Actor " + XSS in pg.locator(".trk-legend").inner_text()
        assert "Credit " + XSS in pg.locator(".leaflet-control-attribution").inner_text()
        assert "T " + XSS in pg.locator(".trk-title").inner_text()
        assert pg.title() == "T " + XSS
        assert pg.evaluate("window.__xss") is None
        assert pg.locator("img[src='x']").count() == 0
        assert errors == []
    finally:
        context.close()


def test_week_and_month_positions_follow_pandas(page):
    cases = [("2021-01-01", "2021-12-31", "week"), ("2021-01-04", "2021-03-01", "week"),
             ("2021-01-01", "2021-12-31", "month"), ("2021-01-15", "2022-03-01", "month"),
             ("2020-02-25", "2020-03-05", "day")]
    for a, b, step in cases:
        got = page.evaluate("""([a, b, step]) => TrackerMapApp.positions({
            start: Date.UTC(...a.split('-').map((x, i) => +x - (i === 1))) / 864e5,
            end: Date.UTC(...b.split('-').map((x, i) => +x - (i === 1))) / 864e5, step})
            .map(d => new Date(d * 864e5).toISOString().slice(0, 10))""", [a, b, step])
        assert got == [d.strftime("%Y-%m-%d") for d in timeline.step_dates(a, b, step)], (a, step)


def point_inside(page, index: int) -> tuple[float, float]:
    """A viewport point where district ``index``'s own path is the element under the mouse."""
    xy = page.evaluate("""(k) => {
        const p = document.querySelectorAll('path.trk-district')[k], r = p.getBoundingClientRect();
        for (let fy = 0.5; fy < 1; fy += 0.05) for (const s of [1, -1]) for (let fx = 0.05; fx < 1; fx += 0.05) {
            const x = r.left + r.width * fx, y = r.top + r.height * (s > 0 ? fy : 1 - fy);
            if (document.elementFromPoint(x, y) === p) return [x, y];
        }
        return null;
    }""", index)
    assert xy is not None, f"district #{index} has no visible point"
    return xy[0], xy[1]


WHOLE_VIEW = "trackerMap.map.fitBounds([[29.3, 60.5], [38.5, 75]], {animate: false})"


def test_hover_and_click_reach_the_district_under_the_mouse(page, story, boundaries):
    intervals, codes, _ = story
    page.evaluate("trackerMap.setDate('2021-07-01')")
    st = timeline.state_on(intervals, "2021-07-01", districts=codes).set_index(s.DISTRICT_CODE)
    names = dict(zip(boundaries.districts[s.DISTRICT_CODE], boundaries.districts[s.DISTRICT_NAME],
                     strict=True))
    held = st[st[s.STATUS].isin([s.CONTROLLED, s.INFLUENCED])].index
    for k in sorted({codes.index(held[0]), codes.index(held[-1]), 120, 250}):
        # no popup (they fade out) and the whole country in view (a popup pans the map)
        page.evaluate("() => { trackerMap.map.closePopup(); }")
        page.wait_for_selector(".leaflet-popup", state="detached")
        page.evaluate(WHOLE_VIEW)
        x, y = point_inside(page, k)
        page.mouse.move(x, y)
        tip = page.locator(".trk-tip")
        assert tip.count() == 1
        assert tip.locator(".trk-tip-name").inner_text() == names[codes[k]]
        if codes[k] in held:
            assert tip.locator(".trk-tip-ctrl").inner_text().startswith(st.loc[codes[k], s.CONTROLLER])
        page.mouse.click(x, y)
        assert page.locator(".trk-pop-name").inner_text() == names[codes[k]]
        assert codes[k] in page.locator(".trk-pop-sub").inner_text()
    page.evaluate("() => { trackerMap.map.closePopup(); }")
    page.locator(".trk-title").hover()  # off the districts: the tooltip goes (after fading)
    page.wait_for_selector(".trk-tip", state="detached", timeout=2_000)


def test_zoomed_in_districts_are_clipped_to_the_view_and_redrawn_whole_after(page):
    def paths():
        return page.evaluate("""() => {
            const svg = document.querySelector('.leaflet-trkDistricts-pane svg');
            const [x, y, w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
            return Array.from(document.querySelectorAll('path.trk-district')).map(p => {
                const d = p.getAttribute('d'); if (d === 'M0 0') return null;
                const b = p.getBBox();
                return [b.x - x, b.y - y, b.x + b.width - x - w, b.y + b.height - y - h];
            });
        }""")

    page.evaluate(WHOLE_VIEW)
    assert all(b is not None for b in paths())
    page.evaluate("trackerMap.map.setView([34.53, 69.17], 10, {animate: false})")
    zoomed = paths()
    drawn = [b for b in zoomed if b is not None]
    assert 5 <= len(drawn) < len(zoomed) // 2  # the districts around Kabul, not the country
    # clipped to the renderer's box (the viewBox), within the stroke width
    assert all(b[0] >= -2 and b[1] >= -2 and b[2] <= 2 and b[3] <= 2 for b in drawn)
    page.evaluate("trackerMap.map.panBy([300, 200], {animate: false})")
    assert paths() != zoomed
    page.evaluate(WHOLE_VIEW)
    assert all(b is not None for b in paths())


def test_page_marks_the_phases_of_its_start(page):
    names = page.evaluate("performance.getEntriesByType('measure').map(m => m.name)")
    for phase in ("parse", "decode", "districts", "controls", "draw-districts", "first-style"):
        assert f"trk:{phase}" in names
