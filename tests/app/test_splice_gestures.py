"""Node-editor comforts (issue 11): drop an op on a wire to insert it there, Ctrl+Delete to
dissolve a one-input node. One undo step each; refusals say why in the status bar."""

from __future__ import annotations

import pytest
from helpers import drop_op, view_point
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.panels.palette import op_mime

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _sin_graph(window, qtbot):
    """x → sin → out, spread out so the x→sin wire has room to drop on."""
    doc = window.controller.doc
    x = doc.add_node("variable", name="x", value=0.5, requires_grad=True, pos=(0, 0))
    s = doc.add_node("sin", name="s", pos=(500, 0))
    o = doc.add_node("output", name="out", pos=(800, 0))
    doc.connect(x, s, "x")
    doc.connect(s, o, "value")
    doc.set_output(o)
    window.view.fit_all()
    qtbot.wait(10)
    return x, s, o


def _wire_point(window, src: str, dst: str) -> QPointF:
    """A point on the wire src → dst, away from its gradient label."""
    wire = next(w for k, w in window.scene.wires.items() if k.src == src and k.dst == dst)
    return wire.path().pointAtPercent(0.3)


def _drag_over(window, op: str, scene_pos: QPointF) -> None:
    """A palette drag entering the canvas and moving to `scene_pos` (not dropped)."""
    pos = view_point(window, scene_pos)
    args = (pos, Qt.DropAction.CopyAction, op_mime(op), Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    vp = window.view.viewport()
    QApplication.sendEvent(vp, QDragEnterEvent(*args))
    QApplication.sendEvent(vp, QDragMoveEvent(*args, QEvent.Type.DragMove))


def test_dropping_an_op_on_a_wire_inserts_it_as_one_undo_step(window, qtbot):
    x, s, o = _sin_graph(window, qtbot)
    doc = window.controller.doc
    stack = window.controller.undo_stack
    n = stack.count()
    at = _wire_point(window, x, s)
    drop_op(window, "neg", at)
    (neg,) = [i for i in doc.nodes if doc.node(i).op == "neg"]
    assert doc.inputs_of(neg) == {"x": x}
    assert doc.inputs_of(s) == {"x": neg}
    assert stack.count() == n + 1
    qtbot.wait(10)
    assert float(window.controller.result.values[o]) == pytest.approx(-0.4794255)
    assert not any(w.drop_target for w in window.scene.wires.values())
    stack.undo()
    assert neg not in doc and doc.inputs_of(s) == {"x": x}
    assert set(window.scene.wires) == set(doc.wires)


def test_the_target_wire_glows_while_dragging_and_only_then(window, qtbot):
    x, s, o = _sin_graph(window, qtbot)
    wire = next(w for k, w in window.scene.wires.items() if k.src == x)
    _drag_over(window, "neg", _wire_point(window, x, s))
    assert wire.drop_target
    window.grab().save("/tmp/i11-hand-drop-glow.png")
    # an op without an input cannot go into a wire: nothing glows, a drop just adds it
    _drag_over(window, "variable", _wire_point(window, x, s))
    assert not wire.drop_target
    _drag_over(window, "neg", _wire_point(window, x, s))
    _drag_over(window, "neg", QPointF(300, 600))  # off the wire
    assert not any(w.drop_target for w in window.scene.wires.values())


def test_dropping_a_variable_on_a_wire_just_adds_it(window, qtbot):
    x, s, o = _sin_graph(window, qtbot)
    doc = window.controller.doc
    drop_op(window, "variable", _wire_point(window, x, s))
    assert len(doc) == 4 and doc.inputs_of(s) == {"x": x}


def test_quick_add_over_a_wire_inserts_into_it(window, qtbot):
    x, s, o = _sin_graph(window, qtbot)
    doc = window.controller.doc
    window.open_quick_add(_wire_point(window, s, o))
    wire = next(w for k, w in window.scene.wires.items() if k.src == s and k.dst == o)
    assert wire.drop_target  # the wire the node will go into glows while choosing
    QTest.keyClicks(window.quick_add.search, "detach")
    QTest.keyClick(window.quick_add.search, Qt.Key.Key_Return)
    (d,) = [i for i in doc.nodes if doc.node(i).op == "detach"]
    assert doc.inputs_of(d) == {"x": s} and doc.inputs_of(o) == {"value": d}
    assert not any(w.drop_target for w in window.scene.wires.values())
    # dismissed with Esc: the glow goes too
    window.open_quick_add(_wire_point(window, x, s))
    assert any(w.drop_target for w in window.scene.wires.values())
    QTest.keyClick(window.quick_add.search, Qt.Key.Key_Escape)
    assert not window.quick_add.isVisible()
    assert not any(w.drop_target for w in window.scene.wires.values())


def test_dissolve_wires_the_input_through_as_one_undo_step(window, qtbot):
    x, s, o = _sin_graph(window, qtbot)
    doc = window.controller.doc
    stack = window.controller.undo_stack
    drop_op(window, "neg", _wire_point(window, x, s))
    (neg,) = [i for i in doc.nodes if doc.node(i).op == "neg"]
    window.controller.select_only([neg])
    window.view.setFocus()
    n = stack.count()
    assert window.act_dissolve.shortcut() == QKeySequence("Ctrl+Delete")
    QTest.keySequence(window.view, QKeySequence("Ctrl+Delete"))
    assert neg not in doc and doc.inputs_of(s) == {"x": x}
    assert stack.count() == n + 1
    assert window.statusBar().currentMessage().startswith("Dissolved neg: x now feeds s")
    stack.undo()
    assert doc.inputs_of(s) == {"x": neg} and doc.inputs_of(neg) == {"x": x}


def test_dissolve_refuses_with_a_reason_and_changes_nothing(window, qtbot):
    x, s, o = _sin_graph(window, qtbot)
    doc = window.controller.doc
    stack = window.controller.undo_stack
    n, wires = stack.count(), list(doc.wires)
    window.controller.select_only([x])
    window.act_dissolve.trigger()
    assert "Cannot dissolve: x has no inputs" in window.statusBar().currentMessage()
    window.controller.select_only([])
    window.act_dissolve.trigger()
    assert "Select one node" in window.statusBar().currentMessage()
    window.controller.select_only([o])
    window.act_dissolve.trigger()
    assert "feeds nothing" in window.statusBar().currentMessage()
    assert stack.count() == n and list(doc.wires) == wires


def test_shortcuts_list_dissolve_and_insert(window):
    rows = dict(window.shortcut_rows())
    assert rows["Dissolve"] == QKeySequence("Ctrl+Delete").toString(
        QKeySequence.SequenceFormat.NativeText)
    assert "Insert into a wire" in rows


def _overlapping(window) -> list[tuple[str, str]]:
    from app.canvas.items.node_item import NodeItem

    out = []
    for item in window.scene.nodes.values():
        for other in window.scene.items(item.sceneBoundingRect()):
            if isinstance(other, NodeItem) and other is not item:
                out.append((item.name, other.name))
    return out


def test_an_inserted_node_gets_room_between_its_neighbours(window, qtbot):
    """Dropped on a short wire, the node covered both ends; now the downstream nodes move
    right (Blender's auto-offset), in the same undo step."""
    x, s, o = _sin_graph(window, qtbot)
    doc = window.controller.doc
    right = window.scene.nodes[s].sceneBoundingRect().right()
    doc.move(o, (right + 40, 0))  # a short wire s → out
    window.view.fit_all()
    qtbot.wait(10)
    before = {i: doc.node(i).pos for i in doc.nodes}
    n = window.controller.undo_stack.count()
    drop_op(window, "neg", _wire_point(window, s, o))
    qtbot.wait(10)
    assert _overlapping(window) == []
    (neg,) = [i for i in doc.nodes if doc.node(i).op == "neg"]
    ns, nn, no = (window.scene.nodes[i].sceneBoundingRect() for i in (s, neg, o))
    assert ns.right() < nn.left() and nn.right() < no.left()
    for key, wire in window.scene.wires.items():  # each new wire has room for its pill
        if neg in (key.src, key.dst) and wire.label.isVisible():
            pill = wire.label.sceneBoundingRect()
            assert not pill.intersects(nn), key
    assert doc.node(x).pos == before[x] and doc.node(s).pos == before[s]  # upstream stays
    assert window.controller.undo_stack.count() == n + 1
    window.controller.undo_stack.undo()
    assert {i: doc.node(i).pos for i in doc.nodes} == before


def test_room_for_a_wide_gradient_pill(window, qtbot):
    """Inserted into a wire carrying a vector gradient, the node left no room for the pill
    ("[1, 1, 1, 1]") on its new wires, which then covered the node."""
    from app.application.resources import EXAMPLES

    assert window.files.open(EXAMPLES / "09_detach.json")
    qtbot.wait(10)
    doc = window.controller.doc
    z, total = doc.by_name("z").id, doc.by_name("sum1").id
    drop_op(window, "neg", _wire_point(window, z, total))
    qtbot.wait(10)
    (neg,) = [i for i in doc.nodes if doc.node(i).op == "neg"]
    body = window.scene.nodes[neg].sceneBoundingRect()
    for key, wire in window.scene.wires.items():
        if neg in (key.src, key.dst) and wire.label.isVisible():
            assert not wire.label.sceneBoundingRect().intersects(body), key
    assert _overlapping(window) == []


def test_shortcuts_dialog_fits_without_a_horizontal_scrollbar(window, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog, QTableWidget

    seen = []

    def look() -> None:
        dlg = next(d for d in QApplication.topLevelWidgets()
                   if isinstance(d, QDialog) and d.isVisible())
        table = dlg.findChild(QTableWidget)
        seen.append(table.horizontalScrollBar().isVisible())
        dlg.reject()

    QTimer.singleShot(200, look)
    window.show_shortcuts()
    assert seen == [False]


def test_an_output_inserted_into_a_wire_becomes_the_output_when_there_is_none(window, qtbot):
    doc = window.controller.doc
    x = doc.add_node("variable", name="x", value=0.5, requires_grad=True, pos=(0, 0))
    s = doc.add_node("sin", name="s", pos=(500, 0))
    doc.connect(x, s, "x")
    window.view.fit_all()
    qtbot.wait(10)
    drop_op(window, "output", _wire_point(window, x, s))
    (o,) = [i for i in doc.nodes if doc.node(i).op == "output"]
    assert doc.output == o and doc.inputs_of(o) == {"value": x}
