"""The database: models, engines, reads and writes (one event writer), the stored bitemporal
intervals, timeline queries, point batches, migrations.

May import: SQLAlchemy, Alembic, ``tracker.core``, ``tracker.geo``; never a file reader.
"""
