"""Size, load time and slider step time of the control map against folium's time plugins.

The 399 shipped districts, 5 years, 4,000 random changes. Prints one table:
this map (offline, everything inlined); folium TimeSliderChoropleth with every district x every day;
folium's Timeline plugin with one feature per interval; the districts' GeoJSON alone. Then page load
and one slider step in headless Chromium (network blocked).

Page load is DOMContentLoaded end from navigation start (the page's script runs before it, and
Chromium paints the first frame before firing it). Its breakdown comes from a copy of the page
with two marks around Leaflet's script, and from the ``trk:*`` measures the page's own script
records around each phase of its start.

Run: ``.venv/bin/python benchmarks/bench_map_size.py`` (needs /usr/bin/chromium for the timings).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from folium.plugins import Timeline, TimelineSlider, TimeSliderChoropleth

from tracker.core import schema as s
from tracker.geo.boundaries import default_boundaries
from tracker.render import html_map

START, YEARS, CHANGES = pd.Timestamp("2020-01-01"), 5, 4000
ACTORS = ("Taliban", "Afghan government", "Resistance", "Islamic State")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def random_intervals(codes: list[str], seed: int = 42) -> pd.DataFrame:
    """CHANGES change points spread over the districts and YEARS; each starts a new interval."""
    rng = np.random.default_rng(seed)
    days = YEARS * 365
    rows = []
    for code, k in zip(codes, rng.multinomial(CHANGES, np.ones(len(codes)) / len(codes)),
                       strict=True):
        cuts = np.sort(rng.choice(np.arange(days), size=k, replace=False)).tolist()
        for j, a in enumerate(cuts):
            status = str(rng.choice([s.CONTROLLED] * 6 + [s.INFLUENCED, s.CONTESTED]))
            ctrl = str(rng.choice(ACTORS)) if status != s.CONTESTED else "Afghan government;Taliban"
            rows.append({
                s.DISTRICT_CODE: code, s.CONTROLLER: ctrl, s.STATUS: status,
                s.CONFIDENCE: str(rng.choice(s.CONFIDENCES)), s.START: START + pd.Timedelta(days=a),
                s.END: START + pd.Timedelta(days=cuts[j + 1]) if j + 1 < len(cuts) else pd.NaT,
                s.DATE_PRECISION: s.DAY, s.EVENT_IDS: f"ev-{code}-{a}", s.CLAIMS: None,
                s.SOURCE: str(rng.choice(["Pajhwok", "TOLOnews", "Reuters", "ACLED"])),
                s.SOURCE_URL: f"https://example.org/{code}/{a}",
            })
    return pd.DataFrame(rows, columns=s.INTERVAL_COLUMNS)


def events_of(intervals: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        s.EVENT_ID: intervals[s.EVENT_IDS], s.DATE: intervals[s.START],
        s.DATE_PRECISION: intervals[s.DATE_PRECISION], s.DISTRICT_CODE: intervals[s.DISTRICT_CODE],
        s.CONTROLLER: intervals[s.CONTROLLER], s.STATUS: intervals[s.STATUS],
        s.CONFIDENCE: intervals[s.CONFIDENCE], s.SOURCE: intervals[s.SOURCE],
        s.SOURCE_URL: intervals[s.SOURCE_URL], s.NOTES: "Reported taken after fighting.",
    })


def colour_of(ctrl: str) -> str:
    return {"Taliban": "#474747", "Afghan government": "#2d6cb5", "Resistance": "#e8871e",
            "Islamic State": "#8c1c3a"}.get(ctrl, "#bbbbbb")


def folium_time_slider(districts, intervals, end: pd.Timestamp) -> str:
    """TimeSliderChoropleth with a style for every district on every day (the only correct way)."""
    days = pd.date_range(START, end, freq="D")
    keys = [str((d - pd.Timestamp("1970-01-01")) // pd.Timedelta("1s")) for d in days]
    gj = json.loads(districts.to_json())
    styledict = {}
    for k, (code, part) in enumerate(intervals.groupby(s.DISTRICT_CODE)):
        starts = part[s.START].to_numpy()
        idx = np.searchsorted(starts, days.to_numpy(), side="right") - 1
        ctrls = part[s.CONTROLLER].to_numpy()
        styledict[str(k)] = {t: {"color": colour_of(ctrls[i]) if i >= 0 else "#f7f7f5",
                                 "opacity": 0.85} for t, i in zip(keys, idx, strict=True)}
        gj["features"][k]["id"] = str(k)
        assert gj["features"][k]["properties"][s.DISTRICT_CODE] == code
    m = folium.Map(tiles=None)
    TimeSliderChoropleth(gj, styledict=styledict).add_to(m)
    return m.get_root().render()


def folium_timeline(districts, intervals, end: pd.Timestamp) -> str:
    """folium's Timeline plugin: one GeoJSON feature (with its geometry) per interval."""
    geom = dict(zip(districts[s.DISTRICT_CODE], json.loads(districts.to_json())["features"],
                    strict=True))
    feats = []
    for row in intervals.itertuples(index=False):
        r = row._asdict()
        stop = r[s.END] if not pd.isna(r[s.END]) else end
        feats.append({"type": "Feature", "geometry": geom[r[s.DISTRICT_CODE]]["geometry"],
                      "properties": {"start": r[s.START].strftime("%Y-%m-%d"),
                                     "end": stop.strftime("%Y-%m-%d"),
                                     "color": colour_of(r[s.CONTROLLER])}})
    m = folium.Map(tiles=None)
    timeline = Timeline({"type": "FeatureCollection", "features": feats}).add_to(m)
    TimelineSlider(auto_play=False).add_timelines(timeline).add_to(m)
    return m.get_root().render()


