"""Alembic migrations: a database at the first revision, filled, upgrades to head with its data."""

from __future__ import annotations

import ast
import datetime as dt
from importlib import resources

import pandas as pd
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from histories import knowledge_days
from sqlalchemy import inspect, text

from tracker.cli import main
from tracker.core import schema as s
from tracker.core import timeline
from tracker.store import engines, migrate, models, point_batches, records


def fill_foundation(engine) -> None:
    """Rows written with plain SQL, as the first revision's schema has them."""
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO provinces (code, name) VALUES ('P1', 'Kabul')"))
        conn.execute(text("INSERT INTO districts (code, name, province_code) "
                          "VALUES ('D1', 'Paghman', 'P1'), ('D2', 'Surobi', 'P1')"))
        conn.execute(text("INSERT INTO sources (id, publisher, url, published_on) "
                          "VALUES (1, 'AP', 'https://example.org/1', :d)"),
                     {"d": dt.date(2021, 8, 15)})
        conn.execute(text(
            "INSERT INTO events (event_id, date, date_precision, district_code, controller, status,"
            " confidence, source_id, notes, supersedes, origin, content_hash, recorded_at) VALUES"
            " (:e, :d, 'day', :k, 'Taliban', 'controlled', 'reported', 1, :n, :s, 'csv', 'h', :r)"),
            [{"e": "e1", "d": dt.date(2021, 8, 15), "k": "D1", "n": "=HYPERLINK(x)", "s": None,
              "r": dt.datetime(2021, 8, 16, 9)},
             {"e": "e2", "d": dt.date(2021, 8, 16), "k": "D2", "n": None, "s": "e1",
              "r": dt.datetime(2021, 8, 17, 9)}])
        conn.execute(text("INSERT INTO retractions (event_id, reason, recorded_at) "
                          "VALUES ('e1', 'wrong district', :r)"), {"r": dt.datetime(2021, 8, 18)})
        conn.execute(text("INSERT INTO settings (key, value) VALUES ('credit', 'AGCHO')"))


def test_upgrade_from_the_first_revision_keeps_the_data(db_url):
    engine = engines.open_engine(db_url)
    assert migrate.upgrade(engine, migrate.FOUNDATION) == (None, "0001")
    fill_foundation(engine)
    before, after = migrate.upgrade(engine)
    assert (before, after) == ("0001", migrate.head_revision())
    with engine.connect() as conn:
        events = conn.execute(text("SELECT event_id, date, district_code, notes, supersedes "
                                   "FROM events ORDER BY event_id")).all()
        retractions = conn.execute(text("SELECT event_id, reason FROM retractions")).all()
        source = conn.execute(text("SELECT publisher, published_on FROM sources")).one()
        credit = conn.execute(text("SELECT value FROM settings WHERE key = 'credit'")).scalar()
    assert [(e, str(d), k, n, s) for e, d, k, n, s in events] == [
        ("e1", "2021-08-15", "D1", "=HYPERLINK(x)", None),
        ("e2", "2021-08-16", "D2", None, "e1")]
    assert [tuple(r) for r in retractions] == [("e1", "wrong district")]
    assert (source[0], str(source[1])) == ("AP", "2021-08-15")
    assert credit == "AGCHO"
    index_names = {ix["name"] for ix in inspect(engine).get_indexes("events")}
    assert {"ix_events_district_date", "ix_events_supersedes"} <= index_names
    engine.dispose()


