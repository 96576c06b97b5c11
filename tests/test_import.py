"""Importing the project's events CSV: resolution, idempotency, all-or-nothing, bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from tracker._errors import InputError
from tracker.core import schema as s

HEADER = "event_id,date,district,province,controller,status,confidence,source,source_url,reported_on,notes\n"


def write(tmp_path, body: str, name: str = "events.csv", header: str = HEADER):
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


GOOD = (
    "e1,2021-08-15,AF0912,,Taliban,controlled,reported,Reuters,https://example.org/a,2021-08-15,\n"
    "e2,2021-08-20,Puli Hisar,Baghlan,Resistance,controlled,reported,Reuters,https://example.org/b,2021-08-20,\n"
    "e3,2021-08-20,Banu,Baghlan,Resistance,controlled,unconfirmed,Twitter,,2021-08-21,town of Andarab\n"
)


def test_import_resolves_codes_variants_and_towns(fresh, tmp_path):
    report = fresh.import_csv(write(tmp_path, GOOD))
    assert (report.added, report.skipped) == (3, 0)
    by_line = {line: (name, code) for line, name, code, _rule in report.variants}
    assert by_line[3] == ("Puli Hisar", "AF0912")
    assert by_line[4] == ("Banu", "AF0907")
    events = fresh.events().set_index(s.EVENT_ID)
    assert events.loc["e3", s.DISTRICT_CODE] == "AF0907"
    assert events.loc["e3", s.CONFIDENCE] == "unconfirmed"
    assert events.loc["e2", s.SOURCE_URL] == "https://example.org/b"
    assert str(events.loc["e2", s.REPORTED_ON].date()) == "2021-08-20"


def test_importing_twice_adds_nothing(fresh, tmp_path):
    path = write(tmp_path, GOOD)
    fresh.import_csv(path)
    again = fresh.import_csv(path)
    assert (again.added, again.skipped) == (0, 3)
    assert len(fresh.events()) == 3


def test_rows_without_event_id_get_a_stable_id(fresh, tmp_path):
    path = write(tmp_path, "2021-08-06,Zaranj,Nimroz,Taliban\n2021-08-07,Sheberghan,,Taliban\n",
                 header="date,district,province,controller\n")
    assert fresh.import_csv(path).added == 2
    assert fresh.import_csv(path).added == 0
    assert len(fresh.events()) == 2


def test_one_bad_row_leaves_the_database_unchanged(fresh, tmp_path):
    fresh.import_csv(write(tmp_path, GOOD))
    before = fresh.events()
    bad = write(tmp_path, GOOD.replace("e1,", "e9,").replace("e2,", "e8,").replace("e3,", "e7,")
                + "e10,2021-08-21,Nowhereistan,,Taliban,controlled,reported,,,,\n", name="bad.csv")
    with pytest.raises(InputError) as err:
        fresh.import_csv(bad)
    msg = str(err.value)
    assert "line 5" in msg and "Nowhereistan" in msg and "nothing imported" in msg
    assert "\n" not in msg
    after = fresh.events()
    assert len(after) == len(before) == 3


def test_every_bad_row_is_listed(fresh, tmp_path):
    body = ("a,2021-02-31,AF0912,,Taliban,controlled,reported,,,,\n"
            "b,2021-08-01,AF0912,,Taliban,captured,reported,,,,\n"
            "c,2021-08-01,AF0912,,Taliban,controlled,sure,,,,\n"
            "d,1850-01-01,AF0912,,Taliban,controlled,reported,,,,\n")
    with pytest.raises(InputError) as err:
        fresh.import_csv(write(tmp_path, body))
    msg = str(err.value)
    assert msg.startswith(f"{tmp_path / 'events.csv'}: 4 bad value(s)")
    for fragment in ("line 2, date='2021-02-31'", "line 3, status='captured'",
                     "line 4, confidence='sure'", "line 5, date='1850-01-01'"):
        assert fragment in msg
    assert fresh.events().empty


def test_ambiguous_district_needs_a_province(fresh, tmp_path):
    body = "x,2021-08-12,Arghandab,,Taliban,controlled,reported,,,,\n"
    with pytest.raises(InputError, match=r"line 2, district='Arghandab'.*(Kandahar|Zabul)"):
        fresh.import_csv(write(tmp_path, body))
    ok = write(tmp_path, "x,2021-08-12,Arghandab,Zabul,Taliban,controlled,reported,,,,\n", "ok.csv")
    fresh.import_csv(ok)
    assert fresh.events()[s.DISTRICT_CODE].iloc[0].startswith("AF26")


def test_same_id_different_content_is_refused(fresh, tmp_path):
    fresh.import_csv(write(tmp_path, GOOD))
    changed = write(tmp_path, GOOD.replace("Taliban,controlled", "Resistance,controlled"), "c.csv")
    with pytest.raises(InputError, match=r"'e1' is already stored with different content.*supersedes"):
        fresh.import_csv(changed)
    assert fresh.events().set_index(s.EVENT_ID).loc["e1", s.CONTROLLER] == "Taliban"


def test_contested_is_stored_canonically_with_one_actor_or_none(fresh, tmp_path):
    body = ("k1,2021-08-25,Deh Salah,Baghlan,Taliban; Resistance,contested,reported,,,,\n")
    fresh.import_csv(write(tmp_path, body))
    assert fresh.events()[s.CONTROLLER].iloc[0] == "Resistance;Taliban"
    # issue 12: one actor (contested with the holder before) or none (unnamed parties)
    fresh.import_csv(write(tmp_path, "k2,2021-08-25,AF0907,,Taliban,contested,,,,,\n"
                                     "k3,2021-08-25,AF0909,,,contested,,,,,\n", "k.csv"))
    stored = fresh.events().set_index(s.EVENT_ID)[s.CONTROLLER]
    assert (stored["k2"], stored["k3"]) == ("Taliban", "")
    # without status contested a controller is still required
    with pytest.raises(InputError, match="controller='': required value is empty"):
        fresh.import_csv(write(tmp_path, "k4,2021-08-25,AF0910,,,controlled,,,,,\n", "n.csv"))


def test_month_precision_is_kept(fresh, tmp_path):
    fresh.import_csv(write(tmp_path, "m1,2021-07,AF0801,,Resistance,controlled,reported,,,,\n"))
    ev = fresh.events().iloc[0]
    assert ev[s.DATE_PRECISION] == s.MONTH
    assert str(ev[s.DATE].date()) == "2021-07-01"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"date;district;controller\n2021-08-01;AF0912;Taliban\n", "';' as delimiter"),
        (b"day,district\n2021-08-01,AF0912\n", "missing required column(s) date, controller"),
        ("date,district,controller\n2021-08-01,Pol-e-Khomri,Talibán\n".encode("latin-1"),
         "not UTF-8"),
    ],
)
def test_malformed_files_give_one_line_errors(fresh, tmp_path, content, expected):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        fresh.import_csv(path)
    assert expected in str(err.value)
    assert "\n" not in str(err.value)
    assert fresh.events().empty


@pytest.mark.parametrize(("header", "said"), [
    ("date,district,controller,Confidence\n", "'Confidence' would not be read: rename it "
                                               "'confidence'"),
    ("date,district,controller,Source URL\n", "'Source URL' would not be read: rename it "
                                               "'source_url'"),
    ("date,district,controller,url\n", "'url' would not be read: rename it 'source_url'"),
    ("date,district,controller,date-precision\n", "rename it 'date_precision'"),
])
def test_a_column_named_otherwise_than_the_format_is_refused(fresh, tmp_path, header, said):
    # imported without it, the events would lose their confidence or links, and the fixed file
    # would add them again under other ids (the link is part of a row's stable id)
    path = write(tmp_path, "2021-08-06,Zaranj,Taliban,x\n", header=header)
    with pytest.raises(InputError) as err:
        fresh.import_csv(path)
    assert said in str(err.value) and "nothing imported" in str(err.value)
    assert "\n" not in str(err.value)
    assert fresh.events().empty


def test_columns_the_format_does_not_read_are_named_in_a_warning(fresh, tmp_path):
    path = write(tmp_path, "2021-08-06,Zaranj,Taliban,me,https://example.org/z,x\n",
                 header="date,district,controller,analyst,source_url,url\n")
    report = fresh.import_csv(path)  # 'url' beside 'source_url' stands for nothing else
    assert report.added == 1
    assert report.warnings[0].startswith("column(s) 'analyst', 'url' not read")
    assert fresh.events()[s.SOURCE_URL].tolist() == ["https://example.org/z"]
    assert fresh.import_csv(write(tmp_path, GOOD, name="good.csv")).warnings == []


def test_bom_and_utf16_files_are_read(fresh, tmp_path):
    text = "date,district,controller\n2021-08-06,AF3401,Taliban\n"
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "u16.csv").write_bytes(text.replace("AF3401", "AF2801").encode("utf-16"))
    assert fresh.import_csv(tmp_path / "bom.csv").added == 1
    assert fresh.import_csv(tmp_path / "u16.csv").added == 1
    assert sorted(fresh.events()[s.DISTRICT_CODE]) == ["AF2801", "AF3401"]


def test_skip_bad_imports_good_rows_and_keeps_the_rest(fresh, tmp_path):
    body = GOOD + "e4,2021-13-01,AF0912,,Taliban,controlled,reported,,,,kept as is\n"
    path = write(tmp_path, body)
    report = fresh.import_csv(path, skip_bad=True)
    assert (report.added, report.rejected) == (3, 1)
    rejects = (tmp_path / "events.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert len(rejects) == 2 and "2021-13-01" in rejects[1] and "kept as is" in rejects[1]


def test_skip_bad_writes_rejected_lines_byte_for_byte(fresh, tmp_path):
    # odd spacing, quoting and CRLF endings must survive as they are in the rejects file
    body = ('e1,2021-08-15,AF0912,,Taliban,controlled,reported,Reuters,,2021-08-15,\r\n'
            'e2,2021-02-31,AF0912,, "Taliban" ,controlled,reported,,,,"a, b"\r\n'
            'e3,2021-08-16,AF0912,,Taliban,captured,reported,,,,caf\u00e9\r\n')
    path = tmp_path / "crlf.csv"
    path.write_bytes((HEADER.replace("\n", "\r\n") + body).encode("utf-8"))
    report = fresh.import_file(path, skip_bad=True, rejects=tmp_path / "out.csv")
    assert (report.format, report.added, report.rejected) == ("events", 1, 2)
    lines = path.read_bytes().splitlines(keepends=True)
    assert (tmp_path / "out.csv").read_bytes() == lines[0] + lines[2] + lines[3]


def test_events_format_is_detected_and_forced(fresh, tmp_path):
    path = write(tmp_path, GOOD)
    assert fresh.import_file(path).format == "events"
    with pytest.raises(InputError, match="missing required ACLED column"):
        fresh.import_file(path, format="acled")
    assert len(fresh.events()) == 3


def test_five_level_scale_is_chosen_per_data_set(fresh, tmp_path):
    path = tmp_path / "influence.csv"
    path.write_text("date,district,controller,status\n2019-03-01,AF0912,Taliban,influenced\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="status='influenced': must be one of controlled, contested"):
        fresh.import_csv(path)
    fresh.init(scale="five-level")
    assert fresh.status_scale == "five-level"
    assert fresh.import_csv(path).added == 1
    state = fresh.status("2019-03-02").set_index(s.DISTRICT_CODE).loc["AF0912"]
    assert (state[s.CONTROLLER], state[s.STATUS]) == ("Taliban", "influenced")
    with pytest.raises(InputError, match="stored events use status influenced"):
        fresh.set_status_scale("control")


def test_report_date_without_a_source_is_kept(fresh, tmp_path):
    """known-on needs the publication date even when the row names no publisher or URL."""
    path = tmp_path / "dated.csv"
    path.write_text("event_id,date,district,controller,reported_on\n"
                    "r1,2021-08-06,AF3401,Taliban,2021-08-07\n", encoding="utf-8")
    fresh.import_csv(path)
    assert str(fresh.events()[s.REPORTED_ON].iloc[0].date()) == "2021-08-07"
    before = fresh.status("2021-08-08", known_on="2021-08-06").set_index(s.DISTRICT_CODE)
    after = fresh.status("2021-08-08", known_on="2021-08-07").set_index(s.DISTRICT_CODE)
    assert before.loc["AF3401", s.STATUS] == s.UNKNOWN
    assert after.loc["AF3401", s.CONTROLLER] == "Taliban"


def test_later_imports_reuse_the_stored_sources(fresh, tmp_path):
    """One source per (publisher, url, report day), also one with no report day, whether a
    later import is looked up by its few days or, with many days, by publisher alone."""
    from sqlalchemy import text

    first = ("a1,2021-08-01,AF0101,,Taliban,controlled,reported,AP,https://example.org/x,2021-08-02,\n"
             "a2,2021-08-01,AF0102,,Taliban,controlled,reported,AP,https://example.org/x,,\n"
             "a3,2021-08-01,AF0201,,Taliban,controlled,reported,Reuters,,2021-08-02,\n")
    fresh.import_csv(write(tmp_path, first, "first.csv"))
    again = ("b1,2021-08-05,AF0101,,Resistance,controlled,reported,AP,https://example.org/x,2021-08-02,\n"
             "b2,2021-08-05,AF0102,,Resistance,controlled,reported,AP,https://example.org/x,,\n"
             "b3,2021-08-05,AF0201,,Resistance,controlled,reported,Reuters,,2021-08-06,\n")
    fresh.import_csv(write(tmp_path, again, "again.csv"))
    many = "".join(f"m{i},2021-08-05,AF0907,,Taliban,controlled,reported,AP,"
                   f"https://example.org/x,{d.date()},\n"
                   for i, d in enumerate(pd.date_range("2020-01-01", periods=500)))
    fresh.import_csv(write(tmp_path, many + "m-last,2021-08-05,AF0907,,Taliban,controlled,"
                           "reported,AP,https://example.org/x,2021-08-02,\n", "many.csv"))
    with fresh.engine.connect() as conn:
        shared = dict(conn.execute(text("SELECT event_id, source_id FROM events")).all())
        count = conn.execute(text("SELECT count(*) FROM sources")).scalar_one()
    assert shared["a1"] == shared["b1"] == shared["m-last"]
    assert shared["a2"] == shared["b2"] and shared["a2"] != shared["a1"]
    assert shared["a3"] != shared["b3"]
    assert count == 4 + 500  # the 500 days from 2020-01-01 end before 2021-08-02


def test_values_longer_than_their_store_column_are_refused(fresh, tmp_path):
    """The store's column sizes (controller 400, actor 200, event_id 200, source 300) are
    limits of the file too: PostgreSQL would otherwise fail the import with a driver error."""
    body = (f"e1,2021-08-15,AF0912,,{'T' * 201},controlled,reported,,,,\n"
            f"{'x' * 201},2021-08-15,AF0912,,Taliban,controlled,reported,,,,\n"
            f"e3,2021-08-15,AF0912,,Taliban,controlled,reported,{'R' * 301},,,\n")
    with pytest.raises(InputError) as err:
        fresh.import_csv(write(tmp_path, body))
    msg = str(err.value)
    assert "3 bad value(s)" in msg
    assert "line 2, controller=" in msg and "line 3, event_id=" in msg and "line 4, source=" in msg
    assert fresh.events().empty


def test_line_numbers_count_physical_lines(fresh, tmp_path):
    """A quoted note spanning lines and a blank line do not shift the line named in errors."""
    path = tmp_path / "multi.csv"
    path.write_text('date,district,controller,notes\n'
                    '2021-08-06,AF3401,Taliban,"first line\nsecond line"\n'
                    '\n'
                    '2021-08-07,Atlantis,Taliban,\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 5, district='Atlantis'"):
        fresh.import_csv(path)
    report = fresh.import_csv(path, skip_bad=True)
    assert (report.added, report.rejected) == (1, 1)
    rejected = (tmp_path / "multi.rejects.csv").read_text(encoding="utf-8")
    assert "Atlantis" in rejected and "second line" not in rejected


def test_a_supersedes_loop_is_refused_whole_and_leaves_the_store_as_it_was(fresh, tmp_path):
    """The loop is found by the intervals' build, which runs beside the write of the events: its
    error still reaches the caller in one line and rolls the whole import back."""
    fresh.import_csv(write(tmp_path, GOOD))
    before, intervals_before = fresh.events(), fresh.intervals()
    loop = write(tmp_path, (
        "a1,2021-08-22,AF0912,,Taliban,controlled,reported,AP,,2021-08-22,,a2\n"
        "a2,2021-08-23,AF0912,,Resistance,controlled,reported,AP,,2021-08-23,,a1\n"),
        name="loop.csv", header=HEADER.replace("notes\n", "notes,supersedes\n"))
    with pytest.raises(InputError, match=r"supersedes links form a loop \(a\d -> a\d -> a\d\)"):
        fresh.import_csv(loop)
    assert len(fresh.events()) == len(before)
    assert fresh.intervals().equals(intervals_before)
    assert fresh.check_store().empty
