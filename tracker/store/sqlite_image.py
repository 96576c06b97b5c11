"""Rows handed to a SQLite write transaction as a database image: built anywhere, one INSERT.

:func:`image_of` writes rows into an in-memory SQLite database and returns its bytes, so another
process can build them away from the writer; :func:`insert_image` attaches such an image to the
writer's connection, inside its transaction, and copies its rows into a table with one
``INSERT ... SELECT`` (SQLite's own loop: no Python per row, the values stored as the driver
would store them). SQLite refuses to detach a database the open transaction has used, so the
image stays attached until the connection goes back to its pool.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable

from sqlalchemy import Connection, Table, event

_SCHEMA = "tracker_image"  # attached as tracker_image_<n>
_TABLE = "image_rows"


def available() -> bool:
    """Whether this Python's sqlite3 module can load database images (Python 3.11+)."""
    return hasattr(sqlite3.Connection, "deserialize")


def image_of(columns: list[str], rows: Iterable[tuple]) -> bytes:
    """An in-memory SQLite database holding ``rows`` (tuples of ``columns``), as bytes."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute(f"CREATE TABLE {_TABLE} ({_quoted(columns)})")  # no types: values as given
        db.executemany(f"INSERT INTO {_TABLE} VALUES ({', '.join('?' * len(columns))})", rows)
        db.commit()
        return db.serialize()
    finally:
        db.close()


def insert_image(conn: Connection, table: Table, columns: list[str], image: bytes) -> None:
    """Insert the rows of ``image`` (from :func:`image_of` with ``columns``) into ``table``, in
    ``conn``'s open transaction."""
    raw = conn.connection.driver_connection
    attached = {row[1] for row in raw.execute("PRAGMA database_list")}
    name = next(f"{_SCHEMA}_{n}" for n in range(len(attached) + 1)
                if f"{_SCHEMA}_{n}" not in attached)
    pool = conn.engine.pool
    if not event.contains(pool, "checkin", _detach_images):
        event.listen(pool, "checkin", _detach_images)
    raw.execute(f"ATTACH ':memory:' AS {name}")
    raw.deserialize(image, name=name)
    raw.execute(f"INSERT INTO {table.name} ({_quoted(columns)}) "
                f"SELECT {_quoted(columns)} FROM {name}.{_TABLE}")


def _detach_images(dbapi_connection, _record) -> None:
    """Detach the images a connection holds as it goes back to its pool (its transaction
    ended)."""
    if dbapi_connection is None:
        return
    with contextlib.suppress(sqlite3.Error):
        for row in dbapi_connection.execute("PRAGMA database_list").fetchall():
            if row[1].startswith(_SCHEMA):
                dbapi_connection.execute(f"DETACH {row[1]}")


def _quoted(columns: list[str]) -> str:
    return ", ".join('"' + c.replace('"', '""') + '"' for c in columns)

