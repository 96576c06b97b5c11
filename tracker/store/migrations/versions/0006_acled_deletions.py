"""ACLED deletions: events ACLED removed from its dataset (event_id_cnty, deleted_timestamp).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "acled_deletions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("acled_id", sa.String(100), nullable=False),
        sa.Column("deleted_timestamp", sa.BigInteger, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("acled_id", "deleted_timestamp", name="uq_acled_deletion"),
    )


def downgrade() -> None:
    op.drop_table("acled_deletions")
