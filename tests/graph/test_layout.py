"""Layered layout: left to right, inputs next to consumers, fewer crossings."""

import networkx as nx

from core.graph import Document
from core.graph.layout import (
    NODE_SIZE,
    Box,
    crossings,
    layered_layout,
    layers,
    layout,
    order_layers,
)
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
    columns = sorted({x for x, _y in pos.values()})
    assert columns.index(pos[add][0]) - columns.index(pos[c][0]) == 1


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


def test_parsed_port_order_trap_does_not_cross_at_the_inputs():
    """`b → mul.a` and `x → mul.b` with x also feeding sin (inserted first, so first in its
    layer): whole-node barycenters left x above b, the two wires crossing right at mul."""
    doc = parse("y = sin(x) + b*x")
    pos = layered_layout(doc)
    mul = next(n.id for n in doc if n.op == "mul")
    ins = doc.inputs_of(mul)
    a, b = ins["a"], ins["b"]
    assert (doc.node(a).name, doc.node(b).name) == ("b", "x")
    assert pos[a][0] == pos[b][0]  # one column: the order decides the crossing
    assert pos[a][1] < pos[b][1]


def test_layout_orders_by_port():
    """b → m.a and x → m.b must not cross at m's inputs: b goes above x."""
    g = nx.DiGraph()
    g.add_edge("x", "m", ports={"b"})
    g.add_edge("b", "m", ports={"a"})
    box = Box(100, 60, 30, {"a": 35, "b": 50})
    pos = layout(g, {"x": Box(100, 50, 25), "b": Box(100, 50, 25), "m": box})
    assert pos["b"][1] < pos["x"][1]


def test_layout_spaces_layers_by_the_widest_box_and_rows_by_heights():
    g = nx.DiGraph()
    g.add_edge("u", "w", ports={"a"})
    g.add_edge("v", "w", ports={"b"})
    boxes = {"u": Box(300, 200, 100), "v": Box(100, 50, 25), "w": Box(120, 60, 30,
                                                                      {"a": 20, "b": 40})}
    pos = layout(g, boxes)
    assert pos["w"][0] - pos["u"][0] >= 300
    top, bottom = sorted((pos["u"], pos["v"]), key=lambda p: p[1])
    first = boxes["u"] if top is pos["u"] else boxes["v"]
    assert bottom[1] - top[1] >= first.h  # tall boxes do not overlap


def test_big_graph_is_laid_out_without_overlaps_in_a_column():
    """Past the dummy budget the longest wires go without dummies; still a layout."""
    import random

    rng = random.Random(3)
    d = Document()
    ids = [d.add_node("variable", name=f"v{i}") for i in range(10)]
    for k in range(900):
        n = d.add_node("add", name=f"s{k}")
        d.connect(ids[-1], n, "a")
        d.connect(rng.choice(ids[:10]), n, "b")  # long wires back to the inputs
        ids.append(n)
    pos = layered_layout(d)
    assert set(pos) == set(d.nodes)
    for w in d.wires:
        assert pos[w.src][0] < pos[w.dst][0]
    columns: dict[float, list[float]] = {}
    for x, y in pos.values():
        columns.setdefault(x, []).append(y)
    for ys in columns.values():
        ys.sort()
        assert all(b - a >= NODE_SIZE[1] for a, b in zip(ys, ys[1:], strict=False))


def test_crossing_count_is_the_number_of_crossing_wire_pairs():
    """Both ways of counting (every pair for a few wires, a Fenwick tree for many) count a
    pair of wires (a, b) as crossing only when one end is strictly above and the other
    strictly below; ties (wires from one node, into one port) never cross."""
    import random

    from core.graph.layout_order import _discordant

    rng = random.Random(7)
    for n in [n for n in range(0, 60) for _ in range(8)]:
        pairs = [(rng.randint(0, 5) + rng.choice((0.0, 0.25)),
                  rng.randint(0, 5) + rng.choice((0.0, -0.3))) for _ in range(n)]
        brute = sum(1 for a in pairs for b in pairs if a[0] < b[0] and a[1] > b[1])
        assert _discordant(pairs) == brute


def test_a_swap_is_judged_by_the_wires_of_its_layer_as_by_the_whole_graph():
    """The swap refinement counts only the wires into and out of the layer it reorders: for
    every adjacent swap, that local change equals the change of the whole graph's cost."""
    from core.graph.layout import _boxes_for, layers
    from core.graph.layout_order import crossing_cost, port_fracs, with_dummies

    doc = parse("y = sin(x) * b + x * exp(b) - a * x + tanh(a * b)")
    g = doc.graph
    lays = layers(g)
    boxes = _boxes_for(g, None)
    edges = with_dummies(g, lays, boxes)
    cost = crossing_cost(lays, edges, port_fracs(edges, boxes))
    swaps = 0
    for k, lay in enumerate(lays):
        for i in range(len(lay) - 1):
            before_all, before_near = cost(), cost.near(k)
            lay[i], lay[i + 1] = lay[i + 1], lay[i]
            assert cost() - before_all == cost.near(k) - before_near
            swaps += 1
    assert swaps >= 5
