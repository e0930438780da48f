"""Every lesson's banner is an instruction a test carries out.

Each test opens the lesson from the Examples menu, does exactly what its banner tells a
person — through the window's actions, the canvas selection and the inspector's fields,
never by calling core — and reads the promised numbers where the person reads them (the
inspector's .grad readout, the nodes' and wires' labels, the status bar). A banner that
asks for something the app cannot do fails here.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.application.resources import EXAMPLES
from core.autograd.node import FREED_MESSAGE

NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[-+]?\d+)?")


def open_lesson(window, stem: str) -> str:
    """Open a lesson as a person does (Examples menu), return its banner text."""
    import json

    title = json.loads((EXAMPLES / f"{stem}.json").read_text())["meta"]["title"]
    act = next(a for a in window.examples_menu.actions() if a.text() == title)
    act.trigger()
    assert window.banner.isVisible() and window.banner.title.text() == title
    return window.banner.text.text()


def settle() -> None:
    """Let the window finish what an action scheduled (the re-evaluation after an edit)."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()


def node(window, name: str) -> str:
    n = window.controller.doc.by_name(name)
    assert n is not None, name
    return n.id


def click(window, *names: str) -> None:
    """Select nodes as a click (Ctrl+click for more) does."""
    window.controller.select_only([node(window, n) for n in names])


def grad_shown(window, name: str) -> np.ndarray:
    """The .grad the inspector shows for the node (numbers parsed from its readout)."""
    settle()
    click(window, name)
    text = window.inspector.grad_view.toPlainText()
    assert text != "None", f"{name}.grad is None"
    body = text.split("grad_fn")[0].split("requires_grad")[0]
    return np.array([float(v) for v in NUMBER.findall(body.replace("tensor(", ""))])


def value_shown(window, name: str) -> str:
    settle()
    return window.scene.nodes[node(window, name)].value_text


def test_01_quadratic(window):
    text = open_lesson(window, "01_quadratic")
    assert "−2" in text and "Ctrl+Shift+D" in text
    np.testing.assert_allclose(grad_shown(window, "x"), [-2])
    window.controller.select_only([])
    window.act_differentiate.trigger()  # Graph ▸ Differentiate: dy/dx is now the output
    settle()
    doc = window.controller.doc
    assert float(window.scene.nodes[doc.output].value_text) == -2
    np.testing.assert_allclose(grad_shown(window, "x"), [2])  # backward from it: 2
    window.controller.select_only([])
    window.act_differentiate.trigger()  # "or differentiating again"
    settle()
    assert float(window.scene.nodes[window.controller.doc.output].value_text) == 2


def test_02_shifted_square(window):
    open_lesson(window, "02_shifted_square")
    assert value_shown(window, "out") == "19"
    np.testing.assert_allclose(grad_shown(window, "x"), [8])
    pow_id, add_id = node(window, "pow1"), node(window, "add")
    labels = [w.grad_text for k, w in window.scene.wires.items()
              if k.src == add_id and k.dst == pow_id]
    assert labels == ["8"]  # pow sends 2·(x + 2)·1 = 8 back to add


def test_03_dot_product(window):
    open_lesson(window, "03_dot_product")
    assert value_shown(window, "out") == "28"
    np.testing.assert_allclose(grad_shown(window, "x"), [0, 4, 8, 12])


def test_04_nonscalar_gradient_argument(window):
    text = open_lesson(window, "04_nonscalar_backward")
    assert "gradient = all ones" in text
    click(window, "out")
    ed = window.inspector.gradient_editor
    assert ed.isVisible() and ed.edit.text() == "[[1.0, 1.0], [1.0, 1.0]]"
    np.testing.assert_allclose(grad_shown(window, "x"), [-2, -2, 0, 2])


def test_05_two_outputs(window):
    text = open_lesson(window, "05_two_outputs")
    assert "Ctrl+Alt+B" in text
    np.testing.assert_allclose(grad_shown(window, "x1"), [2])
    np.testing.assert_allclose(grad_shown(window, "x2"), [1])
    click(window, "out", "out1")  # both output nodes
    window.act_backward_selected.trigger()
    np.testing.assert_allclose(grad_shown(window, "x1"), [3])
    np.testing.assert_allclose(grad_shown(window, "x2"), [2])
    assert "summed" in window.statusBar().currentMessage()


