"""District, place and province names found in free text (news reports, notes).

:class:`MentionFinder` scans text for every spelling a :class:`~tracker.names.gazetteer.Gazetteer`
knows and resolves each name it finds with the gazetteer's own rules; ``Gazetteer.mentions(text)``
builds one finder on first use and calls it. This module never imports the gazetteer: the finder
is given anything with the methods of :class:`NameRules`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from tracker.names.keys import (
    CONNECTORS,
    DISTRICT,
    DISTRICT_SUFFIXES,
    PLACE,
    PROVINCE,
    PROVINCE_SUFFIXES,
    fold_tokens,
    fold_vowels,
    skeleton,
    skeleton_words,
    unfuse,
)
from tracker.names.match import Match


class NameRules(Protocol):
    """What the finder needs of a gazetteer: its spellings and its resolution rules."""

    def known_spellings(self) -> Iterator[tuple[str, str]]: ...
    def district_rules(self, name: str) -> Iterator[tuple[str, dict[str, str]]]: ...
    def province_rules(self, name: str) -> Iterator[tuple[str, dict[str, str]]]: ...
    def province_of(self, code: str) -> str: ...
    def district_match(self, code: str, rule: str, matched: str) -> Match: ...
    def province_match(self, code: str, rule: str, matched: str) -> Match: ...

MENTION_STOPWORDS = frozenset({"farsi", "march", "marc", "para"})
"""Words that name a place but in English text mostly mean something else (the language Farsi, the
month); :meth:`MentionFinder.find` takes them only with a suffix: ``Farsi district``. Found by
running it over 10 MB of English prose (licences, manuals): these were its only common hits."""
_STOP_KEYS = {(w,) for w in MENTION_STOPWORDS}
_WORD = re.compile(r"[^\W_]+(?:['\u2019\u02bc\u02bf\u2018`](?!s\b)[^\W_]+)*")
_JOINABLE_GAP = re.compile(r"[ \t\-\u2010\u2011]+")
_MAX_WINDOW = 8
_FORM_CACHE = 100_000
NORMALIZED_KINDS = frozenset({DISTRICT, PLACE, PROVINCE})
"""Kinds of name whose spellings of two or more words are also found under their
:func:`~tracker.names.keys.skeleton` (``Pol-e-Hasar`` for ``Pul-e-Hisar``)."""

Window = tuple[str, dict[str, str], str, str | None]  # kind, {code: spelling}, rule, province
Found = tuple[int, int, str, dict[str, str], str, str | None]  # start, end, *Window


@dataclass(frozen=True)
class Mention:
    """A district, place or province name found in free text, ``text[start:end]``."""

    start: int
    end: int
    text: str
    kind: str  # "district" | "place" | "province"
    match: Match


def _mention_key(tokens: list[str]) -> tuple[str, ...]:
    """Folded words with every izafe connector written ``e`` (Pul-i-Hisar = Pul-e Hisar)."""
    return tuple("e" if t in CONNECTORS else t for t in tokens)


class MentionFinder:
    """Finds the names of one gazetteer in free text (see :meth:`find`).

    Parameters
    ----------
    gazetteer
        Gives the spellings to look for (:meth:`~tracker.names.gazetteer.Gazetteer.known_spellings`)
        and resolves each candidate (``district_rules``, ``province_rules``).
    """

    def __init__(self, gazetteer: NameRules) -> None:
        self._gaz = gazetteer
        keys: set[tuple[str, ...]] = set()
        norm: set[tuple[str, ...]] = set()  # word-by-word skeletons of names of 2+ words
        norm_first: set[str] = set()  # their first words
        district_skeletons: set[str] = set()
        for kind, spelling in gazetteer.known_spellings():
            key = _mention_key(fold_tokens(spelling))
            short = len(key) == 1 and len(key[0]) < 4 and kind == PLACE
            if key and not short:
                keys.add(key)
            if (kind in NORMALIZED_KINDS and len(key) > 1 and key[0] != "e" and key[-1] != "e"):
                words = skeleton_words(key)
                norm.add(words)
                norm_first.add(words[0])
            if kind == DISTRICT:
                district_skeletons.add(skeleton(spelling))
        self._keys = keys
        self._first = {k[0] for k in keys}
        self._norm = norm
        self._norm_first = norm_first
        self._forms: dict[str, tuple[str, str]] = {}  # a cache of _form
        self._window_size = min(_MAX_WINDOW, max(map(len, keys), default=0) + 1)
        self._district_skeletons = district_skeletons

    def _form(self, word: str) -> tuple[str, str]:
        """(vowels folded, also without a fused izafe) of one folded word; cached."""
        form = self._forms.get(word)
        if form is None:
            if len(self._forms) >= _FORM_CACHE:
                self._forms.clear()
            form = self._forms[word] = (fold_vowels(word), fold_vowels(unfuse(word)))
        return form

    def _starts_name(self, word: list[str]) -> bool:
        """Whether a name may begin with this word (its folded tokens)."""
        return bool(word) and (word[0] in self._first or self._form(word[0])[1] in self._norm_first)

    def _known(self, key: tuple[str, ...]) -> bool:
        """Whether the words ``key`` spell a name: exactly, or (two words or more) word by word as
        :func:`~tracker.names.keys.skeleton_words` gives it (vowels folded, connectors dropped)."""
        if key in self._keys:
            return True
        if len(key) < 2 or key[-1] == "e":
            return False
        words = [w for w in key if w != "e"]  # connectors, all written "e" by _mention_key
        forms = [self._form(w)[1] for w in words[:-1]]
        forms.append(self._form(words[-1])[0])
        return tuple(forms) in self._norm

    def find(self, text: str) -> list[Mention]:
        """Every district, place and province name in ``text``, in order of appearance.

        See :meth:`tracker.names.gazetteer.Gazetteer.mentions` for the rules.
        """
        words = [(m.start(), m.end(), fold_tokens(m.group())) for m in _WORD.finditer(text)]
        joinable = [bool(_JOINABLE_GAP.fullmatch(text[a[1]:b[0]]))
                    for a, b in itertools.pairwise(words)]
        found: list[Found] = []
        i = 0
        while i < len(words):
            if not self._starts_name(words[i][2]):
                i += 1
                continue
            run = 1
            while (run < self._window_size and i + run - 1 < len(joinable)
                   and joinable[i + run - 1]):
                run += 1
            size, hit = run, None
            while size and hit is None:
                key = _mention_key([t for w in words[i:i + size] for t in w[2]])
                if key and key[0] != "e" and key[-1] != "e":
                    hit = self._window(key, text[words[i][0]:words[i + size - 1][1]])
                size -= 1
            if hit is None:
                i += 1
                continue
            found.append((words[i][0], words[i + size][1], *hit))
            i += size + 1
        return self._settle(text, found)

    def _settle(self, text: str, found: list[Found]) -> list[Mention]:
        """Mentions of the names found; a name of several districts needs its province named."""
        in_text = {p for *_, p in found if p}
        gaz = self._gaz
        out = []
        for start, end, kind, hits, rule, _ in found:
            if len(hits) > 1:
                hits = {c: sp for c, sp in hits.items() if gaz.province_of(c) in in_text}
            if len(hits) != 1:
                continue
            code, spelling = next(iter(hits.items()))
            match = (gaz.province_match(code, rule, spelling) if kind == PROVINCE
                     else gaz.district_match(code, rule, spelling))
            out.append(Mention(start, end, text[start:end], kind, match))
        return out

    def _window(self, key: tuple[str, ...], raw: str) -> Window | None:
        """(kind, hits, rule, province named) for one window of text (``key``: its words)."""
        suffix = key[-1] if len(key) > 1 and self._known(key[:-1]) else None
        if suffix in PROVINCE_SUFFIXES:
            return self._window_province(raw)
        if suffix not in DISTRICT_SUFFIXES and (not self._known(key) or key in _STOP_KEYS):
            return None
        province = self._window_province(" ".join(key[:-1]) if suffix else raw)
        named = province[-1] if province else None  # "Kandahar city" names Kandahar too
        for rule, hits in self._gaz.district_rules(raw):
            if not hits:
                continue
            is_place = rule == "place" or (rule == "normalized"
                                         and skeleton(raw) not in self._district_skeletons)
            if province and not suffix and (is_place or len(hits) > 1):
                return province  # "in Baghlan": the province rather than the town Baghlan
            return (PLACE if is_place else DISTRICT), hits, rule, named
        return None if suffix else province

    def _window_province(self, raw: str) -> Window | None:
        for rule, hits in self._gaz.province_rules(raw):
            if len(hits) == 1:
                return PROVINCE, hits, rule, next(iter(hits))
        return None
