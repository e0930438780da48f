"""Shape ops: they move or regroup elements, so each rule moves the gradient back."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..tensor import Tensor, _wrap_dim
from ._operands import tensors
from .registry import defop, defvjp, defvjp_all, record

RESHAPE = defop("reshape", "ViewBackward0")


def reshape(x: Tensor, shape: Sequence[int]) -> Tensor:
    shape = tuple(shape)
    if shape == x._data.shape:
        return record(RESHAPE, (x,), x._data.reshape(shape))
    try:
        out = x._data.reshape(shape)
    except ValueError:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size "
                           f"{x._data.size}") from None
    return record(RESHAPE, (x,), out)


defvjp(RESHAPE, lambda g, ans, x: reshape(g, x.shape))


def view(x: Tensor, shape: Sequence[int]) -> Tensor:
    return reshape(x, shape)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    if x._data.ndim == 0:
        return reshape(x, (1,))
    s = _wrap_dim(start_dim, x._data.ndim)
    e = _wrap_dim(end_dim, x._data.ndim)
    shape = x._data.shape
    return reshape(x, shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])


TRANSPOSE = defop("transpose", "TransposeBackward0")


def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    n = x._data.ndim
    if n == 0:
        return record(TRANSPOSE, (x,), x._data, {"dim0": 0, "dim1": 0})
    d0, d1 = _wrap_dim(dim0, n), _wrap_dim(dim1, n)
    return record(TRANSPOSE, (x,), np.swapaxes(x._data, d0, d1), {"dim0": d0, "dim1": d1})


defvjp(TRANSPOSE, lambda g, ans, x, dim0, dim1: transpose(g, dim0, dim1))


def t(x: Tensor) -> Tensor:
    if x._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{x._data.ndim}D")
    if x._data.ndim < 2:
        return record(TRANSPOSE, (x,), x._data, {"dim0": 0, "dim1": 0}, name="TBackward0")
    return record(TRANSPOSE, (x,), x._data.T, {"dim0": 0, "dim1": 1}, name="TBackward0")


PERMUTE = defop("permute", "PermuteBackward0")


def permute(x: Tensor, dims: Sequence[int]) -> Tensor:
    n = x._data.ndim
    dims = tuple(_wrap_dim(d, n) for d in dims)
    if sorted(dims) != list(range(n)):
        raise RuntimeError(f"permute(): dims {list(dims)} are not a permutation of the "
                           f"{n} dimensions")
    return record(PERMUTE, (x,), np.transpose(x._data, dims), {"dims": dims})


defvjp(PERMUTE, lambda g, ans, x, dims: permute(g, tuple(np.argsort(dims))))

SQUEEZE = defop("squeeze", "SqueezeBackward0")


def squeeze(x: Tensor, dim: int | None = None) -> Tensor:
    shape = x._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
        return record(SQUEEZE, (x,), x._data.reshape(new))
    d = _wrap_dim(dim, x._data.ndim)
    new = shape[:d] + shape[d + 1:] if shape and shape[d] == 1 else shape
    return record(SQUEEZE, (x,), x._data.reshape(new), name="SqueezeBackward1")


defvjp(SQUEEZE, lambda g, ans, x: reshape(g, x.shape))

UNSQUEEZE = defop("unsqueeze", "UnsqueezeBackward0")


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    n = x._data.ndim + 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return record(UNSQUEEZE, (x,), np.expand_dims(x._data, dim % n))


defvjp(UNSQUEEZE, lambda g, ans, x: reshape(g, x.shape))

CAT = defop("cat", "CatBackward0")


def cat(xs: Sequence[Tensor], dim: int = 0) -> Tensor:
    xs = tensors(*xs)
    d = _wrap_dim(dim, xs[0]._data.ndim)
    try:
        out = np.concatenate([x._data for x in xs], axis=d)
    except ValueError:
        raise RuntimeError("Sizes of tensors must match except in dimension "
                           f"{d}: got shapes {[list(x.shape) for x in xs]}") from None
    return record(CAT, tuple(xs), out, {"dim": d})


def _cat_vjp(g: Tensor, ans: object, *xs: Tensor, dim: int) -> list[Tensor]:
    from .indexing import getitem
    grads, start = [], 0
    for x in xs:
        size = x.shape[dim]
        key = (slice(None),) * dim + (slice(start, start + size),)
        grads.append(getitem(g, key))
        start += size
    return grads


defvjp_all(CAT, _cat_vjp)

STACK = defop("stack", "StackBackward0")


def stack(xs: Sequence[Tensor], dim: int = 0) -> Tensor:
    xs = tensors(*xs)
    n = xs[0]._data.ndim + 1
    d = _wrap_dim(dim, n)
    try:
        out = np.stack([x._data for x in xs], axis=d)
    except ValueError:
        raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                           f"{[list(x.shape) for x in xs]}") from None
    return record(STACK, tuple(xs), out, {"dim": d})


def _stack_vjp(g: Tensor, ans: object, *xs: Tensor, dim: int) -> list[Tensor]:
    from .indexing import getitem
    return [getitem(g, (slice(None),) * dim + (i,)) for i in range(len(xs))]


defvjp_all(STACK, _stack_vjp)
