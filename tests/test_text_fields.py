"""Text from outside: control characters and oversized fields are refused with line and column.

Through the ``tracker`` command, as a user meets them: events CSV, ACLED export, ACLED deletions,
actor words, aliases and report text given to ``extract``.
"""

from __future__ import annotations

import pandas as pd
import pytest
from acled_files import acled_row, write_acled
from input_checks import run, snapshot, stored_control_characters

import tracker
from tracker.ingest.problems import Problems
from tracker.ingest.text_fields import FIELD_LIMIT, NOTES_LIMIT, check_text, check_value

HEADER = "event_id,date,district,controller,notes\n"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """An initialised SQLite database holding one event; tests must leave it unchanged."""
    folder = tmp_path_factory.mktemp("text")
    url = f"sqlite:///{folder / 't.db'}"
    run(["init", "--db", url])
    ok = folder / "ok.csv"
    ok.write_text(HEADER + "e0,2021-08-01,AF0101,Taliban,\n", encoding="utf-8")
    assert run(["import", str(ok), "--db", url]).exit_code == 0
    return url


def refused(db, tmp_path, body: bytes, *args: str, name: str = "bad.csv"):
    path = tmp_path / name
    path.write_bytes(body)
    before = snapshot(db)
    result = run(["import", str(path), *args, "--db", db])
    assert result.exit_code == 1, result.output
    assert snapshot(db) == before
    assert len(result.stderr.strip().splitlines()) == 1
    return result.stderr


@pytest.mark.parametrize(("value", "code"), [
    ("Tal\x00iban", "U+0000 at character 4"),
    ("Tal\x07iban", "U+0007 at character 4"),
    ("Tali\x1bban", "U+001B at character 5"),
    ("Taliban\x7f!", "U+007F at character 8"),
    ("Tali\u0085ban", "U+0085 at character 5"),
    ("Tali\u009fban", "U+009F at character 5"),
])
def test_control_characters_in_a_name_are_refused(db, tmp_path, value, code):
    body = (HEADER + "e1,2021-08-02,AF0102,Taliban,\n"
            f'e2,2021-08-02,AF0101,"{value}",\n').encode()
    err = refused(db, tmp_path, body)
    assert "line 3, controller='Tal" in err
    assert f"holds control character {code}; remove it" in err


def test_tabs_and_line_breaks_only_in_notes(db, tmp_path):
    body = HEADER + 'e1,2021-08-02,AF0102,"Tali\tban",\n'
    err = refused(db, tmp_path, body.encode())
    assert "line 2, controller='Tali\\tban'" in err and "allowed only in notes" in err
    body = HEADER + 'e1,2021-08-02,"Ka\nbul",Taliban,\n'
    assert "U+000A" in refused(db, tmp_path, body.encode())


def test_a_five_megabyte_field_is_refused_with_line_and_column(db, tmp_path):
    body = HEADER + "e1,2021-08-02,AF0102,Taliban,\n" + f"e2,2021-08-02,AF0101,{'T' * 5_000_000},\n"
    err = refused(db, tmp_path, body.encode())
    assert "field larger than field limit" not in err
    assert "line 3, controller='TTT" in err
    assert "5,000,000 bytes, more than the 64 KiB a field may hold" in err


def test_notes_hold_a_mebibyte_with_tabs_and_line_breaks(db, tmp_path):
    big = "x" * (NOTES_LIMIT + 1)
    err = refused(db, tmp_path, (HEADER + f"e1,2021-08-02,AF0102,Taliban,{big}\n").encode())
    assert "line 2, notes='xxx" in err and "more than the 1,024 KiB a notes field may hold" in err


def test_long_notes_with_tabs_and_line_breaks_are_stored_whole(db_url, tmp_path):
    """On both backends: a 128 KiB note over two lines with a tab lands unchanged."""
    fine = tmp_path / "fine.csv"
    note = "first line\r\n\tsecond line " + "y" * (FIELD_LIMIT * 2)
    fine.write_text(HEADER + f'n1,2021-08-03,AF0103,Taliban,"{note}"\n', encoding="utf-8")
    run(["init", "--db", db_url])
    before = snapshot(db_url)
    assert run(["import", str(fine), "--db", db_url]).exit_code == 0
    after = snapshot(db_url)
    assert stored_control_characters(before, after) == []
    events = tracker.connect(db_url).events().set_index("event_id")
    assert events.loc["n1", "notes"] == note


