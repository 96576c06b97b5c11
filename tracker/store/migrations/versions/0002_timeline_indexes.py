"""Indexes for the timeline queries: events by (district, date), supersedes, GiST on geometry.

Revision ID: 0002
Revises: 0001
Create Date: 2024-01-02
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_district_date", "events", ["district_code", "date"])
    op.create_index("ix_events_supersedes", "events", ["supersedes"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_districts_geometry", "districts", ["geometry"],
                        postgresql_using="gist")
        op.create_index("ix_provinces_geometry", "provinces", ["geometry"],
                        postgresql_using="gist")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_provinces_geometry", table_name="provinces")
        op.drop_index("ix_districts_geometry", table_name="districts")
    op.drop_index("ix_events_supersedes", table_name="events")
    op.drop_index("ix_events_district_date", table_name="events")
