"""Turning op arguments into tensors of one dtype, and the broadcasting helpers the
derivative rules share (``sum_to`` is how every rule undoes broadcasting)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..tensor import Tensor
from .registry import defop, defvjp, record

_SCALARS = (int, float, bool, np.number, np.bool_)


def broadcast_message(a: tuple[int, ...], b: tuple[int, ...]) -> str:
    """PyTorch's wording, plus both shapes so the person sees what to fix."""
    for i in range(1, max(len(a), len(b)) + 1):
        da = a[-i] if i <= len(a) else 1
        db = b[-i] if i <= len(b) else 1
        if da != db and da != 1 and db != 1:
            dim = max(len(a), len(b)) - i
            return (f"The size of tensor a ({da}) must match the size of tensor b ({db}) at "
                    f"non-singleton dimension {dim} (shapes {list(a)} and {list(b)} can't "
                    "be broadcast together)")
    return f"shapes {list(a)} and {list(b)} can't be broadcast together"


def elementwise(fn: Callable[..., np.ndarray], a: Tensor, b: Tensor) -> np.ndarray:
    """Run a binary numpy function; a broadcasting failure becomes PyTorch's RuntimeError."""
    try:
        return fn(a._data, b._data)
    except ValueError:
        raise RuntimeError(broadcast_message(a._data.shape, b._data.shape)) from None


def _result_dtype(operands: tuple[Any, ...]) -> _dt.dtype:
    dims, zero_dims, scalars = [], [], []
    for o in operands:
        if isinstance(o, Tensor):
            (dims if o._data.ndim else zero_dims).append(o.dtype)
        else:
            scalars.append(o)
    return _dt.result_type(dims, zero_dims, scalars)


def tensors(*operands: Any) -> tuple[Tensor, ...]:
    """Promote operands (tensors and Python scalars) to one dtype, PyTorch's way."""
    if len(operands) == 2:  # the common cases first: they run on every arithmetic op
        a, b = operands
        ta, tb = type(a), type(b)
        if ta is Tensor and tb is Tensor and a._data.dtype == b._data.dtype:
            return operands  # type: ignore[return-value]
        if ta is Tensor and (tb is float or tb is int) and a._data.dtype.kind == "f":
            return a, scalar(b, a._data.dtype)
        if tb is Tensor and (ta is float or ta is int) and b._data.dtype.kind == "f":
            return scalar(a, b._data.dtype), b
    first = operands[0]
    if isinstance(first, Tensor):
        npd = first._data.dtype
        for o in operands:
            if not isinstance(o, Tensor) or o._data.dtype != npd:
                break
        else:
            return operands  # type: ignore[return-value]
    out_dt = _result_dtype(operands)
    return tuple(_coerce(o, out_dt) for o in operands)


_SCALAR_CACHE: dict[tuple[Any, ...], Tensor] = {}


def scalar(value: float, np_dtype: np.dtype) -> Tensor:
    """A 0-d constant for a Python number. Cached: the constants of ``x * 2 + 1`` are
    made once, not on every call (they are never written to)."""
    key = (value, type(value), np_dtype)
    t = _SCALAR_CACHE.get(key)
    if t is None:
        if len(_SCALAR_CACHE) > 4096:
            _SCALAR_CACHE.clear()
        t = _SCALAR_CACHE[key] = Tensor._from_array(np.asarray(value, dtype=np_dtype))
    return t


def _coerce(o: Any, dt: _dt.dtype) -> Tensor:
    if isinstance(o, Tensor):
        return o if o._data.dtype == dt.np else to_dtype(o, dt)
    if isinstance(o, _SCALARS):
        return Tensor._from_array(np.asarray(o, dtype=dt.np))
    if isinstance(o, (list, tuple, np.ndarray)):
        return Tensor._from_array(np.asarray(o, dtype=dt.np))
    raise TypeError(f"unsupported operand type: {type(o).__name__}")


def as_tensor_like(v: Any, like: Tensor) -> Tensor:
    """A scalar or array as a tensor of ``like``'s dtype; tensors pass through."""
    if isinstance(v, Tensor):
        return v
    return Tensor._from_array(np.asarray(v, dtype=like._data.dtype))


# ---------------------------------------------------------------- dtype conversion
TO_DTYPE = defop("to_dtype", "ToCopyBackward0")


def to_dtype(x: Tensor, dt: _dt.dtype) -> Tensor:
    return record(TO_DTYPE, (x,), x._data.astype(dt.np), {"dtype": dt})


def _to_dtype_vjp(g: Tensor, ans: Any, x: Tensor, dtype: _dt.dtype) -> Tensor:
    return to_dtype(g, x.dtype) if g.dtype is not x.dtype else g


defvjp(TO_DTYPE, _to_dtype_vjp)


# ---------------------------------------------------------------- broadcasting pair
def sum_to_array(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and a.shape[lead + i] != 1)
    out = a.sum(axis=axes, keepdims=True) if axes else a
    return out.reshape(shape)


SUM_TO = defop("sum_to", "SumToSizeBackward0")
EXPAND = defop("expand", "ExpandBackward0")


def sum_to(g: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum a broadcast gradient back down to an input's shape."""
    if g._data.shape == shape:  # Size and tuple compare equal
        return g
    return record(SUM_TO, (g,), sum_to_array(g._data, tuple(shape)), {"shape": tuple(shape)})


def expand(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    """``x.expand(*shape)``: a broadcast view; -1 keeps a dimension's size."""
    shape = tuple(shape)
    lead = len(shape) - x._data.ndim
    if lead < 0:
        raise RuntimeError(f"expand: the number of sizes provided ({len(shape)}) must be greater "
                           f"or equal to the number of dimensions in the tensor ({x._data.ndim})")
    full = tuple(x._data.shape[i - lead] if s == -1 and i >= lead else s
                 for i, s in enumerate(shape))
    if full == x._data.shape:
        return x
    src = x._data
    if src.size == 1 and all(s >= 0 for s in full):  # one value everywhere: a zero-stride view
        out = np.ndarray(full, src.dtype, buffer=np.ascontiguousarray(src),
                         strides=(0,) * len(full))
        out.flags.writeable = False  # as broadcast_to's: one element, many places
        return record(EXPAND, (x,), out, {"shape": full})
    try:
        out = np.broadcast_to(x._data, full)
    except ValueError:
        raise RuntimeError(f"The expanded size of the tensor must match the existing size at "
                           f"non-singleton dimensions (shape {list(x._data.shape)} can't be "
                           f"expanded to {list(full)})") from None
    return record(EXPAND, (x,), out, {"shape": full})


defvjp(SUM_TO, lambda g, ans, x, shape: expand(g, x.shape))
defvjp(EXPAND, lambda g, ans, x, shape: sum_to(g, x._data.shape))
