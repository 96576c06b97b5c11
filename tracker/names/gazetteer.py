"""Place and province names -> district and province codes, for any country's boundary set.

A name is tried against these rules in order; the first rule that finds exactly one district wins,
a rule that finds several raises :class:`~tracker._errors.ResolveError` naming them:

``code``        the district code itself (``AF0912``), case-insensitive;
``exact``       the official district name (case and surrounding spaces ignored);
``alias``       a user alias (``aliases=`` table: columns ``name``, ``district_code``);
``variant``     a spelling of the ``name_variants`` table, or ``<province> centre|capital`` for
                the district marked as the provincial centre;
``place``       a town or village of the ``places`` table (name or alternate name): its district;
``normalized``  the same after :func:`~tracker.names.keys.skeleton` (accents, case, hyphens,
                apostrophes and spaces, ``-e-``/``-i-`` connectors, doubled letters, a/e/i/y and
                o/u swaps and a trailing "district", "city" or "centre" ignored), over all the
                spellings above;
``romanised``   the same after :func:`~tracker.names.romanise.roman_key` (admin words such as
                "State", "Region", "Township" and articles dropped, directional qualifiers kept in
                canonical form, transliteration differences such as hk/kh, hp/ph, -ng/-n, ou/u
                folded); a key shared by several districts is a tie, never a guess;
``fuzzy``       the closest spelling by :func:`rapidfuzz.fuzz.ratio`, accepted only when it scores
                at least :data:`FUZZY_THRESHOLD` and leads the next district by
                :data:`FUZZY_MARGIN`.

When a province is given it is resolved first (code, exact, alias, variant, normalized,
romanised, fuzzy) and every rule only considers districts of that province. A province written
without the qualifier that tells several apart ("Shan State" for "Shan (North)", "Shan (South)"...)
stands for all of them. A province that does not resolve is a hint, not an error, when the district
resolves on its own by a rule other than ``fuzzy``: the match then carries a ``warning``. When the
province is needed to choose between districts it stays an error. Tables of a boundary set (all
optional but districts):

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

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from tracker._errors import ResolveError
from tracker.core import schema as s
from tracker.names.admin_words import unit_words
from tracker.names.keys import (
    DISTRICT,
    PLACE,
    PROVINCE,
    PROVINCE_SUFFIXES,
    PROVINCE_VARIANTS,
    compact,
    light_key,
    skeleton,
)
from tracker.names.match import Match
from tracker.names.mentions import Mention, MentionFinder
from tracker.names.romanise import roman_key
from tracker.names.tables import (
    Index,
    add_spelling,
    missing,
    read_aliases,
    read_places,
    read_province_aliases,
    read_variants,
)

if TYPE_CHECKING:
    from tracker.geo.boundaries import BoundarySet

FUZZY_THRESHOLD = 88.0
"""Lowest rapidfuzz ratio (0-100) a fuzzy match needs: about one wrong letter in eight."""
FUZZY_MARGIN = 4.0
"""Points by which a fuzzy match must lead the best spelling of any other district."""

# Columns of :meth:`Gazetteer.resolve_table` results.
RULE = "rule"
MATCHED = "matched"
SCORE = "score"
ERROR = "error"
WARNING = "warning"
RESULT_COLUMNS = [s.DISTRICT_CODE, RULE, MATCHED, SCORE, ERROR, WARNING]
LOOSE_RULES = ("normalized", "romanised")
"""Rules that fold letters: their match must stand clear of other districts' spellings."""
LOOSE_MARGIN = 10.0
"""Points of similarity (letter for letter or romanised) by which a loose match must lead every
other district."""
STRICT_RULES = ("code", "exact", "alias", "variant", "place", "normalized", "romanised")
"""Rules by which a district resolves on its own, so that an unknown province is only a hint."""

CENTRE_WORDS = frozenset({"centre", "center", "capital"})


