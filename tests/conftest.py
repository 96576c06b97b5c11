"""Shared fixtures: fresh databases on both backends, and the shipped 2021 story.

The database fixtures (``db_url``, ``fresh``) run every test twice: on a SQLite file and on
PostgreSQL with PostGIS (``TRACKER_TEST_PG_URL``, set by ``scripts/run-tests``). Each PostgreSQL
test gets its own database, cloned from a template (``CREATE DATABASE ... TEMPLATE``), dropped
after.
Without the URL the PostgreSQL runs skip, saying why; with ``CI`` set they fail instead.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

import tracker
from tracker.api import SHIPPED_EVENTS

PG_ENV = "TRACKER_TEST_PG_URL"
SQLITE, POSTGRES = "sqlite", "postgres"
BACKENDS = [SQLITE, pytest.param(POSTGRES, marks=pytest.mark.postgres)]


def postgres_url() -> str:
    """The PostgreSQL test server's URL; skips (fails under CI) when it is not given."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"{PG_ENV} is not set but CI is: CI must run the PostgreSQL tests; run them "
                    f"with scripts/run-tests, which starts a throwaway PostgreSQL server")
    pytest.skip(f"PostgreSQL backend not tested: set "
                f"{PG_ENV}=postgresql+psycopg://USER@HOST:PORT/DB (a database with PostGIS) "
                f"or run scripts/run-tests")


class PgServer:
    """Creates and drops per-test databases on the test server, cloned from templates."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.admin = create_engine(self.url, poolclass=NullPool,
                                   isolation_level="AUTOCOMMIT")
        self.tag = uuid.uuid4().hex[:8]
        self.templates: dict[str, str] = {}

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def template(self, kind: str) -> str:
        """``empty`` (PostGIS only) or ``ready`` (schema at head and the shipped boundaries)."""
        if kind not in self.templates:
            name = f"tpl_{kind}_{self.tag}"
            self._execute(f'CREATE DATABASE "{name}"')
            engine = create_engine(self.url_of(name), poolclass=NullPool)
            with engine.begin() as conn:
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
            engine.dispose()
            if kind == "ready":
                t = tracker.connect(self.url_of(name))
                t.init()
                t.engine.dispose()
            self.templates[kind] = name
        return self.templates[kind]

    def create(self, kind: str) -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template(kind)}"')
        return name

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        for name in self.templates.values():
            self.drop(name)
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_server():
    """The PostgreSQL test server (skips or fails as :func:`postgres_url` says)."""
    server = PgServer(postgres_url())
    yield server
    server.close()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """``sqlite`` or ``postgres``: every test using a database runs on both."""
    if request.param == POSTGRES:
        postgres_url()
    return request.param


@pytest.fixture
def db_url(backend, tmp_path, request):
    """URL of a new database: a SQLite file, or a PostgreSQL database dropped after the test.

    Empty (not initialised), unless the test also uses ``fresh``: then the PostgreSQL database is
    cloned from an initialised template, which is much faster than loading boundaries.
    """
    if backend == SQLITE:
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = server.create("ready" if "fresh" in request.fixturenames else "empty")
    yield server.url_of(name)
    server.drop(name)


@pytest.fixture
def fresh(db_url) -> tracker.Tracker:
    """An initialised tracker (shipped boundaries, no events) on the test's backend."""
    t = tracker.connect(db_url)
    t.init()
    yield t
    t.close()


@pytest.fixture(scope="session")
def story(tmp_path_factory) -> tracker.Tracker:
    """A tracker holding the shipped 2021 events (read-only: do not write to it in tests)."""
    path = tmp_path_factory.mktemp("story") / "story.db"
    t = tracker.connect(f"sqlite:///{path}")
    t.init()
    t.import_csv(SHIPPED_EVENTS)
    return t


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (the Debian package) driven by Playwright; fails when it is missing."""
    import os

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package "
                    f"(apt-get install -y chromium) to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
