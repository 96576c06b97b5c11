"""Control over time in pictures: chart counts against `status`, chart/still/animation files,
the population column; real databases on both backends, real boundaries."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from PIL import Image

import tracker
from tracker._errors import InputError, TrackerError
from tracker.api import SHIPPED_EVENTS
from tracker.cli import main
from tracker.core import schema as s
from tracker.core import timeline
from tracker.render import html_map, snapshot, styles

# days of the shipped story: nothing yet, a contested day, the fall of Kabul, disputed and
# contested days in Panjshir and Baghlan
DATES = ["2021-05-01", "2021-07-07", "2021-08-15", "2021-08-23", "2021-08-25", "2021-09-04",
         "2021-09-06", "2021-09-30"]


def counted_from_status(state: pd.DataFrame) -> dict[str, int]:
    """What `tracker status` says, counted by hand: the holder of held districts, else the
    status."""
    out: dict[str, int] = {}
    for ctrl, status in zip(state[s.CONTROLLER], state[s.STATUS], strict=True):
        key = ctrl if status in (s.CONTROLLED, s.INFLUENCED) else status
        out[key] = out.get(key, 0) + 1
    return out


def nonzero(row: pd.Series) -> dict[str, int]:
    return {k: int(v) for k, v in row.items() if v}


@pytest.fixture
def loaded(fresh):
    fresh.import_csv(SHIPPED_EVENTS)
    return fresh


def test_chart_counts_equal_status_on_every_date(loaded):
    chart = loaded.chart(start="2021-05-01", end="2021-09-30", step="day")
    assert list(chart.columns[-3:]) == [s.CONTESTED, s.DISPUTED, s.UNKNOWN]
    assert (chart.sum(axis=1) == 399).all()
    seen = set()
    for day in DATES:
        want = counted_from_status(loaded.status(day))
        assert nonzero(chart.loc[day]) == want, day
        seen |= set(want)
    assert {s.CONTESTED, s.DISPUTED, s.UNKNOWN, "Taliban", "Resistance"} <= seen


def test_chart_as_known_on_a_past_day_equals_status_then(loaded):
    known = "2021-08-20"
    chart = loaded.chart(start="2021-08-01", end="2021-09-10", step="week", known_on=known)
    assert [d.weekday() for d in chart.index] == [0] * len(chart)
    for day in chart.index:
        state = loaded.status(day, known_on=known)
        assert nonzero(chart.loc[day]) == counted_from_status(state), day
    now = loaded.chart(start="2021-08-01", end="2021-09-10", step="week")
    assert not now.equals(chart)  # later reports changed the picture of those weeks


def test_chart_of_a_province_and_by_area(story):
    panjshir = story.chart(province="Panjsher", start="2021-08-20", end="2021-09-10")
    state = story.status("2021-09-06")
    mine = state[state[s.PROVINCE_NAME] == "Panjsher"]
    assert len(mine) == 7
    assert (panjshir.sum(axis=1) == 7).all()
    assert nonzero(panjshir.loc["2021-09-06"]) == counted_from_status(mine)
    area = story.chart(by="area", start="2021-09-06", end="2021-09-06")
    rollup = story.provinces("2021-09-06")
    country = rollup[rollup["province_code"] == "ALL"].set_index("category")["area_km2"]
    for name, value in country.items():
        assert area.loc["2021-09-06", name] == pytest.approx(value, abs=0.06)
    assert area.iloc[0].sum() == pytest.approx(country.sum(), abs=1)


def test_unknown_province_and_measure_are_one_line_errors(story):
    with pytest.raises(TrackerError, match="unknown province 'Atlantis'"):
        story.chart(province="Atlantis")
    with pytest.raises(InputError, match="by='sides'"):
        story.chart(by="sides")
    with pytest.raises(InputError, match="no population column"):
        story.chart(by="population")


def test_chart_by_side_counts_each_side_as_status_does(tmp_path):
    from tracker.api import SHIPPED_EVENTS

    story = tracker.connect(f"sqlite:///{tmp_path / 'sides.db'}")  # the shared story is read-only
    story.init()
    story.import_csv(SHIPPED_EVENTS)
    story.set_actor_side("Taliban", "Insurgency")
    story.set_actor_side("Resistance", "Anti-Taliban")
    story.set_actor_side("Afghan government", "Anti-Taliban")
    days = ["2021-06-15", "2021-08-10", "2021-08-21"]
    by_side = story.chart(by="side", start=days[0], end=days[-1], step="day")
    by_actor = story.chart(start=days[0], end=days[-1], step="day")
    assert "Insurgency" in by_side.columns and "Taliban" not in by_side.columns
    for day in days:
        state = story.status(day)
        held = state[state[s.STATUS] == s.CONTROLLED]
        want = held[s.CONTROLLER].isin(["Resistance", "Afghan government"]).sum()
        assert by_side.loc[day, "Anti-Taliban"] == want
        assert by_side.loc[day, "Insurgency"] == by_actor.loc[day, "Taliban"]
        assert by_side.loc[day].sum() == len(state)


def test_chart_files_csv_png_svg(story, tmp_path):
    table = story.chart(start="2021-07-01", end="2021-09-15", step="week",
                        out=tmp_path / "c.csv")
    back = pd.read_csv(tmp_path / "c.csv", index_col="date", parse_dates=["date"])
    assert back.columns.tolist() == table.columns.tolist()
    assert (back.to_numpy() == table.to_numpy()).all()
    assert (tmp_path / "c.csv").read_text().splitlines()[0].startswith("date,Taliban,")
    story.chart(out=tmp_path / "c.png")
    with Image.open(tmp_path / "c.png") as im:
        assert im.size == (1800, 900)
        colours = {c for _, c in im.convert("RGB").getcolors(1 << 20)}
    taliban = tuple(int(html_map.actor_colors(story.intervals())["Taliban"][i:i + 2], 16)
                    for i in (1, 3, 5))
    assert taliban in colours
    story.chart(out=tmp_path / "c.svg")
    root = ET.parse(tmp_path / "c.svg").getroot()
    assert root.tag.endswith("svg")
    assert "Districts by controller" in (tmp_path / "c.svg").read_text()
    assert "as known on" not in (tmp_path / "c.svg").read_text()
    story.chart(out=tmp_path / "then.svg", known_on="2021-08-10")
    assert "Control over time: Afghanistan (as known on 10 Aug 2021)" in (
        tmp_path / "then.svg").read_text()


def test_cli_chart_and_errors(story, tmp_path):
    runner = CliRunner()
    out = tmp_path / "x.csv"
    res = runner.invoke(main, ["chart", "--db", story.url, "--step", "month", "--out", str(out)])
    assert res.exit_code == 0, res.output
    # from the first change (11 May 2021) to the last (6 September): 1 June .. 1 September
    assert pd.read_csv(out)["date"].tolist() == ["2021-06-01", "2021-07-01", "2021-08-01",
                                                 "2021-09-01"]
    res = runner.invoke(main, ["chart", "--db", story.url, "--by", "population", "--out",
                               str(tmp_path / "p.csv")])
    assert res.exit_code == 1
    assert res.output.count("\n") == 1 and "no population column" in res.output
    assert not (tmp_path / "p.csv").exists()
    res = runner.invoke(main, ["chart", "--db", story.url, "--out", str(tmp_path / "c.jpg")])
    assert res.exit_code == 1 and "must end in" in res.output


# --- population -----------------------------------------------------------------------------
@pytest.fixture
def with_population(db_url, tmp_path):
    """The shipped districts with a made-up population column (test data, not real numbers)."""
    from tracker.geo.boundaries import default_boundaries

    layer = default_boundaries().districts.rename(columns={
        s.DISTRICT_CODE: "PCODE", s.DISTRICT_NAME: "NAME", s.PROVINCE_CODE: "P1",
        s.PROVINCE_NAME: "P1NAME"})
    layer["PEOPLE"] = np.arange(len(layer)) * 1000 + 500
    path = tmp_path / "districts.geojson"
    layer.to_file(path, driver="GeoJSON")
    return path, layer


def test_population_column_weights_the_chart(db_url, with_population, tmp_path):
    path, layer = with_population
    res = CliRunner().invoke(main, [
        "init", "--db", db_url, "--districts", str(path), "--name", "Testland",
        "--column", "district_code=PCODE", "--column", "district_name=NAME",
        "--column", "province_code=P1", "--column", "province_name=P1NAME",
        "--column", "population=PEOPLE"])
    assert res.exit_code == 0, res.output
    events = tmp_path / "events.csv"
    events.write_text(
        "date,district,controller,status\n"
        "2021-08-01,AF0101,Taliban,controlled\n"
        "2021-08-01,AF0102,Afghan government,controlled\n"
        "2021-08-02,AF0201,Taliban,controlled\n"
        "2021-08-10,AF0102,Taliban;Afghan government,contested\n", encoding="utf-8")
    t = tracker.connect(db_url)
    try:
        t.import_csv(events)
        chart = t.chart(by="population", start="2021-07-30", end="2021-08-12", step="day")
        people = dict(zip(layer["PCODE"], layer["PEOPLE"], strict=True))
        assert chart.sum(axis=1).eq(sum(people.values())).all()
        for day in ("2021-07-30", "2021-08-01", "2021-08-05", "2021-08-12"):
            state = t.status(day)
            for key in chart.columns:
                held = state[(state[s.CONTROLLER] == key) & (state[s.STATUS] == s.CONTROLLED)
                             | (state[s.STATUS] == key)]
                assert chart.loc[day, key] == sum(people[c] for c in held[s.DISTRICT_CODE]), key
        assert chart.loc["2021-08-12", s.CONTESTED] == people["AF0102"] > 0
    finally:
        t.engine.dispose()


def test_bad_population_values_are_refused(tmp_path):
    from tracker.geo.boundaries import read_boundaries

    layer = gpd.read_file(tracker.geo.boundaries.default_dir() / "afg_districts.geojson")
    layer["pop"] = "many"
    path = tmp_path / "bad.geojson"
    layer.to_file(path, driver="GeoJSON")
    with pytest.raises(InputError, match="population 'many' is not a number"):
        read_boundaries(path, level="district", columns={"population": "pop"})
    with pytest.raises(InputError, match="no column 'people'"):
        read_boundaries(path, level="district", columns={"population": "people"})


# --- still ----------------------------------------------------------------------------------
def pixel_of(frame: snapshot.MapFrame, lon: float, lat: float, image: np.ndarray) -> np.ndarray:
    """The most common colour of the frame's pixels around a point (lon, lat): the fill, even
    where a province name or a border crosses the point."""
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", snapshot.WEB_MERCATOR, always_xy=True).transform(
        lon, lat)
    px, py = frame.ax.transData.transform((x, y))
    r, q = image.shape[0] - round(float(py)), round(float(px))
    window = image[r - 4:r + 5, q - 4:q + 5].reshape(-1, 3)
    colours, counts = np.unique(window, axis=0, return_counts=True)
    return colours[counts.argmax()]


def rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)])


def test_still_paints_districts_as_the_page(story):
    districts = story.district_layer()
    colors = html_map.actor_colors(story.intervals())
    frame = snapshot.MapFrame(districts, story.province_layer(), colors=colors, title="T",
                              width=1600)
    day = pd.Timestamp("2021-09-06")
    state = story.status(day)
    from tracker.core.series import control_series

    counts = control_series(story.intervals(), [day], districts=frame.codes).iloc[0]
    frame.show(state, day, counts)
    names = {x.get_text() for x in frame.ax.texts}
    assert {"PANJSHER", "KABUL", "HILMAND"} <= names and len(names) == 34
    for label in frame.ax.texts:  # the fills under the province names
        label.set_visible(False)
    image = frame.rgb()
    assert image.shape[1] == 1600
    checked = 0
    for row in state.itertuples():
        if row.status != s.CONTROLLED or row.confidence == s.UNCONFIRMED:
            continue
        p = row.geometry.representative_point()
        if row.geometry.area < 0.05:  # too small at this size to hit its inside reliably
            continue
        got = pixel_of(frame, p.x, p.y, image)
        want = rgb(styles.mix(colors[row.controller], styles.HELD_OPACITY[s.CONTROLLED]))
        assert np.abs(got.astype(int) - want).max() <= 3, (row.district_code, got, want)
        checked += 1
    assert checked > 100
    # a disputed district shows its cross-hatch: the hatch colour and the background
    disputed = state[state[s.STATUS] == s.DISPUTED].iloc[0].geometry
    c = disputed.representative_point()
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", snapshot.WEB_MERCATOR, always_xy=True).transform(
        c.x, c.y)
    px, py = frame.ax.transData.transform((x, y))
    r, q = image.shape[0] - int(py), int(px)
    window = image[r - 6:r + 6, q - 6:q + 6].reshape(-1, 3).astype(int)
    for hex_color in styles.DISPUTED_FILL:
        assert (np.abs(window - rgb(hex_color)).max(axis=1) <= 40).any(), hex_color
    texts = [t.get_text() for t in frame._legend.get_texts()]
    want = counted_from_status(state)
    assert f"Taliban: {want['Taliban']}" in texts
    assert f"Disputed (reports disagree): {want[s.DISPUTED]}" in texts


def test_snapshot_files(story, tmp_path):
    png = story.snapshot("2021-08-15", tmp_path / "s.png")
    with Image.open(png) as im:
        assert im.width == 1600 and im.height > 800
    small = story.snapshot("2021-08-15", tmp_path / "small.png", width=900)
    with Image.open(small) as im:
        assert im.width == 900
    assert story.snapshot("2021-08-15", tmp_path / "s.pdf").read_bytes()[:5] == b"%PDF-"
    svg = story.snapshot("2021-08-15", tmp_path / "s.svg", known_on="2021-08-10")
    text = svg.read_text()
    assert ET.fromstring(text.encode()).tag.endswith("svg")
    assert "(as known on 10 Aug 2021)" in text  # a past state of knowledge says so
    assert "as known on" not in story.snapshot("2021-08-15", tmp_path / "now.svg").read_text()
    with pytest.raises(InputError, match=r"suffix '\.jpg'"):
        story.snapshot("2021-08-15", tmp_path / "s.jpg")
    with pytest.raises(InputError, match="width=10"):
        story.snapshot("2021-08-15", tmp_path / "s.png", width=10)


def test_snapshot_as_known_on_differs_from_now(story, tmp_path):
    then = story.snapshot("2021-08-15", tmp_path / "then.png", known_on="2021-07-01", width=600)
    now = story.snapshot("2021-08-15", tmp_path / "now.png", width=600)
    with Image.open(then) as a, Image.open(now) as b:
        assert np.asarray(a).shape == np.asarray(b).shape
        assert (np.asarray(a) != np.asarray(b)).any()


# --- animation -------------------------------------------------------------------------------
def test_gif_has_one_frame_per_step_and_reports_progress(story, tmp_path):
    calls = []
    out = story.animate(tmp_path / "a.gif", start="2021-08-01", end="2021-09-05", step="week",
                        width=640, progress=lambda *a: calls.append(a))
    days = timeline.step_dates("2021-08-01", "2021-09-05", "week")
    with Image.open(out) as im:
        assert im.n_frames == len(days) == 5
        assert im.width == 640
        im.seek(0)
        first = np.asarray(im.convert("RGB")).copy()
        im.seek(im.n_frames - 1)
        last = np.asarray(im.convert("RGB")).copy()
    assert (first != last).any()
    assert calls == [("frames", k, len(days)) for k in range(1, len(days) + 1)]


def test_mp4_through_the_video_extra(story, tmp_path):
    import imageio_ffmpeg  # the video extra (in the test extra too)

    out = story.animate(tmp_path / "a.mp4", start="2021-08-10", end="2021-08-20", step="day",
                        width=480, fps=5)
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 11
    assert out.read_bytes()[4:8] == b"ftyp"


def test_animate_refuses_other_formats(story, tmp_path):
    res = CliRunner().invoke(main, ["animate", "--db", story.url, "--out", str(tmp_path / "a.avi")])
    assert res.exit_code == 1 and res.output.startswith("error: animation file")
    assert not (tmp_path / "a.avi").exists()


def test_pictures_use_the_page_colours(story, tmp_path):
    """The state fills of the stills and charts are those the page draws (in its script or its
    data), and actor colours come from the page's palette."""
    page = html_map.save_map(story.map(start="2021-08-01", end="2021-08-10"),
                             tmp_path / "m.html").read_text(encoding="utf-8").lower()
    fills = json.loads(re.search(r'<script type="application/json" id="tracker-data">(.*?)</script>',
                                 page, re.S).group(1))["codes"]["fills"]
    assert {k: tuple(v) for k, v in fills.items()} == {
        s.UNKNOWN: (styles.UNKNOWN_FILL, styles.UNKNOWN_FILL),
        s.CONTESTED: tuple(reversed(styles.CONTESTED_FILL)),
        s.DISPUTED: tuple(reversed(styles.DISPUTED_FILL))}
    assert styles.category_fill("Taliban (influenced)", {"Taliban": "#474747"}).face == (
        styles.mix("#474747", styles.HELD_OPACITY[s.INFLUENCED]))
    for opacity in styles.HELD_OPACITY.values():
        assert str(opacity) in page
    colors = html_map.actor_colors(story.intervals())
    assert colors["Taliban"] == "#474747" and colors["Afghan government"] == "#2d6cb5"
    assert all(f'"{c}"' in page for c in colors.values())


def test_too_many_gif_frames_are_refused_before_drawing(story, tmp_path):
    with pytest.raises(InputError, match=r"1097 frames is more than 1000 for a GIF.*\.mp4"):
        story.animate(tmp_path / "long.gif", start="2018-01-01", end="2021-01-01", step="day")
    assert not (tmp_path / "long.gif").exists()
