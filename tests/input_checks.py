"""Helpers of the hostile-input tests: run the CLI as a user would and see what it stored."""

from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from tracker.cli import main

CATCH_ALL = "error: unexpected"  # tracker.cli.handle_errors: an error nobody foresaw
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# columns that hold multi-line free text (tabs and line breaks allowed)
MULTILINE_COLUMNS = {"notes", "reason", "data"}


def run(args: list[str], *, stdin: str | None = None):
    """``tracker ARGS`` in-process; fails the test on a traceback or the catch-all error."""
    result = CliRunner().invoke(main, args, input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback from tracker {' '.join(args[:2])}: {result.exception!r}")
    assert CATCH_ALL not in result.output, result.output
    assert "Traceback" not in result.output
    return result


def snapshot(url: str) -> dict[str, tuple[list[str], list[tuple]]]:
    """Columns and every row of every table, rows sorted (to compare a database before and after
    a command)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        out = {}
        with engine.connect() as conn:
            for table in sorted(inspect(conn).get_table_names()):
                result = conn.execute(text(f'SELECT * FROM "{table}"'))
                rows = sorted((tuple(r) for r in result.all()), key=repr)
                out[table] = (list(result.keys()), rows)
        return out
    finally:
        engine.dispose()


def forbidden(column: str, value: object) -> bool:
    """Whether a stored value holds a control character its column may not hold."""
    if not isinstance(value, str):
        return False
    pattern = CONTROL if column in MULTILINE_COLUMNS else LINE_CONTROL
    return bool(pattern.search(value))


def stored_control_characters(before: dict, after: dict) -> list[str]:
    """Text values added between two snapshots holding a control character they may not hold."""
    found = []
    for table, (columns, rows) in after.items():
        old = set(before.get(table, ([], []))[1])
        for row in rows:
            if row in old:
                continue
            found += [f"{table}.{c}: {v[:80]!r}" for c, v in zip(columns, row, strict=True)
                      if forbidden(c, v)]
    return found


def point_control_characters(url: str) -> list[str]:
    """Text of stored ACLED point events holding a control character its column may not hold."""
    import tracker

    t = tracker.connect(url)
    try:
        points = t.point_events(all_versions=True)
    finally:
        t.engine.dispose()
    found = []
    for column in points.columns:
        if points[column].dtype == object or str(points[column].dtype).startswith("str"):
            found += [f"point_events.{column}: {v[:80]!r}" for v in points[column]
                      if forbidden(column, v)]
    return found
