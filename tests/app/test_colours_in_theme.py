"""Colours live only in the theme (app/application/theme.py): a colour written anywhere else
cannot follow a theme switch and drifts from its siblings (the stepper's green was once
hard-coded in wire_item.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
THEME = APP / "application" / "theme.py"
HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


def _colour_literals(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and HEX.match(node.value):
            found.append(f"{path.relative_to(APP)}:{node.lineno} {node.value}")
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "QColor"
                and node.args and all(isinstance(a, ast.Constant) for a in node.args)):
            found.append(f"{path.relative_to(APP)}:{node.lineno} QColor(...)")
    return found


def test_no_colour_is_written_outside_the_theme():
    found = [hit for p in APP.rglob("*.py") if p != THEME for hit in _colour_literals(p)]
    assert not found, found


def test_the_step_colour_follows_the_theme():
    from app.application import theme
    from app.canvas.items.wire_item import step_color

    assert step_color() == theme.current().step
    assert theme.LIGHT.step != theme.DARK.step
