"""Time-sliced HTML map of district control: one self-contained, offline, deterministic page.

Each district's geometry is stored once, in a small topology (borders shared by two districts,
or by a district and a province, are stored once; coordinates delta- and polyline-encoded). Each
district's control history is a compact list of intervals. A script of our own
(``assets/tracker_map.js``) finds on every slider move the interval holding that date (binary
search) and restyles the district, so the file grows with the number of changes, not with the
span of the slider.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from branca.element import Element, MacroElement

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.core import spatial, timeline
from tracker.core.series import STATE_CATEGORIES, actors_in_order
from tracker.geo.topology import COORD_SCALE, topology
from tracker.render import styles
from tracker.render.points import DEFAULT_WINDOW, POINTS_ID, points_payload
from tracker.render.styles import STATE_LABELS, category_fill

EPOCH = pd.Timestamp("1970-01-01")
STATUS_ORDER = s.STATUS_ORDER  # sent to the page as payload["codes"]["status"]
UNKNOWN_AT = STATUS_ORDER.index(s.UNKNOWN)  # code of a status the page does not know
HIST_STRIDE = 10  # values per history row in the payload (see _payload)
REPORTED_AT = s.CONFIDENCES.index(s.REPORTED)  # code of a missing confidence
DEFAULT_TITLE = "District control"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
DATA_ID = "tracker-data"  # id of the <script type="application/json"> holding the map data
CHART_ID = "tracker-chart"  # id of the JSON of the chart panel's styles (tracker_chart.js)
REPORT_MODES = ("auto", "all", "none")  # which reports a page lists (Tracker.map(reports=...))
MAX_REPORTS = 200_000  # "auto" lists every report up to this many stored events
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
LEAFLET_CDN = "https://cdn.jsdelivr.net/npm/leaflet@{version}/dist/leaflet.{ext}"

# Sensible defaults for well-known actors (matched on the name, case-insensitive); any other actor
# takes the next free colour of PALETTE in order of first appearance. PALETTE holds 12 colours
# chosen so that every two of them, and each of them and the state fills (contested, disputed,
# no information), differ by at least 12 CIEDE2000 units for normal vision and under simulated
# deuteranopia and protanopia (tests/test_palette.py); the named colours are among them.
NAMED_COLORS: tuple[tuple[str, str], ...] = (
    (r"taliban|islamic emirate", "#474747"),
    (r"government|republic|andsf|ansf|giroa|national army|security forces", "#2d6cb5"),
    (r"resistance|\bnrf\b|northern alliance", "#e8871e"),
    (r"islamic state|\bisis\b|\bisil\b|iskp|is-k|daesh", "#ff3377"),
)
PALETTE = ("#474747", "#2d6cb5", "#e8871e", "#885511", "#668877", "#eedd88", "#7788ff",
           "#334466", "#ff3377", "#4400cc", "#009999", "#444422")
SAFE_ACTORS = len(PALETTE)  # beyond this many actors, colours are no longer checked
# State fills the page draws (tracker_map.js reads them from the payload), the same as the
# pictures' (tracker.render.styles): (hatch colour, background) of contested and disputed
# districts, and the fill of "no information".
STATE_FILLS = {state: (fill.hatch_color or fill.face, fill.face)
               for state, fill in styles.STATE_FILLS.items()}
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_ASSETS = "assets"


# --- folium glue
class _Raw(Element):
    """Verbatim text in the page (inlined scripts and styles), never run through a template."""

    def __init__(self, text: str, *, name: str) -> None:
        super().__init__()
        self._name = "Raw"
        self._id = name
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _TrackerLayer(MacroElement):
    """The data and the call that builds the time slider, legend, layers and popups.

    Rendered verbatim into the page's script: branca would run a macro's output through Jinja
    again, and data from outside must never be read as a template.
    """

    def __init__(self, payload: str, points: str | None = None,
                 chart: str | None = None) -> None:
        super().__init__()
        self._name = "TrackerLayer"
        self._id = "data"
        self.payload = payload
        self.points = points
        self.chart = chart

    def render(self, **kwargs: Any) -> None:
        root = self.get_root()
        # after folium's viewport tag (the last one counts): pinch-zoom stays allowed
        root.header.add_child(_Raw(VIEWPORT, name="viewport"), name="viewport")
        data = f'<script type="application/json" id="{DATA_ID}">{self.payload}</script>'
        root.html.add_child(_Raw(data, name="tracker_data"), name="tracker_data")
        call = f'TrackerMapApp.create({self._parent.get_name()}, "{DATA_ID}")'
        if self.points is not None:
            data = f'<script type="application/json" id="{POINTS_ID}">{self.points}</script>'
            root.html.add_child(_Raw(data, name="tracker_points"), name="tracker_points")
            call = f'TrackerPoints.attach({call}, "{POINTS_ID}")'
        if self.chart is not None:
            data = f'<script type="application/json" id="{CHART_ID}">{self.chart}</script>'
            root.html.add_child(_Raw(data, name="tracker_chart"), name="tracker_chart")
            call = f'TrackerChart.attach({call}, "{CHART_ID}")'
        call = f"window.trackerMap = {call};"
        root.script.add_child(_Raw(call, name="tracker_call"), name=self.get_name())


class TrackerMap(folium.Map):
    """A ``folium.Map`` without folium's CDN assets (Leaflet is inlined by :func:`build_map`);
    ``reports_left_out``: how many reports its popups do not list."""

    reports_left_out = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_js: list[tuple[str, str]] = []
        self.default_css: list[tuple[str, str]] = []
        self._id = "tracker"


# --- public API -----------------------------------------------------------------------------------
def build_map(
    districts: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    intervals: pd.DataFrame,
    events: pd.DataFrame | None,
    *,
    start: str | date | pd.Timestamp | None = None,
    end: str | date | pd.Timestamp | None = None,
    step: str = s.DAY,
    title: str = DEFAULT_TITLE,
    credit: str = "",
    use_limitation: str = "",
    offline: bool = True,
    tiles: bool = False,
    diff: tuple[Any, Any] | None = None,
    actor_colors: dict[str, str] | None = None,
    points: pd.DataFrame | None = None,
    points_window: int = DEFAULT_WINDOW,
    spellings: dict[str, list[str]] | None = None,
    reports_left_out: int = 0,
    known_on: pd.Timestamp | None = None,
) -> TrackerMap:
    """Build the time-sliced control map.

    Parameters
    ----------
    districts, provinces
        Boundary layers with the standard columns of :mod:`tracker.core.schema` (any CRS).
    intervals
        Control intervals (``schema.INTERVAL_COLUMNS``; ``end`` exclusive, NaT when open).
    events
        Events (``schema.EVENT_COLUMNS``) listed in each district's popup; ``None`` for none.
    start, end
        Slider span; default: the first change to a little after the last one.
    step
        ``"day"``, ``"week"`` or ``"month"`` (``schema.TIME_STEPS``).
    title, credit, use_limitation
        Text shown on the map (escaped).
    offline
        Inline Leaflet (one file that opens with no network); ``False`` links Leaflet's CDN.
    tiles
        Add an OpenStreetMap tile layer, switched off until the reader turns it on.
    diff
        Two dates the changes panel compares when the page opens (the reader picks others, or
        the changes of the day shown); ``None``: the changes of the day shown.
    actor_colors
        Actor name -> ``#rrggbb`` colour, overriding the defaults.
    points
        ACLED point events (:meth:`tracker.api.Tracker.point_events`): a switchable layer "ACLED
        events" showing at each slider date D the events dated D - points_window + 1 .. D (see
        :mod:`tracker.render.points`); ``None`` for none. More than
        ``render_points.MAX_POINTS`` in the span is an :class:`InputError`.
    points_window
        Days of events shown at each slider date.
    spellings
        District code -> names the page's search box finds it by (its name is always one); see
        :meth:`tracker.names.gazetteer.Gazetteer.district_spellings`.
    reports_left_out
        How many reports the page leaves out (``events`` is ``None`` on purpose): the popups say
        so, list the control periods with their sources and give no "last report" age.
    known_on
        The knowledge day the intervals and events are as known on (``None``: now): the page
        says so under its title, and the default slider span stops there (nothing later was
        known then), or at the last change when it comes later.

    Returns
    -------
    TrackerMap
        A ``folium.Map``; add layers to it, then :func:`save_map` it or call ``.save()``.
    """
    if step not in s.TIME_STEPS:
        msg = f"step={step!r} is not one of {sorted(s.TIME_STEPS)}"
        raise InputError(msg)
    districts = _standard_layer(districts, s.DISTRICT_CODE, "districts")
    provinces = _standard_layer(provinces, s.PROVINCE_CODE, "provinces")
    intervals = _standard_intervals(intervals)
    t0, t1 = _time_span(intervals, start, end, step, until=known_on)
    diff_days = None
    if diff is not None:
        diff_days = [_day(s.as_day(d, name=f"diff[{i}]")) for i, d in enumerate(diff)]
    points_json = None
    if points is not None:
        points_json = safe_json(points_payload(points, start=t0, end=t1, window=points_window))
    colors = actor_palette(actors_in_order(intervals), actor_colors)
    payload = _payload(districts, provinces, intervals, events, colors, spellings or {})
    chart_json = safe_json(chart_styles(colors))
    payload.update(
        t={"start": _day(t0), "end": _day(t1), "step": step},
        diff=diff_days,
        reports={"leftOut": int(reports_left_out)},
        meta={"title": title, "credit": credit, "limitation": use_limitation,
              "tiles": OSM_TILES if tiles else None,
              "knownOn": None if known_on is None else _day(s.as_day(known_on, name="known_on"))},
    )
    minx, miny, maxx, maxy = districts.total_bounds
    m = TrackerMap(location=[round((miny + maxy) / 2, 5), round((minx + maxx) / 2, 5)],
                   zoom_start=6, tiles=None, zoom_control=False, zoom_snap=0.25,
                   control_scale=False, keyboard=False)  # the page's own keys step the date
    root = m.get_root()
    root.title = html.escape(title)
    for name, text in _page_assets(offline=offline, points=points_json is not None):
        root.header.add_child(_Raw(text, name=name), name=name)
    m.add_child(_TrackerLayer(safe_json(payload), points_json, chart_json), name="tracker_data")
    m.reports_left_out = int(reports_left_out)
    return m


def save_map(m: folium.Map, path: str | Path) -> Path:
    """Write ``m`` as one HTML file (UTF-8, same bytes for the same inputs) and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(m.get_root().render().encode("utf-8"))
    return path


