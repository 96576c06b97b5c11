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


def command_at(path: tuple[str, ...]) -> click.Command:
    cmd: click.Command = main
    for name in path:
        assert isinstance(cmd, click.Group)
        cmd = cmd.commands[name]
    return cmd


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("command", list(all_commands(main)), ids=" ".join)
def test_every_command_has_help(command):
    """Each command's own --help shows its own text (not its group's)."""
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: main {' '.join(command)} ")
    doc = command_at(command).help or ""
    assert doc.strip(), f"{command} has no help text"
    assert words(doc)[:60] in words(result.output)


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


def test_import_reads_standard_input(cli_db):
    runner, url, _ = cli_db
    bad = EVENTS + "a3,2021-08-21,Nowhereistan,,Taliban,controlled,reported,AP,,2021-08-21\n"
    refused = runner.invoke(main, ["import", "-", "--db", url], input=bad)
    assert refused.exit_code == 1
    assert "error: standard input: 1 bad value(s), nothing imported: line 4" in refused.output
    assert "tracker-input-" not in refused.output  # the temporary copy is not named
    no_rejects = runner.invoke(main, ["import", "-", "--skip-bad", "--db", url], input=bad)
    assert no_rejects.exit_code == 1 and "give --rejects PATH" in no_rejects.output
    done = runner.invoke(main, ["import", "-", "--db", url], input=EVENTS)
    assert done.exit_code == 0, done.output
    assert "added 2 event(s), skipped 0" in done.output


def test_importers_read_a_pipe_by_its_path(cli_db, tmp_path):
    """/dev/stdin, `<(...)` and named pipes are no regular files: read once, named as given."""
    import os
    import threading

    runner, url, _ = cli_db
    fifo = tmp_path / "pipe"

    def invoke(args, text):
        os.mkfifo(fifo)
        writer = threading.Thread(target=lambda: fifo.write_text(text, encoding="utf-8"),
                                  daemon=True)
        writer.start()
        try:
            return runner.invoke(main, [*args, str(fifo), "--db", url])
        finally:
            if writer.is_alive():  # the command did not read the pipe: release the writer
                fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
                writer.join(timeout=10)
                os.close(fd)
            fifo.unlink()

    refused = invoke(["import"], "date,district,controller\n2021-08-15,Nowhereistan,Taliban\n")
    assert refused.exit_code == 1 and f"error: {fifo}: 1 bad value(s)" in refused.output
    aliases = invoke(["alias", "import"], "name,district\nPuli Khumri Town,AF0901\n")
    assert aliases.exit_code == 0 and "stored 1 district alias(es)" in aliases.output
    done = invoke(["import"], "date,district,controller\n2021-08-15,Puli Khumri Town,Taliban\n")
    assert done.exit_code == 0 and "added 1 event(s)" in done.output, done.output


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
    (tmp_path / "empty.db").touch()
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = CliRunner().invoke(main, ["status", "--date", "2021-08-01", "--db", url])
    assert result.exit_code == 1
    assert "run `tracker init` first" in result.output


_EVERY_COMMAND_ON_A_STORE = [
    ["status", "--date", "2021-08-01"], ["provinces", "--date", "2021-08-01"],
    ["diff", "--start", "2021-07-01", "--end", "2021-08-01"], ["history", "Nahrin"],
    ["map", "--out", "m.html"], ["chart", "--out", "c.html"],
    ["snapshot", "--date", "2021-08-01", "--out", "s.png"], ["animate", "--out", "a.gif"],
    ["export", "--out", "x.csv"], ["points", "--start", "2021-07-01", "--end", "2021-08-01"],
    ["import", "events.csv"], ["retract", "e1", "--reason", "x"], ["resolve", "Nahrin"],
    ["extract", "report.txt", "--date", "2021-08-01"], ["alias", "list"],
    ["alias", "add", "Foo", "AF0101"], ["actor", "list"], ["actor", "styles"],
    ["db", "check"], ["db", "current"], ["db", "upgrade"]]


