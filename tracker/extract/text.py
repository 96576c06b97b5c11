"""The text of a news report: HTML to text, header lines, sentences and date phrases.

Used by :mod:`tracker.extract.drafts`. Dates are resolved against the article date: "on 15 August"
(the latest such day not after it), "on Friday" (the latest Friday on or before it), "yesterday",
"two days ago", "earlier this week" (the week, precision ``week``), "last month" (precision
``month``); "earlier" or "recently" cannot be pinned: the article date is kept and flagged.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from html import unescape
from html.parser import HTMLParser

from dateutil import parser as dateparser
from dateutil.relativedelta import relativedelta

from tracker.core import schema as s

_DATE_WORD = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|" \
             r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "a": 1}
DATE_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (name, re.compile(p, re.IGNORECASE)) for name, p in (
    ("iso", r"\b(?:on\s+)?(\d{4})-(\d{2})-(\d{2})\b"),
    ("day_month", r"\b(?:on\s+)?(?:" + _WEEKDAY + r",?\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+"
     r"(?:of\s+)?("
     + _DATE_WORD + r")\.?(?:,?\s+(\d{4})|\s+(last\s+year))?\b"),
    ("month_day", r"\b(?:on\s+)?(?:" + _WEEKDAY + r",?\s+)?(" + _DATE_WORD
     + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})|\s+(last\s+year)\b)?"),
    ("month_year", r"\b(?:in\s+)?(?:(?:early|mid|late)[-\s]+)?(" + _DATE_WORD
     + r")\.?,?\s+((?:19|20)\d\d)\b"),
    ("month_last_year", r"\b(?:in\s+)?(" + _DATE_WORD + r")\s+(?:of\s+)?last\s+year\b"),
    ("day_before", r"\bthe\s+day\s+before\s+yesterday\b"),
    ("yesterday", r"\byesterday(?:\s+(?:morning|afternoon|evening))?\b"),
    ("last_night", r"\blast\s+night\b"),
    ("today", r"\b(?:earlier\s+)?today\b|\bthis\s+(?:morning|afternoon|evening)\b|\btonight\b"),
    ("days_ago", r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)\s+days?\s+"
                 r"(?:ago|earlier|before(?!\s+(?:the|it|its|they|he|she|\w+ing)\b))\b"),
    ("last_week_day", r"\blast\s+week\s+on\s+(" + _WEEKDAY + r")\b"),
    ("this_week", r"\b(?:earlier\s+)?this\s+week\b"),
    ("last_week", r"\blast\s+week\b"),
    ("this_month", r"\b(?:earlier\s+)?this\s+month\b"),
    ("last_month", r"\blast\s+month\b"),
    ("weekday", r"\b(?:on\s+|last\s+)?(" + _WEEKDAY
     + r")(?:\s+(?:morning|afternoon|evening|night))?\b"),
    ("vague", r"\b(?:earlier|recently|in\s+recent\s+days|(?:a\s+few|several)\s+days\s+ago|"
              r"days\s+ago|previously)\b"),
))

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_SPLIT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]?\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\n\s*\n|"
                    r"\n(?=\s*[-*\u2022])")
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Gov|Sen|Rep|St|Jr|Sr|No|vs|"
                     r"approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.$")
_HEADER = re.compile(r"^\s*(date|published|updated|dateline|source|publisher|url|link)\s*:\s*"
                     r"(.+?)\s*$",
                     re.IGNORECASE)
_FULL_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?!\d)|\b\d{1,2}\s+" + _DATE_WORD
                        + r"\.?,?\s+\d{4}\b|\b"
                        + _DATE_WORD + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b", re.IGNORECASE)
_HTML = re.compile(r"<\s*(?:html|body|p|div|article|br|h[1-6]|span|a|meta|head|title|section)\b",
                   re.IGNORECASE)
HEADER_LINES = 6


# --- HTML -----------------------------------------------------------------------------------------
class _TextOfHTML(HTMLParser):
    """Visible text of an HTML page (block elements become line breaks) and its publication date."""

    BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "article",
                        "section", "tr", "header", "footer", "blockquote", "title", "time"})
    SKIP = frozenset({"script", "style", "noscript", "template", "svg"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.published: str | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP:
            self._skip += 1
        if tag in self.BLOCKS:
            self.parts.append("\n\n" if tag != "br" else "\n")
        if tag == "meta" and not self.published:
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
                   or "").lower()
            if key in {"article:published_time", "datepublished", "date", "pubdate",
                       "og:published_time", "dc.date"}:
                self.published = attrs.get("content")
        if tag == "time" and not self.published and attrs.get("datetime"):
            self.published = attrs.get("datetime")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    """True when ``text`` has HTML tags of a page or paragraph."""
    return bool(_HTML.search(text[:5000]))


def html_to_text(html: str) -> tuple[str, str | None]:
    """Visible text of an HTML page (entities unescaped) and its published date, if stated."""
    parser = _TextOfHTML()
    parser.feed(html)
    parser.close()
    text = unescape("".join(parser.parts)).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, parser.published


# --- dates ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DatePhrase:
    """A date phrase of a sentence and the day (and precision) it means."""

    start: int
    end: int
    text: str
    day: date
    precision: str
    pinned: bool  # False: the phrase is too vague for a day ("earlier"); the article date is kept


def parse_date_text(value: str) -> date | None:
    """A day from a date text with a year ("2021-08-20", "Friday, 20 August 2021"), or None."""
    hit = _FULL_DATE.search(value)
    if not hit:
        return None
    try:
        return dateparser.parse(hit.group(), fuzzy=True).date()
    except (ValueError, OverflowError):
        return None


def _header_line(line: str, *, date_seen: bool) -> tuple[str, str] | None:
    """(key, value) when ``line`` is a header line: ``Key: value`` or a line holding only a date."""
    head = _HEADER.match(line)
    if head:
        key = head[1].lower()
        key = ("date" if key in {"date", "published", "updated", "dateline"} else
               "source" if key in {"source", "publisher"} else "url")
        return key, head[2]
    if not date_seen and len(line.strip()) <= 60 and _FULL_DATE.search(line) and \
            len(_FULL_DATE.sub("", line).strip(" ,.-|()")) <= 20:
        return "date", line.strip()
    return None


def header_fields(text: str) -> dict[str, str]:
    """``date``, ``source`` and ``url`` from header lines at the top of a report, where present.

    A header line is ``Date: ...``, ``Source: ...``, ``URL: ...`` (or Published/Publisher/Link), or
    a short line holding only a full date ("20 August 2021").
    """
    out: dict[str, str] = {}
    lines = [line for line in text.splitlines() if line.strip()][:HEADER_LINES]
    for line in lines:
        field = _header_line(line, date_seen="date" in out)
        if field:
            out.setdefault(*field)
    return out


def without_header(text: str) -> str:
    """``text`` with its header lines blanked, so no header joins the first sentence (nor is
    taken for the headline): the lines :func:`header_fields` reads, and any other ``Key: value``
    line of the block they stand in ("Layer: afg", "Author: ...")."""
    lines = text.split("\n")
    seen, date_seen, in_block = 0, False, False
    for i, line in enumerate(lines):
        if not line.strip():
            in_block = False
            continue
        seen += 1
        if seen > HEADER_LINES:
            break
        field = _header_line(line, date_seen=date_seen)
        if field:
            date_seen = date_seen or field[0] == "date"
            lines[i], in_block = "", True
        elif in_block and _OTHER_HEADER.match(line):
            lines[i] = ""
    return "\n".join(lines)


_OTHER_HEADER = re.compile(r"^\s*(?![A-Z][A-Z-]+\s*:)[A-Z][\w-]*(?:\s[\w-]+)?\s*:\s+\S.{0,100}$")
"""A line of a header block that no field is read from ("Layer: afg", "Author: ..."); not a
dateline in capitals ("KABUL: ...")."""


def _month_number(word: str) -> int:
    return _MONTHS[word[:3].lower()]


def _resolve(name: str, m: re.Match, today: date) -> tuple[date, str, bool] | None:
    """(day, precision, pinned) of one date phrase against the article date ``today``."""
    if name == "iso":
        return date(int(m[1]), int(m[2]), int(m[3])), s.DAY, True
    if name in {"day_month", "month_day"}:
        day_s, month_s, year_s = (m[1], m[2], m[3]) if name == "day_month" else (m[2], m[1], m[3])
        last_year = bool(m[4])  # "August 12 last year"
        year = int(year_s) if year_s else today.year - last_year
        try:
            day = date(year, _month_number(month_s), int(day_s))
        except ValueError:
            return None
        if not year_s and not last_year and day > today:
            day = day.replace(year=year - 1)
        return day, s.DAY, True
    if name in {"month_year", "month_last_year"}:  # "in November 2023": that month
        year = int(m[2]) if name == "month_year" else today.year - 1
        first = date(year, _month_number(m[1]), 1)
        return (first, s.MONTH, True) if first <= today else None
    if name == "weekday":
        back = (today.weekday() - _WEEKDAYS.index(m[1].lower())) % 7
        if m.group().lower().startswith("last") and back == 0:
            back = 7
        return today - timedelta(days=back), s.DAY, True
    offsets = {"day_before": 2, "yesterday": 1, "last_night": 1, "today": 0}
    if name in offsets:
        return today - timedelta(days=offsets[name]), s.DAY, True
    if name == "days_ago":
        n = int(m[1]) if m[1].isdigit() else NUMBER_WORDS[m[1].lower()]
        return today - timedelta(days=n), s.DAY, True
    monday = today - timedelta(days=today.weekday())
    if name == "last_week_day":  # "last week on Wednesday": that day of the week before
        return monday - timedelta(days=7 - _WEEKDAYS.index(m[1].lower())), s.DAY, True
    if name == "this_week":
        return monday, s.WEEK, True
    if name == "last_week":
        return monday - timedelta(days=7), s.WEEK, True
    if name == "this_month":
        return today.replace(day=1), s.MONTH, True
    if name == "last_month":
        return today.replace(day=1) - relativedelta(months=1), s.MONTH, True
    return today, s.DAY, False  # "earlier", "recently": no day to pin


def date_phrases(sentence: str, today: date) -> list[DatePhrase]:
    """Every date phrase of ``sentence``, resolved against the article date ``today``; a day
    written without its year after one written with it takes that year ("on October 27, 2023,
    ... starting November 11": 2023)."""
    taken: list[tuple[int, int]] = []
    out = []
    yearless: set[int] = set()
    dated: dict[int, int] = {}  # start -> the year a phrase wrote
    for name, pattern in DATE_PATTERNS:
        for m in pattern.finditer(sentence):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            hit = _resolve(name, m, today)
            if hit is None:
                continue
            taken.append((m.start(), m.end()))
            out.append(DatePhrase(m.start(), m.end(), m.group(), *hit))
            if name in {"day_month", "month_day"} and not (m[3] or m[4]):
                yearless.add(m.start())
            elif name in {"iso", "day_month", "month_day", "month_year"}:
                dated[m.start()] = hit[0].year
    out.sort(key=lambda d: d.start)
    year = None  # the year the last phrase so far wrote
    for k, p in enumerate(out):
        if p.start in dated:
            year = dated[p.start]
        elif p.start in yearless and year is not None:
            with contextlib.suppress(ValueError):  # 29 February in another year
                day = p.day.replace(year=year)
                if day <= today:
                    out[k] = replace(p, day=day)
    return out


def date_value(day: date, precision: str) -> str:
    """The events-CSV date text: ``YYYY-MM-DD``, ``YYYY-Www`` or ``YYYY-MM``."""
    if precision == s.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if precision == s.MONTH:
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


# --- sentences ------------------------------------------------------------------------------------
def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: ends at ``.!?`` before a capital, or at a blank line."""
    spans = []
    start = 0
    for m in _SPLIT.finditer(text):
        if _ABBREV.search(text[start:m.start()].rstrip("\"')\u201d\u2019")):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out
