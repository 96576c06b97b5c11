"""ACLED point events out of the tracker: `export --points` in every format, and `tracker points`.

The rows are written here as a small ACLED CSV with real places; the district each point falls
in was checked against the shipped boundaries (see tests/test_ingest_acled.py).
"""

from __future__ import annotations

import io
import json

import acled_files
import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import pytest
from acled_files import PLACES, T0, write_acled
from click.testing import CliRunner

from tracker._errors import InputError
from tracker.cli import main
from tracker.core import schema as s
from tracker.core.acled_columns import (
    ACLED_ID,
    ACTOR2,
    EVENT_TYPE,
    FATALITIES,
    LATITUDE,
    LONGITUDE,
    SUB_EVENT_TYPE,
    TIMESTAMP,
)

T1 = T0 + 3 * 86_400  # 2021-08-28: the second export
FORMULA = '=HYPERLINK("http://evil","x")'


def acled_row(eid: str, place: str, *, date: str, **columns: object) -> dict[str, object]:
    """A non-territorial row (a clash) unless ``columns`` say otherwise."""
    return acled_files.acled_row(eid, place, date=date, **{
        "sub": "Armed clash", "event_type": "Battles", "notes": "A clash.", "tags": "",
        **columns})


FIRST = [
    acled_row("AFG4", "Zaranj", date="2021-08-06", fatalities=0),
    acled_row("AFG1", "Pul-e-Khumri", date="2021-08-20", sub="Non-state actor overtakes territory",
              fatalities=3, notes=FORMULA),
    acled_row("AFG2", "Kunduz", date="2021-08-22", fatalities="", actor2=""),
    acled_row("AFG3", "Kabul", date="2021-08-25", event_type="Explosions/Remote violence",
              sub="Remote explosive/landmine/IED", fatalities=4),
]
# ACLED's later export updates AFG2: another day and a fatality count
SECOND = [acled_row("AFG2", "Kunduz", date="2021-08-23", fatalities=7, actor2="", ts=T1)]

# What the test wrote, per ACLED id, as the newest versions: date, fatalities, place
NEWEST = {"AFG4": ("2021-08-06", 0, "Zaranj"), "AFG1": ("2021-08-20", 3, "Pul-e-Khumri"),
          "AFG2": ("2021-08-23", 7, "Kunduz"), "AFG3": ("2021-08-25", 4, "Kabul")}
KNOWN_ON_26 = {**NEWEST, "AFG2": ("2021-08-22", None, "Kunduz")}  # before the second export


@pytest.fixture
def acled(fresh, tmp_path):
    """A tracker holding FIRST, then SECOND (an update of AFG2)."""
    assert fresh.import_file(write_acled(tmp_path / "week1.csv", FIRST)).points_added == 4
    assert fresh.import_file(write_acled(tmp_path / "week2.csv", SECOND)).points_added == 1
    return fresh


def check_rows(table: pd.DataFrame, expected: dict[str, tuple], *, dates: pd.Series,
               lon: pd.Series, lat: pd.Series) -> None:
    """Ids (in date order), ISO dates, fatalities, coordinates and districts of exported rows."""
    assert list(table[ACLED_ID]) == sorted(expected, key=lambda k: expected[k][0])
    for i, eid in enumerate(table[ACLED_ID]):
        day, dead, place = expected[eid]
        lat0, lon0, _, _, code = PLACES[place]
        assert str(dates.iloc[i])[:10] == day
        got = table[FATALITIES].iloc[i]
        missing = pd.isna(got) or got == ""  # CSV read as text: empty cell
        assert (missing if dead is None else not missing and int(got) == dead), (eid, got)
        assert abs(float(lon.iloc[i]) - lon0) < 1e-6 and abs(float(lat.iloc[i]) - lat0) < 1e-6
        assert table[s.DISTRICT_CODE].iloc[i] == code


# --- export ----------------------------------------------------------------------------------
def test_csv_has_coordinates_iso_dates_empty_missing_fatalities_and_no_formulas(acled, tmp_path):
    out = tmp_path / "points.csv"
    written = acled.export(out, points=True, known_on="2021-08-26")
    assert written == [out, tmp_path / "points.csv.credits.txt"]
    text = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert "geometry" not in text.columns and "lon" not in text.columns
    check_rows(text, KNOWN_ON_26, dates=text[s.DATE], lon=text[LONGITUDE], lat=text[LATITUDE])
    rows = text.set_index(ACLED_ID)
    assert rows.loc["AFG2", FATALITIES] == ""  # missing, not 0 or <NA>
    assert rows.loc["AFG4", FATALITIES] == "0"
    assert rows.loc["AFG1", s.NOTES] == "'" + FORMULA
    assert rows.loc["AFG2", ACTOR2] == ""
    assert rows.loc["AFG3", s.PROVINCE_NAME] == "Kabul"
    assert rows.loc["AFG1", TIMESTAMP] == str(T0)
    sidecar = written[1].read_text(encoding="utf-8")
    assert "ACLED" in sidecar and "AGCHO" in sidecar
    raw = tmp_path / "raw.csv"
    acled.export(raw, points=True, raw_csv=True)
    rows = pd.read_csv(raw, dtype=str, keep_default_na=False).set_index(ACLED_ID)
    assert rows.loc["AFG1", s.NOTES] == FORMULA
    assert rows.loc["AFG2", FATALITIES] == "7"  # newest version without known_on


