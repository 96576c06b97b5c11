"""State of every district on one date, and reading every event, with 1,000,000 stored events.

The events are loaded in bulk (COPY / executemany), then the stored bitemporal intervals of every
district are built from them (:func:`tracker.store.intervals.rebuild`, as ``tracker db check
--repair`` does; timed); the state on a date is then one indexed read of that table on both
backends (the SP-GiST index of the rectangles on PostgreSQL, one index probe per district on
SQLite), through the same call, ``tracker.store.records.state_on``.
``tracker.store.records.read_events`` (behind ``Tracker.events()``, exports and the map) reads every
event.

Usage::

    TRACKER_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/postgres \\
        .venv/bin/python benchmarks/bench_store.py [--events 1000000]

The URL names any database on the server; the benchmark creates its own database next to it and
drops it at the end. ``scripts/run-tests`` shows how to start a throwaway server.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

import tracker
from tracker.core import schema as s
from tracker.store import intervals, records
from tracker.store.engines import write_transaction
from tracker.store.models import chunks

DAY = pd.Timestamp("2021-08-15")


def synthetic(n: int, codes: list[str], seed: int = 1) -> pd.DataFrame:
    """``n`` events on the given districts over three years (2019-2021)."""
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 1096, n), unit="D")
    return pd.DataFrame({
        "event_id": [f"b{i:07d}" for i in range(n)],
        "date": days.date,
        "date_precision": "day",
        "district_code": np.asarray(codes, dtype=object)[rng.integers(0, len(codes), n)],
        "controller": rng.choice(["Taliban", "Afghan government", "Resistance"], n,
                                 p=[0.5, 0.4, 0.1]),
        "status": rng.choice([s.CONTROLLED, s.CONTESTED], n, p=[0.85, 0.15]),
        "confidence": rng.choice(s.CONFIDENCES, n, p=[0.2, 0.6, 0.2]),
        "origin": "bench",
        "content_hash": "-",
        "recorded_at": pd.Timestamp("2022-01-01").to_pydatetime(),
    })


def load_postgres(t: tracker.Tracker, events: pd.DataFrame) -> float:
    cols = list(events.columns)
    start = time.perf_counter()
    raw = t.engine.raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy(f"COPY events ({', '.join(cols)}) FROM STDIN") as copy:
            for row in events.itertuples(index=False, name=None):
                copy.write_row(row)
        cur.execute("ANALYZE events")
        raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - start


def load_sqlite(t: tracker.Tracker, events: pd.DataFrame) -> float:
    """executemany in big chunks inside one transaction, on the DBAPI connection (the values
    written as SQLAlchemy writes them: ISO dates, timestamps with microseconds)."""
    table = events.assign(date=[d.isoformat() for d in events["date"]],
                          recorded_at=pd.to_datetime(events["recorded_at"])
                          .dt.strftime("%Y-%m-%d %H:%M:%S.%f"))
    cols = list(table.columns)
    sql = f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    start = time.perf_counter()
    raw = t.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN")
        rows = list(table.itertuples(index=False, name=None))
        for part in chunks(rows, 100_000):
            cur.executemany(sql, part)
        cur.execute("COMMIT")
        cur.execute("ANALYZE")
    finally:
        raw.close()
    return time.perf_counter() - start


def time_state(t: tracker.Tracker, codes: list[str],
               repeat: int) -> tuple[float, float, float, str]:
    """First call (statements built and compiled, connection opened), then median and best of
    ``repeat`` further calls."""
    start = time.perf_counter()
    records.state_on(t.engine, DAY, districts=codes)
    first = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        state = records.state_on(t.engine, DAY, districts=codes)
        times.append(time.perf_counter() - start)
    summary = state[s.STATUS].value_counts().to_dict()
    return first, statistics.median(times), min(times), str(summary)


def time_read(t: tracker.Tracker) -> tuple[float, int]:
    start = time.perf_counter()
    n = len(records.read_events(t.engine))
    return time.perf_counter() - start, n


def _load() -> str:
    """The 1, 5 and 15 minute load averages and the number of cores (the timings depend on it)."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    url = os.environ.get("TRACKER_BENCH_PG_URL") or os.environ.get("TRACKER_TEST_PG_URL")
    if not url:
        print("set TRACKER_TEST_PG_URL (or TRACKER_BENCH_PG_URL) to a PostgreSQL server with "
              "PostGIS; scripts/run-tests shows how to start one", file=sys.stderr)
        return 2
    admin = create_engine(make_url(url), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    pg_url = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            pg = tracker.connect(pg_url)
            lite = tracker.connect(f"sqlite:///{Path(tmp) / 'bench.db'}")
            pg.init()
            lite.init()
            codes = pg.district_layer()[s.DISTRICT_CODE].tolist()
            events = synthetic(args.events, codes)
            print(f"{args.events:,} events on {len(codes)} districts, state on {DAY.date()}")
            print(f"load   PostgreSQL (COPY)        {load_postgres(pg, events):7.1f} s")
            print(f"load   SQLite (executemany)     {load_sqlite(lite, events):7.1f} s")
            for label, which in (("PostgreSQL", pg), ("SQLite    ", lite)):
                start = time.perf_counter()
                with write_transaction(which.engine) as conn:
                    n_rows = intervals.rebuild(conn)
                print(f"intervals {label}            {time.perf_counter() - start:7.1f} s  "
                      f"({n_rows:,} bitemporal rows built from the events)")
            print(f"load average before timing: {_load()}")
            first, med, best, summary = time_state(pg, codes, args.repeat)
            print(f"state  PostgreSQL               {med * 1000:7.0f} ms median, "
                  f"{best * 1000:.0f} ms best of {args.repeat}, first call {first * 1000:.0f} ms"
                  f"  (target < 50 ms)")
            first_l, med_l, best_l, summary_l = time_state(lite, codes, args.repeat)
            print(f"state  SQLite                   {med_l * 1000:7.0f} ms median, "
                  f"{best_l * 1000:.0f} ms best of {args.repeat}, first call "
                  f"{first_l * 1000:.0f} ms  (target < 50 ms)")
            print(f"load average after timing: {_load()}")
            print(f"same answer on both: {summary == summary_l}  {summary}")
            for label, which in (("PostgreSQL", pg), ("SQLite    ", lite)):
                took, n = time_read(which)
                print(f"read_events {label}          {took:7.1f} s  ({n:,} events)")
            pg.engine.dispose()
            lite.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
