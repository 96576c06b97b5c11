"""Benchmark of the ACLED import (a script: prints its figures).

Generates an ACLED-format export (current layout, ``20 August 2021`` dates) of N rows (default
1,000,000) over the real Afghan districts: every point lies inside its district,
``admin1``/``admin2`` name it, about 5% are territorial sub-events (control events), the rest
point events. Then, in the same run and on the same file, each in a fresh process:

* floor: ``pandas.read_csv`` + geopandas ``sjoin`` to the districts + ``DataFrame.to_sql`` into a
  fresh SQLite file (no validation, no history);
* ours: ``Tracker.import_file`` into a fresh, initialised SQLite database (parse, validate dates and
  values, locate, check admin names, plan versions, store control events and the point-event
  batches in one transaction);
* again: the same file imported once more into that filled database (every row compared with
  its stored version; nothing added), as when a user re-imports an export;
* the cost of the stored intervals (issue #14, target <= +20%): ``--pairs`` alternating runs of
  ours and of ours with the intervals' rebuild skipped (the import as it was before the table),
  medians compared;
* a week's update into the filled store, with and without the stored intervals (alternating,
  medians): 1% of the rows, events of the span's last week, 5% of them new versions of stored
  events, each run into a fresh copy of the database ``ours`` filled.

Prints rows/s, the ratio ours/floor (target <= 1.5), the peak memory of the import process
(``resource.getrusage``; target < 2 GB), the CPU seconds of each stage next to its wall-clock
seconds, and the load average before and after (other jobs on the machine slow both stages).

Run: ``.venv/bin/python benchmarks/bench_ingest.py [--rows N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import tracker
from tracker.core import schema as s
from tracker.core.acled_columns import CURRENT_COLUMNS
from tracker.geo.boundaries import default_boundaries

TERRITORIAL = [("Battles", "Government regains territory"),
               ("Battles", "Non-state actor overtakes territory"),
               ("Strategic developments", "Non-violent transfer of territory")]
OTHER = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
         ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
         ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest"),
         ("Strategic developments", "Arrests")]
ACTORS = np.array(["Taliban", "Military Forces of Afghanistan (2004-2021)",
                   "Police Forces of Afghanistan (2004-2021)", "Islamic State (Afghanistan)",
                   "NRF: National Resistance Front", "Civilians (Afghanistan)"], dtype=object)
SOURCES = np.array(["Pajhwok Afghan News", "Khaama Press", "Tolo News", "Ariana News; Xinhua",
                    "Afghanistan Times", "Bakhtar News Agency"], dtype=object)


def random_points(districts: gpd.GeoDataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` points spread over all districts, each strictly inside its district."""
    per = np.full(len(districts), n // len(districts))
    per[: n - per.sum()] += 1
    frames = []
    for (code, prov, name, geom), k in zip(
            districts[[s.DISTRICT_CODE, s.PROVINCE_NAME, s.DISTRICT_NAME, "geometry"]]
            .itertuples(index=False), per, strict=True):
        x0, y0, x1, y1 = geom.bounds
        xs, ys = np.empty(0), np.empty(0)
        inner = geom.buffer(-0.002) if geom.buffer(-0.002).area > 0 else geom
        while len(xs) < k:
            cx = rng.uniform(x0, x1, 4 * k + 16)
            cy = rng.uniform(y0, y1, 4 * k + 16)
            inside = shapely.contains_xy(inner, cx, cy)
            xs, ys = np.concatenate([xs, cx[inside]]), np.concatenate([ys, cy[inside]])
        frames.append(pd.DataFrame({"longitude": xs[:k].round(4), "latitude": ys[:k].round(4),
                                    "admin1": prov, "admin2": name, "code": code}))
    out = pd.concat(frames, ignore_index=True)
    return out.iloc[rng.permutation(len(out))].reset_index(drop=True)


START, DAYS = pd.Timestamp("2017-01-01"), 5 * 365  # the span of the generated export


def generate(path: Path, n: int, *, seed: int = 11, first_id: int = 1, start: pd.Timestamp = START,
             days: int = DAYS, revised: int = 0, published_after: int = 0) -> pd.DataFrame:
    """Write an ACLED-format export of ``n`` rows to ``path``; returns the expected districts.

    Ids run from ``AFG<first_id>``; the first ``revised`` rows instead take ids of an export of
    ``first_id - 1`` rows (new versions of its events). Each row is published (``timestamp``)
    1-30 days after its event, plus ``published_after`` days."""
    rng = np.random.default_rng(seed)
    districts = default_boundaries().districts
    pts = random_points(districts, n, rng)
    # Points on the 4-decimal grid may fall just outside after rounding: re-check, keep the truth.
    kinds = np.array(TERRITORIAL + OTHER, dtype=object)
    territorial = rng.random(n) < 0.05
    pick = np.where(territorial, rng.integers(0, 3, n), rng.integers(3, len(kinds), n))
    day = start + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    stamp = (day - pd.Timestamp("1970-01-01")) // pd.Timedelta("1s") + rng.integers(
        86_400, 30 * 86_400, n) + published_after * 86_400
    ids = np.arange(first_id, first_id + n)
    ids[:revised] = rng.choice(np.arange(1, first_id), revised, replace=False)
    a1 = ACTORS[rng.integers(0, len(ACTORS), n)]
    a2 = np.where(rng.random(n) < 0.5, ACTORS[rng.integers(0, len(ACTORS), n)], "")
    fat = rng.poisson(1.5, n)
    precision = rng.choice([1, 1, 1, 1, 2, 3], n)
    kind = pd.Series(kinds[pick].tolist())
    frame = pd.DataFrame({
        "event_id_cnty": "AFG" + pd.Series(ids).astype(str),
        "event_date": day.strftime("%d %B %Y"),
        "year": day.year,
        "time_precision": precision,
        "disorder_type": "Political violence",
        "event_type": kind.str[0],
        "sub_event_type": kind.str[1],
        "actor1": a1, "assoc_actor_1": "", "inter1": 2, "actor2": a2, "assoc_actor_2": "",
        "inter2": 1, "interaction": 12, "civilian_targeting": "",
        "iso": 4, "region": "Caucasus and Central Asia", "country": "Afghanistan",
        "admin1": pts["admin1"], "admin2": pts["admin2"], "admin3": "",
        "location": pts["admin2"], "latitude": pts["latitude"], "longitude": pts["longitude"],
        "geo_precision": rng.choice([1, 2, 3], n),
        "source": SOURCES[rng.integers(0, len(SOURCES), n)], "source_scale": "National",
        "notes": "On " + day.strftime("%d %B %Y") + ", fighting was reported in "
                 + pts["admin2"] + " district (" + pts["admin1"] + "). " + fat.astype(str)
                 + " fatalities.",
        "fatalities": fat, "tags": "", "timestamp": stamp,
    })[list(CURRENT_COLUMNS)]
    frame.to_csv(path, index=False)
    return pts


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def floor(path: Path, db: Path, districts: gpd.GeoDataFrame) -> tuple[float, float]:
    """read_csv + sjoin + to_sql into a fresh SQLite file; wall-clock and CPU seconds."""
    t0, cpu0 = time.perf_counter(), _cpu_seconds()
    df = pd.read_csv(path)
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["longitude"], df["latitude"]),
                           crs=districts.crs)
    joined = gpd.sjoin(gdf, districts[[s.DISTRICT_CODE, "geometry"]], how="left",
                       predicate="intersects")
    with sqlite3.connect(db) as con:
        pd.DataFrame(joined.drop(columns="geometry")).to_sql("acled", con, index=False,
                                                             chunksize=100_000)
    return time.perf_counter() - t0, _cpu_seconds() - cpu0


