"""Backward again, Zero Grad, Keep graph, Backward from selected, and the gradient argument
editor, driven through the window."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from app.application.resources import EXAMPLES
from core.autograd.node import FREED_MESSAGE
from core.graph import serialize


def _open(window, stem):
    assert window.open_example(EXAMPLES / f"{stem}.json")
    QApplication.processEvents()
    return window.controller.doc


def _snapshot(window):
    c = window.controller
    r = c.result
    return (serialize.dumps(c.doc), {k: v.copy() for k, v in r.values.items()},
            {k: np.array(v) for k, v in r.grads.items()},
            {k: None if v is None else np.array(v) for k, v in r.wire_grads.items()},
            {k: it.value_text + "|" + it.grad_text for k, it in window.scene.nodes.items()},
            {k: w.grad_text for k, w in window.scene.wires.items()}, c.undo_stack.count())


def _same(a, b):
    assert a[0] == b[0]  # the document
    for da, db in zip(a[1:4], b[1:4]):
        assert da.keys() == db.keys()
        for k in da:
            if da[k] is None or db[k] is None:
                assert da[k] is db[k]
            else:
                np.testing.assert_array_equal(da[k], db[k])
    assert a[4:] == b[4:]


def test_refused_backward_again_changes_nothing(window):
    doc = _open(window, "02_shifted_square")
    before = _snapshot(window)
    window.act_backward_again.trigger()
    QApplication.processEvents()
    _same(before, _snapshot(window))
    msg = window.statusBar().currentMessage()
    assert msg.startswith("Backward again refused") and FREED_MESSAGE in msg
    out = window.scene.nodes[doc.output]
    assert window.controller.refusal == {doc.output: FREED_MESSAGE}
    assert FREED_MESSAGE in out.tooltip_html()
    window.controller.select_only([doc.output])
    assert FREED_MESSAGE in window.inspector.error.text()
    # the next evaluation takes the refusal off the node
    window.controller.run_backward()
    assert window.controller.refusal == {}
    assert FREED_MESSAGE not in out.tooltip_html()


def test_keep_graph_accumulates_and_a_value_edit_with_auto_off_keeps_grad(window):
    doc = _open(window, "10_retain_graph")
    x = doc.by_name("x").id
    window.act_keep_graph.trigger()
    window.act_backward_again.trigger()
    assert float(window.controller.result.grads[x]) == 16
    window.act_auto.setChecked(False)
    window.controller.push("set_value", x, "1.0")
    QApplication.processEvents()
    assert float(window.controller.result.grads[x]) == 16  # .grad persists: a new graph
    assert "new graph" in window.statusBar().currentMessage()
    window.act_backward_again.trigger()
    assert float(window.controller.result.grads[x]) == 16 + 4  # 2 + 2x at x = 1
    window.act_auto.setChecked(True)  # Auto Backward: fresh, zero_grad(); backward()
    assert float(window.controller.result.grads[x]) == 4


def test_auto_backward_after_accumulating_says_it_started_from_zero(window):
    doc = _open(window, "10_retain_graph")
    x = doc.by_name("x").id
    window.act_keep_graph.trigger()
    window.act_backward_again.trigger()
    window.controller.push("set_value", x, "1.0")
    QApplication.processEvents()
    assert float(window.controller.result.grads[x]) == 4
    assert "from zero" in window.statusBar().currentMessage()


def test_gradient_argument_edit_is_undoable_and_saved(window, tmp_path):
    doc = _open(window, "08_jacobian")
    x = doc.by_name("x").id
    window.controller.select_only([doc.output])
    ed = window.inspector.gradient_editor
    assert ed.commit("[0, 1]")
    QApplication.processEvents()
    np.testing.assert_allclose(doc.output_gradient, [0, 1])
    np.testing.assert_allclose(window.controller.result.grads[x], [2, 6])
    assert window.controller.undo_stack.undoText() == "gradient= of out"
    window.act_undo.trigger()
    QApplication.processEvents()
    np.testing.assert_allclose(doc.output_gradient, [1, 0])
    np.testing.assert_allclose(window.controller.result.grads[x], [4, 3])
    assert ed.edit.text() == "[1.0, 0.0]"
    window.act_redo.trigger()
    QApplication.processEvents()
    np.testing.assert_allclose(window.controller.result.grads[x], [2, 6])
    path = tmp_path / "j.json"
    assert window.files._write(path)  # what Save writes
    np.testing.assert_allclose(serialize.load(path).output_gradient, [0, 1])


def test_gradient_argument_of_the_wrong_shape_is_refused(window):
    doc = _open(window, "08_jacobian")
    window.controller.select_only([doc.output])
    ed = window.inspector.gradient_editor
    count = window.controller.undo_stack.count()
    assert not ed.commit("[1, 0, 0]")
    assert window.controller.undo_stack.count() == count
    np.testing.assert_allclose(doc.output_gradient, [1, 0])
    assert "shape (2,)" in ed.error.text() and ed.error.isVisible()
    assert "shape (2,)" in window.statusBar().currentMessage()


def test_scalar_output_shows_gradient_one(window):
    doc = _open(window, "02_shifted_square")
    window.controller.select_only([doc.output])
    ed = window.inspector.gradient_editor
    assert ed.isVisible() and ed.label.text().startswith("gradient = 1")
    assert not ed.edit.isVisible()
    window.controller.select_only([doc.by_name("x").id])
    assert not ed.isVisible()


def test_nonscalar_output_without_gradient_offers_ones(window):
    doc = _open(window, "04_nonscalar_backward")
    window.controller.push("set_output", doc.output)  # no gradient argument
    QApplication.processEvents()
    assert "scalar" in window.statusBar().currentMessage()  # the engine says why
    window.controller.select_only([doc.output])
    ed = window.inspector.gradient_editor
    assert ed.edit.text() == "" and ed.table.isVisible()
    ed.ones.click()
    QApplication.processEvents()
    np.testing.assert_allclose(doc.output_gradient, np.ones((2, 2)))
    np.testing.assert_allclose(window.controller.result.grads[doc.by_name("x").id],
                               [[-2, -2], [0, 2]])


def test_backward_from_selected_stays_for_auto_backward_until_run_backward(window):
    doc = _open(window, "05_two_outputs")
    x1 = doc.by_name("x1").id
    outs = [n.id for n in doc if n.op == "output"]
    window.controller.select_only(outs)
    window.act_backward_selected.trigger()
    assert float(window.controller.result.grads[x1]) == 3
    window.controller.push("set_value", doc.by_name("x2").id, "5.0")
    QApplication.processEvents()
    assert float(window.controller.result.grads[x1]) == 5 + 1  # both outputs again
    window.act_backward.trigger()
    assert float(window.controller.result.grads[x1]) == 5  # from the output only


def test_actions_in_graph_menu_toolbar_and_shortcut_table(window):
    from app.application.main_window import menu_of

    graph = menu_of(window, "Graph").actions()
    for act in (window.act_backward_again, window.act_zero_grad, window.act_keep_graph,
                window.act_backward_selected):
        assert act in graph
    assert window.act_backward_again in window.toolbar.actions()
    rows = dict(window.shortcut_rows())
    assert rows["Backward Again"] == "Ctrl+Shift+B"
    assert rows["Zero Grad"] == "Ctrl+Shift+Backspace"


def test_stepper_after_backward_again_shows_previous_plus_arrived(window):
    doc = _open(window, "10_retain_graph")
    x = doc.by_name("x").id
    window.act_keep_graph.trigger()
    window.act_backward_again.trigger()
    window.stepper.act_mode.trigger()
    assert window.stepper.active
    window.stepper.act_last.trigger()
    assert window.stepper.current_step().node == x
    panel = window.step_panel
    assert panel.accumulated_text == "8 + 8 = 16"
    assert "previous + arrived" in panel.text()
    window.act_backward_again.trigger()  # while stepping: the same replay, one more pass
    assert window.stepper.active and panel.accumulated_text == "16 + 8 = 24"


def test_stepper_replays_the_combined_pass_of_several_outputs(window):
    doc = _open(window, "05_two_outputs")
    outs = [n.id for n in doc if n.op == "output"]
    window.controller.select_only(outs)
    window.act_backward_selected.trigger()
    st = window.stepper
    st.act_mode.trigger()
    assert st.active
    steps = st.result.steps
    assert [s.kind for s in steps[:2]] == ["seed", "seed"]
    assert {s.node for s in steps[:2]} == set(outs)
    x1 = doc.by_name("x1").id
    leaf = next(s for s in steps if s.node == x1)
    st.go(leaf.index)
    assert window.step_panel.grad_text == "3"
    st.go(0)
    text = window.step_panel.text()
    assert "∂(out + out1)" in text or "∂(out1 + out)" in text  # in selection order
    # every wire shows the total it carries for the combined pass
    x1_wires = [w for k, w in window.scene.wires.items() if k.src == x1]
    assert sorted(w.grad_text for w in x1_wires) == ["1", "2"]


def test_run_backward_after_accumulating_says_it_started_from_zero(window):
    doc = _open(window, "10_retain_graph")
    window.act_keep_graph.trigger()
    window.act_backward_again.trigger()
    window.act_backward.trigger()
    assert float(window.controller.result.grads[doc.by_name("x").id]) == 8
    assert "from zero" in window.statusBar().currentMessage()


def test_choosing_another_output_ends_backward_from_selected(window):
    doc = _open(window, "05_two_outputs")
    x1 = doc.by_name("x1").id
    out, out1 = (n.id for n in doc if n.op == "output")
    window.controller.select_only([out, out1])
    window.act_backward_selected.trigger()
    assert float(window.controller.result.grads[x1]) == 3
    items = window.scene.nodes
    assert items[out]._is_output and items[out1]._is_output  # both outlined as roots
    window.controller.select_only([doc.by_name("y2").id])
    window.act_set_output.trigger()
    QApplication.processEvents()
    assert window.controller.backward_outputs is None
    assert not items[out]._is_output and not items[out1]._is_output
    assert float(window.controller.result.grads[x1]) == 1  # ∂y2/∂x1


def test_an_empty_output_gets_an_empty_gradient_of_its_shape(window):
    """An output of shape (0, 3): Ones committed `[]` (shape (0,)) and was refused, and its
    gradient showed as `[]`, which reads back as (0,)."""
    window.build_expression("y = w * 2")
    doc = window.controller.doc
    assert window.controller.push("set_value", doc.by_name("w").id,
                                  np.zeros((0, 3), np.float32))
    QApplication.processEvents()
    window.controller.select_only([doc.output])
    ed = window.inspector.gradient_editor
    assert not ed.table.isVisible()  # no grid of zero rows
    ed.ones.click()
    QApplication.processEvents()
    assert doc.output_gradient is not None and doc.output_gradient.shape == (0, 3)
    ed.show_for(doc.output)
    assert ed.edit.text() == "empty (0, 3)"
    window.act_undo.trigger()
    QApplication.processEvents()
    ed.edit.setText("empty (0, 3)")
    ed._commit_text()
    assert doc.output_gradient.shape == (0, 3)
