"""The automatic actor palette stays distinguishable for colour-blind readers: every two actor
colours, and each actor colour and the state fills, differ by at least MIN_DE (CIEDE2000) for
normal vision and under simulated deuteranopia and protanopia (Machado et al. 2009, as in
colorspacious)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert

from tracker.render import html_map

MIN_DE = 12.0
VISIONS = ("normal", "deuteranomaly", "protanomaly")


def ciede2000(lab1, lab2) -> np.ndarray:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), written from the paper."""
    l1, a1, b1 = np.moveaxis(np.asarray(lab1, float), -1, 0)
    l2, a2, b2 = np.moveaxis(np.asarray(lab2, float), -1, 0)
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0, dh)
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, c_barp = (l1 + l2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_bar = np.where(np.abs(h1p - h2p) > 180,
                     np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2), h_sum / 2)
    h_bar = np.where(c1p * c2p == 0, h_sum, h_bar)
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(c_barp**7 / (c_barp**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_barp, 1 + 0.015 * c_barp * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2
                   + r_t * (d_c / s_c) * (d_h / s_h))


@pytest.mark.parametrize(("lab1", "lab2", "want"), [  # Sharma et al., table 1
    ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
    ((50, -1.3802, -84.2814), (50, 0, -82.7485), 1.0000),
    ((50, 2.5, 0), (73, 25, -18), 27.1492),
    ((50, 2.5, 0), (50, 0, -2.5), 4.3065),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
    ((90.8027, -2.0831, 1.441), (91.1528, -1.6435, 0.0447), 1.4441)])
def test_ciede2000_matches_the_published_pairs(lab1, lab2, want):
    assert abs(float(ciede2000(lab1, lab2)) - want) < 1e-4


def lab(hexes: list[str], vision: str) -> np.ndarray:
    rgb = np.array([[int(h[k:k + 2], 16) for k in (1, 3, 5)] for h in hexes], float) / 255
    if vision != "normal":
        rgb = np.clip(cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": vision,
                                           "severity": 100}, "sRGB1"), 0, 1)
    return cspace_convert(rgb, "sRGB1", "CIELab")


def state_fills() -> list[str]:
    """The state fills as a reader sees them once the hatching blurs: the stripes' average."""
    out = []
    for name, (fg, bg) in html_map.STATE_FILLS.items():
        share = {"contested": 3 / 7, "disputed": 0.5}.get(name, 1.0)  # ink of the 7 px pattern
        f, b = (np.array([int(c[k:k + 2], 16) for k in (1, 3, 5)]) for c in (fg, bg))
        mixed = np.round(f * share + b * (1 - share)).astype(int)
        out.append("#" + "".join(f"{v:02x}" for v in mixed))
    return out


MYANMAR = ["Tatmadaw", "Arakan Army", "Kachin Independence Army", "Karen National Union",
           "Ta'ang National Liberation Army", "Myanmar National Democratic Alliance Army",
           "People's Defence Force", "Chin National Front", "Karenni Army", "United Wa State Army"]


@pytest.mark.parametrize("actors", [
    MYANMAR,
    [f"Group {k}" for k in range(html_map.SAFE_ACTORS)],
    ["Taliban", "Afghan government", "Resistance", "Islamic State", *MYANMAR[:8]]])
@pytest.mark.parametrize("vision", VISIONS)
def test_every_two_actor_colours_and_the_state_fills_stay_apart(actors, vision):
    colors = list(html_map.actor_palette(actors).values())
    assert len(set(colors)) == len(actors)
    points = lab(colors, vision)
    worst = min((float(ciede2000(points[i], points[j])), colors[i], colors[j])
                for i, j in itertools.combinations(range(len(colors)), 2))
    assert worst[0] >= MIN_DE, worst
    states = lab(state_fills(), vision)
    worst = min((float(ciede2000(p, q)), c) for p, c in zip(points, colors, strict=True)
                for q in states)
    assert worst[0] >= MIN_DE, worst


def test_the_old_palette_failed_this_check():
    """The check can fail: ten actors of the old palette came within 1.3 under deuteranopia."""
    old = ["#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7",
           "#4e79a7", "#f28e2b", "#1b9e77"]
    points = lab(old, "deuteranomaly")
    worst = min(float(ciede2000(points[i], points[j]))
                for i, j in itertools.combinations(range(len(old)), 2))
    assert worst < 5
