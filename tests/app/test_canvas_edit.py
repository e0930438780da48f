"""Driving the canvas like a user: drop ops, drag wires, refuse cycles, move, delete, undo."""

from __future__ import annotations

import pytest
from helpers import drop_op, view_point
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from core.graph import serialize


def drag(window, a: QPointF, b: QPointF) -> None:
    """Left-drag in the view from scene point a to scene point b."""
    vp = window.view.viewport()
    pa, pb = view_point(window, a), view_point(window, b)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pa)
    mid = (pa + pb) / 2
    QTest.mouseMove(vp, mid)
    QTest.mouseMove(vp, pb)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pb)


def node_at(window, node_id):
    return window.scene.nodes[node_id]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_drop_from_palette_creates_node_at_drop_point(window):
    window.view.set_zoom(1.0)
    target = window.view.mapToScene(window.view.viewport().rect().center())
    drop_op(window, "mul", target)
    doc = window.controller.doc
    assert [n.op for n in doc] == ["mul"]
    node = next(iter(doc))
    item = window.scene.nodes[node.id]
    assert item.sceneBoundingRect().contains(target)
    assert (item.pos().x(), item.pos().y()) == node.pos
    assert window.controller.undo_stack.count() == 1


def test_drop_of_unknown_mime_is_ignored(window):
    vp = window.view.viewport()
    from PySide6.QtCore import QMimeData

    mime = QMimeData()
    mime.setText("hello")
    QApplication.sendEvent(vp, QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                                          Qt.MouseButton.LeftButton,
                                          Qt.KeyboardModifier.NoModifier, QEvent.Type.Drop))
    assert len(window.controller.doc) == 0


def _two_nodes(window):
    doc = window.controller.doc
    x = doc.add_node("variable", name="x", value=2.0, requires_grad=True, pos=(0, 0))
    sq = doc.add_node("mul", name="m", pos=(260, 0))
    return x, sq


def test_port_to_port_drag_creates_wire(window):
    x, m = _two_nodes(window)
    window.view.fit_all()
    out = node_at(window, x).output.scenePos()
    inp = node_at(window, m).input_port("a").scenePos()
    drag(window, out, inp)
    doc = window.controller.doc
    assert [(w.src, w.dst, w.port) for w in doc.wires] == [(x, m, "a")]
    assert len(window.scene.wires) == 1
    wire = next(iter(window.scene.wires.values()))
    assert wire.source is node_at(window, x).output
    assert wire.target is node_at(window, m).input_port("a")
    # and from the input side back to an output works too
    drag(window, node_at(window, m).input_port("b").scenePos(), out)
    assert {(w.src, w.port) for w in doc.wires} == {(x, "a"), (x, "b")}


def test_drop_on_empty_canvas_cancels_the_wire(window):
    x, m = _two_nodes(window)
    window.view.fit_all()
    out = node_at(window, x).output.scenePos()
    drag(window, out, out + QPointF(60, 200))
    assert window.controller.doc.wires == []
    assert window.scene.interaction is None
    assert "cancelled" in window.statusBar().currentMessage()


def test_cycle_is_refused_with_status_message(window):
    doc = window.controller.doc
    a = doc.add_node("variable", name="a", value=1.0, pos=(0, 0))
    m = doc.add_node("mul", name="m", pos=(240, 0))
    n = doc.add_node("neg", name="n", pos=(480, 0))
    doc.connect(a, m, "a")
    doc.connect(m, n, "x")
    window.view.fit_all()
    before = serialize.to_dict(doc)
    count = window.controller.undo_stack.count()
    drag(window, node_at(window, n).output.scenePos(),
         node_at(window, m).input_port("b").scenePos())
    assert "cycle" in window.statusBar().currentMessage()
    assert serialize.to_dict(doc) == before
    assert window.controller.undo_stack.count() == count
    assert len(window.scene.wires) == 2  # the refused wire never appears


def test_occupied_input_is_refused(window):
    doc = window.controller.doc
    a = doc.add_node("variable", name="a", value=1.0, pos=(0, 0))
    b = doc.add_node("variable", name="b", value=2.0, pos=(0, 150))
    n = doc.add_node("neg", name="n", pos=(260, 0))
    doc.connect(a, n, "x")
    window.view.fit_all()
    count = window.controller.undo_stack.count()
    drag(window, node_at(window, b).output.scenePos(),
         node_at(window, n).input_port("x").scenePos())
    assert window.controller.undo_stack.count() == count
    assert "already wired" in window.statusBar().currentMessage()