def test_the_upgrade_builds_the_stored_intervals_and_acled_columns(db_url):
    engine = engines.open_engine(db_url)
    migrate.upgrade(engine, "0006")
    fill_foundation(engine)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO events (event_id, date, date_precision, district_code, controller, status,"
            " confidence, origin, content_hash, recorded_at) VALUES ('acled:AFG7@1629504000', "
            ":d, 'day', 'D1', 'Resistance', 'controlled', 'reported', 'acled', 'h', :r)"),
            {"d": dt.date(2021, 8, 20), "r": dt.datetime(2021, 8, 21)})
    migrate.upgrade(engine)
    assert "actors" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        acled = conn.execute(text("SELECT acled_id, acled_timestamp FROM events "
                                  "WHERE acled_id IS NOT NULL")).all()
    assert [tuple(r) for r in acled] == [("AFG7", 1629504000)]
    now = records.control_intervals(engine)
    assert [(r.district_code, r.controller, str(r.start.date())) for r in now.itertuples()] == [
        ("D1", "Resistance", "2021-08-20"), ("D2", "Taliban", "2021-08-16")]
    # as known on 2021-08-20 the ACLED event was not recorded yet (recorded the 21st)
    then = records.control_intervals(engine, known_on=pd.Timestamp("2021-08-20"))
    assert list(then[s.DISTRICT_CODE]) == ["D2"]
    assert records.check_intervals(engine).empty
    engine.dispose()


def test_a_database_made_before_migrations_is_stamped_then_upgraded(db_url):
    engine = engines.open_engine(db_url)
    migrate.upgrade(engine, migrate.FOUNDATION)
    fill_foundation(engine)
    with engine.begin() as conn:  # as `tracker init` left it before Alembic: no version table
        conn.execute(text("DROP TABLE alembic_version"))
    result = CliRunner().invoke(main, ["db", "upgrade", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert f"from revision 0001 to {migrate.head_revision()}" in result.output
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM events")).scalar() == 2
    again = CliRunner().invoke(main, ["db", "upgrade", "--db", db_url])
    assert "up to date" in again.output
    engine.dispose()


def test_the_newest_revision_matches_the_models(fresh):
    """A model added without a migration shows here: add a revision under tracker/migrations."""
    with fresh.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, models.Base.metadata)
    # PostGIS' own tables and what the migrations make for one backend (PostgreSQL: GiST on
    # geometries, SP-GiST on the intervals' rectangles, the polygons' generated WKB columns;
    # SQLite: the partial index of the intervals believed before they start) are not in the
    # models
    own = {"ix_control_intervals_rectangles", "ix_control_intervals_known_before_start"}
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name == "spatial_ref_sys")
            and not (d[0] == "remove_index" and (d[1].name.endswith("_geometry")
                                                   or d[1].name in own))
            and not (d[0] == "remove_column" and d[3].name == "wkb")]  # PostgreSQL: 0012
    assert diff == []
    assert migrate.current_revision(fresh.engine) == migrate.head_revision()


def test_point_event_rows_move_into_batches_and_back(db_url):
    """0004 stored one row per point event; 0005 packs them into Parquet batches, losslessly."""
    engine = engines.open_engine(db_url)
    migrate.upgrade(engine, "0004")
    fill_foundation(engine)
    rows = [{"a": "AFG1", "t": 1_629_900_000, "d": dt.date(2021, 8, 20), "f": 3, "n": "=cmd()",
             "a2": None, "r": dt.datetime(2021, 9, 1, 8)},
            {"a": "AFG1", "t": 1_630_000_000, "d": dt.date(2021, 8, 21), "f": None, "n": None,
             "a2": "Civilians (Afghanistan)", "r": dt.datetime(2021, 9, 2, 8)},
            {"a": "AFG2", "t": 1_629_900_000, "d": dt.date(2021, 8, 22), "f": 0, "n": "ok",
             "a2": None, "r": dt.datetime(2021, 9, 1, 8)}]
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO point_events (acled_id, timestamp, date, date_precision, event_type,"
            " sub_event_type, actor1, actor2, fatalities, latitude, longitude, district_code,"
            " geo_precision, location, source, notes, origin, recorded_at) VALUES"
            " (:a, :t, :d, 'day', 'Battles', 'Armed clash', 'Taliban', :a2, :f, 34.5, 68.1,"
            " 'D1', 1, 'Paghman', 'Tolo News', :n, 'acled', :r)"), rows)
    assert migrate.upgrade(engine) == ("0004", migrate.head_revision())
    with engine.connect() as conn:
        batches = conn.execute(text("SELECT rows, first_date, last_date FROM point_batches "
                                    "ORDER BY id")).all()
        stored = point_batches.read_points(conn)
    assert [(n, str(a), str(b)) for n, a, b in batches] == [
        (2, "2021-08-20", "2021-08-22"), (1, "2021-08-21", "2021-08-21")]  # one per import
    stored = stored.sort_values(["acled_id", "timestamp"]).reset_index(drop=True)
    assert stored["acled_id"].tolist() == ["AFG1", "AFG1", "AFG2"]
    assert stored["notes"].tolist() == ["=cmd()", "", "ok"]
    assert stored["actor2"].tolist() == ["", "Civilians (Afghanistan)", ""]
    assert stored["fatalities"].tolist()[0] == 3 and pd.isna(stored["fatalities"][1])
    assert "point_events" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0004")
    with engine.connect() as conn:
        back = conn.execute(text("SELECT acled_id, timestamp, date, fatalities, notes, "
                                 "recorded_at FROM point_events ORDER BY acled_id, timestamp"))
        back = [(a, t, str(d), f, n, str(pd.Timestamp(r))) for a, t, d, f, n, r in back]
    assert back == [("AFG1", 1_629_900_000, "2021-08-20", 3, "=cmd()", "2021-09-01 08:00:00"),
                    ("AFG1", 1_630_000_000, "2021-08-21", None, None, "2021-09-02 08:00:00"),
                    ("AFG2", 1_629_900_000, "2021-08-22", 0, "ok", "2021-09-01 08:00:00")]
    engine.dispose()


