"""resources/examples/*.py: each lesson as a script. Each prints what PyTorch prints,
holds PyTorch's values and gradients, and records a document whose backward gives the
script's gradients. And the round trip: every example document exported as a PyTorch
script and run again gives a document with the same values and gradients."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.graph.evaluate import Evaluator
from core.graph.export import to_core, to_pytorch
from core.graph.script import run_script
from core.graph.serialize import load

from .helpers.script_checks import check_document_grads, check_training_replays_the_loop
from .helpers.torch_reference import HAVE_TORCH, torch_reference

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
SCRIPTS = {p.stem: p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.py"))}
DOCS = sorted(EXAMPLES.glob("*.json"))


@pytest.fixture(scope="module")
def reference() -> dict:
    if not HAVE_TORCH:
        pytest.skip("PyTorch is not installed")
    return torch_reference(SCRIPTS)


@pytest.fixture(scope="module")
def runs() -> dict:
    return {name: run_script(src) for name, src in SCRIPTS.items()}


def test_every_lesson_has_a_script():
    lessons = {p.stem for p in DOCS}
    assert lessons <= set(SCRIPTS)
    for extra in ("12_control_flow", "13_sgd_loop", "14_variable"):
        assert extra in SCRIPTS


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_example_prints_what_pytorch_prints(name, reference, runs):
    run = runs[name]
    assert run.error is None, str(run.error)
    assert run.stdout == reference[name]["stdout"]
    assert reference[name]["error"] is None


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_example_variables_match_pytorch(name, reference, runs):
    ref, run = reference[name]["tensors"], runs[name]
    assert set(run.variables) == set(ref)
    for k, (value, grad) in ref.items():
        t = run.variables[k]
        np.testing.assert_allclose(t.detach().numpy(), np.array(value), rtol=1e-6, atol=1e-6)
        assert (t.grad is None) == (grad is None)
        if grad is not None:
            np.testing.assert_allclose(t.grad.numpy(), np.array(grad), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(n for n in SCRIPTS if "sgd" not in n))
def test_example_document_gives_the_scripts_gradients(name, runs):
    check_document_grads(runs[name])


def test_sgd_example_replays_in_the_trainer(runs):
    check_training_replays_the_loop(runs["13_sgd_loop"])


def test_lesson_numbers(runs):
    assert "after one backward: tensor([8.])\nafter two: tensor([16.])" in runs[
        "10_retain_graph"].stdout
    assert "a third backward fails: Trying to backward" in runs["10_retain_graph"].stdout
    assert runs["07_power_vector"].variables["m"].grad.tolist() == [[4.0, 27.0]]
    assert runs["01_quadratic"].stdout.splitlines()[0].endswith("tensor(-2., "
                                                                "grad_fn=<AddBackward0>)")
    assert runs["01_quadratic"].stdout.splitlines()[1] == "d2y/dx2: tensor(2.)"
    assert "[2., 6.]" in runs["08_jacobian"].stdout


def _by_name(doc, mapping):
    return {doc.node(nid).name: v for nid, v in mapping.items() if v is not None}


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
@pytest.mark.parametrize("flavor", ["torch", "core"])
def test_round_trip_through_the_exported_script(path, flavor):
    doc = load(path)
    src = to_pytorch(doc) if flavor == "torch" else to_core(doc).replace(
        "import core as torch", "import torch")
    run = run_script(src)
    assert run.error is None, str(run.error)
    new = run.document
    ev_old, ev_new = Evaluator(doc), Evaluator(new)
    ev_old.forward()
    ev_new.forward()
    old_vals, new_vals = _by_name(doc, ev_old.values), _by_name(new, ev_new.values)
    common = (set(old_vals) & set(new_vals)) - {n.name for n in doc if n.op == "output"}
    assert len(common) >= 3, common
    for name in common:
        np.testing.assert_allclose(new_vals[name], old_vals[name], rtol=1e-6, atol=1e-6)
    res_old, res_new = ev_old.backward(), ev_new.backward()
    assert res_new.error is None, res_new.error
    g_old, g_new = _by_name(doc, res_old.node_grads), _by_name(new, res_new.node_grads)
    leaves = _by_name(doc, res_old.leaf_grads)
    assert leaves and set(leaves) <= set(_by_name(new, res_new.leaf_grads))
    for name in (set(g_old) & set(g_new) & common) | set(leaves):
        old = leaves.get(name, g_old.get(name))
        new_g = _by_name(new, res_new.leaf_grads).get(name, g_new.get(name))
        np.testing.assert_allclose(new_g, old, rtol=1e-6, atol=1e-6)
