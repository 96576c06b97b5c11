"""An alias table file (``tracker alias import``, ``init --variants``) -> checked aliases.

CSV with a header: ``name,district`` (or ``district_code``) and optionally ``province`` and
``level``; a header with neither ``district`` nor ``province`` is refused in one line.
``district`` is a district code or any name that resolves (``province`` helps it choose); a row with
``level=province`` aliases a province instead (``district`` is then empty and ``province`` the
province it means, or ``district`` holds the province). Other columns are ignored, so the
``--suggest`` file of ``tracker import`` (this shape plus columns for the reader) is read as is.

The file goes the way of every importer: :func:`tracker.ingest.csvfile.read_table` (encodings,
strict quoting, physical lines), :func:`tracker.ingest.text_fields.check_text` on every column
(control characters, 64 KiB fields, the name no longer than the store's alias columns), one
:class:`~tracker.ingest.problems.Problems` collector. All or nothing: every bad line is listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tracker._errors import InputError, ResolveError
from tracker.ingest import csvfile
from tracker.ingest.problems import Problems, refuse_lines
from tracker.ingest.text_fields import check_text, store_limit
from tracker.store.models import Alias, District, Province, ProvinceAlias

REQUIRED = ("name",)
DISTRICT_CODE = "district_code"  # read as ``district`` when a file has no ``district`` column
COLUMNS = ("name", "district", "province", "level")
LEVELS = ("district", "province")
KIND = "an alias file"


@dataclass
class AliasTable:
    """Checked aliases: (name, district code) and (name, province code)."""

    districts: list[tuple[str, str]] = field(default_factory=list)
    provinces: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class AliasRows:
    """An alias file's rows as text columns (:data:`COLUMNS`), checked as text, not resolved."""

    path: str
    frame: pd.DataFrame
    lines: np.ndarray  # first physical line of each row
    problems: Problems
    ok: dict[str, np.ndarray]  # per column: cells that passed the text checks


def name_limit() -> int:
    """The longest alias name the store takes (district and province aliases alike)."""
    return min(store_limit(Alias.name), store_limit(ProvinceAlias.name))


def read_alias_rows(path: str | Path) -> AliasRows:
    """Read an alias file and check its text (header, encoding, quoting, control characters,
    sizes, row widths); header problems raise, the rest is collected."""
    problems = Problems()
    table = csvfile.read_table(path, required=REQUIRED, kind=KIND, problems=problems,
                               wanted=(*COLUMNS, DISTRICT_CODE))
    given = table.frame
    if "district" not in given and DISTRICT_CODE in given:  # the tracker's own column name
        given = given.rename(columns={DISTRICT_CODE: "district"})
    if "district" not in given and "province" not in given:
        msg = (f"{path}: {KIND} names no district (nor province) column; give a header "
               f"name,district (district: a code or a name; province and level optional)")
        raise InputError(msg)
    n = table.n
    frame = pd.DataFrame({c: given[c] if c in given else pd.Series([""] * n, dtype=object)
                          for c in COLUMNS})
    limits = {"name": name_limit(), "district": store_limit(District.name),
              "province": store_limit(Province.name), "level": None}
    ok = {c: ~check_text(frame[c], c, problems, limit=limits[c]) for c in COLUMNS}
    return AliasRows(str(path), frame, table.lines.start, problems, ok)


def checked_alias_rows(path: str | Path) -> AliasRows:
    """An alias file's rows, refused when their text is bad (``init`` reads the file once with
    this, before anything else is written, and resolves the rows after loading boundaries)."""
    rows = read_alias_rows(path)
    _refuse(rows)
    return rows


def resolve_alias_rows(rows: AliasRows, gazetteer, check=None) -> AliasTable:
    """Check the rows of an alias file against ``gazetteer``; InputError listing every bad line.

    ``check(name, match)`` may raise InputError for a district alias the caller refuses (e.g. the
    official name of another district, which would never apply); it becomes a bad line too.
    """
    path = rows.path
    frame, problems, ok = rows.frame, rows.problems, rows.ok
    names = frame["name"].map(lambda v: " ".join(v.split()))
    level = frame["level"].str.casefold().where(frame["level"] != "", "district")
    target, province = frame["district"], frame["province"]
    problems.add(ok["name"] & (names == "").to_numpy(), "name", names,
                 "required value is empty; give the spelling to alias")
    bad_level = ok["level"] & ~level.isin(LEVELS).to_numpy()
    problems.add(bad_level, "level", frame["level"], "must be district or province")
    is_district = (level == "district").to_numpy()
    problems.add(ok["district"] & is_district & (target == "").to_numpy(), "district", target,
                 "required value is empty; give the district's code or name")
    bad = problems.bad(len(frame))
    codes: dict[tuple[str, str, str], tuple[str, str, str] | str] = {}
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    table = AliasTable()
    for r in np.flatnonzero(~bad):
        name, lvl, line = names.iat[r], level.iat[r], int(rows.lines[r])
        key = (lvl, target.iat[r], province.iat[r])
        if key not in codes:
            codes[key] = _resolve(gazetteer, *key)
        found = codes[key]
        if isinstance(found, tuple):
            problems.add(_one(len(frame), r), *found)
            continue
        if check is not None and lvl == "district":
            try:
                check(name, gazetteer.district_match(found, "alias", name))
            except InputError as exc:
                problems.add(_one(len(frame), r), "name", name, str(exc))
                continue
        before = seen.get((lvl, name.casefold()))
        if before and before[1] != found:
            problems.add(_one(len(frame), r), "name", name,
                         f"line {before[0]} gives it to {before[1]}; keep one")
            continue
        seen[(lvl, name.casefold())] = (line, found)
        (table.provinces if lvl == "province" else table.districts).append((name, found))
    _refuse(rows)
    if not table.districts and not table.provinces:
        msg = f"{path}: no alias rows; give lines name,district[,province]"
        raise InputError(msg)
    table.districts = list(dict(table.districts).items())
    table.provinces = list(dict(table.provinces).items())
    return table


def _one(n: int, r: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[r] = True
    return mask


def _resolve(gazetteer, level: str, target: str, province: str) -> str | tuple[str, str, str]:
    """The code a row names, or (column, value, why) of its problem."""
    try:
        if level == "province":
            return gazetteer.resolve_province(province or target).code
        return gazetteer.resolve_district(target, province=province or None).code
    except ResolveError as exc:
        column = "province" if level == "province" and province else "district"
        return column, province if column == "province" else target, str(exc)


def _refuse(rows: AliasRows) -> None:
    refuse_lines(rows.path, rows.problems, lambda r: rows.lines[r], stored="no alias stored",
                 fix="fix them (one target per name) and import again")
