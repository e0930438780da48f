"""Forward stepping through the window: values appear node by node with their arithmetic."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.application.resources import EXAMPLES


def _open(window):
    assert window.open_example(EXAMPLES / "10_retain_graph.json")
    QApplication.processEvents()
    return window.controller.doc


def test_values_appear_node_by_node_with_arithmetic(window):
    doc = _open(window)
    fs = window.forward_stepper
    QTest.keySequence(window, "Shift+F9")
    assert fs.active and window.forward_dock.isVisible()
    items = window.scene.nodes
    out = items[doc.output]
    assert out.value_text == "—" and out.step_state == "pending"
    assert items[doc.by_name("x").id].value_text == "3"
    assert items[doc.by_name("x").id].grad_text == ""  # no gradients in a forward pass
    mul = doc.by_name("mul").id
    while fs.current().node != mul:
        QTest.keyClick(window, Qt.Key.Key_F10)
    assert items[mul].value_text == "6" and items[mul].step_state == "current"
    assert window.forward_panel.lines[-1] == "mul: 3 × 2 = 6"
    assert "mul: 3 × 2 = 6" in window.statusBar().currentMessage()
    assert items[doc.output].value_text == "—"
    fs.act_last.trigger()
    assert out.value_text == "18"
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert not fs.active and not window.forward_dock.isVisible()
    # the normal picture is back: values and gradients
    assert out.step_state is None and items[doc.by_name("x").id].grad_text == "∇ 8"


def test_an_edit_stops_forward_stepping(window):
    doc = _open(window)
    window.forward_stepper.act_mode.trigger()
    window.controller.push("set_value", doc.by_name("x").id, "2.0")
    assert not window.forward_stepper.active
    QApplication.processEvents()
    assert window.scene.nodes[doc.output].value_text == "11"


def test_forward_and_backward_stepping_take_turns(window):
    _open(window)
    fs, bs = window.forward_stepper, window.stepper
    fs.act_mode.trigger()
    bs.act_mode.trigger()
    assert bs.active and not fs.active
    fs.act_mode.trigger()
    assert fs.active and not bs.active
    QTest.keyClick(window, Qt.Key.Key_F10)  # only the forward stepper's Next is enabled
    assert fs.index == 1
