"""Text fields from outside: control characters and sizes, checked the same way by every importer.

The rules (README, "Text fields"):

* no control character (C0 ``U+0000``-``U+001F`` with NUL, ``U+007F``, C1 ``U+0080``-``U+009F``);
  multi-line free text (``notes``, a report's text) may hold tabs and line breaks (``\\t``,
  ``\\n``, ``\\r``), nothing else;
* a field holds at most :data:`FIELD_LIMIT` bytes of UTF-8 (64 KiB), multi-line free text
  :data:`NOTES_LIMIT` (1 MiB), a report given to ``tracker extract`` :data:`REPORT_LIMIT`;
* a value stored in a sized column holds at most that column's length in characters, read from the
  store's column type with :func:`store_limit` (never copied by hand).

How an importer uses it: read the file's columns as text (:func:`tracker.ingest.csvfile.read_table`
lifts the :mod:`csv` module's own field limit, so the sizes here decide), then call
:func:`check_text` once per text column with a :class:`~tracker.ingest.problems.Problems`
collector, the store column it ends in (if any) and ``multiline=True`` for free text::

    problems = Problems()
    ok_name = ~check_text(frame["alias"], "alias", problems, limit=store_limit(Alias.name))
    ok_note = ~check_text(frame["notes"], "notes", problems, multiline=True)

The returned mask marks the bad cells, so later checks can skip them (a 5 MB name is not fuzzy
matched). Values given one at a time (an alias typed on the command line, a report's text) go
through :func:`check_value`, which raises a one-line :class:`~tracker._errors.InputError`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tracker._errors import InputError
from tracker.core.text_rules import LINE_BREAKS, control_character, control_pattern, describe
from tracker.ingest.problems import Problems

FIELD_LIMIT = 64 * 1024  # bytes of UTF-8 in any field
NOTES_LIMIT = 1024 * 1024  # bytes of UTF-8 in a multi-line free-text field (notes)
REPORT_LIMIT = 16 * 1024 * 1024  # bytes of a news report (text or HTML) given to extract


def store_limit(column) -> int | None:
    """The length of a sized store column (``String(200)`` -> 200); None for unsized text.

    ``column`` is a model attribute (``ControlEvent.controller``) or a table column.
    """
    return getattr(getattr(column, "type", None), "length", None)


def _control_why(value: str, multiline: bool) -> str:
    pos, char = control_character(value, multiline=multiline)
    why = f"holds control character {describe(char)} at character {pos + 1}; remove it"
    if char in LINE_BREAKS:
        why += " (tabs and line breaks are allowed only in notes)"
    return why


def _size(nbytes: int, multiline: bool) -> str:
    limit = NOTES_LIMIT if multiline else FIELD_LIMIT
    return (f"{nbytes:,} bytes, more than the {limit // 1024:,} KiB a "
            f"{'notes ' if multiline else ''}field may hold; shorten it")


def check_text(values: pd.Series, column: str, problems: Problems, *, limit: int | None = None,
               multiline: bool = False) -> np.ndarray:
    """Check one text column (vectorised); add a problem per bad cell; return the bad cells.

    Parameters
    ----------
    values
        The column as text ('' for empty cells), one value per data record.
    column
        Its name, for messages.
    problems
        Where bad cells are recorded.
    limit
        Longest value in characters (the store column's length, see :func:`store_limit`).
    multiline
        Free text: tabs and line breaks allowed, :data:`NOTES_LIMIT` instead of
        :data:`FIELD_LIMIT`.
    """
    arr = _arrow_text(values)
    n = len(arr)
    nbytes = pc.binary_length(arr).to_numpy(zero_copy_only=False)
    byte_limit = NOTES_LIMIT if multiline else FIELD_LIMIT
    too_big = nbytes > byte_limit
    too_long = np.zeros(n, dtype=bool)
    if limit is not None and n and nbytes.max() > limit:  # a character takes at least one byte
        too_long = pc.utf8_length(arr).to_numpy(zero_copy_only=False) > limit
        too_long &= ~too_big
    control = np.zeros(n, dtype=bool)
    if _may_hold_control(arr, multiline):
        control = np.asarray(pc.match_substring_regex(arr, control_pattern(multiline))
                             .to_numpy(zero_copy_only=False), dtype=bool) & ~too_big
    if not (too_big.any() or too_long.any() or control.any()):
        return too_big
    texts = pd.Series(values).reset_index(drop=True)
    if too_big.any():
        whys = np.full(n, "", dtype=object)
        whys[too_big] = [_size(int(b), multiline) for b in nbytes[too_big]]
        problems.add(too_big, column, texts, whys)
    problems.add(too_long, column, texts, f"longer than {limit} characters; shorten it")
    if control.any():
        whys = np.full(n, "", dtype=object)
        whys[control] = [_control_why(str(v), multiline) for v in texts[control]]
        problems.add(control, column, texts, whys)
    return too_big | too_long | control


_BREAK_BYTES = np.frombuffer(LINE_BREAKS.encode(), dtype=np.uint8)


def _may_hold_control(arr: pa.Array, multiline: bool) -> bool:
    """Whether the column's UTF-8 bytes hold a control character (a fast scan of one buffer).

    C0 and DEL are single bytes below 0x20 and 0x7F; C1 characters are 0xC2 followed by
    0x80-0x9F. False positives (bytes of a parent array outside a slice) only cost the regex.
    """
    data = arr.buffers()[2]
    if data is None:
        return False
    raw = np.frombuffer(data, dtype=np.uint8)
    low = (raw < 0x20) | (raw == 0x7F)
    if multiline:
        for byte in _BREAK_BYTES:
            low &= raw != byte
    if low.any():
        return True
    lead = np.flatnonzero(raw[:-1] == 0xC2)
    return bool(((raw[lead + 1] >= 0x80) & (raw[lead + 1] <= 0x9F)).any())


def _arrow_text(values) -> pa.Array:
    """A column as one Arrow string array, '' for missing (no copy for Arrow-backed text)."""
    if (isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype)
            and values.dtype.storage == "pyarrow"):
        arr = pa.array(values.array)
    else:
        arr = pa.array(pd.Series(values, dtype=object).fillna("").astype(str).tolist(),
                       type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return pc.fill_null(arr, "")


def check_value(value: str, what: str, *, limit: int | None = None, multiline: bool = False,
                byte_limit: int | None = None) -> str:
    """Check one value given outside a file; raise a one-line InputError, else return it.

    ``what`` names the value in the message (``"actor alias"``); for multi-line text the message
    gives the line and column of a control character.
    """
    value = str(value)
    byte_limit = byte_limit or (NOTES_LIMIT if multiline else FIELD_LIMIT)
    nbytes = len(value.encode("utf-8", errors="surrogatepass"))
    if nbytes > byte_limit:
        msg = (f"{what} is {nbytes:,} bytes, more than the {byte_limit // 1024:,} KiB it may "
               f"hold; shorten it")
        raise InputError(msg)
    if limit is not None and len(value) > limit:
        msg = f"{what} {value[:40]!r}... is longer than {limit} characters; shorten it"
        raise InputError(msg)
    found = control_character(value, multiline=multiline)
    if found is None:
        return value
    pos, char = found
    line = value.count("\n", 0, pos) + 1
    column = pos - (value.rfind("\n", 0, pos) + 1) + 1
    where = f"line {line}, column {column}" if multiline else f"character {pos + 1}"
    hint = " (tabs and line breaks are not allowed here)" if char in LINE_BREAKS else ""
    msg = (f"{what} holds control character {describe(char)} at {where}{hint}; remove it "
           f"and try again")
    raise InputError(msg)
