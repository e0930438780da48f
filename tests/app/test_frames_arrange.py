"""Arrange (the app's layout) keeps frames whole: no outside node inside a frame's outline."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.canvas.items import frame_item
from core.graph.frame_layout import FRAME_MARGIN, FRAME_TITLE


def _settle() -> None:
    for _ in range(3):
        QCoreApplication.processEvents()


def _intruders(window) -> list[tuple[str, str]]:
    doc = window.controller.doc
    bad = []
    for fid, item in window.frames.items.items():
        rect = item.sceneBoundingRect()
        for n in doc:
            if n.id in doc.frame(fid).members:
                continue
            if window.scene.nodes[n.id].sceneBoundingRect().intersects(rect):
                bad.append((doc.frame(fid).title, n.name))
    return bad


def test_core_draws_frames_with_the_canvas_outline():
    assert (FRAME_MARGIN, FRAME_TITLE) == (frame_item.MARGIN, frame_item.TITLE_H)


def test_opened_neuron_expanded_and_arranged_has_b_outside(window):
    from app.application.resources import EXAMPLES

    assert window.open_example(EXAMPLES / "11_neuron.json")
    _settle()
    (fid,) = window.controller.doc.frames
    window.frames.toggle(fid)  # expand
    _settle()
    assert not window.controller.doc.frame(fid).collapsed
    assert _intruders(window) == []
    window.auto_layout()
    _settle()
    assert _intruders(window) == []
    window.grab().save("/tmp/r2-frames-arranged.png")


def test_arrange_moves_an_outside_node_out_of_a_frame(window):
    window.build_expression("y = tanh(w*x + b)")
    _settle()
    doc = window.controller.doc
    ids = {n.name: n.id for n in doc}
    # w and b in one frame: x, laid out between them, ends up inside its outline
    window.controller.push("group", [ids["w"], ids["b"]], title="inputs")
    _settle()
    window.auto_layout()
    _settle()
    assert _intruders(window) == []
