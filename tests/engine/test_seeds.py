"""The seed tutorials (../shared/seeds/*.txt) run with ``import core as torch``: the numbers
they compute and the text they print, character for character as PyTorch 2.13 prints it.

The programs are the ones the script interpreter's tests run (one source,
``tests/graph/helpers/seed_programs.py``); here Python itself runs them, with every
``import torch`` answered by the engine, so these tests speak of the engine alone. Where a
tutorial's captured output comes from an old PyTorch (``Variable containing:``), the
expected text here is what torch 2.13 prints for the same program."""

from __future__ import annotations

import builtins
import contextlib
import io
from typing import Any

import numpy as np
import pytest
from graph.helpers.seed_programs import SEED_PROGRAMS

import core as torch
from core.autograd import Variable


def _engine_import(name: str, globals: Any = None, locals: Any = None,
                   fromlist: Any = (), level: int = 0) -> Any:
    """``import torch`` / ``from torch.autograd import ...`` get ``core`` / ``core.autograd``."""
    if name == "torch" or name.startswith("torch."):
        name = "core" + name[len("torch"):]
    return builtins.__import__(name, globals, locals, fromlist, level)


def run_seed(name: str) -> tuple[str, dict[str, Any], Exception | None]:
    """Run one seed program under the engine, seeded as the torch reference is: what it
    printed, its top-level names, and the exception it ended with (or None)."""
    ns: dict[str, Any] = {"__name__": "seed",
                          "__builtins__": {**vars(builtins), "__import__": _engine_import}}
    out, err = io.StringIO(), None
    torch.manual_seed(0)
    try:
        with contextlib.redirect_stdout(out):  # the repository's own fixture, run by Python
            exec(compile(SEED_PROGRAMS[name], name, "exec"), ns)
    except Exception as e:  # the tutorial's own typos: PyTorch fails on them too
        err = e
    return out.getvalue(), ns, err


def run_ok(name: str) -> tuple[str, dict[str, Any]]:
    out, ns, err = run_seed(name)
    assert err is None, repr(err)
    return out, ns


# ============================================================ seed 000 (and 003, its translation)
def test_seed000_scalar_backward() -> None:
    out, ns = run_ok("000_scalar")
    assert out == "tensor(-2.)\n"
    assert ns["dy_dx"].item() == -2.0
    assert ns["dy_dx"].dtype is torch.float32


def test_seed000_nonscalar_backward_with_gradient() -> None:
    out, ns = run_ok("000_nonscalar")
    assert out == (
        "x:\n tensor([[0., 0.],\n        [1., 2.]], requires_grad=True)\n"
        "y:\n tensor([[1., 1.],\n        [0., 1.]], grad_fn=<AddBackward0>)\n"
        "x_grad:\n tensor([[-2., -2.],\n        [ 0.,  2.]])\n")
    assert ns["x_grad"].tolist() == [[-2.0, -2.0], [0.0, 2.0]]


def test_seed000_nonscalar_via_scalar() -> None:
    out, ns = run_ok("000_via_scalar")
    assert out == (
        "x: tensor([[0., 0.],\n        [1., 2.]], requires_grad=True)\n"
        "y: tensor([[1., 1.],\n        [0., 1.]], grad_fn=<AddBackward0>)\n"
        "x_grad:\n tensor([[-2., -2.],\n        [ 0.,  2.]])\n")
    assert repr(ns["z"]) == "tensor(3., grad_fn=<SumBackward0>)"


def test_seed000_autograd_grad_second_derivative() -> None:
    out, ns = run_ok("000_grad_create_graph")
    assert out == "tensor(-2.)\ntensor(2.)\n"
    dy_dx, dy2_dx2 = ns["dy_dx"], ns["dy2_dx2"]
    assert dy_dx.requires_grad and dy_dx.grad_fn is not None
    assert dy_dx.item() == -2.0 and dy2_dx2.item() == 2.0
    assert ns["x"].grad is None  # grad() returns, it doesn't accumulate


