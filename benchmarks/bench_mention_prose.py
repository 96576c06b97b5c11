"""False hits of ``Gazetteer.mentions`` in ordinary English prose (a script: prints its figures).

The text is English already on the machine: the LICENSE of the running Python and the docstrings
of the modules of its standard library and then of the installed packages (``sysconfig`` stdlib
and purelib folders, read with :mod:`ast`, tests excluded), cut at ``--mb`` megabytes. None of it
is about Afghanistan, so every mention found is a false hit (a few are real words shared with
place names). Prints the size, the number of mentions and the most frequent ones. The
gazetteer's author measured 137 hits in 10 MB of licences and manuals after tuning.

Run: ``.venv/bin/python benchmarks/bench_mention_prose.py [--mb 10] [--top 25]``.
"""

from __future__ import annotations

import argparse
import ast
import collections
import sysconfig
import time
from pathlib import Path

from tracker.geo.boundaries import default_boundaries
from tracker.names.gazetteer import Gazetteer


def english_prose(limit: int) -> str:
    """Up to ``limit`` characters of Python's licence and of module docstrings."""
    stdlib = Path(sysconfig.get_path("stdlib"))
    parts: list[str] = []
    size = 0
    licence = stdlib / "LICENSE.txt"
    if licence.exists():
        parts.append(licence.read_text(encoding="utf-8", errors="replace"))
        size += len(parts[-1])
    skip = {"test", "tests", "idle_test", "site-packages", "tracker"}
    files = [p for root in (stdlib, Path(sysconfig.get_path("purelib")))
             for p in sorted(root.rglob("*.py")) if not skip & set(p.relative_to(root).parts)]
    for path in files:
        if size >= limit:
            break
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                          | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc:
                    parts.append(doc)
                    size += len(doc) + 2
    return "\n\n".join(parts)[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0, help="megabytes of prose (default 10)")
    parser.add_argument("--top", type=int, default=25, help="most frequent hits to list")
    args = parser.parse_args()
    text = english_prose(int(args.mb * 1_000_000))
    gaz = Gazetteer.from_boundaries(default_boundaries())
    gaz.mentions("Kabul")  # build the mention index outside the timing
    t0 = time.perf_counter()
    found = gaz.mentions(text)
    took = time.perf_counter() - t0
    print(f"prose: {len(text) / 1e6:.2f} MB, {len(text.split()):,} words")
    print(f"mentions found: {len(found)} ({len(found) / (len(text) / 1e6):.1f} per MB) "
          f"in {took:.1f} s")
    counts = collections.Counter((m.text, m.kind, m.match.code) for m in found)
    for (name, kind, code), n in counts.most_common(args.top):
        print(f"{n:6d}  {name!r:28} {kind:9} {code}")


if __name__ == "__main__":
    main()
