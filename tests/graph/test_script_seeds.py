"""Every program of the seed tutorials runs through the script interpreter and prints
exactly what PyTorch prints; its tensors hold PyTorch's values and gradients; and the
document it records, evaluated by the Evaluator, gives the script's leaf gradients."""

from __future__ import annotations

import numpy as np
import pytest

from core.graph.script import run_script

from .helpers.script_checks import check_document_grads, check_training_replays_the_loop
from .helpers.seed_programs import SEED_PROGRAMS
from .helpers.torch_reference import HAVE_TORCH, torch_reference

NAMES = sorted(SEED_PROGRAMS)


@pytest.fixture(scope="module")
def reference() -> dict:
    if not HAVE_TORCH:
        pytest.skip("PyTorch is not installed")
    return torch_reference(SEED_PROGRAMS)


@pytest.fixture(scope="module")
def runs() -> dict:
    return {name: run_script(src) for name, src in SEED_PROGRAMS.items()}


@pytest.mark.parametrize("name", NAMES)
def test_prints_what_pytorch_prints(name, reference, runs):
    ref, run = reference[name], runs[name]
    assert run.stdout == ref["stdout"]
    if ref["error"] is None:
        assert run.error is None, str(run.error)
    else:
        assert run.error is not None and ref["error"] in run.error.message
        assert run.error.line > 0


@pytest.mark.parametrize("name", NAMES)
def test_variables_hold_pytorch_values_and_grads(name, reference, runs):
    ref, run = reference[name], runs[name]
    assert set(run.variables) == set(ref["tensors"])
    for k, (value, grad) in ref["tensors"].items():
        t = run.variables[k]
        np.testing.assert_allclose(t.detach().numpy(), np.array(value), rtol=1e-6, atol=1e-6)
        if grad is None:
            assert t.grad is None
        else:
            np.testing.assert_allclose(t.grad.numpy(), np.array(grad), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", [n for n in NAMES if "as_printed" not in n and n not in (
    "003_version", "004_mxnet_cell", "004_variable_alias") and "sgd" not in n])
def test_document_gives_the_scripts_gradients(name, runs):
    check_document_grads(runs[name])


@pytest.mark.parametrize("name", ["000_sgd", "003_sgd"])
def test_sgd_document_replays_the_loop_in_the_trainer(name, runs):
    check_training_replays_the_loop(runs[name])


def test_control_flow_shows_the_loop_unrolled_and_the_branch_taken(runs):
    run = runs["002_control_flow"]
    doc = run.document
    assert doc.node(doc.output).name == "d"
    muls = [n for n in doc if n.op == "mul"]
    # b = a * 2 once, then one b * 2 per iteration of the while loop
    assert len(muls) == 1 + 9
    note = doc.meta["control_flow"]
    assert "line 5 ran 9 times" in note and "line 7 took its 'if' branch" in note


def test_sgd_loop_presets_the_optimizer(runs):
    opt = runs["000_sgd"].optimizer
    assert (opt.cls, opt.lr, opt.steps) == ("SGD", 0.01, 500)
