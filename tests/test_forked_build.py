"""The stored intervals built in a forked child (``tracker.store.forked``, ``sqlite_image``).

A child's result and errors come back to the writer, a child is never left behind, a database
image stores the values the driver would, and the rows of a forked build equal the core's, for
imports of events and of ACLED files (PostgreSQL builds them in a thread: checked the same).
"""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from acled_files import GOV, acled_row, write_acled
from sqlalchemy import Column, Date, Integer, MetaData, Table, Text, func, select

import tracker
from tracker._errors import InputError
from tracker.core import schema as s
from tracker.store import forked, intervals, sqlite_image
from tracker.store.engines import open_engine, write_transaction

SHIPPED = Path(tracker.__file__).parent / "data" / "afghanistan-2021.csv"


def require_fork() -> None:
    """Fails (not skips) where the forked build would not run: these tests exist for it."""
    assert forked.available(), f"fork not available here: threads {threading.enumerate()}"


def pid_and_bytes(n: int) -> tuple[int, bytes]:
    return os.getpid(), b"x" * n


def test_the_child_runs_in_another_process_and_hands_back_a_large_result():
    require_fork()
    pid, payload = forked.start(pid_and_bytes, 3_000_000).result()  # beyond a pipe's buffer
    assert pid != os.getpid()
    assert payload == b"x" * 3_000_000


def refuse() -> None:
    msg = "district 'XX01' is not in the boundary layer; add it or fix the code"
    raise InputError(msg)


def test_an_error_in_the_child_is_raised_by_result_as_it_was():
    require_fork()
    with pytest.raises(InputError, match="district 'XX01' is not in the boundary layer"):
        forked.start(refuse).result()


def test_an_error_that_cannot_be_pickled_comes_back_as_its_message():
    require_fork()

    class OnlyHere(Exception):  # a local class: pickle cannot name it
        pass

    def fail() -> None:
        msg = "the core failed here"
        raise OnlyHere(msg)

    with pytest.raises(RuntimeError, match="the core failed here"):
        forked.start(fail).result()


def killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel kills a process short of memory


def test_a_child_killed_before_its_result_is_reported_lost():
    require_fork()
    with pytest.raises(forked.ChildLost, match="ended without a result"):
        forked.start(killed).result()


def test_a_result_is_taken_once():
    require_fork()
    handle = forked.start(pid_and_bytes, 10)
    handle.result()
    with pytest.raises(RuntimeError, match="taken already"):
        handle.result()


def test_a_result_never_asked_for_leaves_no_child_behind():
    require_fork()
    handle = forked.start(time.sleep, 60)
    pid = handle.pid
    assert Path(f"/proc/{pid}").exists()
    del handle
    gc.collect()
    with pytest.raises(ChildProcessError):  # reaped already: not a child of ours any more
        os.waitpid(pid, os.WNOHANG)


def test_no_fork_while_another_thread_runs():
    require_fork()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forked.available()
    finally:
        stop.set()
        other.join()
    assert forked.available()


# --- database images -------------------------------------------------------------------------
ROWS = [("Taliban", None, "2021-08-20", 3),
        ("Resistance \"NRF\" 'Andarab'", "a\ttab, a\nline, \\N, ü, 😀", "2021-08-21", None),
        ("", "", None, 0)]
COLUMNS = ["name", "note", "day", "n"]


def _table(meta: MetaData, name: str) -> Table:
    return Table(name, meta, Column("id", Integer, primary_key=True), Column("name", Text),
                 Column("note", Text), Column("day", Date), Column("n", Integer))


def _stored(conn, name: str) -> list[tuple]:
    return conn.exec_driver_sql(
        f"SELECT name, note, day, n, typeof(name), typeof(note), typeof(day), typeof(n) "
        f"FROM {name} ORDER BY id").all()


def _attached(conn) -> set[str]:
    return {row[1] for row in conn.exec_driver_sql("PRAGMA database_list")}


