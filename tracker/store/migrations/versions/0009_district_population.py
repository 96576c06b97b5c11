"""District population: an optional column kept from the boundary layer (``--column population=``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("districts", sa.Column("population", sa.Float, nullable=True))


def downgrade() -> None:
    # a plain ALTER TABLE (SQLite >= 3.35): a batch copy of the table would break the foreign
    # keys of the events that name the districts
    op.drop_column("districts", "population")
