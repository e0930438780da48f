"""Reductions (sum, mean, max, min, norm, var, prod) and their rules: the gradient of a
reduction is spread back over the elements that were reduced."""

from __future__ import annotations

import warnings
from collections import namedtuple
from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..tensor import Tensor, _wrap_dim
from ._operands import expand, to_dtype
from .elementwise import const, div, mul, pow, sign, sub, where
from .registry import defop, defvjp, record
from .shape import reshape


class _ReturnType:
    """Printed as torch prints ``torch.return_types.max(values=..., indices=...)``."""

    _fields: tuple[str, ...]

    def __repr__(self) -> str:
        name = type(self).__name__.removesuffix("Result").lower()
        body = ",\n".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"torch.return_types.{name}(\n{body})"


class MaxResult(_ReturnType, namedtuple("MaxResult", ["values", "indices"])):
    __slots__ = ()


class MinResult(_ReturnType, namedtuple("MinResult", ["values", "indices"])):
    __slots__ = ()



def reduced_axes(dim: Any, ndim: int) -> tuple[int, ...] | None:
    """``dim`` as a sorted tuple of non-negative axes; None means all of them."""
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if not dims:
        return None
    if ndim == 0:  # dim 0 / -1 of a 0-d tensor, as torch allows: nothing to reduce
        _wrap_dim(dims[0], 0)
        return ()
    return tuple(sorted({_wrap_dim(d, ndim) for d in dims}))


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    if axes is None:
        return tuple(1 for _ in shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _spread(g: Tensor, shape: tuple[int, ...], axes: tuple[int, ...] | None) -> Tensor:
    """Undo a reduction's shape change: reshape to keepdim form, broadcast back (a 0-d
    gradient of a full reduction broadcasts as it is, as torch's SumBackward0 does)."""
    if g._data.ndim == 0:
        return expand(g, shape)
    return expand(reshape(g, _kept_shape(shape, axes)), shape)


_TORCH_TYPE_NAMES = {"int64": "Long", "bool": "Bool", "float32": "Float", "float64": "Double"}

SUM = defop("sum", "SumBackward0")


def sum(x: Tensor, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:  # noqa: A001
    if dtype is not None:
        x = to_dtype(x, _dt.to_dtype(dtype))
    axes = reduced_axes(dim, x._data.ndim)
    data = x._data
    if data.dtype == np.bool_:
        data = data.astype(np.int64)
    out = data.sum(axis=axes, keepdims=keepdim)
    return record(SUM, (x,), out, {"dim": axes, "keepdim": keepdim},
                  name="SumBackward0" if dim is None else "SumBackward1")


defvjp(SUM, lambda g, ans, x, dim, keepdim: _spread(g, x.shape, dim))

MEAN = defop("mean", "MeanBackward0")


def mean(x: Tensor, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    if dtype is not None:
        x = to_dtype(x, _dt.to_dtype(dtype))
    if not x.dtype.is_floating_point:
        got = _TORCH_TYPE_NAMES.get(x.dtype.name, x.dtype.name)
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {got}")
    axes = reduced_axes(dim, x._data.ndim)
    data = x._data
    if data.size:  # numpy's mean() is the same sum and division, behind ~3 µs of Python
        n = data.size if axes is None else int(np.prod([data.shape[a] for a in axes]))
        out = np.add.reduce(data, axis=axes, keepdims=keepdim) / data.dtype.type(n)
    else:
        out = data.mean(axis=axes, keepdims=keepdim)  # nan, with numpy's warning
    return record(MEAN, (x,), out, {"dim": axes, "keepdim": keepdim},
                  name="MeanBackward0" if dim is None else "MeanBackward1")


def _mean_vjp(g: Tensor, ans: Any, x: Tensor, dim: tuple[int, ...] | None,
              keepdim: bool) -> Tensor:
    axes = dim
    n = int(np.prod([x.shape[a] for a in axes])) if axes is not None else int(
        np.prod(x.shape))
    return div(_spread(g, x.shape, axes), n)


defvjp(MEAN, _mean_vjp)

PROD = defop("prod", "ProdBackward0", saves=(0,), saves_output=True)


def prod(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    axes = reduced_axes(dim, x._data.ndim)
    return record(PROD, (x,), x._data.prod(axis=axes, keepdims=keepdim),
                  {"dim": axes, "keepdim": keepdim},
                  name="ProdBackward0" if dim is None else "ProdBackward1")


def _prod_vjp(g: Tensor, ans: Tensor, x: Tensor, dim: Any, keepdim: bool) -> Tensor:
    axes = dim
    # ∂/∂xᵢ Πx = Π_{j≠i} xⱼ: ans / x where a slice has no zeros (the common, fast case)
    if x._data.size == ans._data.size:  # one-element slices: the product is the element
        return _spread(g, x.shape, axes)
    zero = x._data == 0
    if not zero.any():
        return div(_spread(mul(g, ans), x.shape, axes), x)
    # with zeros: Π_{j≠i} xⱼ is written so its own derivative is right as well. The zero
    # elements' values (0) are kept as terms (zsum) instead of constants: one zero gives
    # Π_nonzero at it and x_zero·Π_nonzero/xᵢ elsewhere; two give x_other_zero·Π_nonzero at
    # each zero and 0 elsewhere; three or more give 0 to second order.
    count = zero.sum(axis=axes, keepdims=True)
    safe = where(zero, 1, x)
    prod_nz = prod(safe, axes, keepdim=True)
    zsum = sum(where(zero, x, 0), axes, keepdim=True)
    at_nonzero = div(mul(where(count == 0, 1, where(count == 1, zsum, 0)), prod_nz), safe)
    at_zero = where(count == 1, expand(prod_nz, x.shape),
                    where(count == 2, mul(sub(zsum, x), prod_nz), 0))
    return mul(_spread(g, x.shape, axes), where(zero, at_zero, at_nonzero))


defvjp(PROD, _prod_vjp)

# ------------------------------------------------------------------ max / min
# max and min are separate ops (one rule each serves both), so a recorded node says which
# it ran by its op, not by its grad_fn's name
AMAX = defop("amax", "MaxBackward1", saves=(0,), saves_output=True)
AMIN = defop("amin", "MinBackward1", saves=(0,), saves_output=True)
MAX_DIM = defop("max_dim", "MaxBackward0")
MIN_DIM = defop("min_dim", "MinBackward0")


def _extreme(x: Tensor, dim: Any, keepdim: bool, largest: bool) -> Any:
    if dim is not None and isinstance(dim, Tensor):  # torch.max(a, b) == maximum
        from .elementwise import maximum, minimum
        return maximum(x, dim) if largest else minimum(x, dim)
    if dim is None:
        if x._data.size == 0:
            raise RuntimeError("max(): Expected reduction dim to be specified for input.numel() "
                               "== 0. Specify the reduction dim with the 'dim' argument.")
        out = x._data.max() if largest else x._data.min()
        return record(AMAX if largest else AMIN, (x,), out, {"dim": None, "keepdim": False},
                      name="MaxBackward1" if largest else "MinBackward1")
    d = _wrap_dim(dim, x._data.ndim)
    idx = (np.argmax if largest else np.argmin)(x._data, axis=d) if x._data.ndim else \
        np.asarray(0)
    idx_k = np.expand_dims(idx, d) if x._data.ndim else idx
    values = np.take_along_axis(x._data, idx_k, axis=d) if x._data.ndim else x._data
    if not keepdim and x._data.ndim:
        values = values.squeeze(d)
    else:
        idx = idx_k
    vals = record(MAX_DIM if largest else MIN_DIM, (x,), values,
                  {"dim": d, "indices": idx_k, "keepdim": keepdim},
                  name="MaxBackward0" if largest else "MinBackward0")
    result = MaxResult if largest else MinResult
    return result(vals, Tensor._from_array(np.asarray(idx, dtype=np.int64)))


def max(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return _extreme(x, dim, keepdim, True)


def min(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return _extreme(x, dim, keepdim, False)


def _amax_vjp(g: Tensor, ans: Tensor, x: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    axes = dim
    # ties share the gradient evenly, as PyTorch's max()/min()/amax() do
    kept = _kept_shape(x.shape, axes)
    hit = x._data == ans._data.reshape(kept)
    share = hit / hit.sum(axis=axes, keepdims=True)
    return mul(_spread(g, x.shape, axes), const(share, g))


def _max_dim_vjp(g: Tensor, ans: Any, x: Tensor, dim: int, indices: np.ndarray,
                 keepdim: bool) -> Tensor:
    if x.ndim == 0:
        return g
    onehot = np.zeros(x.shape, dtype=bool)
    np.put_along_axis(onehot, indices, True, axis=dim)
    kept = g if keepdim else reshape(g, _kept_shape(x.shape, (dim,)))
    return mul(expand(kept, x.shape), const(onehot, g))


defvjp(AMAX, _amax_vjp)
defvjp(AMIN, _amax_vjp)
defvjp(MAX_DIM, _max_dim_vjp)
defvjp(MIN_DIM, _max_dim_vjp)


def amax(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    axes = reduced_axes(dim, x._data.ndim)
    return record(AMAX, (x,), x._data.max(axis=axes, keepdims=keepdim),
                  {"dim": axes, "keepdim": keepdim}, name="AmaxBackward0")


def amin(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    axes = reduced_axes(dim, x._data.ndim)
    return record(AMIN, (x,), x._data.min(axis=axes, keepdims=keepdim),
                  {"dim": axes, "keepdim": keepdim}, name="AminBackward0")


def argmax(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return Tensor._from_array(np.asarray(np.argmax(x._data), dtype=np.int64))
    return max(x, dim, keepdim).indices


def argmin(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        return Tensor._from_array(np.asarray(np.argmin(x._data), dtype=np.int64))
    return min(x, dim, keepdim).indices


# ------------------------------------------------------------------ norms and spread
NORM = defop("norm", "LinalgVectorNormBackward0", saves=(0,), saves_output=True)


def norm(x: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    if p == "fro" or p is None:
        p = 2
    p = float(p)
    axes = reduced_axes(dim, x._data.ndim)
    a = np.abs(x._data)
    if p == np.inf:
        out = a.max(axis=axes, keepdims=keepdim)
    elif p == -np.inf:
        out = a.min(axis=axes, keepdims=keepdim)
    elif p == 0:  # PyTorch: the number of non-zero elements (in x's dtype)
        out = (a != 0).sum(axis=axes, keepdims=keepdim).astype(a.dtype)
    elif p == 2:
        out = np.sqrt((a * a).sum(axis=axes, keepdims=keepdim))
    elif p == 1:
        out = a.sum(axis=axes, keepdims=keepdim)
    else:
        out = (a ** p).sum(axis=axes, keepdims=keepdim) ** (1.0 / p)
    return record(NORM, (x,), out, {"p": p, "dim": axes, "keepdim": keepdim})


def _norm_vjp(g: Tensor, ans: Tensor, x: Tensor, p: float, dim: Any, keepdim: bool) -> Tensor:
    axes = dim
    if not keepdim and axes is not None:
        g = reshape(g, _kept_shape(x.shape, axes))
        ans = reshape(ans, _kept_shape(x.shape, axes))
    if p == 1:
        return mul(expand(g, x.shape), sign(x))
    if p == 0:  # a count: piecewise constant, so its gradient is zero (as PyTorch's)
        return mul(expand(g, x.shape), 0)
    if abs(p) == np.inf:
        hit = np.abs(x._data) == np.broadcast_to(ans._data, x.shape)
        share = hit / hit.sum(axis=axes, keepdims=True)
        return mul(mul(expand(g, x.shape), sign(x)), const(share, g))
    zero = ans._data == 0  # PyTorch gives a zero gradient at the origin
    safe = where(zero, 1, ans)
    if p == 2:
        scale = where(zero, 0, div(g, safe))
        return mul(x, scale)
    ax = x.abs() if hasattr(x, "abs") else x
    scale = where(zero, 0, div(g, pow(safe, p - 1)))
    return mul(mul(sign(x), pow(ax, p - 1)), scale)


defvjp(NORM, _norm_vjp)


VAR = defop("var", "VarBackward0", saves=(0,))
STD = defop("std", "StdBackward0", saves=(0,), saves_output=True)


def _var_params(x: Tensor, dim: Any, unbiased: bool, correction: int | None
                ) -> tuple[tuple[int, ...] | None, int]:
    if not x.dtype.is_floating_point:
        raise RuntimeError("std and var only support floating point and complex dtypes (got "
                           f"{x.dtype}; convert with .float())")
    axes = reduced_axes(dim, x._data.ndim)
    ddof = correction if correction is not None else (1 if unbiased else 0)
    return axes, ddof


def _moment(x: Tensor, fn: str, axes: Any, ddof: int, keepdim: bool) -> np.ndarray:
    n = x._data.size if axes is None else int(np.prod([x._data.shape[a] for a in axes]))
    if n > ddof:
        return getattr(x._data, fn)(axis=axes, ddof=ddof, keepdims=keepdim)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # nan/inf, as torch gives
        return getattr(x._data, fn)(axis=axes, ddof=ddof, keepdims=keepdim)


def var(x: Tensor, dim: Any = None, unbiased: bool = True, keepdim: bool = False,
        correction: int | None = None) -> Tensor:
    """Mean of squared deviations, divided by n - correction (Bessel's by default)."""
    axes, ddof = _var_params(x, dim, unbiased, correction)
    return record(VAR, (x,), _moment(x, "var", axes, ddof, keepdim),
                  {"dim": axes, "correction": ddof, "keepdim": keepdim})


def _centred_over(x: Tensor, axes: Any, ddof: int) -> Tensor:
    """(x - mean) / (n - ddof): the shared factor of var's and std's rules."""
    n = x._data.size if axes is None else int(np.prod([x._data.shape[a] for a in axes]))
    return div(sub(x, mean(x, axes, keepdim=True)), n - ddof)


defvjp(VAR, lambda g, ans, x, dim, correction, keepdim: mul(
    mul(_spread(g, x.shape, dim), 2), _centred_over(x, dim, correction)))


def std(x: Tensor, dim: Any = None, unbiased: bool = True, keepdim: bool = False,
        correction: int | None = None) -> Tensor:
    axes, ddof = _var_params(x, dim, unbiased, correction)
    return record(STD, (x,), _moment(x, "std", axes, ddof, keepdim),
                  {"dim": axes, "correction": ddof, "keepdim": keepdim})


def _std_vjp(g: Tensor, ans: Tensor, x: Tensor, dim: Any, correction: int,
             keepdim: bool) -> Tensor:
    axes, ddof = dim, correction
    zero = ans._data == 0  # torch gives 0, not nan, where the deviation is 0
    safe = where(zero, 1, ans) if zero.any() else ans
    scale = div(g, safe)
    if zero.any():
        scale = where(zero, 0, scale)
    return mul(_spread(scale, x.shape, axes), _centred_over(x, axes, ddof))


defvjp(STD, _std_vjp)
