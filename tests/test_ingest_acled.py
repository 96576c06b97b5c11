"""ACLED exports: both layouts, territorial sub-events, updated rows, every bad input, --skip-bad.

Rows use real places and coordinates; the districts the coordinates fall in were checked against
the shipped boundaries (Pul-e-Khumri 35.944N 68.715E in Pul-e-Khumri, Baghlan, AF0901).
"""

from __future__ import annotations

import io

import pandas as pd
import pyarrow.parquet as pq
import pytest
from acled_files import PLACES, T0, acled_row, write_acled
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from tracker._errors import InputError
from tracker.api import detect_format
from tracker.cli import main
from tracker.core import schema as s
from tracker.core.acled_columns import CURRENT_COLUMNS, LEGACY_COLUMNS


def counts(t) -> tuple[int, int]:
    """(control events, point events) stored: point events counted inside the stored batches."""
    with t.engine.connect() as conn:
        data = conn.execute(text("SELECT data FROM point_batches")).scalars().all()
    return len(t.events()), sum(pq.read_metadata(io.BytesIO(b)).num_rows for b in data)


def points(t) -> pd.DataFrame:
    """Every stored point-event version, read straight from the stored Parquet batches."""
    with t.engine.connect() as conn:
        data = conn.execute(text("SELECT data FROM point_batches ORDER BY id")).scalars().all()
    return pd.concat([pq.read_table(io.BytesIO(b)).to_pandas() for b in data],
                     ignore_index=True)


# --- good files ------------------------------------------------------------------------------
def test_current_layout_makes_control_and_point_events(fresh, tmp_path):
    path = write_acled(tmp_path / "acled.csv", [
        acled_row("AFG1", "Pul-e-Khumri"),
        acled_row("AFG2", "Kunduz", sub="Government regains territory",
                  actor1="Military Forces of Afghanistan (2004-2021)", date="2021-08-21"),
        acled_row("AFG3", "Kabul", sub="Armed clash", fatalities=4),
    ])
    assert detect_format(path) == "acled"
    report = fresh.import_file(path)
    assert (report.format, report.added, report.points_added) == ("acled", 2, 3)
    assert report.warnings == []
    ev = fresh.events().set_index(s.EVENT_ID)
    one = ev.loc[f"acled:AFG1@{T0}"]
    assert one[s.DISTRICT_CODE] == "AF0901" and one[s.CONTROLLER] == "Taliban"
    assert (one[s.STATUS], one[s.CONFIDENCE]) == (s.CONTROLLED, s.REPORTED)
    assert str(one[s.DATE].date()) == "2021-08-20" and one[s.DATE_PRECISION] == s.DAY
    assert str(one[s.REPORTED_ON].date()) == "2021-08-25"
    assert one[s.SOURCE] == "Pajhwok Afghan News" and one[s.ORIGIN] == "acled"
    two = ev.loc[f"acled:AFG2@{T0}"]
    assert two[s.DISTRICT_CODE] == "AF1901"
    assert two[s.CONTROLLER] == "Military Forces of Afghanistan (2004-2021)"
    pts = points(fresh).set_index("acled_id")
    assert pts.loc["AFG3", "district_code"] == "AF0101"
    assert pts.loc["AFG3", "fatalities"] == 4
    assert pts.loc["AFG3", "sub_event_type"] == "Armed clash"
    state = fresh.status("2021-08-22").set_index(s.DISTRICT_CODE)
    assert state.loc["AF0901", s.CONTROLLER] == "Taliban"


def test_pre_2023_layout_and_non_violent_transfer(fresh, tmp_path):
    path = write_acled(tmp_path / "old.csv", [
        acled_row("AFG7", "Bazarak", sub="Non-violent transfer of territory",
                  actor1="NRF: National Resistance Front", date="2021-08-16"),
    ], layout=LEGACY_COLUMNS)
    report = fresh.import_file(path, format="acled")
    assert (report.added, report.points_added) == (1, 1)
    ev = fresh.events().iloc[0]
    assert (ev[s.DISTRICT_CODE], ev[s.CONTROLLER]) == ("AF0801", "NRF: National Resistance Front")


@pytest.mark.parametrize(("precision", "expected", "name"),
                         [(1, "2021-08-20", s.DAY), (2, "2021-08-16", s.WEEK),
                          (3, "2021-08-01", s.MONTH)])
