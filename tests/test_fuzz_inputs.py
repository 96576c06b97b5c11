"""Fuzzing every importer through the ``tracker`` command with hostile files (hypothesis).

Events CSVs, ACLED exports, ACLED deletions files, news reports, alias files (``alias import``,
``init --variants``, ``--suggest`` columns included), actor files (``actor import``) and places files (CSV and GeoNames dumps) are
generated with hostile content: encodings (UTF-8 with and without BOM, UTF-16, Windows-1252),
quotes and delimiters in values, fields of up to ~400 KB, control characters (C0, C1, NUL), mixed
line endings, truncated files, dates at the calendar's edges, coordinates at and past their ranges,
duplicated and missing header columns, rows of the wrong width. The invariant, for every file: no
traceback and no "unexpected" error (the CLI's catch-all), a refusal is one line on stderr with
exit code 1 and leaves the database as it was, an accepted file stores no control character (tabs
and line breaks only in notes).

CI runs a bounded number of examples (the whole module in about a minute); before a release run
``HYPOTHESIS_PROFILE=release pytest tests/test_fuzz_inputs.py`` (20x more examples, ~20 min).
Cases that ever failed are kept in ``tests/data/malformed/`` and replayed by
``tests/test_malformed_corpus.py``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os

import pytest
from acled_files import PLACES, T0, acled_row
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from input_checks import point_control_characters, run, snapshot, stored_control_characters

from tracker.core.acled_columns import CURRENT_COLUMNS, LEGACY_COLUMNS

PROFILES = {
    "ci": settings(max_examples=25, deadline=None, database=None, print_blob=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                          HealthCheck.function_scoped_fixture]),
}
PROFILES["release"] = settings(PROFILES["ci"], max_examples=500)
# HYPOTHESIS_PROFILE=release for the long run; other names (the project's own) keep the CI size
FUZZ = PROFILES.get(os.environ.get("HYPOTHESIS_PROFILE", "ci"), PROFILES["ci"])

CONTROL = [chr(c) for c in range(0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
AWKWARD = [*',";\'\n\r\t =+-@\\<>&#', "\ufeff", "\u2028", "\u202e", "é", "€", "😀"]
NAMES = ["Pul-e-Khumri", "Puli Hisar", "AF0912", "Kabul", "Andarab", "Banu", "Taliban",
         "Resistance", "Taliban;Resistance", ";", " ", "Baghlan", "AF09"]
DATES = ["2021-08-15", "2021-02-29", "2020-02-29", "1900-01-01", "1899-12-31", "0001-01-01",
         "9999-12-31", "2021-W53", "2020-W53", "2021-W00", "2021-00", "2021-13", "2021-08",
         "20 August 2021", "31/12/9999", "29 February 2021", "2021-8-1", "", "2100-01-01"]
ENCODINGS = ["utf-8"] * 6 + ["utf-8-sig", "utf-16", "cp1252"]
ENDINGS = ["\n", "\r\n", "\r"]


def long_text(size: int, char: str) -> str:
    return char * size


hostile = st.one_of(
    st.sampled_from(NAMES),
    st.text(max_size=25),
    st.text(alphabet=st.sampled_from(CONTROL + AWKWARD + list("abc")), max_size=12),
    st.builds(lambda a, c, b: a + c + b, st.sampled_from(NAMES), st.sampled_from(CONTROL),
              st.sampled_from(NAMES)),
    st.builds(long_text, st.sampled_from([300, 70_000, 140_000]), st.sampled_from("xé€")),
)
dates = st.one_of(st.sampled_from(DATES), hostile)


def mostly(good, bad=hostile):
    """Good values three times out of four: files get past the first check often enough."""
    return st.one_of(good, good, good, bad)



numbers = st.one_of(
    st.sampled_from(["", "0", "-1", "1", "2", "3", "4", "1.5", "nan", "inf", "-inf", "1e309",
                     "99999999999999999999", "9223372036854775808", "-9223372036854775809",
                     "0x10", "1_000", " 7 ", "90.0000001", "-180", "1630454400", "253402300800",
                     "-62135596800", str(T0)]),
    st.integers().map(str), st.floats().map(str), hostile)
edge_numbers = st.one_of(
    st.sampled_from(["-1", "0", "4", "1e20", "99999999999999999999", "2147483648", "1e309",
                     "nan", "-0", "1.5", "253402300800", "90.0000001"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str))


@st.composite
def csv_bytes(draw, header: list[str], rows: list[list[str]]) -> bytes:
    """One CSV file: quoting, line endings, encoding and truncation drawn."""
    quoting = draw(st.sampled_from(["minimal", "all", "raw"]))
    lines = []
    for fields in [header, *rows]:
        if quoting == "raw":
            lines.append(",".join(fields))
        else:
            buf = io.StringIO()
            csv.writer(buf, quoting=csv.QUOTE_ALL if quoting == "all" else csv.QUOTE_MINIMAL,
                       lineterminator="").writerow(fields)
            lines.append(buf.getvalue())
    text = ""
    for line in lines:
        text += line + draw(st.sampled_from(ENDINGS))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    # trouble is drawn at the high end, so that hypothesis's simplest examples are sound files
    if draw(st.integers(0, 9)) == 9:  # cut anywhere, even inside a character
        data = data[: draw(st.integers(0, len(data)))]
    return data


@st.composite
def header_of(draw, required: list[str], optional: list[str]) -> list[str]:
    """Required columns and some optional ones, shuffled; sometimes one twice or one missing."""
    extra = draw(st.lists(st.sampled_from(optional), unique=True, max_size=len(optional))) \
        if optional else []
    columns = draw(st.permutations([*required, *extra]))
    trouble = draw(st.integers(0, 19))
    if trouble == 19:
        columns = [*columns, draw(st.sampled_from(columns))]
    elif trouble == 18:
        columns = [c for c in columns if c != draw(st.sampled_from(required))]
    elif trouble == 17:
        columns = [c.upper() if i == 0 else c for i, c in enumerate(columns)]
    return columns


EVENT_REQUIRED = ["date", "district", "controller"]
EVENT_OPTIONAL = ["province", "status", "confidence", "source", "source_url", "reported_on",
                  "notes", "event_id", "supersedes", "date_precision"]
EVENT_VALUES = {
    "date": mostly(st.sampled_from(DATES), dates), "reported_on": dates,
    "district": mostly(st.sampled_from(["Pul-e-Khumri", "Puli Hisar", "AF0912", "Kabul"])),
    "province": st.one_of(st.just(""), hostile),
    "controller": mostly(st.sampled_from(["Taliban", "Resistance", "Taliban;Resistance"])),
    "notes": st.one_of(st.just("a note\nover lines\twith a tab"), hostile),
    "status": st.one_of(st.sampled_from(["", "controlled", "contested", "influenced"]), hostile),
    "confidence": st.one_of(st.sampled_from(["", "confirmed", "reported", "unconfirmed"]),
                            hostile),
    "date_precision": st.one_of(st.sampled_from(["", "day", "week", "month"]), hostile),
}


@st.composite
def events_files(draw) -> bytes:
    header = draw(header_of(EVENT_REQUIRED, EVENT_OPTIONAL))
    n = draw(st.integers(0, 4))
    rows = []
    for _ in range(n):
        row = [draw(EVENT_VALUES.get(c, hostile)) for c in header]
        width = draw(st.integers(0, 9))
        if width == 9:
            row = row[:-1]
        elif width == 8:
            row = [*row, draw(hostile)]
        rows.append(row)
    return draw(csv_bytes(header, rows))


ACLED_NUMBERS = ("latitude", "longitude", "time_precision", "geo_precision", "fatalities",
                 "timestamp", "year", "inter1", "inter2", "interaction", "iso")


@st.composite
def acled_files(draw) -> bytes:
    layout = list(draw(st.sampled_from([CURRENT_COLUMNS, LEGACY_COLUMNS])))
    trouble = draw(st.integers(0, 19))
    if trouble == 19:
        layout = [*layout, draw(st.sampled_from(layout))]
    elif trouble == 18:
        layout.remove(draw(st.sampled_from(["event_date", "latitude", "timestamp", "actor1"])))
    rows = []
    for k in range(draw(st.integers(0, 3))):
        row = acled_row(f"AFG{k}", draw(st.sampled_from(sorted(PLACES))))
        if draw(st.integers(0, 2)) == 2:  # one number at its edge, the row otherwise sound
            row[draw(st.sampled_from(ACLED_NUMBERS))] = draw(edge_numbers)
        for column in draw(st.lists(st.sampled_from(layout), unique=True, max_size=3)):
            row[column] = draw(numbers if column in ACLED_NUMBERS else
                               dates if column == "event_date" else hostile)
        rows.append([str(row.get(c, "")) for c in layout])
    return draw(csv_bytes(layout, rows))


@st.composite
def deletions_files(draw) -> bytes:
    header = draw(header_of(["event_id_cnty", "deleted_timestamp"], ["note"]))
    rows = [[draw(numbers) if c == "deleted_timestamp" else
             draw(st.one_of(st.sampled_from(["AFG0", "AFG1", "AFG77"]), hostile))
             for c in header] for _ in range(draw(st.integers(0, 4)))]
    return draw(csv_bytes(header, rows))


ALIAS_REQUIRED = ["name", "district"]
ALIAS_OPTIONAL = ["province", "level", "district_name", "score"]  # the last two: --suggest's
ALIAS_VALUES = {
    "name": mostly(st.sampled_from(["Puli Khumri", "Pol-i-Khomri", "Andarab Valley",
                                    "Kabul City", "Baghlan Province", "Pul\u2011i\u2011Khumri"])),
    "district": mostly(st.sampled_from(["Pul-e-Khumri", "AF0901", "Andarab", "Kabul"]),
                       st.one_of(st.sampled_from(["Atlantis", "AF09", "Puli Hisar", ""]),
                                 hostile)),
    "province": st.one_of(st.sampled_from(["", "Baghlan", "AF09", "Kabul"]), hostile),
    "level": st.one_of(st.sampled_from(["", "district", "province", "PROVINCE"]), hostile),
}


@st.composite
def alias_files(draw) -> bytes:
    """Alias tables (``alias import``, ``init --variants``), ``--suggest`` columns included."""
    header = draw(header_of(ALIAS_REQUIRED, ALIAS_OPTIONAL))
    rows = [[draw(ALIAS_VALUES.get(c, hostile)) for c in header]
            for _ in range(draw(st.integers(1, 4)) if draw(st.integers(0, 9)) < 9 else 0)]
    for row in rows:
        width = draw(st.integers(0, 9))
        if width == 9:
            row.append(draw(hostile))
        elif width == 8:
            row.pop()
    return draw(csv_bytes(header, rows))


ACTOR_VALUES = {
    "actor": mostly(st.sampled_from(["RSF", "SAF", "Taliban", " Tali ban ", ""])),
    "alias": mostly(st.sampled_from(["Rapid Support Forces", "the army", "THE ARMY", "RSF", ""])),
}


@st.composite
def actor_files(draw) -> bytes:
    """Actor files (``actor import``): ``actor,alias`` and other columns."""
    header = draw(header_of(["actor", "alias"], ["note"]))
    rows = [[draw(ACTOR_VALUES.get(c, hostile)) for c in header]
            for _ in range(draw(st.integers(0, 4)))]
    return draw(csv_bytes(header, rows))


# coordinates inside Afghanistan (located), outside it, at and past the edges, not numbers
LONS = ["69.17", "68.715", "61.86", "10", "180", "-180", "180.0000001", "69,2", ""]
LATS = ["34.53", "35.944", "30.96", "-90", "90", "90.0000001", "1e309", "nan", ""]
PLACE_VALUES = {
    "name": mostly(st.sampled_from(["Darulaman", "Gate 7", "Qala-i-Jangi", "Pul\"i Sang"])),
    "lon": mostly(st.sampled_from(LONS), numbers),
    "lat": mostly(st.sampled_from(LATS), numbers),
    "alternate_names": st.one_of(st.sampled_from(["", "Dar ul Aman|Darul Aman", "A,B"]),
                                 hostile),
}


@st.composite
def places_csv_files(draw) -> bytes:
    header = draw(header_of(["name", "lon", "lat"], ["alternate_names"]))
    rows = [[draw(PLACE_VALUES.get(c, hostile)) for c in header]
            for _ in range(draw(st.integers(0, 4)))]
    return draw(csv_bytes(header, rows))


def geonames_line(draw) -> list[str]:
    """One line of a GeoNames dump (19 fields); some fields hostile, some lines cut or long."""
    cols = ["1138958", draw(PLACE_VALUES["name"]), "Darulaman", "Dar ul Aman,Darul Aman",
            draw(PLACE_VALUES["lat"]), draw(PLACE_VALUES["lon"]),
            draw(st.sampled_from(["P", "S", "H", "T", ""])), "PPL", "AF", "", "13", "", "", "",
            "0", "", "1791", "Asia/Kabul", "2024-01-01"]
    for i in draw(st.lists(st.integers(0, 18), unique=True, max_size=2)):
        cols[i] = draw(hostile)
    width = draw(st.integers(0, 9))
    if width == 9:
        cols = cols[: draw(st.integers(1, 18))]
    elif width == 8:
        cols.append(draw(hostile))
    return cols


@st.composite
def geonames_files(draw) -> bytes:
    """GeoNames country dumps: tab-separated, no header, no quoting."""
    text = ""
    for _ in range(draw(st.integers(1, 4))):
        text += "\t".join(geonames_line(draw)) + draw(st.sampled_from(ENDINGS))
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if draw(st.integers(0, 9)) == 9:
        data = data[: draw(st.integers(0, len(data)))]
    return data


SENTENCES = ["Taliban fighters seized Pul-e-Khumri on Friday.",
             "The district of Andarab fell to the Taliban yesterday.",
             "Resistance forces recaptured Banu, officials said.",
             "Date: 2021-08-21", "<p>Government forces retook Kunduz city.</p>",
             "<script>alert(1)</script>", "&#0;&#x7;&#x85;&#128512;", "<meta property="
             '"article:published_time" content="2021-08-20T10:00:00Z">']


@st.composite
def report_files(draw) -> bytes:
    parts = draw(st.lists(st.one_of(st.sampled_from(SENTENCES), hostile), min_size=0,
                          max_size=8))
    text = ""
    for part in parts:
        text += part + draw(st.sampled_from([" ", *ENDINGS, "\n\n"]))
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if draw(st.integers(0, 9)) == 9:
        data = codecs.BOM_UTF8 + data
    return data


# --- the runs ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'fuzz.db'}"
    run(["init", "--db", url])
    return url, folder


FILE = "<file>"  # where the file goes in a command's arguments (default: after the first)


def check(db, args: list[str], data: bytes, name: str, *, points: bool = False):
    """Run ``tracker ARGS FILE``; assert the invariants; return the result."""
    url, folder = db
    path = folder / name
    path.write_bytes(data)
    before = snapshot(url)
    if FILE in args:
        args = [str(path) if a == FILE else a for a in args]
    else:
        args = [*args[:1], str(path), *args[1:]]
    result = run([*args, "--db", url])
    after = snapshot(url)
    event("accepted" if result.exit_code == 0 else
          "refused: " + result.stderr.split(":")[-1].strip()[:40])
    if args[0] == "extract" and "--apply" not in args:
        assert after == before, "extract without --apply changed the database"
    if result.exit_code != 0:
        assert result.exit_code == 1
        assert after == before, "a refused file changed the database"
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    else:
        assert stored_control_characters(before, after) == []
        if points:
            assert point_control_characters(url) == []
    return result


@FUZZ
@given(data=events_files(), skip_bad=st.booleans())
def test_events_files(db, data, skip_bad):
    check(db, ["import", "--format", "events", *(["--skip-bad"] if skip_bad else [])], data,
          "events.csv")


@FUZZ
@given(data=acled_files(), skip_bad=st.booleans())
def test_acled_files(db, data, skip_bad):
    check(db, ["import", *(["--skip-bad"] if skip_bad else [])], data, "acled.csv", points=True)


@FUZZ
@given(data=deletions_files(), skip_bad=st.booleans())
def test_deletions_files(db, data, skip_bad):
    check(db, ["import", "--format", "acled-deletions", *(["--skip-bad"] if skip_bad else [])],
          data, "deleted.csv")


@FUZZ
@given(data=report_files(), apply=st.booleans())
def test_report_texts(db, data, apply):
    check(db, ["extract", "--date", "2021-08-21", *(["--apply"] if apply else [])], data,
          "report.txt")


@FUZZ
@given(data=st.one_of(events_files(), acled_files(), deletions_files()))
def test_format_detected_from_the_header(db, data):
    check(db, ["import"], data, "any.csv", points=True)


@FUZZ
@given(data=alias_files())
def test_alias_files(db, data):
    check(db, ["alias", "import", FILE], data, "aliases.csv")


@FUZZ
@given(data=alias_files())
def test_variants_files(db, data):
    """``init --variants`` on an initialised database: a refused file leaves it as it was."""
    check(db, ["init", "--variants", FILE], data, "variants.csv")


@FUZZ
@given(data=actor_files())
def test_actor_files(db, data):
    check(db, ["actor", "import", FILE], data, "actors.csv")


@FUZZ
@given(data=st.one_of(places_csv_files(), geonames_files()))
def test_places_files(db, data):
    check(db, ["places", "import", FILE], data, "places.txt")