def safe_json(obj: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: ``< > &`` and U+2028/9 escaped."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                     ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text


def actor_palette(actors: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Colour of each actor: ``overrides``, else a default for known names, else the palette."""
    overrides = dict(overrides or {})
    for name, color in overrides.items():
        if not isinstance(color, str) or not _HEX.match(color):
            msg = f"actor_colors[{name!r}]={color!r} is not a colour; give '#rrggbb'"
            raise InputError(msg)
    colors: dict[str, str] = {}
    for actor in actors:
        if actor in overrides:
            colors[actor] = overrides[actor]
            continue
        for pattern, color in NAMED_COLORS:
            if re.search(pattern, actor, flags=re.IGNORECASE) and color not in colors.values():
                colors[actor] = color
                break
    free = [c for c in PALETTE if c not in colors.values()]
    for i, actor in enumerate(a for a in actors if a not in colors):
        colors[actor] = free[i] if i < len(free) else _golden_color(i)
    return {a: colors[a] for a in actors}


def chart_styles(colors: dict[str, str]) -> dict[str, Any]:
    """The chart panel's labels and fills: ``{"styles": {category: [label, colour, hatch colour
    or ""]}}`` for every category the page's model may count (each actor of ``colors`` held and
    influenced, then contested, disputed, unknown). The counts themselves are the model's
    (``trackerMap.series()``), the numbers of ``tracker chart``."""
    names = [c for a in colors for c in (a, f"{a} ({s.INFLUENCED})")]
    styles = {}
    for name in [*names, *STATE_CATEGORIES]:
        fill = category_fill(name, colors)
        styles[name] = [STATE_LABELS.get(name, name), fill.face, fill.hatch_color or ""]
    return {"styles": styles}


def actor_colors(intervals: pd.DataFrame, overrides: dict[str, str] | None = None
                 ) -> dict[str, str]:
    """Colour of every actor of ``intervals``, exactly as the page assigns them."""
    return actor_palette(actors_in_order(intervals), overrides)


# --- inputs
def _standard_layer(gdf: gpd.GeoDataFrame, code: str, what: str) -> gpd.GeoDataFrame:
    names = {s.DISTRICT_CODE: (s.DISTRICT_NAME, s.PROVINCE_CODE),
             s.PROVINCE_CODE: (s.PROVINCE_NAME,)}
    need = [code, *names[code], "geometry"]
    missing = [c for c in need if c not in gdf.columns]
    if missing:
        msg = (f"{what} lacks column(s) {', '.join(missing)}; "
               f"load boundaries with tracker.geo.boundaries")
        raise InputError(msg)
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    return gdf.sort_values(code).reset_index(drop=True)


def _standard_intervals(intervals: pd.DataFrame) -> pd.DataFrame:
    need = [s.DISTRICT_CODE, s.CONTROLLER, s.STATUS, s.CONFIDENCE, s.START, s.END]
    missing = [c for c in need if c not in intervals.columns]
    if missing:
        msg = (f"intervals lack column(s) {', '.join(missing)}; "
               f"build them with tracker.core.timeline.control_intervals")
        raise InputError(msg)
    out = intervals.copy()
    for col in s.INTERVAL_COLUMNS:
        if col not in out.columns:
            out[col] = None
    for col in (s.START, s.END):
        out[col] = pd.to_datetime(out[col]).dt.normalize()
    if out[s.START].isna().any():
        msg = "intervals have a missing start; every interval needs a start date"
        raise InputError(msg)
    # equal texts as one object: the page's many passes over these columns group and hash a few
    # objects instead of one per row (several times faster at a million intervals)
    for col in (s.CONTROLLER, s.STATUS, s.CONFIDENCE, s.DATE_PRECISION):
        out[col] = pd.Series(_shared(out[col].to_numpy(dtype=object))[0], dtype=object,
                             index=out.index)
    district, code = _shared(out[s.DISTRICT_CODE].to_numpy(dtype=object), sort=True)
    out[s.DISTRICT_CODE] = pd.Series(district, dtype=object, index=out.index)
    start = out[s.START].to_numpy(dtype="datetime64[ns]").view(np.int64)
    step, later = np.diff(code), np.diff(start)
    if (code >= 0).all() and bool(np.all((step > 0) | ((step == 0) & (later >= 0)))):
        return out.reset_index(drop=True)  # as the store reads them
    return out.sort_values([s.DISTRICT_CODE, s.START], kind="stable").reset_index(drop=True)


def _shared(values: np.ndarray, *, sort: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``values`` with equal values as one object (missing ones as ``None``), and the code of
    each (-1: missing; in sorted order with ``sort``)."""
    codes, uniques = pd.factorize(values, sort=sort, use_na_sentinel=True)
    return np.append(np.asarray(uniques, dtype=object), None)[codes], codes