def test_06_mean_matmul(window):
    open_lesson(window, "06_mean_matmul")
    assert window.scene.nodes[node(window, "y")].grad_text == "∇ 10×5: all 0.02"
    doc = window.controller.doc
    w = doc.by_name("w").value
    x = doc.by_name("x").value
    click(window, "x")
    grads = window.controller.result.grads
    np.testing.assert_allclose(grads[node(window, "x")],
                               np.tile(-w.sum(axis=1) / 50, (10, 1)), rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(grads[node(window, "w")],
                               np.tile(-x.sum(axis=0)[:, None] / 50, (1, 5)),
                               rtol=1e-4, atol=1e-7)


def test_07_power_vector(window):
    open_lesson(window, "07_power_vector")
    click(window, "out")
    assert window.inspector.gradient_editor.edit.text() == "[[1.0, 1.0]]"
    np.testing.assert_allclose(grad_shown(window, "m"), [4, 27])


def test_08_jacobian_rows_from_the_gradient_argument(window, qtbot):
    text = open_lesson(window, "08_jacobian")
    assert "(0, 1)" in text
    click(window, "out")
    ed = window.inspector.gradient_editor
    assert ed.edit.text() == "[1.0, 0.0]"
    np.testing.assert_allclose(grad_shown(window, "x"), [4, 3])  # the first row
    click(window, "out")
    ed.edit.setFocus()
    ed.edit.selectAll()
    QTest.keyClicks(ed.edit, "(0, 1)")
    QTest.keyClick(ed.edit, Qt.Key.Key_Return)
    np.testing.assert_allclose(grad_shown(window, "x"), [2, 6])  # the second row
    assert "Graph ▸ Jacobian of the Output" in text
    window.controller.select_only([])
    window.act_jacobian.trigger()  # "shows the whole matrix at once"
    t = window.matrix_dialog.table
    assert [[t.item(i, j).text() for j in range(2)] for i in range(2)] == [["4", "3"], ["2", "6"]]


def test_09_detach(window):
    open_lesson(window, "09_detach")
    np.testing.assert_allclose(grad_shown(window, "x"), [0, 1, 4, 9])


def test_10_backward_twice(window):
    text = open_lesson(window, "10_retain_graph")
    assert "Ctrl+Shift+B" in text and "Ctrl+Shift+K" in text
    assert value_shown(window, "out") == "18"
    np.testing.assert_allclose(grad_shown(window, "x"), [8])
    assert not window.act_keep_graph.isChecked()  # "Keep Graph off (PyTorch's default)"
    QTest.keySequence(window, "Ctrl+Shift+B")  # Backward Again: refused
    assert FREED_MESSAGE in window.statusBar().currentMessage()
    np.testing.assert_allclose(grad_shown(window, "x"), [8])
    window.act_keep_graph.trigger()  # tick Keep Graph
    assert window.act_keep_graph.isChecked()
    window.act_backward_again.trigger()
    np.testing.assert_allclose(grad_shown(window, "x"), [16])
    assert "8 + 8 = 16" in window.inspector.grad_history.text()
    window.act_backward_again.trigger()
    np.testing.assert_allclose(grad_shown(window, "x"), [24])
    window.act_zero_grad.trigger()
    np.testing.assert_allclose(grad_shown(window, "x"), [0])


@pytest.mark.parametrize("stem", sorted(p.stem for p in EXAMPLES.glob("*.json")))
def test_every_lesson_has_a_promise_test(stem):
    assert f"test_{stem[:2]}_" in open(__file__, encoding="utf-8").read()


def test_11_neuron_collapsed(window):
    """"y = tanh(0.5) = 0.4621 … Step through backward (F9): the neuron is one step whose
    explanation lists the three steps inside it; then w.grad = 1.573 and b.grad = 0.7864.
    Click ▸ in its title to expand it and step through tanh, add and mul one by one.\""""
    text = open_lesson(window, "11_neuron")
    assert "0.4621" in text and "F9" in text
    settle()
    (item,) = window.frames.items.values()
    assert item.collapsed and "0.4621" in " ".join(e.value for e in item.exits)
    st = window.stepper
    QTest.keyClick(window.view, Qt.Key.Key_F9)
    settle()
    assert st.active
    while st.current_step().kind != "frame":
        st.act_next.trigger()
    ex = st.explanation()
    assert len(ex.inner) == 3 and "Steps inside this frame" in window.step_panel.text()
    st.act_stop.trigger()
    np.testing.assert_allclose(grad_shown(window, "w"), [1.573], atol=5e-4)
    np.testing.assert_allclose(grad_shown(window, "b"), [0.7864], atol=5e-5)
    window.frames.toggle(next(iter(window.frames.items)))  # ▸ in the title
    settle()
    assert not item.collapsed
    st.act_mode.trigger()
    ops = []
    for _ in range(st.count):
        step = st.current_step()
        if step.kind != "leaf" and step.node is not None:
            ops.append(window.controller.doc.node(step.node).op)
        st.act_next.trigger()
    assert {"tanh", "add", "mul"} <= set(ops)


# ---- the built-in landscapes (20-25): each banner's claim, raced with the lesson's own
# settings by pressing Race on the Landscape page the lesson opens on
def race_lesson(window, qtbot, stem: str) -> dict:
    """Open the landscape lesson, press Race as it comes (its runners, lrs and steps), wait
    for the race; return label -> trajectory."""
    text = open_lesson(window, stem)
    page = window.landscape
    assert window.plots.pages.currentWidget() is page
    assert page.note.text()  # the one line on what to watch
    QTest.mouseClick(page.panel.race_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy and page.result is not None, timeout=60000)
    page.panel.player.pause()
    window.banner_text = text
    return page.result.race.trajectories


def end(tr, i: int | None = None):
    return tr.params[-1] if i is None else tr.params[-1, i]


def test_20_descent_quadratic(window, qtbot):
    trs = race_lesson(window, qtbot, "20_descent_quadratic")
    assert "0.99996" in window.banner_text
    assert end(trs["sgd"], 0) == pytest.approx(0.99996, abs=1e-5)  # "after 500 steps"
    x = trs["momentum"].params[:, 0]
    assert x.max() > 1.0  # "momentum overshoots and swings back"


def test_21_ravine(window, qtbot):
    trs = race_lesson(window, qtbot, "21_ravine")
    assert "−0.08" in window.banner_text
    assert end(trs["sgd"], 0) == pytest.approx(-0.08, abs=0.005)  # "x is still −0.08"
    assert trs["momentum"].loss[-1] < trs["sgd"].loss[-1] / 10  # "ends ten times lower"


def test_22_saddle(window, qtbot):
    trs = race_lesson(window, qtbot, "22_saddle")
    sgd, adam = trs["sgd"].params[:, 1], trs["adam"].params[:, 1]
    # "SGD's y grows only by 1 + 2·lr per step": it lingers; Adam leaves much sooner
    assert sgd[10] == pytest.approx(0.001 * 1.1 ** 10, rel=1e-3)
    assert abs(adam[10]) > 10 * abs(sgd[10])
    assert np.all(np.diff(trs["sgd"].loss) <= 1e-9)  # "every loss curve falls"


def test_23_rosenbrock(window, qtbot):
    trs = race_lesson(window, qtbot, "23_rosenbrock")
    assert np.allclose(end(trs["adam"]), [1, 1], atol=0.05)  # "Adam reaches (1, 1)"
    assert np.linalg.norm(end(trs["sgd"]) - [1, 1]) > 0.5  # "barely moves along the floor"


def test_24_beale(window, qtbot):
    trs = race_lesson(window, qtbot, "24_beale")
    for adaptive in ("adam", "rmsprop", "adagrad"):
        assert np.allclose(end(trs[adaptive]), [3, 0.5], atol=0.1), adaptive
    assert np.linalg.norm(end(trs["sgd"]) - [3, 0.5]) > 0.1  # "still on its way"


def test_25_himmelblau(window, qtbot):
    trs = race_lesson(window, qtbot, "25_himmelblau")
    for label in ("sgd", "momentum"):
        assert np.allclose(end(trs[label]), [-3.78, -3.28], atol=0.01), label
    for label in ("adam", "rmsprop"):
        assert np.allclose(end(trs[label]), [-2.81, 3.13], atol=0.05), label