def test_time_precision_sets_date_and_precision(fresh, tmp_path, precision, expected, name):
    fresh.import_file(write_acled(tmp_path / "p.csv", [acled_row("AFG1", precision=precision)]))
    ev = fresh.events().iloc[0]
    assert (str(ev[s.DATE].date()), ev[s.DATE_PRECISION]) == (expected, name)
    assert points(fresh)["date_precision"].iloc[0] == name


def test_updated_row_supersedes_and_keeps_history(fresh, tmp_path):
    first = write_acled(tmp_path / "week1.csv", [acled_row("AFG1", date="20 August 2021")])
    fresh.import_file(first)
    newer = write_acled(tmp_path / "week2.csv", [
        acled_row("AFG1", date="18 August 2021", ts=T0 + 86_400, fatalities=2),
        acled_row("AFG2", "Banu", sub="Non-state actor overtakes territory",
                  actor1="NRF: National Resistance Front", ts=T0 + 86_400),
    ])
    report = fresh.import_file(newer)
    assert (report.added, report.points_added, report.skipped) == (2, 2, 0)
    ev = fresh.events().set_index(s.EVENT_ID)
    assert ev.loc[f"acled:AFG1@{T0 + 86_400}", s.SUPERSEDES] == f"acled:AFG1@{T0}"
    assert f"acled:AFG1@{T0}" in ev.index  # the old version stays in history
    history = fresh.history("Pul-e-Khumri", province="Baghlan")
    assert history.set_index(s.EVENT_ID).loc[f"acled:AFG1@{T0}", "superseded_by"] == \
        f"acled:AFG1@{T0 + 86_400}"
    intervals = fresh.intervals()
    mine = intervals[intervals[s.DISTRICT_CODE] == "AF0901"]
    assert len(mine) == 1 and str(mine[s.START].iloc[0].date()) == "2021-08-18"
    assert fresh.status("2021-08-22").set_index(s.DISTRICT_CODE).loc["AF0907", s.CONTROLLER] \
        == "NRF: National Resistance Front"
    # built from the new versions as the writer held them: the same as from the events read back
    assert fresh.check_store().empty
    again = fresh.import_file(newer)
    assert (again.added, again.points_added, again.skipped) == (0, 0, 2)
    stale = fresh.import_file(first)  # an older export after the newer one changes nothing
    assert (stale.added, stale.points_added, stale.skipped) == (0, 0, 1)
    assert counts(fresh) == (3, 3)


def test_reclassified_row_retracts_its_control_event(fresh, tmp_path):
    fresh.import_file(write_acled(tmp_path / "a.csv", [acled_row("AFG1")]))
    report = fresh.import_file(write_acled(tmp_path / "b.csv", [
        acled_row("AFG1", sub="Armed clash", ts=T0 + 3600)]))
    assert (report.added, report.points_added, report.retracted) == (0, 1, 1)
    ev = fresh.events().set_index(s.EVENT_ID)
    assert "reclassified" not in str(ev.loc[f"acled:AFG1@{T0}", s.RETRACTION_REASON]) and \
        "Armed clash" in ev.loc[f"acled:AFG1@{T0}", s.RETRACTION_REASON]
    state = fresh.status("2021-08-22").set_index(s.DISTRICT_CODE)
    assert state.loc["AF0901", s.STATUS] == s.UNKNOWN
    assert fresh.check_store().empty  # the retraction rebuilt the intervals it changed


def test_admin_names_disagreeing_with_the_point_are_reported(fresh, tmp_path):
    path = write_acled(tmp_path / "w.csv", [
        acled_row("AFG1"), acled_row("AFG2", admin1="Kunduz", admin2="Kunduz", ts=T0 + 1)])
    report = fresh.import_file(path)
    assert report.added == 2 and len(report.warnings) == 1
    warning = report.warnings[0]
    assert warning.startswith("line 3:") and "Pul-e-Khumri (AF0901)" in warning
    assert "'Kunduz'" in warning and "kept the coordinates' district" in warning
    assert set(fresh.events()[s.DISTRICT_CODE]) == {"AF0901"}


def test_rows_without_coordinates_are_placed_by_admin_names(fresh, tmp_path):
    path = write_acled(tmp_path / "n.csv", [
        acled_row("AFG1", latitude="", longitude="", admin1="Nimroz", admin2="Zaranj")])
    assert fresh.import_file(path).added == 1
    assert fresh.events()[s.DISTRICT_CODE].iloc[0] == "AF3401"


