"""The project's own events CSV -> a validated event table with district codes.

Columns (header required): ``date``, ``district``, ``controller``; optional ``province``,
``status``, ``confidence``, ``source``, ``source_url``, ``reported_on``, ``notes``, ``event_id``,
``supersedes``, ``date_precision``. Every column is checked whole (one check per column, every
distinct value converted once) into a :class:`~tracker.ingest.problems.Problems` collector; a file
with any bad row is refused whole. Text sizes come from the store's column types
(:func:`tracker.ingest.text_fields.store_limit`). ACLED exports are read by
:mod:`tracker.ingest.acled.read`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.ingest import csvfile
from tracker.ingest.column_checks import empty_cells
from tracker.ingest.problems import Problem, Problems, RowProblem, listed, raise_problems
from tracker.ingest.text_fields import check_text, store_limit
from tracker.store.models import ActorAlias, Alias, ControlEvent, Source

__all__ = ["ParsedEvents", "Problem", "RowProblem", "parse_events", "raise_problems",
           "read_events_table", "read_rows", "read_text", "unread_columns"]

REQUIRED = ("date", "district", "controller")
OPTIONAL = ("province", "status", "confidence", "source", "source_url", "reported_on", "notes",
            "event_id", "supersedes", "date_precision")
COLUMNS = (*REQUIRED, *OPTIONAL)
# Longest value per column: the store column it ends in (None: only the field size applies).
MAX_LENGTH = {
    "event_id": store_limit(ControlEvent.event_id),
    "supersedes": store_limit(ControlEvent.supersedes),
    "controller": store_limit(ControlEvent.controller),
    "status": store_limit(ControlEvent.status),
    "confidence": store_limit(ControlEvent.confidence),
    "date_precision": store_limit(ControlEvent.date_precision),
    "source": store_limit(Source.publisher),
    "source_url": store_limit(Source.url),
    # a name longer than any alias the store can hold resolves to nothing
    "district": store_limit(Alias.name),
    "province": store_limit(Alias.name),
}
MAX_ACTOR = store_limit(ActorAlias.actor)  # each actor named in ``controller``
# Header names users write for a column the format names otherwise (after casefolding, with
# spaces and hyphens read as underscores).
COLUMN_SYNONYMS = {
    "url": "source_url", "link": "source_url", "source_link": "source_url",
    "sources": "source", "publisher": "source", "note": "notes", "comment": "notes",
    "comments": "notes", "id": "event_id", "actor": "controller", "controlled_by": "controller",
    "admin2": "district", "admin1": "province", "precision": "date_precision",
    "reported": "reported_on", "status_confidence": "confidence",
}
MULTILINE = ("notes",)
EARLIEST = date(1900, 1, 1)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass
class ParsedEvents:
    """Result of reading an events file."""

    events: pd.DataFrame
    lines: list[int]
    # line, name, code, rule
    variants: list[tuple[int, str, str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rejected_records: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    n_problems: int = 0
    warnings: list[str] = field(default_factory=list)  # e.g. a province taken only as a hint


def read_text(path: str | Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM) or UTF-16 with BOM; else a clear error."""
    return csvfile.decode(path)


def read_events_table(path: str | Path, problems: Problems) -> csvfile.CsvTable:
    """The events CSV's columns as text, with their lines (header problems raise, among them a
    column named so that it would not be read although it stands for one the format reads:
    "Confidence", "url")."""
    table = csvfile.read_table(path, required=REQUIRED, kind="an events CSV", problems=problems)
    misnamed = [(h, m) for h in dict.fromkeys(table.header) if h not in COLUMNS
                and (m := _meant(h, table.header))]
    if misnamed:
        said = "; ".join(f"{h!r} would not be read: rename it {m!r}" for h, m in misnamed)
        msg = (f"{path}: {said} (or give it a name the events format does not use, to leave "
               f"it out); nothing imported")
        raise InputError(msg)
    return table


def _meant(name: str, header: list[str]) -> str:
    """The format's column a header name not read stands for ('' when none, or when the
    header names that column too)."""
    key = re.sub(r"[\s\-]+", "_", name.casefold())
    meant = key if key in COLUMNS else COLUMN_SYNONYMS.get(key, "")
    return meant if meant not in header else ""


def unread_columns(header: list[str]) -> str:
    """A warning naming the header's columns the events format does not read, or ''."""
    unread = [h for h in dict.fromkeys(header) if h and h not in COLUMNS]
    if not unread:
        return ""
    return (f"column(s) {', '.join(map(repr, unread))} not read: an events CSV reads "
            f"{', '.join(COLUMNS)}")


def read_rows(path: str | Path, *, required: tuple[str, ...] = REQUIRED,
              kind: str = "an events CSV") -> list[dict[str, str]]:
    """Rows of a CSV file as dicts (header checked; rows with too many fields get
    ``__extra__``)."""
    problems = Problems()
    table = csvfile.read_table(path, required=required, kind=kind, problems=problems)
    rows = table.frame.to_dict("records")
    for p in problems.frame().itertuples():
        rows[p.record]["__extra__"] = p.value
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


