"""Bitemporal control intervals kept in the store; ACLED ids and timestamps as event columns;
the unused ``actors`` table dropped.

The table is created empty, with a mark in ``settings`` that asks for it to be built: the code that
builds the rows (``tracker.store.intervals``) follows the newest schema, which later migrations may
change, so it runs in :func:`tracker.store.migrate.upgrade` once the schema reached the newest
revision (in the same transaction, clearing the mark).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_PREFIX = "acled:"
# frozen copy of tracker.store.migrate.REBUILD_MARK (a migration imports no live tracker code)
_REBUILD_MARK = "rebuild_control_intervals"
_SETTINGS = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    # plain ADD COLUMN (no table copy: other tables' foreign keys point at events)
    op.add_column("events", sa.Column("acled_id", sa.String(100), nullable=True))
    op.add_column("events", sa.Column("acled_timestamp", sa.BigInteger, nullable=True))
    op.create_index("ix_events_acled_id", "events", ["acled_id"])
    _fill_acled_columns()
    op.drop_table("actors")
    op.create_table(
        "control_intervals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("district_code", sa.String(32), nullable=False),
        sa.Column("controller", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("confidence", sa.String(20), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=True),
        sa.Column("date_precision", sa.String(10), nullable=False),
        sa.Column("event_ids", sa.Text, nullable=False),
        sa.Column("claims", sa.Text, nullable=True),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("source_url", sa.Text, nullable=True),
        sa.Column("known_from", sa.Date, nullable=True),
        sa.Column("known_to", sa.Date, nullable=True),
    )
    op.create_index("ix_control_intervals_now", "control_intervals",
                    ["district_code", "known_to", "start"])
    op.create_index("ix_control_intervals_valid", "control_intervals",
                    ["district_code", "start", "known_from"])
    if op.get_bind().dialect.name == "postgresql":
        # the state on a day as known on K: a stab of both ranges (valid time, knowledge time)
        op.execute('CREATE INDEX ix_control_intervals_gist_known ON control_intervals USING gist '
                   '(daterange(start, "end"), daterange(known_from, known_to))')
        op.execute('CREATE INDEX ix_control_intervals_gist_now ON control_intervals USING gist '
                   '(daterange(start, "end")) WHERE known_to IS NULL')
    conn = op.get_bind()
    conn.execute(_SETTINGS.delete().where(_SETTINGS.c.key == _REBUILD_MARK))
    conn.execute(_SETTINGS.insert().values(key=_REBUILD_MARK, value=revision))


def _fill_acled_columns() -> None:
    """ACLED control events' ids (``acled:<event_id_cnty>@<timestamp>``) into the new columns."""
    conn = op.get_bind()
    events = sa.table("events", sa.column("id", sa.Integer), sa.column("event_id", sa.String),
                      sa.column("acled_id", sa.String), sa.column("acled_timestamp", sa.BigInteger))
    rows = conn.execute(sa.select(events.c.id, events.c.event_id)
                        .where(events.c.event_id.like(_PREFIX + "%"))).all()
    values = []
    for row_id, event_id in rows:
        acled_id, _, stamp = event_id[len(_PREFIX):].rpartition("@")
        if acled_id and stamp.isdigit():
            values.append({"b_id": row_id, "a": acled_id, "t": int(stamp)})
    if values:
        conn.execute(events.update().where(events.c.id == sa.bindparam("b_id"))
                     .values(acled_id=sa.bindparam("a"), acled_timestamp=sa.bindparam("t")),
                     values)


def downgrade() -> None:
    op.get_bind().execute(_SETTINGS.delete().where(_SETTINGS.c.key == _REBUILD_MARK))
    op.drop_table("control_intervals")
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
    )
    op.drop_index("ix_events_acled_id", table_name="events")
    op.drop_column("events", "acled_timestamp")
    op.drop_column("events", "acled_id")
