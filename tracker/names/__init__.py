"""Names of places: normalised keys, naming tables, the gazetteer (name -> district), names in text.

May import: rapidfuzz, ``tracker.core``, ``tracker.geo``.
"""