def test_seed000_grad_several_inputs_and_outputs() -> None:
    out, _ = run_ok("000_grad_many")
    assert out == "tensor(2.) tensor(1.)\ntensor(3.) tensor(2.)\n"


def test_seed000_sgd_finds_the_minimum() -> None:
    out, ns = run_ok("000_sgd")
    assert out == "y= tensor(0.) ; x= tensor(1.0000)\n"
    # torch 2.13's float32 trajectory, bit for bit
    assert ns["x"].item() == 0.9999589920043945
    assert ns["f"](ns["x"]).item() == 0.0


def test_seed003_prints_items() -> None:
    out, ns = run_ok("003_sgd")
    assert out == "最小值 y = 0.0 ; 对应的 x = 0.9999589920043945\n"

    out, _ = run_ok("003_grad_many")
    assert out == ("y1 对 x1 的导数: 2.0\ny1 对 x2 的导数: 1.0\n"
                   "y1 和 y2 对 x1 的导数: tensor(3.)\ny1 和 y2 对 x2 的导数: tensor(2.)\n")


def test_seed003_second_derivative_printed() -> None:
    out, _ = run_ok("003_grad")
    assert out == ("一阶导数 (dy/dx) 在 x=0 处的值： tensor(-2.)\n"
                   "二阶导数 (d²y/dx²) 在 x=0 处的值： tensor(2.)\n")


def test_seed003_version_string() -> None:
    assert isinstance(torch.__version__, str) and torch.__version__
    out, _ = run_ok("003_version")
    assert out == f"torch.__version__={torch.__version__}\n"


# ============================================================ seed 001 (Variable)
def test_seed001_simple() -> None:
    out, ns = run_ok("001_variable")
    assert out == "tensor([19.], grad_fn=<AddBackward0>)\ntensor([8.])\n"
    x = ns["x"]
    assert isinstance(x, Variable) and isinstance(x, torch.Tensor)
    assert x.is_leaf and x.requires_grad


def test_seed001_mean_of_matmul() -> None:
    _, ns = run_ok("001_matmul")
    x, y, w, out = ns["x"], ns["y"], ns["w"], ns["out"]
    assert out.grad_fn.name() == "MeanBackward0"

    yg = y.grad.numpy()
    assert yg.shape == (10, 5) and yg.dtype == np.float32
    np.testing.assert_allclose(yg, np.full((10, 5), 0.02, np.float32), rtol=0, atol=1e-9)
    w_np, x_np = w.detach().numpy(), x.detach().numpy()
    xg = x.grad.numpy()
    assert xg.shape == (10, 20)
    for row in xg:  # every row of x.grad is -w.sum(1)/50
        np.testing.assert_allclose(row, -w_np.sum(1) / 50, rtol=1e-5, atol=1e-7)
    wg = w.grad.numpy()
    assert wg.shape == (20, 5)
    for col in wg.T:  # every column of w.grad is -x.sum(0)/50
        np.testing.assert_allclose(col, -x_np.sum(0) / 50, rtol=1e-5, atol=1e-7)


def test_seed001_index_assignment() -> None:
    out, ns = run_ok("001_setitem")
    assert out == (
        "tensor([[2., 3.]], requires_grad=True)\n"
        "tensor([[0., 0.]])\n"
        "tensor([[ 4., 27.]], grad_fn=<CopySlices>)\n"
        "tensor([[ 4., 27.]])\n")
    n, m = ns["n"], ns["m"]
    assert n.tolist() == [[4.0, 27.0]] and m.grad.tolist() == [[4.0, 27.0]]
    assert not n.is_leaf and n.grad_fn.name() == "CopySlices"


def test_seed001_retain_graph_accumulates() -> None:
    out, _ = run_ok("001_retain_graph")
    assert out == "tensor([18.], grad_fn=<AddBackward0>)\ntensor([8.])\ntensor([16.])\n"


def test_seed001_jacobian_exercise() -> None:
    out, ns = run_ok("001_jacobian")
    assert out == ("tensor([13., 13.], grad_fn=<CopySlices>)\n"
                   "tensor([[4., 3.],\n        [2., 6.]])\n")
    assert ns["j"].tolist() == [[4.0, 3.0], [2.0, 6.0]]


