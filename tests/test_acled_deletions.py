"""ACLED's deletions: deleted events stop counting, in whatever order files come; bad files refused."""

from __future__ import annotations

import pandas as pd
import pytest
from acled_files import PLACES, T0, acled_row, write_acled
from click.testing import CliRunner
from sqlalchemy import func, select

import tracker
from tracker._errors import InputError
from tracker.api import detect_format
from tracker.cli import main
from tracker.core import schema as s
from tracker.store.models import AcledDeletion

DAY = 86_400
PUL_E_KHUMRI = PLACES["Pul-e-Khumri"][4]
TAKEN = f"acled:AFG1@{T0}"  # the control event of AFG1's only version


def export(tmp_path, name="export.csv", *, ts=T0):
    """AFG1: the Taliban take Pul-e-Khumri (20 Aug); AFG3: a clash in Kabul."""
    return write_acled(tmp_path / name, [
        acled_row("AFG1", "Pul-e-Khumri", ts=ts),
        acled_row("AFG3", "Kabul", sub="Armed clash", fatalities=2, ts=ts),
    ])


def deletions(tmp_path, rows, name="deleted.csv"):
    body = "".join(f"{eid},{stamp}\n" for eid, stamp in rows)
    path = tmp_path / name
    path.write_text("event_id_cnty,deleted_timestamp\n" + body, encoding="utf-8")
    return path


def controller(t, day="2021-08-22"):
    return t.status(day).set_index(s.DISTRICT_CODE).loc[PUL_E_KHUMRI, s.CONTROLLER]


def stored_deletions(t) -> int:
    with t.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(AcledDeletion)).scalar_one()


def test_a_deleted_event_stops_counting_and_stays_in_history(fresh, tmp_path):
    fresh.import_file(export(tmp_path))
    assert controller(fresh) == "Taliban"
    path = deletions(tmp_path, [("AFG1", T0 + 2 * DAY)])  # deleted on 27 August
    assert detect_format(path) == "acled-deletions"
    report = fresh.import_file(path)
    assert (report.format, report.added, report.retracted, report.unmatched) == (
        "acled-deletions", 1, 1, 0)
    state = fresh.status("2021-08-22").set_index(s.DISTRICT_CODE).loc[PUL_E_KHUMRI]
    assert state[s.STATUS] == s.UNKNOWN and state[s.CONTROLLER] != "Taliban"
    history = fresh.history("Pul-e-Khumri").set_index(s.EVENT_ID)
    assert "ACLED deleted event AFG1" in history.loc[TAKEN, s.RETRACTION_REASON]
    assert fresh.point_events()["acled_id"].tolist() == ["AFG3"]
    # known on 26 August, before ACLED deleted it, the event still shows
    assert sorted(fresh.point_events(known_on="2021-08-26")["acled_id"]) == ["AFG1", "AFG3"]
    assert sorted(fresh.point_events(all_versions=True)["acled_id"]) == ["AFG1", "AFG3"]


def test_deletions_and_exports_in_any_order_give_the_same_result(fresh, tmp_path):
    gone = deletions(tmp_path, [("AFG1", T0 + DAY)])
    fresh.import_file(gone)
    first = fresh.import_file(export(tmp_path))
    assert (first.added, first.points_added, first.stale) == (0, 2, 1)  # AFG1 arrives deleted
    assert fresh.point_events()["acled_id"].tolist() == ["AFG3"]
    again = fresh.import_file(gone)
    assert (again.added, again.skipped, again.retracted) == (0, 1, 0)
    other = tracker.connect(f"sqlite:///{tmp_path / 'other-order.db'}")
    other.init()
    other.import_file(export(tmp_path))
    other.import_file(gone)
    columns = [s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.START, s.END]
    deleted_first = fresh.intervals()[columns].reset_index(drop=True)
    deleted_last = other.intervals()[columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(deleted_first, deleted_last, check_dtype=False)
    assert PUL_E_KHUMRI not in set(deleted_first[s.DISTRICT_CODE])
    assert other.check_store().empty  # the deletion rebuilt the intervals it changed
    other.engine.dispose()


def test_a_version_published_after_the_deletion_counts_again(fresh, tmp_path):
    fresh.import_file(export(tmp_path))
    fresh.import_file(deletions(tmp_path, [("AFG1", T0 + DAY)]))
    back = fresh.import_file(export(tmp_path, "republished.csv", ts=T0 + 5 * DAY))
    assert back.added == 1
    assert controller(fresh) == "Taliban"
    assert sorted(fresh.point_events()["acled_id"]) == ["AFG1", "AFG3"]


def test_bad_deletion_files_change_nothing(fresh, tmp_path):
    fresh.import_file(export(tmp_path))
    bad = deletions(tmp_path, [("AFG1", ""), ("AFG3", "soon"), ("AFG7", "99999999999"),
                               ("", str(T0)), ("AFG8", "1" + "0" * 20)])
    with pytest.raises(InputError) as err:
        fresh.import_file(bad)
    message = str(err.value)
    assert "\n" not in message and "5 bad value(s), nothing imported" in message
    for fragment in ("line 2", "line 3", "not a whole number", "line 4", "not a deletion time",
                     "line 5", "required value is empty", "line 6"):
        assert fragment in message, fragment
    assert stored_deletions(fresh) == 0 and controller(fresh) == "Taliban"
    missing = tmp_path / "no-time.csv"
    missing.write_text("event_id_cnty,deleted_timestamp;x\nAFG1,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing required column"):
        fresh.import_file(missing, format="acled-deletions")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty; an ACLED deletions file needs"):
        fresh.import_file(empty, format="acled-deletions")


def test_skip_bad_records_the_good_rows_and_keeps_the_bad_ones(fresh, tmp_path):
    fresh.import_file(export(tmp_path))
    path = deletions(tmp_path, [("AFG3", "later"), ("AFG1", str(T0 + DAY)), ("AFG9", str(T0))])
    report = fresh.import_file(path, skip_bad=True)
    assert (report.added, report.rejected, report.unmatched, report.retracted) == (2, 1, 1, 1)
    assert (tmp_path / "deleted.rejects.csv").read_text(encoding="utf-8") == (
        "event_id_cnty,deleted_timestamp\nAFG3,later\n")


def test_cli_detects_a_deletions_file(db_url, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--db", db_url]).exit_code == 0
    assert runner.invoke(main, ["import", str(export(tmp_path)), "--db", db_url]).exit_code == 0
    path = deletions(tmp_path, [("AFG1", T0 + DAY), ("AFG8", T0 + DAY)])
    result = runner.invoke(main, ["import", str(path), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "recorded 2 ACLED deletion(s), skipped 0" in result.output
    assert "retracted 1 control event(s)" in result.output
    assert "1 deletion(s) name events not imported (yet)" in result.output
