"""Any country: province aliases, places (towns with coordinates), actor colours and sides.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "province_aliases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("province_code", sa.String(32), sa.ForeignKey("provinces.code"),
                  nullable=False),
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("alternate_names", sa.Text, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("district_code", sa.String(32), sa.ForeignKey("districts.code"),
                  nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
    )
    op.create_index("ix_places_district_code", "places", ["district_code"])
    op.create_table(
        "actor_styles",
        sa.Column("actor", sa.String(200), primary_key=True),
        sa.Column("color", sa.String(7), nullable=True),
        sa.Column("side", sa.String(200), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("actor_styles")
    op.drop_index("ix_places_district_code", table_name="places")
    op.drop_table("places")
    op.drop_table("province_aliases")