def parse_dates(values: pd.Series, *, today: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(days as datetime64[s] with NaT, precisions, why-text or '') of a column of dates.

    Every distinct value is parsed once; empty cells give NaT and no reason.
    """
    codes, uniques = pd.factorize(values)
    days, precisions, whys = [], [], []
    for value in uniques:
        day, precision, why = None, None, ""
        if value:
            try:
                day, precision = _check_date(str(value), today=today)
            except ValueError as exc:
                why = str(exc)
        days.append(np.datetime64(day, "s") if day else np.datetime64("NaT", "s"))
        precisions.append(precision)
        whys.append(why)
    days.append(np.datetime64("NaT", "s"))
    precisions.append(None)
    whys.append("")
    return (np.asarray(days, dtype="datetime64[s]")[codes],
            np.asarray(precisions, dtype=object)[codes], np.asarray(whys, dtype=object)[codes])


def stable_event_id(row: dict[str, object]) -> str:
    """An id derived from what a row says, so re-importing a file without ids adds nothing."""
    keys = ("date", "district_code", "controller", "status", "confidence", "source", "source_url")
    text = "\x1f".join(str(row.get(k) or "") for k in keys)
    return "h-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def parse_events(rows: list[dict[str, str]] | pd.DataFrame, gazetteer, *,
                 scale: str = s.DEFAULT_SCALE, today: date | None = None,
                 lines=None, problems: Problems | None = None) -> ParsedEvents:
    """Validate the events format column by column and resolve districts; collects every problem.

    ``rows`` is a table of text columns (or a list of row dicts); ``lines`` gives the file line
    each row starts on (default: one line per row after the header); ``problems`` may already
    hold problems found while reading (rows of the wrong width).
    """
    today = today or date.today()
    frame = pd.DataFrame(rows) if not isinstance(rows, pd.DataFrame) else rows
    frame = frame.reset_index(drop=True)
    n = len(frame)
    line_of = np.asarray(lines, dtype=int) if lines is not None else np.arange(2, n + 2)
    problems = problems if problems is not None else Problems()
    if "__extra__" in frame:
        extra = frame["__extra__"].fillna("").astype(str)
        problems.add((extra != "").to_numpy(), "(row)", extra,
                     "more fields than header columns; quote values with commas")
    col = {c: (frame[c].fillna("").astype(str).str.strip().reset_index(drop=True)
               if c in frame else pd.Series([""] * n, dtype=object)) for c in COLUMNS}
    ok = {c: ~check_text(col[c], c, problems, limit=MAX_LENGTH.get(c),
                         multiline=c in MULTILINE) for c in COLUMNS}
    for c in REQUIRED:
        empty = empty_cells(col[c])
        if c == "controller":  # contested between unnamed parties needs no actor
            empty = empty & (col["status"] != s.CONTESTED).to_numpy()
        problems.add(empty, c, col[c], "required value is empty")
    days, precision, why = parse_dates(col["date"].where(ok["date"], ""), today=today)
    problems.add(why != "", "date", col["date"], why)
    given = col["date_precision"]
    bad_given = ok["date_precision"] & (given != "") & ~given.isin(s.PRECISIONS)
    problems.add(bad_given, "date_precision", given,
                 f"must be one of {', '.join(s.PRECISIONS)}")
    precision = np.where((given != "").to_numpy() & ~np.asarray(bad_given, dtype=bool),
                         given.to_numpy(dtype=object), precision)
    reported, _, why = parse_dates(col["reported_on"].where(ok["reported_on"], ""), today=today)
    problems.add(why != "", "reported_on", col["reported_on"], why)
    allowed_status = s.STATUS_SCALES[scale]
    status = col["status"].where(col["status"] != "", s.CONTROLLED)
    problems.add(ok["status"] & ~status.isin(allowed_status), "status", status,
                 f"must be one of {', '.join(allowed_status)}")
    confidence = col["confidence"].where(col["confidence"] != "", s.REPORTED)
    problems.add(ok["confidence"] & ~confidence.isin(s.CONFIDENCES), "confidence", confidence,
                 f"must be one of {', '.join(s.CONFIDENCES)}")
    controller = _check_actors(col["controller"], ok["controller"], status, problems)
    code, variants, hints = _resolve(col["district"], col["province"],
                              ok["district"] & ok["province"] & (col["district"] != ""),
                              gazetteer, problems, line_of)
    good = ~problems.bad(n)
    rows_ok = np.flatnonzero(good)
    day_ts = pd.to_datetime(days[good]).astype("datetime64[ns]")
    events = pd.DataFrame({
        s.DATE: day_ts, s.DATE_PRECISION: precision[good], s.DISTRICT_CODE: code[good],
        s.CONTROLLER: controller[good], s.STATUS: status.to_numpy(dtype=object)[good],
        s.CONFIDENCE: confidence.to_numpy(dtype=object)[good],
        s.SOURCE: _or_none(col["source"])[good], s.SOURCE_URL: _or_none(col["source_url"])[good],
        s.REPORTED_ON: pd.to_datetime(reported[good]).astype("datetime64[ns]"),
        s.NOTES: _or_none(col["notes"])[good], s.SUPERSEDES: _or_none(col["supersedes"])[good],
    })
    given_ids = col["event_id"].to_numpy(dtype=object)[good]
    events[s.EVENT_ID] = [
        eid or stable_event_id({**row, "date": str(row[s.DATE].date())})
        for eid, row in zip(given_ids, events.to_dict("records"), strict=True)]
    events = s.normalize_events(events) if len(events) else s.empty_events()
    found = problems.frame()
    good_lines = set(line_of[rows_ok].tolist())
    parsed = ParsedEvents(events, [int(x) for x in line_of[rows_ok]],
                          [v for v in variants if v[0] in good_lines],
                          listed(found, lambda r: line_of[r]), problems.records(), len(found),
                          [h for line, h in hints if line in good_lines])
    _check_duplicate_ids(parsed, line_of)
    return parsed


def _or_none(col: pd.Series) -> np.ndarray:
    return col.where(col != "", None).to_numpy(dtype=object)


def _check_actors(controller: pd.Series, ok: pd.Series, status: pd.Series,
                  problems: Problems) -> np.ndarray:
    """Controllers with their actors joined by ``;``; too long actors or only separators are
    problems (a contested district may name one actor or none: docs/control-rules.md)."""
    codes, uniques = pd.factorize(controller)
    actors = [s.split_actors(str(u)) for u in uniques]
    joined = np.asarray([(s.join_actors(a) if len(a) > 1 else (a[0] if a else "")) for a in actors]
                        + [""], dtype=object)[codes]
    count = np.asarray([len(a) for a in actors] + [0], dtype=int)[codes]
    longest = np.asarray([max((len(x) for x in a), default=0) for a in actors] + [0],
                         dtype=int)[codes]
    ok = np.asarray(ok, dtype=bool) & (controller != "").to_numpy()
    problems.add(ok & (longest > MAX_ACTOR), "controller", controller,
                 f"an actor name is longer than {MAX_ACTOR} characters")
    problems.add(ok & (count == 0), "controller", controller,
                 "names no actor, only separators; give the actor holding the district")
    return joined


def _resolve(names: pd.Series, provinces: pd.Series, ask: pd.Series, gazetteer,
             problems: Problems, line_of: np.ndarray):
    """District codes of the rows in ``ask`` (None elsewhere), the variant spellings used and
    the warnings of provinces taken only as hints, as ``(line, text)``."""
    n = len(names)
    code = np.full(n, None, dtype=object)
    rows = np.flatnonzero(np.asarray(ask, dtype=bool))
    if not len(rows):
        return code, [], []
    prov = provinces.iloc[rows]
    resolved = gazetteer.resolve_table(names.iloc[rows].reset_index(drop=True).astype(object),
                                       prov.where(prov != "", None).reset_index(drop=True)
                                       .astype(object))
    error = resolved["error"].to_numpy(dtype=object)
    failed = np.array([bool(e) and not pd.isna(e) for e in error], dtype=bool)
    mask = np.zeros(n, dtype=bool)
    mask[rows[failed]] = True
    whys = np.full(n, "", dtype=object)
    whys[rows[failed]] = [str(e) for e in error[failed]]
    problems.add(mask, "district", names, whys)
    code[rows[~failed]] = resolved[s.DISTRICT_CODE].to_numpy(dtype=object)[~failed]
    rule = resolved["rule"].to_numpy(dtype=object)
    variants = [(int(line_of[r]), str(names.iat[r]), str(c), str(ru))
                for r, c, ru, f in zip(rows, resolved[s.DISTRICT_CODE], rule, failed, strict=True)
                if not f and ru not in ("code", "exact")]
    hints = []
    if "warning" in resolved:
        hints = [(int(line_of[r]), f"line {int(line_of[r])}: {w}")
                 for r, w, f in zip(rows, resolved["warning"], failed, strict=True)
                 if not f and isinstance(w, str) and w]
    return code, variants, hints


def _check_duplicate_ids(parsed: ParsedEvents, line_of: np.ndarray) -> None:
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
            parsed.problems.append(Problem(
                parsed.lines[pos], "event_id", eid,
                f"same event_id as line {parsed.lines[first[eid]]} with different content"))
            parsed.n_problems += 1
            record = int(np.flatnonzero(line_of == parsed.lines[pos])[0])
            parsed.rejected_records = np.union1d(parsed.rejected_records, [record])
    parsed.events = ev.iloc[keep].reset_index(drop=True)
    parsed.lines = [parsed.lines[p] for p in keep]