def test_an_older_schema_gets_a_one_line_upgrade_hint(db_url):
    engine = engines.open_engine(db_url)
    migrate.upgrade(engine, "0004")
    fill_foundation(engine)
    result = CliRunner().invoke(main, ["status", "--date", "2021-08-20", "--db", db_url])
    assert result.exit_code != 0
    assert "schema revision 0004" in result.output and "tracker db upgrade" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert CliRunner().invoke(main, ["db", "upgrade", "--db", db_url]).exit_code == 0
    again = CliRunner().invoke(main, ["status", "--date", "2021-08-20", "--db", db_url])
    assert again.exit_code == 0, again.output
    engine.dispose()


def fill_history(engine) -> None:
    """More events at revision 0006, written with plain SQL: a dispute on one day, a correction,
    a retraction (from :func:`fill_foundation`), week and month precision, a late report."""
    fill_foundation(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sources (id, publisher, url, published_on) "
                          "VALUES (2, 'BBC', '', :d)"), {"d": dt.date(2021, 8, 10)})
        conn.execute(text(
            "INSERT INTO events (event_id, date, date_precision, district_code, controller, status,"
            " confidence, source_id, supersedes, origin, content_hash, recorded_at) VALUES"
            " (:e, :d, :p, :k, :c, :st, :cf, :src, :s, 'csv', 'h', :r)"),
            [{"e": "e3", "d": dt.date(2021, 8, 1), "p": "day", "k": "D1", "c": "Government",
              "st": "controlled", "cf": "confirmed", "src": 1, "s": None,
              "r": dt.datetime(2021, 8, 2, 7)},
             {"e": "e4", "d": dt.date(2021, 8, 20), "p": "day", "k": "D1", "c": "Resistance",
              "st": "controlled", "cf": "reported", "src": None, "s": None,
              "r": dt.datetime(2021, 8, 21, 7)},
             {"e": "e5", "d": dt.date(2021, 8, 20), "p": "day", "k": "D1", "c": "Taliban",
              "st": "controlled", "cf": "reported", "src": None, "s": None,
              "r": dt.datetime(2021, 8, 22, 7)},
             {"e": "e6", "d": dt.date(2021, 8, 2), "p": "week", "k": "D2",
              "c": "Government;Taliban", "st": "contested", "cf": "reported", "src": 2, "s": None,
              "r": dt.datetime(2021, 8, 25, 7)},  # reported the 10th, recorded the 25th
             {"e": "e7", "d": dt.date(2021, 9, 1), "p": "month", "k": "D2", "c": "Taliban",
              "st": "controlled", "cf": "unconfirmed", "src": None, "s": None,
              "r": dt.datetime(2021, 9, 30, 7)},
             {"e": "e8", "d": dt.date(2021, 8, 20), "p": "day", "k": "D1",
              "c": "Resistance;Taliban", "st": "contested", "cf": "reported", "src": None,
              "s": "e4", "r": dt.datetime(2021, 8, 28, 7)}])


