"""Replays every file of ``tests/data/malformed/``: none may reach the CLI's catch-all.

The folder keeps hostile files that once broke an importer or that the issue of hardened inputs
lists (a 140 KB field, NUL and bell characters in names, a boundary layer of points, a null
geometry, a bow-tie polygon...). A file is named ``KIND--WHAT--OUTCOME.EXT``: KIND says which
command reads it (``events``, ``acled``, ``deletions``: ``tracker import``; ``report``:
``tracker extract``; ``districts``: ``tracker init --districts``; ``aliases``: ``tracker alias
import``; ``variants``: ``tracker init --variants``; ``places``: ``tracker places import``, CSV
or GeoNames dump; ``actors``: ``tracker actor import``) and OUTCOME what must happen
(``refused``: exit code 1, one line on stderr, database unchanged; ``accepted``/``repaired``:
exit code 0 and no control character stored). Add every new failing case of the fuzz tests
(tests/test_fuzz_inputs.py) here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from input_checks import point_control_characters, run, snapshot, stored_control_characters

CORPUS = Path(__file__).resolve().parent / "data" / "malformed"
FILES = sorted(p for p in CORPUS.iterdir() if "--" in p.name)
FILE = "<file>"
COMMANDS = {
    "events": ["import", FILE, "--format", "events"],
    "acled": ["import", FILE, "--format", "acled"],
    "deletions": ["import", FILE, "--format", "acled-deletions"],
    "report": ["extract", FILE, "--date", "2021-08-21", "--apply"],
    "aliases": ["alias", "import", FILE],
    "variants": ["init", "--variants", FILE],
    "places": ["places", "import", FILE],
    "actors": ["actor", "import", FILE],
}


@pytest.fixture(scope="module")
def ready(tmp_path_factory):
    """An initialised SQLite database (the shipped boundaries)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'c.db'}"
    assert run(["init", "--db", url]).exit_code == 0
    return url


def test_the_corpus_covers_every_importer():
    kinds = {p.name.split("--")[0] for p in FILES}
    assert kinds == {*COMMANDS, "districts"}
    assert {p.name.split("--")[2].split(".")[0] for p in FILES} <= {"refused", "accepted",
                                                                      "repaired"}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_corpus_file_reaches_the_catch_all(path, ready, tmp_path):
    kind, _what, outcome = path.stem.split("--")
    if kind == "districts":
        url = f"sqlite:///{tmp_path / 'd.db'}"
        args = ["init", "--districts", str(path)]
    else:
        url = ready
        args = [str(path) if a == FILE else a for a in COMMANDS[kind]]
    before = snapshot(url)
    result = run([*args, "--db", url])  # fails on a traceback or the catch-all
    after = snapshot(url)
    if outcome == "refused":
        assert result.exit_code == 1, result.output
        assert after == before
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    else:
        assert result.exit_code == 0, result.output
        assert stored_control_characters(before, after) == []
        assert point_control_characters(url) == [] if kind == "acled" else True
    if outcome == "repaired":
        assert "warning: " in result.stderr and "repaired" in result.stderr
