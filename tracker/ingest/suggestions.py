"""Candidates for the names an import could not resolve, in the shape ``tracker alias import``
reads (the reconciliation loop: import --suggest, keep one candidate per name, alias import).

Columns: ``name``, ``district`` (candidate code), ``province`` (its province code), ``level``,
then for the reader: ``district_name``, ``province_name``, ``rule``, ``score``, ``lines`` (the
file lines the name is on). Three candidates per unresolved district name, best first; a
province that was only a hint gets one ``level=province`` row: the province its district
resolved to; an unknown province whose district did not resolve either gets its three closest
provinces as ``level=province`` rows.
"""

from __future__ import annotations

import csv
from pathlib import Path

from tracker._errors import ResolveError

COLUMNS = ["name", "district", "province", "level", "district_name", "province_name", "rule",
           "score", "lines"]
CANDIDATES = 3


def suggestion_rows(rows: list[dict[str, str]], lines: list[int], gazetteer) -> list[dict]:
    """Suggestion rows for the district names (and hinted provinces) of ``rows`` that did not
    resolve cleanly."""
    where: dict[tuple[str, str], list[int]] = {}
    hinted: dict[str, tuple[list[int], str]] = {}
    unknown: dict[str, list[int]] = {}
    for row, line in zip(rows, lines, strict=True):
        name, province = row.get("district", "").strip(), row.get("province", "").strip()
        if not name:
            continue
        try:
            m = gazetteer.resolve_district(name, province=province or None)
        except ResolveError:
            where.setdefault((name, province), []).append(int(line))
            if province and not _province_known(gazetteer, province):
                unknown.setdefault(province, []).append(int(line))
            continue
        if m.warning and province:
            hinted.setdefault(province, ([], m.province_code))[0].append(int(line))
    out = []
    for (name, province), at in where.items():
        for m in gazetteer.candidates(name, province=province or None, limit=CANDIDATES):
            out.append({"name": name, "district": m.code, "province": m.province_code,
                        "level": "district", "district_name": m.name,
                        "province_name": m.province_name, "rule": m.rule,
                        "score": round(m.score, 1), "lines": " ".join(map(str, at))})
    for province, (at, code) in hinted.items():
        pm = gazetteer.province_match(code, "district", code)
        out.append({"name": province, "district": "", "province": code, "level": "province",
                    "district_name": "", "province_name": pm.name,
                    "rule": "province of the district", "score": "",
                    "lines": " ".join(map(str, at))})
    for province, at in unknown.items():
        for m in gazetteer.province_candidates(province, limit=CANDIDATES):
            out.append({"name": province, "district": "", "province": m.code,
                        "level": "province", "district_name": "", "province_name": m.name,
                        "rule": m.rule, "score": round(m.score, 1),
                        "lines": " ".join(map(str, at))})
    return out


def _province_known(gazetteer, province: str) -> bool:
    """Whether ``province`` names a province, or a group of them ("Shan State")."""
    try:
        gazetteer.resolve_province(province)
    except ResolveError:
        return bool(gazetteer.province_group(province))
    return True


def write_suggestions(path: str | Path, suggestions: list[dict]) -> Path:
    """Write the suggestion rows as CSV (UTF-8); returns the path."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(suggestions)
    return path