class Gazetteer:
    """Resolves district, place and province names of one boundary set to codes.

    Build it with :meth:`from_boundaries`. See the module docstring for the rules.
    """

    def __init__(self, districts: pd.DataFrame, *, provinces: pd.DataFrame | None = None,
                 name_variants: pd.DataFrame | None = None, places: pd.DataFrame | None = None,
                 aliases: pd.DataFrame | None = None,
                 province_aliases: pd.DataFrame | None = None) -> None:
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
        for code, (name, _, _) in self._district.items():
            add_spelling(self._exact, light_key(name), code, name)
        # self._centre: province code -> district code of its centre
        self._variant, self._centre = read_variants(name_variants, self._district)
        self._places_table = places
        self._alias = read_aliases(aliases, self._district)
        self._prov_alias = read_province_aliases(province_aliases, self._province)
        self._build_province_indexes()
        self._finder: MentionFinder | None = None
        # The normalised and fuzzy indexes (_norm, _norm_place, _fz, _prov_fz) are built on
        # first use: a file whose names all match exactly never pays for them.

    @cached_property
    def _place(self) -> Index:
        """Town and village names (GeoNames) -> the districts they lie in."""
        return read_places(self._places_table, self._district)

    @cached_property
    def _norm(self) -> Index:
        """Skeletons of district names, aliases and variants."""
        index: Index = {}
        for source in (self._exact, self._alias, self._variant):
            for codes in source.values():
                for code, spelling in codes.items():
                    add_spelling(index, skeleton(spelling), code, spelling)
        return index

    @cached_property
    def _roman(self) -> Index:
        """Romanised keys of district names, aliases and variants."""
        return self._keyed((self._exact, self._alias, self._variant), roman_key)

    @cached_property
    def _roman_place(self) -> Index:
        """Romanised keys of town and village names."""
        return self._keyed((self._place,), roman_key)

    @staticmethod
    def _keyed(indexes: Iterable[Index], key) -> Index:
        index: Index = {}
        for source in indexes:
            for codes in source.values():
                for code, spelling in codes.items():
                    add_spelling(index, key(spelling), code, spelling)
        return index

    @cached_property
    def _norm_place(self) -> Index:
        """Skeletons of town and village names."""
        index: Index = {}
        for codes in self._place.values():
            for code, spelling in codes.items():
                add_spelling(index, skeleton(spelling), code, spelling)
        return index

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_boundaries(cls, boundaries: BoundarySet, *,
                        aliases: pd.DataFrame | None = None,
                        province_aliases: pd.DataFrame | None = None) -> Gazetteer:
        """Gazetteer of a :class:`~tracker.geo.boundaries.BoundarySet` plus the user's aliases.

        Parameters
        ----------
        boundaries
            Districts, provinces and the optional ``name_variants`` and ``places`` tables.
        aliases
            User spellings: columns ``name`` and ``district_code``. Aliases of codes that are not in
            the boundary set are ignored.
        province_aliases
            User spellings of provinces: columns ``name`` and ``province_code``.
        """
        return cls(boundaries.districts, provinces=boundaries.provinces,
                   name_variants=boundaries.name_variants, places=boundaries.places,
                   aliases=aliases, province_aliases=province_aliases)

    def _build_province_indexes(self) -> None:
        self._prov_code = {c.casefold(): c for c in self._province}
        self._prov_exact: Index = {}
        self._prov_variant: Index = {}
        self._prov_norm: Index = {}
        by_name = {light_key(n): c for c, n in self._province.items()}
        for code, name in self._province.items():
            add_spelling(self._prov_exact, light_key(name), code, name)
        for official, spellings in PROVINCE_VARIANTS.items():
            code = by_name.get(light_key(official))
            for spelling in spellings if code else ():
                add_spelling(self._prov_variant, light_key(spelling), code, spelling)
        self._prov_roman: Index = {}
        self._prov_base: Index = {}
        for source in (self._prov_exact, self._prov_alias, self._prov_variant):
            for codes in source.values():
                for code, spelling in codes.items():
                    add_spelling(self._prov_norm, skeleton(spelling, PROVINCE_SUFFIXES), code,
                                 spelling)
                    add_spelling(self._prov_roman, roman_key(spelling), code, spelling)
                    add_spelling(self._prov_base, roman_key(" ".join(unit_words(spelling)[0])),
                                 code, spelling)

    @staticmethod
    def _pool(indexes: Iterable[Index], key: Callable[[str], str]
              ) -> tuple[list[str], list[str], list[str], np.ndarray]:
        """Fuzzy-matching pool: compact forms, ``key`` forms, spellings and codes of every
        entry."""
        seen: dict[tuple[str, str], str] = {}
        for index in indexes:
            for codes in index.values():
                for code, spelling in codes.items():
                    seen.setdefault((code, spelling), spelling)
        pairs = list(seen)
        return ([compact(sp) for _, sp in pairs], [key(sp) for _, sp in pairs],
                [sp for _, sp in pairs], np.array([c for c, _ in pairs]))

    @cached_property
    def _fz(self) -> tuple:
        """Districts: letter for letter or romanised (the skeleton's vowel folding is too
        loose for districts)."""
        return self._pool((self._exact, self._alias, self._variant), roman_key)

    @cached_property
    def _prov_fz(self) -> tuple:
        """Provinces: letter for letter or by skeleton."""
        return self._pool((self._prov_exact, self._prov_alias, self._prov_variant), skeleton)

    # --- look-ups -----------------------------------------------------------------------------
    def district_rules(self, name: str) -> Iterator[tuple[str, dict[str, str]]]:
        """(rule, {code: spelling}) of every non-fuzzy district rule, in order, computed lazily."""
        key = light_key(name)
        code = self._code.get(key)
        yield "code", ({code: code} if code else {})
        yield "exact", self._exact.get(key, {})
        yield "alias", self._alias.get(key, {})
        yield "variant", self._variant.get(key, {}) or self._centre_of(name)
        place, skel = self._place.get(key, {}), skeleton(name)
        own = self._norm.get(skel, {})
        if own and not (place and place.keys() <= own.keys()):
            # a district's own name spelled another way ("Dasht-e Archi") before a town of that
            # exact spelling elsewhere (a village of Imam Sahib); a town among the districts of
            # that name still tells them apart ("Moqor": the town is in Ghazni's Muqur)
            yield "normalized", own
        yield "place", place
        yield "normalized", own or self._norm_place.get(skel, {})
        rkey = roman_key(name)
        yield "romanised", self._roman.get(rkey, {}) or self._roman_place.get(rkey, {})

    def _centre_of(self, name: str) -> dict[str, str]:
        """``Laghman Centre``, ``Ghor capital``: the district marked as that province's centre."""
        words = name.split()
        if len(words) < 2 or words[-1].casefold() not in CENTRE_WORDS:
            return {}
        stem = " ".join(words[:-1])
        for _, hits in self.province_rules(stem):
            if len(hits) == 1:
                pcode = next(iter(hits))
                centre = self._centre.get(pcode)
                return {centre: f"{self._province[pcode]} centre"} if centre else {}
            if hits:
                return {}
        return {}

    def province_rules(self, name: str) -> Iterator[tuple[str, dict[str, str]]]:
        """(rule, {code: spelling}) of every non-fuzzy province rule, in order, computed lazily."""
        key = light_key(name)
        code = self._prov_code.get(key)
        yield "code", ({code: code} if code else {})
        yield "exact", self._prov_exact.get(key, {})
        yield "alias", self._prov_alias.get(key, {})
        yield "variant", self._prov_variant.get(key, {})
        yield "normalized", self._prov_norm.get(skeleton(name, PROVINCE_SUFFIXES), {})
        yield "romanised", self._prov_roman.get(roman_key(name), {})

    def province_group(self, name: str) -> dict[str, str]:
        """Provinces ``name`` stands for when written without their qualifier ("Shan State" for
        "Shan (North)", "Shan (South)"...); {} when it names none."""
        return dict(self._prov_base.get(roman_key(" ".join(unit_words(name)[0])), {}))

    def _ranked(self, name: str, pool: tuple, allowed: Iterable[str] | None, *, district: bool,
                limit: int) -> list[tuple[float, str, str]]:
        """Best (score, code, spelling) per entry, highest first (districts of ``allowed``
        provinces only, when given)."""
        compacts, keys, spellings, codes = pool
        if not spellings:
            return []
        allowed = set(allowed) if allowed else None
        q_key = roman_key(name) if district else skeleton(name, PROVINCE_SUFFIXES)
        scores = np.maximum(process.cdist([compact(name)], compacts, scorer=fuzz.ratio)[0],
                            process.cdist([q_key], keys, scorer=fuzz.ratio)[0])
        out: list[tuple[float, str, str]] = []
        seen: set[str] = set()
        for i in np.argsort(-scores, kind="stable"):
            code = str(codes[i])
            if code in seen or (allowed and self._district[code][1] not in allowed):
                continue
            seen.add(code)
            out.append((round(float(scores[i]), 1), code, spellings[i]))
            if len(out) >= limit:
                break
        return out

    def known_spellings(self) -> Iterator[tuple[str, str]]:
        """(kind, spelling) of every spelling the exact rules know: district names, aliases and
        variants (kind ``district``), towns (``place``), province names and variants
        (``province``)."""
        for kind, indexes in ((DISTRICT, (self._exact, self._alias, self._variant)),
                              (PLACE, (self._place,)),
                              (PROVINCE, (self._prov_exact, self._prov_alias, self._prov_variant))):
            for index in indexes:
                for codes in index.values():
                    for spelling in codes.values():
                        yield kind, spelling

    def district_spellings(self) -> dict[str, list[str]]:
        """District code -> every spelling the exact rules know for it (its name first, then
        aliases and variants, sorted); the map's search box carries them."""
        out: dict[str, set[str]] = {}
        for index in (self._alias, self._variant):
            for codes in index.values():
                for code, spelling in codes.items():
                    out.setdefault(code, set()).add(spelling)
        return {code: [name, *sorted(out.get(code, set()) - {name})]
                for code, (name, _, _) in self._district.items()}

    def province_of(self, code: str) -> str:
        """Province code of the district ``code``."""
        return self._district[code][1]

    def district_match(self, code: str, rule: str, matched: str, score: float = 100.0) -> Match:
        """The :class:`Match` of district ``code`` found by ``rule`` through ``matched``."""
        name, pcode, pname = self._district[code]
        return Match(code, name, pcode, pname, rule, matched, score)

    def province_match(self, code: str, rule: str, matched: str, score: float = 100.0) -> Match:
        """The :class:`Match` of province ``code`` found by ``rule`` through ``matched``."""
        name = self._province[code]
        return Match(code, name, code, name, rule, matched, score)

    # --- public API ---------------------------------------------------------------------------
    def resolve_province(self, name: str) -> Match:
        """The province ``name`` means (code, name or a common spelling); raises ResolveError."""
        if missing(name):
            msg = "province name is empty; give a province name or code"
            raise ResolveError(msg)
        name = str(name).strip()
        for rule, hits in self.province_rules(name):
            if len(hits) == 1:
                code, spelling = next(iter(hits.items()))
                return self.province_match(code, rule, spelling)
            if hits:
                labels = " and ".join(f"{self._province[c]} ({c})" for c in sorted(hits))
                msg = f"province {name!r} matches {labels}; give the province code"
                raise ResolveError(msg)
        ranked = self._ranked(name, self._prov_fz, None, district=False, limit=3)
        if ranked and ranked[0][0] >= FUZZY_THRESHOLD and (
                len(ranked) < 2 or ranked[0][0] - ranked[1][0] >= FUZZY_MARGIN):
            score, code, spelling = ranked[0]
            return self.province_match(code, "fuzzy", spelling, score)
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
            Province name or code: restricts every rule to that province (or to the provinces
            it stands for, "Shan State" for every "Shan (...)"). A province that does not
            resolve is only a hint when the district resolves on its own by a rule of
            :data:`STRICT_RULES`: the match then carries a ``warning``.

        Raises
        ------
        ResolveError
            The name is empty, unknown, fits several districts (equally well), or is known only
            outside the given province (then no fuzzy guess is made inside it).
        """
        if missing(name):
            msg = "district name is empty; give a district name or code"
            raise ResolveError(msg)
        name = str(name).strip()
        if missing(province):
            return self._resolve_within(name, None)
        province = str(province).strip()
        try:
            allowed = {self.resolve_province(province).code}
        except ResolveError as exc:
            allowed = set(self.province_group(province))
            if not allowed:
                return self._resolve_hinted(name, province, str(exc))
        return self._resolve_within(name, allowed)

    def _resolve_hinted(self, name: str, province: str, province_error: str) -> Match:
        """``name`` alone, when its province did not resolve: a warning if it resolves strictly."""
        try:
            m = self._resolve_within(name, None, fuzzy=False)
        except ResolveError as exc:
            msg = f"{province_error}; without it, {exc}"
            raise ResolveError(msg) from None
        warning = (f"province {province!r} is not known, {name!r} resolved on its own to "
                   f"{m.label()} ({m.rule}); add a province alias if it is right")
        return replace(m, warning=warning)

    def _resolve_within(self, name: str, allowed: set[str] | None, *,
                        fuzzy: bool = True) -> Match:
        where = (" in " + " or ".join(self._province[c] for c in sorted(allowed))
                 if allowed else "")
        elsewhere: dict[str, str] = {}
        for rule, hits in self.district_rules(name):
            if allowed:
                inside = {c: sp for c, sp in hits.items() if self._district[c][1] in allowed}
                if rule == "code" and hits and not inside:
                    code = next(iter(hits))
                    msg = (f"district code {code} lies in {self._district[code][2]}, "
                           f"not{where}; check the province column")
                    raise ResolveError(msg)
                for code, spelling in hits.items():
                    elsewhere.setdefault(code, spelling)
                hits = inside
            if len(hits) == 1:
                code, spelling = next(iter(hits.items()))
                if rule in LOOSE_RULES:
                    self._check_rivals(name, code, spelling, allowed)
                return self.district_match(code, rule, spelling)
            if hits:
                labels = " and ".join(self.district_match(c, rule, sp).label()
                                      for c, sp in sorted(hits.items()))
                msg = (f"{name!r} matches {labels}; add the province column (or argument) "
                       f"to choose")
                raise ResolveError(msg)
        if elsewhere:
            labels = ", ".join(self.district_match(c, "", sp).label()
                               for c, sp in sorted(elsewhere.items()))
            msg = f"{name!r} is {labels}, not{where}; check the province"
            raise ResolveError(msg)
        if not fuzzy:
            ranked = self._ranked(name, self._fz, None, district=True, limit=3)
            closest = ", ".join(f"{self._district[c][0]} ({self._district[c][2]}, score {sc:g})"
                                for sc, c, _ in ranked)
            msg = (f"{name!r} does not resolve on its own; closest: {closest or 'none'}; "
                   f"fix the spelling or add an alias")
            raise ResolveError(msg)
        return self._fuzzy(name, allowed, where)

    def _closeness(self, name: str, allowed: set[str] | None) -> dict[str, float]:
        """Best similarity (0-100) of ``name`` per district: letter for letter or romanised."""
        compacts, roman, _, codes = self._fz
        scores = np.maximum(process.cdist([compact(name)], compacts, scorer=fuzz.ratio)[0],
                            process.cdist([roman_key(name)], roman, scorer=fuzz.ratio)[0])
        best: dict[str, float] = {}
        for code, score in zip(codes, scores, strict=True):
            code = str(code)
            if allowed and self._district[code][1] not in allowed:
                continue
            best[code] = max(best.get(code, 0.0), float(score))
        return best

    def _check_rivals(self, name: str, code: str, spelling: str,
                      allowed: set[str] | None) -> None:
        """Refuse a loose match when another district is written about as closely to ``name``.

        Folding keys merge letters; when another district's spelling is, letter for letter or
        romanised, within :data:`LOOSE_MARGIN` of the matched one, the name is a tie
        ("Manaung": Myanaung or Munaung), never a guess.
        """
        own, quals = unit_words(name)  # admin words aside: "Kajran District" is "Kajran"
        bare = " ".join((*own, *quals))
        close = self._closeness(bare, allowed)
        mine = max(close.get(code, 0.0), fuzz.ratio(compact(bare), compact(spelling)),
                   fuzz.ratio(roman_key(bare), roman_key(spelling)))
        rivals = [(sc, c) for c, sc in close.items() if c != code and sc >= mine - LOOSE_MARGIN]
        if rivals:
            other = max(rivals)[1]
            labels = (f"{self.district_match(code, '', spelling).label()} and "
                      f"{self.district_match(other, '', self._district[other][0]).label()}")
            msg = (f"{name!r} is about equally close to {labels}; give the exact spelling, "
                   f"the province or an alias")
            raise ResolveError(msg)

    def _fuzzy(self, name: str, allowed: set[str] | None, where: str) -> Match:
        ranked = self._ranked(name, self._fz, allowed, district=True, limit=3)
        if ranked and ranked[0][0] >= FUZZY_THRESHOLD:
            score, code, spelling = ranked[0]
            if len(ranked) < 2 or score - ranked[1][0] >= FUZZY_MARGIN:
                return self.district_match(code, "fuzzy", spelling, score)
            close = [r for r in ranked if score - r[0] < FUZZY_MARGIN]
            labels = " and ".join(f"{self.district_match(c, '', sp).label()} (score {sc:g})"
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
        name = "" if missing(name) else str(name).strip()
        allowed = None
        if not missing(province):
            try:
                allowed = {self.resolve_province(str(province)).code}
            except ResolveError:
                allowed = set(self.province_group(str(province))) or None
        out: dict[str, Match] = {}
        for rule, hits in self.district_rules(name) if name else ():
            for code, spelling in sorted(hits.items()):
                if not allowed or self._district[code][1] in allowed:
                    out.setdefault(code, self.district_match(code, rule, spelling))
        for score, code, spelling in self._ranked(name, self._fz, allowed, district=True,
                                                  limit=limit + len(out)):
            out.setdefault(code, self.district_match(code, "fuzzy", spelling, score))
        return list(out.values())[:limit]

    def province_candidates(self, name: str, *, limit: int = 3) -> list[Match]:
        """Provinces ``name`` may mean when it does not resolve, best fuzzy score first."""
        return [self.province_match(code, "fuzzy", spelling, score) for score, code, spelling
                in self._ranked(str(name).strip(), self._prov_fz, None, district=False,
                                limit=limit)]

    def resolve_table(self, names: pd.Series,
                      provinces: pd.Series | None = None) -> pd.DataFrame:
        """Resolve a column of names (and optionally provinces); never raises per row.

        Each distinct (name, province) pair is resolved once. Returns a frame on ``names.index``
        with columns ``district_code``, ``rule``, ``matched``, ``score``, ``error`` (``None``,
        or the one-line reason the row did not resolve; the other columns are then ``None``/NaN)
        and ``warning`` (``None``, or why the province was only a hint).
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
                results.append((m.code, m.rule, m.matched, m.score, None, m.warning or None))
            except ResolveError as exc:
                results.append((None, None, None, np.nan, str(exc), None))
        # object columns keep None (pandas 3 would turn None into NaN in a str column)
        columns = {c: pd.Series(np.array([r[i] for r in results], dtype=object)[codes],
                                index=names.index, dtype=float if c == SCORE else object)
                   for i, c in enumerate(RESULT_COLUMNS)}
        return pd.DataFrame(columns)

    def mentions(self, text: str) -> list[Mention]:
        """Every district, place and province name in free text, in order of appearance.

        Case-insensitive, on word boundaries, for every known spelling (hyphens, spaces, accents and
        ``-e-``/``-i-`` connectors aside); a name of two words or more also word by word under the
        normalised rule's vowel folding (``Pol-e-Hasar`` for ``Pul-e-Hisar``, see
        :func:`tracker.names.keys.skeleton_words`); where names overlap the longest wins. A trailing
        ``province`` makes a province (``Kandahar province``), a trailing ``district``/``city`` a
        district; a bare name that is both is taken as the district, a bare name that is a province
        and a town as the province. A name that fits several districts counts only if exactly one
        of them lies in a province the text names; otherwise it is left out. Words of
        :data:`tracker.names.mentions.MENTION_STOPWORDS` are never names. The search index
        (:class:`tracker.names.mentions.MentionFinder`) is built on the first call.
        """
        if self._finder is None:
            self._finder = MentionFinder(self)
        return self._finder.find(text)
