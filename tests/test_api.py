"""The `Tracker` API: one naming, known_on wherever a state is read, error classes, report types,
closing, and drafts stored as they are. Real SQLite and PostgreSQL (``fresh``, ``db_url``)."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from acled_files import acled_row, write_acled
from sqlalchemy import create_engine, text

import tracker
from tracker.api import (
    AcledImportReport,
    DeletionsImportReport,
    EventsImportReport,
    ImportReport,
)
from tracker.core import schema as s

EVENTS = ("event_id,date,district,province,controller,status,confidence,source,source_url,"
          "reported_on\n"
          "a1,2021-08-15,Pul-e-Hisar,Baghlan,Taliban,controlled,reported,AP,https://example.org/1,"
          "2021-08-15\n"
          "a2,2021-08-20,PULE HESAR,,Resistance,controlled,reported,AP,https://example.org/2,"
          "2021-08-20\n")
BEFORE = "2021-08-16"  # known on this day: a1 only


@pytest.fixture
def two(fresh, tmp_path) -> tracker.Tracker:
    """Pul-e-Hisar taken by the Taliban (reported 15 Aug), retaken by the Resistance (20 Aug)."""
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    fresh.import_csv(path)
    return fresh


# --- closing --------------------------------------------------------------------------------------
def open_connections(url: str) -> int:
    """Connections to the database of ``url``, this probe's own included (PostgreSQL)."""
    probe = create_engine(url)
    try:
        with probe.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM pg_stat_activity "
                                     "WHERE datname = current_database()")).scalar_one()
    finally:
        probe.dispose()


def test_context_manager_closes_every_connection(db_url):
    with tracker.connect(db_url) as t:
        t.init()
        t.status("2021-08-21")
        if t.engine.dialect.name == "sqlite":
            wal = Path(t.engine.url.database + "-wal")
            assert wal.exists()  # an open connection keeps SQLite's write-ahead log
        else:
            assert open_connections(db_url) >= 2
    assert t.closed
    if t._engine.dialect.name == "sqlite":
        assert not wal.exists()  # the last connection closed: SQLite folded the log back
    else:
        assert open_connections(db_url) == 1  # the probe's own
    with pytest.raises(tracker.DatabaseError, match="is closed"):
        t.status("2021-08-21")
    t.close()  # harmless twice
    with tracker.connect(db_url) as again:  # the data are still there
        assert len(again.district_layer()) == 399


# --- error classes -------------------------------------------------------------------------------
def test_error_classes_derive_from_the_builtin_a_caller_expects(two, tmp_path):
    with pytest.raises(LookupError) as missing:
        two.retract("no-such-event", reason="x")
    assert isinstance(missing.value, tracker.NotFoundError)
    assert not isinstance(missing.value, ValueError)
    with pytest.raises(ValueError) as bad:
        two.status("2021-02-30")
    assert isinstance(bad.value, tracker.InputError)
    with pytest.raises(ValueError) as unknown:
        two.resolve("Atlantis")
    assert isinstance(unknown.value, tracker.ResolveError)
    empty = tracker.connect(f"sqlite:///{tmp_path / 'empty.db'}")
    try:  # "except ValueError" must not swallow a database that cannot be used
        with pytest.raises(RuntimeError) as not_ready:
            try:
                empty.status("2021-08-21")
            except ValueError:
                pytest.fail("a database problem was caught as a ValueError")
        assert isinstance(not_ready.value, tracker.DatabaseError)
    finally:
        empty.close()
    for cls in (tracker.InputError, tracker.ResolveError, tracker.NotFoundError,
                tracker.DatabaseError):
        assert issubclass(cls, tracker.TrackerError)


# --- known_on wherever a state is read ------------------------------------------------------------
def test_known_on_everywhere(two, tmp_path):
    assert two.status("2021-08-21", known_on=BEFORE).set_index(s.DISTRICT_CODE).loc[
        "AF0912", s.CONTROLLER] == "Taliban"
    assert two.diff("2021-08-14", "2021-08-21", known_on=BEFORE)["new_controller"].tolist() == [
        "Taliban"]
    rollup = two.provinces("2021-08-21", known_on=BEFORE)
    assert set(rollup.loc[rollup[s.PROVINCE_CODE] == "AF09", "category"]) == {"Taliban",
                                                                              "unknown"}
    assert two.history("Pul-e-Hisar", known_on=BEFORE)[s.EVENT_ID].tolist() == ["a1"]
    assert two.history("Pul-e-Hisar")[s.EVENT_ID].tolist() == ["a1", "a2"]
    iv = two.intervals(known_on=BEFORE)
    assert iv[s.CONTROLLER].tolist() == ["Taliban"] and pd.isna(iv[s.END].iloc[0])
    assert two.events(known_on=BEFORE)[s.EVENT_ID].tolist() == ["a1"]
    page = two.map(known_on=BEFORE).get_root().render()
    assert "example.org/1" in page and "example.org/2" not in page
    assert "example.org/2" in two.map().get_root().render()
    out = tmp_path / "events.csv"
    two.export(out, events=True, known_on=BEFORE)
    assert pd.read_csv(out)[s.EVENT_ID].tolist() == ["a1"]