# the tutorials' typos (`Out`, `N`, `Y`), MXNet code and an unimported alias: Python stops
# where PyTorch stops, after printing the same text
@pytest.mark.parametrize(("name", "printed"), [
    ("001_matmul_as_printed", ""),
    ("001_setitem_as_printed", "tensor([[ 4., 27.]], grad_fn=<CopySlices>)\n"),
    ("001_retain_graph_as_printed", "tensor([18.], grad_fn=<AddBackward0>)\n"),
    ("004_mxnet_cell", ""),
    ("004_variable_alias", ""),
])
def test_seed_typos_fail_where_pytorch_fails(name: str, printed: str) -> None:
    out, _, err = run_seed(name)
    assert isinstance(err, NameError) and out == printed


# ============================================================ seed 002 (d2l) and 004
def test_seed002_dot_and_detach() -> None:
    out, ns = run_ok("002_d2l")
    assert out == ("tensor([0., 1., 2., 3.])\n"
                   "None\n"
                   "tensor(28., grad_fn=<MulBackward0>)\n"
                   "tensor([ 0.,  4.,  8., 12.])\n"
                   "tensor([True, True, True, True])\n"
                   "tensor(6., grad_fn=<SumBackward0>)\n"
                   "tensor([1., 1., 1., 1.])\n"
                   "tensor([0., 2., 4., 6.])\n"
                   "tensor([0., 2., 4., 6.])\n"
                   "tensor([True, True, True, True])\n"
                   "tensor([True, True, True, True])\n")
    u = ns["u"]
    assert not u.requires_grad and u.grad_fn is None


def _f() -> Any:
    """The tutorial's ``f``: a while loop and a branch on tensor values."""
    _, ns = run_ok("002_control_flow")
    return ns["f"]


def test_seed002_control_flow_program() -> None:
    out, ns = run_ok("002_control_flow")
    assert out == ("tensor(1.5410, requires_grad=True)\n"
                   "tensor(1577.9800, grad_fn=<MulBackward0>)\n"
                   "tensor(1024.)\n"
                   "tensor(True)\n")


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 7, 42])
def test_seed002_control_flow(seed: int) -> None:
    f = _f()
    torch.manual_seed(seed)
    a = torch.randn(size=(), requires_grad=True)
    d = f(a)
    d.backward()
    assert (a.grad == d / a).item() is True
    assert repr(a.grad == d / a) == "tensor(True)"
    assert d.grad_fn.name() == "MulBackward0"


@pytest.mark.parametrize("value", [0.013915225982666016, -0.5, 3.0, -1e-3])
def test_seed002_control_flow_printed(value: float) -> None:
    a = torch.tensor(value, requires_grad=True)
    d = _f()(a)
    d.backward()
    assert a.grad.item() == pytest.approx(d.item() / value, rel=1e-6)
    if value > 0.01 and value < 0.02:  # the tutorial's run: a = 1823.8965 / 2**17
        assert (repr(a), repr(d), repr(a.grad)) == ("tensor(0.0139, requires_grad=True)",
                                                    "tensor(1823.8965, grad_fn=<MulBackward0>)",
                                                    "tensor(131072.)")


def test_seed004_arange_requires_grad() -> None:
    out, _ = run_ok("004_d2l")
    assert out == ("tensor([0., 1., 2., 3.], requires_grad=True)\n"
                   "None\n"
                   "tensor(28., grad_fn=<MulBackward0>)\n"
                   "tensor([ 0.,  4.,  8., 12.])\n"
                   "tensor([1., 1., 1., 1.])\n"
                   "tensor(6., grad_fn=<SumBackward0>)\n")


def test_seed004_grad_of_grad() -> None:
    out, _ = run_ok("004_variable_fixed")
    assert out == ("(tensor([8.], grad_fn=<MulBackward0>),)\n"
                   "(tensor([2.]),)\n")
