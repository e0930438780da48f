"""Layered layout: left to right, inputs next to consumers, fewer crossings."""

from core.graph import Document
from core.graph.layout import crossings, layered_layout, layers, order_layers
from core.graph.parser import parse


def test_left_to_right():
    doc = parse("tanh(w*x + b)")
    pos = layered_layout(doc)
    for w in doc.wires:
        assert pos[w.src][0] < pos[w.dst][0]


def test_inputs_sit_next_to_their_consumer():
    doc = parse("exp(exp(exp(x))) + c")
    pos = layered_layout(doc)
    c = doc.by_name("c").id
    add = doc.by_name("add").id
    assert pos[add][0] - pos[c][0] == 180.0


def test_barycenter_removes_crossings():
    d = Document()
    a, b = d.add_node("variable", name="a"), d.add_node("variable", name="b")
    # consumers added in the crossing order
    nb, na = d.add_node("neg", name="nb"), d.add_node("neg", name="na")
    d.connect(a, na, "x")
    d.connect(b, nb, "x")
    g = d.graph
    lays = layers(g)
    assert crossings(g, lays) == 1
    order_layers(g, lays)
    assert crossings(g, lays) == 0


def test_layout_command_is_undoable():
    from core.graph.layout import layout_command

    doc = parse("x + y")
    for n in doc:
        doc.move(n.id, (0, 0))
    cmd = layout_command(doc)
    cmd.redo()
    assert len({n.pos for n in doc}) == len(doc)
    cmd.undo()
    assert {n.pos for n in doc} == {(0.0, 0.0)}
