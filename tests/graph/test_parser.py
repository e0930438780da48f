"""Expression parser: whitelisted ast, shared names, errors with columns."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.graph import Document
from core.graph.parser import ParseError, insert_command, parse


def _ops(doc):
    return sorted(n.op for n in doc)


@pytest.mark.parametrize("text, ops", [
    ("a*x**2 + b*x + c", ["add", "add", "mul", "mul", "output", "pow", "variable", "variable",
                          "variable", "variable"]),
    ("2*dot(x, x)", ["constant", "dot", "mul", "output", "variable"]),
    ("mean(y - x @ w)", ["matmul", "mean", "output", "sub", "variable", "variable",
                         "variable"]),
    ("(x + 2)**2 + 3", ["add", "add", "constant", "constant", "output", "pow", "variable"]),
    ("tanh(w*x + b)", ["add", "mul", "output", "tanh", "variable", "variable", "variable"]),
])
def test_issue_expressions(text, ops):
    doc = parse(text)
    assert _ops(doc) == ops
    assert doc.output is not None and doc.node(doc.output).op == "output"
    assert all(not doc.unwired_ports(n.id) for n in doc)


def test_name_used_twice_is_one_node():
    doc = parse("x*x + x")
    xs = [n for n in doc if n.op == "variable"]
    assert len(xs) == 1
    assert len(doc.wires_from(xs[0].id)) == 3


def test_pow_literal_exponent_is_a_parameter():
    doc = parse("x**3")
    p = next(n for n in doc if n.op == "pow")
    assert p.params["exponent"] == 3.0
    assert list(doc.inputs_of(p.id)) == ["base"]
    doc = parse("x**y")
    p = next(n for n in doc if n.op == "pow")
    assert set(doc.inputs_of(p.id)) == {"base", "exponent"}


def test_values_and_requires_grad():
    doc = parse("a*x", values={"x": [1.0, 2.0]}, requires_grad=False)
    x = doc.by_name("x")
    assert x.value.tolist() == [1.0, 2.0] and not x.requires_grad


def test_assignments_name_nodes_and_make_outputs():
    doc = parse("y = x + 2\nz = y**2 + 3")
    assert doc.by_name("y").op == "add" and doc.by_name("z").op == "add"
    assert doc.inputs_of(doc.output) == {"value": doc.by_name("z").id}
    doc = parse("y1 = x1*x2\ny2 = x1+x2\ny1\ny2")
    assert len(doc.outputs()) == 2


def test_calls_methods_params_and_stack():
    doc = parse("sum(x, dim=0) + x.mean() + softmax(x, -1)[0] + torch.exp(x).sum()")
    assert {"sum", "mean", "softmax", "index", "exp"} <= {n.op for n in doc}
    doc = parse("[a**2, b**3]")
    st_node = next(n for n in doc if n.op == "stack")
    assert set(doc.inputs_of(st_node.id)) == {"xs.0", "xs.1"}
    assert parse("x.T").by_name("transpose") is not None
    assert parse("reshape(x, (2, 3))").by_name("reshape").params["shape"] == (2, 3)


@pytest.mark.parametrize("text, col, frag", [
    ("a +* b", 4, "invalid syntax"),
    ("exp(x", 4, "never closed"),
    ("a + foo(x)", 5, "unknown function 'foo'"),
    ("__import__('os').system('x')", 1, "unknown function"),
    ("x.y", 1, "attribute"),
    ("exp", 1, "is a function"),
    ("x + (lambda: 1)", 6, "lambda"),
    ("x['a']", 3, "integers only"),
    ("sum(x, dim='a')", 12, "dim"),
    ("  a + 'hello'", 7, "only numbers"),
    ("dot(x)", 1, "missing its 'b'"),
    ("torch + 1", 1, "reserved"),
    ("x < y", 1, "compare"),
])
def test_errors_point_at_the_column(text, col, frag):
    with pytest.raises(ParseError) as e:
        parse(text)
    assert e.value.col == col, str(e.value)
    assert frag in str(e.value) and str(e.value).startswith(f"column {col}")


def test_multiline_error_has_line():
    with pytest.raises(ParseError, match="line 2, column 5"):
        parse("a = 1\nb = (")
    with pytest.raises(ParseError, match="import"):
        parse("import os")


def test_insert_into_existing_document_reuses_names_and_undoes():
    doc = parse("x**2")
    before = len(doc)
    cmd = insert_command(doc, "tanh(x) + 1")
    assert len(doc) == before  # validated by a silent trial, nothing applied yet
    cmd.redo()
    xs = [n for n in doc if n.name == "x"]
    assert len(xs) == 1 and len(doc.wires_from(xs[0].id)) == 2
    cmd.undo()
    assert len(doc) == before


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="xy12+-*/()@.,[]= \nabcdefghijklmnopqrstuvwxyz_'\"", max_size=40))
def test_fuzz_never_crashes(text):
    try:
        doc = parse(text)
    except ParseError:
        return
    assert isinstance(doc, Document)