def test_history_known_on_hides_later_retractions_and_corrections(two, tmp_path):
    fix = tmp_path / "fix.csv"
    fix.write_text("event_id,date,district,province,controller,supersedes,reported_on\n"
                   "a3,2021-08-20,Pul-e-Hisar,Baghlan,Taliban,a2,2021-08-20\n", encoding="utf-8")
    two.import_csv(fix)
    two.retract("a1", reason="wrong day")
    today = pd.Timestamp.today().normalize()
    now = two.history("Pul-e-Hisar").set_index(s.EVENT_ID)
    assert now.loc["a2", "superseded_by"] == "a3"
    assert now.loc["a1", s.RETRACTION_REASON] == "wrong day"
    then = two.history("Pul-e-Hisar", known_on=today - pd.Timedelta(days=1)).set_index(
        s.EVENT_ID)
    assert pd.isna(then.loc["a1", s.RETRACTED_AT]) and then.loc["a1", s.RETRACTION_REASON] is None
    assert then.loc["a2", "superseded_by"] == "a3"  # a3 was reported on 2021-08-20


# --- one naming ---------------------------------------------------------------------------------
def test_diff_returns_the_changed_districts_with_polygons(two):
    changed = two.diff("2021-08-14", "2021-08-21")
    assert isinstance(changed, gpd.GeoDataFrame)
    assert changed.crs is not None and changed.crs.to_epsg() == 4326
    assert list(changed.columns) == [
        s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME, "change",
        "old_controller", "old_status", "new_controller", "new_status", "new_confidence", s.SINCE,
        s.EVENT_IDS, "geometry"]
    row = changed.iloc[0]
    assert (row[s.DISTRICT_CODE], row["old_status"], row["new_controller"], row["new_status"],
            row["new_confidence"], row[s.SINCE], row[s.EVENT_IDS]) == (
        "AF0912", s.UNKNOWN, "Resistance", s.CONTROLLED, s.REPORTED,
        pd.Timestamp("2021-08-20"), "a1;a2")
    layer = two.district_layer().set_index(s.DISTRICT_CODE)
    assert row.geometry.equals(layer.loc["AF0912", "geometry"])
    assert two.diff("2021-08-16", "2021-08-19").empty  # nothing changed in between
    assert two.diff(start="2021-08-14", end="2021-08-21").equals(changed)


def test_old_names_still_work_and_warn(two, tmp_path):
    new = two.diff("2021-08-14", "2021-08-21")
    with pytest.warns(DeprecationWarning) as caught:
        old = two.diff(d1="2021-08-14", d2="2021-08-21")
    assert sorted(str(w.message) for w in caught) == ["d1= is deprecated; use start=",
                                                      "d2= is deprecated; use end="]
    pd.testing.assert_frame_equal(pd.DataFrame(old), pd.DataFrame(new))
    with pytest.raises(tracker.InputError, match="give start= only"):
        two.diff("2021-08-14", "2021-08-21", d1="2021-08-14")
    with pytest.warns(DeprecationWarning, match="fmt= is deprecated; use format="):
        written = two.export(tmp_path / "state.txt", fmt="csv", date="2021-08-21")
    assert written[0].read_text(encoding="utf-8").startswith("date,district_code")
    with pytest.warns(DeprecationWarning, match="district_layer"):
        old_layer = two.districts()
    assert old_layer.equals(two.district_layer())
    with pytest.warns(DeprecationWarning, match="province_layer"):
        assert two.provinces_layer().equals(two.province_layer())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new names do not warn
        two.export(tmp_path / "state.csv", format="csv", date="2021-08-21")
        two.diff(start="2021-08-14", end="2021-08-21")


def test_spans_are_checked_the_same_way_everywhere(two):
    for call in (lambda: two.diff("2021-08-21", "2021-08-14"),
                 lambda: two.point_events("2021-08-21", "2021-08-14"),
                 lambda: two.map(start="2021-08-21", end="2021-08-14")):
        with pytest.raises(tracker.InputError,
                           match="end=2021-08-14 is before start=2021-08-21"):
            call()


