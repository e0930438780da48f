"""The Train dock: a run animates the parameters to the minimum, is one undo step, pauses
on the user's edits, stops on divergence with a clear message, and plots its curves."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from app.application import theme

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "01_quadratic.json"


@pytest.fixture
def quad(window):
    assert window.open_example(EXAMPLE)
    window.controller.evaluate_now()
    return window


def _x(window) -> float:
    return float(window.controller.doc.by_name("x").value)


def _configure(panel, name: str = "sgd", lr: float = 0.01, steps: int = 500) -> None:
    panel.set_optimizer(name)
    panel.lr.setValue(lr)
    panel.steps.setValue(steps)


def _run_to_end(qtbot, panel, timeout: int = 15000) -> None:
    panel.toggle_run()
    assert panel.running
    qtbot.waitUntil(lambda: not panel.running, timeout=timeout)


def test_sgd_run_takes_x_to_one_as_one_undo_step(quad, qtbot):
    panel = quad.train_panel
    stack = quad.controller.undo_stack
    depth = stack.count()
    _configure(panel, "sgd", 0.01, 500)
    panel.toggle_run()
    qtbot.waitUntil(lambda: panel.trainer is not None and panel.trainer.step_count > 0,
                    timeout=5000)
    assert panel.running and panel.run_button.text() == "Pause"
    mid = _x(quad)
    assert 0.0 < mid < 1.0  # the document moves while the run animates
    qtbot.waitUntil(lambda: not panel.running, timeout=15000)
    assert panel.trainer.step_count == 500
    assert abs(_x(quad) - 1.0) < 1e-4
    assert stack.count() == depth + 1  # the whole run, not one entry per tick
    assert "step 500 / 500" in panel.status.text()
    assert "step 500" in quad.statusBar().currentMessage()
    # the canvas' numbers follow: the evaluator re-ran on the new value
    quad.controller.evaluate_now()
    out = quad.controller.doc.output
    assert float(quad.controller.result.values[out]) == pytest.approx(0.0, abs=1e-6)
    # plots: loss per step and x per step, converging
    plots = quad.plots
    assert plots.pages.currentIndex() == 1
    loss = plots.loss_series()
    assert len(loss) == 500 and loss[0] == pytest.approx(1.0) and loss[-1] < 1e-8
    xs = plots.param_series("x")
    assert len(xs) == 501 and xs[0] == 0.0 and xs[-1] == pytest.approx(1.0, abs=1e-4)
    assert len(plots.loss_curve.getData()[0]) == 500

    stack.undo()
    assert _x(quad) == 0.0
    stack.redo()
    assert abs(_x(quad) - 1.0) < 1e-4


def test_pause_and_resume_continue_the_same_run(quad, qtbot):
    panel = quad.train_panel
    stack = quad.controller.undo_stack
    depth = stack.count()
    _configure(panel, "momentum", 0.001, 100000)
    panel.toggle_run()
    qtbot.waitUntil(lambda: panel.trainer.step_count >= 20, timeout=5000)
    panel.toggle_run()  # pause
    assert not panel.running and panel.run_button.text() == "Resume"
    steps, x = panel.trainer.step_count, _x(quad)
    assert x == float(panel.trainer.values()[quad.controller.doc.by_name("x").id])
    qtbot.wait(150)
    assert panel.trainer.step_count == steps and _x(quad) == x
    assert "Paused at step" in panel.status.text()
    trainer = panel.trainer
    panel.toggle_run()  # resume: same trainer (momentum buffer kept), same undo step
    qtbot.waitUntil(lambda: panel.trainer.step_count > steps + 10, timeout=5000)
    panel.toggle_run()
    assert panel.trainer is trainer
    assert stack.count() == depth + 1
    stack.undo()
    assert _x(quad) == 0.0


def test_an_edit_during_a_run_pauses_it_and_the_next_run_starts_afresh(quad, qtbot):
    panel = quad.train_panel
    stack = quad.controller.undo_stack
    doc = quad.controller.doc
    _configure(panel, "adam", 0.001, 100000)
    panel.toggle_run()
    qtbot.waitUntil(lambda: panel.trainer.step_count >= 5, timeout=5000)
    assert quad.controller.push("set_value", doc.by_name("c").id, 5.0)
    assert not panel.running
    assert "Paused: the graph was edited" in panel.status.text()
    steps = panel.trainer.step_count
    qtbot.wait(100)
    assert panel.trainer.step_count == steps
    depth = stack.count()
    old = panel.trainer
    panel.toggle_run()
    assert panel.trainer is not old and stack.count() == depth + 1
    panel.toggle_run()
    # undo order stays coherent: new run, the edit, the first run
    stack.undo()
    stack.undo()
    assert float(doc.by_name("c").value) == 1.0
    stack.undo()
    assert _x(quad) == 0.0


def test_undo_during_a_run_pauses_it_and_restores_the_start(quad, qtbot):
    panel = quad.train_panel
    _configure(panel, "sgd", 0.001, 100000)
    panel.toggle_run()
    qtbot.waitUntil(lambda: panel.trainer.step_count >= 5, timeout=5000)
    quad.controller.undo_stack.undo()
    assert not panel.running
    assert _x(quad) == 0.0
    qtbot.wait(100)
    assert _x(quad) == 0.0  # no tick wrote over the undo


def test_a_huge_learning_rate_diverges_with_a_clear_message(quad, qtbot, errors_seen):
    panel = quad.train_panel
    _configure(panel, "sgd", 100.0, 500)
    _run_to_end(qtbot, panel)
    tr = panel.trainer
    assert tr.diverged and tr.step_count < 500
    text = panel.status.text()
    assert text == f"diverged at step {tr.step_count + 1} — try a smaller learning rate"
    assert theme.current().error.name() in panel.status.styleSheet()
    assert "diverged" in quad.statusBar().currentMessage()
    assert math.isfinite(_x(quad))  # the document stays intact
    assert not errors_seen
    quad.controller.undo_stack.undo()
    assert _x(quad) == 0.0


def test_step_once_and_reset(quad, qtbot):
    panel = quad.train_panel
    stack = quad.controller.undo_stack
    _configure(panel, "sgd", 0.01, 500)
    panel.step_once()
    assert _x(quad) == pytest.approx(0.02)  # 0 - 0.01 * dy/dx(0) = 0 - 0.01 * (-2)
    panel.step_once()
    assert _x(quad) == pytest.approx(0.02 - 0.01 * (2 * 0.02 - 2))
    assert "step 2 / 500" in panel.status.text()
    depth = stack.count()
    panel.reset()
    assert _x(quad) == 0.0
    assert stack.count() == depth + 1 and stack.undoText() == "reset training"
    assert panel.trainer is None and quad.plots.loss_series() == []
    stack.undo()
    assert _x(quad) == pytest.approx(0.02 - 0.01 * (2 * 0.02 - 2))


def test_nothing_to_train_says_why(quad):
    panel = quad.train_panel
    doc = quad.controller.doc
    assert quad.controller.push("set_requires_grad", doc.by_name("x").id, False)
    depth = quad.controller.undo_stack.count()
    panel.toggle_run()
    assert not panel.running and panel.trainer is None
    assert "requires grad" in panel.status.text()
    assert quad.controller.undo_stack.count() == depth


def test_vector_parameters_get_one_curve_per_element_and_log_scale_works(window, qtbot):
    from helpers import type_expression

    type_expression(window, "sum((w - t) ** 2)")
    doc = window.controller.doc
    assert window.controller.push("set_value", doc.by_name("w").id, "[0.0, 0.0, 0.0]")
    assert window.controller.push("set_value", doc.by_name("t").id, "[1.0, -2.0, 3.0]")
    assert window.controller.push("set_requires_grad", doc.by_name("t").id, False)
    panel = window.train_panel
    _configure(panel, "adam", 0.1, 150)
    window.plots.log_loss.setChecked(True)
    _run_to_end(qtbot, panel)
    assert window.plots.param_labels() == ["w[0]", "w[1]", "w[2]"]
    np.testing.assert_allclose(doc.by_name("w").value, [1.0, -2.0, 3.0], atol=0.05)
    assert window.plots.param_series("w[1]")[-1] == pytest.approx(-2.0, abs=0.05)
    assert len(window.plots.loss_series()) == 150
    window.plots.log_loss.setChecked(False)


def test_theme_switch_recolours_the_error(quad, qtbot):
    panel = quad.train_panel
    _configure(panel, "sgd", 100.0, 500)
    _run_to_end(qtbot, panel)
    quad.set_theme_choice("dark")
    try:
        assert theme.current().error.name() in panel.status.styleSheet()
    finally:
        quad.set_theme_choice("light")


def test_learning_rate_box_steps_on_a_log_scale(window):
    lr = window.train_panel.lr
    lr.setValue(0.01)
    lr.stepBy(1)
    assert lr.value() == pytest.approx(0.02)
    lr.stepBy(1)
    assert lr.value() == pytest.approx(0.05)
    lr.stepBy(1)
    assert lr.value() == pytest.approx(0.1)
    lr.stepBy(-3)
    assert lr.value() == pytest.approx(0.01)
    lr.setValue(0.03)
    lr.stepBy(-1)
    assert lr.value() == pytest.approx(0.02)
    assert lr.textFromValue(3e-5) == "3e-05"


def test_training_shortcuts_are_listed(window):
    rows = dict(window.shortcut_rows())
    assert rows.get("Train: Run / Pause") == "Ctrl+R"
    assert rows.get("Train: Step Once") == "Ctrl+Shift+R"


# a crash the monkey (test_monkey.py) found, replayed as the user met it
def test_train_reset_after_a_large_parameter_was_deleted(app_window):
    """Train ▸ Step, delete a trained variable of over 64 elements (no value history is
    kept for those), Train ▸ Reset: the trainer looked the deleted node up in the document
    for its start value and raised GraphError."""
    import numpy as np

    w = app_window
    w.build_expression("loss = sum((a * x - b) ** 2)")
    doc = w.controller.doc
    a, b = doc.by_name("a").id, doc.by_name("b").id
    assert w.controller.push("set_value", a, np.linspace(0, 1, 100).tolist())
    panel = w.train_panel
    panel.step_once()
    assert panel.trainer is not None and panel.trainer.step_count == 1
    b_start = panel.trainer.start_values()[b]
    w.controller.select_only([a])
    w.act_delete.trigger()
    panel.reset()
    assert a not in doc and (doc.node(b).value == b_start).all()


# a crash the monkey (test_monkey.py) found, replayed as the user met it
def test_train_reset_puts_back_a_large_parameter(app_window):
    """Parameters over 64 elements keep no value history; Reset read their start value from
    the document — by then the trained value — so it did not reset them."""
    import numpy as np

    w = app_window
    w.build_expression("loss = sum(v * v)")
    doc = w.controller.doc
    v = doc.by_name("v").id
    start = np.linspace(-1.0, 1.0, 100).astype(np.float32)
    assert w.controller.push("set_value", v, start.tolist())
    panel = w.train_panel
    panel.set_optimizer("sgd")
    panel.lr.setValue(0.1)
    for _ in range(3):
        panel.step_once()
    assert not np.allclose(doc.node(v).value, start)
    panel.reset()
    np.testing.assert_array_equal(doc.node(v).value, start)


def test_differentiate_after_a_run_clears_its_done_status(quad, qtbot):
    """A finished run's "Done: step 500 / 500" stayed in the Train dock after Differentiate
    (a new output, new nodes): the run is over for this graph, and the dock said otherwise."""
    panel = quad.train_panel
    _configure(panel, "sgd", 0.1, 50)
    _run_to_end(qtbot, panel)
    assert panel.status.text().startswith("Done: step 50 / 50")
    quad.act_differentiate.trigger()
    quad.controller.evaluate_now()
    doc = quad.controller.doc
    assert "Done" not in panel.status.text()
    assert "changed since" in panel.status.text() and "Run starts a new run" in panel.status.text()
    assert panel.run_button.text() == "Run"
    # what Run would minimise now: the new output, not the finished run's
    assert doc.node(doc.output).name in panel.params_label.text()
    old = panel.trainer
    panel.step_once()
    assert panel.trainer is not old and "step 1 / 50" in panel.status.text()


def test_an_error_status_goes_once_the_graph_is_edited(quad, qtbot):
    """A diverged run's red error stayed red (and claimed the run) after the graph was fixed."""
    panel = quad.train_panel
    _configure(panel, "sgd", 100.0, 500)
    _run_to_end(qtbot, panel)
    assert panel._status_error
    doc = quad.controller.doc
    assert quad.controller.push("set_value", doc.by_name("c").id, 2.0)
    assert not panel._status_error
    assert "changed since" in panel.status.text()
