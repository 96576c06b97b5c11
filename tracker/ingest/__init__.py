"""Files -> validated tables: CSV handling, value checks, the events CSV, ACLED exports (`acled/`).

May import: ``tracker.core``, ``tracker.names``, ``tracker.geo``, ``tracker.store``.
"""
