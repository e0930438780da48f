"""Undo gives back exactly the document it had, in the same order: nodes, wires, topological
order (found by the app's monkey test: delete + undo moved the node and its wires to the end,
so the saved file changed and Differentiate walked the graph in another order)."""

from core.graph import Document, History
from core.graph.commands import Edit, make_command
from core.graph.serialize import dumps


def _doc():
    d = Document()
    x = d.add_node("variable", name="x", value=2.0, requires_grad=True)
    y = d.add_node("variable", name="y", value=3.0, requires_grad=True)
    m = d.add_node("mul", name="m")
    s = d.add_node("add", name="s")
    out = d.add_node("output", name="out")
    d.connect(x, m, "a")
    d.connect(y, m, "b")
    d.connect(m, s, "a")
    d.connect(x, s, "b")
    d.connect(s, out, "value")
    d.set_output(out)
    return d, {"x": x, "y": y, "m": m, "s": s, "out": out}


def _state(d):
    return dumps(d), d.topo_order(), list(d.graph.edges)


def test_remove_nodes_undo_restores_order():
    for names in (["x"], ["m"], ["x", "s"], ["y", "out"]):
        d, ids = _doc()
        before = _state(d)
        h = History()
        h.push(make_command(d, "remove_nodes", [ids[n] for n in names]))
        h.undo()
        assert _state(d) == before, names
        h.redo()
        h.undo()
        assert _state(d) == before, names


def test_disconnect_undo_restores_order():
    d, ids = _doc()
    for dst, port in (("m", "a"), ("s", "b"), ("out", "value")):
        before = _state(d)
        h = History()
        h.push(make_command(d, "disconnect", ids[dst], port))
        h.undo()
        assert _state(d) == before, (dst, port)


def test_macro_of_disconnects_and_removal_undoes_exactly():
    d, ids = _doc()
    before = _state(d)
    h = History()
    h.push(make_command(d, "macro", "delete", [Edit("disconnect", (ids["s"], "b")),
                                              Edit("disconnect", (ids["m"], "a")),
                                              Edit("remove_nodes", ([ids["y"]],))]))
    h.undo()
    assert _state(d) == before


def test_live_nodes_view_follows_the_restored_order():
    d, ids = _doc()
    view = d.nodes
    order = list(view)
    h = History()
    h.push(make_command(d, "remove_nodes", [ids["x"]]))
    h.undo()
    assert list(view) == order
