"""The backward stepper replays core's trace: every number it shows is the BackwardResult's.

The reference numbers here come from a separate `Evaluator` on the lesson file (core alone), so
a stepper that showed the wrong step, the wrong wire or its own arithmetic would fail.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from app.application import formatting
from app.application.resources import EXAMPLES
from app.stepping.step_panel import number_text
from app.stepping.stepper import (
    CURRENT,
    DONE,
    GATHERED,
    OFF,
    PENDING,
    READY,
    SENT,
    WAITING,
    local_formula,
    picture,
)
from core.graph import Wire, serialize
from core.graph.catalog import spec
from core.graph.evaluate import Evaluator

LESSONS = [p for p in sorted(EXAMPLES.glob("*.json")) if serialize.load(p).output is not None]


def lesson(name: str) -> Path:
    matches = [p for p in LESSONS if name in p.stem]
    if not matches:
        pytest.skip(f"lesson {name} not shipped")
    return matches[0]


def reference(path: Path):
    """The lesson's backward pass computed by core alone."""
    doc = serialize.load(path)
    ev = Evaluator(doc)
    ev.forward()
    return doc, ev.backward()


def start(window, path: Path):
    assert window.open_example(path)
    for f in list(window.controller.doc.frames.values()):
        if f.collapsed:  # walk node by node; tests/app/test_frames.py walks collapsed frames
            window.controller.push("set_frame", f.id, collapsed=False)
    st = window.stepper
    window.stepper.act_mode.trigger()
    assert st.active
    return st


def check_step(window, bw, i: int) -> None:
    """Canvas and panel at step i agree with core's replay step i."""
    st = window.stepper
    ref = bw.steps[i]
    assert st.index == i
    step = st.current_step()
    assert (step.kind, step.node, step.engine_name) == (ref.kind, ref.node, ref.engine_name)
    check_panel(window, bw, i)
    assert window.scene.nodes[ref.node].step_state == CURRENT
    check_wires(window, bw, i)
    check_nodes(window, bw, i)


def check_panel(window, bw, i: int) -> None:
    """The step panel explains core's replay step i, its numbers as core computed them."""
    ref = bw.steps[i]
    panel = window.step_panel
    ex = panel.explanation
    name = window.controller.doc.node(ref.node).name
    assert ex.title == f"Step {i + 1} of {len(bw.steps)} — {name} ({ref.engine_name})"
    assert panel.text().startswith(f"Step {i + 1} of {len(bw.steps)}")
    assert panel.grad_text == number_text(ref.grad)
    assert panel.grad_text in panel.text()
    assert [s.wire for s in ex.sends] == [w for w, _g in ref.sends]
    assert panel.sent_texts == [number_text(g) for _w, g in ref.sends]
    for text in panel.sent_texts:
        assert text in panel.text()
    for send, (_w, g) in zip(ex.sends, ref.sends):
        np.testing.assert_array_equal(send.sent, g)
        np.testing.assert_array_equal(send.upstream, ref.grad)


def check_wires(window, bw, i: int) -> None:
    """Wires sending now are SENT with their gradient label, earlier ones done, the rest
    dimmed and unlabelled."""
    ref = bw.steps[i]
    scene = window.scene
    sent_now = {w for w, g in ref.sends if g is not None}
    sent_before = {w for s in bw.steps[:i] for w, g in s.sends if g is not None}
    for key, wire in scene.wires.items():
        if key in sent_now:
            assert wire.step_state == SENT, key
            assert wire.grad_text == formatting.grad_label(bw.wire_grads[key])
            assert wire.label.isVisible()
        elif key in sent_before:
            assert wire.step_state in (DONE, GATHERED), key
            assert wire.label.isVisible()
        else:
            assert wire.step_state in (PENDING, OFF), key
            assert not wire.label.isVisible()
            assert wire.opacity() < 0.5


def check_nodes(window, bw, i: int) -> None:
    """Nodes before step i are done with their total gradient, unreached ones off and
    dimmed, later ones waiting (or ready, showing the total once all of it arrived)."""
    scene = window.scene
    reached = {s.node: s.index for s in bw.steps}
    for node_id, item in scene.nodes.items():
        at = reached.get(node_id)
        if at is not None and at < i:
            assert item.step_state == DONE
            g = bw.node_grads.get(node_id)
            if g is not None:
                assert item.shown_grad_text == "∇ " + formatting.grad_label(g)
        elif at is None:
            assert item.step_state == OFF
            assert item.opacity() < 0.5
        elif at > i:
            total = "∇ " + formatting.grad_label(bw.node_grads[node_id])
            if item.step_state == READY:  # every gradient it sums has arrived: its total
                assert item.shown_grad_text == total or item.grad_text == ""
            else:
                assert item.step_state in (PENDING, WAITING)
                assert total != item.shown_grad_text or item.grad_text == ""


