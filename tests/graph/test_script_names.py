"""Exported scripts never hide a Python built-in behind a node variable (`pow`, `sum`...)."""

import ast

import numpy as np
import pytest

from core.graph import Document
from core.graph.export import script_variables, to_core, to_pytorch
from core.graph.parser import parse
from core.graph.script_names import BUILTIN_NAMES
from core.graph.train import Trainer

from .helpers.exported_scripts import assert_export_matches_document


def _assigned(source: str) -> set[str]:
    """Every name the script assigns at any level (statements, loops, functions)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _builtin_named_doc() -> Document:
    """max ** range summed, beside abs(max) named pow_ (the name pow's rename would take)."""
    doc = Document()
    mx = doc.add_node("variable", name="max", value=[1.0, -2.0, 3.0], requires_grad=True)
    rg = doc.add_node("constant", name="range", value=2.0)
    pw = doc.add_node("pow", name="pow")
    doc.connect(mx, pw, "base")
    doc.connect(rg, pw, "exponent")
    taken = doc.add_node("abs", name="pow_")
    doc.connect(mx, taken, "x")
    sm = doc.add_node("sum", name="sum")
    doc.connect(pw, sm, "x")
    mn = doc.add_node("sum", name="min")
    doc.connect(taken, mn, "x")
    out = doc.add_node("add", name="abs")
    doc.connect(sm, out, "a")
    doc.connect(mn, out, "b")
    doc.set_output(out)
    return doc


@pytest.mark.parametrize("op", ["pow", "sum", "abs"])
def test_new_nodes_are_not_named_like_a_builtin(op):
    doc = Document()
    node = doc.node(doc.add_node(op))
    assert node.name == f"{op}1"
    assert doc.node(doc.add_node(op)).name == f"{op}2"


def test_parsed_nodes_are_not_named_like_a_builtin():
    doc = parse("y = (x**2).sum() + abs(x).sum()", values={"x": [1.0, -2.0]})
    assert not {n.name for n in doc} & BUILTIN_NAMES
    assert {"pow1", "sum1", "abs1"} <= {n.name for n in doc}


def test_a_name_the_person_chose_is_kept_in_the_document():
    doc = Document()
    nid = doc.add_node("pow", name="pow")
    assert doc.node(nid).name == "pow"


def test_builtin_names_are_renamed_consistently_in_both_scripts(tmp_path):
    pytest.importorskip("torch")
    doc = _builtin_named_doc()
    var = script_variables(doc)
    assert var[doc.by_name("pow").id] == "pow_1"  # pow_ is another node's own name
    assert var[doc.by_name("pow_").id] == "pow_"
    assert var[doc.by_name("sum").id] == "sum_"
    for source in (to_pytorch(doc), to_core(doc)):
        assert not _assigned(source) & BUILTIN_NAMES, source
        assert "print(\"pow =\", pow_1.detach())" in source  # labels keep the document's names
        assert "print(\"max.grad =\", max_.grad)" in source
        assert "pow is pow_1" in source  # and a comment says which variable is which
    assert_export_matches_document(doc, tmp_path)


def test_training_script_with_a_node_named_range_runs():
    """`for _step in range(...)` came after `range = torch.tensor(...)`: the training script
    died with "'Tensor' object is not callable"."""
    torch = pytest.importorskip("torch")
    doc = Document()
    rg = doc.add_node("variable", name="range", value=[1.0, -2.0], requires_grad=True)
    pw = doc.add_node("pow", name="pow")
    doc.connect(rg, pw, "base")
    sm = doc.add_node("sum", name="sum")
    doc.connect(pw, sm, "x")
    doc.set_output(sm)
    tr = Trainer(doc, "sgd", lr=0.1)
    text = tr.script(5)
    assert not _assigned(text) & BUILTIN_NAMES, text
    tr.run(5)
    ns: dict = {}
    exec(compile(text, "<exported>", "exec"), ns)  # noqa: S102 - our own generated code
    assert isinstance(ns["range_"], torch.Tensor)
    np.testing.assert_allclose(ns["range_"].detach().numpy(), tr.values()[rg], rtol=1e-5)
