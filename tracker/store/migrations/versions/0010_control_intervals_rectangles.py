"""PostgreSQL: the control intervals are indexed as rectangles in (valid day, knowledge day), one
SP-GiST index instead of two GiST indexes on date ranges.

Each row is the rectangle ``start <= day < end`` by ``known_from <= K < known_to`` (days since
1970-01-01, exclusive ends less half a day, missing bounds far out); the state on a day as known
on K is the rectangles holding the point (day, K), the rows believed now those holding it with K
far out. Reads are as fast (about 1.5 ms for 399 districts at 191,000 rows); writes update one
index whose upkeep is a quarter of the two before (COPY of 191,000 rows: 3.5-3.7 s -> 1.6 s).
Nothing changes on SQLite.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# frozen copy of tracker.store.intervals._rectangle (a migration imports no live tracker code)
_DAYS = "({} - DATE '1970-01-01')::float8"
_START, _END, _FROM, _TO = (_DAYS.format(c) for c in ('start', '"end"', "known_from", "known_to"))
_RECTANGLE = (f"box(point({_START}, coalesce({_FROM}, -1e9)), "
              f"point(coalesce({_END} - 0.5, 1e9), coalesce({_TO} - 0.5, 1e9)))")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_control_intervals_gist_now")
    op.execute("DROP INDEX ix_control_intervals_gist_known")
    op.execute(f"CREATE INDEX ix_control_intervals_rectangles ON control_intervals "
               f"USING spgist (({_RECTANGLE}))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_control_intervals_rectangles")
    op.execute('CREATE INDEX ix_control_intervals_gist_known ON control_intervals USING gist '
               '(daterange(start, "end"), daterange(known_from, known_to))')
    op.execute('CREATE INDEX ix_control_intervals_gist_now ON control_intervals USING gist '
               '(daterange(start, "end")) WHERE known_to IS NULL')
