"""Commands: validate when built, redo/undo exactly, moves merge."""

import pytest

from core.graph import Document, GraphError, History, Macro

from ._util import snapshot as to_dict


def _doc():
    d = Document()
    x = d.add_node("variable", name="x", value=2.0, requires_grad=True)
    sq = d.add_node("pow", name="sq")
    d.connect(x, sq, "base")
    d.set_output(sq)
    return d, x, sq


EDITS = [
    ("add_node", ("tanh",), {"pos": (3, 4)}),
    ("remove_node", ("X",), {}),
    ("remove_nodes", (["X", "SQ"],), {}),
    ("disconnect", ("SQ", "base"), {}),
    ("set_value", ("X", "[1, 2, 3]"), {}),
    ("set_requires_grad", ("X", False), {}),
    ("set_param", ("SQ", "exponent", "3"), {}),
    ("rename", ("SQ", "square"), {}),
    ("move", ("SQ", (10, 20)), {}),
    ("set_output", (None,), {}),
    ("set_output", ("X",), {"gradient": 1.0}),
]


@pytest.mark.parametrize("kind, args, kwargs", EDITS)
def test_redo_undo_roundtrip(kind, args, kwargs):
    d, x, sq = _doc()
    sub = {"X": x, "SQ": sq}
    args = tuple(sub.get(a, a) if isinstance(a, str) else
                 [sub[i] for i in a] if isinstance(a, list) else a for a in args)
    before = to_dict(d)
    h = History()
    h.push(d.make_command(kind, *args, **kwargs))
    after = to_dict(d)
    assert after != before
    h.undo()
    assert to_dict(d) == before
    h.redo()
    assert to_dict(d) == after
    h.undo()
    assert to_dict(d) == before


def test_invalid_command_raises_at_construction():
    d, x, sq = _doc()
    before = to_dict(d)
    with pytest.raises(GraphError, match="already wired"):
        d.make_command("connect", x, sq, "base")
    with pytest.raises(GraphError, match="unknown edit"):
        d.make_command("frobnicate")
    assert to_dict(d) == before


def test_moves_merge_into_one_step():
    d, x, sq = _doc()
    h = History()
    for i in range(5):
        h.push(d.make_command("move", {sq: (i, i)}))
    assert len(h) == 1 and d.node(sq).pos == (4.0, 4.0)
    h.undo()
    assert d.node(sq).pos == (0.0, 0.0)
    h.push(d.make_command("move", x, (1, 1)))
    h.push(d.make_command("move", sq, (1, 1)))
    assert len(h) == 2


def test_macro_all_or_nothing():
    d, x, sq = _doc()
    before = to_dict(d)
    nid = d.new_id()
    good = Macro(d, "insert tanh", [("add_node", ("tanh",), {"node_id": nid}),
                                    ("connect", (sq, nid, "x"), {})])
    assert to_dict(d) == before  # the trial run left nothing behind
    h = History()
    h.push(good)
    assert d.inputs_of(nid) == {"x": sq}
    h.undo()
    assert to_dict(d) == before
    with pytest.raises(GraphError, match="already wired"):
        Macro(d, "bad", [("add_node", ("tanh",), {}), ("connect", (x, sq, "base"), {})])
    assert to_dict(d) == before


def test_remove_restores_output_and_wires():
    d, x, sq = _doc()
    m = d.add_node("mul")
    d.connect(x, m, "a")
    d.connect(sq, m, "b")
    before = to_dict(d)
    h = History()
    h.push(d.make_command("remove_nodes", [sq]))
    assert d.output is None
    h.undo()
    assert to_dict(d) == before and d.output == sq
