"""The pure core: vocabulary (columns, value sets, dates), the timeline (and its bitemporal rows),
same-day claims, roll-ups.

May import: pandas, numpy, pyarrow, geopandas, ``tracker._errors``; no other tracker layer.
"""
