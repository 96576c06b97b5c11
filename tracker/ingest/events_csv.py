"""The project's own events CSV -> a validated event table with district codes.

Columns (header required): ``date``, ``district``, ``controller``; optional ``province``,
``status``, ``confidence``, ``source``, ``source_url``, ``reported_on``, ``notes``, ``event_id``,
``supersedes``, ``date_precision``. Every problem of every row is collected; a file with any bad
row is refused whole. ACLED exports are read by :mod:`tracker.ingest.acled.read`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.ingest import csvfile

REQUIRED = ("date", "district", "controller")
OPTIONAL = ("province", "status", "confidence", "source", "source_url", "reported_on", "notes",
            "event_id", "supersedes", "date_precision")
MAX_FIELD = 10_000
# Longest value per column where the store's column is shorter (store.models); others: MAX_FIELD.
MAX_LENGTH = {"event_id": 200, "supersedes": 200, "controller": 400, "source": 300}
MAX_ACTOR = 200  # each actor named in ``controller`` (tracker.store.models.Actor.name)
EARLIEST = date(1900, 1, 1)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass
class RowProblem:
    """One bad value: line number in the file (header = 1), column, value, why."""

    line: int
    column: str
    value: str
    why: str

    def __str__(self) -> str:
        value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"line {self.line}, {self.column}={value!r}: {self.why}"


@dataclass
class ParsedEvents:
    """Result of reading an events file."""

    events: pd.DataFrame
    lines: list[int]
    # line, name, code, rule
    variants: list[tuple[int, str, str, str]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. a province taken only as a hint


def read_text(path: str | Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM) or UTF-16 with BOM; else a clear error."""
    return csvfile.decode(path)


def read_rows(path: str | Path, *, required: tuple[str, ...] = REQUIRED,
              kind: str = "an events CSV") -> list[dict[str, str]]:
    """Rows of a CSV file as dicts, with header checks (empty file, delimiter, required columns).

    ``kind`` names the file in messages.
    """
    text = read_text(path)
    if not text.strip():
        msg = (f"{path}: the file is empty; {kind} needs a header line with "
               f"{', '.join(required)}")
        raise InputError(msg)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in required if c not in header]
    if missing:
        first = text.splitlines()[0]
        hint = next((f"; the header seems to use {d!r} as delimiter, use commas"
                     for d in (";", "\t", "|") if d in first and "," not in first), "")
        msg = (f"{path}: missing required column(s) {', '.join(missing)}{hint}; "
               f"the header must name {', '.join(required)}")
        raise InputError(msg)
    rows = []
    for row in reader:
        if None in row:
            extra = row.pop(None)
            row["__extra__"] = ",".join(extra or [])
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return rows


def parse_date(value: str, *, today: date) -> tuple[date, str]:
    """A date and its precision from ``YYYY-MM-DD``, ``YYYY-MM`` (month) or ``YYYY-Www`` (week)."""
    if _DAY.match(value):
        day = date.fromisoformat(value)
        precision = s.DAY
    elif m := _MONTH.match(value):
        day = date(int(m[1]), int(m[2]), 1)
        precision = s.MONTH
    elif m := _WEEK.match(value):
        day = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        precision = s.WEEK
    else:
        msg = "not a date: use YYYY-MM-DD (or YYYY-MM for a month, YYYY-Www for a week)"
        raise ValueError(msg)
    if day < EARLIEST or day > today:
        msg = f"date out of range: must lie between {EARLIEST} and today ({today})"
        raise ValueError(msg)
    return day, precision


def _check_date(value: str, *, today: date) -> tuple[date, str]:
    try:
        return parse_date(value, today=today)
    except ValueError as exc:
        text = str(exc)
        if "out of range" in text or text.startswith("not a date"):
            raise
        msg = "not a valid calendar date (YYYY-MM-DD)"
        raise ValueError(msg) from None


