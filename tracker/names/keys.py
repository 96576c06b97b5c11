"""Name normalisation: the keys under which spellings of a place name are compared.

String functions and word lists: :func:`light_key` (the exact rules' key), :func:`fold_tokens`
(words without accents, apostrophes and case, from :mod:`tracker.names.folding`),
:func:`skeleton` (the normalised rule's key, under which ``Pul-e-Hisar`` and ``Pol-e-Hasar``
coincide, and ``Al-Dinder`` and ``Ad Dinder``: leading articles of the admin-word table) and
:func:`split_spellings` (the spellings in one cell of a name table). :data:`PROVINCE_VARIANTS`
holds common English spellings of Afghan provinces. Used by :mod:`tracker.names.gazetteer` and
:mod:`tracker.names.mentions`.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from tracker.names.admin_words import admin_words
from tracker.names.folding import fold_tokens

DISTRICT = "district"
PLACE = "place"
PROVINCE = "province"
"""Kinds of name: a district (its name, an alias or variant), a town or village, a province."""

DISTRICT_SUFFIXES = frozenset({"district", "districts", "city", "centre", "center", "town",
                               "woleswali", "uluswali", "wuluswali"})
PROVINCE_SUFFIXES = frozenset({"province", "provinces", "wilayat", "welayat", "velayat"})
CONNECTORS = frozenset({"e", "i", "ye", "yi", "y"})
"""Persian izafe connectors (``Pul-e-Hisar``, ``Qal'ah-ye Na'im``) dropped by :func:`skeleton`."""

PROVINCE_VARIANTS: dict[str, tuple[str, ...]] = {
    # Common English spellings of Afghan provinces, keyed by the OCHA name. Data, not logic: used
    # only when a boundary set has a province of that name. Add to it freely.
    "Badakhshan": ("Badakshan",),
    "Bamyan": ("Bamiyan", "Bamian"),
    "Daykundi": ("Daikundi", "Daikondi", "Dai Kundi", "Day Kundi"),
    "Ghor": ("Ghowr", "Ghour"),
    "Hilmand": ("Helmand",),
    "Hirat": ("Herat",),
    "Jawzjan": ("Jowzjan", "Jauzjan", "Jozjan"),
    "Kandahar": ("Qandahar",),
    "Khost": ("Khowst",),
    "Kunar": ("Konar",),
    "Kunduz": ("Kondoz", "Qunduz"),
    "Logar": ("Lowgar",),
    "Maidan Wardak": ("Wardak", "Maydan Wardak", "Vardak", "Wardag"),
    "Nangarhar": ("Ningarhar", "Nangrahar"),
    "Nimroz": ("Nimruz",),
    "Nuristan": ("Nooristan",),
    "Paktya": ("Paktia",),
    "Panjsher": ("Panjshir", "Panjsheer"),
    "Parwan": ("Parvan",),
    "Sar-e-Pul": ("Sar-e Pul", "Sari Pul", "Sar-i-Pul", "Sar-i Pul", "Saripul", "Sar-e-Pol"),
    "Uruzgan": ("Urozgan", "Oruzgan", "Orozgan", "Uruzgon"),
    "Zabul": ("Zabol",),
}

_VOWELS = str.maketrans({"a": "i", "e": "i", "y": "i", "o": "u"})
_RUNS = re.compile(r"(.)\1+")
_PARENS = re.compile(r"^(.*?)\s*\((.*)\)\s*$")


def light_key(name: str) -> str:
    """Key of the exact rules: NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", str(name)).casefold().split())


def fold_vowels(letters: str) -> str:
    """Folded ``letters`` with a/e/i/y as ``i``, o/u as ``u`` and doubled letters once."""
    return _RUNS.sub(r"\1", letters.translate(_VOWELS))


def skeleton(name: str, suffixes: frozenset[str] = DISTRICT_SUFFIXES) -> str:
    """Normalised form under which spelling variants coincide.

    ``Pul-e-Hisar``, ``Puli Hisar``, ``PULE HESAR`` and ``Pol-e-Hesar`` all give ``pulhisir``.
    Trailing words of ``suffixes`` ("district", "city"...) are dropped first.
    """
    words = fold_tokens(name)
    while len(words) > 1 and words[-1] in suffixes:
        words.pop()
    return fold_vowels("".join(skeleton_words(words)))


def skeleton_words(words: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Word by word :func:`skeleton` of words folded by :func:`fold_tokens` (no suffix dropped).

    Connectors are dropped, a fused izafe is cut from every word but the last and vowels are
    folded: ``("pol", "e", "hasar")`` and ``("puli", "hisar")`` both give ``("pul", "hisir")``.
    Joined and folded again (:func:`fold_vowels`), the words give the skeleton.
    """
    words = [w for w in words if w not in CONNECTORS] or list(words)
    last = len(words) - 1
    if last > 0 and words[0] in admin_words().articles:  # "Al-Dinder" is "Ad Dinder"
        words[0] = "al"
    # An izafe fused to its word (Puli Hisar, Khaki Jabbar, Sari Pul) counts as a connector.
    return tuple(fold_vowels(unfuse(w) if i < last else w) for i, w in enumerate(words))


def unfuse(word: str) -> str:
    """``word`` without an izafe fused to its end (``puli`` -> ``pul``; short words kept)."""
    return word[:-1] if len(word) > 3 and word[-1] in "ei" else word


def compact(name: str) -> str:
    """Accent-free, case-folded letters and digits only (the fuzzy matcher's view of a name)."""
    return "".join(fold_tokens(name))


def split_spellings(cell: object) -> list[str]:
    """Spellings in one cell of a name column: ``|``-separated; ``A (B)`` gives it, A and B."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return []
    out = []
    for part in str(cell).split("|"):
        part = " ".join(part.split())
        if not part:
            continue
        out.append(part)
        paren = _PARENS.match(part)
        if paren:
            out.extend(p.strip() for p in paren.groups() if p.strip())
    return out
