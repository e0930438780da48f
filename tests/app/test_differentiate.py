"""Graph ▸ Differentiate: the derivative as a graph on the canvas, over the same variables."""

from __future__ import annotations

from app.application.resources import EXAMPLES


def _value(window, name):
    doc = window.controller.doc
    return float(window.controller.result.values[doc.by_name(name).id])


def test_differentiate_twice_gives_the_seed_derivatives(window):
    assert window.open_example(EXAMPLES / "01_quadratic.json")
    doc = window.controller.doc
    before = set(doc.nodes)
    window.act_differentiate.trigger()
    out = doc.node(doc.output)
    assert out.name == "dout_dx"
    added = set(doc.nodes) - before
    assert {it.node_id for it in window.scene.selected_nodes()} == added
    assert set(window.scene.nodes) == set(doc.nodes)  # every new node is drawn
    window.controller.evaluate_now()
    assert _value(window, "dout_dx") == -2.0  # dy/dx = 2ax + b at x = 0
    x = doc.by_name("x").id
    assert float(window.controller.result.grads[x]) == 2.0  # backward from dy/dx
    assert "dout_dx" in window.statusBar().currentMessage()
    window.act_differentiate.trigger()
    window.controller.evaluate_now()
    assert doc.node(doc.output).name == "d2out_dx2"
    assert _value(window, "d2out_dx2") == 2.0


def test_differentiate_is_one_undo_step(window):
    assert window.open_example(EXAMPLES / "01_quadratic.json")
    doc = window.controller.doc
    nodes, output = set(doc.nodes), doc.output
    window.act_differentiate.trigger()
    assert set(doc.nodes) != nodes
    window.act_undo.trigger()
    assert set(doc.nodes) == nodes and doc.output == output
    assert set(window.scene.nodes) == nodes
    window.act_redo.trigger()
    assert doc.node(doc.output).name == "dout_dx"


def test_only_the_selected_variable(window):
    window.build_expression("y = w * x + b")
    doc = window.controller.doc
    assert {n.name for n in doc if n.op == "variable" and n.requires_grad} == {"w", "x", "b"}
    before = {n.name for n in doc if n.op == "output"}
    window.controller.select_only([doc.by_name("w").id])
    window.act_differentiate.trigger()
    added = {n.name for n in doc if n.op == "output"} - before
    assert added == {"dout_dw"}
    window.controller.evaluate_now()
    x = float(window.controller.result.values[doc.by_name("x").id])
    assert _value(window, "dout_dw") == x


def test_nothing_to_differentiate_says_why_and_changes_nothing(window):
    window.build_expression("y = 3 * 2")
    doc = window.controller.doc
    nodes = set(doc.nodes)
    window.act_differentiate.trigger()
    assert set(doc.nodes) == nodes
    assert "Cannot differentiate" in window.statusBar().currentMessage()


# a crash the monkey (test_monkey.py) found, replayed as the user met it
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
