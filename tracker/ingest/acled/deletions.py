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

from tracker.core.acled_columns import ACLED_ID, EARLIEST, EVENT_ID_CNTY
from tracker.ingest import csvfile
from tracker.ingest.column_checks import empty_cells, epochs_outside, parse_numbers
from tracker.ingest.problems import Problem, Problems, listed
from tracker.ingest.text_fields import check_text, store_limit
from tracker.store.models import AcledDeletion

DELETED_TIMESTAMP = "deleted_timestamp"
REQUIRED = (EVENT_ID_CNTY, DELETED_TIMESTAMP)
FORMAT = "acled-deletions"
MAX_ID = store_limit(AcledDeletion.acled_id)


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
    problems: list[Problem] = field(default_factory=list)
    rejected_records: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))


def read_deletions(path: str | Path, *, today: date | None = None) -> ParsedDeletions:
    """Read and check a deletions file column by column; every bad value becomes a problem."""
    problems = Problems()
    table = csvfile.read_table(path, required=REQUIRED, kind="an ACLED deletions file",
                               problems=problems, casefold=True)
    n, lines = table.n, table.lines
    ids = table.frame[EVENT_ID_CNTY].astype(str)
    raw_ts = table.frame[DELETED_TIMESTAMP].astype(str)
    bad_id = check_text(ids, EVENT_ID_CNTY, problems, limit=MAX_ID)
    bad_ts = check_text(raw_ts, DELETED_TIMESTAMP, problems)
    problems.add(empty_cells(ids), EVENT_ID_CNTY, ids, "required value is empty")
    stamps, bad_number = parse_numbers(raw_ts.where(~bad_ts, ""), n, integer=True)
    out_of_range = epochs_outside(stamps, EARLIEST, today or date.today())
    problems.add(np.isnan(stamps) & ~bad_number & ~bad_ts, DELETED_TIMESTAMP, raw_ts,
                 "required value is empty (epoch seconds of the deletion)")
    problems.add(bad_number, DELETED_TIMESTAMP, raw_ts, "not a whole number of epoch seconds")
    problems.add(out_of_range, DELETED_TIMESTAMP, raw_ts,
                 f"not a deletion time: must lie between {EARLIEST.date()} and today")
    bad = problems.bad(n) | bad_id
    good = np.flatnonzero(~bad)
    deletions = pd.DataFrame({
        ACLED_ID: ids.to_numpy(dtype=object)[good],
        DELETED_TIMESTAMP: stamps[good].astype("int64"),
        "record": good,
    }).drop_duplicates([ACLED_ID, DELETED_TIMESTAMP])
    found = problems.frame()
    return ParsedDeletions(deletions, n, lines, listed(found, lambda r: lines.start[r]),
                           problems.records())
