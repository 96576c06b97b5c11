"""Extraction on real reporting: precision, recall, dates and confidence on the development corpus.

The corpus is ``tests/data/extract_dev`` (463 real, cited reports about Afghanistan, Myanmar and
Sudan, hand-labelled in ``gold.csv``; see its README). Each layer gets its own SQLite data set:
Afghanistan the shipped boundaries and actors; Myanmar and Sudan their layers from the folder
given with ``--layers`` (``mmr/`` and ``sdn/`` inside it; loaded as ``tracker init --districts ...
--column ...`` loads them), their
actors from ``actors_<layer>.csv`` (through :meth:`Tracker.add_actor_alias`, as ``tracker actor
add`` does) and their town spellings from ``places_<layer>.csv`` (through :meth:`Tracker.add_alias`,
as ``tracker alias add`` does). A layer whose file is absent (or with no ``--layers``) is skipped,
and the script says so.

Matching: a draft matches a gold row on (report, district code, controller); a province row of the
gold file stands for every district of that province. Precision = matched draft keys / draft keys;
recall = matched gold keys / gold keys; date (within a day) and confidence accuracy are over the
matched keys (the draft nearest the gold day; its confidence counts as right when a gold row of the
key has that confidence). Province expansions that no gold province row supports are counted apart
(must be 0).

Run: ``.venv/bin/python benchmarks/bench_extract.py --layers DIR [--corpus DIR] [--show-misses]``
(``--corpus``: another labelled folder of the same shape, e.g. a new batch measured before any
rule is changed for it; its own ``actors_*.csv`` and ``places_*.csv`` add to the main corpus's).
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "extract_dev"
LAYERS = {  # file inside the --layers folder, column flags; None: the shipped boundaries
    "afg": None,
    "mmr": ("mmr/mmr_townships_mimu.geojson",
            {"district_code": "TS_PCODE", "district_name": "TS", "province_code": "ST_PCODE",
             "province_name": "ST"}),
    "sdn": ("sdn/sdn_localities_ocha.geojson", {}),
}
Key = tuple[str, str, str]  # report, district code, controller


@dataclass
class Score:
    """Counts of one slice of the corpus."""

    drafts: int = 0
    matched_drafts: int = 0
    gold: int = 0
    found: int = 0
    dates_ok: int = 0
    confidence_ok: int = 0
    bad_provinces: int = 0

    def add(self, other: Score) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.matched_drafts / self.drafts if self.drafts else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def date_accuracy(self) -> float:
        return self.dates_ok / self.found if self.found else 1.0

    @property
    def confidence_accuracy(self) -> float:
        return self.confidence_ok / self.found if self.found else 1.0


@dataclass
class Result:
    """Scores per layer and per kind, and the misses for inspection."""

    layers: dict[str, Score] = field(default_factory=dict)
    kinds: dict[str, Score] = field(default_factory=lambda: collections.defaultdict(Score))
    skipped: dict[str, str] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    @property
    def total(self) -> Score:
        out = Score()
        for score in self.layers.values():
            out.add(score)
        return out


def open_layer(layer: str, folder: Path, layers: Path | None, corpus: Path = CORPUS):
    """A Tracker on a fresh SQLite data set of ``layer`` (country files from ``layers``), or the
    reason it cannot be built."""
    import tracker
    from tracker.geo.boundaries import boundaries_from_files

    t = tracker.connect(f"sqlite:///{folder / (layer + '.db')}")
    spec = LAYERS[layer]
    if spec is None:
        t.init()
    else:
        name, columns = spec
        if layers is None:
            return None, "no --layers folder given"
        path = layers / name
        if not path.exists():
            return None, f"{path} is absent"
        t.init(boundaries_from_files(path, columns=columns, name=layer))
    for actors in _set_up_with(corpus, f"actors_{layer}.csv"):
        for actor, alias in pd.read_csv(actors, dtype=str)[["actor", "alias"]].itertuples(
                index=False):
            t.add_actor_alias(alias, actor)
    for places in _set_up_with(corpus, f"places_{layer}.csv"):
        for name, code in pd.read_csv(places, dtype=str)[["name", "district_code"]].itertuples(
                index=False):
            t.add_alias(name, code)
    return t, ""


def _set_up_with(corpus: Path, name: str) -> list[Path]:
    """The actors or places files a layer is set up with: the main corpus's, then another
    corpus's own (a new batch is read with the words and towns the tracker had, plus those a
    user would add for its new places and actors)."""
    files = [CORPUS / name, corpus / name]
    return [f for i, f in enumerate(files) if f.exists() and f not in files[:i]]


def gold_rows(districts: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Gold rows at district level: a province row becomes one row per district."""
    rows = []
    for r in gold.to_dict("records"):
        if r["level"] == "province":
            for code in districts.loc[districts["province_code"] == r["code"], "district_code"]:
                rows.append({**r, "code": code, "kind": "province"})
        else:
            kind = "background" if str(r["note"]).startswith("Background") else (
                "party claim / hedge" if r["confidence"] == "unconfirmed" else "news")
            rows.append({**r, "kind": kind})
    return pd.DataFrame(rows)


def draft_kind(row: dict) -> str:
    """What kind of sentence gave a draft, from its evidence."""
    if row["province_level"]:
        return "province"
    return row["evidence_verb"].rsplit("(", 1)[-1].rstrip(")")


