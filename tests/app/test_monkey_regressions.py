"""Crashes the monkey test (test_monkey.py) found, each replayed as the user would meet it.

Exceptions escaping a Qt slot go to the app's excepthook as in the real app, so a crash shows
up in `errors_seen` (the "unexpected error" dialog) rather than only on stderr.
"""

from __future__ import annotations

import sys

import pytest

from app import errors


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
