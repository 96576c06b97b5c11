"""ACLED deletions: the events ACLED removed from its dataset, as its Deletions API lists them.

A deletions file has the columns ``event_id_cnty`` and ``deleted_timestamp`` (epoch seconds of the
removal). A deletion at T removes every version of the event stamped at or before T: its control
events are retracted (new retraction records; nothing is erased), its point events no longer show
(:func:`tracker.store.point_batches.point_events`), and an older export imported later does not
bring it back. A version ACLED stamps after T (the event published again) counts as usual. Deletions
are known from the day of ``deleted_timestamp``, so "as known on" an earlier day still shows the
event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from tracker.core.acled_columns import ACLED_ID, EARLIEST, EVENT_ID_CNTY, MAX_LENGTH
from tracker.ingest import csvfile
from tracker.ingest.column_checks import empty_cells, parse_numbers, text_column
from tracker.ingest.events_csv import RowProblem, read_rows

DELETED_TIMESTAMP = "deleted_timestamp"
REQUIRED = (EVENT_ID_CNTY, DELETED_TIMESTAMP)
FORMAT = "acled-deletions"


def is_deletions_header(header: str) -> bool:
    """Whether a header line is that of an ACLED deletions file."""
    names = {h.strip().strip('"').casefold() for h in header.split(",")}
    return set(REQUIRED) <= names


@dataclass
class ParsedDeletions:
    """The good rows of a deletions file and what was wrong with the others."""

    deletions: pd.DataFrame  # acled_id, deleted_timestamp (int64), record (0 = first data row)
    n_records: int
    lines: csvfile.RecordLines
    problems: list[RowProblem] = field(default_factory=list)
    rejected_records: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))


def read_deletions(path: str | Path, *, today: date | None = None) -> ParsedDeletions:
    """Read and check a deletions file; every bad value becomes a :class:`RowProblem`."""
    rows = read_rows(path, required=REQUIRED, kind="an ACLED deletions file")
    n = len(rows)
    lines = csvfile.RecordLines.of_file(path, n)
    ids = text_column(pd.Series([r[EVENT_ID_CNTY] for r in rows], dtype=object), n)
    raw_ts = pd.Series([r[DELETED_TIMESTAMP] for r in rows], dtype=object)
    stamps, bad_number = parse_numbers(raw_ts, n, integer=True)
    latest = pd.Timestamp(today or date.today()) + pd.Timedelta(days=1)
    when = pd.to_datetime(pd.Series(stamps), unit="s", errors="coerce")
    out_of_range = ~np.isnan(stamps) & (when.isna() | (when < EARLIEST)
                                        | (when >= latest)).to_numpy()
    checks = [
        (empty_cells(ids), EVENT_ID_CNTY, ids, "required value is empty"),
        (ids.str.len().to_numpy() > MAX_LENGTH[EVENT_ID_CNTY], EVENT_ID_CNTY, ids,
         f"longer than {MAX_LENGTH[EVENT_ID_CNTY]} characters; shorten it"),
        (np.isnan(stamps) & ~bad_number, DELETED_TIMESTAMP, raw_ts,
         "required value is empty (epoch seconds of the deletion)"),
        (bad_number, DELETED_TIMESTAMP, raw_ts, "not a whole number of epoch seconds"),
        (out_of_range, DELETED_TIMESTAMP, raw_ts,
         f"not a deletion time: must lie between {EARLIEST.date()} and today"),
        (np.array(["__extra__" in r for r in rows], dtype=bool), "(row)", raw_ts,
         "the row has more fields than the header; quote values with commas"),
    ]
    problems: list[RowProblem] = []
    bad = np.zeros(n, dtype=bool)
    for mask, column, values, why in checks:
        for i in np.flatnonzero(mask):
            problems.append(RowProblem(int(lines.start[i]), column, str(values.iloc[i]), why))
        bad |= mask
    problems.sort(key=lambda p: p.line)
    good = np.flatnonzero(~bad)
    deletions = pd.DataFrame({
        ACLED_ID: ids.to_numpy(dtype=object)[good],
        DELETED_TIMESTAMP: stamps[good].astype("int64"),
        "record": good,
    }).drop_duplicates([ACLED_ID, DELETED_TIMESTAMP])
    return ParsedDeletions(deletions, n, lines, problems, np.flatnonzero(bad))