# --- one report type per format ---------------------------------------------------------------
def test_each_import_format_has_its_own_report(fresh, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(EVENTS, encoding="utf-8")
    report = fresh.import_file(events)
    assert type(report) is EventsImportReport and report.format == "events"
    assert report.added == 2
    assert [v[:3] for v in report.variants] == [(3, "PULE HESAR", "AF0912")]
    assert not hasattr(report, "points_added") and not hasattr(report, "unmatched")

    acled = tmp_path / "acled.csv"
    write_acled(acled, [acled_row("AFG1"), acled_row("AFG2", sub="Armed clash")])
    report = fresh.import_file(acled)
    assert type(report) is AcledImportReport and report.format == "acled"
    assert (report.added, report.points_added, report.stale) == (1, 2, 0)
    assert not hasattr(report, "variants")

    deleted = tmp_path / "deleted.csv"
    deleted.write_text("event_id_cnty,deleted_timestamp\nAFG1,1700000000\nAFG9,1700000000\n",
                       encoding="utf-8")
    report = fresh.import_file(deleted)
    assert type(report) is DeletionsImportReport and report.format == "acled-deletions"
    assert (report.added, report.retracted, report.unmatched) == (2, 1, 1)
    assert not hasattr(report, "points_added")
    for cls in (EventsImportReport, AcledImportReport, DeletionsImportReport):
        assert issubclass(cls, ImportReport)


# --- drafts stored as they are --------------------------------------------------------------------
def draft(**over) -> dict[str, object]:
    row = {s.EVENT_ID: "x-1", s.DATE: "2021-08-18", s.DATE_PRECISION: "day",
           s.DISTRICT_CODE: "AF0912", "district": "Pul-e-Hisar", "province": "Baghlan",
           s.CONTROLLER: "Resistance", s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.REPORTED,
           s.SOURCE: "Wire", s.SOURCE_URL: "", s.REPORTED_ON: "2021-08-19", s.NOTES: "n"}
    return {**row, **over}


def test_apply_drafts_stores_the_district_code_of_each_draft(fresh):
    # the name column says something else: the draft's code is what counts, never re-resolved
    drafts = pd.DataFrame([draft(), draft(**{s.EVENT_ID: "x-2", s.DATE: "2021-W33",
                                             s.DATE_PRECISION: "", s.DISTRICT_CODE: "AF0907",
                                             "district": "no such place anywhere"})])
    report = fresh.apply_drafts(drafts)
    assert type(report) is EventsImportReport and (report.added, report.skipped) == (2, 0)
    stored = fresh.events().set_index(s.EVENT_ID)
    assert stored.loc["x-1", s.DISTRICT_CODE] == "AF0912"
    assert stored.loc["x-2", s.DISTRICT_CODE] == "AF0907"
    assert stored.loc["x-2", s.DATE] == pd.Timestamp("2021-08-16")  # Monday of week 33
    assert stored.loc["x-2", s.DATE_PRECISION] == s.WEEK
    assert set(stored[s.ORIGIN]) == {"extract"}
    assert fresh.apply_drafts(drafts).skipped == 2


def test_apply_drafts_refuses_a_bad_draft_and_stores_nothing(fresh):
    drafts = pd.DataFrame([draft(), draft(**{s.EVENT_ID: "x-2", s.DISTRICT_CODE: "AF9999"}),
                           draft(**{s.EVENT_ID: "x-3", s.STATUS: "influenced"})])
    with pytest.raises(tracker.InputError) as err:
        fresh.apply_drafts(drafts)
    message = str(err.value)
    assert "\n" not in message
    assert "draft 2, district_code='AF9999': not the code of a stored district" in message
    assert "draft 3, status='influenced': must be one of controlled, contested" in message
    assert fresh.events().empty


def test_an_acled_header_is_read_once_to_detect_and_once_to_import(fresh, tmp_path,
                                                                    monkeypatch):
    from tracker.ingest import csvfile

    reads = []
    real = csvfile.first_line

    def counting(path):
        reads.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(csvfile, "first_line", counting)
    acled = tmp_path / "acled.csv"
    write_acled(acled, [acled_row("AFG1")])
    assert fresh.import_file(acled).added == 1
    assert reads == ["acled.csv", "acled.csv"]  # the format, then the reader's column check
    reads.clear()
    fresh.import_file(acled, format="acled")
    assert reads == ["acled.csv"]