def test_geopackage_layer_types_and_values(acled, tmp_path):
    out = tmp_path / "points.gpkg"
    acled.export(out, points=True)
    info = pyogrio.read_info(out, layer="point_events")
    assert info["crs"] == "EPSG:4326" and info["geometry_type"] == "Point"
    assert info["features"] == 4
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types[s.DATE] == "OFTDate" and types[FATALITIES] == "OFTInteger64"
    assert "ACLED" in info["layer_metadata"]["content"]
    assert "AGCHO" in info["layer_metadata"]["credit"]
    gdf = gpd.read_file(out, layer="point_events")
    check_rows(gdf, NEWEST, dates=gdf[s.DATE], lon=gdf.geometry.x, lat=gdf.geometry.y)
    assert gdf.set_index(ACLED_ID).loc["AFG3", EVENT_TYPE] == "Explosions/Remote violence"


def test_geopackage_takes_points_beside_other_layers_other_formats_refuse(acled, tmp_path):
    out = tmp_path / "all.gpkg"
    acled.export(out, date="2021-08-24", events=True, points=True, start="2021-08-20",
                 end="2021-08-22")
    assert {name for name, _ in pyogrio.list_layers(out)} == {"state", "events", "point_events"}
    gdf = gpd.read_file(out, layer="point_events")
    assert list(gdf[ACLED_ID]) == ["AFG1"]  # AFG2 moved to the 23rd in the newer version
    state = gpd.read_file(out, layer="state").set_index(s.DISTRICT_CODE)
    assert state.loc["AF0901", s.CONTROLLER] == "Taliban"
    with pytest.raises(InputError, match="use --format gpkg"):
        acled.export(tmp_path / "two.csv", events=True, points=True)


@pytest.mark.parametrize("layers", [{"events": True}, {"provinces": True}, {"intervals": True}],
                         ids=lambda d: next(iter(d)))
def test_one_export_reads_the_district_layer_once(acled, tmp_path, layers):
    """The state (or roll-up), the point events and the names of events and intervals all take
    the district layer one export read."""
    from sqlalchemy import event

    seen: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    out = tmp_path / "all.gpkg"
    event.listen(acled.engine, "before_cursor_execute", remember)
    try:
        acled.export(out, date="2021-08-24", points=True, **layers)
    finally:
        event.remove(acled.engine, "before_cursor_execute", remember)
    # the polygons: SQLite's geometry column, PostgreSQL's WKB generated from it (0012)
    polygons = [q for q in seen if "districts.geometry" in q or "districts.wkb" in q]
    assert len(polygons) == 1, polygons
    day_layer = "provinces" if "provinces" in layers else "state"
    assert {name for name, _ in pyogrio.list_layers(out)} == {day_layer, "point_events",
                                                             *layers}
    assert len(gpd.read_file(out, layer=day_layer)) > 0
    points = gpd.read_file(out, layer="point_events").set_index(ACLED_ID)
    assert points.loc["AFG2", s.DISTRICT_CODE] == PLACES["Kunduz"][4]
    assert points.loc["AFG2", s.DISTRICT_NAME] == "Kunduz"


def test_geojson_points_read_back(acled, tmp_path):
    out = tmp_path / "points.geojson"
    acled.export(out, points=True, known_on="2021-08-26", start="2021-08-20")
    gdf = gpd.read_file(out)
    assert gdf.crs.to_epsg() == 4326
    expected = {k: v for k, v in KNOWN_ON_26.items() if v[0] >= "2021-08-20"}
    check_rows(gdf, expected, dates=gdf[s.DATE], lon=gdf.geometry.x, lat=gdf.geometry.y)
    doc = json.loads(out.read_text(encoding="utf-8"))
    props = {f["properties"][ACLED_ID]: f["properties"] for f in doc["features"]}
    assert props["AFG2"][FATALITIES] is None and props["AFG1"][FATALITIES] == 3
    assert props["AFG1"][s.DATE] == "2021-08-20"
    assert "ACLED" in doc["description"]


def test_geoparquet_points_read_back(acled, tmp_path):
    out = tmp_path / "points.parquet"
    acled.export(out, points=True, end="2021-08-22", known_on="2021-08-26")
    table = pq.read_table(out)
    assert str(table.schema.field(s.DATE).type) == "date32[day]"
    assert str(table.schema.field(FATALITIES).type) == "int64"
    assert b"geo" in table.schema.metadata and b"ACLED" in table.schema.metadata[b"tracker:content"]
    gdf = gpd.read_parquet(out)
    assert gdf.crs.to_epsg() == 4326
    expected = {k: v for k, v in KNOWN_ON_26.items() if v[0] <= "2021-08-22"}
    check_rows(gdf, expected, dates=gdf[s.DATE], lon=gdf.geometry.x, lat=gdf.geometry.y)


