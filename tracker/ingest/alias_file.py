"""An alias table file (``tracker alias import``) -> checked district and province aliases.

CSV with a header: ``name,district`` and optionally ``province`` and ``level``. ``district`` is a
district code or any name that resolves (``province`` helps it choose); a row with
``level=province`` aliases a province instead (``district`` is then empty and ``province`` the
province it means, or ``district`` holds the province). All or nothing: every bad line is listed.
The ``--suggest`` file of ``tracker import`` has this shape plus columns for the reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tracker._errors import InputError, ResolveError
from tracker.ingest import csvfile, events_csv
from tracker.ingest.events_csv import RowProblem

REQUIRED = ("name", "district")
LEVELS = ("district", "province")


@dataclass
class AliasTable:
    """Checked aliases: (name, district code) and (name, province code), with their lines."""

    districts: list[tuple[str, str]] = field(default_factory=list)
    provinces: list[tuple[str, str]] = field(default_factory=list)


def read_alias_file(path: str | Path, gazetteer, check=None) -> AliasTable:
    """Read and check an alias file against ``gazetteer``; InputError listing every bad line.

    ``check(name, match)`` may raise InputError for a district alias the caller refuses (e.g. the
    official name of another district, which would never apply); it becomes a bad line too.
    """
    rows = events_csv.read_rows(path, required=("name",), kind="an alias file")
    lines = csvfile.RecordLines.of_file(path, len(rows)).start
    problems: list[RowProblem] = []
    table = AliasTable()
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    for row, line in zip(rows, lines, strict=True):
        line = int(line)
        name = " ".join(row.get("name", "").split())
        level = (row.get("level") or "district").strip().casefold()
        target = row.get("district", "")
        province = row.get("province", "")
        if not name:
            problems.append(RowProblem(line, "name", "", "required value is empty"))
            continue
        if level not in LEVELS:
            problems.append(RowProblem(line, "level", level, "must be district or province"))
            continue
        try:
            if level == "province":
                code = gazetteer.resolve_province(province or target).code
            elif not target:
                problems.append(RowProblem(line, "district", "", "required value is empty"))
                continue
            else:
                code = gazetteer.resolve_district(target, province=province or None).code
        except ResolveError as exc:
            column = "province" if level == "province" and province else "district"
            problems.append(RowProblem(line, column, province if column == "province"
                                       else target, str(exc)))
            continue
        if check is not None and level == "district":
            try:
                check(name, gazetteer.district_match(code, "alias", name))
            except InputError as exc:
                problems.append(RowProblem(line, "name", name, str(exc)))
                continue
        before = seen.get((level, name.casefold()))
        if before and before[1] != code:
            problems.append(RowProblem(line, "name", name,
                                       f"line {before[0]} gives it to {before[1]}; keep one"))
            continue
        seen[(level, name.casefold())] = (line, code)
        (table.provinces if level == "province" else table.districts).append((name, code))
    if problems:
        shown = "; ".join(str(p) for p in problems[:20])
        more = f"; ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        msg = (f"{path}: {len(problems)} bad line(s), no alias stored: {shown}{more}; "
               f"fix them (one target per name) and import again")
        raise InputError(msg)
    if not table.districts and not table.provinces:
        msg = f"{path}: no alias rows; give lines name,district[,province]"
        raise InputError(msg)
    table.districts = list(dict(table.districts).items())
    table.provinces = list(dict(table.provinces).items())
    return table
