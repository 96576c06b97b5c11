"""Outputs drawn for people: the offline HTML map, its ACLED points layer, its chart panel and
assets; charts, stills and animations (matplotlib, Pillow).

May import: folium, matplotlib, Pillow, ``tracker.core``, ``tracker.geo``.
"""
