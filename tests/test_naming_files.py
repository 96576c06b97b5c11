"""Alias, variants and places files on both backends: each hostile file is refused with one line
naming its line and column (or its header), and changes nothing; sound files still load.

The files of ``tracker alias import``, ``tracker init --variants`` and ``tracker places import``
(CSV and GeoNames dump) go through the importers' shared path (``csvfile.read_table``,
``text_fields.check_text``, ``Problems``). The cases are those issue #16 lists for every file a
user can hand the tracker, plus values longer than the store's columns (PostgreSQL refuses
those itself, which used to reach the CLI's catch-all).
"""

from __future__ import annotations

import pytest
from input_checks import run, snapshot

from tracker.store.models import Alias, Place

NAME_LIMIT = Alias.name.type.length  # the store's own limit, not a copy of it


def geonames(*rows: dict) -> str:
    """A GeoNames dump: 19 tab-separated fields per line; ``rows`` override some fields."""
    lines = []
    for row in rows:
        cols = ["1138958", "Darulaman", "Darulaman", "Dar ul Aman,Darul Aman", "34.47",
                "69.11", "P", "PPL", "AF", "", "13", "", "", "", "0", "", "1791", "Asia/Kabul",
                "2024-01-01"]
        for i, v in row.items():
            if isinstance(i, int):
                cols[i] = v
        lines.append("\t".join(cols[: row.get("width", 19)]))
    return "\n".join(lines) + "\n"


ALIAS = ["alias", "import"]
VARIANTS = ["init", "--variants"]
PLACES = ["places", "import"]
# (command, file name, text, fragments of the one-line error)
REFUSED = [
    (ALIAS, "bell.csv", "name,district\nPul\x07 Khumri,Pul-e-Khumri\n",
     ["line 2, name='Pul\\x07 Khumri'", "U+0007", "no alias stored"]),
    (ALIAS, "tab.csv", "name,district\nPul\tKhumri,Pul-e-Khumri\n",
     ["line 2, name=", "U+0009", "only in notes"]),
    (ALIAS, "c1.csv", "name,district,province\nPuli,Pul-e-Khumri,Bagh\x85lan\n",
     ["line 2, province=", "U+0085"]),
    (ALIAS, "huge.csv", "name,district\n" + "x" * 70_000 + ",Pul-e-Khumri\n",
     ["line 2, name=", "70,000 bytes", "64 KiB"]),
    (ALIAS, "long.csv", f"name,district\n{'y' * (NAME_LIMIT + 1)},Pul-e-Khumri\n",
     ["line 2, name=", f"longer than {NAME_LIMIT} characters"]),
    (ALIAS, "empty-name.csv", "name,district\n ,Pul-e-Khumri\nPuli,\n",
     ["2 bad line(s)", "line 2, name='': required value is empty",
      "line 3, district='': required value is empty"]),
    (ALIAS, "twice.csv", "name,district,name\nPuli,Pul-e-Khumri,Pol\n",
     ["column 'name' more than once (columns 1, 3)"]),
    (ALIAS, "wide.csv", "name,district\nPuli,Pul-e-Khumri,Baghlan\n",
     ["line 2, (row)='Baghlan': more fields than header columns"]),
    (ALIAS, "quote.csv", 'name,district\n"Puli,Pul-e-Khumri\n', ["cannot be read as CSV"]),
    (ALIAS, "latin1.csv", "name,district\nPul\xe9,Pul-e-Khumri\n".encode("cp1252"),
     ["line 2 is not UTF-8", "save it as UTF-8"]),
    (ALIAS, "empty.csv", "", ["the file is empty"]),
    (ALIAS, "no-district.csv", "name,note\nPuli,a spelling\n",
     ["names no district (nor province) column", "give a header name,district"]),
    (VARIANTS, "nul.csv", "name,district\nPuli\x00,Pul-e-Khumri\n",
     ["line 2, name='Puli\\x00'", "U+0000"]),
    (VARIANTS, "unknown.csv", "name,district\nPuli,Atlantis\n",
     ["line 2, district='Atlantis': unknown district"]),
    (PLACES, "not-numbers.csv", "name,lon,lat\nA,east,34.5\nB,69.1,\nC,69.1,nan\n",
     ["3 bad line(s), no place stored", "line 2, lon='east': not a number",
      "line 3, lat='': required value is empty", "line 4, lat='nan': not a number"]),
    (PLACES, "out-of-range.csv", "name,lon,lat\nA,200,34.5\nB,69.1,-90.5\nC,inf,1\n",
     ["line 2, lon='200': outside -180..180", "line 3, lat='-90.5': outside -90..90",
      "line 4, lon='inf': outside"]),
    (PLACES, "empty-name.csv", "name,lon,lat\n,69.1,34.5\n", ["line 2, name='': required"]),
    (PLACES, "twice.csv", "name,lon,lat,lat\nA,69.1,34.5,35\n",
     ["column 'lat' more than once (columns 3, 4)"]),
    (PLACES, "control.csv", "name,lon,lat,alternate_names\nA\x1b,69.1,34.5,B|C\x7f\n",
     ["line 2, name='A\\x1b'", "line 2, alternate_names='B|C\\x7f'", "U+007F"]),
    (PLACES, "huge.csv", "name,lon,lat\nA,69.1,34.5," + "9" * 70_000 + "\n",
     ["line 2, (row)="]),
    (PLACES, "long.csv", f"name,lon,lat\n{'z' * (Place.name.type.length + 1)},69.1,34.5\n",
     [f"longer than {Place.name.type.length} characters"]),
    (PLACES, "missing.csv", "town,x,y\nA,1,1\n", ["missing required column(s) name, lon, lat"]),
    (PLACES, "empty.csv", "\n\n", ["the file is empty"]),
    (PLACES, "short.txt", geonames({}, {"width": 10}),
     ["line 2, (row)='10 fields': a GeoNames dump has 19 tab-separated fields"]),
    (PLACES, "wide.txt", geonames({}).replace("\n", "\textra\n"),
     ["line 1, (row)='20 fields'"]),
    (PLACES, "lat.txt", geonames({4: "95"}, {5: "sixty"}),
     ["line 1, latitude='95': outside -90..90", "line 2, longitude='sixty': not a number"]),
    (PLACES, "nel.txt", geonames({1: "Dar\x85ulaman"}),
     ["line 1, name='Dar\\x85ulaman'", "U+0085"]),
    (PLACES, "huge.txt", geonames({3: "a," * 40_000}), ["line 1, alternatenames=", "64 KiB"]),
]


