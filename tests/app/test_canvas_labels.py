"""What nodes and wires read at a glance: core's gradient on every node (and its label for
empty arrays), op symbols and parameter notes that follow edits, gradient pills apart."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import lesson

from app.application import formatting
from app.application.resources import EXAMPLES
from app.canvas.items.wire_item import GradLabelItem
from core.graph import serialize
from core.graph.evaluate import Evaluator

LESSONS = sorted(EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_nodes_show_cores_total_gradient(window, path):
    """After backward every node shows ∂output/∂node (a leaf's .grad) as core computes it."""
    assert window.open_example(path)
    window.controller.run_backward()
    doc = serialize.load(path)
    ev = Evaluator(doc)
    ev.forward()
    bw = ev.backward() if doc.output is not None else None
    for node_id, item in window.scene.nodes.items():
        g = None
        if bw is not None and bw.error is None:
            g = bw.leaf_grads.get(node_id)
            g = bw.node_grads.get(node_id) if g is None else g
        assert item.grad_text == ("" if g is None else "∇ " + formatting.grad_label(g)), node_id


def test_quadratic_x_shows_minus_two_and_pow_its_exponent(window):
    assert window.open_example(lesson("quadratic"))
    window.controller.run_backward()
    doc = window.controller.doc
    assert window.scene.nodes[doc.by_name("x").id].grad_text == "∇ -2"
    pow_item = window.scene.nodes[doc.by_name("pow1").id]
    assert pow_item.symbol == "x²"
    assert pow_item.port_note("exponent") == "= 2"


def test_param_edits_redraw_the_node_and_undo(window):
    window.controller.doc  # a fresh document
    node_id = window.controller.add_op("pow", window.view.mapToScene(0, 0))
    item = window.scene.nodes[node_id]
    assert item.symbol == "x²" and item.port_note("exponent") == "= 2"
    assert window.controller.push("set_param", node_id, "exponent", 0.5)
    assert item.symbol == "xⁿ" and item.port_note("exponent") == "= 0.5"
    window.controller.undo_stack.undo()
    assert item.symbol == "x²"
    s = window.controller.add_op("sum", window.view.mapToScene(0, 200))
    assert window.scene.nodes[s].param_text == ""  # dim=None: sums everything
    window.controller.push("set_param", s, "dim", 0)
    window.controller.push("set_param", s, "keepdim", True)
    assert window.scene.nodes[s].param_text == "dim=0 · keepdim"


def test_gradient_pills_do_not_overlap(window):
    """x feeds both inputs of dot through two short stacked wires: their pills must not stack."""
    assert window.open_example(lesson("dot_product"))
    window.controller.run_backward()
    pills = [it for it in window.scene.items() if isinstance(it, GradLabelItem)
             and it.isVisible()]
    assert len(pills) >= 2
    for i, p in enumerate(pills):
        for q in pills[i + 1:]:
            assert not p.sceneBoundingRect().adjusted(1, 1, -1, -1).intersects(
                q.sceneBoundingRect().adjusted(1, 1, -1, -1))


def test_grad_label_of_empty_arrays():
    assert formatting.grad_label(np.zeros((2, 0), np.float32)).endswith("[]")
    assert formatting.grad_label(np.zeros((0, 3, 1), np.float32)).endswith("[]")
    assert formatting.grad_label(np.zeros((0,), np.float32)) == formatting._row(
        np.zeros((0,), np.float32), 4)
