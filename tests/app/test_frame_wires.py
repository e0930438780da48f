"""Wires are drawn from and to a collapsed frame's box, as from and to the hidden member ports
its ports stand for."""

from __future__ import annotations

from helpers import view_point
from PySide6.QtCore import QCoreApplication, QPointF, Qt
from PySide6.QtTest import QTest


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents()


def _drag(window, a: QPointF, b: QPointF) -> None:
    vp = window.view.viewport()
    pa, pb = view_point(window, a), view_point(window, b)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pa)
    QTest.mouseMove(vp, (pa + pb) / 2)
    QTest.mouseMove(vp, pb)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pb)
    _settle()


def _neuron(window):
    from app.application.resources import EXAMPLES

    assert window.open_example(EXAMPLES / "11_neuron.json")
    _settle()
    (item,) = window.frames.items.values()
    assert item.collapsed
    return window.controller.doc, item


def _wires(doc) -> set[tuple[str, str, str]]:
    return {(doc.node(w.src).name, doc.node(w.dst).name, str(w.port)) for w in doc.wires}


def test_a_wire_from_the_box_exit_feeds_a_new_node(window):
    doc, item = _neuron(window)
    box = item.sceneBoundingRect()
    neg = window.controller.add_op("neg", QPointF(box.right() + 60, box.bottom() + 120))
    _settle()
    window.view.fit_all()
    _settle()
    port = window.scene.nodes[neg].inputs[0]
    _drag(window, item.exit_anchor(doc.by_name("y").id), port.scenePos())
    assert ("y", doc.node(neg).name, "x") in _wires(doc)
    assert window.scene.frame_port(item, item.exit_anchor(doc.by_name("y").id)) is \
        window.scene.nodes[doc.by_name("y").id].output


def test_a_wire_dropped_on_the_box_feeds_a_free_member_input(window):
    doc, item = _neuron(window)
    box = item.sceneBoundingRect()
    c = window.controller.add_op("variable", QPointF(box.left() - 200, box.bottom() + 80))
    _settle()
    window.view.fit_all()
    _settle()
    name = doc.node(c).name
    rows = {label: item.input_anchor(key) for key, label in item.inputs}
    # every input of the neuron is wired: a drop on the add.b row says so and changes nothing
    before = _wires(doc)
    _drag(window, window.scene.nodes[c].output.scenePos(), rows["add.b"])
    assert _wires(doc) == before
    assert "already wired" in window.statusBar().currentMessage()
    # pick b's wire up off the box and drop it on the canvas: add.b is free now
    _drag(window, rows["add.b"], rows["add.b"] + QPointF(-30, 160))
    assert ("b", "add", "b") not in _wires(doc)
    assert "add.b" not in [label for _k, label in item.inputs]
    # a drop anywhere on the box feeds the free input, and the box shows its row again
    _drag(window, window.scene.nodes[c].output.scenePos(), item.sceneBoundingRect().center())
    assert (name, "add", "b") in _wires(doc)
    assert "add.b" in [label for _k, label in item.inputs]
    window.view.grab().save("/tmp/r2-frames-wire-to-box.png")


def test_pressing_a_box_input_picks_its_wire_up(window):
    doc, item = _neuron(window)
    window.view.fit_all()
    _settle()
    (key,) = [k for k, label in item.inputs if label == "add.b"]
    start = item.input_anchor(key)
    _drag(window, start, start + QPointF(-30, 160))  # onto empty canvas: disconnect
    assert ("b", "add", "b") not in _wires(doc)
    window.controller.undo_stack.undo()
    _settle()
    assert ("b", "add", "b") in _wires(doc)


def test_the_box_does_not_wire_to_itself(window):
    doc, item = _neuron(window)
    window.view.fit_all()
    _settle()
    (key,) = [k for k, label in item.inputs if label == "add.b"]
    row = item.input_anchor(key)
    _drag(window, row, row + QPointF(-30, 160))  # add.b free: a target for other nodes
    before = _wires(doc)
    _drag(window, item.exit_anchor(doc.by_name("y").id), item.sceneBoundingRect().center())
    assert _wires(doc) == before
    assert window.statusBar().currentMessage().startswith("Wire cancelled")
