"""Events that already carry a district code (drafts of ``tracker extract``) -> an event table.

Nothing is turned back into text or resolved again: the code of each row is checked against the
stored districts, and dates, status and confidence against the events-CSV rules.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import pandas as pd

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.ingest.events_csv import RowProblem, parse_date

COLUMNS = (s.EVENT_ID, s.DATE, s.DISTRICT_CODE, s.CONTROLLER)  # required in the table


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def coded_events(table: pd.DataFrame, district_codes: Collection[str], *,
                 scale: str = s.DEFAULT_SCALE,
                 today: date | None = None) -> tuple[pd.DataFrame, list[RowProblem]]:
    """Check rows with a ``district_code`` and return them as an event table, with the problems.

    Parameters
    ----------
    table
        One row per event: ``event_id``, ``date`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY-Www``,
        or a timestamp), ``district_code``, ``controller``; optional ``date_precision``,
        ``status``, ``confidence``, ``source``, ``source_url``, ``reported_on``, ``notes``.
    district_codes
        The codes of the stored districts.
    scale, today
        The data set's status scale and the latest accepted date (default: today).

    Returns
    -------
    (pandas.DataFrame, list of RowProblem)
        The events of the good rows (normalised event table), and one problem per bad value;
        the problem's ``line`` is the row's position, counted from 1.
    """
    s.require_columns(table, COLUMNS, "drafts table")
    today = today or date.today()
    known = set(district_codes)
    allowed = s.STATUS_SCALES[scale]
    problems: list[RowProblem] = []
    out = []
    for n, row in enumerate(table.to_dict("records"), start=1):
        text = {k: _text(v) for k, v in row.items()}
        bad = len(problems)
        for col in COLUMNS:
            if not text[col]:
                problems.append(RowProblem(n, col, "", "required value is empty"))
        code = text[s.DISTRICT_CODE]
        if code and code not in known:
            problems.append(RowProblem(n, s.DISTRICT_CODE, code,
                                       "not the code of a stored district"))
        day = precision = reported = None
        for col in (s.DATE, s.REPORTED_ON):
            if text.get(col):
                try:
                    when, prec = parse_date(text[col], today=today)
                except ValueError as exc:
                    problems.append(RowProblem(n, col, text[col], str(exc)))
                    continue
                if col == s.DATE:
                    day, precision = when, prec
                else:
                    reported = when
        if text.get(s.DATE_PRECISION):
            if text[s.DATE_PRECISION] not in s.PRECISIONS:
                problems.append(RowProblem(n, s.DATE_PRECISION, text[s.DATE_PRECISION],
                                           f"must be one of {', '.join(s.PRECISIONS)}"))
            else:
                precision = text[s.DATE_PRECISION]
        status = text.get(s.STATUS) or s.CONTROLLED
        if status not in allowed:
            problems.append(RowProblem(n, s.STATUS, status,
                                       f"must be one of {', '.join(allowed)}"))
        confidence = text.get(s.CONFIDENCE) or s.REPORTED
        if confidence not in s.CONFIDENCES:
            problems.append(RowProblem(n, s.CONFIDENCE, confidence,
                                       f"must be one of {', '.join(s.CONFIDENCES)}"))
        actors = s.split_actors(text[s.CONTROLLER])  # contested: one actor, or none, is fine
        if len(problems) > bad:
            continue
        out.append({
            s.EVENT_ID: text[s.EVENT_ID], s.DATE: pd.Timestamp(day), s.DATE_PRECISION: precision,
            s.DISTRICT_CODE: code,
            s.CONTROLLER: s.join_actors(actors) if len(actors) > 1 else (actors or [""])[0],
            s.STATUS: status, s.CONFIDENCE: confidence, s.SOURCE: text.get(s.SOURCE) or None,
            s.SOURCE_URL: text.get(s.SOURCE_URL) or None,
            s.REPORTED_ON: pd.Timestamp(reported) if reported else pd.NaT,
            s.NOTES: text.get(s.NOTES) or None,
        })
    events = s.normalize_events(pd.DataFrame(out)) if out else s.empty_events()
    return events, problems


def raise_problems(problems: list[RowProblem], *, limit: int = 20) -> None:
    """Raise one InputError naming the bad drafts (by position) and their values."""
    if not problems:
        return
    shown = "; ".join(f"draft {p.line}, {p.column}={p.value[:60]!r}: {p.why}"
                      for p in problems[:limit])
    more = f"; ... and {len(problems) - limit} more" if len(problems) > limit else ""
    msg = (f"{len(problems)} bad value(s) in the drafts, nothing imported: {shown}{more}; "
           f"fix the drafts and apply them again")
    raise InputError(msg)
