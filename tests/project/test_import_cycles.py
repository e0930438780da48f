"""The graph document's modules and the app's rooms import one way: no circle at run time.

A circle (commands ↔ splice, frames ↔ replay, catalog ↔ engine_map) means two modules can only
be understood, tested and moved together; a deferred import inside a function hides the circle
from Python but not from the reader, so deferred imports count here too. `typing`-only imports
do not. In the app, rooms import downwards only (main_window ↔ stepper ↔ step_panel was the
circle before the window hooks).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[2]

#: Circles kept on purpose, each with why. The Evaluator's `jacobian`/`hessian` are a thin
#: facade over core.graph.matrices (the tests and scripts call `ev.jacobian(...)` as torch's
#: users call `torch.autograd.functional.jacobian`), and matrices makes an Evaluator for a
#: document: the one deferred import each way is the whole circle.
ALLOWED = [{"core.graph.evaluate", "core.graph.matrices"}]


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _run_time_imports(path: Path, package: str) -> set[str]:
    """Modules of `package` that `path` imports when it runs (at import or in a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for top in ast.walk(tree)
                   if isinstance(top, ast.If) and "TYPE_CHECKING" in ast.unparse(top.test)
                   for n in ast.walk(top)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only or not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        if node.module == package or node.module.startswith(package + "."):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                is_module = (ROOT / (full.replace(".", "/") + ".py")).exists()
                found.add(full if is_module else node.module)
    return found


def _circles(package: str) -> list[set[str]]:
    graph = nx.DiGraph()
    for path in (ROOT / package.replace(".", "/")).rglob("*.py"):
        mod = _module_of(path)
        graph.add_node(mod)
        for target in _run_time_imports(path, package):
            if target != mod and target != package:  # the package itself only re-exports
                graph.add_edge(mod, target)
    return [c for c in nx.strongly_connected_components(graph) if len(c) > 1]


def test_graph_document_modules_import_one_way():
    circles = _circles("core.graph")
    assert [sorted(c) for c in circles if c not in ALLOWED] == []


def test_the_kept_circles_still_exist():
    """An allowed circle that is gone must leave ALLOWED, so the list only ever shrinks."""
    circles = _circles("core.graph")
    assert all(c in circles for c in ALLOWED)


def test_app_rooms_import_one_way():
    assert [sorted(c) for c in _circles("app")] == []
