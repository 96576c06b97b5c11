"""Database engines: opening a URL, SQLite pragmas, write transactions serialised across writers,
binary results on PostgreSQL for the statements that ask for them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text

from tracker._errors import DatabaseError

DEFAULT_URL = "sqlite:///tracker.db"


def open_engine(url: str = DEFAULT_URL) -> Engine:
    """Create an engine for ``url``.

    SQLite gets WAL, a busy timeout, foreign keys and explicit ``BEGIN`` statements (so that
    :func:`write_transaction` can take the write lock up front with ``BEGIN IMMEDIATE``).
    PostgreSQL through psycopg (3) returns the results of statements with the execution option
    :data:`BINARY_RESULTS` in binary form (:func:`_binary_results`).
    """
    try:
        engine = create_engine(url, future=True)
    except Exception as exc:
        msg = f"cannot use database URL {url!r}: {exc}; use e.g. sqlite:///tracker.db"
        raise DatabaseError(msg) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        event.listen(engine, "before_cursor_execute", _binary_results)
    return engine


def missing_sqlite_file(engine: Engine) -> Path | None:
    """The file a SQLite ``engine`` names when it is not there (connecting would create an empty
    one); None for other databases, in-memory ones and URI file names."""
    name = engine.url.database
    if (engine.dialect.name != "sqlite" or not name or name == ":memory:"
            or engine.url.query.get("uri") or name.startswith("file:")):
        return None
    path = Path(name)
    return None if path.exists() else path.absolute()


def require_file(engine: Engine, fix: str = "run `tracker init` first to create it, or check "
                 "the path given by --db or TRACKER_DB") -> None:
    """A clear error instead of the empty database SQLite would create for a mistyped path
    (``fix``: what to do about it)."""
    missing = missing_sqlite_file(engine)
    if missing is not None:
        msg = f"database file {missing} does not exist; {fix}"
        raise DatabaseError(msg)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 30000")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    # Page cache of up to 128 MB (SQLite's default is 2 MB): bulk imports update several
    # indexes at once, and with a small cache their pages spill to disk again and again.
    cur.execute("PRAGMA cache_size = -131072")
    cur.close()
    # let SQLAlchemy (not the sqlite3 module) emit BEGIN: see _sqlite_begin
    dbapi_conn.isolation_level = None


def _sqlite_begin(conn) -> None:
    immediate = conn.get_execution_options().get(_IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# Execution option of a statement whose results PostgreSQL sends in binary form: bytea then
# travels as it is, not as hexadecimal text twice its size that the driver decodes again (the
# district geometries' WKB: 1.3 MB for Afghanistan's 399, read by every status and map).
BINARY_RESULTS = "tracker_binary_results"


def _binary_results(_conn, cursor, _statement, _parameters, context, _executemany) -> None:
    """psycopg: results in binary form for a statement with :data:`BINARY_RESULTS` (the cursor
    is the statement's own)."""
    if context is not None and context.execution_options.get(BINARY_RESULTS):
        from psycopg.pq import Format

        cursor.format = Format.BINARY


_IMMEDIATE = "tracker_sqlite_immediate"
# One application-wide key for PostgreSQL advisory locks taken by writers ("trkr" in ASCII).
WRITE_LOCK_KEY = 0x74726B72


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes: all of it commits, or nothing does.

    Writers are serialised so that concurrent imports never fail half-way on each other's rows:
    SQLite takes the write lock at ``BEGIN IMMEDIATE`` (waiting up to the busy timeout, never
    failing later on a stale snapshot); PostgreSQL takes a transaction-scoped advisory lock,
    released at commit, rollback, or when the server notices the client died.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.execution_options(**{_IMMEDIATE: True})
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
            yield conn
