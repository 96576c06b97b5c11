"""News text -> draft control events: text handling, the phrase rules, actors, speakers, the
places a phrase governs, the drafts and how a report's drafts are reconciled.

May import: ``tracker.core``, ``tracker.names``.
"""
