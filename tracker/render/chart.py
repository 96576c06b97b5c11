"""Control over time as a stacked area chart (PNG or SVG), in the map's colours.

The series come from :func:`tracker.core.series.control_series`; this module only draws them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from tracker._errors import InputError
from tracker.render.styles import STATE_LABELS, category_fill

CHART_FORMATS = (".png", ".svg")
UNITS = {"districts": "Districts", "area": "Area (km²)", "population": "People"}
WIDTH_IN, HEIGHT_IN, DPI = 12.0, 6.0, 150  # 1800 x 900 px PNG


def figure_module():
    """matplotlib's ``Figure`` on the Agg canvas (no GUI, no global pyplot state)."""
    from matplotlib.figure import Figure

    return Figure


def credit_lines(credit: str, width: int = 190) -> str:
    """The boundary credit wrapped to lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(" ".join(credit.split()), width)) if credit else ""


def draw_chart(series: pd.DataFrame, path: str | Path, *, colors: dict[str, str], title: str,
               by: str = "districts", credit: str = "") -> Path:
    """Write the series as a stacked area chart.

    Parameters
    ----------
    series
        Output of :func:`tracker.core.series.control_series` (index of dates, one column per
        actor or state).
    path
        ``.png`` or ``.svg`` file.
    colors
        Actor -> colour (:func:`tracker.render.html_map.actor_palette`).
    title
        Chart title (the date range is added below it).
    by
        What the values count: ``districts``, ``area`` or ``population`` (the y axis label).
    credit
        Boundary credit printed under the chart.
    """
    path = Path(path)
    if path.suffix.lower() not in CHART_FORMATS:
        msg = f"chart file {path} must end in {' or '.join(CHART_FORMATS)} (or .csv for the table)"
        raise InputError(msg)
    if series.empty:
        msg = "no dates to chart; give an end on or after the start"
        raise InputError(msg)
    fig = figure_module()(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    ax = fig.add_axes((0.07, 0.2, 0.68, 0.68))
    dates = pd.DatetimeIndex(series.index)
    # each value holds until the next date (a step), the last one for one more step
    period = dates[-1] - dates[-2] if len(dates) > 1 else pd.Timedelta(days=1)
    x = dates.append(pd.DatetimeIndex([dates[-1] + period])).to_pydatetime()
    shown = [c for c in series.columns if (series[c] != 0).any()] or list(series.columns)
    values = [np.append(series[c].to_numpy(dtype=float), series[c].iloc[-1]) for c in shown]
    bands = ax.stackplot(x, *values, step="post", linewidth=0)
    for band, name in zip(bands, shown, strict=True):
        fill = category_fill(name, colors)
        band.set_facecolor(fill.face)
        if fill.hatch:
            band.set_hatch(fill.hatch)
            band.set_edgecolor(fill.hatch_color)
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(0, max(float(series.sum(axis=1).max()), 1.0))
    ax.set_ylabel(UNITS.get(by, by))
    ax.set_xlabel("Date")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.autofmt_xdate(rotation=0, ha="center")
    first, last = dates[0], dates[-1]
    fig.text(0.07, 0.95, title, fontsize=15, fontweight="bold", va="bottom")
    fig.text(0.07, 0.92, f"{UNITS.get(by, by)} by controller, {first:%d %b %Y} – {last:%d %b %Y}",
             fontsize=10, color="#55555a", va="bottom")
    labels = [f"{STATE_LABELS.get(c, c)}: {series[c].iloc[-1]:,.0f}" for c in shown]
    handles = [_key(band) for band in bands]
    fig.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(0.77, 0.88),
               frameon=False, fontsize=10, title=f"On {last:%d %b %Y}", title_fontsize=10,
               alignment="left")
    if credit:
        fig.text(0.07, 0.015, credit_lines(credit), fontsize=6.5, color="#55555a", va="bottom")
    path.parent.mkdir(parents=True, exist_ok=True)
    save_figure(fig, path, dpi=DPI)
    return path


def save_figure(fig, path: Path, *, dpi: float) -> None:
    """Save ``fig`` in the format of the suffix; SVG text stays text (searchable, small)."""
    from matplotlib import rc_context

    with rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
        fig.savefig(path, format=path.suffix.lower()[1:], dpi=dpi, facecolor="white")


def _key(band):
    """The legend's swatch of a band: its fill and hatch, outlined in grey when it is pale."""
    from matplotlib.patches import Patch

    face = band.get_facecolor()[0]
    hatch = band.get_hatch()
    pale = not hatch and min(face[:3]) > 0.9
    edges = band.get_edgecolor()
    edge = "#aaaaaa" if pale else (edges[0] if len(edges) else "none")
    return Patch(facecolor=face, hatch=hatch, edgecolor=edge, linewidth=0.6 if pale else 0)
