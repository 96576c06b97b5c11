"""Admin words, directional qualifiers and articles: the words around a unit's own name.

Writers add or drop "State", "Region", "Province", "Oblast", "Self-Administered Zone"... and
write "northern Shan State" where a layer says "Shan (North)". The package table
``tracker/names/data/admin_words.csv`` (columns ``word``, ``kind``, ``means``) lists them; no code
is per country. :func:`unit_words` splits a name into its own words and its canonical qualifiers,
the basis of the gazetteer's ``admin`` rule and of :func:`tracker.names.romanise.roman_key`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from tracker.names.folding import fold_tokens

TABLE = "admin_words.csv"
ADMIN, QUALIFIER, ARTICLE = "admin", "qualifier", "article"


@dataclass(frozen=True)
class AdminWords:
    """The table as look-ups: phrases (tuples of folded words) by kind."""

    admin: frozenset[tuple[str, ...]]
    qualifiers: dict[tuple[str, ...], str]
    articles: frozenset[str]
    longest: int


@lru_cache(maxsize=1)
def admin_words() -> AdminWords:
    """The shipped table (read once)."""
    text = (resources.files("tracker.names") / "data" / TABLE).read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    admin, qualifiers, articles = set(), {}, set()
    for row in rows:
        words = tuple(fold_tokens(row["word"]))
        if not words:
            continue
        if row["kind"] == ADMIN:
            admin.add(words)
        elif row["kind"] == QUALIFIER:
            qualifiers[words] = row["means"].strip()
        elif row["kind"] == ARTICLE:
            articles.add(words[0])
    longest = max(len(w) for w in (*admin, *qualifiers))
    return AdminWords(frozenset(admin), qualifiers, frozenset(articles), longest)


def _phrase_at(words: list[str], i: int, table) -> int:
    """Length of the longest phrase of ``table`` starting at ``words[i]`` (0 if none)."""
    for n in range(min(admin_words().longest, len(words) - i), 0, -1):
        if tuple(words[i:i + n]) in table:
            return n
    return 0


def _phrase_ending(words: list[str], end: int, table) -> int:
    """Length of the longest phrase of ``table`` ending just before ``words[end]`` (0 if none)."""
    for n in range(min(admin_words().longest, end), 0, -1):
        if tuple(words[end - n:end]) in table:
            return n
    return 0


def begins_with_admin_word(text: str) -> bool:
    """Whether ``text`` starts with an admin word of the table ("State", "Oblast", "Self-
    Administered Zone"...), in any case."""
    words = fold_tokens(" ".join(text.split()[:admin_words().longest]))
    return _phrase_at(words, 0, admin_words().admin) > 0


def _strip_admin(words: list[str]) -> list[str]:
    """``words`` without admin words (and a left-over "of") at either end; never emptied."""
    table = admin_words().admin
    own = list(words)
    trimmed = True
    while trimmed and own:
        trimmed = False
        n = _phrase_ending(own, len(own), table)
        if n and len(own) > n:
            del own[-n:]
            trimmed = True
        n = _phrase_at(own, 0, table)
        if n and len(own) > n:
            del own[:n]
            trimmed = True
        for end in (-1, 0):  # "State of X": the "of" left over
            if len(own) > 1 and own[end] == "of":
                own.pop(end)
                trimmed = True
    return own


def _is_admin_only(words: list[str]) -> bool:
    table = admin_words().admin
    i = 0
    while i < len(words):
        n = _phrase_at(words, i, table)
        if not n:
            return words[i] == "of"
        i += n
    return True


def unit_words(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The unit's own words and its canonical qualifiers, admin words dropped.

    ``"northern Shan State"``, ``"Shan State (North)"`` and ``"North Shan"`` all give
    ``(("shan",), ("north",))``; ``"Kachin State"`` gives ``(("kachin",), ())``. Admin words
    are dropped at the start and end (``"Wilayat Khartoum"``, ``"Kokang Self-Administered
    Zone"``), qualifiers anywhere, as long as some other word is left: ``"Northern State"`` is
    the unit ``Northern`` and ``"Region"`` stays ``Region``.
    """
    table = admin_words()
    words = fold_tokens(name)
    rest, quals = [], []
    i = 0
    while i < len(words):
        n = _phrase_at(words, i, table.qualifiers)
        if n:
            quals.append(table.qualifiers[tuple(words[i:i + n])])
            i += n
            continue
        rest.append(words[i])
        i += 1
    if not quals or _is_admin_only(rest):  # the qualifier is the name itself
        return tuple(_strip_admin(words)), ()
    return tuple(_strip_admin(rest)), tuple(sorted(set(quals)))


def admin_key(name: str) -> str:
    """Key of the ``admin`` rule: own words joined, then ``|`` and the qualifiers."""
    own, quals = unit_words(name)
    return " ".join(own) + ("|" + " ".join(quals) if quals else "")
