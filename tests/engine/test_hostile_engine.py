"""Where the engine differed from PyTorch on careless input (issue 14): integer results
that required grad, integer ** negative integer, and the 0-"norm"."""

from __future__ import annotations

import numpy as np
import pytest
import torch as real

import core


def test_integer_conversion_does_not_require_grad() -> None:
    """A backward through x.to(int64) used to produce -9.22e18 silently."""
    x = core.tensor([1.5, -2.0], requires_grad=True)
    for dt in (core.int64, core.bool):
        y = x.to(dt)
        assert not y.requires_grad and y.grad_fn is None
    assert not (x > 0).requires_grad
    rx = real.tensor([1.5, -2.0], requires_grad=True)
    assert x.to(core.int64).requires_grad == rx.to(real.int64).requires_grad


def test_integer_to_negative_integer_power_is_pytorchs_error() -> None:
    with pytest.raises(RuntimeError, match="Integers to negative integer powers are not allowed."):
        core.tensor(2) ** -1
    with pytest.raises(RuntimeError, match="Integers to negative integer powers"):
        real.tensor(2) ** -1
    assert float(core.tensor(2) ** -1.0) == 0.5


def test_integer_tensor_powers_with_negative_exponents_match_pytorch() -> None:
    base = [0, 1, -1, -1, 2, -2, 0, 3]
    exp = [-1, -3, -3, -2, -2, -1, 0, 2]
    got = core.pow(core.tensor(base), core.tensor(exp)).numpy()
    want = real.pow(real.tensor(base), real.tensor(exp)).numpy()
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal((2 ** core.tensor([-1, 0, 1])).numpy(),
                                  (2 ** real.tensor([-1, 0, 1])).numpy())


@pytest.mark.parametrize("p", [0, 0.0, float("-inf")])
@pytest.mark.parametrize("dim", [None, 1])
def test_norm_zero_and_minus_inf_match_pytorch(p: float, dim: int | None) -> None:
    data = [[0.0, 2.0, -3.0], [1.0, 0.0, 0.5]]
    x = core.tensor(data, requires_grad=True)
    rx = real.tensor(data, requires_grad=True)
    n = core.norm(x, p=p, dim=dim)
    rn = real.norm(rx, p=p, dim=dim)
    np.testing.assert_allclose(n.detach().numpy(), rn.detach().numpy())
    assert n.dtype.name == "float32"
    n.sum().backward()
    rn.sum().backward()
    want = np.zeros((2, 3)) if rx.grad is None else rx.grad.numpy()
    np.testing.assert_allclose(x.grad.numpy(), want)
