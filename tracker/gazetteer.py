"""Place and province names -> district and province codes, for any country's boundary set.

A name is tried against these rules in order; the first rule that finds exactly one district wins,
a rule that finds several raises :class:`~tracker._errors.ResolveError` naming them:

``code``        the district code itself (``AF0912``), case-insensitive;
``exact``       the official district name (case and surrounding spaces ignored);
``alias``       a user alias (``aliases=`` table: columns ``name``, ``district_code``);
``variant``     a spelling of the ``name_variants`` table, or ``<province> centre|capital`` for
                the district marked as the provincial centre;
``place``       a town or village of the ``places`` table (name or alternate name): its district;
``normalized``  the same after :func:`skeleton` (accents, case, hyphens, apostrophes and spaces,
                ``-e-``/``-i-`` connectors, doubled letters, a/e/i/y and o/u swaps and a trailing
                "district", "city" or "centre" ignored), over all the spellings above;
``fuzzy``       the closest spelling by :func:`rapidfuzz.fuzz.ratio`, accepted only when it scores
                at least :data:`FUZZY_THRESHOLD` and leads the next district by
                :data:`FUZZY_MARGIN`.

When a province is given it is resolved first (code, exact, variant, normalized, fuzzy) and every
rule only considers districts of that province. Tables of a boundary set (all optional but
districts):

- ``name_variants``: column ``district_code`` and any number of name columns, i.e. columns whose
  name starts with ``name`` or ``alt``; a cell may hold several spellings separated by ``|``, and
  ``A (B)`` counts as ``A`` and ``B`` too. ``Centre`` and ``<Province> Centre`` are not names:
  they mark the provincial centre.
- ``places``: columns ``name``, ``district_code`` and optionally ``alternatenames``
  (``|``-separated).

:meth:`Gazetteer.resolve_table` resolves a column (each distinct name/province pair once) and
:meth:`Gazetteer.mentions` finds names in free text.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from tracker import schema as s
from tracker._errors import InputError, ResolveError

if TYPE_CHECKING:
    from tracker.geodata import BoundarySet

FUZZY_THRESHOLD = 88.0
"""Lowest rapidfuzz ratio (0-100) a fuzzy match needs: about one wrong letter in eight."""
FUZZY_MARGIN = 4.0
"""Points by which a fuzzy match must lead the best spelling of any other district."""

AIMS_COLUMN = "name_aims_geoboundaries"
AIMS_OVERLAPS = ("overlap_ocha", "overlap_gb")
AIMS_MIN_OVERLAP = 0.6
"""An AIMS district name is a variant only where it and the OCHA district overlap this much both
ways; below it lie neighbours' names (AF3006 Garmser 0.575 is labelled "Reg(Khanshin)", AF3011
"Garmser") while AF2405 Kiti / "Gaiti" (0.639) is the same district."""

# Columns of the alias table and of :meth:`Gazetteer.resolve_table` results.
ALIAS_NAME = "name"
PLACE_NAME = "name"
PLACE_ALTERNATES = "alternatenames"
RULE = "rule"
MATCHED = "matched"
SCORE = "score"
ERROR = "error"
RESULT_COLUMNS = [s.DISTRICT_CODE, RULE, MATCHED, SCORE, ERROR]

DISTRICT = "district"
PLACE = "place"
PROVINCE = "province"

DISTRICT_SUFFIXES = frozenset({"district", "districts", "city", "centre", "center", "town",
                               "woleswali", "uluswali", "wuluswali"})
PROVINCE_SUFFIXES = frozenset({"province", "provinces", "wilayat", "welayat", "velayat"})
CENTRE_WORDS = frozenset({"centre", "center", "capital"})
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

_APOSTROPHES = re.compile("['`\u00b4\u2018\u2019\u02bb\u02bc\u02be\u02bf]")
_TOKEN = re.compile(r"[^\W_]+")
_WORD = re.compile(r"[^\W_]+(?:['\u2019\u02bc\u02bf\u2018`](?!s\b)[^\W_]+)*")
_JOINABLE_GAP = re.compile(r"[ \t\-\u2010\u2011]+")
_VOWELS = str.maketrans({"a": "i", "e": "i", "y": "i", "o": "u"})
_RUNS = re.compile(r"(.)\1+")
_PARENS = re.compile(r"^(.*?)\s*\((.*)\)\s*$")
_MAX_WINDOW = 8

MENTION_STOPWORDS = frozenset({"farsi", "march", "marc", "para"})
"""Words that name a place but in English text mostly mean something else (the language Farsi, the
month); :meth:`Gazetteer.mentions` takes them only with a suffix: ``Farsi district``. Found by
running it over 10 MB of English prose (licences, manuals): these were its only common hits."""
_STOP_KEYS = {(w,) for w in MENTION_STOPWORDS}


@dataclass(frozen=True)
class Match:
    """One resolution of a name: the district (or province) it means and how it was found."""

    code: str
    name: str
    province_code: str
    province_name: str
    rule: str  # "code" | "exact" | "alias" | "variant" | "place" | "normalized" | "fuzzy"
    matched: str  # the known spelling the name matched
    score: float = 100.0  # 100 unless fuzzy

    def label(self) -> str:
        """``Name (Province, CODE)`` for messages."""
        return f"{self.name} ({self.province_name}, {self.code})"


@dataclass(frozen=True)
class Mention:
    """A district, place or province name found in free text, ``text[start:end]``."""

    start: int
    end: int
    text: str
    kind: str  # "district" | "place" | "province"
    match: Match


def light_key(name: str) -> str:
    """Key of the exact rules: NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", str(name)).casefold().split())


