"""The HTML map without a browser: offline, deterministic, compact, escaped; exact topology."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xstatic.pkg.leaflet as xleaflet
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.geo.boundaries import default_boundaries
from tracker.geo.topology import topology
from tracker.render import html_map

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def bounds():
    return default_boundaries()


def intervals_for(codes: list[str], *, n_changes: int, seed: int = 1,
                  start: str = "2021-01-01", days: int = 300) -> pd.DataFrame:
    """``n_changes`` consecutive intervals spread over the districts (the last one open)."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start)
    rows = []
    for code, k in zip(codes, rng.multinomial(n_changes, np.ones(len(codes)) / len(codes)),
                       strict=True):
        cuts = np.sort(rng.choice(np.arange(days), size=k, replace=False)).tolist()
        for j, a in enumerate(cuts):
            end = t0 + pd.Timedelta(days=cuts[j + 1]) if j + 1 < len(cuts) else pd.NaT
            rows.append({s.DISTRICT_CODE: code,
                         s.CONTROLLER: ["Taliban", "Afghan government"][j % 2],
                         s.STATUS: s.CONTROLLED, s.CONFIDENCE: s.CONFIRMED,
                         s.START: t0 + pd.Timedelta(days=a), s.END: end, s.DATE_PRECISION: s.DAY,
                         s.EVENT_IDS: f"{code}-{a}", s.CLAIMS: None, s.SOURCE: "Agency",
                         s.SOURCE_URL: f"https://example.org/{code}/{a}"})
    return pd.DataFrame(rows, columns=s.INTERVAL_COLUMNS)


def html_of(bounds, intervals, events=None, **kwargs) -> str:
    m = html_map.build_map(bounds.districts, bounds.provinces, intervals, events,
                         credit=bounds.credit, use_limitation=bounds.use_limitation, **kwargs)
    return m.get_root().render()


@pytest.fixture(scope="module")
def small(bounds):
    return intervals_for(bounds.districts[s.DISTRICT_CODE].tolist(), n_changes=300)


def test_offline_page_references_nothing_on_the_network(bounds, small):
    page = html_of(bounds, small)
    assert re.search(r"<script[^>]*\bsrc\s*=", page, flags=re.IGNORECASE) is None
    link = r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//"
    assert re.search(link, page, flags=re.IGNORECASE) is None
    assert re.search(r"@import|url\(\s*[\"']?(https?:)?//", page, flags=re.IGNORECASE) is None
    for cdn in ("cdn.jsdelivr", "code.jquery", "bootstrapcdn", "cdnjs", "bootstrap.min"):
        assert cdn not in page
    leaflet = (Path(xleaflet.BASE_DIR) / "leaflet.js").read_text(encoding="utf-8")
    middle = len(leaflet) // 2
    assert leaflet[middle:middle + 400] in page  # Leaflet's own code is inlined, not linked
    assert "TrackerMapApp" in page
    assert "strictly for humanitarian purposes" in page


def test_online_page_links_leaflet_instead(bounds, small):
    page = html_of(bounds, small, offline=False)
    assert re.search(r'<script src="https://[^"]+/leaflet\.js"', page)
    assert len(page) < len(html_of(bounds, small)) - 100_000


def test_same_inputs_same_bytes(bounds, small, tmp_path):
    events = pd.DataFrame({s.EVENT_ID: small[s.EVENT_IDS], s.DATE: small[s.START],
                           s.DISTRICT_CODE: small[s.DISTRICT_CODE],
                           s.CONTROLLER: small[s.CONTROLLER],
                           s.STATUS: small[s.STATUS], s.CONFIDENCE: small[s.CONFIDENCE],
                           s.SOURCE: "Agency", s.NOTES: "note"})
    paths = []
    for k in range(2):
        m = html_map.build_map(bounds.districts, bounds.provinces, small, events, tiles=True,
                             diff=("2021-02-01", "2021-06-01"), title="Same")
        paths.append(html_map.save_map(m, tmp_path / f"m{k}.html"))
    first, second = (p.read_bytes() for p in paths)
    assert first == second


def test_size_grows_with_changes_not_with_span(bounds, small):
    one_year = html_of(bounds, small, start="2021-01-01", end="2021-12-31")
    five_years = html_of(bounds, small, start="2021-01-01", end="2025-12-31")
    assert abs(len(five_years) - len(one_year)) < 50
    by_month = html_of(bounds, small, start="2021-01-01", end="2025-12-31", step="month")
    assert abs(len(by_month) - len(one_year)) < 50
    more = intervals_for(bounds.districts[s.DISTRICT_CODE].tolist(), n_changes=3000)
    grown = len(html_of(bounds, more)) - len(one_year)
    assert 2700 * 15 < grown < 2700 * 120  # tens of bytes per added change


def test_whole_map_is_at_most_half_the_district_geojson(bounds, small):
    geojson = len(bounds.districts.to_json().encode("utf-8"))
    page = len(html_of(bounds, small).encode("utf-8"))
    assert page <= geojson / 2


