"""The window's public hooks (app/application/window_hooks.py): rooms plug in through them.

Before the hooks, `stepper.install` and five other installers set attributes on the window
from outside and called its privates (`window._action`, `window._dock`), and the stepping
room imported `main_window` at run time (the circle main_window ↔ stepper ↔ step_panel).
"""

from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

APP = Path(__file__).resolve().parents[2] / "app"


def _outside_the_window() -> list[Path]:
    """The rooms' modules but the window's own (app/__main__.py, the entry point, makes it)."""
    return [p for p in APP.rglob("*.py")
            if p.name != "main_window.py" and p.parent != APP]


def test_no_room_patches_the_window_or_calls_its_privates():
    bad = []
    for path in _outside_the_window():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for t in [*targets, *(e for t in targets if isinstance(t, ast.Tuple) for e in t.elts)]:
                if (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                        and t.value.id == "window"):
                    bad.append(f"{path.name}:{node.lineno} window.{t.attr} = ...")
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "window" and node.attr.startswith("_")):
                bad.append(f"{path.name}:{node.lineno} window.{node.attr}")
    assert not bad, bad


def test_no_room_imports_the_main_window_at_run_time():
    """Only annotations (`if TYPE_CHECKING:`) may name the window's module."""
    bad = []
    for path in _outside_the_window():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for top in ast.walk(tree)
                       if isinstance(top, ast.If) and "TYPE_CHECKING" in ast.unparse(top.test)
                       for n in ast.walk(top)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.endswith("main_window") and id(node) not in typing_only):
                bad.append(f"{path.name}:{node.lineno}")
    assert not bad, bad


def test_the_window_keeps_what_the_rooms_return(window):
    assert window.stepper.dock is window.step_dock and window.stepper.bar is window.step_bar
    assert window.forward_stepper.dock.objectName() == "forwardStepDock"
    assert window.frames.act_group in window.menu("Edit").actions()[-1].menu().actions()
    graph = window.menu("Graph").actions()
    for act in (window.stepper.act_mode, window.forward_stepper.act_mode, window.act_zero_grad,
                window.act_jacobian, window.act_race, window.act_run_script):
        assert act in graph, act.text()
    assert window.matrix_dialog is None  # made on first use


def test_add_dock_tabs_and_hides(window):
    tab = window.add_dock("Extra", "extraDock", QLabel("x"),
                          Qt.DockWidgetArea.RightDockWidgetArea, tab_with=window.inspector_dock)
    assert tab.objectName() == "extraDock"
    assert window.dockWidgetArea(tab) == window.dockWidgetArea(window.inspector_dock)
    closed = window.add_dock("Closed", "closedDock", QLabel("z"), hidden=True)
    assert closed.isHidden() and not closed.toggleViewAction().isChecked()
    assert window.dockWidgetArea(closed) == Qt.DockWidgetArea.RightDockWidgetArea


def test_menu_and_toolbar_actions_go_after_their_anchor(window):
    a = window.add_action("Extra A", lambda: None, tip="a")
    b = window.add_action("Extra B", lambda: None)
    window.add_menu_actions("Graph", [a, b], after=window.act_auto)
    graph = window.menu("Graph").actions()
    i = graph.index(window.act_auto)
    assert graph[i + 1:i + 3] == [a, b]
    window.add_toolbar_actions([a], before=window.act_layout)
    tb = window.toolbar.actions()
    assert tb[tb.index(window.act_layout) - 1] is a
    window.add_menu_actions("No Such Menu", [a])  # nothing to show it in: no error
    assert window.menu("No Such Menu") is None
