"""Frames: grouping is undoable, survives deletes and files, and folds the stepper's replay."""

import json

import pytest

from core.graph import GraphError, History
from core.graph.commands import make_command
from core.graph.evaluate import Evaluator
from core.graph.frames import border
from core.graph.parser import parse
from core.graph.replay import collapse_steps
from core.graph.serialize import FileFormatError, dumps, loads, to_dict

from .helpers.snapshot import snapshot


def _neuron():
    """y = tanh(w·x + b); returns the document and the ids of mul, add and tanh."""
    doc = parse("y = tanh(w*x + b)", values={"w": 0.5, "x": 2.0, "b": -0.5})
    inner = [n.id for n in doc if n.op in ("mul", "add", "tanh")]
    return doc, inner


def test_group_undo_redo_and_refusals():
    doc, inner = _neuron()
    h = History()
    before = snapshot(doc)
    h.push(make_command(doc, "group", inner, title="neuron"))
    (f,) = doc.frames.values()
    assert (f.title, f.members, f.collapsed) == ("neuron", tuple(inner), False)
    assert doc.frame_of(inner[0]) is f
    grouped = snapshot(doc)
    with pytest.raises(GraphError, match="already in the frame 'neuron'"):
        make_command(doc, "group", [inner[0]])
    with pytest.raises(GraphError, match="select the nodes"):
        make_command(doc, "group", [])
    with pytest.raises(GraphError, match="no node"):
        make_command(doc, "group", ["nope"])
    with pytest.raises(GraphError, match="unknown frame colour"):
        make_command(doc, "set_frame", f.id, color="pink")
    with pytest.raises(GraphError, match="needs a title"):
        make_command(doc, "set_frame", f.id, title="  ")
    assert snapshot(doc) == grouped  # refused edits changed nothing
    h.push(make_command(doc, "set_frame", f.id, collapsed=True))
    h.push(make_command(doc, "set_frame", f.id, title="unit", color="green"))
    assert doc.frame(f.id).collapsed and doc.frame(f.id).title == "unit"
    final = snapshot(doc)
    h.undo()
    h.undo()
    assert snapshot(doc) == grouped
    h.undo()
    assert snapshot(doc) == before and not doc.frames
    h.redo()
    h.redo()
    h.redo()
    assert snapshot(doc) == final


def test_ungroup_keeps_nodes_and_undo_puts_frame_back_in_order():
    doc, inner = _neuron()
    h = History()
    h.push(make_command(doc, "group", inner[:1], title="a"))
    h.push(make_command(doc, "group", inner[1:], title="b"))
    text = dumps(doc)
    h.push(make_command(doc, "ungroup", "f1"))
    assert list(doc.frames) == ["f2"] and len(doc) == 7
    h.undo()
    assert dumps(doc) == text


def test_deleting_members_leaves_the_frame_and_undo_restores_membership():
    doc, inner = _neuron()
    h = History()
    h.push(make_command(doc, "group", inner, title="neuron"))
    text = dumps(doc)
    h.push(make_command(doc, "remove_nodes", [inner[0]]))
    assert doc.frame("f1").members == tuple(inner[1:])
    h.push(make_command(doc, "remove_nodes", inner[1:]))
    assert not doc.frames  # a frame left empty goes with its last node
    h.undo()
    h.undo()
    assert dumps(doc) == text


def test_frames_round_trip_and_copy():
    doc, inner = _neuron()
    doc.insert_frame(doc.prepare_frame(None, "neuron", "orange", inner, collapsed=True))
    data = json.loads(dumps(doc))
    assert data["version"] == 2
    assert data["frames"] == [{"id": "f1", "title": "neuron", "color": "orange",
                               "nodes": inner, "collapsed": True}]
    back = loads(dumps(doc))
    assert snapshot(back) == snapshot(doc)
    assert back.frame("f1") == doc.frame("f1")
    assert doc.copy().frames == doc.frames


def test_version_1_files_still_load():
    doc, _ = _neuron()
    data = to_dict(doc)
    data["version"] = 1
    back = loads(json.dumps(data))
    assert not back.frames and snapshot(back) == snapshot(doc) | {"version": 2}


def _with_frames(frames, version=2):
    doc, inner = _neuron()
    data = to_dict(doc)
    data["version"] = version
    data["frames"] = frames
    return json.dumps(data), inner


