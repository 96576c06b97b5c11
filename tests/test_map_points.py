"""The map's "ACLED events" layer in a real headless Chromium (network blocked): the events of the
window ending on each slider date, the switch, popups as text only, the size guard and the CLI.

ACLED rows use real places and coordinates (the district each point falls in was checked against
the shipped boundaries, as in test_ingest_acled.py). What the page should show is computed here
from these rows and the window rule, not by the code under test.
"""

from __future__ import annotations

import json
import re

import acled_files
import numpy as np
import pandas as pd
import pytest
from acled_files import GOV, PLACES, write_acled
from browser_pages import open_page
from click.testing import CliRunner

import tracker
from tracker._errors import InputError
from tracker.cli import main
from tracker.core import schema as s
from tracker.render import html_map
from tracker.render import points as render_points

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
START, END, WINDOW = "2021-08-05", "2021-08-25", 7
# The palette the module's docstring and the README document.
PALETTE = {"Battles": "#d7191c", "Explosions/Remote violence": "#f07c00",
           "Violence against civilians": "#7b3294", "Strategic developments": "#1a9850",
           "Protests": "#2b83ba", "Riots": "#e7298a"}


def acled_row(eid: str, place: str, date: str, **columns: object) -> dict[str, object]:
    """A clash (``columns`` override any column), stamped 2021-08-26."""
    return acled_files.acled_row(eid, place, date=date, **{
        "sub": "Armed clash", "event_type": "Battles", "ts": 1_630_000_000, **columns})


def rows() -> list[dict[str, object]]:
    out = [  # a change of control, so the map has a control layer
        acled_row("AFG1", "Pul-e-Khumri", "2021-08-10", event_type="Strategic developments",
                  sub="Non-state actor overtakes territory"),
        acled_row("AFG2", "Kunduz", "2021-07-29"),  # one day before any window: never shown
        acled_row("AFG3", "Kunduz", "2021-07-30", fatalities=3),  # only on the first day
        acled_row("AFG4", "Kabul", "2021-08-26"),  # after the last day: never shown
        acled_row("AFG5", "Kabul", "2021-08-18", precision=2,  # week: Monday 16 August
                  event_type="Explosions/Remote violence", sub="Remote explosive/landmine/IED"),
        acled_row("AFG6", "Zaranj", "2021-08-15", precision=3,  # month: 1 August
                  event_type="Protests", sub="Peaceful protest", actor1="Protesters (Afghanistan)",
                  actor2=""),
        acled_row("AFG7", "Bazarak", "2021-08-20", event_type="Violence against civilians",
                  sub="Attack", fatalities=100, actor1="Actor " + XSS, location="Loc " + XSS,
                  notes="Note " + XSS, source="Src " + XSS),
        acled_row("AFG8", "Kabul", "2021-08-12", event_type="Riots", sub="Mob violence",
                  fatalities=10),
        acled_row("AFG9", "Pul-e-Khumri", "2021-08-01", event_type="Something else", sub="Other"),
    ]
    rng = np.random.default_rng(5)  # and a spread of battles over the whole span
    for k, day in enumerate(pd.date_range("2021-07-25", "2021-08-31", freq="D")):
        for j in range(int(rng.integers(0, 3))):
            out.append(acled_row(f"AFG{100 + 3 * k + j}", str(rng.choice(list(PLACES))),
                                 f"{day:%Y-%m-%d}", fatalities=int(rng.integers(0, 30))))
    return out


def effective_day(row: dict[str, object]) -> pd.Timestamp:
    """ACLED's date as the tracker keeps it: the first day of the week (Monday) or month."""
    day = pd.Timestamp(str(row["event_date"]))
    if row["time_precision"] == 2:
        return day - pd.Timedelta(days=day.weekday())
    if row["time_precision"] == 3:
        return day.replace(day=1)
    return day


def expected_on(all_rows, day: str, window: int = WINDOW) -> set[str]:
    d = pd.Timestamp(day)
    return {str(r["event_id_cnty"]) for r in all_rows
            if d - pd.Timedelta(days=window - 1) <= effective_day(r) <= d}