@pytest.mark.parametrize("args", _EVERY_COMMAND_ON_A_STORE, ids=" ".join)
def test_a_mistyped_sqlite_path_is_refused_and_no_empty_file_is_left(tmp_path, monkeypatch,
                                                                      args):
    """SQLite creates a file for any path it is given: every command but ``init`` checks that
    the database file is there first, says so in one line and leaves no empty file behind."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "events.csv").write_text("event_id,date,district,controller,status\n")
    (tmp_path / "report.txt").write_text("Taliban fighters captured Nahrin district.\n")
    typo = tmp_path / "trackr.db"
    result = CliRunner().invoke(main, [*args, "--db", f"sqlite:///{typo}"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"error: database file {typo} does not exist")
    assert "tracker init" in result.output
    assert result.output.count("\n") == 1
    assert not typo.exists()


@pytest.mark.parametrize("args", [["actor", "list"], ["extract", "report.txt", "--date",
                                                      "2021-08-01"]], ids=" ".join)
def test_actor_commands_on_an_uninitialised_database_say_run_init(tmp_path, monkeypatch, args):
    """They read the settings table: an empty database gave an unexpected driver error."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.txt").write_text("Taliban fighters captured Nahrin district.\n")
    (tmp_path / "empty.db").touch()
    result = CliRunner().invoke(main, [*args, "--db", f"sqlite:///{tmp_path / 'empty.db'}"])
    assert result.exit_code == 1
    assert result.output.startswith("error: database ")
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


@pytest.mark.parametrize("args", [["status", "--date", "2021-08-01"],
                                  ["diff", "--start", "2021-07-01", "--end", "2021-08-01"],
                                  ["provinces", "--date", "2021-08-01"]], ids=" ".join)
def test_a_database_that_cannot_be_opened_is_named_in_one_line(tmp_path, args):
    """The reads that keep one connection for their statements say which database they could
    not open, in one line (not an unexpected driver error)."""
    folder = tmp_path / "events.db"
    folder.mkdir()  # there, but not a database SQLite can open
    result = CliRunner().invoke(main, [*args, "--db", f"sqlite:///{folder}"])
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot open database ")
    assert "events.db" in result.output
    assert result.output.count("\n") == 1


@pytest.mark.parametrize("names", [("--start", "--end"), ("--from", "--to")])
def test_diff_with_dates_swapped_names_the_options(cli_db, names):
    runner, url, _ = cli_db
    result = runner.invoke(main, ["diff", names[0], "2021-08-21", names[1], "2021-08-14",
                                  "--db", url])
    assert result.exit_code == 1
    assert result.output == ("error: --end 2021-08-14 is before --start 2021-08-21; give the "
                             "earlier day first\n")


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


# --- one naming for spans of days; --known-on wherever a state is read ---------------------------
SPAN_COMMANDS = [("diff",), ("points",), ("export",), ("map",), ("chart",), ("animate",)]
KNOWN_ON_COMMANDS = [("status",), ("provinces",), ("diff",), ("history",), ("map",), ("export",),
                     ("points",), ("chart",), ("snapshot",), ("animate",)]


def test_span_and_known_on_commands_are_every_command_with_those_options():
    """The lists below cover every command, so a new one cannot skip the shared options."""
    def having(opt):
        return {c for c in all_commands(main)
                if any(opt in p.opts for p in command_at(c).params)}
    assert having("--start") == having("--end") == set(SPAN_COMMANDS)
    assert having("--known-on") == set(KNOWN_ON_COMMANDS)


@pytest.mark.parametrize("command", SPAN_COMMANDS, ids=" ".join)
def test_spans_are_start_and_end_and_old_names_are_hidden(command):
    help_text = CliRunner().invoke(main, [*command, "--help"]).output
    assert "--start" in help_text and "--end" in help_text
    assert "--from" not in help_text and "--to " not in help_text


@pytest.mark.parametrize("command", KNOWN_ON_COMMANDS, ids=" ".join)
def test_every_command_that_reads_a_state_takes_known_on(command):
    assert "--known-on" in CliRunner().invoke(main, [*command, "--help"]).output


# what each command needs besides the options tested; an output file goes in the test's folder
NEEDS = {"diff": [], "points": [], "export": ["--points", "--out", "{dir}/x.csv"],
         "map": ["--out", "{dir}/x.html"], "chart": ["--out", "{dir}/x.csv"],
         "animate": ["--out", "{dir}/x.gif"], "status": ["--date", "2021-08-20"],
         "provinces": ["--date", "2021-08-20"], "history": ["Pul-e-Hisar"],
         "snapshot": ["--date", "2021-08-20", "--out", "{dir}/x.png"]}


def imported(cli_db):
    runner, url, path = cli_db
    assert runner.invoke(main, ["import", str(path), "--db", url]).exit_code == 0
    return runner, url, path.parent


def invoke(runner, url, folder, command, *args):
    needs = [a.format(dir=folder) for a in NEEDS[command[0]]]
    return runner.invoke(main, [*command, *needs, *args, "--db", url])


