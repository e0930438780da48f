"""Macro steps are `Edit`s everywhere (issue 13): no `("add_node", (op,), {...})` tagged tuples
left in core/ or app/, where a typo in a kind or a swapped field goes unnoticed until run."""

from __future__ import annotations

import ast
from pathlib import Path

from core.graph.commands import COMMANDS

ROOT = Path(__file__).resolve().parents[2]


def tuple_steps(source: str) -> list[int]:
    """Lines of `(kind, args, kwargs)` tuples whose kind is an edit `make_command` knows."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Tuple) and len(node.elts) == 3
                and isinstance(node.elts[0], ast.Constant) and node.elts[0].value in COMMANDS
                and isinstance(node.elts[1], ast.Tuple | ast.Name)
                and isinstance(node.elts[2], ast.Dict | ast.Name)):
            out.append(node.lineno)
    return out


def test_the_check_finds_a_tuple_step():
    assert tuple_steps('s = [("connect", (a, b, "x"), {}), ("move", (m,), kw)]') == [1, 1]
    assert tuple_steps('s = [Edit("connect", (a, b, "x"))]') == []


def test_no_tuple_steps_in_core_or_app():
    found = {str(p.relative_to(ROOT)): lines
             for folder in ("core", "app") for p in sorted((ROOT / folder).rglob("*.py"))
             if (lines := tuple_steps(p.read_text(encoding="utf-8")))}
    assert found == {}