def test_skip_bad_imports_the_clean_rows_and_keeps_the_bad_bytes(db_url, tmp_path):
    run(["init", "--db", db_url])
    path = tmp_path / "mixed.csv"
    raw = (HEADER + "e1,2021-08-02,AF0102,Taliban,\n" + "e2,2021-08-02,AF0101,Tal\x00iban,\n")
    path.write_bytes(raw.encode())
    result = run(["import", str(path), "--skip-bad", "--db", db_url])
    assert result.exit_code == 0 and "rejected 1 row(s)" in result.stderr
    assert (tmp_path / "mixed.rejects.csv").read_bytes() == (
        HEADER + "e2,2021-08-02,AF0101,Tal\x00iban,\n").encode()
    assert tracker.connect(db_url).events()["controller"].tolist() == ["Taliban"]


def test_acled_rows_with_control_characters_are_refused(db, tmp_path):
    path = write_acled(tmp_path / "acled.csv", [acled_row("AFG1", "Kabul"),
                                                acled_row("AFG2", "Kabul", actor1="Tal\x00iban")])
    err = refused(db, tmp_path, path.read_bytes(), name="acled.csv")
    assert "line 3, actor1='Tal\\x00iban': holds control character U+0000" in err


def test_acled_notes_keep_line_breaks(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    run(["init", "--db", url])
    path = write_acled(tmp_path / "acled.csv", [acled_row("AFG1", "Kabul",
                                                          notes="One.\nTwo.\tThree.")])
    assert run(["import", str(path), "--db", url]).exit_code == 0
    listed = run(["points", "--format", "csv", "--db", url]).output
    assert "One.\nTwo.\tThree." in listed


def test_deletions_with_control_characters_are_refused(db, tmp_path):
    body = b"event_id_cnty,deleted_timestamp\nAFG\x001,1630454400\n"
    err = refused(db, tmp_path, body, name="deleted.csv")
    assert "line 2, event_id_cnty='AFG\\x001': holds control character U+0000" in err


@pytest.mark.parametrize("args", [
    ["actor", "add", "the\x00outfit", "Taliban"],
    ["actor", "add", "the outfit", "Tali\x07ban"],
    ["alias", "add", "Pul\x1b-e-Hisar", "Andarab"],
    ["retract", "e0", "--reason", "typo\x00"],
])
def test_values_typed_on_the_command_line_are_checked(db, args):
    before = snapshot(db)
    result = run([*args, "--db", db])
    assert result.exit_code == 1
    assert "holds control character" in result.stderr
    assert snapshot(db) == before


def test_report_text_with_a_control_character_names_line_and_column(db, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("Date: 2021-08-21\n\nTaliban seized Pul-e-Khumri.\nThe ci\x00ty fell.\n",
                      encoding="utf-8")
    result = run(["extract", str(report), "--db", db])
    assert result.exit_code == 1
    assert ("the report's text holds control character U+0000 at line 4, column 7"
            in result.stderr)
    # tabs and line breaks are the report's own
    report.write_text("Date: 2021-08-21\r\n\r\n\tTaliban seized Pul-e-Khumri.\n", encoding="utf-8")
    assert run(["extract", str(report), "--db", db]).exit_code == 0


def test_check_text_is_vectorised_over_a_column():
    values = pd.Series(["fine", "bad\x01", "x" * 301, "", "tab\there"])
    problems = Problems()
    bad = check_text(values, "name", problems, limit=300)
    assert bad.tolist() == [False, True, True, False, True]
    found = problems.frame().sort_values("record")
    assert found["record"].tolist() == [1, 2, 4]
    assert "longer than 300 characters" in found["why"].iloc[1]
    notes = check_text(values, "notes", Problems(), multiline=True)
    assert notes.tolist() == [False, True, False, False, False]


def test_check_value_gives_line_and_column_of_multiline_text():
    with pytest.raises(ValueError, match="at line 2, column 3"):
        check_value("ab\ncd\x02e", "the text", multiline=True)
    assert check_value("a\tb\r\nc", "the text", multiline=True) == "a\tb\r\nc"