def test_data_from_outside_is_escaped(bounds):
    districts = bounds.districts.copy()
    districts.loc[0, s.DISTRICT_NAME] = PAYLOAD
    code = districts[s.DISTRICT_CODE].iloc[0]
    intervals = pd.DataFrame([{
        s.DISTRICT_CODE: code, s.CONTROLLER: PAYLOAD, s.STATUS: s.CONTROLLED,
        s.CONFIDENCE: s.CONFIRMED, s.START: pd.Timestamp("2021-01-01"), s.END: pd.NaT,
        s.DATE_PRECISION: s.DAY, s.EVENT_IDS: "e1", s.CLAIMS: PAYLOAD, s.SOURCE: PAYLOAD,
        s.SOURCE_URL: "javascript:alert(3)"}], columns=s.INTERVAL_COLUMNS)
    events = pd.DataFrame([{s.EVENT_ID: "e1", s.DATE: "2021-01-01", s.DISTRICT_CODE: code,
                            s.CONTROLLER: PAYLOAD, s.STATUS: s.CONTROLLED,
                            s.CONFIDENCE: s.CONFIRMED, s.SOURCE: PAYLOAD, s.NOTES: PAYLOAD}])
    m = html_map.build_map(districts, bounds.provinces, intervals, events, title=PAYLOAD,
                         credit=PAYLOAD, use_limitation=PAYLOAD)
    page = m.get_root().render()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page  # kept, as escaped JSON
    assert "<title>&lt;script&gt;alert(1)" in page


def test_template_syntax_in_data_is_not_evaluated(bounds, small):
    districts = bounds.districts.copy()
    districts.loc[0, s.DISTRICT_NAME] = "{{ 7 * 7 }} {% if 1 %}x{% endif %}"
    m = html_map.build_map(districts, bounds.provinces, small, None)
    assert "{{ 7 * 7 }} {% if 1 %}x{% endif %}" in m.get_root().render()


@settings(max_examples=30, deadline=None)
@given(st.recursive(st.text() | st.integers() | st.none(),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=12))
def test_safe_json_round_trips_and_cannot_close_a_script(value):
    text = html_map.safe_json(value)
    assert json.loads(text) == value
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}


def _decode(arc: str) -> list[tuple[int, int]]:
    """Polyline decoding written separately from the page's script."""
    values, shift, acc = [], 0, 0
    for ch in arc:
        b = ord(ch) - 63
        acc |= (b & 0x1F) << shift
        shift += 5
        if b < 0x20:
            values.append(~(acc >> 1) if acc & 1 else acc >> 1)
            shift, acc = 0, 0
    pts = np.cumsum(np.array(values, dtype=np.int64).reshape(-1, 2), axis=0)
    return [tuple(p) for p in pts.tolist()]


def test_topology_rebuilds_every_ring_and_stores_shared_borders_once(bounds):
    layers = [bounds.districts.geometry.values, bounds.provinces.geometry.values]
    arcs, objects = topology(layers)
    decoded = [_decode(a) for a in arcs]
    n_ring_points = 0
    for geoms, layer in zip(layers, objects, strict=True):
        for geom, polys in zip(geoms, layer, strict=True):
            parts = [geom] if geom.geom_type == "Polygon" else list(geom.geoms)
            for poly, rings in zip(parts, polys, strict=True):
                for ring, arc_ids in zip([poly.exterior, *poly.interiors], rings, strict=True):
                    want = [tuple(p) for p in np.round(np.asarray(ring.coords) * 1e5)
                            .astype(np.int64).tolist()][:-1]
                    want = [p for k, p in enumerate(want) if k == 0 or p != want[k - 1]]
                    got: list[tuple[int, int]] = []
                    for a in arc_ids:
                        seq = decoded[a] if a >= 0 else decoded[~a][::-1]
                        got.extend(seq if not got else seq[1:])
                    got = got[:-1]
                    k = got.index(want[0])
                    assert got[k:] + got[:k] == want
                    n_ring_points += len(want)
    stored = sum(len(d) for d in decoded)
    assert stored < 0.6 * n_ring_points  # shared borders once, provinces almost free


def test_actor_colours(bounds):
    colors = html_map.actor_palette(["Taliban", "Afghan government", "Resistance", "Zeta", "Alpha"])
    assert colors["Taliban"] == "#474747"
    assert colors["Resistance"] == "#e8871e"
    assert len(set(colors.values())) == 5
    assert colors == html_map.actor_palette(["Taliban", "Afghan government", "Resistance", "Zeta",
                                           "Alpha"])
    many = html_map.actor_palette([f"Group {k}" for k in range(30)])
    assert len(set(many.values())) == 30
    assert html_map.actor_palette(["Taliban"], {"Taliban": "#ffffff"}) == {"Taliban": "#ffffff"}
    with pytest.raises(InputError, match="actor_colors"):
        html_map.actor_palette(["Taliban"], {"Taliban": "red;background:url(x)"})