def instrumented_copy(path: Path) -> Path:
    """The page with ``performance.mark`` calls just before and after Leaflet's inlined script."""
    import xstatic.pkg.leaflet as xleaflet

    text = path.read_text(encoding="utf-8")
    leaflet = (Path(xleaflet.BASE_DIR) / "leaflet.js").read_text(encoding="utf-8")[:200]
    at = text.index(leaflet)
    start = text.rindex("<script>", 0, at)
    end = text.index("</script>", at) + len("</script>")
    mark = "<script>performance.mark('{}')</script>"
    out = path.with_name(path.stem + ".instrumented.html")
    out.write_text(text[:start] + mark.format("bench:leaflet-start") + text[start:end]
                   + mark.format("bench:leaflet-end") + text[end:], encoding="utf-8")
    return out


PHASES_JS = """() => {
    const nav = performance.getEntriesByType('navigation')[0], out = {};
    for (const m of performance.getEntriesByType('mark')) out['@' + m.name] = m.startTime;
    for (const m of performance.getEntriesByType('measure')) out[m.name] = m.duration;
    out['@dcl-end'] = nav.domContentLoadedEventEnd;
    return out;
}"""


def open_map(browser, path: Path):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                  else r.abort())
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("window.trackerMap !== undefined")
    return context, page