@pytest.mark.parametrize("names", [("--start", "--end"), ("--from", "--to")], ids=" ".join)
@pytest.mark.parametrize("command", SPAN_COMMANDS, ids=" ".join)
def test_every_span_command_says_the_same_when_the_end_is_before_the_start(cli_db, command,
                                                                           names):
    runner, url, folder = imported(cli_db)
    before = sorted(p.name for p in folder.iterdir())
    result = invoke(runner, url, folder, command, names[0], "2021-08-21", names[1], "2021-08-14")
    assert (result.exit_code, result.output) == (
        1, "error: --end 2021-08-14 is before --start 2021-08-21; give the earlier day first\n")
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing written


@pytest.mark.parametrize("command", SPAN_COMMANDS, ids=" ".join)
def test_every_span_command_names_the_option_of_a_day_that_is_no_date(cli_db, command):
    runner, url, folder = imported(cli_db)
    result = invoke(runner, url, folder, command, "--start", "2021-08-01", "--end", "2021-02-30")
    assert (result.exit_code, result.output) == (
        1, "error: --end='2021-02-30' is not a date; use YYYY-MM-DD\n")


@pytest.mark.parametrize("command", KNOWN_ON_COMMANDS, ids=" ".join)
def test_every_known_on_command_names_the_option_of_a_day_that_is_no_date(cli_db, command):
    runner, url, folder = imported(cli_db)
    span = ["--start", "2021-08-14", "--end", "2021-08-21"] if command == ("diff",) else []
    result = invoke(runner, url, folder, command, *span, "--known-on", "soon")
    assert (result.exit_code, result.output) == (
        1, "error: --known-on='soon' is not a date; use YYYY-MM-DD\n")


def test_chart_takes_the_older_span_names_too(cli_db):
    runner, url, folder = imported(cli_db)
    tables = []
    for first, last in (("--start", "--end"), ("--from", "--to")):
        out = folder / f"chart{first}.csv"
        result = runner.invoke(main, ["chart", first, "2021-08-14", last, "2021-08-21",
                                      "--known-on", "2021-08-16", "--out", str(out), "--db", url])
        assert result.exit_code == 0, result.output
        tables.append(pd.read_csv(out))
    pd.testing.assert_frame_equal(*tables)
    table = tables[0].set_index("date")
    assert table.index.tolist() == [f"2021-08-{d}" for d in range(14, 22)]
    # known on the 16th: the Taliban took Pul-e-Hisar on the 15th; the report of the 20th unknown
    assert table.loc["2021-08-14", "Taliban"] == 0 and table.loc["2021-08-21", "Taliban"] == 1
    assert "Resistance" not in table.columns


def test_diff_needs_both_days(cli_db):
    runner, url, _ = cli_db
    result = runner.invoke(main, ["diff", "--start", "2021-08-14", "--db", url])
    assert result.exit_code == 2
    assert "Missing option '--end'." in result.output


def test_diff_lists_changed_districts_with_the_events(cli_db):
    runner, url, path = cli_db
    runner.invoke(main, ["import", str(path), "--db", url])
    now = runner.invoke(main, ["diff", "--start", "2021-08-14", "--end", "2021-08-21",
                               "--format", "csv", "--db", url])
    assert now.exit_code == 0, now.output
    df = pd.read_csv(io.StringIO(now.output), keep_default_na=False)
    assert df["district_code"].tolist() == ["AF0912"]
    row = df.iloc[0]
    assert (row["district_name"], row["old_status"], row["new_controller"]) == (
        "Pul-e-Hisar", "unknown", "Resistance")
    assert row["event_ids"] == "a1;a2"
    assert "geometry" not in df.columns
    old_names = runner.invoke(main, ["diff", "--from", "2021-08-14", "--to", "2021-08-21",
                                     "--format", "csv", "--db", url])
    assert old_names.output == now.output
    then = runner.invoke(main, ["diff", "--start", "2021-08-14", "--end", "2021-08-21",
                                "--known-on", "2021-08-16", "--format", "csv", "--db", url])
    df = pd.read_csv(io.StringIO(then.output), keep_default_na=False)
    assert (df["new_controller"].tolist(), df["event_ids"].tolist()) == (["Taliban"], ["a1"])


def test_history_known_on_leaves_out_later_reports(cli_db):
    runner, url, path = cli_db
    runner.invoke(main, ["import", str(path), "--db", url])
    out = runner.invoke(main, ["history", "Pul-e-Hisar", "--known-on", "2021-08-16",
                               "--format", "csv", "--db", url])
    assert out.exit_code == 0, out.output
    assert pd.read_csv(io.StringIO(out.output))["event_id"].tolist() == ["a1"]


