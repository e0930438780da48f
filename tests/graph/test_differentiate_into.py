"""Differentiate into the same document: torch's grad(y, x, create_graph=True) on the canvas.

The derivative is added over the same variables, so backward from it gives the next
derivative in x.grad (the seed's second derivative, 2), and it can be differentiated again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import core
from core.graph import serialize
from core.graph.commands import Macro
from core.graph.differentiate import _derivative_name, _key, differentiate_into
from core.graph.document import GraphError
from core.graph.evaluate import Evaluator
from core.graph.parser import parse as build_document

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def _apply(doc, **kw):
    plan = differentiate_into(Evaluator(doc), **kw)
    Macro(doc, plan.title, plan.steps).redo()
    return plan


def test_quadratic_first_then_second_derivative():
    doc = serialize.load(EXAMPLES / "01_quadratic.json")
    x = doc.by_name("x").id
    before = len(doc)
    plan = _apply(doc)
    assert plan.title == "∂out/∂x"
    assert len(doc) == before + len(plan.new_nodes)
    out = doc.node(plan.outputs[0])
    assert out.name == "dout_dx" and doc.output == out.id
    ev = Evaluator(doc)
    bw = ev.backward()
    assert float(ev.values[out.id]) == -2.0  # dy/dx = 2ax + b at x = 0
    assert float(bw.leaf_grads[x]) == 2.0  # backward from dy/dx: the second derivative
    plan2 = _apply(doc)
    assert doc.node(plan2.outputs[0]).name == "d2out_dx2"
    ev = Evaluator(doc)
    bw = ev.backward()
    assert float(ev.values[doc.output]) == 2.0
    assert float(bw.leaf_grads[x]) == 0.0


def test_it_is_one_undoable_edit():
    doc = serialize.load(EXAMPLES / "01_quadratic.json")
    text = serialize.dumps(doc)
    plan = differentiate_into(Evaluator(doc))
    m = Macro(doc, plan.title, plan.steps)
    m.redo()
    assert serialize.dumps(doc) != text
    m.undo()
    assert serialize.dumps(doc) == text


def test_forward_nodes_are_reused_not_recomputed():
    """tanh's rule reads tanh's output: the derivative wires to the forward's tanh node."""
    doc = build_document("y = tanh(w * x)", values={"w": 0.5, "x": 2.0})
    plan = _apply(doc, wrt=[doc.by_name("x").id])
    tanh = [n for n in doc if n.op == "tanh"]
    assert len(tanh) == 1  # the forward's, not a copy
    new = set(plan.new_nodes)
    assert any(w.src == tanh[0].id and w.dst in new for w in doc.wires)
    keys = [_key(n.op, n.params, doc.inputs_of(n.id)) for n in doc
            if n.op not in ("variable", "constant", "output")]
    assert len(keys) == len(set(keys))  # nothing computed twice
    ev = Evaluator(doc)
    ev.forward()
    w, x = core.tensor(0.5, requires_grad=True), core.tensor(2.0, requires_grad=True)
    (gx,) = core.autograd.grad(core.tanh(w * x), [x], create_graph=True)
    np.testing.assert_allclose(ev.values[plan.outputs[0]], gx.detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_every_lesson_matches_the_separate_derivative_document(path):
    doc = serialize.load(path)
    ev = Evaluator(doc)
    try:
        separate = ev.differentiate()
    except GraphError as e:
        with pytest.raises(GraphError, match=str(e)[:20]):
            differentiate_into(Evaluator(doc))
        return
    plan = _apply(doc)
    merged = Evaluator(doc)
    merged.forward()
    sep = Evaluator(separate)
    sep.forward()
    for o in plan.outputs:
        name = doc.node(o).name
        np.testing.assert_allclose(merged.values[o], sep.values[separate.by_name(name).id],
                                   rtol=1e-6, atol=1e-7)


def test_no_gradient_to_take():
    doc = build_document("y = 2 * x", values={"x": 1.0}, requires_grad=False)
    with pytest.raises(GraphError, match="nothing to differentiate"):
        differentiate_into(Evaluator(doc))


def test_derivative_names():
    assert _derivative_name("y", "x") == "dy_dx"
    assert _derivative_name("dy_dx", "x") == "d2y_dx2"
    assert _derivative_name("d2y_dx2", "x") == "d3y_dx3"
    assert _derivative_name("dy_dx", "w") == "ddy_dx_dw"  # a mixed partial keeps both