def score_layer(t, layer: str, reports: pd.DataFrame, gold: pd.DataFrame, result: Result,
                corpus: Path = CORPUS) -> Score:
    """Extract every report of ``layer`` and compare with the gold rows."""
    layer_of = getattr(t, "district_layer", None) or t.districts  # the newer name, where it exists
    districts = pd.DataFrame(layer_of()[["district_code", "province_code"]])
    gold = gold_rows(districts, gold[gold["report"].isin(reports["report"])])
    score = Score()
    for report in reports["report"]:
        text = (corpus / "reports" / f"{report}.txt").read_text(encoding="utf-8")
        drafts = t.extract(text)
        truth = gold[gold["report"] == report]
        want: dict[Key, dict] = {}
        for r in truth.to_dict("records"):
            want.setdefault((report, r["code"], r["controller"]), []).append(r)
        got: dict[Key, list[dict]] = {}
        for d in drafts.to_dict("records"):
            got.setdefault((report, d["district_code"], d["controller"]), []).append(d)
        province_gold = set(truth.loc[truth["kind"] == "province", "code"])
        for key, ds in got.items():
            kind = draft_kind(ds[0])
            score.drafts += 1
            result.kinds[f"draft: {kind}"].drafts += 1
            if key in want:
                score.matched_drafts += 1
                result.kinds[f"draft: {kind}"].matched_drafts += 1
            else:
                result.misses.append(f"WRONG  {key} {ds[0]['date']} {ds[0]['confidence']}: "
                                     f"{ds[0]['evidence_verb']} | {ds[0]['evidence_sentence']}")
                if ds[0]["province_level"] and key[1] not in province_gold:
                    score.bad_provinces += 1
        for key, rows in want.items():
            kind = rows[0]["kind"]
            score.gold += 1
            result.kinds[f"gold: {kind}"].gold += 1
            if key not in got:
                result.misses.append(f"MISSED {key} {rows[0]['date']} {rows[0]['confidence']}: "
                                     f"{rows[0]['note']}")
                continue
            score.found += 1
            result.kinds[f"gold: {kind}"].found += 1
            ds = got[key]
            best = min(((abs((_day(d["date"]) - date.fromisoformat(r["date"])).days), d, r)
                        for d in ds for r in rows), key=lambda x: x[0])
            if best[0] <= 1:
                score.dates_ok += 1
                result.kinds[f"gold: {kind}"].dates_ok += 1
            else:
                result.misses.append(f"DATE   {key} draft {best[1]['date']} gold {best[2]['date']}")
            if any(r["confidence"] == best[1]["confidence"] for r in rows):
                score.confidence_ok += 1
                result.kinds[f"gold: {kind}"].confidence_ok += 1
            else:
                result.misses.append(f"CONF   {key} draft {best[1]['confidence']} gold "
                                     f"{best[2]['confidence']}")
    return score


def _day(text: str) -> date:
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:  # a week or month: its first day
        return pd.Period(str(text)).start_time.date()


def run(layers: Path | None = None, corpus: Path = CORPUS) -> Result:
    """Score the whole corpus; ``layers``: the folder holding the country layers (``mmr/``,
    ``sdn/``); layers whose file is absent are skipped (see ``skipped``); ``corpus``: a folder of
    the same shape as ``tests/data/extract_dev`` (its actors and places files, else the main
    corpus's)."""
    reports = pd.read_csv(corpus / "reports.csv", dtype=str)
    gold = pd.read_csv(corpus / "gold.csv", dtype=str, keep_default_na=False)
    result = Result()
    with tempfile.TemporaryDirectory() as tmp:
        for layer in LAYERS:
            t, why = open_layer(layer, Path(tmp), layers, corpus)
            if t is None:
                result.skipped[layer] = why
                continue
            result.layers[layer] = score_layer(t, layer, reports[reports["layer"] == layer], gold,
                                               result, corpus)
            t.engine.dispose()
    return result


def _line(name: str, sc: Score) -> str:
    def cell(value: float, width: int, shown: bool) -> str:
        return f"{value:>{width}.2f}" if shown else f"{'-':>{width}}"

    drafts, gold = sc.drafts > 0, sc.gold > 0
    return (f"{name:<28} {sc.drafts if drafts else '-':>6} {cell(sc.precision, 9, drafts)} "
            f"{sc.gold if gold else '-':>5} {cell(sc.recall, 7, gold)} "
            f"{cell(sc.date_accuracy, 6, gold)} {cell(sc.confidence_accuracy, 6, gold)} "
            f"{sc.bad_provinces if drafts else '-':>6}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", type=Path, default=None, metavar="DIR",
                        help="folder of the country layers (mmr/, sdn/)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, metavar="DIR",
                        help="another labelled corpus of the same shape (default: "
                             "tests/data/extract_dev)")
    parser.add_argument("--show-misses", action="store_true", help="print every miss")
    args = parser.parse_args(argv)
    result = run(args.layers, args.corpus)
    for layer, why in result.skipped.items():
        print(f"layer {layer} skipped: {why}")
    print(f"{'slice':<28} {'drafts':>6} {'precision':>9} {'gold':>5} {'recall':>7} "
          f"{'dates':>6} {'conf.':>6} {'bad prov.':>6}")
    for layer, sc in result.layers.items():
        print(_line(f"layer {layer}", sc))
    print(_line("all layers", result.total))
    for kind in sorted(result.kinds):
        print(_line(kind, result.kinds[kind]))
    print("draft: KIND = drafts by the phrase that gave them (take, to, hold, leave) or expanded "
          "from a province;\ngold: KIND = gold rows by kind (background, a party's claim or a "
          "hedged report, plain news, a whole province)")
    print("bad prov. = drafts from a province expanded without a province-level gold row "
          "(a location phrase or a denied claim); must be 0")
    if args.show_misses:
        print("\n".join(result.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
