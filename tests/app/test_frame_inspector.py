"""Selecting a collapsed frame's box shows the frame in the inspector: title, members, the
wires crossing in with their values, what leaves with its value and gradient."""

from __future__ import annotations

from helpers import view_point
from PySide6.QtCore import QCoreApplication, QPointF, Qt
from PySide6.QtTest import QTest


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents()


def _open_neuron(window):
    from app.application.resources import EXAMPLES

    assert window.open_example(EXAMPLES / "11_neuron.json")
    _settle()
    (fid,) = window.controller.doc.frames
    return fid, window.frames.items[fid]


def _click(window, scene_pos: QPointF) -> None:
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, view_point(window, scene_pos))
    _settle()


def test_clicking_the_collapsed_box_shows_the_frame(window):
    fid, item = _open_neuron(window)
    assert item.collapsed
    window.view.fit_all()
    _settle()
    _click(window, item.mapToScene(QPointF(item.boundingRect().width() / 2, 10)))
    assert item.isSelected()
    panel = window.inspector.frame_panel
    assert panel.isVisible() and panel.frame_id == fid
    assert not window.inspector.placeholder.isVisible()
    assert panel.title.text() == "neuron — frame"
    text = {k: v.text() for k, v in panel.sections.items()}
    assert text["members"].splitlines() == ["mul (mul)", "add (add)", "y (tanh)"]
    assert text["inputs"].splitlines() == ["w → mul.a = 0.5   ∇ 1.573", "x → mul.b = 2",
                                           "b → add.b = -0.5   ∇ 0.7864"]
    assert text["exits"] == "y → out = 0.4621   ∇ 1"
    window.inspector.grab().save("/tmp/r2-frames-inspector.png")


def test_a_node_selected_again_shows_the_node(window):
    fid, item = _open_neuron(window)
    window.frames.toggle(fid)  # expand: the title selects the frame and its members
    _settle()
    window.view.fit_all()
    _settle()
    _click(window, item.mapToScene(QPointF(20, 10)))
    assert window.inspector.frame_panel.frame_id == fid
    doc = window.controller.doc
    window.controller.select_only([doc.by_name("b").id])
    _settle()
    assert window.inspector.frame_panel.isHidden()
    assert window.inspector.node_id == doc.by_name("b").id
    window.controller.select_only([])
    _settle()
    assert window.inspector.placeholder.isVisible()


def test_removing_a_member_while_the_frame_is_shown(window, errors_seen):
    """Found by the monkey: the page re-read the frame in the middle of a node's removal,
    when the frame (and the output) still named the node: the lookup failed and the removal
    was refused."""
    fid, item = _open_neuron(window)
    window.view.fit_all()
    _settle()
    _click(window, item.mapToScene(QPointF(item.boundingRect().width() / 2, 10)))
    panel = window.inspector.frame_panel
    assert panel.frame_id == fid
    doc = window.controller.doc
    window.controller.push("set_output", doc.by_name("y").id)  # a member is the output
    _settle()
    assert window.controller.push("remove_node", [doc.by_name("y").id])
    _settle()
    assert errors_seen == []
    assert "y" not in {n.name for n in doc}
    assert panel.sections["members"].text().splitlines() == ["mul (mul)", "add (add)"]
