"""Softmax-family ops (their rules are the classic Jacobian-vector forms) and losses
built from engine ops."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, _wrap_dim
from .elementwise import _float, exp, mul, sub
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
    return mul(ans, sub(g, sum(mul(g, ans), dim, keepdim=True)))


defvjp(SOFTMAX, _softmax_vjp)

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
    return sub(g, mul(exp(ans), sum(g, dim, keepdim=True)))


defvjp(LOG_SOFTMAX, _log_softmax_vjp)