def test_an_image_stores_the_values_the_driver_would_store(tmp_path):
    engine = open_engine(f"sqlite:///{tmp_path / 'image.db'}")
    meta = MetaData()
    _table(meta, "by_driver")
    by_image = _table(meta, "by_image")
    meta.create_all(engine)
    with write_transaction(engine) as conn:
        conn.connection.driver_connection.executemany(
            "INSERT INTO by_driver (name, note, day, n) VALUES (?, ?, ?, ?)", ROWS + ROWS[:1])
        sqlite_image.insert_image(conn, by_image, COLUMNS, sqlite_image.image_of(COLUMNS, ROWS))
        # a second image in the same transaction
        sqlite_image.insert_image(conn, by_image, COLUMNS,
                                  sqlite_image.image_of(COLUMNS, ROWS[:1]))
    with engine.connect() as conn:
        assert _stored(conn, "by_image") == _stored(conn, "by_driver")
        assert len(_stored(conn, "by_image")) == 4
        assert not any(n.startswith("tracker_image") for n in _attached(conn))
    engine.dispose()


def test_an_image_inserted_by_a_transaction_that_fails_leaves_the_table_as_it_was(tmp_path):
    engine = open_engine(f"sqlite:///{tmp_path / 'image.db'}")
    meta = MetaData()
    table = _table(meta, "kept")
    meta.create_all(engine)
    with pytest.raises(RuntimeError, match="later step failed"), \
            write_transaction(engine) as conn:
        sqlite_image.insert_image(conn, table, COLUMNS, sqlite_image.image_of(COLUMNS, ROWS))
        assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 3
        msg = "a later step failed"
        raise RuntimeError(msg)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0
        assert not any(n.startswith("tracker_image") for n in _attached(conn))
    engine.dispose()


# --- the store's rows built by a forked child ------------------------------------------------
@pytest.fixture
def forked_builds(monkeypatch) -> list[str]:
    """Every write builds its rows in a forked child; lists what each child was asked to run."""
    require_fork()
    monkeypatch.setattr(intervals, "FORK_FROM", 0)
    started: list[str] = []
    start = forked.start

    def counted(fn, *args):
        started.append(fn.__name__)
        return start(fn, *args)

    monkeypatch.setattr(forked, "start", counted)
    return started


def test_a_forked_build_of_an_events_import_stores_the_cores_rows(fresh, forked_builds):
    fresh.import_file(SHIPPED)
    sqlite = fresh.engine.dialect.name == "sqlite"
    assert forked_builds == (["_staged_rows"] if sqlite else [])  # PostgreSQL: the thread
    assert fresh.check_store().empty  # the stored rows equal the core's recomputation
    assert len(fresh.intervals()) > 400


def test_a_forked_build_of_an_acled_import_stores_the_cores_rows(fresh, forked_builds,
                                                                  tmp_path):
    rows = [acled_row("AFG1", "Pul-e-Khumri", date="2021-08-10"),
            acled_row("AFG2", "Banu", date="2021-08-20", sub="Government regains territory",
                      actor1=GOV),
            acled_row("AFG3", "Kunduz", date="2021-08-08")]
    fresh.import_file(write_acled(tmp_path / "acled.csv", rows))
    assert bool(forked_builds) == (fresh.engine.dialect.name == "sqlite")
    assert fresh.check_store().empty
    held = fresh.status("2021-08-21").set_index(s.DISTRICT_CODE)[s.CONTROLLER]
    assert held["AF0901"] == "Taliban"
    assert held["AF1901"] == "Taliban"



def test_an_import_whose_child_is_killed_builds_its_rows_itself(tmp_path, forked_builds,
                                                                monkeypatch):
    parent = os.getpid()
    image_of = sqlite_image.image_of

    def killed_in_the_child(columns, rows):
        if os.getpid() != parent:
            killed()
        return image_of(columns, rows)

    monkeypatch.setattr(sqlite_image, "image_of", killed_in_the_child)
    t = tracker.connect(f"sqlite:///{tmp_path / 'killed.db'}")
    t.init()
    report = t.import_file(SHIPPED)
    assert forked_builds == ["_staged_rows"]  # the child was started, and lost
    assert report.added == len(t.events())
    assert t.check_store().empty
    assert len(t.intervals()) > 400
    t.close()
