"""Macro steps are typed `Edit`s and commands are made in commands.py."""

import pytest

from core.graph import Document, GraphError
from core.graph.commands import Edit, History, make_command
from core.graph.parser import insert_command


def test_make_command_lives_with_the_commands():
    d = Document()
    x = d.add_node("variable", name="x", value=1.0)
    h = History()
    h.push(make_command(d, "add_node", "neg", node_id="n9"))
    h.push(make_command(d, "connect", x, "n9", "x"))
    assert d.inputs_of("n9") == {"x": x}
    with pytest.raises(GraphError, match="unknown edit 'frobnicate'"):
        make_command(d, "frobnicate")
    # the document does not reach up into commands.py (issue 13)
    assert not hasattr(Document, "make_command")


def test_macro_takes_edits_and_the_old_tuples():
    d = Document()
    x = d.add_node("variable", name="x", value=1.0)
    steps = [Edit("add_node", ("exp",), {"node_id": "e"}), ("connect", (x, "e", "x"), {})]
    h = History()
    h.push(make_command(d, "macro", "two", steps))
    assert d.inputs_of("e") == {"x": x}
    h.undo()
    assert "e" not in d.nodes
    kind, args, kwargs = Edit("set_output", ("e",))
    assert (kind, args, dict(kwargs)) == ("set_output", ("e",), {})


def test_parser_steps_are_edits():
    d = Document()
    cmd = insert_command(d, "y = x * 2", {"x": 1.0})
    assert cmd.steps and all(isinstance(s, Edit) for s in cmd.steps)
    assert {s.kind for s in cmd.steps} == {"add_node", "connect"}
