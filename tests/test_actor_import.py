"""`tracker actor import FILE`: a country's actor words in one file, all or nothing.

A user starting another country had to type `tracker actor add` once per word (17 words for
the Sudan development set), and `extract` on a database without actor words said only "no
change of control found".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import main

ROOT = Path(__file__).resolve().parent.parent
SUDAN = ROOT.parent / "shared" / "geodata" / "sdn" / "sdn_localities_ocha.geojson"
SUDAN_ACTORS = ROOT / "tests" / "data" / "extract_dev" / "actors_sdn.csv"

# North Africa Post, 13 January 2025, "Sudan: Wad Madani, a strategic city recaptured by army",
# https://northafricapost.com/83414-sudan-wad-madani-a-strategic-city-recaptured-by-army.html
# (its third paragraph, as published, "Januray" included)
AL_MALHA = ("On Januray 1, the Darfur Joint Forces, acting as substitutes for the Sudanese Army, "
            "successfully recaptured the town of al-Malha, located in a desert region near the "
            "Libyan border and about 200 kilometers from el-Fasher.\n")


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def actor_rows(url: str) -> list[str]:
    listed = run("actor", "list", "--format", "csv", "--db", url)
    assert listed.exit_code == 0, listed.output
    return sorted(listed.output.splitlines()[1:])


def test_an_actor_file_loads_and_round_trips_through_actor_list(fresh, tmp_path):
    path = tmp_path / "actors.csv"
    path.write_text("\ufeffnote,alias,actor\nours,the Red Unit,Taliban\n,  Blue   Brigade ,"
                    "Government\nagain,the Red Unit,Taliban\n", encoding="utf-8")
    before = actor_rows(fresh.url)
    loaded = run("actor", "import", path, "--db", fresh.url)
    assert loaded.exit_code == 0, loaded.output
    assert loaded.output == "stored 2 actor word(s)\n"
    after = actor_rows(fresh.url)
    assert {"Government,Blue Brigade", "Taliban,the Red Unit"} <= set(after) - set(before)
    # what `actor list --format csv` prints loads into another database as it is
    listed = tmp_path / "listed.csv"
    listed.write_text(run("actor", "list", "--format", "csv", "--db", fresh.url).output,
                      encoding="utf-8")
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert run("init", "--db", other).exit_code == 0
    assert run("actor", "import", listed, "--db", other).exit_code == 0
    assert actor_rows(other) == after


@pytest.mark.parametrize(("body", "line", "why"), [
    ("actor,alias\nTaliban,the Red Unit\nGovernment,\n", "line 3, alias=''",
     "required value is empty"),
    ("actor,alias\nTaliban,the Red Unit\n,the Blue Unit\n", "line 3, actor=''",
     "required value is empty"),
    ("actor,alias\nTaliban,the Red Unit\nGovernment,The red unit\n", "line 3, alias='The red unit'",
     "line 2 gives it to 'Taliban'; keep one"),
    ("actor,alias\nTaliban,the Red Unit\nGovernment,the\x07Blue Unit\n", "line 3, alias=",
     "control character"),
], ids=["empty alias", "empty actor", "one word two actors", "control character"])
def test_a_bad_actor_file_is_refused_whole_in_one_line(fresh, tmp_path, body, line, why):
    path = tmp_path / "actors.csv"
    path.write_text(body, encoding="utf-8")
    before = actor_rows(fresh.url)
    result = run("actor", "import", path, "--db", fresh.url)
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {path}: 1 bad line(s), no actor word stored: {line}")
    assert why in result.output
    assert result.output.count("\n") == 1
    assert actor_rows(fresh.url) == before  # the good line 2 was not stored either


@pytest.mark.parametrize(("body", "says"), [
    ("alias\nthe Red Unit\n", "missing required column(s) actor"),
    ("actor,alias\n", "no actor rows; give lines actor,alias"),
], ids=["no actor column", "header only"])
def test_an_actor_file_without_rows_or_columns_says_what_it_needs(fresh, tmp_path, body, says):
    path = tmp_path / "actors.csv"
    path.write_text(body, encoding="utf-8")
    result = run("actor", "import", path, "--db", fresh.url)
    assert result.exit_code == 1 and says in result.output, result.output


def test_another_countrys_actor_words_from_a_file_let_extract_read_its_news(tmp_path):
    """The Sudan locality layer (OCHA) and the Sudan development set's actor file: before the
    import `extract` says why it finds nothing; after it, al-Malha (Al Malha, North Darfur) to
    the army."""
    if not SUDAN.exists():
        pytest.skip(f"{SUDAN} is absent: the Sudan layer lives in ../shared/geodata")
    url = f"sqlite:///{tmp_path / 'sudan.db'}"
    assert run("init", "--districts", SUDAN, "--db", url).exit_code == 0
    report = tmp_path / "report.txt"
    report.write_text(AL_MALHA, encoding="utf-8")
    args = ("extract", report, "--date", "2025-01-13", "--db", url)
    before = run(*args)
    assert before.exit_code == 0
    assert "no actor words are known for these boundaries" in before.output
    assert "tracker actor import FILE" in before.output
    assert run("actor", "import", SUDAN_ACTORS, "--db", url).exit_code == 0
    after = run(*args)
    assert after.exit_code == 0, after.output
    assert ",Al Malha,North Darfur,SAF,controlled," in after.output
    assert "no actor words" not in after.output