def test_export_option_errors(acled, tmp_path):
    with pytest.raises(InputError, match="add points=True"):
        acled.export(tmp_path / "x.csv", events=True, start="2021-08-01")
    with pytest.raises(InputError, match="before start"):
        acled.export(tmp_path / "x.csv", points=True, start="2021-08-20", end="2021-08-10")
    with pytest.raises(InputError, match="is not a date"):
        acled.export(tmp_path / "x.csv", points=True, start="2021-13-45")
    assert not (tmp_path / "x.csv").exists()


def test_cli_export_points(acled, tmp_path):
    out = tmp_path / "cli.csv"
    result = CliRunner().invoke(main, ["export", "--points", "--start", "2021-08-21",
                                       "--known-on", "2021-08-26", "--out", str(out),
                                       "--db", acled.url])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    text = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(text[ACLED_ID]) == ["AFG2", "AFG3"] and list(text[s.DATE]) == ["2021-08-22",
                                                                             "2021-08-25"]
    bad = CliRunner().invoke(main, ["export", "--intervals", "--end", "2021-08-21", "--out",
                                    str(tmp_path / "i.csv"), "--db", acled.url])
    assert bad.exit_code == 1
    assert bad.output.strip() == ("error: start/end (--start/--end) date the point events: add "
                                  "points=True (--points)")


# --- tracker points ----------------------------------------------------------------------------
def run(url: str, *args: str):
    return CliRunner().invoke(main, ["points", *args, "--db", url])


def test_points_table_lists_newest_versions_in_date_order(acled):
    result = run(acled.url)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["date", "event_type", "sub_event_type"]
    ids = [line.split()[-1] for line in lines[1:]]
    assert ids == ["AFG4", "AFG1", "AFG2", "AFG3"]
    afg2 = next(line for line in lines if line.endswith("AFG2"))
    assert afg2.startswith("2021-08-23") and " 7 " in afg2 and "Kunduz" in afg2


def test_points_csv_filters_by_district_type_dates_and_known_on(acled):
    result = run(acled.url, "--format", "csv", "--district", "Kunduz", "--known-on",
                 "2021-08-26")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert "geometry" not in table.columns and LATITUDE in table.columns
    assert list(table[ACLED_ID]) == ["AFG2"]
    assert table[s.DATE].iloc[0] == "2021-08-22" and table[FATALITIES].iloc[0] == ""
    assert table[s.DISTRICT_CODE].iloc[0] == PLACES["Kunduz"][4]
    result = run(acled.url, "--format", "csv", "--type", "explosions/remote violence")
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert list(table[ACLED_ID]) == ["AFG3"]
    assert table[SUB_EVENT_TYPE].iloc[0] == "Remote explosive/landmine/IED"
    # the older names --from/--to still work (hidden from --help)
    result = run(acled.url, "--format", "csv", "--from", "2021-08-20", "--to", "2021-08-22",
                 "--district", "Pul-e-Khumri", "--province", "Baghlan")
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    assert list(table[ACLED_ID]) == ["AFG1"]


def test_points_messages_and_errors(acled):
    none = run(acled.url, "--type", "Protests")
    assert none.exit_code == 0 and none.stdout == ""
    assert "no point events of type 'Protests'" in none.output
    assert "Battles, Explosions/Remote violence" in none.output
    assert len(none.output.strip().splitlines()) == 1
    bad_date = run(acled.url, "--start", "2021-02-30")
    assert bad_date.exit_code == 1
    assert bad_date.output.strip() == "error: --start='2021-02-30' is not a date; use YYYY-MM-DD"
    backwards = run(acled.url, "--start", "2021-08-22", "--end", "2021-08-01")
    assert backwards.exit_code == 1
    assert backwards.output == ("error: --end 2021-08-01 is before --start 2021-08-22; give the "
                                "earlier day first\n")
    unknown = run(acled.url, "--district", "Atlantis")
    assert unknown.exit_code == 1
    assert unknown.output.startswith("error: ") and "Atlantis" in unknown.output
    assert len(unknown.output.strip().splitlines()) == 1
    lonely = run(acled.url, "--province", "Baghlan")
    assert lonely.exit_code == 2 and "add --district" in lonely.output


def test_points_on_a_database_without_point_events(fresh):
    result = run(fresh.url)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.output.strip() == (f"no ACLED point events in {fresh.url}; import an ACLED "
                                     f"export with `tracker import FILE`")


def test_new_options_have_help():
    points = CliRunner().invoke(main, ["points", "--help"])
    assert points.exit_code == 0
    for option in ("--start", "--end", "--known-on", "--district", "--province", "--type",
                   "--format"):
        assert option in points.output
    assert "points" in CliRunner().invoke(main, ["--help"]).output
    export = CliRunner().invoke(main, ["export", "--help"])
    assert export.exit_code == 0 and "--points" in export.output and "--start" in export.output
