"""The package layout: one folder per layer, imports pointing one way, no import circles.

Read from the source (every ``import``, at module level or inside functions and ``TYPE_CHECKING``
blocks), so a new import that breaks a layer rule fails here, not in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"

# layer -> the tracker layers its modules may import (``_errors`` is open to all)
ALLOWED = {
    "core": set(),
    "geo": {"core"},
    "names": {"core", "geo"},
    "extract": {"core", "names"},
    "store": {"core", "geo"},
    "ingest": {"core", "names", "geo", "store"},
    "render": {"core", "geo"},
}
MAX_LOOSE_MODULES = 8


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The tracker modules ``name`` imports (``from tracker.x import y`` counts y when y is a module)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("tracker")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            if not base.startswith("tracker"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return {m for m in found if m in known and m != name}


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {name: _imports(name, path, set(mods)) for name, path in mods.items()}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED) else None


def test_every_layer_is_a_package_that_says_what_it_may_import():
    for layer in ALLOWED:
        init = PACKAGE / layer / "__init__.py"
        assert init.is_file(), f"tracker/{layer}/ is not a package"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"tracker/{layer}/__init__.py should say what it may import"


def test_few_modules_stay_loose_at_the_top():
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(loose) <= MAX_LOOSE_MODULES, loose


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_it_may(layer):
    graph = _graph()
    wrong = []
    for module, imported in graph.items():
        if _layer(module) != layer:
            continue
        for target in imported:
            other = _layer(target)
            if target == "tracker._errors" or other == layer:
                continue
            if other not in ALLOWED[layer]:
                wrong.append(f"{module} imports {target}")
    assert not wrong, "; ".join(sorted(wrong))


def test_no_import_circles():
    graph = _graph()
    circles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if nxt == "tracker":
                continue
            if state.get(nxt) == 1:
                circles.append(" -> ".join([*path[path.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not circles, circles


def test_the_checks_see_a_violation():
    """The rules are not vacuous: a made-up core module importing the store is caught."""
    fake = {"tracker.core.fake": {"tracker.store.records"}}
    assert _layer("tracker.core.fake") == "core"
    assert _layer(next(iter(fake["tracker.core.fake"]))) not in ALLOWED["core"]
    assert "tracker.store.records" in _graph()["tracker.api"]
