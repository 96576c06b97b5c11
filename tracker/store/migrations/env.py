"""Alembic environment: runs on the connection handed over by :mod:`tracker.store.migrate`.

No ``alembic.ini`` is needed: :func:`tracker.store.migrate.alembic_config` builds the configuration
in code and passes an open connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from tracker.store.models import Base

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      compare_type=False)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    msg = "offline (SQL script) migrations are not supported; run `tracker db upgrade --db URL`"
    raise RuntimeError(msg)

_connection = config.attributes.get("connection")
if _connection is None:
    _engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with _engine.begin() as _conn:
        _run(_conn)
else:
    _run(_connection)
