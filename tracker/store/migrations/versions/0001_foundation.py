"""Foundation schema, as committed in the repository's first commit.

Revision ID: 0001
Revises:
Create Date: 2024-01-01

Frozen: this file states the schema of that commit and must not follow later model changes.
Geometry is PostGIS ``geometry(MULTIPOLYGON, 4326)`` on PostgreSQL and WKB bytes elsewhere.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _geometry():
    if op.get_bind().dialect.name == "postgresql":
        return Geometry("MULTIPOLYGON", srid=4326, spatial_index=False)
    return sa.LargeBinary()


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "provinces",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("geometry", _geometry(), nullable=True),
    )
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("publisher", sa.String(300), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("published_on", sa.Date, nullable=True),
        sa.UniqueConstraint("publisher", "url", "published_on", name="uq_source"),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "districts",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("province_code", sa.String(32), sa.ForeignKey("provinces.code"),
                  nullable=False),
        sa.Column("geometry", _geometry(), nullable=True),
    )
    op.create_index("ix_districts_province_code", "districts", ["province_code"])
    op.create_index("ix_districts_name", "districts", ["name"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.String(200), nullable=False, unique=True),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("date_precision", sa.String(10), nullable=False),
        sa.Column("district_code", sa.String(32), sa.ForeignKey("districts.code"),
                  nullable=False),
        sa.Column("controller", sa.String(400), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("confidence", sa.String(20), nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=True),
        sa.Column("notes", sa.Text, nullable=True),
        sa.Column("supersedes", sa.String(200), nullable=True),
        sa.Column("origin", sa.String(40), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_events_date", "events", ["date"])
    op.create_index("ix_events_district_code", "events", ["district_code"])
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("district_code", sa.String(32), sa.ForeignKey("districts.code"),
                  nullable=False),
    )
    op.create_table(
        "retractions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.String(200), sa.ForeignKey("events.event_id"), nullable=False,
                  unique=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("retractions", "aliases", "events", "districts", "settings", "sources",
                  "actors", "provinces"):
        op.drop_table(table)
