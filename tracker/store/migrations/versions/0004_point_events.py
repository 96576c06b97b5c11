"""Point events: every version of every ACLED event (battles, explosions, captures...).

Revision ID: 0004
Revises: 0003
Create Date: 2024-01-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "point_events",
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
    )
    # Plain indexes (not table constraints), so a bulk import can drop and rebuild them.
    op.create_index("uq_point_version", "point_events", ["acled_id", "timestamp"], unique=True)
    op.create_index("ix_point_events_date", "point_events", ["date"])


def downgrade() -> None:
    op.drop_index("ix_point_events_date", table_name="point_events")
    op.drop_index("uq_point_version", table_name="point_events")
    op.drop_table("point_events")
