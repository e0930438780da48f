"""Frames on the canvas: Ctrl+G groups, the title drags, collapse shows one box, the stepper
steps over it, and every edit is one undo step."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import view_point
from PySide6.QtCore import QCoreApplication, QPointF, Qt
from PySide6.QtTest import QTest

from app.application import formatting
from app.canvas.items.frame_item import FrameItem
from core.graph import serialize


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents()


def neuron(window):
    """y = tanh(w·x + b) built from the expression bar; returns (doc, ids of mul, add, tanh)."""
    window.build_expression("y = tanh(w*x + b)")
    _settle()
    doc = window.controller.doc
    return doc, [n.id for n in doc if n.op in ("mul", "add", "tanh")]


def group(window, qtbot, ids, title="neuron"):
    window.controller.select_only(ids)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    _settle()
    (fid,) = window.controller.doc.frames
    if title:
        window.controller.push("set_frame", fid, title=title)
        _settle()
    return fid


def click(window, scene_pos: QPointF, double: bool = False) -> None:
    vp = window.view.viewport()
    p = view_point(window, scene_pos)
    if double:
        QTest.mouseDClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, p)
    else:
        QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, p)
    _settle()


def test_ctrl_g_groups_the_selection_behind_its_nodes(window, qtbot):
    doc, inner = neuron(window)
    stack = window.controller.undo_stack
    before = stack.count()
    fid = group(window, qtbot, inner, title=None)
    f = doc.frame(fid)
    assert f.members == tuple(inner) and not f.collapsed
    assert stack.count() == before + 1
    item = window.frames.items[fid]
    assert isinstance(item, FrameItem) and item.isVisible()
    for i in inner:
        node = window.scene.nodes[i]
        assert item.sceneBoundingRect().contains(node.sceneBoundingRect())
        assert item.zValue() < node.zValue()
    window.act_undo.trigger()
    _settle()
    assert not doc.frames and not window.frames.items
    assert not [it for it in window.scene.items() if isinstance(it, FrameItem)]


def test_ctrl_g_with_nothing_selected_or_a_grouped_node_says_why(window, qtbot):
    doc, inner = neuron(window)
    window.scene.clearSelection()
    window.frames.act_group.trigger()
    assert "Select the nodes" in window.statusBar().currentMessage()
    group(window, qtbot, inner[:2])
    window.controller.select_only(inner[1:])
    window.frames.act_group.trigger()
    assert "already in the frame 'neuron'" in window.statusBar().currentMessage()
    assert len(doc.frames) == 1


def test_dragging_the_title_moves_every_member_as_one_undo_step(window, qtbot):
    doc, inner = neuron(window)
    fid = group(window, qtbot, inner)
    window.view.set_zoom(1.0)
    window.view.centerOn(window.frames.items[fid])
    _settle()
    item = window.frames.items[fid]
    before = {i: doc.node(i).pos for i in inner}
    outside = {n.id: n.pos for n in doc if n.id not in inner}
    count = window.controller.undo_stack.count()
    start = item.mapToScene(QPointF(40, 10))
    vp = window.view.viewport()
    a, b = view_point(window, start), view_point(window, start + QPointF(60, 40))
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(vp, (a + b) / 2)
    QTest.mouseMove(vp, b)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    _settle()
    dx, dy = b.x() - a.x(), b.y() - a.y()
    for i in inner:
        assert doc.node(i).pos == pytest.approx((before[i][0] + dx, before[i][1] + dy))
        assert window.scene.nodes[i].pos().x() == pytest.approx(doc.node(i).pos[0])
    assert {n.id: n.pos for n in doc if n.id not in inner} == outside
    assert window.controller.undo_stack.count() == count + 1
    assert item.sceneBoundingRect().contains(window.scene.nodes[inner[0]].sceneBoundingRect())
    window.act_undo.trigger()
    _settle()
    assert {i: doc.node(i).pos for i in inner} == before


def test_collapse_shows_one_box_with_the_crossing_wires_and_what_leaves(window, qtbot):
    doc, inner = neuron(window)
    fid = group(window, qtbot, inner)
    window.view.fit_all()
    _settle()
    item = window.frames.items[fid]
    click(window, item.mapToScene(item.toggle_rect().center()))  # the ▾ in the title
    assert doc.frame(fid).collapsed
    scene = window.scene
    for i in inner:
        assert not scene.nodes[i].isVisible()
    inside = set(inner)
    crossing = [w for w in doc.wires if (w.src in inside) != (w.dst in inside)]
    for key, wire in scene.wires.items():
        assert wire.isVisible() == (key in crossing)
    # every crossing wire ends on one of the box's ports, on its edge
    box = item.mapRectToScene(item.body_rect())
    for key in crossing:
        a, b = scene.wires[key].endpoints()
        end = b if key.dst in inside else a
        assert box.adjusted(-1, -1, 1, 1).contains(end)
        assert abs(end.x() - box.left()) < 3 or abs(end.x() - box.right()) < 3
    assert sorted(label for _k, label in item.inputs) == ["add.b", "mul.a", "mul.b"]
    # what leaves it: tanh's value and gradient, the numbers core computed
    tanh = next(i for i in inner if doc.node(i).op == "tanh")
    r = window.controller.result
    (exit_,) = item.exits
    assert exit_.node_id == tanh
    assert exit_.value == formatting.preview(r.values[tanh])
    assert exit_.grad == "∇ " + formatting.grad_label(r.node_grads[tanh])
    assert np.isclose(float(r.values[tanh]), np.tanh(1.0 * 1.0 + 1.0))  # w = x = b = 1
    # expand again from the Edit ▸ Frame action, with the box selected
    window.scene.clearSelection()
    item.setSelected(True)
    window.frames.act_collapse.trigger()
    _settle()
    assert not doc.frame(fid).collapsed
    assert all(scene.nodes[i].isVisible() for i in inner)
    assert all(w.isVisible() for w in scene.wires.values())
    for key, wire in scene.wires.items():
        a, b = wire.endpoints()
        assert a == scene.nodes[key.src].output.scenePos()


def test_collapse_is_undoable_and_saved(window, qtbot, tmp_path):
    doc, inner = neuron(window)
    fid = group(window, qtbot, inner)
    window.controller.push("set_frame", fid, collapsed=True)
    _settle()
    text = serialize.dumps(doc)
    window.act_undo.trigger()
    _settle()
    assert window.scene.nodes[inner[0]].isVisible()
    window.act_redo.trigger()
    _settle()
    assert not window.scene.nodes[inner[0]].isVisible()
    assert serialize.dumps(doc) == text
    path = tmp_path / "neuron.json"
    assert window.files._write(path)
    assert window.files.open(path)
    _settle()
    doc2 = window.controller.doc
    assert doc2.frame(fid).collapsed and doc2.frame(fid).title == "neuron"
    item = window.frames.items[fid]
    assert item.collapsed and item.isVisible()
    assert not window.scene.nodes[inner[0]].isVisible()
    # a new document leaves no frame behind
    window.act_new.trigger()
    _settle()
    assert not window.frames.items
    assert not [it for it in window.scene.items() if isinstance(it, FrameItem)]


def test_stepper_steps_over_a_collapsed_frame_and_lists_its_inner_steps(window, qtbot):
    doc, inner = neuron(window)
    fid = group(window, qtbot, inner)
    st = window.stepper
    assert st.start()
    full = st.count
    st.stop()
    window.controller.push("set_frame", fid, collapsed=True)
    _settle()
    assert st.start()
    assert st.count == full - 2  # three node steps became one
    st.next()
    ex = st.explanation()
    assert ex.kind == "frame" and ex.name == "neuron"
    assert [name for name, _g in ex.inner] == ["y: TanhBackward0", "add: AddBackward0",
                                               "mul: MulBackward0"]
    assert sorted(s.to_name for s in ex.sends) == ["b", "w", "x"]
    text = window.step_panel.text()
    assert "Steps inside this frame" in text and "mul: MulBackward0" in text
    assert window.frames.items[fid].step_state == "current"
    assert "neuron (collapsed frame)" in window.statusBar().currentMessage()
    # expanding while stepping unfolds the replay and stays on the frame's first node
    window.controller.push("set_frame", fid, collapsed=False)
    _settle()
    assert st.active and st.count == full
    assert doc.node(st.current_step().node).op == "tanh"
    st.stop()
    assert window.frames.items[fid].step_state is None


def test_double_click_title_renames_in_place(window, qtbot):
    doc, inner = neuron(window)
    fid = group(window, qtbot, inner, title=None)
    window.view.fit_all()
    _settle()
    item = window.frames.items[fid]
    click(window, item.mapToScene(QPointF(30, 10)), double=True)
    editor = window.frames._editor
    assert editor is not None
    edit = editor.widget()
    edit.setText("neuron")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    _settle()
    assert doc.frame(fid).title == "neuron" and item.title == "neuron"
    assert window.frames._editor is None
    window.act_undo.trigger()
    _settle()
    assert doc.frame(fid).title == "frame"
    # Esc cancels
    edit = window.frames.start_rename(fid)
    edit.setText("nope")
    QTest.keyClick(edit, Qt.Key.Key_Escape)
    _settle()
    assert doc.frame(fid).title == "frame"


def test_colour_and_ungroup_from_the_menu_and_shortcut(window, qtbot):
    doc, inner = neuron(window)
    fid = group(window, qtbot, inner)
    menu = window.frames.frame_menu(fid)
    colours = next(a.menu() for a in menu.actions() if a.menu() is not None)
    next(a for a in colours.actions() if a.text() == "Green").trigger()
    _settle()
    assert doc.frame(fid).color == "green" and window.frames.items[fid].color_name == "green"
    window.controller.select_only([inner[0]])
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    _settle()
    assert not doc.frames and not window.frames.items
    assert len(doc) == 7  # the nodes stay
    window.act_undo.trigger()
    _settle()
    assert doc.frame(fid).color == "green"


def test_deleting_a_collapsed_frame_removes_its_nodes_and_undo_restores(window, qtbot):
    doc, inner = neuron(window)
    fid = group(window, qtbot, inner)
    window.controller.push("set_frame", fid, collapsed=True)
    _settle()
    text = serialize.dumps(doc)
    window.scene.clearSelection()
    window.frames.items[fid].setSelected(True)
    window.act_delete.trigger()
    _settle()
    assert not doc.frames and len(doc) == 4 and not window.frames.items
    window.act_undo.trigger()
    _settle()
    assert serialize.dumps(doc) == text
    assert window.frames.items[fid].collapsed
    assert not window.scene.nodes[inner[0]].isVisible()


def test_copy_paste_brings_a_whole_frame_along(window, qtbot):
    doc, inner = neuron(window)
    fid = group(window, qtbot, inner)
    window.controller.select_only(inner)
    window.act_duplicate.trigger()
    _settle()
    assert len(doc.frames) == 2
    (new,) = [f for f in doc.frames.values() if f.id != fid]
    assert new.title == "neuron" and not set(new.members) & set(inner)
    window.controller.select_only(inner[:1])  # part of a frame: nodes only
    window.act_duplicate.trigger()
    _settle()
    assert len(doc.frames) == 2


@pytest.mark.parametrize("dark", [False, True])
def test_screenshots_of_expanded_and_collapsed_frames(window, qtbot, dark):
    from app.application import theme
    theme.apply(QCoreApplication.instance(), dark=dark)
    window.apply_theme()
    doc, inner = neuron(window)
    fid = group(window, qtbot, inner)
    window.view.fit_all()
    _settle()
    name = "dark" if dark else "light"
    window.view.grab().save(f"/tmp/i11-frames-expanded-{name}.png")
    window.controller.push("set_frame", fid, collapsed=True)
    _settle()
    window.view.fit_all()
    _settle()
    window.view.grab().save(f"/tmp/i11-frames-collapsed-{name}.png")
    assert window.frames.items[fid].isVisible()


def test_fit_all_shows_the_frame_title(window, qtbot):
    doc, inner = neuron(window)
    fid = group(window, qtbot, inner)
    item = window.frames.items[fid]
    assert window.scene.graph_rect().contains(item.sceneBoundingRect())


def test_walk_the_neuron_lesson_collapsed(window):
    """The lesson opens collapsed; each step is core's replay step with the frame folded."""
    from app.application.resources import EXAMPLES
    from core.graph.evaluate import Evaluator
    from core.graph.replay import collapse_steps

    path = EXAMPLES / "11_neuron.json"
    ref_doc = serialize.load(path)
    ev = Evaluator(ref_doc)
    ev.forward()
    ref = collapse_steps(ev.backward().steps, ref_doc)
    assert window.open_example(path)
    _settle()
    (item,) = window.frames.items.values()
    assert item.collapsed and item.isVisible()
    assert [e.name for e in item.exits] == ["y"]
    st = window.stepper
    st.act_mode.trigger()
    for i, r in enumerate(ref):
        assert st.index == i
        step = st.current_step()
        assert (step.kind, step.node, step.engine_name) == (r.kind, r.node, r.engine_name)
        assert (item.step_state == "current") == (r.kind == "frame")
        st.act_next.trigger()
    assert st.index == len(ref) - 1
    for i in range(len(ref) - 2, -1, -1):
        st.act_prev.trigger()
        assert st.current_step().kind == ref[i].kind


def test_right_click_on_a_frame_asks_for_its_menu_and_open_closes_the_editor(window, qtbot):
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    doc, inner = neuron(window)
    fid = group(window, qtbot, inner)
    window.view.fit_all()
    _settle()
    asked = []
    window.scene.frameMenuRequested.disconnect(window.frames.show_frame_menu)  # no modal menu
    window.scene.frameMenuRequested.connect(lambda f, _pos: asked.append(f))
    item = window.frames.items[fid]
    vp = window.view.viewport()
    p = view_point(window, item.mapToScene(QPointF(30, 10)))
    QApplication.sendEvent(vp, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, p,
                                                 vp.mapToGlobal(p)))
    assert asked == [fid]
    assert window.frames.start_rename(fid) is not None
    window.act_new.trigger()
    _settle()
    assert window.frames._editor is None
    assert not [it for it in window.scene.items() if it.isWidget()]


def test_frame_tooltip_names_its_nodes(window, qtbot):
    doc, inner = neuron(window)
    fid = group(window, qtbot, inner)
    assert window.frames.items[fid].toolTip().startswith("neuron: mul, add, y\n")