def stable_event_id(row: dict[str, object]) -> str:
    """An id derived from what a row says, so re-importing a file without ids adds nothing."""
    keys = ("date", "district_code", "controller", "status", "confidence", "source", "source_url")
    text = "\x1f".join(str(row.get(k) or "") for k in keys)
    return "h-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def parse_events(rows: list[dict[str, str]], gazetteer, *, scale: str = s.DEFAULT_SCALE,
                 today: date | None = None,
                 lines: Sequence[int] | None = None) -> ParsedEvents:
    """Validate rows of the events format and resolve their districts; collects every problem.

    ``lines`` gives the file line each row starts on (default: one line per row after the header).
    """
    today = today or date.today()
    allowed_status = s.STATUS_SCALES[scale]
    problems: list[RowProblem] = []
    names = pd.Series([r.get("district", "") for r in rows], dtype=object)
    provinces = pd.Series([r.get("province", "") or None for r in rows], dtype=object)
    resolved = gazetteer.resolve_table(names, provinces) if rows else pd.DataFrame()
    out, event_lines, variants, warnings = [], [], [], []
    for i, row in enumerate(rows):
        line = int(lines[i]) if lines is not None else i + 2
        bad = len(problems)
        if row.get("__extra__"):
            problems.append(RowProblem(line, "(row)", row["__extra__"],
                                       "more fields than header columns; quote values with commas"))
        for col, value in row.items():
            limit = MAX_LENGTH.get(col, MAX_FIELD)
            if len(value) > limit:
                problems.append(RowProblem(line, col, value, f"longer than {limit} characters"))
        for col in REQUIRED:
            if col == "controller" and row.get("status") == s.CONTESTED:
                continue  # contested between unnamed parties
            if not row.get(col):
                problems.append(RowProblem(line, col, "", "required value is empty"))
        day = precision = None
        if row.get("date"):
            try:
                day, precision = _check_date(row["date"], today=today)
            except ValueError as exc:
                problems.append(RowProblem(line, "date", row["date"], str(exc)))
        if row.get("date_precision"):
            if row["date_precision"] not in s.PRECISIONS:
                problems.append(RowProblem(line, "date_precision", row["date_precision"],
                                           f"must be one of {', '.join(s.PRECISIONS)}"))
            else:
                precision = row["date_precision"]
        reported = None
        if row.get("reported_on"):
            try:
                reported, _ = _check_date(row["reported_on"], today=today)
            except ValueError as exc:
                problems.append(RowProblem(line, "reported_on", row["reported_on"], str(exc)))
        status = row.get("status") or s.CONTROLLED
        if status not in allowed_status:
            problems.append(RowProblem(line, "status", status,
                                       f"must be one of {', '.join(allowed_status)}"))
        confidence = row.get("confidence") or s.REPORTED
        if confidence not in s.CONFIDENCES:
            problems.append(RowProblem(line, "confidence", confidence,
                                       f"must be one of {', '.join(s.CONFIDENCES)}"))
        actors = s.split_actors(row.get("controller", ""))
        if len(row.get("controller", "")) <= MAX_LENGTH["controller"] and any(
                len(a) > MAX_ACTOR for a in actors):
            problems.append(RowProblem(line, "controller", row["controller"],
                                       f"an actor name is longer than {MAX_ACTOR} characters"))
        code = None
        if row.get("district"):
            res = resolved.iloc[i]
            if res["error"]:
                problems.append(RowProblem(line, "district", row["district"], res["error"]))
            else:
                code = res[s.DISTRICT_CODE]
                if res["rule"] not in ("code", "exact"):
                    variants.append((line, row["district"], code, res["rule"]))
                if res.get("warning"):
                    warnings.append(f"line {line}: {res['warning']}")
        if len(problems) > bad:
            continue
        event = {
            s.DATE: pd.Timestamp(day), s.DATE_PRECISION: precision, s.DISTRICT_CODE: code,
            s.CONTROLLER: s.join_actors(actors) if len(actors) > 1 else (actors or [""])[0],
            s.STATUS: status, s.CONFIDENCE: confidence,
            s.SOURCE: row.get("source") or None, s.SOURCE_URL: row.get("source_url") or None,
            s.REPORTED_ON: pd.Timestamp(reported) if reported else pd.NaT,
            s.NOTES: row.get("notes") or None, s.SUPERSEDES: row.get("supersedes") or None,
        }
        event[s.EVENT_ID] = row.get("event_id") or stable_event_id(
            {**event, "date": day.isoformat()})
        out.append(event)
        event_lines.append(line)
    events = s.normalize_events(pd.DataFrame(out)) if out else s.empty_events()
    parsed = ParsedEvents(events, event_lines, variants, problems, warnings)
    _check_duplicate_ids(parsed)
    return parsed


def _check_duplicate_ids(parsed: ParsedEvents) -> None:
    """Keep the first row of a repeated event_id; a repeat with other content is a problem."""
    ev = parsed.events
    repeated = ev[s.EVENT_ID].duplicated(keep=False)
    if not repeated.any():
        return
    content = ev.drop(columns=[s.RECORDED_AT, s.RETRACTED_AT])
    first: dict[str, int] = {}
    keep = []
    for pos in range(len(ev)):
        eid = ev[s.EVENT_ID].iat[pos]
        if not repeated.iat[pos] or eid not in first:
            first.setdefault(eid, pos)
            keep.append(pos)
            continue
        same = content.iloc[pos].astype(object).equals(content.iloc[first[eid]].astype(object))
        if not same:
            parsed.problems.append(RowProblem(
                parsed.lines[pos], "event_id", eid,
                f"same event_id as line {parsed.lines[first[eid]]} with different content"))
    parsed.events = ev.iloc[keep].reset_index(drop=True)
    parsed.lines = [parsed.lines[p] for p in keep]


def raise_problems(path: str | Path, problems: list[RowProblem], *, limit: int = 20,
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