def test_bom_utf16_and_crlf_files_are_read(fresh, tmp_path):
    rows = [acled_row("AFG1")]
    bom = write_acled(tmp_path / "bom.csv", rows, encoding="utf-8-sig")
    u16 = write_acled(tmp_path / "u16.csv", [acled_row("AFG2", "Kunduz")], encoding="utf-16",
                      newline="\r\n")
    assert fresh.import_file(bom).added == 1
    assert fresh.import_file(u16).added == 1
    assert sorted(fresh.events()[s.DISTRICT_CODE]) == ["AF0901", "AF1901"]


# --- bad input: one line, what/where/how, non-zero exit, nothing changed -----------------------
def _header_only(sep: str) -> str:
    return sep.join(CURRENT_COLUMNS) + "\n"


BAD_ROWS = [
    (dict(event_date="31/02/2021"), "line 2, event_date='31/02/2021': not a valid calendar date"),
    (dict(event_date="2021-13-01"), "line 2, event_date='2021-13-01': not a valid calendar date"),
    (dict(event_date="Friday"), "event_date='Friday': not a date: use 2021-08-20"),
    (dict(event_date="12 March 1850"), "date out of range"),
    (dict(event_date="2999-01-01"), "date out of range"),
    (dict(latitude=48.85, longitude=2.35), "outside every district"),
    (dict(latitude="north"), "latitude='north': not a number"),
    (dict(time_precision=4), "must be 1 (day), 2 (week) or 3 (month)"),
    (dict(timestamp=""), "timestamp"),
    # notes hold up to 1 MiB (tracker.ingest.text_fields.NOTES_LIMIT), other fields 64 KiB
    (dict(notes="x" * (1024 * 1024 + 1)), "notes='xxxx"),
    (dict(location="x" * (64 * 1024 + 1)), "more than the 64 KiB a field may hold"),
    (dict(actor1="Tal\x00iban"), "holds control character U+0000 at character 4"),
    (dict(notes="bell\x07"), "holds control character U+0007"),
    # the taker of a territory becomes a controller (store.models.ActorAlias.actor: 200)
    (dict(actor1="T" * 201), "longer than 200 characters for the side taking control"),
    (dict(actor1=""), "a territorial event needs actor1"),
    (dict(latitude="", longitude="", admin2="Nowhereistan"), "unknown district 'Nowhereistan'"),
    (dict(latitude="", longitude="", admin1="", admin2="Arghandab"), "add the province"),
]


@pytest.fixture(scope="module")
def holding(tmp_path_factory):
    """A SQLite tracker holding one ACLED event; tests using it must leave it unchanged."""
    import tracker

    folder = tmp_path_factory.mktemp("holding")
    t = tracker.connect(f"sqlite:///{folder / 'h.db'}")
    t.init()
    t.import_file(write_acled(folder / "ok.csv", [acled_row("AFG0", "Kabul")]))
    return t


@pytest.mark.parametrize(("change", "expected"), BAD_ROWS)
def test_bad_rows_are_refused_whole(holding, tmp_path, change, expected):
    before = counts(holding)
    assert before == (1, 1)  # the Kabul capture: one control event, one point event
    path = write_acled(tmp_path / "bad.csv", [acled_row("AFG1", **change),
                                              acled_row("AFG2", "Kunduz")])
    with pytest.raises(InputError) as err:
        holding.import_file(path)
    msg = str(err.value)
    assert expected in msg, msg
    assert "\n" not in msg and "nothing imported" in msg and "--skip-bad" in msg
    assert counts(holding) == before


def test_duplicate_ids_with_different_content(fresh, tmp_path):
    path = write_acled(tmp_path / "d.csv", [acled_row("AFG1"), acled_row("AFG1", fatalities=9)])
    with pytest.raises(InputError, match=r"line 3, event_id_cnty='AFG1': same event_id_cnty and "
                                         r"timestamp as record 1 with different content"):
        fresh.import_file(path)
    assert counts(fresh) == (0, 0)
    same = write_acled(tmp_path / "s.csv", [acled_row("AFG1"), acled_row("AFG1")])
    assert (fresh.import_file(same).points_added, counts(fresh)) == (1, (1, 1))
    changed = write_acled(tmp_path / "c.csv", [acled_row("AFG1", fatalities=9)])
    with pytest.raises(InputError, match="already stored with this timestamp and different"):
        fresh.import_file(changed)
    assert counts(fresh) == (1, 1)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (_header_only(";").encode(), "';' as delimiter"),
        (b"event_id_cnty,event_date,latitude\nAFG1,2021-08-20,35.9\n",
         "missing required ACLED column(s) time_precision, event_type"),
        ((_header_only(",") + "AFG1,20 Ao\xfbt 2021" + ",x" * 29 + "\n").encode("latin-1"),
         "not UTF-8"),
    ],
)
def test_malformed_files(holding, tmp_path, content, expected):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        holding.import_file(path, format="acled")
    assert expected in str(err.value) and "\n" not in str(err.value)
    assert counts(holding) == (1, 1)


