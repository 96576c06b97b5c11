"""Words of a name folded for comparison: no accents, apostrophes or case.

The lowest step of name normalisation, shared by :mod:`tracker.names.keys` (the rules' keys) and
:mod:`tracker.names.admin_words` (the admin-word table, whose articles the keys fold in turn).
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile("['`\u00b4\u2018\u2019\u02bb\u02bc\u02be\u02bf]")
_TOKEN = re.compile(r"[^\W_]+")


def fold_tokens(text: str) -> list[str]:
    """Words of ``text`` without accents, apostrophes and case."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _TOKEN.findall(_APOSTROPHES.sub("", plain))