@pytest.mark.skipif(not LESSONS, reason="no example lessons")
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_walk_every_lesson_forward_and_back(window, path):
    doc, bw = reference(path)
    assert bw.error is None
    st = start(window, path)
    assert st.count == len(bw.steps)
    # one "node" step per node that sends gradients or passes one on
    nodes = [s.node for s in bw.steps if s.kind == "node"]
    assert len(nodes) == len(set(nodes))
    check_step(window, bw, 0)
    for i in range(1, len(bw.steps)):
        window.stepper.act_next.trigger()
        check_step(window, bw, i)
    assert not window.stepper.act_next.isEnabled()
    window.stepper.act_next.trigger()  # past the end: stays on the last step
    check_step(window, bw, len(bw.steps) - 1)
    for i in range(len(bw.steps) - 2, -1, -1):
        window.stepper.act_prev.trigger()
        check_step(window, bw, i)
    assert not window.stepper.act_prev.isEnabled()


def test_quadratic_leaf_shows_accumulation(window):
    path = lesson("quadratic")
    doc, bw = reference(path)
    st = start(window, path)
    st.last()
    ex = window.step_panel.explanation
    assert ex.kind == "leaf" and ex.name == "x"
    # x feeds mul1 and pow1: two gradients arrive and sum to x.grad (the engine's total)
    assert len(ex.terms) == 2
    grads = [t.grad for t in ex.terms]
    assert {t.from_name for t in ex.terms} == {"mul1", "pow1"}
    np.testing.assert_allclose(grads[0] + grads[1], bw.leaf_grads[ex.node])
    text = window.step_panel.text()
    assert "x.grad" in text and " + ".join(number_text(g) for g in grads) in text
    assert window.scene.nodes[ex.node].shown_grad_text == "∇ " + formatting.grad_label(
        bw.leaf_grads[ex.node])
    # before its step, x shows how many of its two gradients have arrived, not a total
    x_id = ex.node
    first = min(s.index for s in bw.steps for w, _g in s.sends if w.src == x_id)
    st.go(first)
    assert window.scene.nodes[x_id].step_state == WAITING
    assert window.scene.nodes[x_id].shown_grad_text == "∇ 1 of 2"
    st.go(first - 1)
    assert window.scene.nodes[x_id].step_state == PENDING
    assert window.scene.nodes[x_id].shown_grad_text == "∇ ?"


def test_chain_rule_rows_use_the_catalogs_local_derivative(window):
    path = lesson("quadratic")
    doc, bw = reference(path)
    st = start(window, path)
    mul1 = next(s for s in bw.steps if s.kind == "node" and doc.node(s.node).name == "mul1")
    st.go(mul1.index)
    ex = window.step_panel.explanation
    assert ex.formula == spec("mul").derivative_text
    (send,) = ex.sends
    assert send.local == local_formula(spec("mul"), send.port)
    assert send.local in window.step_panel.text()
    assert send.local == ("∂(a·b)/∂a = b" if send.port == "a" else "∂(a·b)/∂b = a")
    assert "upstream" in window.step_panel.text()
    assert formatting.fmt_number(-2.0) in window.step_panel.text()


def test_seed_step_shows_the_gradient_argument(window):
    path = lesson("nonscalar")
    doc, bw = reference(path)
    start(window, path)
    ex = window.step_panel.explanation
    assert ex.kind == "seed"
    np.testing.assert_array_equal(ex.grad, bw.gradient)
    assert "Gradient argument" in window.step_panel.text()
    assert number_text(bw.gradient) in window.step_panel.text()


