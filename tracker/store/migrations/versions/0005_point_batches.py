"""Point events as columnar batches: ``point_events`` rows move into ``point_batches``.

Each batch row holds at most 250,000 point events as Parquet bytes (see tracker.point_store).
The stored rows of ``point_events`` are carried over, one set of batches per original import
(same origin and ``recorded_at``); downgrading unpacks them back into rows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH_ROWS = 250_000
# The columns of a batch as this revision writes them (frozen here, like the tables).
SCHEMA = pa.schema([
    ("acled_id", pa.string()), ("timestamp", pa.int64()), ("date", pa.date32()),
    ("date_precision", pa.string()), ("event_type", pa.string()), ("sub_event_type", pa.string()),
    ("actor1", pa.string()), ("actor2", pa.string()), ("fatalities", pa.int32()),
    ("latitude", pa.float64()), ("longitude", pa.float64()), ("district_code", pa.string()),
    ("geo_precision", pa.int8()), ("location", pa.string()), ("source", pa.string()),
    ("notes", pa.string()),
])


def _point_events_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("acled_id", sa.String(100), nullable=False),
        sa.Column("timestamp", sa.BigInteger, nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("date_precision", sa.String(10), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("sub_event_type", sa.String(100), nullable=False),
        sa.Column("actor1", sa.String(300), nullable=True),
        sa.Column("actor2", sa.String(300), nullable=True),
        sa.Column("fatalities", sa.Integer, nullable=True),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("district_code", sa.String(32), sa.ForeignKey("districts.code"),
                  nullable=False),
        sa.Column("geo_precision", sa.Integer, nullable=True),
        sa.Column("location", sa.String(300), nullable=True),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("notes", sa.Text, nullable=True),
        sa.Column("origin", sa.String(40), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    ]


def _batches_table(meta: sa.MetaData) -> sa.Table:
    return sa.Table(
        "point_batches", meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("origin", sa.String(40), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("first_date", sa.Date, nullable=False),
        sa.Column("last_date", sa.Date, nullable=False),
        sa.Column("first_timestamp", sa.BigInteger, nullable=False),
        sa.Column("last_timestamp", sa.BigInteger, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def _batch_row(rows: list, origin: str, recorded_at) -> dict:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in SCHEMA]
    table = pa.Table.from_arrays(
        [pa.array(list(values), type=field.type) for values, field in
         zip(columns, SCHEMA, strict=True)], schema=SCHEMA)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    days, stamps = pc.min_max(table["date"]), pc.min_max(table["timestamp"])
    return {"origin": origin, "file_name": "", "rows": table.num_rows,
            "first_date": days["min"].as_py(), "last_date": days["max"].as_py(),
            "first_timestamp": stamps["min"].as_py(), "last_timestamp": stamps["max"].as_py(),
            "recorded_at": recorded_at, "data": sink.getvalue()}


def upgrade() -> None:
    meta = sa.MetaData()
    events = sa.Table("point_events", meta, *_point_events_columns())
    batches = _batches_table(meta)
    conn = op.get_bind()
    batches.create(conn)
    names = SCHEMA.names
    result = conn.execute(sa.select(*[events.c[n] for n in names], events.c.origin,
                                     events.c.recorded_at)
                          .order_by(events.c.recorded_at, events.c.origin, events.c.id))
    pending: list = []
    key = None
    for row in result:
        values, row_key = tuple(row[: len(names)]), (row.origin, row.recorded_at)
        if pending and (row_key != key or len(pending) == BATCH_ROWS):
            conn.execute(batches.insert(), [_batch_row(pending, *key)])
            pending = []
        key = row_key
        pending.append(values)
    if pending:
        conn.execute(batches.insert(), [_batch_row(pending, *key)])
    op.drop_index("ix_point_events_date", table_name="point_events")
    op.drop_index("uq_point_version", table_name="point_events")
    op.drop_table("point_events")


def downgrade() -> None:
    batches = _batches_table(sa.MetaData())
    conn = op.get_bind()
    events = op.create_table("point_events", *_point_events_columns())
    op.create_index("uq_point_version", "point_events", ["acled_id", "timestamp"], unique=True)
    op.create_index("ix_point_events_date", "point_events", ["date"])
    stored = conn.execute(sa.select(batches.c.origin, batches.c.recorded_at, batches.c.data)
                          .order_by(batches.c.id))
    for origin, recorded_at, data in stored:
        rows = pq.read_table(io.BytesIO(data)).to_pylist()
        for row in rows:
            row.update(origin=origin, recorded_at=recorded_at)
        if rows:
            conn.execute(events.insert(), rows)
    op.drop_table("point_batches")