def test_bad_arguments_say_what_to_do(bounds, small):
    with pytest.raises(InputError, match="step='year'"):
        html_map.build_map(bounds.districts, bounds.provinces, small, None, step="year")
    with pytest.raises(InputError, match="lack column"):
        html_map.build_map(bounds.districts, bounds.provinces, small.drop(columns=s.END), None)
    with pytest.raises(InputError, match="before start"):
        html_map.build_map(bounds.districts, bounds.provinces, small, None, start="2022-01-01",
                         end="2021-01-01")
    with pytest.raises(InputError, match="start= and end="):
        html_map.build_map(bounds.districts, bounds.provinces, small.iloc[:0], None)


def test_default_span_covers_every_change(bounds, small):
    m = html_map.build_map(bounds.districts, bounds.provinces, small, None, step="month")
    found = re.search(r'id="tracker-data">(.*?)</script>', m.get_root().render())
    data = json.loads(found.group(1))
    first, last = small[s.START].min(), pd.concat([small[s.START], small[s.END]]).max()
    epoch = pd.Timestamp("1970-01-01")
    assert data["t"]["start"] == (first.replace(day=1) - epoch).days
    assert data["t"]["end"] > (last - epoch).days
    assert data["t"]["step"] == "month"


def test_one_end_given_outside_the_changes_moves_the_default_other_end(bounds, small):
    """--start after every change (or --end before them) is not an error: the slider is one day."""
    epoch = pd.Timestamp("1970-01-01")
    for kwargs, day in (({"start": "2030-01-01"}, "2030-01-01"), ({"end": "2000-01-01"}, "2000-01-01")):
        m = html_map.build_map(bounds.districts, bounds.provinces, small, None, **kwargs)
        found = re.search(r'id="tracker-data">(.*?)</script>', m.get_root().render())
        t = json.loads(found.group(1))["t"]
        assert t["start"] == t["end"] == (pd.Timestamp(day) - epoch).days


def payload_of(page: str) -> dict:
    return json.loads(re.search(r'id="tracker-data">(.*?)</script>', page).group(1))


def test_the_payload_carries_the_python_rules(bounds, small):
    """The page decodes statuses, confidences and precisions, splits actors, classifies changes
    and rolls up by the tables Python puts in the payload (tracker_map.js holds none of them)."""
    from tracker.core import timeline

    codes = payload_of(html_of(bounds, small))["codes"]
    assert codes["status"] == list(s.STATUS_ORDER)
    assert codes["confidence"] == list(s.CONFIDENCES)
    assert codes["precision"] == list(s.PRECISIONS)
    assert codes["sep"] == s.ACTOR_SEP
    assert codes["change"] == list(timeline.CHANGE_KINDS)
    assert codes["status"][codes["unknownStatus"]] == s.UNKNOWN
    scripts = "".join((resources.files("tracker.render") / "assets" / name).read_text("utf-8")
                      for name in ("tracker_model.js", "tracker_map.js", "tracker_chart.js"))
    for table in (s.STATUS_ORDER, s.CONFIDENCES, s.PRECISIONS):  # no copy of a code table
        assert ", ".join(f'"{v}"' for v in table) not in scripts, table
    table = codes["changeTable"]
    for a, old in enumerate(s.STATUS_ORDER):
        for b, new in enumerate(s.STATUS_ORDER):
            for other, ctrl in enumerate(("A", "B")):
                kind = timeline.change_kinds(["A"], [old], [ctrl], [new])[0]
                want = -1 if kind is None else timeline.CHANGE_KINDS.index(kind)
                assert table[a][b][other] == want, (old, new, ctrl)


def test_every_history_row_carries_its_python_category(bounds):
    from tracker.core import spatial

    codes = bounds.districts[s.DISTRICT_CODE].tolist()[:3]
    rows = []
    for k, (status, ctrl) in enumerate([(s.CONTROLLED, "Taliban"), (s.INFLUENCED, "Taliban"),
                                        (s.CONTESTED, "Afghan government;Taliban")]):
        rows.append({s.DISTRICT_CODE: codes[k], s.CONTROLLER: ctrl, s.STATUS: status,
                     s.CONFIDENCE: s.REPORTED, s.START: pd.Timestamp("2021-05-01"),
                     s.END: pd.NaT, s.DATE_PRECISION: s.DAY, s.EVENT_IDS: f"e{k}",
                     s.CLAIMS: None, s.SOURCE: None, s.SOURCE_URL: None})
    iv = pd.DataFrame(rows, columns=s.INTERVAL_COLUMNS)
    data = payload_of(html_of(bounds, iv))
    strings = data["strings"]
    keys = [strings[c[0]] for c in data["categories"]]
    want = spatial.categories(iv[s.STATUS], iv[s.CONTROLLER]).tolist()
    for k, code in enumerate(codes):
        hist = data["districts"]["hist"][data["districts"]["code"].index(code)]
        assert keys[hist[html_map.HIST_STRIDE - 1]] == want[k]
    assert keys[data["codes"]["unknownCategory"]] == s.UNKNOWN
    assert "Taliban (influenced)" in keys and "Taliban" in keys