def test_mode_is_visible_and_leaves_cleanly(window):
    path = lesson("quadratic")
    st = start(window, path)
    assert window.step_bar.isVisible() and window.step_dock.isVisible()
    assert "Stepping through backward" in window.step_bar.title.text()
    assert "Esc" in window.step_bar.hint.text()
    assert window.statusBar().currentMessage().startswith("Backward step 1 of")
    st.act_stop.trigger()
    assert not st.active
    assert not window.step_bar.isVisible() and not window.step_dock.isVisible()
    assert not st.act_mode.isChecked() and not st.act_next.isEnabled()
    assert all(item.step_state is None and item.opacity() == 1.0
               for item in window.scene.nodes.values())
    assert all(w.step_state is None for w in window.scene.wires.values())
    # the normal picture is back: every gradient label shows again
    assert all(w.label.isVisible() for w in window.scene.wires.values() if w.grad_text)


def test_an_edit_stops_stepping_and_undo_still_works(window):
    path = lesson("quadratic")
    st = start(window, path)
    st.go(3)
    doc = window.controller.doc
    x = next(n for n in doc if n.name == "x")
    before = np.array(x.value)
    assert window.controller.push("set_value", x.id, "3.0")
    assert not st.active
    assert "graph changed" in window.statusBar().currentMessage()
    assert all(item.step_state is None for item in window.scene.nodes.values())
    window.controller.undo_stack.undo()
    np.testing.assert_array_equal(doc.node(x.id).value, before)
    window.controller.evaluate_now()
    # stepping again replays the restored graph
    assert st.start() and st.count == len(reference(path)[1].steps)


def test_moving_a_node_keeps_stepping(window):
    path = lesson("quadratic")
    st = start(window, path)
    st.go(2)
    node_id = next(iter(window.scene.nodes))
    item = window.scene.nodes[node_id]
    window.controller.request_move({node_id: (item.pos(), item.pos() + QPointF(30, 0))})
    window.controller.evaluate_now()
    assert st.active and st.index == 2
    # Run backward again (Ctrl+B) with nothing changed: the same replay, stepping continues
    window.act_backward.trigger()
    assert st.active and st.index == 2


def test_no_output_or_failed_backward_is_a_status_message(window):
    window.files.new()
    assert not window.stepper.start()
    assert "Choose an output" in window.statusBar().currentMessage()
    assert not window.stepper.act_mode.isChecked()
    window.build_expression("2 * 3")  # constants only: nothing requires grad
    assert window.controller.doc.output is not None
    assert not window.stepper.start()
    assert "Cannot step through backward" in window.statusBar().currentMessage()
    assert not window.step_bar.isVisible()


def test_backward_runs_first_when_auto_backward_is_off(window):
    window.act_auto.setChecked(False)
    path = lesson("quadratic")
    assert window.open_example(path)
    assert not window.controller.result.backward_ran
    assert window.stepper.start()
    assert window.stepper.count == len(reference(path)[1].steps)