def frames(page, n: int = 2) -> None:
    page.evaluate("(n) => new Promise(r => { const f = () => --n ? requestAnimationFrame(f) "
                  ": r(); requestAnimationFrame(f); })", n)


def painted(page) -> int:
    """Pixels drawn on the events' canvas."""
    return page.evaluate("""() => {
        const c = document.querySelector('.leaflet-trkPoints-pane canvas');
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < px.length; i += 4) if (px[i]) n++;
        return n;
    }""")


@pytest.fixture(scope="module")
def acled_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("points")
    t = tracker.connect(f"sqlite:///{folder / 'tracker.db'}")
    t.init()
    all_rows = rows()
    report = t.import_file(write_acled(folder / "acled.csv", all_rows), format="acled")
    assert report.points_added == len(all_rows)
    yield t, all_rows, folder
    t.engine.dispose()


@pytest.fixture(scope="module")
def page(browser, acled_db):
    t, _, folder = acled_db
    path = html_map.save_map(t.map(start=START, end=END, points=True, points_window=WINDOW),
                           folder / "map.html")
    seen: list[str] = []
    context, pg, errors = open_page(browser, path, seen)
    yield pg
    assert errors == [], errors
    assert seen == [], f"the offline map asked the network for {seen}"
    context.close()


@pytest.mark.browser
def test_each_slider_date_shows_the_window_ending_on_it(page, acled_db):
    _, all_rows, _ = acled_db
    dates = page.evaluate("trackerMap.dates()")
    assert dates[0] == START and dates[-1] == END
    order = dates + list(reversed(dates[::3]))  # every day, then jumps backwards
    got = page.evaluate("(ds) => ds.map(d => { trackerMap.setDate(d); "
                        "return trackerMap.visiblePoints(); })", order)
    for d, ids in zip(order, got, strict=True):
        assert len(ids) == len(set(ids))
        assert set(ids) == expected_on(all_rows, d), d
    assert sum(map(len, got)) > 100  # there was something to compare
    seen = set().union(*map(set, got))
    assert {"AFG3", "AFG5", "AFG6", "AFG9"} <= seen
    assert not seen & {"AFG2", "AFG4"}


@pytest.mark.browser
def test_keyboard_and_slider_moves_redraw_the_layer(page, acled_db):
    _, all_rows, _ = acled_db
    page.evaluate("trackerMap.setDate('2021-08-20')")
    total = page.locator(".trk-pts .trk-pts-head .trk-legend-count")
    assert int(total.inner_text()) == len(expected_on(all_rows, "2021-08-20"))
    page.locator(".trk-title").click()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    assert page.evaluate("trackerMap.date()") == "2021-08-17"
    assert int(total.inner_text()) == len(expected_on(all_rows, "2021-08-17"))
    page.locator(".trk-slider").fill("0")  # the range input, as a reader drags it
    assert int(total.inner_text()) == len(expected_on(all_rows, START))
    counts = dict(zip(page.locator(".trk-pts .trk-legend-row .trk-legend-label").all_inner_texts(),
                      map(int, page.locator(".trk-pts .trk-legend-row .trk-legend-count")
                          .all_inner_texts()), strict=True))
    want = pd.Series([r["event_type"] for r in all_rows
                      if str(r["event_id_cnty"]) in expected_on(all_rows, START)]).value_counts()
    assert {k: v for k, v in counts.items() if v} == want.to_dict()


@pytest.mark.browser
def test_switching_the_layer_off_hides_the_markers(page, acled_db):
    _, all_rows, _ = acled_db
    page.evaluate("trackerMap.setDate('2021-08-20')")
    frames(page)
    assert painted(page) > 200
    toggle = page.locator(".trk-pts-toggle")
    toggle.click()
    frames(page)
    assert page.evaluate("trackerMap.visiblePoints()") == []
    assert painted(page) == 0
    page.evaluate("trackerMap.setDate('2021-08-12')")  # stays off while the date moves
    frames(page)
    assert painted(page) == 0
    toggle.click()
    frames(page)
    assert set(page.evaluate("trackerMap.visiblePoints()")) == expected_on(all_rows, "2021-08-12")
    assert painted(page) > 200