@pytest.mark.parametrize("cases", [REFUSED], ids=["all"])
def test_each_hostile_naming_file_is_refused_on_one_line_and_changes_nothing(
        fresh, tmp_path, cases):
    url = fresh.url
    failures = []
    for command, name, text, fragments in cases:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="")
        before = snapshot(url)
        result = run([*command, str(path), "--db", url])  # no traceback, no catch-all
        lines = result.stderr.strip().splitlines()
        missing = [f for f in fragments if f not in result.stderr]
        if (result.exit_code != 1 or len(lines) != 1 or not lines[0].startswith("error: ")
                or missing or snapshot(url) != before):
            failures.append(f"{name}: exit {result.exit_code}, missing {missing}: "
                            f"{result.stderr[:400]}")
    assert failures == []


def test_sound_naming_files_still_load(fresh, tmp_path):
    url = fresh.url
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("\ufeffname,district,province,level,score\r\n"
                       "Pol-i-Khomri,Pul-e-Khumri,,,0.9\r\n"
                       '"Andarab Valley",Andarab,Baghlan,district,"1,0"\r\n'
                       "Baghlan Wilayat,,Baghlan,PROVINCE,\r\n", encoding="utf-8")
    out = run([*ALIAS, str(aliases), "--db", url])
    assert out.exit_code == 0, out.output
    assert "stored 2 district alias(es) and 1 province alias(es)" in out.output
    assert fresh.resolve("Pol-i-Khomri").code == "AF0901"
    by_code = tmp_path / "by-code.csv"  # the tracker's own column name, as places_*.csv files use
    by_code.write_text("name,district_code,note\nPuli Khumri,AF0901,spelling\n", encoding="utf-8")
    out = run([*ALIAS, str(by_code), "--db", url])
    assert out.exit_code == 0 and "stored 1 district alias(es)" in out.output, out.output
    assert fresh.resolve("Puli Khumri").code == "AF0901"
    places = tmp_path / "AF.txt"
    places.write_text(geonames({1: 'Qala "Jangi"', 4: "36.66", 5: "66.99"},
                               {6: "H", 4: "not read: a stream"}), encoding="utf-16")
    out = run([*PLACES, str(places), "--db", url])
    assert out.exit_code == 0, out.output
    assert "added 1 place(s) from the geonames file" in out.output
    found = run(["resolve", "Dar ul Aman", "--db", url])  # an alternate name of the place
    assert found.exit_code == 0 and "\tplace\tplace Dar ul Aman\t" in found.output, found.output
