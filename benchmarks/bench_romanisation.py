"""The romanised key and the whole name resolver on real variant spellings (prints its figures).

Data: ``tests/data/romanisation/variant_pairs.csv`` (153 attested Latin spellings of Myanmar
townships and Sudan localities, each with the layer code it means) and ``distinct_pairs.csv``
(70 pairs of different units with identical or close names), compiled from public gazetteers and
news pages (see that folder's README). Layers: ``mmr/`` and ``sdn/`` of the folder given with
``--layers`` (the folder that holds the Myanmar and Sudan layers).

For each variant, three ways of finding its unit among the layer's own names (no aliases):

- ``key``: the units whose :func:`tracker.names.romanise.roman_key` equals the variant's; a hit
  when that is exactly the right unit, wrong when it is exactly one other unit, else a miss;
- ``resolver``: :meth:`Gazetteer.resolve_district` without a province (every rule, fuzzy too);
  a refusal (unknown, tie) is a miss;
- ``resolver+province``: the same with the unit's own province, as an events file would give it.

Wrong resolutions must be 0. For the distinct pairs it counts the pairs whose keys coincide (a tie
the resolver reports, never a wrong answer) and the pairs where resolving one name gives the other.

Run: ``.venv/bin/python benchmarks/bench_romanisation.py --layers DIR
[--show-misses]``.
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

import pandas as pd

from tracker._errors import ResolveError
from tracker.core import schema as s
from tracker.geo.boundaries import boundaries_from_files
from tracker.names.gazetteer import Gazetteer
from tracker.names.romanise import roman_key

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "romanisation"
LAYERS = {  # file inside the --layers folder, column flags
    "MMR": ("mmr/mmr_townships_mimu.geojson",
            {"district_code": "TS_PCODE", "district_name": "TS", "province_code": "ST_PCODE",
             "province_name": "ST"}),
    "SDN": ("sdn/sdn_localities_ocha.geojson", None),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=Path, required=True, metavar="DIR",
                        help="folder of the country layers (mmr/, sdn/)")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    pairs = pd.read_csv(DATA / "variant_pairs.csv", dtype=str, keep_default_na=False)
    distinct = pd.read_csv(DATA / "distinct_pairs.csv", dtype=str, keep_default_na=False)
    print(f"{'country':8}{'method':20}{'pairs':>7}{'hits':>7}{'misses':>8}{'wrong':>7}")
    for country, (name, columns) in LAYERS.items():
        path = args.layers / name
        if not path.exists():
            print(f"{country}: layer {path} is absent; skipped")
            continue
        layer = boundaries_from_files(path, columns=columns)
        gaz = Gazetteer.from_boundaries(layer)
        province = dict(zip(layer.districts[s.DISTRICT_CODE], layer.districts[s.PROVINCE_NAME],
                            strict=True))
        keys: dict[str, set[str]] = collections.defaultdict(set)
        for code, name in zip(layer.districts[s.DISTRICT_CODE], layer.districts[s.DISTRICT_NAME],
                              strict=True):
            keys[roman_key(name)].add(code)
        mine = pairs[pairs["country"] == country]
        counts = {m: collections.Counter() for m in ("key", "resolver", "resolver+province")}
        for code, variant in zip(mine["layer_code"], mine["variant"], strict=True):
            found = keys.get(roman_key(variant), set())
            counts["key"][_verdict(code, found)] += 1
            for method, prov in (("resolver", None), ("resolver+province", province[code])):
                try:
                    got = {gaz.resolve_district(variant, province=prov).code}
                except ResolveError:
                    got = set()
                verdict = _verdict(code, got)
                counts[method][verdict] += 1
                if args.show_misses and verdict != "hit" and method == "resolver":
                    print(f"   {verdict}: {variant!r} for {code} -> {sorted(got)}")
        for method, c in counts.items():
            print(f"{country:8}{method:20}{len(mine):7}{c['hit']:7}{c['miss']:8}{c['wrong']:7}")
        theirs = distinct[distinct["country"] == country]
        merged = crossed = 0
        for a, b in zip(theirs["name_a"], theirs["name_b"], strict=True):
            if a != b and roman_key(a) == roman_key(b):
                merged += 1
            for x, y in ((a, b), (b, a)):
                try:
                    m = gaz.resolve_district(x)
                except ResolveError:
                    continue
                crossed += a != b and m.name == y
        print(f"{country:8}distinct pairs {len(theirs)}: keys shared by two units {merged} "
              f"(ties, refused), a name resolved to the other unit {crossed}")


def _verdict(code: str, found: set[str]) -> str:
    if found == {code}:
        return "hit"
    return "wrong" if len(found) == 1 else "miss"


if __name__ == "__main__":
    main()
