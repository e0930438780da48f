"""Softmax-family ops (their rules are the classic Jacobian-vector forms) and losses
built from engine ops."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, _wrap_dim
from .elementwise import _float, exp, mul, neg, sub
from .reduction import sum
from .registry import defop, defvjp, record

SOFTMAX = defop("softmax", "SoftmaxBackward0", saves_output=True)


def softmax(x: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    x = _float(x)
    d = _wrap_dim(-1 if dim is None else dim, x._data.ndim)
    if x._data.ndim == 0:
        return record(SOFTMAX, (x,), np.ones_like(x._data), {"dim": None})
    if x._data.size == 0:  # nothing to normalise (numpy's max has no identity)
        return record(SOFTMAX, (x,), x._data.copy(), {"dim": d})
    z = x._data - x._data.max(axis=d, keepdims=True)
    e = np.exp(z)
    return record(SOFTMAX, (x,), e / e.sum(axis=d, keepdims=True), {"dim": d})


def _softmax_vjp(g: Tensor, ans: Tensor, x: Tensor, dim: int | None) -> Tensor:
    if dim is None:
        return mul(g, 0)
    return softmax_backward_data(g, ans, dim)


# The rules are ops of their own, as torch's _softmax_backward_data: one step in the trace
# and, under create_graph, one node (SoftmaxBackwardDataBackward0) with rules of its own.
SOFTMAX_BACKWARD = defop("softmax_backward_data", "SoftmaxBackwardDataBackward0",
                         saves=(0, 1))


def softmax_backward_data(g: Tensor, y: Tensor, dim: int) -> Tensor:
    """y·(g − Σ g·y): softmax's gradient given its output y."""
    gd, yd = g._data, y._data
    return record(SOFTMAX_BACKWARD, (g, y), yd * (gd - (gd * yd).sum(axis=dim, keepdims=True)),
                  {"dim": dim})


def _softmax_backward_y(gg: Tensor, ans: Any, g: Tensor, y: Tensor, dim: int) -> Tensor:
    # out = y·g − y·s with s = Σ g·y: ∂/∂y contracted with gg is g·(gg − Σ gg·y) − gg·s
    return sub(mul(g, sub(gg, sum(mul(gg, y), dim, keepdim=True))),
               mul(gg, sum(mul(g, y), dim, keepdim=True)))


defvjp(SOFTMAX, _softmax_vjp)
defvjp(SOFTMAX_BACKWARD,
       lambda gg, ans, g, y, dim: softmax_backward_data(gg, y, dim),
       _softmax_backward_y)

LOG_SOFTMAX = defop("log_softmax", "LogSoftmaxBackward0", saves_output=True)


def log_softmax(x: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    x = _float(x)
    if x._data.ndim == 0:
        return record(LOG_SOFTMAX, (x,), np.zeros_like(x._data), {"dim": None})
    d = _wrap_dim(-1 if dim is None else dim, x._data.ndim)
    if x._data.size == 0:
        return record(LOG_SOFTMAX, (x,), x._data.copy(), {"dim": d})
    z = x._data - x._data.max(axis=d, keepdims=True)
    out = z - np.log(np.exp(z).sum(axis=d, keepdims=True))
    return record(LOG_SOFTMAX, (x,), out, {"dim": d})


def _log_softmax_vjp(g: Tensor, ans: Tensor, x: Tensor, dim: int | None) -> Tensor:
    if dim is None:
        return mul(g, 0)
    return log_softmax_backward_data(g, ans, dim)


LOG_SOFTMAX_BACKWARD = defop("log_softmax_backward_data", "LogSoftmaxBackwardDataBackward0",
                             saves=(0, 1))


def log_softmax_backward_data(g: Tensor, y: Tensor, dim: int) -> Tensor:
    """g − exp(y)·Σ g: log_softmax's gradient given its output y."""
    gd = g._data
    return record(LOG_SOFTMAX_BACKWARD, (g, y),
                  gd - np.exp(y._data) * gd.sum(axis=dim, keepdims=True), {"dim": dim})


defvjp(LOG_SOFTMAX, _log_softmax_vjp)
defvjp(LOG_SOFTMAX_BACKWARD,
       lambda gg, ans, g, y, dim: sub(gg, sum(mul(gg, exp(y)), dim, keepdim=True)),
       lambda gg, ans, g, y, dim: mul(neg(mul(gg, exp(y))), sum(g, dim, keepdim=True)))
