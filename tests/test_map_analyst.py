"""The map as analysts use it, in a real headless Chromium (network blocked): keys, screen
readers, playback, dates, full-state links, search, changes, filters, labels, contrast, popups,
the phone layout (390x844, touch), print, and the page agreeing with Python on five-level data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from browser_pages import PHONE, open_page
from click.testing import CliRunner
from test_map_browser import WHOLE_VIEW, hand_intervals, point_inside

import tracker
from tracker.cli import main
from tracker.core import schema as s
from tracker.core import spatial, timeline
from tracker.geo.boundaries import default_boundaries
from tracker.names.gazetteer import Gazetteer
from tracker.render import html_map

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def boundaries():
    return default_boundaries()


def events_of(intervals: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        s.EVENT_ID: intervals[s.EVENT_IDS], s.DATE: intervals[s.START],
        s.DATE_PRECISION: s.DAY, s.DISTRICT_CODE: intervals[s.DISTRICT_CODE],
        s.CONTROLLER: intervals[s.CONTROLLER], s.STATUS: intervals[s.STATUS],
        s.CONFIDENCE: intervals[s.CONFIDENCE], s.SOURCE: "Agency",
        s.SOURCE_URL: "https://example.org/r", s.NOTES: "note"})


@pytest.fixture(scope="module")
def story(boundaries, tmp_path_factory):
    codes = boundaries.districts[s.DISTRICT_CODE].tolist()
    intervals = hand_intervals(codes, seed=21, n_changes=900, start="2021-01-01", days=300)
    intervals[s.DATE_PRECISION] = s.DAY
    spellings = Gazetteer.from_boundaries(boundaries).district_spellings()
    m = html_map.build_map(boundaries.districts, boundaries.provinces, intervals,
                           events_of(intervals), start="2020-12-20", end="2021-11-10",
                           credit=boundaries.credit, use_limitation=boundaries.use_limitation,
                           title="Briefing map", spellings=spellings)
    path = html_map.save_map(m, tmp_path_factory.mktemp("analyst") / "map.html")
    return intervals, codes, path


@pytest.fixture
def page(browser, story):
    requests: list[str] = []
    context, pg, errors = open_page(browser, story[2], requests)
    yield pg
    assert errors == [], errors
    assert requests == [], requests
    context.close()


@pytest.fixture
def phone(browser, story):
    context, pg, errors = open_page(browser, story[2], **PHONE)
    yield pg
    assert errors == [], errors
    context.close()


def rect(page, selector: str) -> dict | None:
    return page.evaluate("""(sel) => { const e = document.querySelector(sel);
        if (!e || !e.getClientRects().length || getComputedStyle(e).visibility === 'hidden') return null;
        const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; }""",
                         selector)


PANELS = """() => Array.from(document.querySelectorAll('.leaflet-control'))
    .filter(c => c.getClientRects().length && getComputedStyle(c).display !== 'none')
    .map(c => { const r = c.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; })
    .filter(r => r.r > r.l && r.b > r.t)"""


def overlaps(a: dict, b: dict) -> bool:
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


def popup_clear_of_panels(page) -> None:
    page.wait_for_selector(".leaflet-popup")
    page.wait_for_timeout(350)  # the auto-pan
    box = rect(page, ".leaflet-popup-content-wrapper")
    assert box is not None
    view = page.viewport_size
    assert box["l"] >= 0 and box["r"] <= view["width"] and box["t"] >= 0
    for panel in page.evaluate(PANELS):
        assert not overlaps(box, panel), (box, panel)


# --- keys and screen readers -------------------------------------------------------------------
def test_arrow_keys_step_the_date_and_never_pan(page):
    page.evaluate(WHOLE_VIEW)
    page.evaluate("trackerMap.setDate('2021-06-10')")
    x, y = point_inside(page, 120)
    page.mouse.click(x, y)
    page.evaluate("() => trackerMap.map.closePopup()")
    page.wait_for_timeout(300)
    centre = page.evaluate("(() => { const c = trackerMap.map.getCenter(); return [c.lat, c.lng]; })()")
    date = page.evaluate("trackerMap.date()")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    after = page.evaluate("(() => { const c = trackerMap.map.getCenter(); return [c.lat, c.lng]; })()")
    assert after == centre
    assert page.evaluate("trackerMap.date()") == (pd.Timestamp(date) + pd.Timedelta("1D")).strftime(
        "%Y-%m-%d")


def tab_until(page, test: str, limit: int = 80) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return !!({test}); }})()"):
            return True
    return False


def test_focus_ring_is_visible(page):
    assert tab_until(page, "e.classList.contains('trk-play')")
    style = page.evaluate("""(() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor, s.boxShadow]; })()""")
    assert style[0] == "solid" and style[1] >= 3
    assert style[2] == "rgb(255, 191, 0)" and "rgb(29, 29, 31)" in style[3]  # light ring, dark halo


def test_districts_are_reached_by_tab_and_opened_by_enter(page):
    assert tab_until(page, "e.classList && e.classList.contains('trk-district')", limit=120)
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    page.wait_for_selector(".trk-pop")
    name = page.locator(".trk-pop-name").inner_text()
    assert label.startswith(name + ": ")
    page.keyboard.press("Tab")  # the next district
    assert page.evaluate("document.activeElement.classList.contains('trk-district')")


def test_slider_announces_the_date(page):
    page.evaluate("trackerMap.setDate('2021-06-09')")
    slider = page.locator(".trk-slider")
    assert slider.get_attribute("aria-valuetext") == "9 June 2021"
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert slider.get_attribute("aria-valuetext") == "10 June 2021"
    live = page.locator("[aria-live=polite]")
    page.wait_for_function("document.querySelector('[aria-live=polite]').textContent.includes('10 June 2021')")
    assert live.count() == 1


# --- playback and dates ------------------------------------------------------------------------
def test_playback_continues_from_where_the_slider_is_put(page):
    page.evaluate("trackerMap.setDate('2021-01-01')")
    page.locator(".trk-play").click()
    page.wait_for_timeout(400)
    # drag the slider while playing (an input event, as a drag gives)
    k = page.evaluate("""(() => { const s = document.querySelector('.trk-slider');
        s.value = '250'; s.dispatchEvent(new Event('input')); return +s.value; })()""")
    page.wait_for_timeout(700)
    dates = page.evaluate("trackerMap.dates()")
    now = dates.index(page.evaluate("trackerMap.date()"))
    assert k < now <= k + 8  # it went on from there, not from January
    page.evaluate("trackerMap.setDate('2021-03-01')")  # and after setDate too
    page.wait_for_timeout(500)
    now = dates.index(page.evaluate("trackerMap.date()"))
    assert dates.index("2021-03-01") < now <= dates.index("2021-03-01") + 6
    page.locator(".trk-play").click()


def test_dates_outside_are_clamped_and_impossible_ones_refused(page, story):
    assert page.evaluate("trackerMap.setDate('2030-01-01')") == "2021-11-10"
    assert "after the last day" in page.locator(".trk-date-note").inner_text()
    assert page.evaluate("trackerMap.setDate('2001-01-01')") == "2020-12-20"
    page.evaluate("trackerMap.setDate('2021-03-01')")
    with pytest.raises(Exception, match="2021-02-30 is not a date"):
        page.evaluate("trackerMap.setDate('2021-02-30')")
    assert page.evaluate("trackerMap.date()") == "2021-03-01"
    assert "2021-02-30 is not a date" in page.locator(".trk-date-note").inner_text()
    assert page.locator(".trk-date").inner_text() == "1 March 2021"


@pytest.mark.parametrize(("hash", "date", "says"), [
    ("#2030-01-01", "2021-11-10", "after the last day"),
    ("#date=2021-02-30", "2021-11-10", "not a date"),
    ("#date=2021-04-05", "2021-04-05", "")])
def test_dates_in_the_address(browser, story, hash, date, says):
    context, pg, errors = open_page(browser, story[2], hash=hash)
    try:
        assert pg.evaluate("trackerMap.date()") == date
        note = pg.locator(".trk-date-note").inner_text() if says else ""
        assert says in note
        assert errors == []
    finally:
        context.close()


# --- full-state links ----------------------------------------------------------------------------
def test_links_keep_date_district_view_layers_and_filters(browser, page, story):
    code = story[1][150]
    page.evaluate("trackerMap.setDate('2021-07-04')")
    page.evaluate("trackerMap.map.setView([34.9, 68.2], 8, {animate: false})")
    page.locator(".leaflet-control-layers label", has_text="Province roll-up").click()
    page.locator(".leaflet-control-layers label", has_text="Province borders").click()
    page.evaluate("trackerMap.setFilters({hideUnconfirmed: true, fadeDays: 90})")
    page.evaluate(f"trackerMap.open('{code}')")
    page.wait_for_timeout(600)
    link = page.evaluate("location.hash")
    assert "date=2021-07-04" in link and f"district={code}" in link
    assert "rollup" in link and "provinces" not in link
    view = page.evaluate("[trackerMap.map.getZoom(), trackerMap.map.getCenter()]")
    context, other, errors = open_page(browser, story[2], hash=link)
    try:
        assert other.evaluate("trackerMap.date()") == "2021-07-04"
        assert other.evaluate("trackerMap.openDistrict()") == code
        got = other.evaluate("[trackerMap.map.getZoom(), trackerMap.map.getCenter()]")
        assert got[0] == view[0]
        assert abs(got[1]["lat"] - view[1]["lat"]) < 0.05 and abs(got[1]["lng"] - view[1]["lng"]) < 0.05
        layers = other.evaluate("""['Province roll-up', 'Province borders', 'Districts'].map(t =>
            Array.from(document.querySelectorAll('.leaflet-control-layers label'))
              .find(l => l.textContent.includes(t)).querySelector('input').checked)""")
        assert layers == [True, False, True]
        assert other.locator(".trk-filters input[type=checkbox]").is_checked()
        # editing the address of the open tab: the page follows
        other.evaluate("location.hash = '#date=2021-02-02&layers=districts,provinces'")
        other.wait_for_function("trackerMap.date() === '2021-02-02'")
        assert other.evaluate("trackerMap.openDistrict()") is None
        assert errors == []
    finally:
        context.close()


def test_an_edited_address_wins_over_the_pages_pending_write(browser, story):
    """The reader edits the address while the page's own write of its state is still pending;
    that write runs first (here: at once) and puts the old state back in the address bar before
    the hashchange event: the page still follows the address the reader gave."""
    context, page, errors = open_page(browser, story[2], hash="#date=2021-07-04")
    try:
        page.evaluate("""() => {
            location.hash = '#date=2021-02-02';
            history.replaceState(null, '', '#date=2021-07-04');  // the pending write, first
        }""")
        page.wait_for_function("trackerMap.date() === '2021-02-02'", timeout=5000)
        page.wait_for_function("location.hash.indexOf('date=2021-02-02') >= 0", timeout=5000)
        assert errors == []
    finally:
        context.close()


# --- search -------------------------------------------------------------------------------------
def test_search_box_finds_a_district_by_a_variant_spelling(page, boundaries):
    gaz = Gazetteer.from_boundaries(boundaries)
    code = gaz.resolve_district("Pul-e-Hisar").code
    variant = next(v for v in gaz.district_spellings()[code][1:] if v.isascii())
    box = page.locator("input[type=search]")
    box.fill(variant)
    assert page.locator(".trk-search-hit").count() >= 1
    box.press("Enter")
    page.wait_for_selector(".trk-pop")
    assert page.evaluate("trackerMap.openDistrict()") == code
    assert page.evaluate("trackerMap.map.getZoom()") >= 7
    page.evaluate("() => trackerMap.map.closePopup()")
    box.fill("kandah")
    page.locator(".trk-search-hit button").first.click()
    assert page.locator(".trk-pop-name").inner_text() == "Kandahar"
    popup_clear_of_panels(page)


# --- changes ------------------------------------------------------------------------------------
def test_changes_panel_groups_the_day_and_two_picked_dates(page, story):
    intervals, codes, _ = story
    page.locator(".trk-changes .trk-fold").click()
    day_changes = []
    for day in ("2021-03-11", "2021-06-02", "2021-08-20"):
        page.evaluate(f"trackerMap.setDate('{day}')")
        prev = (pd.Timestamp(day) - pd.Timedelta("1D")).strftime("%Y-%m-%d")
        want = timeline.changes(intervals, prev, day, districts=codes)
        got = page.evaluate("trackerMap.changes()")
        assert [(c["code"], c["change"]) for c in got] == list(
            zip(want[s.DISTRICT_CODE], want[timeline.CHANGE], strict=True))
        # the outlines follow the panel, hence the slider
        assert page.locator(".leaflet-trkDiff-pane path").count() == len(want)
        day_changes.append(len(want))
    assert sum(day_changes) > 0
    # two dates picked in the page
    page.locator(".trk-ch-from").fill("2021-04-01")
    page.locator(".trk-ch-to").fill("2021-07-15")
    page.locator(".trk-ch-to").dispatch_event("change")
    want = timeline.changes(intervals, "2021-04-01", "2021-07-15", districts=codes)
    assert page.evaluate("trackerMap.diff()") == want[s.DISTRICT_CODE].tolist()
    for kind, n in want[timeline.CHANGE].value_counts().items():
        group = page.locator(f".trk-ch-group[data-kind='{kind}']")
        assert group.locator("summary").inner_text() == f"{kind.capitalize()} ({n})"
        assert group.locator(".trk-diff-list > li").count() == n
    hands = page.locator(".trk-ch-group[data-kind='changed hands'] .trk-diff-list > li").first
    assert hands.locator(".trk-ch-events li").count() >= 1  # the events responsible
    page.evaluate("trackerMap.setDate('2021-09-01')")  # the picked dates stay
    assert page.locator(".leaflet-trkDiff-pane path").count() == len(want)
    assert "compare=2021-04-01,2021-07-15" in page.evaluate(
        "new Promise(r => setTimeout(() => r(location.hash), 400))")


# --- filters, age ------------------------------------------------------------------------------
def test_filters_hide_unconfirmed_and_fade_old_reports(page, story):
    intervals, codes, _ = story
    page.evaluate("trackerMap.setDate('2021-08-01')")
    st = timeline.state_on(intervals, "2021-08-01", districts=codes)
    unconfirmed = st[st[s.CONFIDENCE] == s.UNCONFIRMED][s.DISTRICT_CODE].tolist()
    assert len(unconfirmed) > 5
    fills = "(codes) => codes.map(c => document.querySelectorAll('path.trk-district')[trackerMap.model.byCode[c]].getAttribute('fill'))"
    before = page.evaluate(fills, unconfirmed)
    page.locator(".trk-filters input[type=checkbox]").check()
    after = page.evaluate(fills, unconfirmed)
    assert set(after) == {"#fdfdfb"} and set(before) != {"#fdfdfb"}
    assert f"{len(unconfirmed)} districts with only unconfirmed reports" in page.locator(
        ".trk-legend-filtered").inner_text()
    page.locator(".trk-filters select").select_option("30")
    assert "over 30 days old" in page.locator(".trk-legend-filtered").inner_text()
    # the oldest report on the map that day is faded, and its popup says how old it is
    ages = page.evaluate("""(() => { const m = trackerMap.model, d = TrackerModel.parseDay('2021-08-01');
        return m.dist.code.map((c, i) => { const r = m.lastReport(i, d); return r === null ? -1 : d - r; }); })()""")
    old = int(np.argmax(ages))
    assert ages[old] > 30
    opacity = page.evaluate(f"document.querySelectorAll('path.trk-district')[{old}].getAttribute('fill-opacity')")
    assert float(opacity) < 0.3
    page.evaluate(f"trackerMap.open('{codes[old]}')")
    assert f"last report {ages[old]} days before" in page.locator(".trk-pop-age").inner_text()


# --- reading the map ------------------------------------------------------------------------------
def test_district_names_appear_where_they_fit_and_never_overlap(page):
    page.evaluate(WHOLE_VIEW)
    assert page.evaluate("trackerMap.labels()") == []
    page.evaluate("trackerMap.map.setView([34.53, 69.17], 9, {animate: false})")
    shown = page.evaluate("trackerMap.labels()")
    assert len(shown) >= 5
    boxes = page.evaluate("""Array.from(document.querySelectorAll('.trk-dist-name, .trk-prov-name'))
        .filter(e => e.style.visibility !== 'hidden' && e.offsetParent !== null)
        .map(e => { const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; })""")
    assert all(not overlaps(a, b) for k, a in enumerate(boxes) for b in boxes[k + 1:])


def luminance(rgb) -> float:
    c = np.asarray(rgb, float) / 255
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(c @ [0.2126, 0.7152, 0.0722])


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def rgb_of(text: str) -> list[int]:
    text = text.strip()
    if text.startswith("#"):
        return [int(text[k:k + 2], 16) for k in (1, 3, 5)]
    return [int(float(v)) for v in text[text.index("(") + 1:text.index(")")].split(",")[:3]]


def test_province_borders_stand_out_on_every_fill_and_no_information_from_the_ground(page):
    lines = page.evaluate("""Array.from(document.querySelectorAll('.leaflet-trkLines-pane path'))
        .map(p => [p.getAttribute('stroke'), +p.getAttribute('stroke-width'), p.getAttribute('class')])""")
    casing = [x for x in lines if "trk-prov-casing" in x[2]]
    line = [x for x in lines if "trk-prov-line" in x[2]]
    assert casing and line and casing[0][1] >= 2 * line[0][1]  # the casing shows on both sides
    fills = [*page.evaluate("trackerMap.model.actors.map(a => a.color)"), "#fdfdfb"]
    for fill in fills:  # one of the two always stands out (WCAG non-text contrast 3:1)
        assert max(contrast(rgb_of(casing[0][0]), rgb_of(fill)),
                   contrast(rgb_of(line[0][0]), rgb_of(fill))) >= 3, fill
    ground = page.evaluate("getComputedStyle(document.querySelector('.trk-map')).backgroundColor")
    assert contrast(rgb_of(ground), rgb_of("#fdfdfb")) >= 1.8


def test_popups_never_open_under_a_panel(page, story, boundaries):
    codes = boundaries.districts.assign(
        x=boundaries.districts.geometry.representative_point().x,
        y=boundaries.districts.geometry.representative_point().y)
    picks = [codes.loc[codes["y"].idxmax()], codes.loc[codes["x"].idxmax()],
             codes.loc[codes["x"].idxmin()], codes.loc[codes["y"].idxmin()]]
    for row in picks:
        page.evaluate(WHOLE_VIEW)
        page.evaluate(f"trackerMap.open('{row[s.DISTRICT_CODE]}')")
        popup_clear_of_panels(page)
        page.evaluate("() => trackerMap.map.closePopup()")


# --- the phone ---------------------------------------------------------------------------------
def test_phone_layout(phone):
    view = phone.viewport_size
    panels = phone.evaluate(PANELS)
    covered = sum((p["r"] - p["l"]) * (p["b"] - p["t"]) for p in panels)
    assert covered / (view["width"] * view["height"]) < 0.25
    width = phone.evaluate("""(() => { const b = trackerMap.map.getBounds(), m = trackerMap.map;
        const d = m.latLngToContainerPoint([33, 60.5]), e = m.latLngToContainerPoint([33, 74.9]);
        return e.x - d.x; })()""")
    assert width >= 0.8 * view["width"]
    # the whole slider can be tapped: nothing lies over it
    box = rect(phone, ".trk-slider")
    for f in (0.03, 0.5, 0.8, 0.97):
        x, y = box["l"] + f * (box["r"] - box["l"]), (box["t"] + box["b"]) / 2
        assert phone.evaluate(f"document.elementFromPoint({x}, {y}).className") == "trk-slider"
    phone.touchscreen.tap(box["l"] + 0.9 * (box["r"] - box["l"]), (box["t"] + box["b"]) / 2)
    dates = phone.evaluate("trackerMap.dates()")
    assert abs(dates.index(phone.evaluate("trackerMap.date()")) - 0.9 * len(dates)) < 0.05 * len(dates)
    # the credit is behind the (i) button
    assert rect(phone, ".leaflet-control-attribution") is None
    phone.locator(".trk-info").tap()
    credit = rect(phone, ".leaflet-control-attribution")
    assert credit is not None and credit["r"] <= view["width"]
    assert "humanitarian" in phone.locator(".leaflet-control-attribution").inner_text()
    phone.locator(".trk-info").tap()
    # legend folded, a tap opens it
    assert rect(phone, ".trk-legend .trk-fold-body") is None
    phone.locator(".trk-legend .trk-fold").tap()
    assert rect(phone, ".trk-legend .trk-fold-body") is not None
    phone.locator(".trk-legend .trk-fold").tap()


def test_phone_popup_fits_the_screen_with_its_close_button(phone, story):
    for code in (story[1][0], story[1][200], story[1][-1]):
        phone.evaluate(f"trackerMap.open('{code}')")
        popup_clear_of_panels(phone)
        box = rect(phone, ".leaflet-popup-content-wrapper")
        assert box["r"] - box["l"] <= 0.9 * 390 + 1
        close = rect(phone, ".leaflet-popup-close-button")
        assert close["l"] >= 0 and close["r"] <= 390 and close["t"] >= 0
        phone.locator(".leaflet-popup-close-button").tap()
        phone.wait_for_selector(".leaflet-popup", state="detached")


def test_phone_pinch_zooms_the_map(phone):
    metas = phone.evaluate("Array.from(document.querySelectorAll('meta[name=viewport]')).map(m => m.content)")
    assert "user-scalable=no" not in metas[-1]
    before = phone.evaluate("trackerMap.map.getZoom()")
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Input.synthesizePinchGesture", {"x": 195, "y": 420, "scaleFactor": 2.5,
                                               "gestureSourceType": "touch"})
    phone.wait_for_timeout(600)
    assert phone.evaluate("trackerMap.map.getZoom()") > before + 0.5


# --- print -------------------------------------------------------------------------------------
def test_print_shows_map_title_date_legend_credit_and_no_controls(page):
    page.evaluate("trackerMap.setDate('2021-08-15')")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    for hidden in (".leaflet-control-zoom", ".leaflet-control-layers", ".trk-search", ".trk-play",
                   ".trk-slider", ".trk-changes"):
        assert rect(page, hidden) is None, hidden
    for kept in (".trk-title-main", ".trk-date", ".trk-legend .trk-legend-row",
                 ".leaflet-control-attribution"):
        assert rect(page, kept) is not None, kept
    assert page.locator(".trk-title-main").inner_text() == "Briefing map"
    assert page.locator(".trk-date").inner_text() == "15 August 2021"
    box = page.evaluate("""(() => { const m = trackerMap.map, b = m.getBounds();
        const a = m.latLngToContainerPoint([38.5, 60.5]), z = m.latLngToContainerPoint([29.4, 74.9]);
        return [a.x, a.y, z.x, z.y, m.getSize().x, m.getSize().y]; })()""")
    assert box[0] >= -5 and box[1] >= -5 and box[2] <= box[4] + 5 and box[3] <= box[5] + 5
    pdf = page.pdf()
    assert pdf[:4] == b"%PDF" and len(pdf) > 50_000
    page.emulate_media(media="screen")


# --- the chart's contract ------------------------------------------------------------------------
def test_date_event_and_series_for_the_chart(page, story):
    intervals, codes, _ = story
    page.evaluate("""window.__seen = [];
        document.addEventListener('tracker:date', e => window.__seen.push(e.detail.date));""")
    page.evaluate("trackerMap.setDate('2021-05-05')")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("window.__seen") == ["2021-05-05", "2021-05-06"]
    series = page.evaluate("trackerMap.series()")
    assert series["dates"] == page.evaluate("trackerMap.dates()")
    k = series["dates"].index("2021-05-06")
    st = timeline.state_on(intervals, "2021-05-06", districts=codes)
    want = spatial.categories(st[s.STATUS], st[s.CONTROLLER]).value_counts().to_dict()
    assert {name: v[k] for name, v in series["series"].items() if v[k]} == want


# --- Python and the page agree on a real database with five-level data ------------------------
@pytest.fixture(scope="module")
def five_level(tmp_path_factory, boundaries):
    tmp = tmp_path_factory.mktemp("five")
    codes = boundaries.districts[s.DISTRICT_CODE].tolist()
    iv = hand_intervals(codes, seed=3, n_changes=700, start="2021-03-01", days=200)
    iv = iv[iv[s.STATUS] != s.DISPUTED]  # events say what they saw; disputes come from them
    rows = pd.DataFrame({
        "event_id": [f"e{k}" for k in range(len(iv))], "date": iv[s.START].dt.strftime("%Y-%m-%d"),
        "district": iv[s.DISTRICT_CODE], "controller": iv[s.CONTROLLER], "status": iv[s.STATUS],
        "confidence": iv[s.CONFIDENCE], "source": "Agency"})
    csv = tmp / "events.csv"
    rows.to_csv(csv, index=False)
    t = tracker.connect(f"sqlite:///{tmp / 'five.db'}")
    t.init(scale="five-level")
    t.import_csv(csv)
    path = html_map.save_map(t.map(start="2021-03-01", end="2021-09-30"), tmp / "five.html")
    return t, path


def test_page_rollup_legend_and_changes_agree_with_python_on_five_level_data(browser, five_level):
    t, path = five_level
    context, pg, errors = open_page(browser, path)
    try:
        influenced = 0
        for date in ("2021-04-01", "2021-06-10", "2021-08-21", "2021-09-30"):
            pg.evaluate(f"trackerMap.setDate('{date}')")
            want = t.provinces(date)
            roll = pg.evaluate("trackerMap.rollup()")
            for prov, part in want.groupby(s.PROVINCE_CODE):
                got = {k: (share, n) for k, share, n in roll[prov]}
                assert got.keys() == set(part[spatial.CATEGORY]), (date, prov)
                for cat, share, n in zip(part[spatial.CATEGORY], part[spatial.SHARE],
                                         part[spatial.DISTRICTS], strict=True):
                    assert abs(got[cat][0] - share) < 1e-3 and got[cat][1] == n, (date, prov)
            status = t.status(date)
            counts = spatial.categories(status[s.STATUS], status[s.CONTROLLER]).value_counts()
            shown = pg.evaluate("trackerMap.legendShown()")
            assert {k: int(v) for k, v in shown.items() if v != "0"} == counts.to_dict()
            influenced += int(counts[counts.index.str.endswith("(influenced)")].sum())
            # with the roll-up on, the legend gives shares of area, and says so
            pg.locator(".leaflet-control-layers label", has_text="Province roll-up").click()
            every = want[want[s.PROVINCE_CODE] == spatial.ALL_PROVINCES]
            shown = pg.evaluate("trackerMap.legendShown()")
            for cat, share in zip(every[spatial.CATEGORY], every[spatial.SHARE], strict=True):
                assert shown[cat] == f"{round(share * 100)}%"
            assert "share of" in pg.locator(".trk-legend-mode").inner_text()
            pg.locator(".leaflet-control-layers label", has_text="Province roll-up").click()
        assert influenced > 20
        diff = t.diff("2021-04-01", "2021-08-21")
        pg.evaluate("trackerMap.compare('2021-04-01', '2021-08-21')")
        got = pg.evaluate("trackerMap.changes()")
        assert [(c["code"], c["change"]) for c in got] == list(
            zip(diff[s.DISTRICT_CODE], diff[timeline.CHANGE], strict=True))
        assert errors == []
    finally:
        context.close()


def test_rollup_colours_by_the_largest_known_share(browser, five_level):
    t, path = five_level
    context, pg, _ = open_page(browser, path)
    try:
        pg.evaluate("trackerMap.setDate('2021-04-01')")  # early: much is still unknown
        pg.locator(".leaflet-control-layers label", has_text="Province roll-up").click()
        roll = t.provinces("2021-04-01")
        roll = roll[roll[s.PROVINCE_CODE] != spatial.ALL_PROVINCES]
        fills = pg.evaluate("""Array.from(document.querySelectorAll('.leaflet-trkRollup-pane path'))
            .map(p => [p.getAttribute('fill'), +p.getAttribute('fill-opacity')])""")
        colors = {a: c for a, c in pg.evaluate(
            "trackerMap.model.actors.map(a => [a.name, a.color])")}
        provs = sorted(roll[s.PROVINCE_CODE].unique())
        checked = 0
        for k, prov in enumerate(provs):
            part = roll[roll[s.PROVINCE_CODE] == prov]
            known = part[part[s.STATUS] != s.UNKNOWN].sort_values(spatial.SHARE, ascending=False)
            unknown = part.loc[part[s.STATUS] == s.UNKNOWN, spatial.SHARE].sum()
            if known.empty or known[s.STATUS].iloc[0] != s.CONTROLLED:
                continue
            # the top actor's colour, paled towards white (every channel by one ratio), opaque
            fill, actor = np.array(rgb_of(fills[k][0]), float), np.array(rgb_of(
                colors[known[s.CONTROLLER].iloc[0]]), float)
            ratio = (255 - fill) / np.maximum(255 - actor, 1)
            assert np.ptp(ratio[actor < 250]) < 0.03 and fills[k][1] == 1, prov
            if unknown > 0.5:  # mostly unknown: drawn, but pale
                assert ratio.max() < 0.6, prov
                checked += 1
        assert checked >= 1
    finally:
        context.close()


# --- CLI -----------------------------------------------------------------------------------------
def test_cli_map_title_and_diff_change_column(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["demo", "--db", url, "--out", str(tmp_path / "d.html")]).exit_code == 0
    out = tmp_path / "brief.html"
    done = runner.invoke(main, ["map", "--db", url, "--title", "Briefing <21 Aug>", "--out", str(out)])
    assert done.exit_code == 0, done.output
    page = out.read_text(encoding="utf-8")
    assert "<title>Briefing &lt;21 Aug&gt;</title>" in page
    diff = runner.invoke(main, ["diff", "--from", "2021-08-14", "--to", "2021-08-21", "--db", url,
                                "--format", "csv"])
    assert diff.exit_code == 0, diff.output
    table = pd.read_csv(pd.io.common.StringIO(diff.output))
    kinds = table["change"].value_counts()
    # a week of the 2021 offensive: mostly districts reported for the first time, some handovers
    assert kinds[timeline.FIRST_REPORT] > 0.7 * len(table)
    assert kinds[timeline.CHANGED_HANDS] >= 5
    assert set(kinds.index) <= set(timeline.CHANGE_KINDS)
