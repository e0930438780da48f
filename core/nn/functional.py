"""``nn.functional``: activations and losses composed from the engine's public Tensor ops.

Built from ordinary ops (not fused kernels) on purpose: every intermediate shows up in the
graph, and gradients of any order come from the ops' own rules.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.tensor import Tensor

from .. import ops as _ops

__all__ = [
    "cross_entropy",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    """torch's legacy ``size_average``/``reduce`` flags, mapped onto ``reduction``."""
    if size_average is None and reduce is None:
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{reduction} is not a valid value for reduction")
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _as_tensor(x: Any, like: Tensor | None = None) -> Tensor:
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if like is not None and arr.dtype.kind == "f":
        arr = arr.astype(like._data.dtype)
    return Tensor._from_array(arr)


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002 - torch's name
    return input.relu()


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    return input.tanh()


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """log(1 + exp(beta·x)) / beta, linear above ``threshold`` (torch's stable form)."""
    return _ops.softplus(input, beta, threshold)


def _softmax_dim(ndim: int) -> int:
    # torch's implicit-dim rule (with a deprecation warning there)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:  # noqa: A002
    if dim is None:
        dim = _softmax_dim(input.dim())
    if dtype is not None:
        input = input.to(dtype)
    return input.softmax(dim)


def log_softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:  # noqa: A002
    if dim is None:
        dim = _softmax_dim(input.dim())
    if dtype is not None:
        input = input.to(dtype)
    return input.log_softmax(dim)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    """``input @ weight.T + bias`` (one AddmmBackward0 node for 2-D input, as in torch)."""
    if bias is not None and input.dim() == 2 and bias.dim() == 1:
        return _ops.addmm(bias, input, weight.t())
    out = input @ weight.t()
    if bias is not None:
        out = out + bias
    return out


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")


def mse_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean (or sum) of squared differences; broadcasts like torch (which warns on mismatch)."""
    reduction = _reduction(size_average, reduce, reduction)
    target = _as_tensor(target, input)
    if weight is None:
        return _ops.mse_loss(input, target, reduction)
    diff = input - target
    loss = diff * diff
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _class_index(target: Tensor, log_probs: Tensor) -> tuple[Any, ...]:
    """Advanced-indexing key selecting ``log_probs[n, target[n, ...], ...]`` (class dim = 1)."""
    tgt = target._data.astype(np.int64)
    if log_probs.dim() == 1:
        return (Tensor._from_array(tgt),)
    shape = log_probs._data.shape
    key: list[Any] = []
    extra = len(shape) - 2
    n = np.arange(shape[0]).reshape((shape[0],) + (1,) * extra)
    key.append(Tensor._from_array(n))
    key.append(Tensor._from_array(tgt))
    for i, size in enumerate(shape[2:]):
        ax = np.arange(size).reshape((1,) * (i + 1) + (size,) + (1,) * (extra - i - 1))
        key.append(Tensor._from_array(ax))
    return tuple(key)


def nll_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of class indices; ``input`` holds log-probabilities (N, C, ...)."""
    reduction = _reduction(size_average, reduce, reduction)
    target = _as_tensor(target)
    if target.dtype.is_floating_point:
        raise RuntimeError(
            f"expected scalar type Long but found {target.dtype!r}".replace("torch.", "")
        )
    tgt = target._data
    n_classes = input._data.shape[1] if input.dim() > 1 else input._data.shape[0]
    valid = tgt != ignore_index
    safe = np.where(valid, tgt, 0)
    if np.any((safe < 0) | (safe >= n_classes)):
        bad = int(safe[(safe < 0) | (safe >= n_classes)].flat[0])
        raise IndexError(f"Target {bad} is out of bounds.")
    if weight is None and bool(valid.all()) and input.dim() <= 2:
        return _ops.nll_loss_plain(input, target, reduction)
    picked = input[_class_index(Tensor._from_array(safe), input)]
    if weight is not None:
        w = np.asarray(weight._data)[safe] * valid
    else:
        w = valid.astype(input._data.dtype)
    w_t = Tensor._from_array(np.asarray(w, dtype=input._data.dtype))
    if weight is None and bool(valid.all()):
        loss = -picked  # the common case: no masking multiply in the graph
    else:
        loss = -picked * w_t
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if weight is None and bool(valid.all()):
        return loss.mean()
    # weighted mean: divide by the total weight of the non-ignored targets (torch's rule)
    return loss.sum() / float(w_t._data.sum())


def cross_entropy(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """log_softmax over the class dim (1, or 0 for unbatched input) followed by NLL.

    ``target`` is class indices (int64), or class probabilities with ``input``'s shape.
    """
    reduction = _reduction(size_average, reduce, reduction)
    target = _as_tensor(target, input)
    class_dim = 0 if input.dim() == 1 else 1
    log_probs = input.log_softmax(class_dim)
    if target.dtype.is_floating_point:
        # probabilities: -sum_c w_c * p_c * log q_c
        if label_smoothing > 0.0:
            n_classes = input._data.shape[class_dim]
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        prod = log_probs * target
        if weight is not None:
            wshape = [1] * input.dim()
            wshape[class_dim] = -1
            prod = prod * weight.reshape(wshape)
        # torch divides by the batch size (not the weight total) here, i.e. a plain mean
        return _reduce(-prod.sum(class_dim), reduction)
    if label_smoothing > 0.0:
        raise NotImplementedError("label_smoothing with class-index targets is not supported")
    return nll_loss(log_probs, target, weight, None, ignore_index, None, reduction)