@pytest.mark.parametrize("frames, message", [
    ({}, "frames: expected a list"),
    ([1], r"frames\[0\]: expected an object"),
    ([{"id": "f1"}], "missing 'nodes'"),
    ([{"id": "f1", "nodes": ["n3"], "evil": 1}], "unknown field 'evil'"),
    ([{"id": "", "nodes": ["n3"]}], r"frames\[0\].id: expected a non-empty string"),
    ([{"id": "f1", "nodes": "n3"}], "expected a list of node ids"),
    ([{"id": "f1", "nodes": [3]}], "expected a list of node ids"),
    ([{"id": "f1", "nodes": ["n3", "n3"]}], "listed twice"),
    ([{"id": "f1", "nodes": ["zz"]}], "no node with id 'zz'"),
    ([{"id": "f1", "nodes": []}], "select the nodes"),
    ([{"id": "f1", "nodes": ["n3"], "color": "pink"}], "unknown frame colour"),
    ([{"id": "f1", "nodes": ["n3"], "color": ["x"]}], "unknown frame colour"),
    ([{"id": "f1", "nodes": ["n3"], "title": 5}], "frame title is text"),
    ([{"id": "f1", "nodes": ["n3"], "title": "a\nb"}], "one line"),
    ([{"id": "f1", "nodes": ["n3"], "title": "x" * 81}], "at most 80"),
    ([{"id": "f1", "nodes": ["n3"], "collapsed": "yes"}], "collapsed: expected true/false"),
    ([{"id": "f1", "nodes": ["n3"]}, {"id": "f1", "nodes": ["n5"]}], "already exists"),
    ([{"id": "f1", "nodes": ["n3"]}, {"id": "f2", "nodes": ["n3"]}], "already in the frame"),
])
def test_malformed_frames_are_refused(frames, message):
    text, _ = _with_frames(frames)
    with pytest.raises(FileFormatError, match=message):
        loads(text)


def test_frames_in_a_version_1_file_are_refused():
    text, inner = _with_frames([{"id": "f1", "nodes": ["n3"]}], version=1)
    with pytest.raises(FileFormatError, match="frames need format version 2"):
        loads(text)


def test_border_of_the_neuron():
    doc, inner = _neuron()
    doc.insert_frame(doc.prepare_frame(None, "neuron", "blue", inner))
    b = border(doc, doc.frame("f1"))
    names = {doc.node(w.src).name for w in b.inputs}
    assert names == {"w", "x", "b"}
    assert [doc.node(w.dst).op for w in b.outputs] == ["output"]
    assert [doc.node(i).op for i in b.exits] == ["tanh"]


def test_collapsed_frame_is_one_step_listing_its_inner_steps():
    doc, inner = _neuron()
    ev = Evaluator(doc)
    ev.forward()
    steps = ev.backward().steps
    doc.insert_frame(doc.prepare_frame(None, "neuron", "blue", inner))
    assert collapse_steps(steps, doc) == steps  # expanded: nothing folds
    doc.replace_frame(doc.prepare_frame("f1", "neuron", "blue", inner, True, replacing="f1"))
    folded = collapse_steps(steps, doc)
    assert [s.kind for s in folded] == ["seed", "frame", "leaf", "leaf", "leaf"]
    assert [s.index for s in folded] == list(range(5))
    fs = folded[1]
    assert fs.engine_name == "neuron" and doc.node(fs.node).op == "tanh"
    assert [name for name, _ in fs.inner] == ["y: TanhBackward0", "add: AddBackward0",
                                              "mul: MulBackward0"]
    inner_steps = [s for s in steps if s.node in inner]
    assert [float(g) for _, g in fs.inner] == [float(s.grad) for s in inner_steps]
    # every gradient the members sent is still sent, so the leaves outside get theirs
    sent = {w for s in inner_steps for w, _ in s.sends}
    assert {w for w, _ in fs.sends} == sent


def test_frame_edits_keep_the_evaluators_backward():
    """Grouping or collapsing changes no number: the stepper keeps replaying the same pass."""
    doc, inner = _neuron()
    ev = Evaluator(doc)
    ev.forward()
    res = ev.backward()
    h = History()
    h.push(make_command(doc, "group", inner, title="neuron"))
    h.push(make_command(doc, "set_frame", "f1", collapsed=True))
    h.undo()
    assert ev.last_backward is res
    assert not ev.forward()  # nothing to recompute either
