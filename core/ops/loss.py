"""Loss ops fused as in PyTorch (MseLossBackward0, NllLossBackward0), so a loss node
reads as one step in the graph and the stepper; rules written with engine ops."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._operands import elementwise, expand, sum_to, tensors
from .elementwise import mul, neg, sub
from .indexing import index_into_zeros
from .registry import defop, defvjp, record
from .shape import reshape

REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _spread(g: Tensor, shape: tuple[int, ...], reduction: str) -> Tensor:
    """The gradient of a reduced loss, broadcast back over the elements."""
    if reduction == "none":
        return g
    return expand(reshape(g, (1,) * len(shape)), shape) if shape else g


MSE_LOSS = defop("mse_loss", "MseLossBackward0", saves=(0, 1))


def mse_loss(x: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    _check_reduction(reduction)
    x, t = tensors(x, target)
    d = elementwise(np.subtract, x, t)
    sq = d * d
    out = sq.mean() if reduction == "mean" else sq.sum() if reduction == "sum" else sq
    return record(MSE_LOSS, (x, t), out, {"reduction": reduction, "shape": d.shape})


def _mse_vjp(sign: float) -> Any:
    def rule(g: Tensor, ans: Any, x: Tensor, t: Tensor, reduction: str,
             shape: tuple[int, ...]) -> Tensor:
        n = int(np.prod(shape)) if reduction == "mean" else 1
        grad = mul(_spread(g, shape, reduction), mul(sub(x, t), sign * 2.0 / n))
        return sum_to(grad, tuple((x if sign > 0 else t).shape))
    return rule


defvjp(MSE_LOSS, _mse_vjp(1.0), _mse_vjp(-1.0))

NLL_LOSS = defop("nll_loss", "NllLossBackward0")


def nll_loss_plain(logp: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """−logp[n, target[n]], for (N, C) or (C,) input with every target valid and no
    class weights (the general case is composed in ``core.nn.functional``)."""
    _check_reduction(reduction)
    tgt = target._data.astype(np.intp)
    key = (tgt,) if logp._data.ndim == 1 else (np.arange(logp._data.shape[0]), tgt)
    picked = -logp._data[key]
    out = picked.mean() if reduction == "mean" else picked.sum() if reduction == "sum" \
        else picked
    return record(NLL_LOSS, (logp,), np.asarray(out, dtype=logp._data.dtype),
                  {"key": key, "reduction": reduction, "n": int(picked.size)})


def _nll_vjp(g: Tensor, ans: Any, logp: Tensor, key: Any, reduction: str, n: int) -> Tensor:
    per = _spread(g, (n,) if logp.ndim == 2 else (), reduction)
    if reduction == "mean":
        per = mul(per, 1.0 / n)
    return index_into_zeros(neg(per), key, tuple(logp.shape))


defvjp(NLL_LOSS, _nll_vjp)
