"""A small TopoJSON-like topology of polygon layers: every shared border stored once.

Coordinates are rounded to integers (``1/scale`` degree) and each arc, a piece of ring between two
junctions, is stored once as a Google-polyline string of (lon, lat) deltas; geometries refer to
arcs by index (``~i``: arc ``i`` reversed). Used by :mod:`tracker.render.html_map` to keep the map
page small; decoded by ``assets/tracker_map.js``.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

COORD_SCALE = 100_000  # 5 decimals: lossless for the shipped boundaries (about 1 m)


def topology(layers: list[Any], *, scale: int = COORD_SCALE) -> tuple[list[str], list[list[Any]]]:
    """Encode polygon layers with each shared border stored once.

    Coordinates are rounded to ``1/scale`` degree; rings are cut where three or more rings meet
    (or two part ways) and each resulting arc is stored once, as a polyline-encoded string of
    (lon, lat) deltas. A geometry is a list of polygons, a polygon a list of rings, a ring a list
    of arc indices (``~i`` means arc ``i`` reversed), as in TopoJSON.

    Returns
    -------
    arcs, objects
        The encoded arcs, and for each layer the list of its geometries.
    """
    rings: list[np.ndarray] = []
    objects: list[list[Any]] = []
    for geoms in layers:
        layer = []
        for geom in geoms:
            polys = []
            for poly in _polygons(geom):
                ring_ids = []
                for ring in (poly.exterior, *poly.interiors):
                    pts = np.round(np.asarray(ring.coords)[:, :2] * scale).astype(np.int64)[:-1]
                    if len(pts) > 1:
                        keep = np.any(pts != np.roll(pts, 1, axis=0), axis=1)
                        pts = pts[keep] if keep.any() else pts[:1]
                    if len(pts) < 3:
                        continue
                    ring_ids.append(len(rings))
                    rings.append(pts)
                if ring_ids:
                    polys.append(ring_ids)
            layer.append(polys)
        objects.append(layer)
    if not rings:
        return [], objects
    junctions = _junctions(rings)
    arc_index: dict[bytes, int] = {}
    arcs: list[np.ndarray] = []

    def add(seq: np.ndarray) -> int:
        key = seq.tobytes()
        if key in arc_index:
            return arc_index[key]
        rkey = seq[::-1].copy().tobytes()
        if rkey in arc_index:
            return ~arc_index[rkey]
        arc_index[key] = len(arcs)
        arcs.append(seq)
        return arc_index[key]

    ring_arcs: list[list[int]] = []
    for pts in rings:
        keys = _keys(pts)
        cut = np.flatnonzero(np.isin(keys, junctions))
        if len(cut) == 0:  # a ring touching no other: start at its smallest point
            first = int(np.argmin(keys))
            rolled = np.roll(pts, -first, axis=0)
            ring_arcs.append([add(np.vstack([rolled, rolled[:1]]))])
            continue
        rolled = np.roll(pts, -cut[0], axis=0)
        closed = np.vstack([rolled, rolled[:1]])
        bounds = [*(cut - cut[0]).tolist(), len(rolled)]
        ring_arcs.append([add(closed[a:b + 1]) for a, b in pairwise(bounds)])
    resolved = [[[ring_arcs[r] for r in poly] for poly in geom] for layer in objects
                for geom in layer]
    out, k = [], 0
    for layer in objects:
        out.append(resolved[k:k + len(layer)])
        k += len(layer)
    return [_polyline(a) for a in arcs], out


def _polygons(geom: Any) -> list[Any]:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"]


def _keys(pts: np.ndarray) -> np.ndarray:
    return pts[:, 0] * 4_000_000_000 + pts[:, 1]


def _junctions(rings: list[np.ndarray]) -> np.ndarray:
    """Points whose neighbours differ between the rings passing through them."""
    keys = np.concatenate([_keys(r) for r in rings])
    prev = np.concatenate([_keys(np.roll(r, 1, axis=0)) for r in rings])
    nxt = np.concatenate([_keys(np.roll(r, -1, axis=0)) for r in rings])
    pairs = pd.DataFrame({"k": keys, "lo": np.minimum(prev, nxt), "hi": np.maximum(prev, nxt)})
    n = pairs.drop_duplicates().groupby("k").size()
    return np.sort(n.index[n > 1].to_numpy())


def _polyline(arc: np.ndarray) -> str:
    """Google polyline encoding of an arc's (lon, lat) deltas (the first from 0)."""
    deltas = np.diff(arc, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    chars: list[str] = []
    for v in deltas.tolist():
        v = ~(v << 1) if v < 0 else v << 1
        while v >= 0x20:
            chars.append(chr((0x20 | (v & 0x1F)) + 63))
            v >>= 5
        chars.append(chr(v + 63))
    return "".join(chars)