def fold_tokens(text: str) -> list[str]:
    """Words of ``text`` without accents, apostrophes and case."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _TOKEN.findall(_APOSTROPHES.sub("", plain))


def skeleton(name: str, suffixes: frozenset[str] = DISTRICT_SUFFIXES) -> str:
    """Normalised form under which spelling variants coincide.

    ``Pul-e-Hisar``, ``Puli Hisar``, ``PULE HESAR`` and ``Pol-e-Hesar`` all give ``pulhisir``.
    """
    words = fold_tokens(name)
    while len(words) > 1 and words[-1] in suffixes:
        words.pop()
    words = [w for w in words if w not in CONNECTORS] or words
    last = len(words) - 1
    # An izafe fused to its word (Puli Hisar, Khaki Jabbar, Sari Pul) counts as a connector.
    words = [w[:-1] if i < last and len(w) > 3 and w[-1] in "ei" else w
             for i, w in enumerate(words)]
    return _RUNS.sub(r"\1", "".join(words).translate(_VOWELS))


def _compact(name: str) -> str:
    """Accent-free, case-folded letters and digits only (the fuzzy matcher's view of a name)."""
    return "".join(fold_tokens(name))


def _spellings(cell: object) -> list[str]:
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


def _trusted_aims(table: pd.DataFrame) -> list[bool]:
    """Rows whose AIMS name is the same district: both area overlaps at least AIMS_MIN_OVERLAP."""
    if not {AIMS_COLUMN, *AIMS_OVERLAPS} <= set(table.columns):
        return [True] * len(table)
    overlap = pd.concat([pd.to_numeric(table[c], errors="coerce") for c in AIMS_OVERLAPS], axis=1)
    return list(overlap.min(axis=1).fillna(0) >= AIMS_MIN_OVERLAP)


def _plausible_place(spelling: str) -> bool:
    """False for GeoNames alternate names that are codes or vowel-less transliterations (KBL)."""
    letters = "".join(fold_tokens(spelling))
    if len(letters) < 3 or letters.isdigit():
        return False
    return not letters.isascii() or any(v in letters for v in "aeiouy")


def _mention_key(tokens: list[str]) -> tuple[str, ...]:
    """Folded words with every izafe connector written ``e`` (Pul-i-Hisar = Pul-e Hisar)."""
    return tuple("e" if t in CONNECTORS else t for t in tokens)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value))) or (
        isinstance(value, str) and not value.strip())


Index = dict[str, dict[str, str]]  # key -> {code: the spelling behind the key}


def _add(index: Index, key: str, code: str, spelling: str) -> None:
    if key:
        index.setdefault(key, {}).setdefault(code, spelling)


