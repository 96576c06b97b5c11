"""Column conventions of common boundary files, so ``tracker init --districts FILE`` needs no flags.

Recognised (case-insensitive), in this order; the first convention whose district columns are all
present wins, and ``--column`` flags always override it:

- the tracker's own names (``district_code``, ``district_name``, ``province_code``,
  ``province_name``);
- OCHA COD-AB: ``ADM2_PCODE``/``ADM2_EN`` with ``ADM1_PCODE``/``ADM1_EN``; a layer of ADM3 units
  (``ADM3_PCODE``/``ADM3_EN``) takes ADM1 (else ADM2) as provinces; ``_NAME`` for ``_EN`` too;
- GADM: ``GID_2``/``NAME_2`` with ``GID_1``/``NAME_1`` (``GID_3``/``NAME_3`` likewise);
- MIMU (Myanmar Information Management Unit): ``TS_PCODE``/``TS`` with ``ST_PCODE``/``ST``;
- geoBoundaries: ``shapeID``/``shapeName`` (districts only: provinces come from a
  ``--provinces`` file of the same convention, by spatial join).
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.core import schema as s

CODE, NAME, PCODE, PNAME = s.DISTRICT_CODE, s.DISTRICT_NAME, s.PROVINCE_CODE, s.PROVINCE_NAME


def _cod(level: int, parent: int) -> tuple[str, dict[str, tuple[str, ...]]]:
    return (f"OCHA COD-AB ADM{level}", {
        CODE: (f"ADM{level}_PCODE",), NAME: (f"ADM{level}_EN", f"ADM{level}_NAME"),
        PCODE: (f"ADM{parent}_PCODE",), PNAME: (f"ADM{parent}_EN", f"ADM{parent}_NAME")})


def _gadm(level: int, parent: int) -> tuple[str, dict[str, tuple[str, ...]]]:
    return (f"GADM level {level}", {CODE: (f"GID_{level}",), NAME: (f"NAME_{level}",),
                                    PCODE: (f"GID_{parent}",), PNAME: (f"NAME_{parent}",)})


CONVENTIONS: list[tuple[str, dict[str, tuple[str, ...]]]] = [
    ("tracker", {CODE: (CODE,), NAME: (NAME,), PCODE: (PCODE,), PNAME: (PNAME,)}),
    _cod(3, 1), _cod(3, 2), _cod(2, 1),
    _gadm(3, 1), _gadm(2, 1),
    ("MIMU", {CODE: ("TS_PCODE",), NAME: ("TS",), PCODE: ("ST_PCODE",), PNAME: ("ST",)}),
    ("geoBoundaries", {CODE: ("shapeID",), NAME: ("shapeName",)}),
]
"""(name, {standard column: candidate file columns}) in order of preference."""

PROVINCE_CONVENTIONS: list[tuple[str, dict[str, tuple[str, ...]]]] = [
    ("tracker", {PCODE: (PCODE,), PNAME: (PNAME,)}),
    ("OCHA COD-AB ADM1", {PCODE: ("ADM1_PCODE",), PNAME: ("ADM1_EN", "ADM1_NAME")}),
    ("GADM level 1", {PCODE: ("GID_1",), PNAME: ("NAME_1",)}),
    ("MIMU", {PCODE: ("ST_PCODE",), PNAME: ("ST",)}),
    ("geoBoundaries", {PCODE: ("shapeID",), PNAME: ("shapeName",)}),
]


def detect(columns: Iterable[str], level: str) -> tuple[str, dict[str, str]]:
    """The first convention ``columns`` follow: (its name, {standard: the file's column}).

    For districts the district code and name columns must be present (province columns are
    taken when present too); for provinces both province columns. ``("", {})`` when none fits.
    """
    by_fold = {str(c).casefold(): str(c) for c in columns}
    conventions = CONVENTIONS if level == "district" else PROVINCE_CONVENTIONS
    needed = (CODE, NAME) if level == "district" else (PCODE, PNAME)
    for name, wanted in conventions:
        found = {}
        for standard, candidates in wanted.items():
            hit = next((by_fold[c.casefold()] for c in candidates if c.casefold() in by_fold),
                       None)
            if hit:
                found[standard] = hit
        if all(k in found for k in needed) and (
                level != "district" or name == "geoBoundaries" or len(found) == len(wanted)):
            return name, found
    return "", {}


def hint(columns: Iterable[str], level: str) -> str:
    """The ``--column`` flags a user passes for a file of no known convention."""
    cols = list(map(str, columns))
    needed = (CODE, NAME, PCODE, PNAME) if level == "district" else (PCODE, PNAME)
    example = " ".join(f"--column {k}=<one of: {', '.join(cols[:8])}>" for k in needed[:1])
    return (f"it has columns {', '.join(cols)}; no known convention (OCHA COD-AB, GADM, "
            f"geoBoundaries, MIMU) fits: pass --column for each of {', '.join(needed)}, "
            f"e.g. {example}")