def test_history_revisions_show_what_was_believed_and_when(cli_db):
    """Pul-e-Hisar: the Taliban from 15 August, the resistance from the 20th, each reported on
    its day: until the 20th the Taliban interval was believed open, from the 20th it ends then."""
    runner, url, path = cli_db
    runner.invoke(main, ["import", str(path), "--db", url])
    out = runner.invoke(main, ["history", "Puli Hisar", "--revisions", "--format", "csv",
                               "--db", url])
    assert out.exit_code == 0, out.output
    rows = pd.read_csv(io.StringIO(out.output), dtype=str, keep_default_na=False)
    assert rows[["controller", "start", "end", "known_from", "known_to"]].to_numpy().tolist() == [
        ["Taliban", "2021-08-15", "", "2021-08-15", "2021-08-20"],
        ["Taliban", "2021-08-15", "2021-08-20", "2021-08-20", ""],
        ["Resistance", "2021-08-20", "", "2021-08-20", ""]]
    bad = runner.invoke(main, ["history", "Puli Hisar", "--revisions", "--known-on",
                               "2021-08-16", "--db", url])
    assert bad.exit_code == 1 and bad.output.startswith("error: --revisions"), bad.output
    assert bad.output.count("\n") == 1


def test_provinces_rolls_up_districts_per_actor(cli_db):
    runner, url, path = cli_db
    runner.invoke(main, ["import", str(path), "--db", url])
    out = runner.invoke(main, ["provinces", "--date", "2021-08-21", "--format", "csv",
                               "--db", url])
    assert out.exit_code == 0, out.output
    df = pd.read_csv(io.StringIO(out.output))
    baghlan = df[df["province_code"] == "AF09"].set_index("category")
    assert baghlan.loc["Resistance", "districts"] == 1
    assert baghlan.loc["Resistance", "province_name"] == "Baghlan"
    assert baghlan["share"].sum() == pytest.approx(1.0)
    country = df[df["province_code"] == "ALL"].set_index("category")
    assert country["districts"].sum() == 399
    assert country.loc["Resistance", "districts"] == 1
    then = runner.invoke(main, ["provinces", "--date", "2021-08-21", "--known-on", "2021-08-16",
                                "--format", "csv", "--db", url])
    held = pd.read_csv(io.StringIO(then.output))
    held = held[held["province_code"] == "AF09"].set_index("category")
    assert "Resistance" not in held.index
    assert held.loc["Taliban", "districts"] == 1


def test_db_current_names_the_revision(cli_db):
    from tracker.store import migrate

    runner, url, _ = cli_db
    out = runner.invoke(main, ["db", "current", "--db", url])
    assert out.exit_code == 0, out.output
    head = migrate.head_revision()
    assert out.output.strip() == f"{url}: revision {head} (newest {head})"


def test_db_current_of_an_empty_database_says_none(tmp_path):
    (tmp_path / "none.db").touch()  # an empty file is an empty SQLite database
    url = f"sqlite:///{tmp_path / 'none.db'}"
    out = CliRunner().invoke(main, ["db", "current", "--db", url])
    assert out.exit_code == 0, out.output
    assert f"{url}: revision none (newest " in out.output


def test_actor_list_shows_shipped_and_added_aliases(cli_db):
    runner, url, _ = cli_db
    assert runner.invoke(main, ["actor", "add", "the outfit", "Taliban", "--db", url]).exit_code == 0
    out = runner.invoke(main, ["actor", "list", "--format", "csv", "--db", url])
    assert out.exit_code == 0, out.output
    df = pd.read_csv(io.StringIO(out.output))
    pairs = set(zip(df["actor"], df["alias"], strict=True))
    assert ("Taliban", "the outfit") in pairs
    assert ("Resistance", "National Resistance Front") in pairs


def test_demo_imports_the_shipped_events_and_writes_the_map(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    out = tmp_path / "maps" / "demo.html"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--db", url])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out} (")
    page = out.read_text(encoding="utf-8")
    assert "Afghanistan 2021: who controls each district" in page
    status = CliRunner().invoke(main, ["status", "--date", "2021-08-31", "--format", "csv",
                                       "--db", url])
    df = pd.read_csv(io.StringIO(status.output))
    assert (df["controller"] == "Taliban").sum() > 300  # the shipped story: August 2021
