"""Indexing (``x[key]``) and index assignment (``x[key] = v``, PyTorch's CopySlices).

The two rules mirror each other: reading a slice sends the gradient back into a zero
tensor at that slice; writing one sends the slice of the gradient to the value."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._operands import as_tensor_like, sum_to, to_dtype
from .elementwise import const, mul
from .registry import defop, defvjp, record


def normalize_key(key: Any) -> Any:
    """Tensors and lists inside a key become numpy index arrays."""
    if isinstance(key, tuple):
        return tuple(_index_part(k) for k in key)
    return _index_part(key)


def _index_part(k: Any) -> Any:
    if isinstance(k, Tensor):
        return k._data if k._data.dtype == np.bool_ else k._data.astype(np.intp)
    if isinstance(k, list):
        return np.asarray([_index_part(v) for v in k])
    return k


def _is_basic(key: Any) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis
               for p in parts)


def _backward_name(key: Any) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    if not _is_basic(key):
        return "IndexBackward0"
    if all(isinstance(p, (int, np.integer)) for p in parts):
        return "SelectBackward0"
    if any(p is None for p in parts):
        return "UnsqueezeBackward0"
    return "SliceBackward0"


GETITEM = defop("getitem", "IndexBackward0")


def getitem(x: Tensor, key: Any) -> Tensor:
    k = normalize_key(key)
    basic = _is_basic(k)
    if basic and not any(p is Ellipsis for p in (k if isinstance(k, tuple) else (k,))):
        # a trailing ... makes numpy return a 0-d view instead of a scalar copy
        read = (k if isinstance(k, tuple) else (k,)) + (Ellipsis,)
    else:
        read = k
    try:
        out = x._data[read]
    except IndexError as e:
        raise IndexError(f"{e} (indexing a tensor of shape {list(x._data.shape)})") from None
    t = record(GETITEM, (x,), out, {"key": k}, name=_backward_name(k))
    if basic:
        t._base = x  # a view, as in PyTorch: shared memory and version counter
        t._vbox = x._vbox
    return t


INDEX_ADD = defop("index_add_zeros", "IndexPutBackward0")


def index_into_zeros(g: Tensor, key: Any, shape: tuple[int, ...]) -> Tensor:
    """zeros(shape) with ``g`` added at ``key`` (repeated indices add up)."""
    out = np.zeros(shape, dtype=g._data.dtype)
    if _is_basic(key):
        out[key] = g._data
    else:
        np.add.at(out, key, g._data)
    return record(INDEX_ADD, (g,), out, {"key": key, "shape": tuple(shape)})


defvjp(GETITEM, lambda g, ans, x, key: index_into_zeros(g, key, tuple(x.shape)))
defvjp(INDEX_ADD, lambda g, ans, x, key, shape: getitem(g, key))

INDEX_PUT = defop("index_put", "CopySlices")


def index_put(x: Tensor, key: Any, value: Any) -> Tensor:
    """``x`` with ``value`` written at ``key`` (out of place; ``__setitem__`` writes it back)."""
    k = normalize_key(key)
    v = as_tensor_like(value, x)
    if v._data.dtype != x._data.dtype:
        v = to_dtype(v, x.dtype)
    out = x._data.copy()
    try:
        out[k] = v._data
    except (ValueError, IndexError) as e:
        raise RuntimeError(f"can't assign a value of shape {list(v.shape)} to x[{key!r}] of a "
                           f"tensor of shape {list(x._data.shape)}: {e}") from None
    return record(INDEX_PUT, (x, v), out, {"key": k})


def _put_self_vjp(g: Tensor, ans: Any, x: Tensor, v: Tensor, key: Any) -> Tensor:
    keep = np.ones(tuple(g.shape), dtype=bool)
    keep[key] = False
    return mul(g, const(keep, g))


defvjp(INDEX_PUT,
       _put_self_vjp,
       lambda g, ans, x, v, key: sum_to(getitem(g, key), tuple(v.shape)))
