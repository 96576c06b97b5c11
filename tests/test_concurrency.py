"""Several importing processes at once, and an import killed half-way, on both backends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from tracker.store import engines, records

HEADER = "event_id,date,district,controller,status,confidence,source,source_url,reported_on\n"
CODES = ["AF0101", "AF0102", "AF0201", "AF0907", "AF0912", "AF1001"]


def write_events(path, ids) -> None:
    lines = [f"{p}{i},2021-{7 + i % 2:02d}-{1 + i % 28:02d},{CODES[i % len(CODES)]},Taliban,"
             f"controlled,reported,AP,https://example.org/{i % 50},2021-08-30\n"
             for p, i in ids]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")


def run_import(url: str, path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tracker", "import", str(path), "--db", url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_concurrent_imports_land_every_event_once(fresh, tmp_path):
    # four files of 300 events, each overlapping its neighbours by 150
    files = []
    for k in range(4):
        path = tmp_path / f"part{k}.csv"
        write_events(path, [("c", i) for i in range(k * 150, k * 150 + 300)])
        files.append(path)
    procs = [run_import(fresh.url, f) for f in files]
    outputs = [p.communicate(timeout=240) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outputs
    added = sum(int(out.split()[1]) for out, _ in outputs)
    assert added == 750  # ids 0..749, each added by exactly one process
    assert records.count_events(fresh.engine) == 750
    with fresh.engine.connect() as conn:
        assert conn.execute(text("SELECT count(DISTINCT event_id) FROM events")).scalar() == 750
        # one source per (publisher, url, date), even though the processes raced on them
        assert conn.execute(text("SELECT count(*) FROM sources")).scalar() == 50
    # the stored intervals were rewritten by each import in its transaction: they agree
    assert records.check_intervals(fresh.engine).empty
    assert len(records.control_intervals(fresh.engine)) == len(CODES)


def _holds_write_lock(url: str, engine) -> bool:
    """True while another process holds the store's write lock."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND objid = :key"), {"key": engines.WRITE_LOCK_KEY}).scalar() > 0
    import sqlite3

    con = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        con.close()


@pytest.mark.parametrize("rows", [60000])
def test_an_import_killed_half_way_leaves_the_database_as_before(fresh, tmp_path, rows):
    small = tmp_path / "small.csv"
    write_events(small, [("s", i) for i in range(20)])
    assert fresh.import_csv(small).added == 20
    big = tmp_path / "big.csv"
    write_events(big, [("b", i) for i in range(rows)])
    proc = run_import(fresh.url, big)
    deadline = time.monotonic() + 180
    while not _holds_write_lock(fresh.url, fresh.engine):
        assert proc.poll() is None, "the import ended before it was killed: make the file bigger"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.3)  # well inside the write transaction
    assert proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 30
    while _holds_write_lock(fresh.url, fresh.engine):  # PostgreSQL notices the dead client
        assert time.monotonic() < deadline, "the write lock was left held"
        time.sleep(0.1)
    assert records.count_events(fresh.engine) == 20
    # nothing left locked: another import goes through at once
    more = tmp_path / "more.csv"
    write_events(more, [("m", i) for i in range(5)])
    assert fresh.import_csv(more).added == 5
    assert records.count_events(fresh.engine) == 25