def test_row_with_extra_fields(holding, tmp_path):
    path = write_acled(tmp_path / "x.csv", [acled_row("AFG1")])
    path.write_text(path.read_text() + path.read_text().splitlines()[1] + ",surplus\n")
    with pytest.raises(InputError, match=r"line 3, \(row\)=.*header's 31 fields"):
        holding.import_file(path)
    assert counts(holding) == (1, 1)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_skip_bad_keeps_rejected_rows_byte_for_byte(fresh, tmp_path, newline):
    rows = [acled_row("AFG1"), acled_row("AFG2", event_date="2021-02-31"),
            acled_row("AFG3", "Kunduz", notes="two\nlines, quoted"),
            acled_row("AFG4", latitude=48.85, longitude=2.35)]
    path = write_acled(tmp_path / "mixed.csv", rows, newline=newline)
    report = fresh.import_file(path, skip_bad=True)
    assert (report.added, report.points_added, report.rejected) == (2, 2, 2)
    original = path.read_bytes().splitlines(keepends=True)
    rejects = (tmp_path / "mixed.rejects.csv").read_bytes()
    # header (line 1), AFG2 (line 3) and AFG4 (line 6, after the two-line quoted note)
    assert rejects == original[0] + original[2] + original[5]
    assert rejects.count(newline.encode()) == 3


