"""The seed tutorials (../shared/seeds/*.txt) run with ``import core as torch``: the numbers
they compute and the text they print, character for character as PyTorch 2.13 prints it.

Where a tutorial's captured output comes from an old PyTorch (``Variable containing:``),
the expected text here is what torch 2.13 prints for the same program."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import core as torch
from core.autograd import Variable


def printed(capsys: Any) -> str:
    return capsys.readouterr().out


# ============================================================ seed 000 (and 003, its translation)
def _quadratic_parts() -> tuple[Any, Any, Any]:
    return torch.tensor(1.0), torch.tensor(-2.0), torch.tensor(1.0)


def test_seed000_scalar_backward(capsys: Any) -> None:
    x = torch.tensor(0.0, requires_grad=True)
    a, b, c = _quadratic_parts()
    y = a * torch.pow(x, 2) + b * x + c

    y.backward()
    dy_dx = x.grad
    print(dy_dx)
    assert printed(capsys) == "tensor(-2.)\n"
    assert dy_dx.item() == -2.0
    assert dy_dx.dtype is torch.float32


def test_seed000_nonscalar_backward_with_gradient(capsys: Any) -> None:
    x = torch.tensor([[0.0, 0.0], [1.0, 2.0]], requires_grad=True)
    a, b, c = _quadratic_parts()
    y = a * torch.pow(x, 2) + b * x + c

    gradient = torch.tensor([[1.0, 1.0], [1.0, 1.0]])

    print("x:\n", x)
    print("y:\n", y)
    y.backward(gradient=gradient)
    x_grad = x.grad
    print("x_grad:\n", x_grad)
    assert printed(capsys) == (
        "x:\n tensor([[0., 0.],\n        [1., 2.]], requires_grad=True)\n"
        "y:\n tensor([[1., 1.],\n        [0., 1.]], grad_fn=<AddBackward0>)\n"
        "x_grad:\n tensor([[-2., -2.],\n        [ 0.,  2.]])\n")
    assert x_grad.tolist() == [[-2.0, -2.0], [0.0, 2.0]]


def test_seed000_nonscalar_via_scalar(capsys: Any) -> None:
    x = torch.tensor([[0.0, 0.0], [1.0, 2.0]], requires_grad=True)
    a, b, c = _quadratic_parts()
    y = a * torch.pow(x, 2) + b * x + c

    gradient = torch.tensor([[1.0, 1.0], [1.0, 1.0]])
    z = torch.sum(y * gradient)

    print("x:", x)
    print("y:", y)
    z.backward()
    x_grad = x.grad
    print("x_grad:\n", x_grad)
    assert printed(capsys) == (
        "x: tensor([[0., 0.],\n        [1., 2.]], requires_grad=True)\n"
        "y: tensor([[1., 1.],\n        [0., 1.]], grad_fn=<AddBackward0>)\n"
        "x_grad:\n tensor([[-2., -2.],\n        [ 0.,  2.]])\n")
    assert repr(z) == "tensor(3., grad_fn=<SumBackward0>)"


def test_seed000_autograd_grad_second_derivative(capsys: Any) -> None:
    x = torch.tensor(0.0, requires_grad=True)
    a, b, c = _quadratic_parts()
    y = a * torch.pow(x, 2) + b * x + c

    dy_dx = torch.autograd.grad(y, x, create_graph=True)[0]
    print(dy_dx.data)
    dy2_dx2 = torch.autograd.grad(dy_dx, x)[0]
    print(dy2_dx2.data)
    assert printed(capsys) == "tensor(-2.)\ntensor(2.)\n"
    assert dy_dx.requires_grad and dy_dx.grad_fn is not None
    assert dy_dx.item() == -2.0 and dy2_dx2.item() == 2.0
    assert x.grad is None  # grad() returns, it doesn't accumulate


def test_seed000_grad_several_inputs_and_outputs(capsys: Any) -> None:
    x1 = torch.tensor(1.0, requires_grad=True)
    x2 = torch.tensor(2.0, requires_grad=True)

    y1 = x1 * x2
    y2 = x1 + x2

    (dy1_dx1, dy1_dx2) = torch.autograd.grad(outputs=y1, inputs=[x1, x2], retain_graph=True)
    print(dy1_dx1, dy1_dx2)

    (dy12_dx1, dy12_dx2) = torch.autograd.grad(outputs=[y1, y2], inputs=[x1, x2])
    print(dy12_dx1, dy12_dx2)
    assert printed(capsys) == "tensor(2.) tensor(1.)\ntensor(3.) tensor(2.)\n"


def _minimise() -> tuple[Any, Any]:
    x = torch.tensor(0.0, requires_grad=True)
    a, b, c = _quadratic_parts()

    optimizer = torch.optim.SGD(params=[x], lr=0.01)

    def f(x: Any) -> Any:
        result = a * torch.pow(x, 2) + b * x + c
        return result

    for _ in range(500):
        optimizer.zero_grad()
        y = f(x)
        y.backward()
        optimizer.step()
    return f, x


def test_seed000_sgd_finds_the_minimum(capsys: Any) -> None:
    f, x = _minimise()
    print("y=", f(x).data, ";", "x=", x.data)
    assert printed(capsys) == "y= tensor(0.) ; x= tensor(1.0000)\n"
    # torch 2.13's float32 trajectory, bit for bit
    assert x.item() == 0.9999589920043945
    assert f(x).item() == 0.0


def test_seed003_prints_items(capsys: Any) -> None:
    f, x = _minimise()
    print("最小值 y =", f(x).data.item(), "; 对应的 x =", x.data.item())
    assert printed(capsys) == "最小值 y = 0.0 ; 对应的 x = 0.9999589920043945\n"

    x1 = torch.tensor(1.0, requires_grad=True)
    x2 = torch.tensor(2.0, requires_grad=True)
    y1 = x1 * x2
    (dy1_dx1, dy1_dx2) = torch.autograd.grad(outputs=y1, inputs=[x1, x2], retain_graph=True)
    print("y1 对 x1 的导数:", dy1_dx1.item())
    print("y1 对 x2 的导数:", dy1_dx2.item())
    assert printed(capsys) == "y1 对 x1 的导数: 2.0\ny1 对 x2 的导数: 1.0\n"


def test_seed003_version_string() -> None:
    assert isinstance(torch.__version__, str) and torch.__version__


# ============================================================ seed 001 (Variable)
def test_seed001_simple(capsys: Any) -> None:
    x = Variable(torch.Tensor([2]), requires_grad=True)
    y = x + 2
    z = y ** 2 + 3
    print(z)
    z.backward()
    print(x.grad)
    assert printed(capsys) == "tensor([19.], grad_fn=<AddBackward0>)\ntensor([8.])\n"
    assert isinstance(x, Variable) and isinstance(x, torch.Tensor)
    assert x.is_leaf and x.requires_grad


def test_seed001_mean_of_matmul() -> None:
    torch.manual_seed(0)
    x = Variable(torch.randn(10, 20), requires_grad=True)
    y = Variable(torch.randn(10, 5), requires_grad=True)
    w = Variable(torch.randn(20, 5), requires_grad=True)

    out = torch.mean(y - torch.matmul(x, w))
    out.backward()
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


def test_seed001_index_assignment(capsys: Any) -> None:
    m = Variable(torch.FloatTensor([[2, 3]]), requires_grad=True)
    n = Variable(torch.zeros(1, 2))
    print(m)
    print(n)
    n[0, 0] = m[0, 0] ** 2
    n[0, 1] = m[0, 1] ** 3
    print(n)
    n.backward(torch.ones_like(n))
    print(m.grad)
    assert printed(capsys) == (
        "tensor([[2., 3.]], requires_grad=True)\n"
        "tensor([[0., 0.]])\n"
        "tensor([[ 4., 27.]], grad_fn=<CopySlices>)\n"
        "tensor([[ 4., 27.]])\n")
    assert n.tolist() == [[4.0, 27.0]] and m.grad.tolist() == [[4.0, 27.0]]
    assert not n.is_leaf and n.grad_fn.name() == "CopySlices"


def test_seed001_retain_graph_accumulates(capsys: Any) -> None:
    x = Variable(torch.FloatTensor([3]), requires_grad=True)
    y = x * 2 + x ** 2 + 3
    print(y)
    y.backward(retain_graph=True)
    print(x.grad)
    y.backward()
    print(x.grad)
    assert printed(capsys) == ("tensor([18.], grad_fn=<AddBackward0>)\n"
                               "tensor([8.])\ntensor([16.])\n")


def test_seed001_jacobian_exercise(capsys: Any) -> None:
    x = Variable(torch.FloatTensor([2, 3]), requires_grad=True)
    k = Variable(torch.zeros(2))

    k[0] = x[0] ** 2 + 3 * x[1]
    k[1] = x[1] ** 2 + 2 * x[0]
    print(k)

    j = torch.zeros(2, 2)

    k.backward(torch.FloatTensor([1, 0]), retain_graph=True)
    j[0] = x.grad.data

    x.grad.data.zero_()

    k.backward(torch.FloatTensor([0, 1]))
    j[1] = x.grad.data
    print(j)
    assert printed(capsys) == ("tensor([13., 13.], grad_fn=<CopySlices>)\n"
                               "tensor([[4., 3.],\n        [2., 6.]])\n")
    assert j.tolist() == [[4.0, 3.0], [2.0, 6.0]]


# ============================================================ seed 002 (d2l) and 004
def test_seed002_dot(capsys: Any) -> None:
    x = torch.arange(4.0)
    print(x)
    x.requires_grad_(True)
    assert x.grad is None
    y = 2 * torch.dot(x, x)
    print(y)
    y.backward()
    print(x.grad)
    print(x.grad == 4 * x)
    assert printed(capsys) == ("tensor([0., 1., 2., 3.])\n"
                               "tensor(28., grad_fn=<MulBackward0>)\n"
                               "tensor([ 0.,  4.,  8., 12.])\n"
                               "tensor([True, True, True, True])\n")
    assert y.item() == 28.0

    x.grad.zero_()
    y = x.sum()
    print(y)
    y.backward()
    print(x.grad)
    assert printed(capsys) == "tensor(6., grad_fn=<SumBackward0>)\ntensor([1., 1., 1., 1.])\n"

    x.grad.zero_()
    y = x * x
    y.backward(gradient=torch.ones(len(y)))
    print(x.grad)
    x.grad.zero_()
    y = x * x
    y.sum().backward()
    print(x.grad)
    assert printed(capsys) == "tensor([0., 2., 4., 6.])\ntensor([0., 2., 4., 6.])\n"


def test_seed002_detach(capsys: Any) -> None:
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    print(x.grad == u)
    assert printed(capsys) == "tensor([True, True, True, True])\n"
    assert not u.requires_grad and u.grad_fn is None

    x.grad.zero_()
    y.sum().backward()
    print(x.grad == 2 * x)
    assert printed(capsys) == "tensor([True, True, True, True])\n"


def _f(a: Any) -> Any:
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 7, 42])
def test_seed002_control_flow(seed: int) -> None:
    torch.manual_seed(seed)
    a = torch.randn(size=(), requires_grad=True)
    d = _f(a)
    d.backward()
    assert (a.grad == d / a).item() is True
    assert repr(a.grad == d / a) == "tensor(True)"
    assert d.grad_fn.name() == "MulBackward0"


@pytest.mark.parametrize("value", [0.013915225982666016, -0.5, 3.0, -1e-3])
def test_seed002_control_flow_printed(value: float, capsys: Any) -> None:
    a = torch.tensor(value, requires_grad=True)
    d = _f(a)
    d.backward()
    assert a.grad.item() == pytest.approx(d.item() / value, rel=1e-6)
    if value > 0.01 and value < 0.02:  # the tutorial's run: a = 1823.8965 / 2**17
        print(a)
        print(d)
        print(a.grad)
        assert printed(capsys) == ("tensor(0.0139, requires_grad=True)\n"
                                   "tensor(1823.8965, grad_fn=<MulBackward0>)\n"
                                   "tensor(131072.)\n")


def test_seed004_arange_requires_grad(capsys: Any) -> None:
    x = torch.arange(4.0, requires_grad=True)
    print(x)
    print(x.grad)
    y = 2 * torch.dot(x, x)
    print(y)
    y.backward()
    print(x.grad)
    x.grad.zero_()
    y = x.sum()
    y.backward()
    print(x.grad)
    print(y)
    assert printed(capsys) == ("tensor([0., 1., 2., 3.], requires_grad=True)\n"
                               "None\n"
                               "tensor(28., grad_fn=<MulBackward0>)\n"
                               "tensor([ 0.,  4.,  8., 12.])\n"
                               "tensor([1., 1., 1., 1.])\n"
                               "tensor(6., grad_fn=<SumBackward0>)\n")


def test_seed004_grad_of_grad(capsys: Any) -> None:
    import core as t
    from core.autograd import Variable as V

    x = V(t.Tensor([4]), requires_grad=True)
    y = x ** 2

    grad_x = t.autograd.grad(y, x, create_graph=True)
    print(grad_x)  # dy/dx = 2*x = 8

    grad_2x = t.autograd.grad(grad_x[0], x)
    print(grad_2x)  # d(2*x)/dx = 2
    assert printed(capsys) == ("(tensor([8.], grad_fn=<MulBackward0>),)\n"
                               "(tensor([2.]),)\n")
