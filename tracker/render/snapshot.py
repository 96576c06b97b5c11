"""A still map of one day as the page shows it (PNG, SVG or PDF), and the frames of animations.

:class:`MapFrame` lays out the figure once (district shapes, province borders and names, title,
credit); :meth:`MapFrame.show` paints a day (district fills and hatches, legend with counts, the
date) and can be called again for the next frame, which keeps animations fast.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.render.chart import credit_lines, figure_module, save_figure
from tracker.render.styles import (
    EDGE_LINE,
    PROVINCE_LINE,
    STATE_LABELS,
    Fill,
    category_fill,
    district_fill,
)

SNAPSHOT_FORMATS = (".png", ".svg", ".pdf")
WEB_MERCATOR = "EPSG:3857"  # the page's projection
FIG_WIDTH_IN = 16.0  # the layout is drawn at this size; dpi scales it to the asked width
MIN_WIDTH, MAX_WIDTH = 320, 8000
MAP_SHARE = 0.74  # of the width, left of the legend
HEADER_IN, FOOTER_IN = 1.45, 0.62


def check_width(width: int) -> int:
    """Refuse picture widths outside MIN_WIDTH..MAX_WIDTH pixels."""
    if not isinstance(width, int | np.integer) or not MIN_WIDTH <= width <= MAX_WIDTH:
        msg = f"width={width!r} pixels is out of range; give {MIN_WIDTH}..{MAX_WIDTH}"
        raise InputError(msg)
    return int(width)


def _ring_path(coords: np.ndarray):
    from matplotlib.path import Path as MplPath

    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    codes[0], codes[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
    return coords, codes


def _geometry_path(geom):
    """One matplotlib Path of a (multi)polygon, holes included."""
    from matplotlib.path import Path as MplPath

    verts, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty:
            continue
        for ring in [poly.exterior, *poly.interiors]:
            v, c = _ring_path(np.asarray(ring.coords)[:, :2])
            verts.append(v)
            codes.append(c)
    if not verts:
        return MplPath(np.zeros((1, 2)))
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _segments(geoms) -> list[np.ndarray]:
    """Every boundary line of ``geoms`` as an array of points (for a LineCollection)."""
    out = []
    for line in shapely.get_parts(shapely.boundary(np.asarray(geoms))):
        for part in getattr(line, "geoms", [line]):
            out.append(np.asarray(part.coords)[:, :2])
    return out


def _label_points(geoms) -> list[tuple[float, float]]:
    points = []
    for geom in geoms:
        part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        try:
            p = shapely.ops.polylabel(part, tolerance=max(part.length / 400, 1.0))
        except Exception:  # polylabel refuses some invalid shapes: any point inside will do
            p = part.representative_point()
        points.append((p.x, p.y))
    return points


class MapFrame:
    """A figure of the districts that paints one day at a time.

    Parameters
    ----------
    districts, provinces
        Boundary layers with the standard columns (any CRS).
    colors
        Actor -> colour, as the page assigns them (:func:`tracker.render.html_map.actor_colors`).
    title
        Printed above the date.
    credit
        Boundary credit printed at the foot.
    width
        Picture width in pixels (PNG, GIF, MP4); vector files keep the same layout.
    """

    def __init__(self, districts: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, *,
                 colors: dict[str, str], title: str, credit: str = "",
                 width: int = 1600) -> None:
        import shapely.ops
        from matplotlib.collections import LineCollection

        self.width = check_width(width)
        self.colors = dict(colors)
        self.codes = districts[s.DISTRICT_CODE].astype(str).tolist()
        dist = districts.to_crs(WEB_MERCATOR)
        prov = provinces.to_crs(WEB_MERCATOR)
        x0, y0, x1, y1 = dist.total_bounds
        pad = 0.02 * max(x1 - x0, y1 - y0)
        x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
        map_w = FIG_WIDTH_IN * MAP_SHARE
        map_h = map_w * (y1 - y0) / (x1 - x0)
        height = HEADER_IN + map_h + FOOTER_IN
        self.dpi = self.width / FIG_WIDTH_IN
        fig = figure_module()(figsize=(FIG_WIDTH_IN, height), dpi=self.dpi, facecolor="white")
        self.fig = fig
        ax = fig.add_axes((0.005, FOOTER_IN / height, MAP_SHARE, map_h / height))
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")
        ax.set_axis_off()
        self.ax = ax
        tolerance = (x1 - x0) / (map_w * 200) * 0.5  # half a pixel at 200 dpi
        simple = shapely.simplify(np.asarray(dist.geometry.values), tolerance,
                                  preserve_topology=True)
        self.paths = [_geometry_path(g) for g in simple]
        self._static = [ax.add_collection(LineCollection(
            _segments(simple), colors=EDGE_LINE, linewidths=0.45, zorder=2))]
        p_simple = shapely.simplify(np.asarray(prov.geometry.values), tolerance,
                                    preserve_topology=True)
        self._static.append(ax.add_collection(LineCollection(
            _segments(p_simple), colors=PROVINCE_LINE, linewidths=1.1, zorder=3)))
        from matplotlib import patheffects

        halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
        for (x, y), name in zip(_label_points(prov.geometry.values), prov[s.PROVINCE_NAME],
                                strict=True):
            self._static.append(ax.text(
                x, y, str(name).upper(), fontsize=6.5, fontweight="bold", ha="center",
                va="center", color="#1b1b1b", path_effects=halo, zorder=4, clip_on=True))
        top = 1 - 0.3 / height
        self._static.append(fig.text(0.012, top, title, fontsize=17, fontweight="bold",
                                     va="top"))
        self.date_text = fig.text(0.012, top - 0.42 / height, "", fontsize=30,
                                  fontweight="bold", va="top")
        if credit:
            self._static.append(fig.text(0.012, 0.12 / height, credit_lines(credit, 200),
                                         fontsize=7, color="#55555a", va="bottom"))
        self._fills: list = []
        self._overlay: np.ndarray | None = None  # the static layers, drawn once for frames
        self._legend = None
        self._legend_y = 1 - HEADER_IN / height

    def show(self, state: pd.DataFrame, day: pd.Timestamp, counts: pd.Series) -> None:
        """Paint ``day``: the districts of ``state`` and a legend of ``counts``.

        Parameters
        ----------
        state
            district_code, controller, status, confidence of every district on ``day``
            (:func:`tracker.core.timeline.state_on`); districts missing from it are unknown.
        day
            The date printed large.
        counts
            One day's row of :func:`tracker.core.series.control_series` (actor or state ->
            number of districts), shown in the legend in its order.
        """
        from matplotlib.collections import PathCollection
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        for coll in self._fills:
            coll.remove()
        self._fills = []
        by_code = state.set_index(state[s.DISTRICT_CODE].astype(str))
        by_code = by_code[~by_code.index.duplicated()].reindex(self.codes)
        groups: dict[Fill, list[int]] = defaultdict(list)
        for i, (st, ctrl, conf) in enumerate(zip(
                by_code[s.STATUS].to_numpy(dtype=object),
                by_code[s.CONTROLLER].to_numpy(dtype=object),
                by_code[s.CONFIDENCE].to_numpy(dtype=object), strict=True)):
            groups[district_fill(st, ctrl, conf, self.colors)].append(i)
        for fill, rows in groups.items():
            coll = PathCollection([self.paths[i] for i in rows], facecolors=fill.face,
                                  edgecolors=fill.hatch_color or "none", linewidths=0,
                                  hatch=_dense(fill.hatch), zorder=1)
            self.ax.add_collection(coll, autolim=False)
            self._fills.append(coll)
        day = pd.Timestamp(day)
        self.date_text.set_text(f"{day.day} {day:%B %Y}")
        handles, labels = [], []
        for name, value in counts.items():
            fill = category_fill(str(name), self.colors)
            handles.append(Patch(facecolor=fill.face, edgecolor=fill.hatch_color or "#bbbbbb",
                                 hatch=_dense(fill.hatch), linewidth=0 if fill.hatch else 0.6))
            labels.append(f"{STATE_LABELS.get(name, name)}: {int(value):,}")
        handles += [Patch(facecolor="#ffffff", edgecolor="#666666", hatch=_dense("////"),
                          linewidth=0),
                    Line2D([], [], color=PROVINCE_LINE, linewidth=1.4)]
        labels += ["Unconfirmed report (hatched)", "Province border"]
        if self._legend is not None:
            self._legend.remove()
        self._legend = self.fig.legend(
            handles, labels, loc="upper left", bbox_to_anchor=(MAP_SHARE + 0.02, self._legend_y),
            frameon=False, fontsize=11.5, title=f"Districts on {day.day} {day:%b %Y}",
            title_fontsize=12, alignment="left", handlelength=2.2, handleheight=1.3)

    def save(self, path: str | Path) -> Path:
        """Write the figure as PNG, SVG or PDF (from the suffix); PNG at the frame's width."""
        path = Path(path)
        kind = path.suffix.lower()
        if kind not in SNAPSHOT_FORMATS:
            msg = f"snapshot file {path} must end in {', '.join(SNAPSHOT_FORMATS)}"
            raise InputError(msg)
        path.parent.mkdir(parents=True, exist_ok=True)
        save_figure(self.fig, path, dpi=self.dpi)
        return path

    def rgb(self) -> np.ndarray:
        """The painted frame as an ``(height, width, 3)`` uint8 array.

        Borders, names, title and credit do not change from frame to frame: they are drawn once
        on a transparent layer and laid over each frame, which is drawn without them (text is
        most of matplotlib's drawing time).
        """
        if self._overlay is None:
            self._overlay = self._static_layer()
        for artist in self._static:
            artist.set_visible(False)
        try:
            base = self._draw()[:, :, :3].astype(np.uint16)
        finally:
            for artist in self._static:
                artist.set_visible(True)
        top = self._overlay
        alpha = top[:, :, 3:4].astype(np.uint16)
        out = (top[:, :, :3] * alpha + base * (255 - alpha) + 127) // 255
        return out.astype(np.uint8)

    def _draw(self) -> np.ndarray:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = self.fig.canvas
        if not isinstance(canvas, FigureCanvasAgg):
            canvas = FigureCanvasAgg(self.fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()

    def _static_layer(self) -> np.ndarray:
        """RGBA of the static layers alone, on a transparent background."""
        moving = [*self._fills, self.date_text, *([self._legend] if self._legend else [])]
        for artist in moving:
            artist.set_visible(False)
        self.fig.patch.set_alpha(0.0)
        try:
            return self._draw()
        finally:
            self.fig.patch.set_alpha(1.0)
            for artist in moving:
                artist.set_visible(True)


def _dense(hatch: str | None) -> str | None:
    """A hatch about as fine as the page's 7-pixel pattern at 1600 px."""
    return None if not hatch else hatch * 2