@pytest.mark.browser
def test_colours_follow_the_documented_palette_and_size_the_fatalities(page, acled_db):
    _, all_rows, _ = acled_db
    style = {r["event_id_cnty"]: page.evaluate(f"trackerMap.pointStyle('{r['event_id_cnty']}')")
             for r in all_rows[:9] if r["event_id_cnty"] not in ("AFG2", "AFG4")}
    for r in all_rows[:9]:
        if r["event_id_cnty"] in style:
            assert style[r["event_id_cnty"]]["fill"] == PALETTE.get(r["event_type"], "#8c8c8c")
    # AFG9 (0 killed) < AFG3 (3) < AFG8 (10) < AFG7 (100)
    radii = [style[k]["radius"] for k in ("AFG9", "AFG3", "AFG8", "AFG7")]
    assert radii == sorted(radii) and len(set(radii)) == 4


@pytest.mark.browser
def test_click_on_a_marker_opens_its_popup_and_beside_it_the_district(page, acled_db):
    _, all_rows, _ = acled_db
    page.evaluate("trackerMap.setDate('2021-08-06')")  # AFG6, of August, shows 1-7 August
    page.evaluate("trackerMap.map.fitBounds([[29.3, 60.5], [38.5, 75]], {animate: false})")
    frames(page)
    x, y = page.evaluate("trackerMap.pointAt('AFG6')")  # Zaranj, far from the other places
    page.mouse.click(x, y)
    popup = page.locator(".trk-pt")
    # every event shown at Zaranj's coordinates is in the popup, one block each
    here = {r["event_id_cnty"] for r in all_rows if r["location"] == "Zaranj"}
    want = expected_on(all_rows, "2021-08-06") & here
    assert len(want) >= 2  # so the list is a list
    ids = {re.search(r"ACLED (\S+)$", b).group(1) for b in popup.all_inner_texts()}
    assert ids == want
    assert page.locator(".trk-pt-count").text_content() == f"{len(want)} events here"
    text = popup.filter(has_text="ACLED AFG6").inner_text()
    assert "Protests" in text and "Peaceful protest" in text
    assert "Aug 2021 (date known to the month)" in text
    assert "Protesters (Afghanistan)" in text and " vs " not in text
    assert "Zaranj" in text and "Nimroz" in text
    page.evaluate("() => { trackerMap.map.closePopup(); }")
    page.wait_for_selector(".leaflet-popup", state="detached")
    page.mouse.click(x + 40, y - 40)  # a district beside it, under the events' canvas
    assert page.locator(".trk-pop-name").count() == 1
    assert page.locator(".trk-pt").count() == 0
    page.evaluate("() => { trackerMap.map.closePopup(); }")


@pytest.mark.browser
def test_popup_marks_a_week_and_lists_every_field(page):
    page.evaluate("trackerMap.setDate('2021-08-18')")
    page.evaluate("trackerMap.openPoint('AFG5')")
    text = page.locator(".trk-pt").inner_text()
    for part in ("Explosions/Remote violence", "Remote explosive/landmine/IED",
                 "week of 16 Aug 2021 (date known to the week)", "Taliban", " vs ", GOV,
                 "Fatalities", "Kabul", "Pajhwok Afghan News", "On 2021-08-18, Taliban ... in Kabul.",
                 "ACLED AFG5"):
        assert part in text, part
    page.evaluate("() => { trackerMap.map.closePopup(); }")


@pytest.mark.browser
def test_texts_from_outside_show_as_text_and_run_nothing(page):
    page.evaluate("trackerMap.setDate('2021-08-20')")
    page.evaluate("trackerMap.openPoint('AFG7')")
    text = page.locator(".trk-pt").inner_text()
    for part in ("Actor " + XSS, "Loc " + XSS, "Note " + XSS, "Src " + XSS, "Fatalities\n100"):
        assert part in text, part
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x']").count() == 0
    assert page.locator(".trk-pt script").count() == 0
    page.evaluate("() => { trackerMap.map.closePopup(); }")


