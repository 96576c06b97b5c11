"""Alembic migrations: a database at the first revision, filled, upgrades to head with its data."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import inspect, text

from tracker import db, migrate
from tracker.cli import main


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
    engine = db.open_engine(db_url)
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


def test_a_database_made_before_migrations_is_stamped_then_upgraded(db_url):
    engine = db.open_engine(db_url)
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
        diff = compare_metadata(ctx, db.Base.metadata)
    # PostGIS' own tables and GiST indexes made by the migrations are not in the models
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name == "spatial_ref_sys")
            and not (d[0] == "remove_index" and d[1].name.endswith("_geometry"))]
    assert diff == []
    assert migrate.current_revision(fresh.engine) == migrate.head_revision()
