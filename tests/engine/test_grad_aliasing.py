"""``.grad`` must never share memory with anything else: the engine hands a gradient it
just made straight to ``.grad`` (no copy) but must copy passed-through ones."""

from __future__ import annotations

import numpy as np

import core
from core.autograd import record_backward


def test_add_passes_one_gradient_to_two_leaves_yet_grads_are_independent() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    y = core.tensor([3.0, 4.0], requires_grad=True)
    (x + y).sum().backward()
    x.grad.zero_()
    assert y.grad.tolist() == [1.0, 1.0]


def test_user_gradient_is_never_aliased_by_grad() -> None:
    g = core.tensor([1.0, 1.0])
    for make in (lambda x: x * 1, lambda x: x):
        x = core.tensor([1.0, 2.0], requires_grad=True)
        make(x).backward(g)
        x.grad += 1
        assert g.tolist() == [1.0, 1.0]


def test_fresh_gradient_is_stored_without_copy_and_accumulates_in_place() -> None:
    x = core.tensor(np.ones((3, 4)), requires_grad=True)
    w = core.tensor(np.full((4, 2), 2.0), requires_grad=True)
    (x @ w).sum().backward(retain_graph=True)
    first = x.grad
    np.testing.assert_array_equal(first.numpy(), np.full((3, 4), 4.0))
    (x @ w).sum().backward()
    assert x.grad is first  # accumulated in place, like PyTorch
    np.testing.assert_array_equal(first.numpy(), np.full((3, 4), 8.0))


def test_recorded_gradients_are_not_changed_by_later_accumulation() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    with record_backward() as trace:
        (x * 3).sum().backward(retain_graph=True)
    recorded = [acc for step in trace.steps for _, acc in step.accumulated]
    (x * 3).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    assert recorded[0].tolist() == [3.0, 3.0]
