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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tracker._errors import InputError

UTF8 = "utf-8"
UTF8_SIG = "utf-8-sig"
UTF16 = "utf-16"
_CHUNK = 1 << 24


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
        line = raw[: exc.start].count(b"\n") + 1
        msg = (f"{path}: line {line} is not UTF-8 (byte 0x{raw[exc.start]:02x}); the file looks "
               f"like Latin-1/Windows-1252: save it as UTF-8 and import again")
        raise InputError(msg) from None


def first_line(path: str | Path) -> str:
    """The header line of a file (decoded; empty for an empty file)."""
    encoding = sniff_encoding(path)
    with Path(path).open("rb") as fh:
        head = fh.read(1 << 16)
    text = head.decode(encoding, errors="replace")
    return text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""


def delimiter_hint(header: str) -> str:
    """``; the header seems to use ';' as delimiter, use commas`` or empty."""
    return next((f"; the header seems to use {d!r} as delimiter, use commas"
                 for d in (";", "\t", "|") if d in header and "," not in header), "")


def _count_lines(path: Path, encoding: str) -> tuple[int, bool]:
    """(number of newline characters, whether the file ends with one)."""
    if encoding == UTF16:
        text = decode(path, encoding)
        return text.count("\n"), text.endswith("\n")
    count, last = 0, b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            count += chunk.count(b"\n")
            last = chunk[-1:]
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
