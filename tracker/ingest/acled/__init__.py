"""ACLED exports: reading and checks (``read``), row versions, deletions, bulk writes (``write``).

May import what ``tracker.ingest`` may.
"""
