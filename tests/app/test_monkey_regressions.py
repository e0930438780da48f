"""Crashes the monkey test (test_monkey.py) found, each replayed as the user would meet it.

Exceptions escaping a Qt slot go to the app's excepthook as in the real app, so a crash shows
up in `errors_seen` (the "unexpected error" dialog) rather than only on stderr.
"""

from __future__ import annotations

import sys

import pytest

from app.application import errors


@pytest.fixture
def app_window(window, errors_seen, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", errors.excepthook)
    yield window
    assert not errors_seen, errors_seen[0][1]


def test_differentiate_with_respect_to_a_bool_variable_says_why(app_window, errors_seen):
    """Differentiate with a selected non-float variable: the engine refused requires_grad
    with a RuntimeError, which reached the error dialog."""
    w = app_window
    w.build_expression("x * 2")
    doc = w.controller.doc
    x = doc.by_name("x").id
    assert w.controller.push("set_requires_grad", x, False)
    assert w.controller.push("set_value", x, "true", "bool")
    nodes = set(doc.nodes)
    w.controller.select_only([x])
    w.act_differentiate.trigger()
    assert not errors_seen
    assert set(doc.nodes) == nodes
    message = w.statusBar().currentMessage()
    assert "Cannot differentiate" in message and "floating point" in message


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
