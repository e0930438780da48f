"""The plots' state has one owner. The Plots dock keeps the series; whether an evaluation is
an edit or a training tick is the Train dock's to say (`running`), asked when it matters,
not a `training_live` flag that the Train dock had to set on the plots from six places."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "01_quadratic.json"


def test_the_plots_carry_no_flag_set_from_outside(window):
    assert not hasattr(window.plots, "training_live")


def test_training_ticks_are_not_edits_but_an_edit_after_the_run_is(window, qtbot):
    assert window.open_example(EXAMPLE)
    c = window.controller
    c.evaluate_now()
    name = c.doc.node(c.doc.output).name
    before = window.plots.series(name)
    panel = window.train_panel
    panel.set_optimizer("sgd")
    panel.lr.setValue(0.01)
    panel.steps.setValue(60)
    panel.toggle_run()
    qtbot.waitUntil(lambda: not panel.running, timeout=15000)
    c.evaluate_now()
    after_run = window.plots.series(name)
    # the run's 60 ticks left the edits series alone (the last evaluation, once the run
    # stopped, may add the run's end point: one point, not one per tick)
    assert len(after_run) <= len(before) + 1
    window.plots.record_edit(name, 123.0)
    window.plots.record_edit(name, 123.0)  # the same value again adds nothing
    assert window.plots.series(name)[-1] == 123.0
    assert len(window.plots.series(name)) == len(after_run) + 1
