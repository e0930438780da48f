"""The inspector's editors change the document through undoable commands, and the
theme switch repaints with the other palette."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_files_and_expression import type_expression

from app import theme


def _node(window, name: str):
    return next(n for n in window.controller.doc if n.name == name)


def _inspect(window, name: str):
    node = _node(window, name)
    window.controller.select_only([node.id])
    window.inspector.show_node(node.id)
    return node


def _type_into(edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


def test_value_edit_goes_through_undo_and_updates_the_output(window):
    type_expression(window, "w * x")
    node = _inspect(window, "w")
    _type_into(window.inspector.value_edit, "[1.5, -2.0]")
    np.testing.assert_array_equal(_node(window, "w").value, [1.5, -2.0])
    window.controller.undo_stack.undo()
    assert not np.array_equal(_node(window, "w").value, [1.5, -2.0])
    window.controller.undo_stack.redo()
    np.testing.assert_array_equal(_node(window, "w").value, [1.5, -2.0])
    assert node.id == _node(window, "w").id


def test_bad_value_changes_nothing_and_the_editor_shows_the_old_value(window):
    type_expression(window, "w * x")
    _inspect(window, "w")
    before = np.array(_node(window, "w").value, copy=True)
    depth = window.controller.undo_stack.count()
    _type_into(window.inspector.value_edit, "[1, 2")
    np.testing.assert_array_equal(_node(window, "w").value, before)
    assert window.controller.undo_stack.count() == depth


def test_rename_dtype_and_requires_grad_edits_are_undoable(window):
    type_expression(window, "w * x")
    _inspect(window, "w")
    _type_into(window.inspector.name_edit, "weight")
    assert _node(window, "weight")
    window.inspector.show_node(_node(window, "weight").id)
    combo = window.inspector.dtype
    combo.setCurrentText("float64")
    combo.activated.emit(combo.currentIndex())  # what a user's pick in the list emits
    assert _node(window, "weight").dtype == "float64"
    rg = _node(window, "weight").requires_grad
    window.inspector.requires_grad.setChecked(not rg)
    assert _node(window, "weight").requires_grad is (not rg)
    stack = window.controller.undo_stack
    stack.undo()
    stack.undo()
    assert _node(window, "weight").dtype != "float64"
    stack.undo()
    assert any(n.name == "w" for n in window.controller.doc)


def test_param_edit_is_undoable(window):
    type_expression(window, "sum(x)")
    node = next(n for n in window.controller.doc if n.op == "sum")
    window.controller.push("set_param", node.id, "keepdim", True)
    assert window.controller.doc.nodes[node.id].params["keepdim"] is True
    window.controller.undo_stack.undo()
    assert not window.controller.doc.nodes[node.id].params.get("keepdim")


def test_theme_switch_changes_the_palette(window, qapp):
    theme.apply(qapp, dark=True)
    dark_bg = qapp.palette().window().color()
    assert theme.current().is_dark
    theme.apply(qapp, dark=False)
    light_bg = qapp.palette().window().color()
    assert not theme.current().is_dark
    assert dark_bg.lightness() < light_bg.lightness()
    window.grab()  # repaints in both themes without error
