"""CSV files on disk: their encoding, where each record starts, rejected rows kept as they are.

Readers (pandas, pyarrow, :mod:`csv`) number records, not lines: a quoted value may span lines
and blank lines are skipped. :class:`RecordLines` maps record numbers (0 = first data record)
back to the physical lines of the file, so errors name real line numbers and ``--skip-bad`` can
copy the rejected records byte for byte.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tracker._errors import InputError
from tracker.ingest.problems import Problems

UTF8 = "utf-8"
UTF8_SIG = "utf-8-sig"
UTF16 = "utf-16"
_CHUNK = 1 << 24
# The csv module refuses fields over 128 KiB with its own error; the tracker's field sizes are
# checked afterwards, with line and column (tracker.ingest.text_fields).
csv.field_size_limit((1 << 31) - 1)


def sniff_encoding(path: str | Path) -> str:
    """``utf-8-sig`` (UTF-8 with a byte-order mark), ``utf-16`` (with BOM) or ``utf-8``."""
    path = Path(path)
    if not path.is_file():
        msg = f"{path}: no such file; give the path of a CSV file"
        raise InputError(msg)
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return UTF16
    if head.startswith(codecs.BOM_UTF8):
        return UTF8_SIG
    return UTF8


def decode(path: str | Path, encoding: str | None = None) -> str:
    """The text of a file in its encoding; Latin-1/Windows-1252 files give a one-line error."""
    path = Path(path)
    encoding = encoding or sniff_encoding(path)
    raw = path.read_bytes()
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == UTF16:
            msg = (f"{path}: is not valid UTF-16 after byte {exc.start} ({exc.reason}); the file "
                   f"is cut short or damaged: save it again as UTF-8 and import again")
            raise InputError(msg) from None
        line = raw[: exc.start].count(b"\n") + 1
        msg = (f"{path}: line {line} is not UTF-8 (byte 0x{raw[exc.start]:02x}); the file looks "
               f"like Latin-1/Windows-1252: save it as UTF-8 and import again")
        raise InputError(msg) from None


def first_line(path: str | Path) -> str:
    """The header line of a file (decoded; empty for an empty file)."""
    encoding = sniff_encoding(path)
    head = b""
    with Path(path).open("rb") as fh:  # up to the first line break, however long the line
        while (chunk := fh.read(1 << 16)) and not (b"\n" in head or b"\r" in head):
            head += chunk
    text = head.decode(encoding, errors="replace")
    # only CR and LF end a line of a CSV file (str.splitlines also breaks at U+0085, U+2028...)
    return re.split(r"\r\n|\r|\n", text.lstrip("\ufeff"), maxsplit=1)[0] if text.strip() else ""


def delimiter_hint(header: str) -> str:
    """``; the header seems to use ';' as delimiter, use commas`` or empty."""
    return next((f"; the header seems to use {d!r} as delimiter, use commas"
                 for d in (";", "\t", "|") if d in header and "," not in header), "")


def _count_lines(path: Path, encoding: str) -> tuple[int, bool]:
    """(number of newline characters, whether the file ends with one)."""
    if encoding == UTF16:
        text = decode(path, encoding)
        return text.count("\n"), text.endswith("\n")
    count, last, lone_cr = 0, b"", False
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            count += chunk.count(b"\n")
            lone_cr |= chunk.count(b"\r") != chunk.count(b"\r\n")
            last = chunk[-1:]
    if lone_cr:  # old Mac line ends: let the csv module count the lines
        return -1, True
    return count, last == b"\n"


@dataclass
class RecordLines:
    """First and last physical line (1-based; header = line 1) of every data record."""

    start: np.ndarray
    end: np.ndarray

    @classmethod
    def of_file(cls, path: str | Path, n_records: int, *,
                encoding: str | None = None) -> RecordLines:
        """Line spans of the ``n_records`` records of ``path`` (cheap when one line per record)."""
        path = Path(path)
        encoding = encoding or sniff_encoding(path)
        newlines, ends = _count_lines(path, encoding)
        physical = newlines + (0 if ends else 1)
        if physical == n_records + 1:
            start = np.arange(2, n_records + 2)
            return cls(start, start.copy())
        return cls.scan(decode(path, encoding))

    @classmethod
    def scan(cls, text: str) -> RecordLines:
        """Line spans by reading ``text`` with :mod:`csv` (quoted newlines, blank lines)."""
        reader = csv.reader(io.StringIO(text, newline=""))
        starts, ends = [], []
        before = 0
        for i, row in enumerate(reader):
            if i and row:
                starts.append(before + 1)
                ends.append(reader.line_num)
            before = reader.line_num
        return cls(np.array(starts, dtype=int), np.array(ends, dtype=int))

    def line(self, record: int) -> int:
        """First line of a record."""
        return int(self.start[record])


def write_rejects(path: str | Path, records: list[int] | np.ndarray, lines: RecordLines,
                  out: str | Path | None = None) -> Path:
    """Copy the header and the given records of ``path``, unchanged, to ``out``.

    The default ``out`` is ``<stem>.rejects.csv`` next to the input. Lines keep their bytes and
    line endings; the file keeps the input's encoding (and byte-order mark).
    """
    src = Path(path)
    dest = Path(out) if out else src.with_name(src.stem + ".rejects.csv")
    encoding = sniff_encoding(src)
    physical = io.StringIO(decode(src, encoding), newline="").readlines()
    wanted = sorted({int(r) for r in records})
    chunks = physical[:1]
    for r in wanted:
        chunks.extend(physical[lines.start[r] - 1: lines.end[r]])
    if chunks and not chunks[-1].endswith(("\n", "\r")):
        chunks[-1] += "\r\n" if chunks[0].endswith("\r\n") else "\n"
    text = "".join(chunks)
    if encoding == UTF8_SIG:
        text = text.lstrip("\ufeff")
    dest.write_bytes(text.encode(encoding))
    return dest


@dataclass
class CsvTable:
    """The text of a CSV file's data records, column by column, with their lines."""

    frame: pd.DataFrame  # one text column per header name ('' for a missing cell), stripped
    lines: RecordLines
    header: list[str]

    @property
    def n(self) -> int:
        return len(self.frame)