def ours(path: Path, db: Path) -> tuple[float, float, object]:
    """Full import through the API into a fresh, initialised database.

    Returns wall-clock seconds, CPU seconds and the import report.
    """
    t = tracker.connect(f"sqlite:///{db}")
    t.init()
    t0, cpu0 = time.perf_counter(), _cpu_seconds()
    report = t.import_file(path)
    return time.perf_counter() - t0, _cpu_seconds() - cpu0, report


def again(path: Path, db: Path) -> tuple[float, float, object]:
    """The same import into the database :func:`ours` filled."""
    t = tracker.connect(f"sqlite:///{db}")
    t0, cpu0 = time.perf_counter(), _cpu_seconds()
    report = t.import_file(path)
    return time.perf_counter() - t0, _cpu_seconds() - cpu0, report


def update(path: Path, db: Path) -> tuple[float, float, object]:
    """A week's update export imported into a copy of the database :func:`ours` filled."""
    with sqlite3.connect(db.with_name("ours.db")) as source, sqlite3.connect(db) as copy:
        source.backup(copy)  # the WAL included
    t = tracker.connect(f"sqlite:///{db}")
    t0, cpu0 = time.perf_counter(), _cpu_seconds()
    report = t.import_file(path)
    return time.perf_counter() - t0, _cpu_seconds() - cpu0, report


def run_stage(stage: str, path: Path, db: Path) -> None:
    """One measured stage in this (fresh) process; prints a JSON line."""
    if stage != "again":  # a fresh file: no write-ahead log of an earlier run may be left
        for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            leftover.unlink(missing_ok=True)
    skipped = stage.endswith("without")  # the import with the stored intervals skipped
    if skipped:
        stage = "update" if stage == "update-without" else "ours"
    with _intervals_skipped() if skipped else contextlib.nullcontext():
        if stage == "floor":
            seconds, cpu = floor(path, db, default_boundaries().districts)
            extra = {}
        else:
            seconds, cpu, report = {"ours": ours, "again": again, "update": update}[stage](path,
                                                                                          db)
            extra = {"added": report.added, "points": report.points_added,
                     "skipped": report.skipped, "warnings": len(report.warnings),
                     "rejected": report.rejected, "interval_rows": _interval_rows(db)}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, **extra}))


