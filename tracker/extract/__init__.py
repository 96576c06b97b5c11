"""News text -> draft control events: text handling, the phrase rules, actors, the drafts.

May import: ``tracker.core``, ``tracker.names``.
"""
