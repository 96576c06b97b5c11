"""Benchmark of the control timeline on a war-sized random history (a script: prints its figures).

399 real district codes, 5 years (1,826 days), 100,000 random events (with a few corrections and
retractions). Times, in the same run:

* ours: ``control_intervals`` (all rules) + ``states_on_dates`` for every district on every day;
* baseline: plain pandas, sort the events by date and ``merge_asof`` a (day x district) grid on
  the date by district (latest event wins; no disputes, corrections or retractions);
* ``state_on`` for one date (target: under 50 ms).

Then through the API on the stored intervals (``--store``; a fresh ``Tracker`` for every call,
in the same run as the baseline): the events imported into SQLite (and PostgreSQL with
``--pg URL``) by the store's writer, which builds the bitemporal intervals table; then
``Tracker.intervals()`` (target <= 2x the baseline), ``status`` on a date and as known on a past
day (targets < 50 ms; also a day four years after the knowledge day), ``diff`` and ``map`` (the
whole page written with ``reports="auto"``: every report listed up to 200,000 events, else the
control periods; target < 5 s at 1,000,000 events). The imports are also timed with the
stored intervals skipped (target: at most +20% with them): the whole history into an empty
store, and small imports (10, 100, 1,000 recent events) into the filled one.

Run: ``.venv/bin/python benchmarks/bench_timeline.py [--events N] [--repeat R] [--store]
[--pg postgresql+psycopg://USER@HOST/DB]``.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.exc import DBAPIError

import tracker
from tracker.core import schema as s
from tracker.core import timeline
from tracker.geo.boundaries import default_boundaries
from tracker.store import interval_extension, intervals, records
from tracker.store.engines import write_transaction
from tracker.store.models import Retraction

START = pd.Timestamp("2019-01-01")
DAYS = 1826
ACTORS = ("Government", "Taliban", "Resistance", "ISKP")


def random_events(codes: list[str], n: int, *, seed: int = 7) -> pd.DataFrame:
    """``n`` random events over ``codes`` and 5 years, 1% corrections and 1% retractions."""
    rng = np.random.default_rng(seed)
    day = rng.integers(0, DAYS, n)
    status = rng.choice([s.CONTROLLED, s.CONTROLLED, s.CONTESTED], n)
    one = rng.choice(ACTORS, n)
    two = rng.choice(ACTORS, n)
    controller = np.where(status == s.CONTESTED,
                          [s.join_actors([a, b]) for a, b in zip(one, two, strict=True)], one)
    ids = np.array([f"ev{i:06d}" for i in range(n)], dtype=object)
    supersedes = np.full(n, None, dtype=object)
    corr = rng.choice(np.arange(1, n), n // 100, replace=False)
    supersedes[corr] = ids[rng.integers(0, corr)]  # an earlier event
    retracted = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    retracted[rng.choice(n, n // 100, replace=False)] = np.datetime64("2024-06-01")
    dates = START + pd.to_timedelta(day, unit="D")
    return s.normalize_events(pd.DataFrame({
        s.EVENT_ID: ids,
        s.DATE: dates,
        s.DISTRICT_CODE: rng.choice(codes, n),
        s.CONTROLLER: controller,
        s.STATUS: status,
        s.CONFIDENCE: rng.choice(s.CONFIDENCES, n),
        s.SOURCE: rng.choice(["Reuters", "AP", "BBC", "Twitter", "UNAMA"], n),
        s.REPORTED_ON: dates + pd.to_timedelta(rng.integers(0, 5, n), unit="D"),
        s.SUPERSEDES: supersedes,
        s.RECORDED_AT: dates + pd.Timedelta(days=6),
        s.RETRACTED_AT: retracted,
    }))


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Shortest wall time of ``repeat`` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--store", action="store_true",
                        help="Also time the API on the stored intervals (SQLite).")
    parser.add_argument("--pg", default=None,
                        help="Also on this PostgreSQL database (its public schema is replaced).")
    args = parser.parse_args()

    codes = default_boundaries().districts[s.DISTRICT_CODE].tolist()
    events = random_events(codes, args.events)
    days = timeline.step_dates(START, START + pd.Timedelta(days=DAYS - 1), s.DAY)
    print(f"{len(codes)} districts x {len(days)} days = {len(codes) * len(days):,} states; "
          f"{len(events):,} events")

    def ours() -> pd.DataFrame:
        intervals = timeline.control_intervals(events)
        return timeline.states_on_dates(intervals, days, districts=codes)

    grid = pd.DataFrame({s.DATE: np.repeat(days.to_numpy(dtype="datetime64[ns]"), len(codes)),
                         s.DISTRICT_CODE: np.tile(np.asarray(codes, dtype=object), len(days))})
    grid[s.DISTRICT_CODE] = grid[s.DISTRICT_CODE].astype(events[s.DISTRICT_CODE].dtype)

    def baseline() -> pd.DataFrame:
        latest = events.sort_values(s.DATE, kind="stable")
        return pd.merge_asof(grid, latest, on=s.DATE, by=s.DISTRICT_CODE)

    t_int, intervals = best_of(lambda: timeline.control_intervals(events), args.repeat)
    # ours and the baseline alternate, so a busy machine slows both alike; best of each
    t_ours = t_base = float("inf")
    for _ in range(args.repeat):
        t, states = best_of(ours, 1)
        t_ours = min(t_ours, t)
        t, base = best_of(baseline, 1)
        t_base = min(t_base, t)
    mid = START + pd.Timedelta(days=DAYS // 2)
    t_one, one = best_of(lambda: timeline.state_on(intervals, mid, districts=codes),
                         max(args.repeat, 10))
    known = START + pd.Timedelta(days=DAYS // 2)
    t_known, _ = best_of(lambda: timeline.control_intervals(events, known_on=known), args.repeat)

    assert len(states) == len(base) == len(codes) * len(days)
    assert len(one) == len(codes)
    agree = (states[s.CONTROLLER].to_numpy() == base[s.CONTROLLER].fillna(s.UNKNOWN).to_numpy())
    print(f"intervals: {len(intervals):,} (control_intervals alone {t_int * 1000:.0f} ms; "
          f"with known_on {t_known * 1000:.0f} ms)")
    print(f"ours (intervals + every state): {t_ours * 1000:.0f} ms")
    print(f"baseline (sort + merge_asof):   {t_base * 1000:.0f} ms")
    print(f"ratio ours / baseline: {t_ours / t_base:.2f}x (the pure core, without the store: "
          f"target <= 2x at 100,000 events, an earlier issue's; the stored intervals' target "
          f"is Tracker.intervals() below)")
    print(f"state_on one date, {len(codes)} districts: {t_one * 1000:.1f} ms (target < 50 ms)")
    print(f"states where the rules agree with the naive latest event: {agree.mean():.1%}")
    if args.store or args.pg:
        urls = []
        if args.store:
            urls.append(f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}")
        if args.pg:
            urls.append(args.pg)
        for url in urls:
            store_figures(url, events, baseline, t_base, args.repeat)


def store_figures(url: str, events: pd.DataFrame, baseline: Callable[[], object],
                  t_base: float, repeat: int) -> None:
    """Import ``events`` into a fresh database at ``url`` and time the API's reads on it."""
    backend = url.split(":", 1)[0].split("+")[0]
    stored = events.drop(columns=[s.RECORDED_AT, s.RETRACTED_AT])
    t_plain = _import_without_intervals(url, stored)
    t = _fresh(url)
    t0 = time.perf_counter()
    records.insert_events(t.engine, stored, origin="bench")
    t_import = time.perf_counter() - t0
    # 1% retractions written as rows, then every district's intervals rewritten (as db check
    # --repair does): the bitemporal rows include the retractions' knowledge days
    gone = events.loc[events[s.RETRACTED_AT].notna(), s.EVENT_ID].tolist()
    t0 = time.perf_counter()
    with write_transaction(t.engine) as conn:
        conn.execute(Retraction.__table__.insert(), [
            {"event_id": e, "reason": "bench", "recorded_at": pd.Timestamp("2024-06-01")}
            for e in gone])
        n_rows = intervals.rebuild(conn)
    t_rebuild = time.perf_counter() - t0
    if backend == "postgresql":  # what autovacuum does after the rewrite, before the reads
        with t.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
            _checkpoint(conn)
    t.engine.dispose()

    def fresh(call):
        def run():
            one = tracker.connect(url)
            try:
                return call(one)
            finally:
                one.engine.dispose()
        return run

    mid = START + pd.Timedelta(days=DAYS // 2)
    past = mid - pd.Timedelta(days=200)
    t_iv = t_b = float("inf")
    for _ in range(repeat):  # alternating with the baseline, best of each
        t_iv = min(t_iv, best_of(fresh(lambda one: one.intervals()), 1)[0])
        t_b = min(t_b, best_of(baseline, 1)[0])
    t_base = min(t_base, t_b)
    # the slowest of three days: early, middle and in the last week of the history (the query
    # plan of a range probe may change with the day)
    days = [START + pd.Timedelta(days=60), mid, START + pd.Timedelta(days=DAYS - 7)]
    t_status, state = max((best_of(fresh(lambda one, d=d: one.status(d)), max(repeat, 10))
                           for d in days), key=lambda r: r[0])
    t_known = max(best_of(fresh(lambda one, d=d: one.status(d, known_on=d - pd.Timedelta(
        days=30))), max(repeat, 10))[0] for d in days)
    # a day long after the knowledge day: the last week's state as known at the first year's end
    # (on SQLite the probes search back from the knowledge day, not through the years between)
    t_far, _ = best_of(fresh(lambda one: one.status(days[-1], known_on=START + pd.Timedelta(
        days=364))), max(repeat, 10))
    t_diff, _ = best_of(fresh(lambda one: one.diff(past, mid)), repeat)
    t_map, (size, left_out) = best_of(fresh(lambda one: _write_map(one)), 1)
    print(f"--- stored intervals, {backend}: {len(events):,} events imported in {t_import:.1f} s "
          f"(intervals built in the same transaction); {len(gone):,} retractions + rebuild of "
          f"every district {t_rebuild:.1f} s; {n_rows:,} bitemporal rows")
    print(f"import: {t_import:.1f} s with the stored intervals, {t_plain:.1f} s without them "
          f"(the same writer, their build and write skipped): {t_import / t_plain - 1:+.0%} "
          f"(target <= +20%)")
    print(f"Tracker.intervals(): {t_iv * 1000:.0f} ms = {t_iv / t_base:.2f}x the baseline "
          f"({t_base * 1000:.0f} ms; target <= 2x)")
    print(f"Tracker.status(date): {t_status * 1000:.1f} ms; as known on a past day: "
          f"{t_known * 1000:.1f} ms (targets < 50 ms; fresh Tracker each call, "
          f"{len(state)} districts; the slowest of an early, the middle and a last-week day); "
          f"the last-week day as known 4 years before: {t_far * 1000:.1f} ms")
    listed = ("every report listed" if not left_out
              else f"control periods listed, {left_out:,} reports left out")
    print(f"Tracker.diff over 200 days: {t_diff * 1000:.1f} ms; map written: {t_map:.1f} s "
          f"({size / 1e6:.1f} MB, {listed}; target < 5 s at 1,000,000 events)")
    _increments(url, sorted(events[s.DISTRICT_CODE].astype(str).unique()))


def _increments(url: str, codes: list[str], rounds: int = 3) -> None:
    """Small imports into the filled store, as a team adds the day's reports: new events dated
    in the last 30 days of the span, each size imported ``rounds`` times with the stored
    intervals and as often (other events) with them skipped, alternating; medians. Last, so the
    reads above are not affected. The imports with the table skipped leave it behind their
    events; it is rewritten at the end (``tracker db check --repair``), so that the store the
    benchmark leaves agrees with its events."""
    t = tracker.connect(url)
    parts = []
    for k, n in enumerate((10, 100, 1000)):
        seconds: dict[str, list[float]] = {"with": [], "without": []}
        for r in range(rounds):
            for mode in ("with", "without"):
                new = random_events(codes, n, seed=100 + 10 * k + 2 * r + (mode == "without"))
                new[s.EVENT_ID] = [f"inc-{n}-{r}-{mode}-{i}" for i in range(n)]
                day = new[s.DATE] - START
                new[s.DATE] = START + pd.Timedelta(days=DAYS - 30) + day % pd.Timedelta(days=30)
                new[s.REPORTED_ON] = new[s.DATE] + pd.Timedelta(days=2)
                new[s.SUPERSEDES] = None
                new = new.drop(columns=[s.RECORDED_AT, s.RETRACTED_AT])
                skip = intervals_skipped() if mode == "without" else contextlib.nullcontext()
                with skip:
                    t0 = time.perf_counter()
                    records.insert_events(t.engine, new, origin="bench")
                    seconds[mode].append(time.perf_counter() - t0)
        mid = {mode: float(np.median(v)) * 1000 for mode, v in seconds.items()}
        parts.append(f"{n:,} events {mid['with']:.0f} ms against {mid['without']:.0f} ms")
    records.check_intervals(t.engine, repair=True)
    t.engine.dispose()
    print(f"small imports into the filled store, with / without the stored intervals (medians "
          f"of {rounds}): " + "; ".join(parts))


@contextmanager
def intervals_skipped() -> Iterator[None]:
    """The store's writers with the stored intervals neither built nor written, nor the change
    points of a write looked for: the import as it was before the table (for the benchmarks'
    comparisons only)."""
    def nothing(*_args, **_kwargs) -> Future:
        done: Future = Future()
        done.set_result(None)
        return done

    def no_points(*_args, **_kwargs) -> pd.DataFrame:
        return pd.DataFrame(columns=["code", "date", "known"])

    keep = (intervals.rebuild, intervals.build_later, interval_extension.plan,
            interval_extension.change_points)
    intervals.rebuild = lambda *_args, **_kwargs: 0
    intervals.build_later = nothing
    interval_extension.plan = lambda *_args, **_kwargs: {}  # nothing to extend
    interval_extension.change_points = no_points  # nor to look for
    try:
        yield
    finally:
        (intervals.rebuild, intervals.build_later, interval_extension.plan,
         interval_extension.change_points) = keep


def _checkpoint(conn) -> None:
    """Write the server's dirty pages now (``CHECKPOINT``), so that the reads are timed on a
    settled server, not during the write-back of the import (needs a superuser or
    ``pg_checkpoint``; else said and skipped)."""
    try:
        conn.exec_driver_sql("CHECKPOINT")
    except DBAPIError as exc:
        print(f"(no CHECKPOINT before the reads: {str(exc.orig).splitlines()[0]})")


def _fresh(url: str) -> tracker.Tracker:
    """An initialised, empty store at ``url`` (on PostgreSQL its public schema is replaced)."""
    t = tracker.connect(url)
    if url.startswith("postgresql"):
        with t.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public; "
                                 "CREATE EXTENSION IF NOT EXISTS postgis")
    t.init()
    return t


def _import_without_intervals(url: str, stored: pd.DataFrame) -> float:
    """Seconds to import ``stored`` into a fresh store (next to ``url`` on SQLite, ``url``
    itself on PostgreSQL, emptied again afterwards) with the stored intervals skipped
    (:func:`intervals_skipped`)."""
    plain = _fresh(url.replace("bench.db", "bench-plain.db"))
    try:
        with intervals_skipped():
            t0 = time.perf_counter()
            records.insert_events(plain.engine, stored, origin="bench")
            return time.perf_counter() - t0
    finally:
        plain.engine.dispose()


def _write_map(one: tracker.Tracker) -> tuple[int, int]:
    """Write the map (``reports="auto"``); its size in bytes and the reports it leaves out."""
    from tracker.render import html_map

    with tempfile.TemporaryDirectory() as tmp:
        m = one.map(start=START, end=START + pd.Timedelta(days=DAYS - 1), step="month")
        path = html_map.save_map(m, Path(tmp) / "map.html")
        return path.stat().st_size, m.reports_left_out


if __name__ == "__main__":
    main()
