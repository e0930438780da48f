"""Files: round trip, exact errors, atomic writes, and a fuzz of the loader."""

import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.graph import Document
from core.graph.parser import parse
from core.graph.serialize import FileFormatError, dumps, load, loads, save, to_dict

from .helpers.snapshot import snapshot


def _doc():
    doc = parse("mean(y - x @ w) + sum(x, dim=0)[1]**3",
                values={"x": [[1.0, 2.0], [3.0, 4.0]], "w": [[1.0], [2.0]],
                        "y": [[1.0], [0.0]]})
    doc.set_value(doc.by_name("y").id, "[[nan], [inf]]", dtype="float64")
    c = doc.add_node("constant", name="k", value=[1, 2, 3])
    doc.add_node("variable", name="flag", value=[True, False])
    doc.set_output(doc.output, gradient=1.0)
    doc.meta["explanation"] = "ünïcode ok"
    assert doc.node(c).dtype == "int64"
    return doc


def test_round_trip(tmp_path):
    doc = _doc()
    p = tmp_path / "g.json"
    save(doc, p)
    back = load(p)
    assert snapshot(back) == snapshot(doc)
    assert back.node(back.by_name("y").id).dtype == "float64"
    assert np.isnan(back.by_name("y").value[0, 0])
    assert back.output_gradient == 1.0
    assert json.loads(p.read_text())["version"] == 2
    # strict JSON: no NaN literals
    json.loads(p.read_text(), parse_constant=lambda c: pytest.fail(c))


def test_atomic_write_keeps_old_file_on_failure(tmp_path, monkeypatch):
    p = tmp_path / "g.json"
    save(parse("x"), p)
    old = p.read_text()

    def boom(*a):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save(parse("x + y"), p)
    assert p.read_text() == old
    assert os.listdir(tmp_path) == ["g.json"]  # no temp file left behind


def _mutate(path, value):
    data = to_dict(parse("x*x + 1"))
    target = data
    for k in path[:-1]:
        target = target[k]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(data)


@pytest.mark.parametrize("text, msg", [
    ("", "not valid JSON (line 1, column 1)"),
    ('{"format": "chainrule-graph", "version": 1, "nodes": [', "not valid JSON"),
    ("[1]", "expected an object, got a list"),
    ('{"format": "x", "version": 1, "nodes": []}', "format: not a Chainrule graph"),
    ('{"format": "chainrule-graph", "version": 9, "nodes": []}', "newer Chainrule"),
    ('{"format": "chainrule-graph", "version": "1", "nodes": []}', "version: expected an int"),
    ('{"format": "chainrule-graph", "version": 1}', "missing 'nodes'"),
    ('{"format": "chainrule-graph", "version": 1, "nodes": [], "evil": 1}',
     "unknown field 'evil'"),
    (_mutate(["nodes", 0, "op"], "os.system"), "nodes[0]: unknown op 'os.system'"),
    (_mutate(["nodes", 0, "value", "data"], [[1], [2, 3]]), "nodes[0].value: ragged"),
    (_mutate(["nodes", 0, "value", "data"], "__import__('os')"),
     "nodes[0].value: value element must be a number"),
    (_mutate(["nodes", 0, "value", "dtype"], "object"), "nodes[0].value.dtype: unknown dtype"),
    (_mutate(["nodes", 0, "value", "dtype"], []), "nodes[0].value.dtype: unknown dtype"),
    (_mutate(["nodes", 0, "value", "dtype"], {"a": 1}), "nodes[0].value.dtype: unknown dtype"),
    (_mutate(["nodes", 0, "pos"], [1]), "nodes[0].pos: expected two numbers"),
    (_mutate(["nodes", 1, "id"], "n1"), "nodes[1]: a node with id 'n1' already exists"),
    (_mutate(["nodes", 1, "name"], "x"), "nodes[1]: the name 'x' is already used"),
    (_mutate(["nodes", 1, "params"], {"exponent": "big"}), "nodes[1]: mul has no parameter"),
    (_mutate(["wires", 0, "src"], "n99"), "wires[0]: no node with id 'n99'"),
    (_mutate(["wires", 1], {"src": "n2", "dst": "n2", "port": "b"}), "wires[1]:"),
    (_mutate(["wires", 0, "port"], KeyError), "wires[0]: missing 'port'"),
    (_mutate(["output"], "nope"), "output: no node with id 'nope'"),
    (_mutate(["output_gradient"], {"dtype": "float32", "data": "x"}), "output_gradient"),
    (_mutate(["nodes", 0, "requires_grad"], "yes"), "nodes[0].requires_grad"),
    ("[" * 100000 + "]" * 100000, "nested too deeply"),
    ('{"format": "chainrule-graph", "version": 1, "nodes": [], "meta": {"a": '
     + "[" * 500 + "]" * 500 + "}}", "meta: nested more than 32"),
])
def test_exact_errors(text, msg):
    with pytest.raises(FileFormatError) as e:
        loads(text)
    assert msg in str(e.value)


def test_not_utf8(tmp_path):
    p = tmp_path / "bad.json"
    p.write_bytes(b"\xff\xfe{")
    with pytest.raises(FileFormatError, match="invalid UTF-8"):
        load(p)


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False)
    | st.sampled_from(["n1", "n2", "x", "float32", "add", "variable", "a", "b", "value"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["id", "op", "name", "pos", "params", "value", "dtype",
                                       "data", "src", "dst", "port", "requires_grad"]),
                      children, max_size=5),
    max_leaves=30,
)


@st.composite
def _files(draw):
    doc = parse("a*x + b")
    doc.insert_frame(doc.prepare_frame(None, "frame", "green", [n.id for n in doc][:2]))
    data = to_dict(doc)
    # mutate a random path of a valid file into random JSON
    paths = [("nodes", i, k) for i in range(len(data["nodes"])) for k in data["nodes"][i]]
    paths += [("wires", i, k) for i in range(len(data["wires"])) for k in ("src", "dst", "port")]
    paths += [("frames", 0, k) for k in data["frames"][0]] + [("frames",)]
    paths += [("output",), ("nodes",), ("wires",), ("version",)]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        target = data
        try:
            for k in path[:-1]:
                target = target[k]
            target[path[-1]] = draw(_json)
        except (KeyError, IndexError, TypeError):
            pass
    return json.dumps(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_files(), _json.map(json.dumps), st.text(max_size=60)))
def test_fuzz_loader_only_clear_errors(text):
    try:
        doc = loads(text)
    except FileFormatError as e:
        assert str(e)
        return
    assert isinstance(doc, Document)
    # a successful load is a complete, valid document: it survives a round trip
    assert snapshot(loads(dumps(doc))) == snapshot(doc)
