"""Commands: validate when built, redo/undo exactly, moves merge."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.graph import Document, GraphError, History, Macro
from core.graph.commands import Edit, make_command

from .helpers.snapshot import snapshot as to_dict


def _doc():
    d = Document()
    x = d.add_node("variable", name="x", value=2.0, requires_grad=True)
    sq = d.add_node("pow", name="sq")
    d.connect(x, sq, "base")
    d.set_output(sq)
    return d, x, sq


EDITS = [
    Edit("add_node", ("tanh",), {"pos": (3, 4)}),
    Edit("remove_node", ("X",)),
    Edit("remove_nodes", (["X", "SQ"],)),
    Edit("disconnect", ("SQ", "base")),
    Edit("set_value", ("X", "[1, 2, 3]")),
    Edit("set_requires_grad", ("X", False)),
    Edit("set_param", ("SQ", "exponent", "3")),
    Edit("rename", ("SQ", "square")),
    Edit("move", ("SQ", (10, 20))),
    Edit("set_output", (None,)),
    Edit("set_output", ("X",), {"gradient": 1.0}),
]


@pytest.mark.parametrize("edit", EDITS, ids=[e.kind for e in EDITS])
def test_redo_undo_roundtrip(edit):
    kind, args, kwargs = edit.kind, edit.args, edit.kwargs
    d, x, sq = _doc()
    sub = {"X": x, "SQ": sq}
    args = tuple(sub.get(a, a) if isinstance(a, str) else
                 [sub[i] for i in a] if isinstance(a, list) else a for a in args)
    before = to_dict(d)
    h = History()
    h.push(make_command(d, kind, *args, **kwargs))
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
        make_command(d, "connect", x, sq, "base")
    with pytest.raises(GraphError, match="unknown edit"):
        make_command(d, "frobnicate")
    assert to_dict(d) == before


def test_moves_merge_into_one_step():
    d, x, sq = _doc()
    h = History()
    for i in range(5):
        h.push(make_command(d, "move", {sq: (i, i)}))
    assert len(h) == 1 and d.node(sq).pos == (4.0, 4.0)
    h.undo()
    assert d.node(sq).pos == (0.0, 0.0)
    h.push(make_command(d, "move", x, (1, 1)))
    h.push(make_command(d, "move", sq, (1, 1)))
    assert len(h) == 2


def test_macro_all_or_nothing():
    d, x, sq = _doc()
    before = to_dict(d)
    nid = d.new_id()
    good = Macro(d, "insert tanh", [Edit("add_node", ("tanh",), {"node_id": nid}),
                                    Edit("connect", (sq, nid, "x"))])
    assert to_dict(d) == before  # the trial run left nothing behind
    h = History()
    h.push(good)
    assert d.inputs_of(nid) == {"x": sq}
    h.undo()
    assert to_dict(d) == before
    with pytest.raises(GraphError, match="already wired"):
        Macro(d, "bad", [Edit("add_node", ("tanh",)), Edit("connect", (x, sq, "base"))])
    assert to_dict(d) == before


def test_remove_restores_output_and_wires():
    d, x, sq = _doc()
    m = d.add_node("mul")
    d.connect(x, m, "a")
    d.connect(sq, m, "b")
    before = to_dict(d)
    h = History()
    h.push(make_command(d, "remove_nodes", [sq]))
    assert d.output is None
    h.undo()
    assert to_dict(d) == before and d.output == sq


# edit kind → the make_command arguments, from two node ids (a, b) and two numbers (i, j)
_EDITS = {
    "add": lambda a, b, i, j: ("add_node", ["mul", "tanh", "variable", "stack"][i % 4]),
    "remove": lambda a, b, i, j: ("remove_node", a),
    "connect": lambda a, b, i, j: ("connect", a, b,
                                   ["a", "b", "x", "base", "xs.0", "value"][j % 6]),
    "disconnect": lambda a, b, i, j: ("disconnect", a, ["a", "b", "x", "base"][j % 4]),
    "value": lambda a, b, i, j: ("set_value", a, ["1.5", "[1, 2]", "[[1", "true"][j % 4]),
    "param": lambda a, b, i, j: ("set_param", a, "exponent", ["3", "x", 2][j % 3]),
    "rename": lambda a, b, i, j: ("rename", a, ["q", "x", "1y", "sq"][j % 4]),
    "move": lambda a, b, i, j: ("move", a, (i, j)),
    "output": lambda a, b, i, j: ("set_output", a if j % 3 else None),
    "grad": lambda a, b, i, j: ("set_requires_grad", a, bool(j % 2)),
}
_KINDS = list(_EDITS)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_KINDS), st.integers(0, 50), st.integers(0, 50)),
                max_size=25))
def test_random_edit_sequences_undo_to_the_start(ops):
    """Any sequence of edits, valid or not, undoes back to the start and redoes to the end;
    an edit that raises GraphError changes nothing."""
    d, x, sq = _doc()
    start = to_dict(d)
    h = History()
    for kind, i, j in ops:
        ids = list(d.nodes)
        a = ids[i % len(ids)] if ids else "none"
        b = ids[j % len(ids)] if ids else "none"
        before = to_dict(d)
        try:
            cmd = make_command(d, *_EDITS[kind](a, b, i, j))
        except GraphError:
            assert to_dict(d) == before
            continue
        h.push(cmd)
    end = to_dict(d)
    while h.can_undo():
        h.undo()
    assert to_dict(d) == start
    while h.can_redo():
        h.redo()
    assert to_dict(d) == end
