"""The command line: help everywhere, outputs, one-line errors with non-zero exits."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from tracker.cli import main

EVENTS = ("event_id,date,district,province,controller,status,confidence,source,source_url,reported_on\n"
          "a1,2021-08-15,Pul-e-Hisar,Baghlan,Taliban,controlled,reported,AP,https://example.org/1,2021-08-15\n"
          "a2,2021-08-20,PULE HESAR,,Resistance,controlled,reported,AP,https://example.org/2,2021-08-20\n")


def all_commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name)
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, (*prefix, name))


@pytest.mark.parametrize("command", list(all_commands(main)), ids=" ".join)
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    doc = main.get_command(None, command[0]).help or ""
    assert doc.strip(), f"{command} has no help text"


@pytest.fixture
def cli_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--db", url]).exit_code == 0
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    return runner, url, path


def test_import_prints_counts_and_variants(cli_db):
    runner, url, path = cli_db
    first = runner.invoke(main, ["import", str(path), "--db", url])
    assert first.exit_code == 0, first.output
    assert "added 2 event(s), skipped 0" in first.output
    assert "'PULE HESAR' -> AF0912" in first.output
    second = runner.invoke(main, ["import", str(path), "--db", url])
    assert "added 0 event(s), skipped 2" in second.output


def test_status_formats(cli_db):
    runner, url, path = cli_db
    runner.invoke(main, ["import", str(path), "--db", url])
    out = runner.invoke(main, ["status", "--date", "2021-08-21", "--format", "csv", "--db", url])
    assert out.exit_code == 0
    df = pd.read_csv(io.StringIO(out.output)).set_index("district_code")
    assert len(df) == 399
    for col in ("district_name", "province_code", "province_name", "controller", "status",
                "confidence", "since", "source"):
        assert col in df.columns
    assert df.loc["AF0912", "controller"] == "Resistance"
    assert df.loc["AF0912", "since"] == "2021-08-20"
    assert df.loc["AF0101", "status"] == "unknown"
    js = runner.invoke(main, ["status", "--date", "2021-08-16", "--format", "json", "--db", url])
    rows = {r["district_code"]: r for r in json.loads(js.output)}
    assert rows["AF0912"]["controller"] == "Taliban"
    table = runner.invoke(main, ["status", "--date", "2021-08-16", "--db", url])
    assert "Pul-e-Hisar" in table.output


def test_history_lists_events_oldest_first(cli_db):
    runner, url, path = cli_db
    runner.invoke(main, ["import", str(path), "--db", url])
    out = runner.invoke(main, ["history", "Puli Hisar", "--format", "csv", "--db", url])
    df = pd.read_csv(io.StringIO(out.output))
    assert list(df["event_id"]) == ["a1", "a2"]
    assert list(df["source_url"]) == ["https://example.org/1", "https://example.org/2"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["status", "--date", "2021-02-30"], "is not a date"),
        (["history", "Atlantis"], "Atlantis"),
        (["import", "no-such-file.csv"], "no such file"),
        (["retract", "nope", "--reason", "x"], "no event with id 'nope'"),
    ],
)
def test_errors_are_one_line_with_non_zero_exit(cli_db, args, fragment):
    runner, url, _ = cli_db
    result = runner.invoke(main, [*args, "--db", url])
    assert result.exit_code == 1
    assert fragment in result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ")
    assert result.output.count("\n") == 1


def test_uninitialised_database_says_run_init(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(main, ["status", "--date", "2021-08-01", "--db", url])
    assert result.exit_code == 1
    assert "run `tracker init` first" in result.output


def test_console_script_runs_as_a_process(tmp_path):
    """The real entry point, in a subprocess, with TRACKER_DB from the environment."""
    env = {"TRACKER_DB": f"sqlite:///{tmp_path / 'p.db'}", "PATH": "/usr/bin:/bin"}
    init = subprocess.run([sys.executable, "-m", "tracker", "init"], capture_output=True,
                          text=True, env=env, cwd=tmp_path, check=False)
    assert init.returncode == 0, init.stderr
    assert "399 districts" in init.stdout
    bad = subprocess.run([sys.executable, "-m", "tracker", "status", "--date", "soon"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert bad.returncode == 1
    assert bad.stderr.strip() == "error: date='soon' is not a date; use YYYY-MM-DD"


@pytest.mark.parametrize("args", [["map"], ["retract", "e1", "--reason", "x"]], ids=" ".join)
def test_every_command_on_an_uninitialised_database_says_run_init(tmp_path, args):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(main, [*args, "--db", url])
    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert "run `tracker init` first" in result.output


def test_diff_with_dates_swapped_names_the_options(cli_db):
    runner, url, _ = cli_db
    result = runner.invoke(main, ["diff", "--from", "2021-08-21", "--to", "2021-08-14",
                                  "--db", url])
    assert result.exit_code == 1
    assert "to=2021-08-14 is before from=2021-08-21" in result.output


@pytest.mark.parametrize("name", ["Charikar", "af0301"])
def test_alias_that_an_official_name_or_code_would_shadow_is_refused(cli_db, name):
    """Official names and codes win over aliases: such an alias would never take effect."""
    runner, url, _ = cli_db
    result = runner.invoke(main, ["alias", "add", name, "Bagram", "--db", url])
    assert result.exit_code == 1
    assert "Charikar (Parwan, AF0301)" in result.output
    resolved = runner.invoke(main, ["resolve", name, "--db", url])
    assert resolved.output.startswith("AF0301\t")
    ok = runner.invoke(main, ["alias", "add", "Bagram Airfield", "Bagram", "--db", url])
    assert ok.exit_code == 0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--districts", __file__, "--column", "district_code"], "STANDARD=THEIRS"),
        (["--provinces", __file__], "--districts"),
        (["--column", "district_code=ADM2_PCODE"], "--districts"),
    ],
)
def test_init_options_that_would_be_ignored_are_refused(tmp_path, args, fragment):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = CliRunner().invoke(main, ["init", *args, "--db", url])
    assert result.exit_code != 0
    assert fragment in result.output
    assert "unexpected" not in result.output
    assert "Traceback" not in result.output


def test_csv_on_stdout_neutralises_formulas_unless_raw(tmp_path):
    """A source copied from a report as =HYPERLINK(...) must not run when the CSV is opened."""
    url = f"sqlite:///{tmp_path / 'f.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--db", url]).exit_code == 0
    path = tmp_path / "events.csv"
    path.write_text("event_id,date,district,province,controller,status,confidence,source\n"
                    'f1,2021-08-15,Pul-e-Hisar,Baghlan,Taliban,controlled,reported,'
                    '"=HYPERLINK(""http://x"",""y"")"\n', encoding="utf-8")
    assert runner.invoke(main, ["import", str(path), "--db", url]).exit_code == 0
    for args in (["status", "--date", "2021-08-16"], ["history", "Pul-e-Hisar"]):
        safe = runner.invoke(main, [*args, "--format", "csv", "--db", url])
        raw = runner.invoke(main, [*args, "--format", "csv", "--raw-csv", "--db", url])
        assert safe.exit_code == 0 and raw.exit_code == 0, safe.output + raw.output
        cells = pd.read_csv(io.StringIO(safe.output), dtype=str)["source"].dropna().tolist()
        raw_cells = pd.read_csv(io.StringIO(raw.output), dtype=str)["source"].dropna().tolist()
        assert cells == ["'=HYPERLINK(\"http://x\",\"y\")"], args
        assert raw_cells == ["=HYPERLINK(\"http://x\",\"y\")"], args