def test_keyboard_shortcuts(window, qtbot):
    path = lesson("quadratic")
    assert window.open_example(path)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    window.view.setFocus()
    st = window.stepper
    n = len(reference(path)[1].steps)

    def key(k, mod=Qt.KeyboardModifier.NoModifier):
        QTest.keyClick(window.view, k, mod)

    key(Qt.Key.Key_F9)
    assert st.active and st.index == 0
    key(Qt.Key.Key_F10)
    assert st.index == 1
    key(Qt.Key.Key_Right)
    assert st.index == 2
    key(Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert st.index == 1
    key(Qt.Key.Key_Left)
    assert st.index == 0
    key(Qt.Key.Key_End)
    assert st.index == n - 1
    key(Qt.Key.Key_Home)
    assert st.index == 0
    key(Qt.Key.Key_Space)
    assert st.playing
    key(Qt.Key.Key_Space)
    assert not st.playing
    key(Qt.Key.Key_Escape)
    assert not st.active
    key(Qt.Key.Key_F9)
    assert st.active
    key(Qt.Key.Key_F9)
    assert not st.active


def test_play_advances_to_the_end_and_stops(window, qtbot):
    path = lesson("quadratic")
    st = start(window, path)
    window.step_bar.speed.setCurrentText("Fast")
    assert st.speed == "Fast"
    st.act_play.trigger()
    assert st.playing and st.act_play.isChecked()
    qtbot.waitUntil(lambda: st.index == st.count - 1, timeout=st.count * 900 + 2000)
    qtbot.waitUntil(lambda: not st.playing, timeout=2000)
    assert not st.act_play.isChecked()


def test_scrubber_moves_to_a_step(window):
    path = lesson("quadratic")
    st = start(window, path)
    window.step_bar.slider.setValue(3)
    assert st.index == 3
    assert window.step_bar.position.text() == f"Step 4 / {st.count}"


def test_shortcuts_dialog_lists_the_stepper(window):
    rows = dict(window.shortcut_rows())
    assert rows["Step Through Backward"] == "F9"
    assert rows["Next Step"].startswith("F10")
    assert rows["Previous Step"].startswith("Shift+F10")
    assert rows["Play / Pause"] == "Space"
    assert rows["Stop Stepping"] == "Esc"


def test_theme_switch_while_stepping(window):
    path = lesson("mean_matmul")
    st = start(window, path)
    st.go(3)
    text = window.step_panel.text()
    window.set_theme_choice("dark")
    try:
        assert st.active and window.step_panel.text() == text
    finally:
        window.set_theme_choice("light")


def test_picture_is_pure_replay_state():
    """The state function alone, on core's steps for the quadratic lesson."""
    doc, bw = reference(lesson("quadratic"))
    wires = doc.wires
    last = picture(bw.steps, doc.nodes, wires, len(bw.steps) - 1)
    in_pass = {s.node for s in bw.steps}
    assert {n for n, s in last.nodes.items() if s != OFF} == in_pass
    assert all(s in (DONE, GATHERED, OFF) for s in last.wires.values())
    first = picture(bw.steps, doc.nodes, wires, 0)
    assert first.nodes[bw.output] == CURRENT
    assert sum(s == SENT for s in first.wires.values()) == len(bw.steps[0].sends)
    assert isinstance(next(iter(first.wires)), Wire)


def test_a_node_with_all_its_gradients_is_ready_and_shows_its_total(window):
    """mul1 in the quadratic lesson has one consumer: once that gradient has arrived (before
    mul1's own step) it shows its total, not a "1 of 1" count that reads like a fraction."""
    path = lesson("quadratic")
    doc, bw = reference(path)
    st = start(window, path)
    mul1 = next(s for s in bw.steps if s.kind == "node" and doc.node(s.node).name == "mul1")
    arrived = min(s.index for s in bw.steps for w, g in s.sends
                  if w.src == mul1.node and g is not None)
    assert arrived < mul1.index
    st.go(arrived)
    item = window.scene.nodes[mul1.node]
    assert item.step_state == READY
    assert item.shown_grad_text == "∇ " + formatting.grad_label(bw.node_grads[mul1.node])
    assert item.opacity() == 1.0


def test_step_notes_fit_their_node_without_eliding(window):
    """Every note a node shows while stepping fits the width the node laid out."""
    from PySide6.QtGui import QFontMetricsF

    for path in LESSONS:
        st = start(window, path)
        for i in range(st.count):
            st.go(i)
            for item in window.scene.nodes.values():
                text = item.shown_grad_text
                if not text:
                    continue
                fm = QFontMetricsF(item._value_font)
                room = item._width - 2 * 10 - (item._label_w + 10 if item._label_w else 0) - 4
                assert fm.horizontalAdvance(text) <= room + 0.5, (path.stem, i, text)
        st.stop()


def test_space_drag_pans_while_stepping_and_a_tap_still_plays(window, qtbot):
    """Space is Play's shortcut, yet on the canvas Space-drag must pan as in every mode; only
    a Space tap without a drag toggles Play."""
    path = lesson("quadratic")
    assert window.open_example(path)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    view = window.view
    view.setFocus()
    st = window.stepper
    QTest.keyClick(view, Qt.Key.Key_F9)
    assert st.active
    vp = view.viewport()
    before = view.mapToScene(vp.rect().center())
    QTest.keyPress(view, Qt.Key.Key_Space)
    start_pt = vp.rect().center()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start_pt)
    for dx in (20, 40, 60, 80):
        QTest.mouseMove(vp, start_pt + QPoint(dx, 0))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start_pt + QPoint(80, 0))
    QTest.keyRelease(view, Qt.Key.Key_Space)
    after = view.mapToScene(vp.rect().center())
    assert after.x() < before.x() - 40  # dragging right moves the view's centre left
    assert not st.playing  # the Space that panned was no tap
    QTest.keyClick(view, Qt.Key.Key_Space)
    assert st.playing
    QTest.keyClick(view, Qt.Key.Key_Space)
    assert not st.playing
