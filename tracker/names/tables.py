"""Naming tables of a boundary set -> spelling indexes: name variants, places, user aliases.

An index maps a key (:func:`~tracker.names.keys.light_key` of a spelling) to ``{district code:
spelling}``. Rules for which spellings count (AIMS names only where the districts overlap, no
spelling another district of the province already claims, no code-like town names) live here;
:class:`tracker.names.gazetteer.Gazetteer` builds its rules on these indexes.
"""

from __future__ import annotations

import pandas as pd

from tracker._errors import InputError
from tracker.core import schema as s
from tracker.names.keys import fold_tokens, light_key, skeleton, split_spellings

AIMS_COLUMN = "name_aims_geoboundaries"
AIMS_OVERLAPS = ("overlap_ocha", "overlap_gb")
AIMS_MIN_OVERLAP = 0.6
"""An AIMS district name is a variant only where it and the OCHA district overlap this much both
ways; below it lie neighbours' names (AF3006 Garmser 0.575 is labelled "Reg(Khanshin)", AF3011
"Garmser") while AF2405 Kiti / "Gaiti" (0.639) is the same district."""

# Columns of the alias and places tables.
ALIAS_NAME = "name"
PLACE_NAME = "name"
PLACE_ALTERNATES = "alternatenames"


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


def missing(value: object) -> bool:
    """True for None, NaN and blank text."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value))) or (
        isinstance(value, str) and not value.strip())


Index = dict[str, dict[str, str]]  # key -> {code: the spelling behind the key}
Districts = dict[str, tuple[str, str, str]]  # code -> (name, province code, province name)


def add_spelling(index: Index, key: str, code: str, spelling: str) -> None:
    """Record ``spelling`` of district ``code`` under ``key`` (the first spelling per code wins)."""
    if key:
        index.setdefault(key, {}).setdefault(code, spelling)


def read_variants(table: pd.DataFrame | None, districts: Districts) -> tuple[Index, dict[str, str]]:
    """Index the name columns of ``table``; earlier columns win conflicts (see below).

    A spelling whose :func:`skeleton` another district of the same province already has from an
    earlier column (official names first) is dropped: this removes AIMS names that belong to a
    neighbour and the Daykundi rows of ``names_iec2019`` that are shifted by one district.

    Returns
    -------
    variants, centres
        ``{light key: {district code: spelling}}`` and ``{province code: district code}`` of the
        districts marked as provincial centres.
    """
    variants: Index = {}
    centres: dict[str, str] = {}
    if table is None or s.DISTRICT_CODE not in getattr(table, "columns", ()):
        return variants, centres
    table = table[table[s.DISTRICT_CODE].astype(str).isin(districts)]
    columns = [c for c in table.columns if str(c).lower().startswith(("name", "alt"))]
    claims: dict[tuple[str, str], tuple[int, set[str]]] = {}  # (province, skeleton) -> owners

    def claim(level: int, code: str, spelling: str) -> bool:
        owners = claims.setdefault((districts[code][1], skeleton(spelling)),
                                   (level, set()))
        if owners[0] == level:
            owners[1].add(code)
        return code in owners[1]

    for code, (name, _, _) in districts.items():
        claim(0, code, name)
    trusted = _trusted_aims(table)
    for level, column in enumerate(columns, start=1):
        for code, cell, ok in zip(table[s.DISTRICT_CODE].astype(str), table[column], trusted,
                                  strict=True):
            if column == AIMS_COLUMN and not ok:
                continue
            pcode, pname = districts[code][1:]
            marks = {"centre", "center", f"{pname} centre".casefold(),
                     f"{pname} center".casefold()}
            for spelling in split_spellings(cell):
                if spelling.casefold() in marks:
                    centres[pcode] = code
                elif claim(level, code, spelling):
                    add_spelling(variants, light_key(spelling), code, spelling)
    return variants, centres

def read_places(table: pd.DataFrame | None, districts: Districts) -> Index:
    """Index the towns of a ``places`` table (name and alternate names) by light key."""
    places: Index = {}
    if table is None or not {PLACE_NAME, s.DISTRICT_CODE} <= set(getattr(table, "columns", ())):
        return places
    alternates = table[PLACE_ALTERNATES] if PLACE_ALTERNATES in table.columns else None
    for i, (name, code) in enumerate(table[[PLACE_NAME, s.DISTRICT_CODE]].itertuples(
            index=False)):
        code = str(code)
        if code not in districts:
            continue
        names = split_spellings(name)
        if alternates is not None:
            names += split_spellings(alternates.iloc[i])
        for spelling in names:
            if _plausible_place(spelling):
                add_spelling(places, light_key(spelling), code, spelling)
    return places

def read_aliases(table: pd.DataFrame | None, districts: Districts) -> Index:
    """Index the user's aliases (columns ``name``, ``district_code``) by light key."""
    aliases: Index = {}
    if table is None or not len(table):
        return aliases
    if not {ALIAS_NAME, s.DISTRICT_CODE} <= set(table.columns):
        msg = (f"aliases table has columns {', '.join(map(str, table.columns))}; "
               f"it needs {ALIAS_NAME} and {s.DISTRICT_CODE}")
        raise InputError(msg)
    for name, code in table[[ALIAS_NAME, s.DISTRICT_CODE]].itertuples(index=False):
        if str(code) in districts and not missing(name):
            add_spelling(aliases, light_key(name), str(code), str(name).strip())
    return aliases


def read_province_aliases(table: pd.DataFrame | None, provinces: dict[str, str]) -> Index:
    """Index the user's province aliases (columns ``name``, ``province_code``) by light key."""
    aliases: Index = {}
    if table is None or not len(table):
        return aliases
    for name, code in table[[ALIAS_NAME, s.PROVINCE_CODE]].itertuples(index=False):
        if str(code) in provinces and not missing(name):
            add_spelling(aliases, light_key(name), str(code), str(name).strip())
    return aliases
