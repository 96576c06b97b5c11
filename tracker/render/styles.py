"""Fills of district states, shared by the page's chart panel and the matplotlib pictures.

Actor colours are those of :func:`tracker.render.html_map.actor_palette`; the state fills below
are those the page's script draws, so a chart, a still and the page agree. A :class:`Fill` is a
face colour with an optional hatch drawn in a second colour, already blended with white where
the page uses transparency.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tracker.core import schema as s

# Fills of the states that no actor's colour shows (tracker_map.js draws the same): districts
# with no information; contested (hatched in a neutral tone) and disputed (cross-hatched) as
# (background, hatch); an unconfirmed report is hatched in its actor's colour over the colour mixed
# UNCONFIRMED_MIX of the way from white; fill opacity of controlled and influenced districts.
UNKNOWN_FILL = "#fdfdfb"
CONTESTED_FILL = ("#f4efe3", "#9a8a66")
DISPUTED_FILL = ("#f3eef7", "#7b5ea7")
UNCONFIRMED_MIX = 0.25
HELD_OPACITY = {s.CONTROLLED: 0.88, s.INFLUENCED: 0.42}
HATCH = "////"
CROSS_HATCH = "xxxx"
PROVINCE_LINE = "#2b2b2b"
EDGE_LINE = "#ffffff"


@dataclass(frozen=True)
class Fill:
    """How one district (or one band of a chart) is painted."""

    face: str
    hatch: str | None = None
    hatch_color: str | None = None


def mix(color: str, share: float) -> str:
    """``color`` towards white: ``share`` 1 keeps the colour, 0 gives white (as the page's mix)."""
    h = color.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    rgb = [int(h[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(255 - (255 - v) * share):02x}" for v in rgb)


STATE_FILLS = {
    s.CONTESTED: Fill(CONTESTED_FILL[0], HATCH, CONTESTED_FILL[1]),
    s.DISPUTED: Fill(DISPUTED_FILL[0], CROSS_HATCH, DISPUTED_FILL[1]),
    s.UNKNOWN: Fill(UNKNOWN_FILL),
}
STATE_LABELS = {s.CONTESTED: "Contested", s.DISPUTED: "Disputed (reports disagree)",
                s.UNKNOWN: "No information"}


def category_fill(category: str, colors: dict[str, str]) -> Fill:
    """The fill of a chart band: an actor's colour (lighter for ``"<actor> (influenced)"``, as
    on the map), or a state's fill."""
    if category in STATE_FILLS:
        return STATE_FILLS[category]
    influenced = f" ({s.INFLUENCED})"
    if category.endswith(influenced) and category[:-len(influenced)] in colors:
        return Fill(mix(colors[category[:-len(influenced)]], HELD_OPACITY[s.INFLUENCED]))
    return Fill(colors.get(category, UNKNOWN_FILL))


def district_fill(status: object, controller: object, confidence: object,
                  colors: dict[str, str]) -> Fill:
    """The fill of a district in a state, as the page draws it.

    Held by an actor: its colour (lighter when ``influenced``), hatched in that colour over a
    pale tint when the report is ``unconfirmed``; contested and disputed: their hatches; anything
    else (no information, an actor without a colour): the no-information fill.
    """
    if status in (s.CONTESTED, s.DISPUTED):
        return STATE_FILLS[status]
    if status not in HELD_OPACITY or pd.isna(controller) or controller not in colors:
        return STATE_FILLS[s.UNKNOWN]
    color = colors[controller]
    if confidence == s.UNCONFIRMED:
        return Fill(mix(color, UNCONFIRMED_MIX), HATCH, color)
    return Fill(mix(color, HELD_OPACITY[status]))