def _day(ts: pd.Timestamp) -> int:
    return int((ts - EPOCH) // pd.Timedelta("1D"))


def _time_span(intervals: pd.DataFrame, start: Any, end: Any, step: str, *,
               until: Any = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The slider's first and last day: ``start``/``end``, else from the first change to a
    little after the last one (no later than ``until``, a knowledge day, unless the last change
    is later still)."""
    changes = pd.concat([intervals[s.START], intervals[s.END]]).dropna()
    if (start is None or end is None) and changes.empty:
        msg = "no intervals to take the slider span from; give start= and end="
        raise InputError(msg)
    pad = {s.DAY: pd.Timedelta("7D"), s.WEEK: pd.Timedelta("14D"), s.MONTH: pd.DateOffset(months=1)}
    start_ts = None if start is None else s.as_day(start, name="start")
    end_ts = None if end is None else s.as_day(end, name="end")
    if start_ts is None:
        first = changes.min()
        start_ts = {s.DAY: first, s.WEEK: first - pd.Timedelta(days=first.weekday()),
                    s.MONTH: first.replace(day=1)}[step]
        if end_ts is not None:  # an end before every change: the slider is that one day
            start_ts = min(start_ts, end_ts)
    if end_ts is None:  # likewise a start after every change
        end_ts = changes.max() + pad[step]
        if until is not None:
            end_ts = max(min(end_ts, s.as_day(until, name="known_on")), changes.max())
        end_ts = max(end_ts, start_ts)
    if end_ts < start_ts:
        msg = f"end={end_ts.date()} is before start={start_ts.date()}; swap them"
        raise InputError(msg)
    return start_ts, end_ts


# --- payload
class _Strings:
    """A table of distinct strings; rows refer to them by index (0 is the empty string)."""

    def __init__(self) -> None:
        self.items: list[str] = [""]
        self._index: dict[str, int] = {"": 0}

    def __call__(self, value: Any) -> int:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return 0
        text = str(value)
        if text not in self._index:
            self._index[text] = len(self.items)
            self.items.append(text)
        return self._index[text]

    def codes(self, values: Any) -> np.ndarray:
        """The index of each of ``values`` (missing: 0), each distinct value added once, in
        order of first appearance."""
        return _per_value(values, self, 0)


def _per_value(column: Any, code_of: Any, missing: int) -> np.ndarray:
    """``code_of(value)`` of every value of ``column`` (``missing`` where there is none), called
    once per distinct value, in order of first appearance."""
    at, uniques = pd.factorize(np.asarray(column, dtype=object), use_na_sentinel=True)
    found = np.array([*(code_of(u) for u in uniques), missing], dtype=np.int64)
    return found[at]  # the sentinel -1 takes the last entry


def _lookup(column: Any, table: dict[Any, int], default: int) -> np.ndarray:
    """``table[value]`` of every value of ``column`` (``default`` for others and missing ones)."""
    return _per_value(column, lambda value: table.get(value, default), default)


def _indexes_of(values: tuple[str, ...], column: pd.Series, default: int) -> np.ndarray:
    """The position of every value of ``column`` in ``values`` (``default`` when absent)."""
    return _lookup(column, {v: k for k, v in enumerate(values)}, default)


def _day_numbers(values: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of a datetime column (-1 where missing)."""
    when = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
    return np.where(np.isnat(when), -1, when.astype(np.int64))


def _per_district(block: np.ndarray, row: np.ndarray, n: int) -> list[list[int]]:
    """The rows of ``block`` (district row ``row`` each) as one flat list per district, in the
    order they come within a district."""
    if len(row) > 1 and not np.all(row[1:] >= row[:-1]):
        order = np.argsort(row, kind="stable")
        block, row = block[order], row[order]
    counts = np.bincount(row, minlength=n) * block.shape[1]
    flat = block.astype(np.int64).ravel()
    return [part.tolist() for part in np.split(flat, np.cumsum(counts)[:-1])]


def _payload(districts: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, intervals: pd.DataFrame,
             events: pd.DataFrame | None, colors: dict[str, str],
             spellings: dict[str, list[str]]) -> dict[str, Any]:
    """The page's data; ``colors``: every actor's colour (:func:`actor_palette`)."""
    strings = _Strings()
    arcs, (d_geom, p_geom) = topology([districts.geometry.values, provinces.geometry.values])
    codes = districts[s.DISTRICT_CODE].tolist()
    row_of = {c: i for i, c in enumerate(codes)}
    p_codes = provinces[s.PROVINCE_CODE].tolist()
    p_row = {c: i for i, c in enumerate(p_codes)}
    areas = districts.geometry.set_crs(s.CRS, allow_override=True).to_crs(s.EQUAL_AREA_CRS).area
    actors = list(colors)

    # Roll-up categories (Python's rule, spatial.categories): per actor its controlled and
    # influenced categories, then contested, disputed, unknown: [key, status, actor (-1: none)].
    h_row = _lookup(intervals[s.DISTRICT_CODE], row_of, -1)
    iv = intervals if (h_row >= 0).all() else intervals[h_row >= 0]
    h_row = h_row[h_row >= 0]
    status_of = iv[s.STATUS].where(iv[s.STATUS].isin(STATUS_ORDER), s.UNKNOWN)
    category = spatial.categories(status_of, iv[s.CONTROLLER])
    cat_code, _ = pd.factorize(category.to_numpy(dtype=object))
    seen = np.unique(cat_code, return_index=True)[1]  # the first row of each category
    cats = _categories(actors, zip(category.to_numpy(dtype=object)[seen],
                                   status_of.to_numpy(dtype=object)[seen],
                                   iv[s.CONTROLLER].to_numpy(dtype=object)[seen], strict=True))
    cat_at = {key: k for k, (key, _, _) in enumerate(cats)}
    actor_at = {a: k for k, a in enumerate(actors)}
    # History rows: [start - previous end (the first: start), days held (0: open), controller,
    # status, confidence, precision, source, url, claims, category]; the page makes the days
    # absolute.
    start, end = _day_numbers(iv[s.START]), _day_numbers(iv[s.END])
    last_end = np.where(end < 0, start, end)
    first = np.ones(len(iv), dtype=bool)
    first[1:] = h_row[1:] != h_row[:-1]
    previous = np.where(first, 0, np.roll(last_end, 1))
    hist = _per_district(np.column_stack([
        start - previous, np.where(end < 0, 0, end - start), strings.codes(iv[s.CONTROLLER]),
        _indexes_of(STATUS_ORDER, iv[s.STATUS], UNKNOWN_AT),
        _indexes_of(s.CONFIDENCES, iv[s.CONFIDENCE], REPORTED_AT),
        _indexes_of(s.PRECISIONS, iv[s.DATE_PRECISION], 0),
        strings.codes(iv[s.SOURCE]), strings.codes(iv[s.SOURCE_URL]),
        strings.codes(iv[s.CLAIMS]), _lookup(category, cat_at, -1),
    ]), h_row, len(codes))
    # Event rows: [day - previous event's day, precision, controller, status, confidence, source,
    # url, notes, history row it made (-1: none, e.g. superseded)], by day.
    reports: list[list[int]] = [[] for _ in codes]
    if events is not None and len(events):
        reports = _report_rows(events, iv, h_row, first, row_of, strings)
    labels = [_label_point(g) for g in provinces.geometry.values]
    d_labels = [_label_point(g) for g in districts.geometry.values]
    return {
        "v": 2,
        "codes": {  # the rules the page applies, from Python (tracker.core)
            "status": list(STATUS_ORDER), "confidence": list(s.CONFIDENCES),
            "precision": list(s.PRECISIONS), "sep": s.ACTOR_SEP,
            "change": list(timeline.CHANGE_KINDS), "changeTable": timeline.change_table(),
            "unknownStatus": UNKNOWN_AT, "unknownCategory": cat_at[s.UNKNOWN],
            "allProvinces": spatial.ALL_PROVINCES, "fills": STATE_FILLS,
        },
        "categories": [[strings(key), status, actor_at.get(actor, -1)]
                       for key, status, actor in cats],
        "scale": COORD_SCALE,
        "arcs": arcs,
        "districts": {
            "code": codes,
            "name": [strings(v) for v in districts[s.DISTRICT_NAME]],
            "prov": [p_row.get(v, -1) for v in districts[s.PROVINCE_CODE]],
            "area": [round(float(a) / 1e6, 1) for a in areas],
            "geom": d_geom,
            "label": d_labels,
            "hist": hist,
            "events": reports,
            "spell": [[strings(v) for v in spellings.get(c, [])[1:]] for c in codes],
        },
        "provinces": {
            "code": p_codes,
            "name": [strings(v) for v in provinces[s.PROVINCE_NAME]],
            "label": labels,
            "geom": p_geom,
        },
        "actors": [[strings(a), colors[a]] for a in actors],
        "strings": strings.items,
    }


def _report_rows(events: pd.DataFrame, iv: pd.DataFrame, h_row: np.ndarray, first: np.ndarray,
                 row_of: dict[str, int], strings: _Strings) -> list[list[int]]:
    """Each district's report rows (see :func:`_payload`); ``iv`` the history rows, ``h_row``
    their district rows, ``first`` where each district's history starts."""
    ev = events
    if s.RETRACTED_AT in ev.columns:
        ev = ev[ev[s.RETRACTED_AT].isna()]
    ev = ev.assign(**{col: None for col in (s.DATE_PRECISION, s.SOURCE, s.SOURCE_URL, s.NOTES,
                                            s.EVENT_ID) if col not in ev.columns})
    ev = ev.assign(**{s.DATE: pd.to_datetime(ev[s.DATE]).dt.normalize()})
    ev = ev[ev[s.DISTRICT_CODE].isin(row_of) & ev[s.DATE].notna()]
    ev = ev.sort_values([s.DISTRICT_CODE, s.DATE, s.EVENT_ID], kind="stable")
    # (district, event id) -> the history row (within its district) the event made
    ids = iv[s.EVENT_IDS].astype(object).where(iv[s.EVENT_IDS].notna(), "")
    position = np.arange(len(iv)) - np.maximum.accumulate(np.where(first, np.arange(len(iv)), 0))
    made = pd.DataFrame({"d": h_row, "pos": position, s.EVENT_ID: ids.str.split(s.ID_SEP)})
    made = made.explode(s.EVENT_ID)
    made = made[made[s.EVENT_ID].astype(bool)].drop_duplicates(["d", s.EVENT_ID], keep="last")
    e_row = _lookup(ev[s.DISTRICT_CODE], row_of, -1)
    keys = pd.MultiIndex.from_arrays([made["d"].to_numpy(dtype=np.int64),
                                      made[s.EVENT_ID].to_numpy(dtype=object)])
    at = keys.get_indexer(pd.MultiIndex.from_arrays(
        [e_row, ev[s.EVENT_ID].astype(str).to_numpy(dtype=object)]))
    hist_row = np.where(at >= 0, made["pos"].to_numpy(dtype=np.int64)[at], -1)
    day = _day_numbers(ev[s.DATE])
    starts = np.ones(len(ev), dtype=bool)
    starts[1:] = e_row[1:] != e_row[:-1]
    return _per_district(np.column_stack([
        day - np.where(starts, 0, np.roll(day, 1)),
        _indexes_of(s.PRECISIONS, ev[s.DATE_PRECISION], 0), strings.codes(ev[s.CONTROLLER]),
        _indexes_of(STATUS_ORDER, ev[s.STATUS], UNKNOWN_AT),
        _indexes_of(s.CONFIDENCES, ev[s.CONFIDENCE], REPORTED_AT),
        strings.codes(ev[s.SOURCE]), strings.codes(ev[s.SOURCE_URL]), strings.codes(ev[s.NOTES]),
        hist_row,
    ]), e_row, len(row_of))


def _categories(actors: list[str], rows: Any) -> list[tuple[str, int, str | None]]:
    """Every roll-up category met, in legend order: per actor (first appearance) its controlled
    then its influenced category, then any other held category, contested, disputed, unknown.
    ``rows`` yields (category, status, controller) of each interval."""
    seen: dict[str, tuple[int, str | None]] = {}
    for cat, status, ctrl in rows:
        held = status in (s.CONTROLLED, s.INFLUENCED)
        seen.setdefault(cat, (STATUS_ORDER.index(status), ctrl if held else None))
    fixed = [(st, STATUS_ORDER.index(st)) for st in (s.CONTESTED, s.DISPUTED, s.UNKNOWN)]
    for st, code in fixed:
        seen.setdefault(st, (code, None))
    rank = {a: k for k, a in enumerate(actors)}

    def order(cat: str) -> tuple[int, int, int, str]:
        status, actor = seen[cat]
        if actor is None:
            return (1, 0, status, cat)
        return (0, rank.get(actor, len(rank)), status, cat)

    return [(cat, *seen[cat]) for cat in sorted(seen, key=order)]


def _golden_color(i: int) -> str:
    import colorsys

    r, g, b = colorsys.hls_to_rgb((0.13 + i * 0.618034) % 1.0, 0.45, 0.55)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _label_point(geom: Any) -> list[float]:
    if geom is None or geom.is_empty:
        return [0.0, 0.0]
    part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    try:
        point = shapely.ops.polylabel(part, tolerance=0.01)
    except Exception:  # polylabel rejects some invalid polygons: fall back to a point inside
        point = part.representative_point()
    return [round(point.y, 4), round(point.x, 4)]


# --- page assets
def _page_assets(*, offline: bool, points: bool = False) -> list[tuple[str, str]]:
    """Leaflet (inlined from the installed xstatic-leaflet, or linked) and our own JS (the model,
    then the views) and CSS (with ``points``, also the ACLED events layer's)."""
    import xstatic.pkg.leaflet as xleaflet

    ours = resources.files("tracker.render") / _ASSETS
    own_css = (ours / "tracker_map.css").read_text(encoding="utf-8")
    own_js = "\n".join((ours / name).read_text(encoding="utf-8")
                        for name in ("tracker_model.js", "tracker_map.js"))
    if offline:
        base = Path(xleaflet.BASE_DIR)
        css = (base / "leaflet.css").read_text(encoding="utf-8")
        for image in sorted((base / "images").glob("*.png")):
            uri = "data:image/png;base64," + _b64(image.read_bytes())
            css = css.replace(f"url(images/{image.name})", f"url({uri})")
        js = (base / "leaflet.js").read_text(encoding="utf-8")
        js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)
        leaflet = [("leaflet_css", f"<style>{css}</style>"), ("leaflet_js", _script(js))]
    else:
        v = xleaflet.VERSION
        css_url, js_url = (LEAFLET_CDN.format(version=v, ext=e) for e in ("css", "js"))
        leaflet = [("leaflet_css", f'<link rel="stylesheet" href="{css_url}"/>'),
                   ("leaflet_js", f'<script src="{js_url}"></script>')]
    out = [*leaflet, ("tracker_css", f"<style>{own_css}</style>"), ("tracker_js", _script(own_js))]
    for name in ("tracker_chart.css", "tracker_chart.js"):  # the chart panel
        text = (ours / name).read_text(encoding="utf-8")
        out.append((name.replace(".", "_"),
                    f"<style>{text}</style>" if name.endswith(".css") else _script(text)))
    if points:
        for name in ("tracker_points.css", "tracker_points.js"):
            text = (ours / name).read_text(encoding="utf-8")
            out.append((name.replace(".", "_"),
                        f"<style>{text}</style>" if name.endswith(".css") else _script(text)))
    return out


def _script(js: str) -> str:
    if re.search(r"</script", js, flags=re.IGNORECASE):
        msg = "an inlined script contains '</script'; it cannot be embedded in the page"
        raise InputError(msg)
    return f"<script>{js}</script>"


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")
