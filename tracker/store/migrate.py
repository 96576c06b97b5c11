"""Schema versions with Alembic: the migrations ship inside the package (``tracker/migrations``).

No ``alembic.ini`` is needed: the configuration is built in code and Alembic runs on a connection
of the tracker's own engine, inside one write transaction (so two ``tracker init`` at once are
serialised, and a failed upgrade changes nothing where the backend has transactional DDL).

Data a migration cannot fill with frozen SQL of its own revision are built here, after the schema
reached the newest revision, by the live code that matches it: migration 0007 leaves the mark
:data:`REBUILD_MARK` in ``settings``, and :func:`upgrade` then builds the stored control intervals
from the events and clears the mark, in the same transaction.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, select

from tracker._errors import DatabaseError
from tracker.store import intervals
from tracker.store.engines import require_file, write_transaction
from tracker.store.models import Setting

FOUNDATION = "0001"  # the schema of the first commit, created before migrations existed
# settings key: the stored control intervals wait to be built (set by migration 0007, which keeps a
# frozen copy of this name)
REBUILD_MARK = "rebuild_control_intervals"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (and at ``connection``)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("tracker.store") / "migrations"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision shipped with this version of the tracker."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty or unversioned database; a SQLite
    file that is not there is refused)."""
    require_file(engine)
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head", *,
            create: bool = True) -> tuple[str | None, str | None]:
    """Bring the database to ``revision`` (default the newest); returns (before, after).

    A database made before migrations existed (tables present, no ``alembic_version``) is first
    stamped at the foundation revision, then upgraded; its data stays. When the newest revision
    is reached and a migration left :data:`REBUILD_MARK`, the stored intervals are built from the
    events and the mark cleared, in the same transaction (below the newest revision the mark
    stays). A SQLite file that is not there is created, or refused when not ``create`` (`tracker
    db upgrade`: a mistyped path would leave an empty database behind).
    """
    if not create:
        require_file(engine, "nothing to upgrade; check the path given by --db or TRACKER_DB, "
                             "or create the database with `tracker init`")
    try:
        with write_transaction(engine) as conn:
            if conn.dialect.name == "postgresql":
                _ensure_postgis(conn)
            ctx = MigrationContext.configure(conn)
            before = ctx.get_current_revision()
            cfg = alembic_config(conn)
            if before is None and inspect(conn).has_table("events"):
                command.stamp(cfg, FOUNDATION)
                before = FOUNDATION
            command.upgrade(cfg, revision)
            after = MigrationContext.configure(conn).get_current_revision()
            if after == head_revision() and rebuild_pending(conn):
                intervals.rebuild(conn)
                conn.execute(Setting.__table__.delete().where(Setting.key == REBUILD_MARK))
    except DatabaseError:
        raise
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        msg = f"cannot upgrade database {engine.url!r} to {revision}: {first}"
        raise DatabaseError(msg) from exc
    return before, after


def rebuild_pending(conn: Connection) -> bool:
    """Whether the stored control intervals wait to be built by :func:`upgrade` (a migration
    left :data:`REBUILD_MARK`)."""
    if not inspect(conn).has_table(Setting.__tablename__):
        return False
    found = conn.execute(select(Setting.key).where(Setting.key == REBUILD_MARK)).first()
    return found is not None


def _ensure_postgis(conn: Connection) -> None:
    have = conn.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").first()
    if have is None:
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
        except Exception as exc:
            msg = (f"PostGIS is not installed in {conn.engine.url.database!r} and cannot be "
                   f"created ({str(exc).splitlines()[0]}); ask the database owner to run "
                   f"CREATE EXTENSION postgis")
            raise DatabaseError(msg) from exc


def create_schema(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (Alembic ``upgrade head``)."""
    upgrade(engine)
