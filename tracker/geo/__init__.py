"""Boundary data sets (shipped or the user's), points located in districts, shared-border topology.

May import: geopandas, shapely, ``tracker.core``.
"""