class Gazetteer:
    """Resolves district, place and province names of one boundary set to codes.

    Build it with :meth:`from_boundaries`. See the module docstring for the rules.
    """

    def __init__(self, districts: pd.DataFrame, *, provinces: pd.DataFrame | None = None,
                 name_variants: pd.DataFrame | None = None, places: pd.DataFrame | None = None,
                 aliases: pd.DataFrame | None = None) -> None:
        self._district: dict[str, tuple[str, str, str]] = {}  # code -> (name, prov code, prov name)
        self._province: dict[str, str] = {}  # code -> name
        for code, name, pcode, pname in districts[
                [s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME]].itertuples(
                index=False):
            self._district[str(code)] = (str(name), str(pcode), str(pname))
            self._province.setdefault(str(pcode), str(pname))
        if provinces is not None and len(provinces):
            for pcode, pname in provinces[[s.PROVINCE_CODE, s.PROVINCE_NAME]].itertuples(
                    index=False):
                self._province[str(pcode)] = str(pname)
        self._code = {c.casefold(): c for c in self._district}
        self._exact: Index = {}
        self._alias: Index = {}
        self._variant: Index = {}
        self._place: Index = {}
        self._centre: dict[str, str] = {}  # province code -> district code of its centre
        for code, (name, _, _) in self._district.items():
            _add(self._exact, light_key(name), code, name)
        self._read_variants(name_variants)
        self._read_places(places)
        self._read_aliases(aliases)
        self._norm: Index = {}  # skeletons of district names, aliases and variants
        self._norm_place: Index = {}
        for source in (self._exact, self._alias, self._variant):
            for codes in source.values():
                for code, spelling in codes.items():
                    _add(self._norm, skeleton(spelling), code, spelling)
        for codes in self._place.values():
            for code, spelling in codes.items():
                _add(self._norm_place, skeleton(spelling), code, spelling)
        self._build_province_indexes()
        self._build_fuzzy()
        self._build_mention_index()

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_boundaries(cls, boundaries: BoundarySet, *,
                        aliases: pd.DataFrame | None = None) -> Gazetteer:
        """Gazetteer of a :class:`~tracker.geodata.BoundarySet` plus the user's aliases.

        Parameters
        ----------
        boundaries
            Districts, provinces and the optional ``name_variants`` and ``places`` tables.
        aliases
            User spellings: columns ``name`` and ``district_code``. Aliases of codes that are not in
            the boundary set are ignored.
        """
        return cls(boundaries.districts, provinces=boundaries.provinces,
                   name_variants=boundaries.name_variants, places=boundaries.places,
                   aliases=aliases)

    def _read_variants(self, table: pd.DataFrame | None) -> None:
        """Index the name columns of ``table``; earlier columns win conflicts (see below).

        A spelling whose :func:`skeleton` another district of the same province already has from an
        earlier column (official names first) is dropped: this removes AIMS names that belong to a
        neighbour and the Daykundi rows of ``names_iec2019`` that are shifted by one district.
        """
        if table is None or s.DISTRICT_CODE not in getattr(table, "columns", ()):
            return
        table = table[table[s.DISTRICT_CODE].astype(str).isin(self._district)]
        columns = [c for c in table.columns if str(c).lower().startswith(("name", "alt"))]
        claims: dict[tuple[str, str], tuple[int, set[str]]] = {}  # (province, skeleton) -> owners

        def claim(level: int, code: str, spelling: str) -> bool:
            owners = claims.setdefault((self._district[code][1], skeleton(spelling)),
                                       (level, set()))
            if owners[0] == level:
                owners[1].add(code)
            return code in owners[1]

        for code, (name, _, _) in self._district.items():
            claim(0, code, name)
        trusted = _trusted_aims(table)
        for level, column in enumerate(columns, start=1):
            for code, cell, ok in zip(table[s.DISTRICT_CODE].astype(str), table[column], trusted,
                                      strict=True):
                if column == AIMS_COLUMN and not ok:
                    continue
                pcode, pname = self._district[code][1:]
                marks = {"centre", "center", f"{pname} centre".casefold(),
                         f"{pname} center".casefold()}
                for spelling in _spellings(cell):
                    if spelling.casefold() in marks:
                        self._centre[pcode] = code
                    elif claim(level, code, spelling):
                        _add(self._variant, light_key(spelling), code, spelling)

    def _read_places(self, table: pd.DataFrame | None) -> None:
        if table is None or not {PLACE_NAME, s.DISTRICT_CODE} <= set(getattr(table, "columns", ())):
            return
        alternates = table[PLACE_ALTERNATES] if PLACE_ALTERNATES in table.columns else None
        for i, (name, code) in enumerate(table[[PLACE_NAME, s.DISTRICT_CODE]].itertuples(
                index=False)):
            code = str(code)
            if code not in self._district:
                continue
            names = _spellings(name)
            if alternates is not None:
                names += _spellings(alternates.iloc[i])
            for spelling in names:
                if _plausible_place(spelling):
                    _add(self._place, light_key(spelling), code, spelling)

    def _read_aliases(self, table: pd.DataFrame | None) -> None:
        if table is None or not len(table):
            return
        if not {ALIAS_NAME, s.DISTRICT_CODE} <= set(table.columns):
            msg = (f"aliases table has columns {', '.join(map(str, table.columns))}; "
                   f"it needs {ALIAS_NAME} and {s.DISTRICT_CODE}")
            raise InputError(msg)
        for name, code in table[[ALIAS_NAME, s.DISTRICT_CODE]].itertuples(index=False):
            if str(code) in self._district and not _missing(name):
                _add(self._alias, light_key(name), str(code), str(name).strip())

    def _build_province_indexes(self) -> None:
        self._prov_code = {c.casefold(): c for c in self._province}
        self._prov_exact: Index = {}
        self._prov_variant: Index = {}
        self._prov_norm: Index = {}
        by_name = {light_key(n): c for c, n in self._province.items()}
        for code, name in self._province.items():
            _add(self._prov_exact, light_key(name), code, name)
        for official, spellings in PROVINCE_VARIANTS.items():
            code = by_name.get(light_key(official))
            for spelling in spellings if code else ():
                _add(self._prov_variant, light_key(spelling), code, spelling)
        for source in (self._prov_exact, self._prov_variant):
            for codes in source.values():
                for code, spelling in codes.items():
                    _add(self._prov_norm, skeleton(spelling, PROVINCE_SUFFIXES), code, spelling)

    def _build_fuzzy(self) -> None:
        def pool(indexes: Iterable[Index]) -> tuple[list[str], list[str], list[str], np.ndarray]:
            seen: dict[tuple[str, str], str] = {}
            for index in indexes:
                for codes in index.values():
                    for code, spelling in codes.items():
                        seen.setdefault((code, spelling), spelling)
            pairs = list(seen)
            compact = [_compact(sp) for _, sp in pairs]
            skel = [skeleton(sp) for _, sp in pairs]
            return compact, skel, [sp for _, sp in pairs], np.array([c for c, _ in pairs])

        self._fz = pool((self._exact, self._alias, self._variant))
        self._prov_fz = pool((self._prov_exact, self._prov_variant))

    # --- look-ups -----------------------------------------------------------------------------
    def _district_steps(self, name: str) -> Iterable[tuple[str, dict[str, str]]]:
        """(rule, {code: spelling}) of every non-fuzzy rule, in order, computed lazily."""
        key = light_key(name)
        code = self._code.get(key)
        yield "code", ({code: code} if code else {})
        yield "exact", self._exact.get(key, {})
        yield "alias", self._alias.get(key, {})
        yield "variant", self._variant.get(key, {}) or self._centre_of(name)
        yield "place", self._place.get(key, {})
        skel = skeleton(name)
        yield "normalized", self._norm.get(skel, {}) or self._norm_place.get(skel, {})

    def _centre_of(self, name: str) -> dict[str, str]:
        """``Laghman Centre``, ``Ghor capital``: the district marked as that province's centre."""
        words = name.split()
        if len(words) < 2 or words[-1].casefold() not in CENTRE_WORDS:
            return {}
        stem = " ".join(words[:-1])
        for _, hits in self._province_steps(stem):
            if len(hits) == 1:
                pcode = next(iter(hits))
                centre = self._centre.get(pcode)
                return {centre: f"{self._province[pcode]} centre"} if centre else {}
            if hits:
                return {}
        return {}

    def _province_steps(self, name: str) -> Iterable[tuple[str, dict[str, str]]]:
        key = light_key(name)
        code = self._prov_code.get(key)
        yield "code", ({code: code} if code else {})
        yield "exact", self._prov_exact.get(key, {})
        yield "variant", self._prov_variant.get(key, {})
        yield "normalized", self._prov_norm.get(skeleton(name, PROVINCE_SUFFIXES), {})

    def _ranked(self, name: str, pool: tuple, allowed: str | None, *, district: bool,
                limit: int) -> list[tuple[float, str, str]]:
        """Best (score, code, spelling) per entry, highest first."""
        compact, skel, spellings, codes = pool
        if not spellings:
            return []
        q_compact = _compact(name)
        q_skel = skeleton(name) if district else skeleton(name, PROVINCE_SUFFIXES)
        scores = np.maximum(process.cdist([q_compact], compact, scorer=fuzz.ratio)[0],
                            process.cdist([q_skel], skel, scorer=fuzz.ratio)[0])
        out: list[tuple[float, str, str]] = []
        seen: set[str] = set()
        for i in np.argsort(-scores, kind="stable"):
            code = str(codes[i])
            if code in seen or (allowed and self._district[code][1] != allowed):
                continue
            seen.add(code)
            out.append((round(float(scores[i]), 1), code, spellings[i]))
            if len(out) >= limit:
                break
        return out

    def _district_match(self, code: str, rule: str, matched: str, score: float = 100.0) -> Match:
        name, pcode, pname = self._district[code]
        return Match(code, name, pcode, pname, rule, matched, score)

    def _province_match(self, code: str, rule: str, matched: str, score: float = 100.0) -> Match:
        name = self._province[code]
        return Match(code, name, code, name, rule, matched, score)

    # --- public API ---------------------------------------------------------------------------
    def resolve_province(self, name: str) -> Match:
        """The province ``name`` means (code, name or a common spelling); raises ResolveError."""
        if _missing(name):
            msg = "province name is empty; give a province name or code"
            raise ResolveError(msg)
        name = str(name).strip()
        for rule, hits in self._province_steps(name):
            if len(hits) == 1:
                code, spelling = next(iter(hits.items()))
                return self._province_match(code, rule, spelling)
            if hits:
                labels = " and ".join(f"{self._province[c]} ({c})" for c in sorted(hits))
                msg = f"province {name!r} matches {labels}; give the province code"
                raise ResolveError(msg)
        ranked = self._ranked(name, self._prov_fz, None, district=False, limit=3)
        if ranked and ranked[0][0] >= FUZZY_THRESHOLD and (
                len(ranked) < 2 or ranked[0][0] - ranked[1][0] >= FUZZY_MARGIN):
            score, code, spelling = ranked[0]
            return self._province_match(code, "fuzzy", spelling, score)
        closest = ", ".join(f"{self._province[c]} ({c})" for _, c, _ in ranked)
        msg = (f"unknown province {name!r}; closest: {closest or 'none'}; "
               f"use a province name or code")
        raise ResolveError(msg)

    def resolve_district(self, name: str, *, province: str | None = None) -> Match:
        """The district ``name`` means, optionally within ``province``; raises ResolveError.

        Parameters
        ----------
        name
            District code, name, alias, variant spelling or town name.
        province
            Province name or code: restricts every rule to that province.

        Raises
        ------
        ResolveError
            The name is empty, unknown, fits several districts (equally well), or is known only
            outside the given province (then no fuzzy guess is made inside it).
        """
        if _missing(name):
            msg = "district name is empty; give a district name or code"
            raise ResolveError(msg)
        name = str(name).strip()
        allowed = None if _missing(province) else self.resolve_province(str(province)).code
        where = f" in {self._province[allowed]}" if allowed else ""
        elsewhere: dict[str, str] = {}
        for rule, hits in self._district_steps(name):
            if allowed:
                inside = {c: sp for c, sp in hits.items() if self._district[c][1] == allowed}
                if rule == "code" and hits and not inside:
                    code = next(iter(hits))
                    msg = (f"district code {code} lies in {self._district[code][2]}, "
                           f"not in {self._province[allowed]}; check the province column")
                    raise ResolveError(msg)
                for code, spelling in hits.items():
                    elsewhere.setdefault(code, spelling)
                hits = inside
            if len(hits) == 1:
                code, spelling = next(iter(hits.items()))
                return self._district_match(code, rule, spelling)
            if hits:
                labels = " and ".join(self._district_match(c, rule, sp).label()
                                      for c, sp in sorted(hits.items()))
                msg = (f"{name!r} matches {labels}; add the province column (or argument) "
                       f"to choose")
                raise ResolveError(msg)
        if elsewhere:
            labels = ", ".join(self._district_match(c, "", sp).label()
                               for c, sp in sorted(elsewhere.items()))
            msg = f"{name!r} is {labels}, not in {self._province[allowed]}; check the province"
            raise ResolveError(msg)
        return self._fuzzy(name, allowed, where)

    def _fuzzy(self, name: str, allowed: str | None, where: str) -> Match:
        ranked = self._ranked(name, self._fz, allowed, district=True, limit=3)
        if ranked and ranked[0][0] >= FUZZY_THRESHOLD:
            score, code, spelling = ranked[0]
            if len(ranked) < 2 or score - ranked[1][0] >= FUZZY_MARGIN:
                return self._district_match(code, "fuzzy", spelling, score)
            close = [r for r in ranked if score - r[0] < FUZZY_MARGIN]
            labels = " and ".join(f"{self._district_match(c, '', sp).label()} (score {sc:g})"
                                  for sc, c, sp in close)
            msg = (f"{name!r}{where} is about equally close to {labels}; give the exact spelling"
                   f"{'' if allowed else ' or the province'}")
            raise ResolveError(msg)
        closest = ", ".join(f"{self._district[c][0]} ({self._district[c][2]})"
                            for _, c, _ in ranked)
        msg = (f"unknown district {name!r}{where}; closest: {closest or 'none'}; "
               f"fix the spelling or add an alias")
        raise ResolveError(msg)

    def candidates(self, name: str, *, province: str | None = None, limit: int = 5) -> list[Match]:
        """Districts ``name`` may mean, best first: every non-fuzzy hit, then by fuzzy score."""
        name = "" if _missing(name) else str(name).strip()
        allowed = None if _missing(province) else self.resolve_province(str(province)).code
        out: dict[str, Match] = {}
        for rule, hits in self._district_steps(name) if name else ():
            for code, spelling in sorted(hits.items()):
                if not allowed or self._district[code][1] == allowed:
                    out.setdefault(code, self._district_match(code, rule, spelling))
        for score, code, spelling in self._ranked(name, self._fz, allowed, district=True,
                                                  limit=limit + len(out)):
            out.setdefault(code, self._district_match(code, "fuzzy", spelling, score))
        return list(out.values())[:limit]

    def resolve_table(self, names: pd.Series,
                      provinces: pd.Series | None = None) -> pd.DataFrame:
        """Resolve a column of names (and optionally provinces); never raises per row.

        Each distinct (name, province) pair is resolved once. Returns a frame on ``names.index``
        with columns ``district_code``, ``rule``, ``matched``, ``score`` and ``error`` (``None``,
        or the one-line reason the row did not resolve; the other columns are then ``None``/NaN).
        """
        names = pd.Series(names)
        if provinces is None:
            provinces = pd.Series([None] * len(names), index=names.index, dtype=object)
        provinces = pd.Series(provinces)
        if len(provinces) != len(names):
            msg = (f"names has {len(names)} rows but provinces has {len(provinces)}; "
                   f"pass series of equal length")
            raise ResolveError(msg)
        name_codes, name_values = pd.factorize(names, use_na_sentinel=False)
        prov_codes, prov_values = pd.factorize(provinces, use_na_sentinel=False)
        width = len(prov_values) + 1
        codes, pairs = pd.factorize(name_codes.astype(np.int64) * width + prov_codes)
        results = []
        for pair in pairs:
            name, province = name_values[pair // width], prov_values[pair % width]
            try:
                m = self.resolve_district(name, province=province)
                results.append((m.code, m.rule, m.matched, m.score, None))
            except ResolveError as exc:
                results.append((None, None, None, np.nan, str(exc)))
        # object columns keep None (pandas 3 would turn None into NaN in a str column)
        columns = {c: pd.Series(np.array([r[i] for r in results], dtype=object)[codes],
                                index=names.index, dtype=float if c == SCORE else object)
                   for i, c in enumerate(RESULT_COLUMNS)}
        return pd.DataFrame(columns)

    def mentions(self, text: str) -> list[Mention]:
        """Every district, place and province name in free text, in order of appearance.

        Case-insensitive, on word boundaries, for every known spelling (hyphens, spaces, accents and
        ``-e-``/``-i-`` connectors aside); where names overlap the longest wins. A trailing
        ``province`` makes a province (``Kandahar province``), a trailing ``district``/``city`` a
        district; a bare name that is both is taken as the district, a bare name that is a province
        and a town as the province. A name that fits several districts counts only if exactly one
        of them lies in a province the text names; otherwise it is left out (see
        :meth:`candidates`). Words of :data:`MENTION_STOPWORDS` are never names.
        """
        words = [(m.start(), m.end(), fold_tokens(m.group())) for m in _WORD.finditer(text)]
        joinable = [bool(_JOINABLE_GAP.fullmatch(text[a[1]:b[0]]))
                    for a, b in itertools.pairwise(words)]
        found: list[tuple[int, int, str, dict[str, str], str, str | None]] = []
        i = 0
        while i < len(words):
            if not words[i][2] or words[i][2][0] not in self._mention_first:
                i += 1
                continue
            run = 1
            while (run < self._mention_window and i + run - 1 < len(joinable)
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
        in_text = {p for *_, p in found if p}
        out = []
        for start, end, kind, hits, rule, _ in found:
            if len(hits) > 1:
                hits = {c: sp for c, sp in hits.items() if self._district[c][1] in in_text}
            if len(hits) != 1:
                continue
            code, spelling = next(iter(hits.items()))
            match = (self._province_match(code, rule, spelling) if kind == PROVINCE
                     else self._district_match(code, rule, spelling))
            out.append(Mention(start, end, text[start:end], kind, match))
        return out

    def _build_mention_index(self) -> None:
        keys: set[tuple[str, ...]] = set()
        for index in (self._exact, self._alias, self._variant, self._place, self._prov_exact,
                      self._prov_variant):
            for codes in index.values():
                for spelling in codes.values():
                    key = _mention_key(fold_tokens(spelling))
                    short = len(key) == 1 and len(key[0]) < 4 and index is self._place
                    if key and not short:
                        keys.add(key)
        self._mention_keys = keys
        self._mention_first = {k[0] for k in keys}
        self._mention_window = min(_MAX_WINDOW, max(map(len, keys), default=0) + 1)

    def _window(self, key: tuple[str, ...], raw: str
                ) -> tuple[str, dict[str, str], str, str | None] | None:
        """(kind, hits, rule, province named) for one window of text (``key``: its words)."""
        suffix = key[-1] if len(key) > 1 and key[:-1] in self._mention_keys else None
        if suffix in PROVINCE_SUFFIXES:
            return self._window_province(raw)
        if suffix not in DISTRICT_SUFFIXES and (key not in self._mention_keys
                                                or key in _STOP_KEYS):
            return None
        province = self._window_province(" ".join(key[:-1]) if suffix else raw)
        named = province[-1] if province else None  # "Kandahar city" names Kandahar too
        for rule, hits in self._district_steps(raw):
            if not hits:
                continue
            is_place = rule == "place" or (rule == "normalized" and skeleton(raw) not in self._norm)
            if province and not suffix and (is_place or len(hits) > 1):
                return province  # "in Baghlan": the province rather than the town Baghlan
            return (PLACE if is_place else DISTRICT), hits, rule, named
        return None if suffix else province

    def _window_province(self, raw: str) -> tuple[str, dict[str, str], str, str | None] | None:
        for rule, hits in self._province_steps(raw):
            if len(hits) == 1:
                return PROVINCE, hits, rule, next(iter(hits))
        return None
