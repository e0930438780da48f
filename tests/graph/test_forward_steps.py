"""The forward pass written out node by node (core/graph/forward_steps.py)."""

from pathlib import Path

from core.graph.evaluate import Evaluator
from core.graph.forward_steps import forward_picture, forward_steps, number
from core.graph.parser import parse
from core.graph.serialize import load

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def _lines(doc):
    ev = Evaluator(doc)
    ev.forward()
    return [s.text for s in forward_steps(doc, ev.values, ev.errors)]


def test_retain_graph_lesson_in_topological_order_with_its_arithmetic():
    lines = _lines(load(EXAMPLES / "10_retain_graph.json"))
    assert lines == [
        "x = 3  (variable, requires_grad)", "c = 2  (constant)", "c1 = 3  (constant)",
        "pow1 (pow): 3 ** 2 = 9", "mul: 3 × 2 = 6", "add: 6 + 9 = 15", "y (add): 15 + 3 = 18",
        "out = 18  (the output: out = its input)"]


def test_every_node_once_inputs_before_consumers():
    doc = load(EXAMPLES / "08_jacobian.json")
    ev = Evaluator(doc)
    ev.forward()
    steps = forward_steps(doc, ev.values, ev.errors)
    assert sorted(s.node for s in steps) == sorted(doc.nodes)
    at = {s.node: s.index for s in steps}
    for w in doc.wires:
        assert at[w.src] < at[w.dst]
    assert "k (stack): stack(13, 13, dim=0) = [13, 13]" in [s.text for s in steps]
    assert "index: [2, 3][0] = 2" in [s.text for s in steps]


def test_functions_big_values_and_errors():
    doc = parse("exp(x) + sum(m)", values={"x": 1.0, "m": [[1.0] * 4] * 3})
    lines = _lines(doc)
    assert "exp: exp(1) = 2.718" in lines
    assert "sum1 (sum): sum(3×4 tensor) = 12" in lines
    doc.disconnect(doc.by_name("exp").id, "x")
    assert any(t.startswith("exp: exp() → error: input 'x' is not wired") for t in _lines(doc))
    assert number([1.0, 2.5]) == "[1, 2.5]"


def test_forward_picture_reads_inputs_of_the_current_node_only():
    """What the forward stepper draws, without Qt: done before, current, pending after."""
    doc = parse("y = sin(x) * x", values={"x": 2.0})
    ev = Evaluator(doc)
    ev.forward()
    steps = forward_steps(doc, ev.values, ev.errors)
    mul = next(n.id for n in doc if n.op == "mul")
    i = next(s.index for s in steps if s.node == mul)
    pic = forward_picture(steps, doc.nodes, doc.wires, i)
    assert pic.index == i and pic.nodes[mul] == "current"
    for s in steps:
        assert pic.nodes[s.node] == ("done" if s.index < i else "current" if s.index == i
                                     else "pending")
    for w, state in pic.wires.items():
        at = next(s.index for s in steps if s.node == w.dst)
        assert state == ("gathered" if w.dst == mul else "done" if at < i else "pending")
    assert sum(st == "gathered" for st in pic.wires.values()) == 2  # mul's a and b
    assert set(forward_picture(steps, doc.nodes, doc.wires, 0).nodes.values()) >= {"current"}