def below_head() -> str:
    """The revision just before the newest one."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    return script.get_revision(migrate.head_revision()).down_revision


def stored_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM control_intervals")).scalar()


def rebuild_marks(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT key FROM settings WHERE key = :k"),
                                 {"k": migrate.REBUILD_MARK}).scalars())


def test_an_upgrade_from_0006_builds_the_intervals_of_the_core(db_url):
    engine = engines.open_engine(db_url)
    migrate.upgrade(engine, "0006")
    fill_history(engine)
    assert migrate.upgrade(engine) == ("0006", migrate.head_revision())
    assert rebuild_marks(engine) == []
    every = records.read_events(engine)
    assert len(every) == 8
    days = knowledge_days(every)
    assert len(days) > 10
    for k in days:  # the stored rows as known on each day against the core on the events
        pd.testing.assert_frame_equal(records.control_intervals(engine, known_on=k),
                                      timeline.control_intervals(every, known_on=k),
                                      check_dtype=False)
    now = records.control_intervals(engine)
    assert (now[s.STATUS] == s.DISPUTED).any()  # the history did reach the stored rows
    check = CliRunner().invoke(main, ["db", "check", "--db", db_url])
    assert check.exit_code == 0, check.output
    assert "agree with the events" in check.output
    engine.dispose()


def test_an_upgrade_stopped_below_head_leaves_the_rebuild_pending(db_url):
    engine = engines.open_engine(db_url)
    migrate.upgrade(engine, "0006")
    fill_history(engine)
    assert migrate.upgrade(engine, "0007") == ("0006", "0007")
    assert rebuild_marks(engine) == [migrate.REBUILD_MARK]
    assert stored_rows(engine) == 0  # 0007 made the table; the upgrade to head fills it
    check = CliRunner().invoke(main, ["db", "check", "--db", db_url])
    assert check.exit_code == 1
    lines = check.output.strip().splitlines()
    assert len(lines) == 1
    assert "pending rebuild of its stored control intervals" in lines[0]
    assert "run `tracker db upgrade`" in lines[0] and "revision 0007" in lines[0]
    if below_head() != "0007":  # further up, still below head: the mark stays
        migrate.upgrade(engine, below_head())
        assert rebuild_marks(engine) == [migrate.REBUILD_MARK]
        assert stored_rows(engine) == 0
    upgraded = CliRunner().invoke(main, ["db", "upgrade", "--db", db_url])
    assert upgraded.exit_code == 0, upgraded.output
    assert rebuild_marks(engine) == []
    assert stored_rows(engine) > 0
    check = CliRunner().invoke(main, ["db", "check", "--db", db_url])
    assert check.exit_code == 0, check.output
    engine.dispose()


def test_a_downgrade_below_0007_takes_the_mark_away(db_url):
    engine = engines.open_engine(db_url)
    migrate.upgrade(engine, "0007")
    assert rebuild_marks(engine) == [migrate.REBUILD_MARK]
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0006")
    assert rebuild_marks(engine) == []
    assert "control_intervals" not in inspect(engine).get_table_names()
    engine.dispose()


def test_no_migration_imports_live_tracker_code():
    """A migration runs against the schema of its own revision; live code (the models, the
    interval builder) follows the newest one, so a migration must carry frozen copies."""
    versions = resources.files("tracker.store") / "migrations" / "versions"
    files = sorted(p for p in versions.iterdir() if p.name.endswith(".py"))
    assert any(p.name.startswith("0007") for p in files)
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names]
        names += [node.module or "" for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom)]
        assert not [n for n in names if n == "tracker" or n.startswith("tracker.")], path.name