# --- without a browser ---------------------------------------------------------------------------
def generated(n: int, *, day: str = "2021-08-10") -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        "acled_id": [f"G{i}" for i in range(n)], s.DATE: pd.Timestamp(day),
        "event_type": "Battles", "latitude": rng.uniform(30, 38, n),
        "longitude": rng.uniform(61, 74, n),
    })


def test_more_events_than_a_map_can_show_is_refused_with_the_count():
    start, end = pd.Timestamp("2021-08-01"), pd.Timestamp("2021-08-31")
    too_many = render_points.MAX_POINTS + 1
    with pytest.raises(InputError) as err:
        render_points.points_payload(generated(too_many), start=start, end=end)
    message = str(err.value)
    assert f"{too_many:,}" in message and "--start/--end" in message and "\n" not in message
    # events outside the span do not count; the limit itself is accepted
    frame = generated(too_many)
    frame.loc[0, s.DATE] = pd.Timestamp("2021-09-01")
    assert len(render_points.points_payload(frame, start=start, end=end)["id"]) == too_many - 1


def test_payload_is_compact_and_loses_nothing_shown():
    frame = generated(300)
    frame[s.DATE] = pd.Timestamp("2021-08-01") + pd.to_timedelta(np.arange(300) % 40, unit="D")
    frame["actor1"] = np.where(np.arange(300) % 2, "Taliban", "Other side")
    frame["notes"] = [f"note {i}" for i in range(300)]
    data = render_points.points_payload(frame, start=pd.Timestamp("2021-08-05"),
                                        end=pd.Timestamp("2021-09-01"), window=5)
    inside = frame[(frame[s.DATE] >= "2021-08-01") & (frame[s.DATE] <= "2021-09-01")]
    assert sorted(data["id"]) == sorted(inside["acled_id"])
    days = np.cumsum(data["day"])
    by_id = inside.set_index("acled_id")
    want = (by_id.loc[data["id"], s.DATE] - pd.Timestamp("1970-01-01")) // pd.Timedelta("1D")
    assert days.tolist() == want.tolist() and days.tolist() == sorted(days.tolist())
    assert data["lat"] == [round(v, 4) for v in by_id.loc[data["id"], "latitude"]]
    assert len(data["strings"]) == len(set(data["strings"]))  # each text once
    assert {data["strings"][i] for i in data["a1"]} == {"Taliban", "Other side"}
    text = html_map.safe_json(data)
    assert len(re.findall(r'"Taliban"', text)) == 1


def test_cli_map_points_writes_the_layer(fresh, tmp_path):
    all_rows = rows()
    fresh.import_file(write_acled(tmp_path / "acled.csv", all_rows), format="acled")
    out = tmp_path / "points.html"
    result = CliRunner().invoke(main, ["map", "--db", fresh.url, "--start", "2021-08-10",
                                       "--end", "2021-08-20", "--points", "--points-window", "3",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "TrackerPoints.attach(" in page
    data = json.loads(re.search(r'<script type="application/json" id="tracker-points">(.*?)'
                                r"</script>", page, flags=re.S).group(1))
    assert data["window"] == 3
    embedded = {str(r["event_id_cnty"]) for r in all_rows
                if pd.Timestamp("2021-08-08") <= effective_day(r) <= pd.Timestamp("2021-08-20")}
    assert set(data["id"]) == embedded
    again = tmp_path / "again.html"
    CliRunner().invoke(main, ["map", "--db", fresh.url, "--start", "2021-08-10", "--end",
                              "2021-08-20", "--points", "--points-window", "3", "--out", str(again)])
    assert again.read_bytes() == out.read_bytes()  # the same data, the same file
    plain = tmp_path / "plain.html"
    result = CliRunner().invoke(main, ["map", "--db", fresh.url, "--out", str(plain)])
    assert result.exit_code == 0, result.output
    assert "tracker-points" not in plain.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["map", "--db", fresh.url, "--points", "--points-window",
                                       "0", "--out", str(plain)])
    assert result.exit_code == 2 and "points-window" in result.output