def _delimited(delimiter: str) -> str:
    names = {",": "comma-separated", "\t": "tab-separated"}
    return names.get(delimiter, f"{delimiter!r}-separated")


def read_table(path: str | Path, *, required: tuple[str, ...], kind: str,
               problems: Problems, wanted: tuple[str, ...] | None = None,
               casefold: bool = False, short_rows_ok: bool = True,
               columns: tuple[str, ...] | None = None, delimiter: str = ",") -> CsvTable:
    """Read a whole CSV file as text columns with :mod:`csv`; header problems raise.

    Parameters
    ----------
    path
        The file (UTF-8 with or without BOM, or UTF-16 with BOM).
    required
        Columns the header must name (else a one-line InputError naming them).
    kind
        What the file is, for messages (``"an events CSV"``).
    problems
        Rows with more fields than the header (and fewer, unless ``short_rows_ok``) are added here
        under the column ``(row)``.
    wanted
        The columns kept (default: every header name); one of them named twice is refused.
    casefold
        Match header names case-insensitively (frame columns are then casefolded).
    columns
        A file without a header line (a GeoNames dump): the names of its fields, in order. Such
        a file is read without quoting (a ``"`` is text) and every row must have them all.
    delimiter
        The field separator (``"\\t"`` for tab-separated files).
    """
    text = decode(path)
    if not text.strip():
        msg = (f"{path}: the file is empty; {kind} needs a header line with "
               f"{', '.join(required)}")
        raise InputError(msg)
    # strict: an unclosed quote or text after a closing quote is an error, not a silent merge
    quoting = csv.QUOTE_NONE if columns is not None else csv.QUOTE_MINIMAL
    if columns is not None:  # no header to strip a second byte-order mark from
        text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter,
                        quoting=quoting)
    if columns is not None:
        raw, short_rows_ok = list(columns), False
    else:
        try:
            raw = next(reader)
        except csv.Error as exc:
            msg = (f"{path}: cannot read the header line ({exc}); the first line must name the "
                   f"columns")
            raise InputError(msg) from None
        if not raw:
            msg = f"{path}: line 1 is blank; the first line of {kind} must be its header"
            raise InputError(msg)
    header_line = reader.line_num
    header = [h.strip().lstrip("\ufeff").strip() for h in raw]
    if casefold:
        header = [h.casefold() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        msg = (f"{path}: missing required column(s) {', '.join(missing)}"
               f"{delimiter_hint(','.join(raw))}; the header of {kind} must name "
               f"{', '.join(required)}")
        raise InputError(msg)
    keep = [h for h in dict.fromkeys(wanted if wanted is not None else header) if h in header]
    twice = [h for h in keep if header.count(h) > 1]
    if twice:
        where = [str(i + 1) for i, h in enumerate(header) if h == twice[0]]
        msg = (f"{path}: the header names column {twice[0]!r} more than once (columns "
               f"{', '.join(where)}); keep one of them")
        raise InputError(msg)
    index = [header.index(h) for h in keep]
    width = len(header)
    cols: list[list[str]] = [[] for _ in keep]
    starts, ends, long_rows, short_rows, extras = [], [], [], [], []
    long_widths: list[int] = []
    short_widths: list[int] = []
    before = header_line
    try:
        for row in reader:
            if not row:
                before = reader.line_num
                continue
            starts.append(before + 1)
            ends.append(reader.line_num)
            before = reader.line_num
            if len(row) > width:
                long_rows.append(len(starts) - 1)
                extras.append(delimiter.join(row[width:]))
                long_widths.append(len(row))
            elif len(row) < width:
                short_rows.append(len(starts) - 1)
                short_widths.append(len(row))
                row = row + [""] * (width - len(row))
            for out, i in zip(cols, index, strict=True):
                out.append(row[i].strip())
    except csv.Error as exc:
        msg = f"{path}: line {reader.line_num} cannot be read as CSV ({exc}); fix its quoting"
        raise InputError(msg) from None
    n = len(starts)
    frame = pd.DataFrame({h: pd.Series(c, dtype=object) for h, c in zip(keep, cols, strict=True)},
                         index=pd.RangeIndex(n))
    if short_rows_ok:
        mask = np.zeros(n, dtype=bool)
        mask[long_rows] = True
        values = np.full(n, "", dtype=object)
        values[long_rows] = extras
        problems.add(mask, "(row)", values,
                     "more fields than header columns; quote values with commas")
    else:
        mask = np.zeros(n, dtype=bool)
        mask[long_rows + short_rows] = True
        widths = long_widths + short_widths
        fields = np.full(n, "", dtype=object)
        fields[long_rows + short_rows] = [f"{k} fields" for k in widths]
        fix = (f"{kind} has {width} {_delimited(delimiter)} fields on every line"
               if columns is not None else
               f"the row does not have the header's {width} fields; quote values with commas "
               f"or line breaks")
        problems.add(mask, "(row)", fields, fix)
    return CsvTable(frame, RecordLines(np.array(starts, dtype=int), np.array(ends, dtype=int)),
                    header)
