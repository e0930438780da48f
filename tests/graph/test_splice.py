"""Insert a node into a wire, dissolve a one-input node: one undo step each, exact undo, and a
clear refusal when the edit does not apply."""

from __future__ import annotations

import pytest

from core.graph import Document, GraphError, History, Wire
from core.graph.commands import make_command
from core.graph.evaluate import Evaluator
from core.graph.parser import parse
from core.graph.splice import dissolve, insert_into_wire


def _value(doc: Document, name: str) -> float:
    ev = Evaluator(doc)
    ev.forward()
    return float(ev.values[doc.by_name(name).id])


def _push(doc: Document, plan) -> History:
    h = History()
    h.push(make_command(doc, "macro", plan.text, plan.steps))
    return h


def _op(doc: Document, op: str) -> str:
    return next(n.id for n in doc if n.op == op)


def _snapshot(doc: Document):
    return (list(doc.nodes), list(doc.wires), doc.output)


def test_insert_neg_into_a_wire_and_undo():
    doc = parse("y = sin(x)", values={"x": 0.5})
    x, s = doc.by_name("x").id, _op(doc, "sin")
    before = _snapshot(doc)
    nid = doc.new_id()
    plan = insert_into_wire(doc, Wire(x, s, "x"), "neg", nid, (10.0, 20.0))
    h = _push(doc, plan)
    assert doc.inputs_of(nid) == {"x": x}
    assert doc.inputs_of(s) == {"x": nid}
    assert doc.node(nid).pos == (10.0, 20.0)
    assert _value(doc, "y") == pytest.approx(-0.479425538)
    assert len(h) == 1 and plan.text.startswith("insert neg")
    h.undo()
    assert _snapshot(doc) == before
    h.redo()
    assert doc.inputs_of(s) == {"x": nid}


def test_insert_uses_the_first_input_and_slot_0_of_a_list():
    doc = parse("y = exp(x)")
    x, e = doc.by_name("x").id, _op(doc, "exp")
    nid = doc.new_id()
    _push(doc, insert_into_wire(doc, Wire(x, e, "x"), "pow", nid, (0, 0)))
    assert doc.inputs_of(nid) == {"base": x}
    nid2 = doc.new_id()
    _push(doc, insert_into_wire(doc, Wire(nid, e, "x"), "stack", nid2, (0, 0)))
    assert doc.inputs_of(nid2) == {"xs.0": nid}


def test_insert_refuses_an_op_without_inputs_and_a_stale_wire():
    doc = parse("y = sin(x)")
    x, s = doc.by_name("x").id, _op(doc, "sin")
    with pytest.raises(GraphError, match="no input"):
        insert_into_wire(doc, Wire(x, s, "x"), "variable", doc.new_id(), (0, 0))
    with pytest.raises(GraphError, match="no longer there"):
        insert_into_wire(doc, Wire(s, x, "x"), "neg", doc.new_id(), (0, 0))


def test_dissolve_wires_the_input_to_every_consumer_and_undoes_exactly():
    doc2 = Document()
    x = doc2.add_node("variable", name="x", value=3.0, requires_grad=True)
    n = doc2.add_node("neg", name="n")
    m = doc2.add_node("mul", name="m")
    o = doc2.add_node("output", name="out")
    doc2.connect(x, n, "x")
    doc2.connect(n, m, "a")
    doc2.connect(n, m, "b")
    doc2.connect(m, o, "value")
    doc2.set_output(o)
    before = _snapshot(doc2)
    h = _push(doc2, dissolve(doc2, n))
    assert n not in doc2
    assert doc2.inputs_of(m) == {"a": x, "b": x}
    assert _value(doc2, "m") == 9.0
    h.undo()
    assert _snapshot(doc2) == before


@pytest.mark.parametrize("text,name,why", [
    ("y = a * b", "y", "2 inputs"),
    ("y = sin(x)", "x", "no inputs"),
    ("y = stack([a, b])", "y", "a list of inputs"),
])
def test_dissolve_refuses_nodes_without_one_input(text, name, why):
    doc = parse(text)
    with pytest.raises(GraphError, match=why):
        dissolve(doc, doc.by_name(name).id)


def test_dissolve_refuses_an_unwired_or_unused_node_and_the_output():
    doc = Document()
    n = doc.add_node("neg", name="n")
    with pytest.raises(GraphError, match="no input wire"):
        dissolve(doc, n)
    x = doc.add_node("variable", name="x", value=1.0)
    doc.connect(x, n, "x")
    with pytest.raises(GraphError, match="feeds nothing"):
        dissolve(doc, n)
    o = doc.add_node("output", name="out")
    doc.connect(n, o, "value")
    doc.set_output(n)
    with pytest.raises(GraphError, match="is the output"):
        dissolve(doc, n)


def test_splices_are_document_commands_for_scripts():
    doc = parse("y = sin(x)")
    x, s = doc.by_name("x").id, _op(doc, "sin")
    h = History()
    nid = doc.new_id()
    h.push(make_command(doc, "insert_into_wire", Wire(x, s, "x"), "neg", nid, (0, 0)))
    assert doc.inputs_of(s) == {"x": nid}
    h.push(make_command(doc, "dissolve", nid))
    assert nid not in doc and doc.inputs_of(s) == {"x": x}
    h.undo()
    h.undo()
    assert doc.inputs_of(s) == {"x": x} and len(doc) == 3
    other = parse("y = a * b")
    with pytest.raises(GraphError, match="2 inputs"):
        make_command(other, "dissolve", _op(other, "mul"))