def _intervals_skipped():
    from bench_timeline import intervals_skipped

    return intervals_skipped()


def _interval_rows(db: Path) -> int:
    """Rows of the stored intervals table (to check that the runs without it wrote none)."""
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM control_intervals").fetchone()[0]


def measure(stage: str, path: Path, db: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--stage", stage, "--file", str(path),
                          "--db", str(db)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None,
                        help="Folder to keep the files in (an acled.csv there is reused).")
    parser.add_argument("--pairs", type=int, default=3,
                        help="Alternating runs with and without the stored intervals.")
    parser.add_argument("--stage", choices=["floor", "ours", "again", "without", "update",
                                            "update-without"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        run_stage(args.stage, args.file, args.db)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"acled-{args.rows}.csv"
        if not path.exists():
            t0 = time.perf_counter()
            generate(path, args.rows)
            print(f"generated {args.rows:,} rows in {time.perf_counter() - t0:.1f} s")
        print(f"file: {path} ({path.stat().st_size / 1e6:.0f} MB, {args.rows:,} rows)")
        load_before = os.getloadavg()
        base = measure("floor", path, folder / "floor.db")
        mine = measure("ours", path, folder / "ours.db")
        redo = measure("again", path, folder / "ours.db")
        with_rows, without_rows = [mine["seconds"]], []
        for _ in range(args.pairs):
            plain = measure("without", path, folder / "without.db")
            assert plain["interval_rows"] == 0, "the run without the table wrote it"
            without_rows.append(plain["seconds"])
            with_rows.append(measure("ours", path, folder / "ours.db")["seconds"])
        assert mine["interval_rows"] > 0
        # a week's update into the filled store: 1% of the rows, new events of the last week of
        # the span and, among them, 5% new versions of stored events
        week = folder / f"acled-{args.rows}-update.csv"
        generate(week, args.rows // 100, seed=12, first_id=args.rows + 1,
                 start=START + pd.Timedelta(days=DAYS - 7), days=7,
                 revised=args.rows // 2000, published_after=60)
        updates: dict[str, list[dict]] = {"update": [], "update-without": []}
        for _ in range(max(args.pairs, 1)):
            for stage in updates:
                updates[stage].append(measure(stage, week, folder / "update.db"))
        # the runs without the table left it as ours.db has it; those with it added rows
        assert {r["interval_rows"] for r in updates["update-without"]} == {mine["interval_rows"]}
        assert min(r["interval_rows"] for r in updates["update"]) > mine["interval_rows"]
        load_after = os.getloadavg()
        print(f"floor (read_csv + sjoin + to_sql): {base['seconds']:.2f} s "
              f"(CPU {base['cpu']:.2f} s), peak {base['peak_mb']:,.0f} MB")
        print(f"ours  (tracker import):            {mine['seconds']:.2f} s "
              f"(CPU {mine['cpu']:.2f} s), "
              f"peak {mine['peak_mb']:,.0f} MB; control events {mine['added']:,}, "
              f"point events {mine['points']:,}, warnings {mine['warnings']}, "
              f"rejected {mine['rejected']}")
        print(f"again (same file, filled database):  {redo['seconds']:.2f} s "
              f"(CPU {redo['cpu']:.2f} s), peak {redo['peak_mb']:,.0f} MB; added "
              f"{redo['added']:,} control and {redo['points']:,} point events, "
              f"{redo['skipped']:,} rows already stored")
        if without_rows:
            w, wo = float(np.median(with_rows)), float(np.median(without_rows))
            print(f"stored intervals: import {w:.2f} s with them, {wo:.2f} s without them "
                  f"(medians of {len(with_rows)} and {len(without_rows)} runs): {w / wo - 1:+.0%} "
                  f"(target <= +20%)")
        up, up_without = (float(np.median([r["seconds"] for r in updates[k]])) for k in updates)
        first = updates["update"][0]
        print(f"a week's update ({args.rows // 100:,} rows: {first['added']:,} control and "
              f"{first['points']:,} point events added) into the filled store: {up:.2f} s with "
              f"the stored intervals, {up_without:.2f} s without them (medians of "
              f"{len(updates['update'])}): {up / up_without - 1:+.0%} (target <= +20%)")
        print(f"rows/s: {args.rows / mine['seconds']:,.0f} (target >= 100,000)")
        print(f"ratio ours/floor: {mine['seconds'] / base['seconds']:.2f} (target <= 1.5)")
        print(f"peak memory of the import process: {mine['peak_mb']:,.0f} MB "
              f"(target < 2,048 MB)")
        print(f"load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}"
              f"; after: {', '.join(f'{x:.2f}' for x in load_after)} "
              f"on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
