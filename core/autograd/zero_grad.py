"""Clearing one parameter's ``.grad``, the same for ``nn.Module.zero_grad`` and
``optim.Optimizer.zero_grad`` (as torch: both reset every parameter the same way)."""

from __future__ import annotations

from typing import Any


def clear_grad(p: Any, set_to_none: bool) -> None:
    """Drop `p.grad` (torch's default), or zero it in place: a grad that is itself part of
    a graph (create_graph=True) is detached first, as torch does, so zeroing it records
    nothing and the next backward accumulates into a plain tensor."""
    grad = p.grad
    if grad is None:
        return
    if set_to_none:
        p.grad = None
        return
    if grad.grad_fn is not None:
        grad = grad.detach()
        p.grad = grad
    else:
        grad.requires_grad_(False)
    grad._data[...] = 0
    grad._bump()
