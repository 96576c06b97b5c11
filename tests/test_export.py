"""`tracker export`: formats, layers, CRS, date types, credit, CSV-injection neutralisation."""

from __future__ import annotations

import json
import warnings

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import pytest
from click.testing import CliRunner

from tracker._errors import InputError
from tracker.cli import main
from tracker.core import bitemporal, timeline
from tracker.core import schema as s
from tracker.store import records

EVENTS = ("event_id,date,district,controller,status,confidence,source,source_url,reported_on,"
          "notes\n"
          "x1,2021-08-15,AF0101,Taliban,controlled,reported,AP,https://example.org/1,2021-08-15,"
          "\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"\n"
          "x2,2021-08-16,AF0102,Taliban,controlled,reported,@Reuters,,2021-08-16,-2 dead\n"
          "x3,2021-08-17,AF0102,Resistance,controlled,unconfirmed,+Twitter,,2021-08-18,fine note\n")


@pytest.fixture
def filled(fresh, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    assert fresh.import_csv(path).added == 3
    return fresh


def test_geopackage_holds_state_intervals_and_events_layers(filled, tmp_path):
    out = tmp_path / "out" / "control.gpkg"
    written = filled.export(out, date="2021-08-20", intervals=True, events=True)
    assert written == [out, out.with_name("control.gpkg.credits.txt")]
    layers = dict(pyogrio.list_layers(out))
    assert set(layers) == {"state", "intervals", "events"}
    info = pyogrio.read_info(out, layer="state")
    assert info["crs"] == "EPSG:4326"
    assert info["features"] == 399
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types[s.SINCE] == "OFTDate" and types[s.DATE] == "OFTDate"
    assert "AGCHO" in info["layer_metadata"]["credit"]
    assert "humanitarian" in info["dataset_metadata"]["use_limitation"]
    iv = pyogrio.read_info(out, layer="intervals")
    assert dict(zip(iv["fields"], iv["ogr_types"], strict=True))[s.START] == "OFTDate"
    state = gpd.read_file(out, layer="state").set_index(s.DISTRICT_CODE)
    assert state.loc["AF0102", s.CONTROLLER] == "Resistance"
    assert state.loc["AF0101", s.SINCE] == pd.Timestamp("2021-08-15")
    events = gpd.read_file(out, layer="events")
    assert sorted(events[s.EVENT_ID]) == ["x1", "x2", "x3"]
    sidecar = written[1].read_text(encoding="utf-8")
    assert "AGCHO" in sidecar and "humanitarian" in sidecar


def test_geoparquet_has_crs_dates_and_credit(filled, tmp_path):
    out = tmp_path / "state.parquet"
    filled.export(out, date="2021-08-20")
    table = pq.read_table(out)
    assert str(table.schema.field(s.SINCE).type) == "date32[day]"
    assert b"AGCHO" in table.schema.metadata[b"tracker:credit"]
    assert b"geo" in table.schema.metadata
    gdf = gpd.read_parquet(out)
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 399
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["primary_column"] == "geometry"
    assert geo["columns"]["geometry"]["encoding"] == "WKB"
    assert set(geo["columns"]["geometry"]["geometry_types"]) <= {"Polygon", "MultiPolygon"}
    state = filled.status("2021-08-20")
    assert gdf.geometry.geom_equals_exact(state.geometry, tolerance=0).all()
    assert gdf.total_bounds.tolist() == pytest.approx(geo["columns"]["geometry"]["bbox"])


def test_geojson_state_carries_the_credit(filled, tmp_path):
    out = tmp_path / "state.geojson"
    filled.export(out, date="2021-08-20")
    info = pyogrio.read_info(out)
    assert info["crs"] == "EPSG:4326" and info["features"] == 399
    assert "AGCHO" in out.read_text(encoding="utf-8")[:3000]


def test_geojson_of_a_table_without_geometry_writes_no_warning(filled, tmp_path):
    """The intervals and the events have no geometry: GeoJSON features with a null geometry,
    written without GDAL's warning about a layer with no CRS reaching the user's terminal."""
    for layer, rows in (("intervals", len(filled.intervals())), ("events", 3)):
        out = tmp_path / f"{layer}.geojson"
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            filled.export(out, **{layer: True})
        assert [str(w.message) for w in said] == []
        read = json.loads(out.read_text(encoding="utf-8"))
        assert len(read["features"]) == rows > 0
        assert all(f["geometry"] is None for f in read["features"])


def test_csv_neutralises_formulas_unless_raw(filled, tmp_path):
    out = tmp_path / "events.csv"
    result = CliRunner().invoke(main, ["export", "--events", "--out", str(out), "--db", filled.url])
    assert result.exit_code == 0, result.output
    events = pd.read_csv(out, dtype=str, keep_default_na=False).set_index(s.EVENT_ID)
    assert events.loc["x1", s.NOTES] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert events.loc["x2", s.SOURCE] == "'@Reuters"
    assert events.loc["x2", s.NOTES] == "'-2 dead"
    assert events.loc["x3", s.SOURCE] == "'+Twitter"
    assert events.loc["x3", s.NOTES] == "fine note"
    assert events.loc["x1", s.DATE] == "2021-08-15"
    raw = tmp_path / "raw.csv"
    result = CliRunner().invoke(main, ["export", "--events", "--raw-csv", "--out", str(raw),
                                       "--db", filled.url])
    assert result.exit_code == 0, result.output
    events = pd.read_csv(raw, dtype=str, keep_default_na=False).set_index(s.EVENT_ID)
    assert events.loc["x1", s.NOTES].startswith("=HYPERLINK")
    assert (tmp_path / "raw.csv.credits.txt").exists()


def test_province_rollup_and_clear_errors(filled, tmp_path):
    out = tmp_path / "prov.csv"
    filled.export(out, date="2021-08-20", provinces=True)
    rollup = pd.read_csv(out, dtype={s.PROVINCE_CODE: str})
    assert "Taliban" in set(rollup[s.CONTROLLER])
    with pytest.raises(InputError, match="gpkg"):
        filled.export(tmp_path / "two.csv", date="2021-08-20", intervals=True)
    with pytest.raises(InputError, match="needs a date"):
        filled.export(tmp_path / "p.csv", provinces=True)
    with pytest.raises(InputError, match="suffix"):
        filled.export(tmp_path / "x.txt", intervals=True)
    # asked for nothing: the error names the options of the command line and of Python
    with pytest.raises(InputError, match=r"--intervals.*intervals=True"):
        filled.export(tmp_path / "none.csv")
    assert not (tmp_path / "none.csv").exists()


def test_bitemporal_intervals_keep_each_revision_with_the_days_it_was_believed(filled, tmp_path):
    """AF0102: the Taliban from 16 August (reported that day), the resistance from the 17th
    (reported on the 18th): until the 18th the Taliban interval was believed open, from the
    18th it ends on the 17th. Every knowledge day's slice equals the core's intervals."""
    out = tmp_path / "revisions.csv"
    result = CliRunner().invoke(main, ["export", "--intervals", "--bitemporal", "--out", str(out),
                                       "--db", filled.url])
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(out, dtype=str, keep_default_na=False)
    cols = [s.CONTROLLER, s.START, s.END, bitemporal.KNOWN_FROM, bitemporal.KNOWN_TO]
    assert rows.loc[rows[s.DISTRICT_CODE] == "AF0102", cols].to_numpy().tolist() == [
        ["Taliban", "2021-08-16", "", "2021-08-16", "2021-08-18"],
        ["Taliban", "2021-08-16", "2021-08-17", "2021-08-18", ""],
        ["Resistance", "2021-08-17", "", "2021-08-18", ""]]
    assert "known_to exclusive" in out.with_name("revisions.csv.credits.txt").read_text("utf-8")
    gpkg = tmp_path / "revisions.gpkg"
    filled.export(gpkg, intervals=True, bitemporal=True)
    info = pyogrio.read_info(gpkg, layer="intervals")
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types[bitemporal.KNOWN_FROM] == types[bitemporal.KNOWN_TO] == "OFTDate"
    every = filled.bitemporal_intervals()
    assert len(every) == len(rows)
    pd.testing.assert_frame_equal(filled.bitemporal_intervals("AF0102"),
                                  every[every[s.DISTRICT_CODE] == "AF0102"].reset_index(drop=True))
    events = records.read_events(filled.engine)
    for k in [None, *pd.date_range("2021-08-14", "2021-08-19")]:
        pd.testing.assert_frame_equal(bitemporal.as_known_on(every, k),
                                      timeline.control_intervals(events, known_on=k),
                                      check_dtype=False)
    other = tmp_path / "nahrin.csv"  # a district of Baghlan, to tell the province filter
    other.write_text(EVENTS.splitlines()[0] + "\nx4,2021-08-19,Nahrin,Taliban,controlled,"
                     "reported,AP,,2021-08-19,\n", encoding="utf-8")
    assert filled.import_csv(other).added == 1
    kabul = filled.bitemporal_intervals(province="Kabul")
    pd.testing.assert_frame_equal(kabul, every)  # AF0101 and AF0102 only
    baghlan = filled.bitemporal_intervals(province="Baghlan")
    assert baghlan[s.DISTRICT_CODE].tolist() == ["AF0904"]
    for args, says in ((["--bitemporal"], "add intervals=True (--intervals)"),
                       (["--intervals", "--bitemporal", "--known-on", "2021-08-17"],
                        "drop known_on (--known-on)")):
        bad = tmp_path / "bad.csv"
        result = CliRunner().invoke(main, ["export", *args, "--out", str(bad), "--db", filled.url])
        assert result.exit_code == 1 and says in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1 and not bad.exists()
