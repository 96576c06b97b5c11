"""Outputs drawn for people: the offline HTML map, its ACLED points layer and its assets.

May import: folium, ``tracker.core``, ``tracker.geo``.
"""