def load_breakdown(path: Path, runs: int = 5) -> list[tuple[str, float]]:
    """Median ms of each part of the page load (an instrumented copy, ``runs`` loads)."""
    from playwright.sync_api import sync_playwright

    copy = instrumented_copy(path)
    seen: list[dict[str, float]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            context, page = open_map(browser, copy)
            seen.append(page.evaluate(PHASES_JS))
            context.close()
        browser.close()

    def med(f) -> float:
        return statistics.median(f(x) for x in seen)

    phases = [k for k in seen[0] if k.startswith("trk:")]
    rows = [("navigation, HTML up to Leaflet", med(lambda x: x["@bench:leaflet-start"])),
            ("Leaflet script evaluation",
             med(lambda x: x["@bench:leaflet-end"] - x["@bench:leaflet-start"])),
            ("our script, data element, folium's L.map()",
             med(lambda x: x["@trk:start"] - x["@bench:leaflet-end"]))]
    rows += [(f"  {k}", med(lambda x, k=k: x[k])) for k in phases]
    last = "@" + phases[-1]
    rows += [("first frame (style, layout, paint), DCL", med(lambda x: x["@dcl-end"] - x[last])),
             ("DOMContentLoaded end", med(lambda x: x["@dcl-end"]))]
    return rows


def browser_timings(path: Path, runs: int = 5) -> tuple[list[float], list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    loads, steps, frames = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            context, page = open_map(browser, path)
            loads.append(page.evaluate(
                "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
            step = page.evaluate("""() => {
                const ds = trackerMap.dates(), out = [];
                for (let k = 0; k < 200; k++) {
                    const d = ds[(k * 7919) % ds.length], t = performance.now();
                    trackerMap.setDate(d);
                    document.body.getBoundingClientRect();  // force style and layout
                    out.push(performance.now() - t);
                }
                return out;
            }""")
            steps.append(statistics.median(step))
            frames.append(page.evaluate("""async () => {
                const ds = trackerMap.dates(), out = [];
                const frame = () => new Promise(r => requestAnimationFrame(() => r()));
                for (let k = 0; k < 30; k++) {
                    await frame();
                    const t = performance.now();
                    trackerMap.setDate(ds[(k * 104729) % ds.length]);
                    await frame(); await frame();
                    out.push(performance.now() - t);
                }
                return out.sort((a, b) => a - b)[15];
            }"""))
            context.close()
        browser.close()
    return loads, steps, frames


def main() -> int:
    b = default_boundaries()
    codes = b.districts[s.DISTRICT_CODE].tolist()
    intervals = random_intervals(codes)
    end = START + pd.DateOffset(years=YEARS) - pd.Timedelta("1D")
    out = Path(tempfile.mkdtemp(prefix="bench_map_"))

    t = time.perf_counter()
    m = html_map.build_map(b.districts, b.provinces, intervals, events_of(intervals), start=START,
                         end=end, credit=b.credit, use_limitation=b.use_limitation,
                         title="Benchmark: 5 years, 4,000 changes")
    ours = html_map.save_map(m, out / "ours.html")
    build_s = time.perf_counter() - t
    geojson = b.districts.to_json().encode("utf-8")
    t = time.perf_counter()
    slider = folium_time_slider(b.districts, intervals, end).encode("utf-8")
    slider_s = time.perf_counter() - t
    t = time.perf_counter()
    tl = folium_timeline(b.districts, intervals, end).encode("utf-8")
    tl_s = time.perf_counter() - t

    rows = [("this map (offline, Leaflet inlined)", ours.stat().st_size, build_s),
            ("folium TimeSliderChoropleth, every district x day", len(slider), slider_s),
            ("folium Timeline, one feature per interval", len(tl), tl_s),
            ("districts GeoJSON alone", len(geojson), float("nan"))]
    print(f"399 districts, {YEARS} years ({START.date()} .. {end.date()}), {len(intervals)} "
          f"intervals from {CHANGES} changes")
    print(f"{'output':<52}{'bytes':>14}{'MB':>9}{'build s':>9}")
    for name, size, secs in rows:
        print(f"{name:<52}{size:>14,}{size / 1e6:>9.2f}{secs:>9.2f}")
    ratio = ours.stat().st_size / len(geojson)
    print(f"this map / districts GeoJSON = {ratio:.2f} (target <= 0.50): "
          f"{'OK' if ratio <= 0.5 else 'MISSED'}")

    if not os.access(CHROMIUM, os.X_OK):
        print(f"{CHROMIUM} missing: no browser timings")
        return 0
    loads, steps, frames = browser_timings(ours)
    load = statistics.median(loads)
    step = statistics.median(steps)
    frame = statistics.median(frames)
    print(f"page load (DOMContentLoaded, map ready), median of {len(loads)}: {load:.0f} ms "
          f"[{', '.join(f'{x:.0f}' for x in loads)}] (target < 1000): "
          f"{'OK' if load < 1000 else 'MISSED'}")
    print(f"slider step (setDate + style/layout), median: {step:.1f} ms (target < 30): "
          f"{'OK' if step < 30 else 'MISSED'}")
    print(f"slider step to painted frame, median: {frame:.1f} ms")
    print("page load breakdown, ms (median of 5 loads of a copy with marks around Leaflet):")
    for name, ms in load_breakdown(ours):
        print(f"  {name:<50}{ms:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
