"""The one problem type of every importer: bad values collected column by column.

Every importer (events CSV, ACLED exports, ACLED deletions, and any new one) checks whole columns
and records what is wrong in a :class:`Problems` collector: one call per check, a boolean mask over
the file's data records, the column, the values and why. Nothing is raised per row: the importer
either refuses the whole file with :func:`raise_problems` (every problem, with its physical line)
or, with ``--skip-bad``, stores the good records and copies :meth:`Problems.records` to the
rejects file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tracker._errors import InputError

RECORD = "record"  # position of a data record in the file (0 = first after the header)
COLUMNS = (RECORD, "column", "value", "why")
SHOWN = 60  # characters of a bad value shown in a message


@dataclass
class Problem:
    """One bad value: line number in the file (header = 1), column, value, why."""

    line: int
    column: str
    value: str
    why: str

    def __str__(self) -> str:
        value = self.value if len(self.value) <= SHOWN else self.value[:SHOWN - 3] + "..."
        return f"line {self.line}, {self.column}={value!r}: {self.why}"


RowProblem = Problem  # the name used before every importer shared it


def no_problems() -> pd.DataFrame:
    """An empty problem table (columns :data:`COLUMNS`)."""
    return pd.DataFrame({RECORD: pd.Series(dtype="int64"), "column": pd.Series(dtype=object),
                         "value": pd.Series(dtype=object), "why": pd.Series(dtype=object)})


class Problems:
    """Bad values of a file, collected one check (one column, one reason) at a time."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def add(self, mask: np.ndarray, column: str, values, why: str | np.ndarray) -> None:
        """Record the records where ``mask`` is true as bad in ``column``.

        ``values`` is the column (Series or array aligned with ``mask``) or one value for all;
        ``why`` is one reason or an array of reasons aligned with ``mask``.
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        rows = np.flatnonzero(mask)
        if isinstance(values, pd.Series):
            vals = values.iloc[rows].to_numpy(dtype=object)
        elif np.isscalar(values):
            vals = values
        else:
            vals = np.asarray(values, dtype=object)[rows]
        whys = why[rows] if isinstance(why, np.ndarray) else why
        self.parts.append(pd.DataFrame({RECORD: rows, "column": column,
                                        "value": pd.Series(vals, dtype=object).astype(str),
                                        "why": whys}))

    def extend(self, frame: pd.DataFrame) -> None:
        """Add a problem table (columns :data:`COLUMNS`) made elsewhere."""
        if len(frame):
            self.parts.append(frame[list(COLUMNS)])

    def frame(self) -> pd.DataFrame:
        """Every problem, in record order (checks in the order they were added)."""
        if not self.parts:
            return no_problems()
        return pd.concat(self.parts, ignore_index=True).sort_values(RECORD, kind="stable")

    def records(self) -> np.ndarray:
        """The bad records, sorted, each once."""
        if not self.parts:
            return np.zeros(0, dtype=int)
        return np.unique(np.concatenate([p[RECORD].to_numpy(dtype=int) for p in self.parts]))

    def bad(self, n: int) -> np.ndarray:
        """Mask over ``n`` records: true where a record has a problem."""
        mask = np.zeros(n, dtype=bool)
        mask[self.records()] = True
        return mask


def listed(frame: pd.DataFrame, line_of, *, limit: int | None = None) -> list[Problem]:
    """The first ``limit`` rows of a problem table as :class:`Problem` (``line_of(records)``
    gives the physical lines)."""
    head = frame if limit is None else frame.head(limit)
    lines = line_of(head[RECORD].to_numpy(dtype=int))
    return [Problem(int(line), col, str(value), why) for line, col, value, why in
            zip(lines, head["column"], head["value"], head["why"], strict=True)]


def raise_problems(path: str | Path, problems: list[Problem], *, limit: int = 20,
                   total: int | None = None) -> None:
    """Raise one InputError listing the bad rows (the first line says how many).

    ``total`` is the number of problems when ``problems`` holds only the first ones.
    """
    if not problems:
        return
    total = max(total or 0, len(problems))
    shown = "; ".join(str(p) for p in problems[:limit])
    more = f"; ... and {total - min(limit, len(problems))} more" if total > limit else ""
    msg = (f"{path}: {total} bad value(s), nothing imported: {shown}{more}; "
           f"fix them, or use --skip-bad to import the good rows")
    raise InputError(msg)


def refuse_lines(path: str | Path, problems: Problems, line_of, *, stored: str, fix: str,
                 limit: int = 20) -> None:
    """Raise one InputError for an all-or-nothing file: how many lines are bad, the first
    ``limit`` problems (``line N, column='value': why``) and how to fix them.

    ``line_of(records)`` gives the physical lines; ``stored`` says what was not stored
    (``"no alias stored"``). Nothing is raised when there is no problem.
    """
    if not problems:
        return
    frame = problems.frame()
    shown = listed(frame, line_of, limit=limit)
    more = len(frame) - len(shown)
    tail = f"; ... and {more} more problem(s)" if more else ""
    msg = (f"{path}: {len(problems.records())} bad line(s), {stored}: "
           f"{'; '.join(str(p) for p in shown)}{tail}; {fix}")
    raise InputError(msg)
