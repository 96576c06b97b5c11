"""Which reports a map page lists (``Tracker.map(reports=...)``): every report, or the control
periods alone above a size, saying so, on the shipped 2021 events and in a real Chromium."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from browser_pages import open_page
from click.testing import CliRunner

from tracker._errors import InputError
from tracker.cli import main
from tracker.render import html_map


def page_data(m) -> dict:
    text = m.get_root().render()
    start = text.index(f'id="{html_map.DATA_ID}">') + len(f'id="{html_map.DATA_ID}">')
    return json.loads(text[start:text.index("</script>", start)])


def listed(data: dict) -> int:
    return sum(len(rows) for rows in data["districts"]["events"]) // 9


def not_retracted(events) -> int:
    return int(events["retracted_at"].isna().sum())


def test_all_lists_every_report_none_only_the_periods(story):
    shown = not_retracted(story.events())
    every = page_data(story.map(reports="all"))
    assert listed(every) == shown and every["reports"]["leftOut"] == 0
    periods = page_data(story.map(reports="none"))
    assert listed(periods) == 0
    assert periods["reports"]["leftOut"] == shown
    # the control periods are the same either way (their texts come first in the strings)
    assert periods["districts"]["hist"] == every["districts"]["hist"]


def test_auto_lists_the_reports_up_to_the_limit(story, monkeypatch):
    assert listed(page_data(story.map())) > 0  # a few hundred events: listed
    monkeypatch.setattr(html_map, "MAX_REPORTS", 10)
    data = page_data(story.map())
    assert listed(data) == 0 and data["reports"]["leftOut"] == not_retracted(story.events())


def test_retracted_reports_are_neither_listed_nor_counted_as_left_out(fresh):
    from conftest import SHIPPED_EVENTS

    fresh.import_csv(SHIPPED_EVENTS)
    gone = fresh.events()["event_id"].iloc[[3, 40, 41]].tolist()
    for event_id in gone:
        fresh.retract(event_id, reason="test: the report was wrong")
    total = len(fresh.events())
    every = page_data(fresh.map(reports="all"))
    periods = page_data(fresh.map(reports="none"))
    assert periods["reports"]["leftOut"] == listed(every) == total - len(gone)
    # as known before the retractions were recorded (today), the reports still counted
    before = page_data(fresh.map(reports="none", known_on="2021-12-31"))
    assert before["reports"]["leftOut"] == total


@pytest.mark.parametrize("known_on", ["2021-07-01", "2021-08-16", "2021-08-31"])
def test_the_reports_left_out_are_those_known_on_the_day_drawn(story, known_on):
    known = story.events(known_on=known_on)  # as known then: later retractions not yet made
    assert 0 < len(known) < len(story.events())
    every = page_data(story.map(reports="all", known_on=known_on))
    periods = page_data(story.map(reports="none", known_on=known_on))
    assert periods["reports"]["leftOut"] == listed(every) == not_retracted(known)


def test_an_unknown_mode_is_refused_in_one_line(story, tmp_path):
    with pytest.raises(InputError, match="reports='every' is not one of auto, all, none"):
        story.map(reports="every")
    out = CliRunner().invoke(main, ["map", "--reports", "every", "--db", story.url,
                                    "--out", str(tmp_path / "m.html")])
    assert out.exit_code == 2 and "'every' is not one of" in out.output


@pytest.mark.browser
def test_a_page_without_reports_says_so_in_the_popup(story, browser, tmp_path):
    out = tmp_path / "map.html"
    run = CliRunner().invoke(main, ["map", "--reports", "none", "--db", story.url,
                                    "--out", str(out)])
    assert run.exit_code == 0, run.output
    shown = f"{not_retracted(story.events()):,}"
    assert f"not the {shown} reports (`--reports all` lists them)" in run.output
    context, page, errors = open_page(browser, out)
    page.evaluate("trackerMap.setDate('2021-08-20')")
    code = page.evaluate("""(() => { const m = trackerMap.model;
        return m.dist.code.find((c, i) => m.dist.hist[i].length > 0); })()""")
    page.evaluate(f"trackerMap.open('{code}')")
    popup = page.locator(".trk-pop")
    text = popup.text_content()
    assert "Control periods to" in text and f"leaves out the {shown} reports" in text
    assert "tracker history" in text
    assert page.locator(".trk-pop-age").count() == 0 or not page.locator(
        ".trk-pop-age").inner_text().strip()
    assert popup.locator("ol.trk-hist li").count() >= 1
    # no day of a last report here: the fade filter is off, whatever asks for it, and says why
    fade = page.locator(".trk-filters select")
    assert fade.is_disabled() and "--reports all" in page.locator(".trk-filter-off").inner_text()
    page.evaluate("trackerMap.setFilters({fadeDays: 30})")
    assert fade.input_value() == "0"
    assert "faded" not in page.locator(".trk-legend-filtered").inner_text()
    page.evaluate("location.hash = 'filter=fade90'")
    page.wait_for_timeout(100)
    assert fade.input_value() == "0"
    assert errors == []
    context.close()
    # a page listing the reports fades districts whose last report is old
    full = tmp_path / "full.html"
    assert CliRunner().invoke(main, ["map", "--db", story.url, "--out", str(full)]).exit_code == 0
    context, page, errors = open_page(browser, full)
    fade = page.locator(".trk-filters select")
    assert not fade.is_disabled() and page.locator(".trk-filter-off").count() == 0
    page.evaluate("trackerMap.setFilters({fadeDays: 30})")
    assert fade.input_value() == "30"
    assert "faded where the last report is over 30 days old" in page.locator(
        ".trk-legend-filtered").inner_text()
    page.evaluate("location.hash = 'filter=fade90'")  # the link that the page above ignores
    page.wait_for_function("document.querySelector('.trk-filters select').value === '90'")
    assert errors == []
    context.close()


def _day_number(day: str) -> int:
    return (pd.Timestamp(day) - pd.Timestamp("1970-01-01")).days


@pytest.mark.browser
def test_a_page_as_known_on_a_day_says_so_and_its_slider_stops_there(story, browser, tmp_path):
    known = "2021-08-16"
    iv = story.intervals(known_on=known)
    last_change = pd.concat([iv["start"], iv["end"]]).max()
    assert last_change + pd.Timedelta(days=7) > pd.Timestamp(known)  # the default pad passes it
    data = page_data(story.map(known_on=known))
    assert data["meta"]["knownOn"] == _day_number(known)
    assert data["t"]["end"] == _day_number(known)  # nothing after it was known then
    later = page_data(story.map(known_on="2022-06-30"))  # long after: the usual span
    every = story.intervals(known_on="2022-06-30")
    padded = pd.concat([every["start"], every["end"]]).max() + pd.Timedelta(days=7)
    assert later["t"]["end"] == _day_number(str(padded.date()))
    now = page_data(story.map())
    assert now["meta"]["knownOn"] is None
    out = tmp_path / "known.html"
    run = CliRunner().invoke(main, ["map", "--known-on", known, "--db", story.url,
                                    "--out", str(out)])
    assert run.exit_code == 0, run.output
    context, page, errors = open_page(browser, out)
    note = page.locator(".trk-title-known")
    assert note.inner_text().startswith("As known on 16 Aug 2021")
    assert page.evaluate("trackerMap.dates()")[-1] == known
    assert errors == []
    context.close()