# --- command line ----------------------------------------------------------------------------
def test_cli_detects_acled_and_prints_warnings(db_url, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--db", db_url]).exit_code == 0
    path = write_acled(tmp_path / "a.csv", [acled_row("AFG1"),
                                            acled_row("AFG2", admin2="Kunduz", admin1="Kunduz")])
    result = runner.invoke(main, ["import", str(path), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "added 2 event(s)" in result.stdout and "added 2 point event(s)" in result.stdout
    assert "warning: line 3:" in result.stderr
    bad = write_acled(tmp_path / "b.csv", [acled_row("AFG9", event_date="2021-13-01")])
    result = runner.invoke(main, ["import", str(bad), "--format", "acled", "--db", db_url])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "line 2, event_date='2021-13-01'" in result.stderr
    assert "Traceback" not in result.output


# --- coordinates and districts ---------------------------------------------------------------
def test_test_coordinates_lie_in_the_expected_districts():
    import geopandas as gpd

    from tracker.geo.boundaries import default_boundaries
    from tracker.geo.locate import locate_points

    districts = default_boundaries().districts
    lat = [v[0] for v in PLACES.values()]
    lon = [v[1] for v in PLACES.values()]
    expected = [v[4] for v in PLACES.values()]
    assert list(locate_points(lon, lat, districts)) == expected
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=districts.crs)
    joined = gpd.sjoin(pts, districts, predicate="within").sort_index()
    assert joined[s.DISTRICT_CODE].tolist() == expected
    assert list(locate_points([2.35, float("nan")], [48.85, 35.0], districts)) == [None, None]


# --- property: import order and re-import never change the control intervals -----------------
@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """An initialised SQLite file to copy, with its districts and gazetteer built once."""
    import tracker

    path = tmp_path_factory.mktemp("tpl") / "template.db"
    t = tracker.connect(f"sqlite:///{path}")
    t.init()
    ready = (path, t.district_layer(), t.gazetteer)
    t.engine.dispose()
    return ready


VERSION_KEYS = st.tuples(st.sampled_from(["AFG1", "AFG2", "AFG3"]), st.integers(0, 4))
VERSION = st.tuples(
    st.sampled_from(["Non-state actor overtakes territory", "Government regains territory",
                     "Non-violent transfer of territory", "Armed clash"]),
    st.sampled_from(["Pul-e-Khumri", "Banu", "Kunduz"]),
    st.sampled_from(["Taliban", "NRF: National Resistance Front",
                     "Military Forces of Afghanistan (2004-2021)"]),
    st.integers(0, 6),  # day offset: equal days make disputes too
    st.integers(0, 1),  # which of two exports the version is in
)


def _intervals_after(template, tmp_path, name, files) -> pd.DataFrame:
    import shutil

    import tracker
    from tracker.ingest.acled import write as acled_write

    path, districts, gazetteer = template
    db = tmp_path / f"{name}.db"
    shutil.copy(path, db)
    t = tracker.connect(f"sqlite:///{db}")
    for f in files:
        if f.name.startswith("deleted"):
            acled_write.import_deletions(t.engine, f)
        else:
            acled_write.import_acled(t.engine, f, districts, gazetteer)
        assert t.check_store().empty  # each import's intervals equal those recomputed
    out = t.intervals()
    t.engine.dispose()
    return out.sort_values([s.DISTRICT_CODE, s.START, s.EVENT_IDS]).reset_index(drop=True)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(versions=st.dictionaries(VERSION_KEYS, VERSION, min_size=1, max_size=7),
       deleted=st.lists(VERSION_KEYS, max_size=2),
       order=st.permutations([0, 1, 2]), again=st.integers(0, 2))
def test_import_order_and_reimport_do_not_change_intervals(template, tmp_path, versions, deleted,
                                                            order, again):
    """Two exports and a deletions file (a deletion at a version's own timestamp removes it), in
    any order and with one imported twice, end as the whole export followed by the deletions."""
    rows = {0: [], 1: []}
    everything = []
    for (eid, tick), (sub, place, actor, day, export) in versions.items():
        row = acled_row(eid, place, sub=sub, actor1=actor, ts=T0 + tick * 3600,
                        date=f"2021-08-{10 + day:02d}")
        rows[export].append(row)
        everything.append(row)
    tag = abs(hash((tuple(versions), tuple(deleted), tuple(order), again)))
    files = {k: write_acled(tmp_path / f"e{tag}_{k}.csv", v) for k, v in rows.items()}
    files[2] = tmp_path / f"deleted{tag}.csv"
    files[2].write_text("event_id_cnty,deleted_timestamp\n" + "".join(
        f"{eid},{T0 + tick * 3600}\n" for eid, tick in deleted), encoding="utf-8")
    whole = write_acled(tmp_path / f"all{tag}.csv", everything)
    expected = _intervals_after(template, tmp_path, f"one{tag}", [whole, files[2]])
    got = _intervals_after(template, tmp_path, f"many{tag}",
                           [files[k] for k in order] + [files[again]])
    pd.testing.assert_frame_equal(got, expected)


def test_progress_bar_is_off_without_a_terminal_and_lazy_on_one():
    from tracker.progress import terminal_progress

    with terminal_progress() as progress:  # pytest captures output: not a terminal
        assert progress is None
    with terminal_progress(enabled=True, delay=3600) as progress:
        progress("reading", 1, 10)  # before the delay: nothing is drawn
        assert progress.bar is None
    with terminal_progress(enabled=True, delay=0) as progress:
        progress("storing", 5, 10)
        assert progress.bar is not None and progress.bar.tasks[0].completed == 5


def test_one_content_hash_for_acled_and_events_files(fresh, tmp_path):
    """An ACLED control event and the same event read back and re-imported as an events table
    hash alike: the store has one hash, so the re-import adds nothing and clashes with nothing."""
    from tracker.store import records

    fresh.import_file(write_acled(tmp_path / "h.csv", [
        acled_row("AFG1"), acled_row("AFG2", "Kunduz", notes="", source="")]))
    events = fresh.events()
    assert len(events) == 2
    assert records.insert_events(fresh.engine, events, origin="csv") == (0, 2)
    changed = events.assign(**{"notes": "edited"})
    with pytest.raises(InputError, match="already stored with different content"):
        records.insert_events(fresh.engine, changed, origin="csv")


def test_a_bulk_import_rebuilds_the_event_indexes_it_set_aside(fresh, tmp_path):
    """10,000+ control events into a smaller table: indexes dropped for the inserts, then back."""
    def index_names() -> set[str]:
        return {ix["name"] for ix in inspect(fresh.engine).get_indexes("events")}

    before = index_names()
    places = list(PLACES)
    rows = [acled_row(f"AFG{i}", places[i % len(places)], ts=T0 + i) for i in range(10_050)]
    report = fresh.import_file(write_acled(tmp_path / "bulk.csv", rows))
    assert report.added == 10_050
    assert {"ix_events_date", "ix_events_district_date", "ix_events_supersedes"} <= before
    assert index_names() == before
    state = fresh.status("2021-08-21").set_index(s.DISTRICT_CODE)
    assert {code for *_, code in PLACES.values()} <= set(
        state.index[state[s.CONTROLLER] == "Taliban"])
