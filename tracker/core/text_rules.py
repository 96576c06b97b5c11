"""What text from outside may hold: the control-character rule shared by every reader.

No control character (C0 ``U+0000``-``U+001F`` with NUL, ``U+007F``, C1 ``U+0080``-``U+009F``);
multi-line free text may hold tabs and line breaks. Files are checked column by column in
:mod:`tracker.ingest.text_fields`, boundary layers in :mod:`tracker.geo.layer_checks`.
"""

from __future__ import annotations

import re

LINE_BREAKS = "\t\n\r"  # allowed in multi-line free text (notes, reports)
# Python and RE2 (Arrow) patterns: any control character / any but tab and line breaks
ANY_CONTROL = r"[\x00-\x1f\x7f-\x9f]"
CONTROL_NOT_BREAK = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"


def control_pattern(multiline: bool) -> str:
    """The pattern of forbidden characters (tabs and line breaks allowed when ``multiline``)."""
    return CONTROL_NOT_BREAK if multiline else ANY_CONTROL


def control_character(value: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """(0-based position, character) of the first forbidden control character, or None."""
    found = re.search(control_pattern(multiline), value)
    return (found.start(), found.group()) if found else None


def describe(char: str) -> str:
    """``U+0007``: how messages name a character."""
    return f"U+{ord(char):04X}"