def test_dragging_a_wire_end_away_disconnects_and_undo_restores(window):
    x, m = _two_nodes(window)
    window.controller.doc.connect(x, m, "a")
    window.view.fit_all()
    inp = node_at(window, m).input_port("a").scenePos()
    drag(window, inp, inp + QPointF(-40, 220))
    assert window.controller.doc.wires == []
    assert window.scene.wires == {}
    window.controller.undo_stack.undo()
    assert [(w.src, w.port) for w in window.controller.doc.wires] == [(x, "a")]
    assert len(window.scene.wires) == 1


def test_move_is_one_undo_step_and_undo_redo_restore_exactly(window):
    x, m = _two_nodes(window)
    window.view.set_zoom(1.0)
    window.view.centerOn(node_at(window, m).center())
    doc = window.controller.doc
    before = serialize.to_dict(doc)
    header = node_at(window, m).mapToScene(QPointF(70, 12))
    drag(window, header, header + QPointF(80, 40))
    after = serialize.to_dict(doc)
    assert doc.node(m).pos == (260 + 80, 40)
    assert after != before
    stack = window.controller.undo_stack
    stack.undo()
    assert serialize.to_dict(doc) == before
    assert node_at(window, m).pos() == QPointF(260, 0)
    stack.redo()
    assert serialize.to_dict(doc) == after


def test_delete_duplicate_select_all_and_undo(window, qtbot):
    x, m = _two_nodes(window)
    doc = window.controller.doc
    doc.connect(x, m, "a")
    before = serialize.to_dict(doc)
    window.view.setFocus()
    window.act_select_all.trigger()
    assert len(window.scene.selected_nodes()) == 2
    window.act_duplicate.trigger()
    assert len(doc) == 4 and len(doc.wires) == 2
    assert {n.name for n in doc} == {"x", "m", "x1", "m1"}
    window.controller.undo_stack.undo()
    assert serialize.to_dict(doc) == before
    window.act_select_all.trigger()
    window.act_delete.trigger()
    assert len(doc) == 0 and window.scene.nodes == {} and window.scene.wires == {}
    window.controller.undo_stack.undo()
    assert serialize.to_dict(doc) == before
    assert len(window.scene.nodes) == 2 and len(window.scene.wires) == 1


def test_copy_paste_through_the_clipboard(window):
    x, m = _two_nodes(window)
    doc = window.controller.doc
    doc.connect(x, m, "b")
    window.act_select_all.trigger()
    window.act_copy.trigger()
    text = QApplication.clipboard().text()
    assert '"chainrule-graph"' in text
    window.act_paste.trigger()
    assert len(doc) == 4
    pasted = [n for n in doc if n.name in ("x1", "m1")]
    assert len(pasted) == 2
    assert {(doc.node(w.src).name, doc.node(w.dst).name, w.port) for w in doc.wires} == {
        ("x", "m", "b"), ("x1", "m1", "b")}
    assert doc.by_name("x1").pos == (30.0, 30.0)


def test_rubber_band_selects_touched_nodes(window):
    x, m = _two_nodes(window)
    window.view.fit_all()
    r = node_at(window, x).sceneBoundingRect()
    drag(window, r.topLeft() + QPointF(-30, -30), r.center())
    assert [n.node_id for n in window.scene.selected_nodes()] == [x]


def test_quick_add_adds_typed_op(window, qtbot):
    window.open_quick_add(QPointF(100, 100))
    popup = window.quick_add
    assert popup.isVisible()
    QTest.keyClicks(popup.search, "sigm")
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    assert [n.op for n in window.controller.doc] == ["sigmoid"]
    assert not popup.isVisible()


# a crash the monkey (test_monkey.py) found, replayed as the user met it
def test_copy_and_duplicate_a_node_with_a_nan_parameter(app_window, qtbot):
    """pow's exponent set to "nan": Copy and Duplicate serialize the selection, and the
    nan made json.dumps raise (Save failed the same way)."""
    import math

    w = app_window
    w.build_expression("x ** 2")
    doc = w.controller.doc
    pow_id = next(n.id for n in doc if n.op == "pow")
    assert w.controller.push("set_param", pow_id, "exponent", "nan")
    w.controller.select_only([pow_id])
    w.act_copy.trigger()
    w.act_duplicate.trigger()
    pows = [n for n in doc if n.op == "pow"]
    assert len(pows) == 2 and all(math.isnan(n.params["exponent"]) for n in pows)
    w.act_paste.trigger()
    assert len([n for n in doc if n.op == "pow"]) == 3
