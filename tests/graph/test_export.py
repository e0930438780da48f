"""Code export: the PyTorch script and the core script print the document's numbers."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.graph import Document
from core.graph.evaluate import Evaluator
from core.graph.export import save_script, to_core, to_pytorch
from core.graph.parser import parse
from core.graph.serialize import load

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "resources" / "examples").glob("*.json"))


def _run(source: str, tmp_path: Path, name: str) -> str:
    p = tmp_path / name
    p.write_text(source)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, str(p)], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_core_script_prints_the_documents_gradients(path, tmp_path):
    doc = load(path)
    out = _run(to_core(doc), tmp_path, "c.py")
    r = Evaluator(doc).backward()
    import core
    from core._tensor_str import tensor_repr

    for nid, g in r.leaf_grads.items():
        expect = tensor_repr(core.from_numpy(np.array(g)))
        assert f"{doc.node(nid).name}.grad = {expect}" in out


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_pytorch_script_prints_what_core_prints(path, tmp_path):
    pytest.importorskip("torch")
    doc = load(path)
    torch_out = _run(to_pytorch(doc), tmp_path, "t.py")
    core_out = _run(to_core(doc), tmp_path, "c.py")
    assert torch_out == core_out


def test_derivative_documents_export(tmp_path):
    """Differentiate's building blocks (unindex, expand, sum_to...) export too."""
    pytest.importorskip("torch")
    doc = parse("k = [x[0]**2 + 3*x[1], mean(x @ w)]",
                values={"x": [2.0, 3.0], "w": [[1.0, 2.0], [0.5, -1.0]]})
    doc.set_output(doc.output, gradient=[1.0, 1.0])
    d = Evaluator(doc).differentiate(wrt=doc.by_name("x").id)
    ops = {n.op for n in d}
    assert "unindex" in ops
    t = _run(to_pytorch(d), tmp_path, "t.py")
    c = _run(to_core(d), tmp_path, "c.py")
    assert t == c
    g = Evaluator(d).value(d.output)
    np.testing.assert_allclose(g, Evaluator(doc).backward().leaf_grads[doc.by_name("x").id])


def test_unwired_nodes_are_left_out_and_values_are_literals(tmp_path):
    doc = Document()
    x = doc.add_node("variable", name="x", value="[1.0, nan, inf]", requires_grad=True)
    doc.add_node("mul", name="half")  # unwired
    s = doc.add_node("sum", name="s")
    doc.connect(x, s, "x")
    doc.set_output(s)
    src = to_core(doc)
    assert "# half (mul): an input is not wired; left out" in src
    assert "float('nan')" in src
    out = _run(src, tmp_path, "c.py")
    assert "x.grad = tensor([1., 1., 1.])" in out


def test_save_script_atomic(tmp_path):
    p = tmp_path / "g.py"
    save_script(parse("x*2"), p, flavor="core")
    assert p.read_text().startswith('"""')
    with pytest.raises(ValueError):
        save_script(parse("x"), p, flavor="jax")


def test_every_catalog_op_exports_identically(tmp_path):
    """One document holding every op (inputs from the catalog test's cases): the
    PyTorch script and the core script print the same values."""
    pytest.importorskip("torch")
    from .test_catalog import CASES

    doc = Document()
    for op, (args, params) in CASES.items():
        nid = doc.add_node(op, name=f"{op}_node", params=params)
        for port, v in args.items():
            if v is None:
                continue
            vals = v if isinstance(v, list) else [v]
            for i, arr in enumerate(vals):
                p = f"{port}.{i}" if isinstance(v, list) else port
                src = doc.add_node("constant", name=f"{op}_{port}{i}", value=np.array(arr),
                                   dtype=None if np.array(arr).dtype != np.float64 else
                                   "float32")
                doc.connect(src, nid, p)
    t = _run(to_pytorch(doc), tmp_path, "t.py")
    c = _run(to_core(doc), tmp_path, "c.py")
    assert t == c
    ev = Evaluator(doc)
    ev.forward()
    assert not ev.errors, ev.errors
