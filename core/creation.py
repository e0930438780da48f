"""Tensor factories: ``tensor``, ``zeros``, ``arange``, ``randn``... and the RNG."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import dtypes as _dt
from .tensor import Tensor, _shape_arg, _to_array


class _RNG:
    """One global generator (``manual_seed`` reseeds it), like torch's default one."""

    gen = np.random.default_rng()


def manual_seed(seed: int) -> _RNG:
    _RNG.gen = np.random.default_rng(int(seed))
    return _RNG()


def seed() -> int:
    s = int(np.random.SeedSequence().entropy % (2**63))
    manual_seed(s)
    return s


def _size(size: tuple[Any, ...], kw: dict[str, Any]) -> tuple[Any, ...]:
    """Sizes come as ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))``; device/generator
    keywords are accepted and ignored (everything runs on the CPU)."""
    unknown = set(kw) - {"size", "device", "generator", "layout", "pin_memory", "out"}
    if unknown:
        raise TypeError(f"unexpected keyword arguments: {sorted(unknown)}")
    if "size" in kw:
        return (tuple(kw["size"]),)
    return size


def _finish(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._from_array(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _dtype_or(dtype: Any, default: _dt.dtype) -> _dt.dtype:
    return default if dtype is None else _dt.to_dtype(dtype)


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (Python floats → float32)."""
    return _finish(_to_array(data, None if dtype is None else _dt.to_dtype(dtype)),
                   requires_grad)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    if isinstance(data, Tensor) and (dtype is None or _dt.to_dtype(dtype) is data.dtype):
        return data
    return tensor(data, dtype)


def from_numpy(arr: np.ndarray) -> Tensor:
    """Shares memory with ``arr``, as torch.from_numpy does."""
    _dt.from_numpy_dtype(arr.dtype)
    if arr.dtype not in (np.float32, np.float64, np.int64, np.bool_):
        arr = arr.astype(_dt.from_numpy_dtype(arr.dtype).np)
    return Tensor._from_array(arr)


def _sized(fill: Any, size: tuple[Any, ...], dtype: Any, requires_grad: bool,
           default: _dt.dtype = _dt.float32) -> Tensor:
    shape = _shape_arg(size)
    dt = _dtype_or(dtype, default)
    return _finish(np.full(shape, fill, dtype=dt.np), requires_grad)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, **kw: Any
          ) -> Tensor:
    return _sized(0, _size(size, kw), dtype, requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, **kw: Any
         ) -> Tensor:
    return _sized(1, _size(size, kw), dtype, requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, **kw: Any
          ) -> Tensor:
    return _sized(0, _size(size, kw), dtype, requires_grad)


def full(size: Sequence[int], fill_value: Any, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Tensor:
    if dtype is None:
        dtype = _dt.result_type([], [], [fill_value])
    return _sized(fill_value, (tuple(size),), dtype, requires_grad)


def _like(t: Tensor, fill: Any, dtype: Any, requires_grad: bool) -> Tensor:
    dt = t.dtype if dtype is None else _dt.to_dtype(dtype)
    return _finish(np.full(t._data.shape, fill, dtype=dt.np), requires_grad)


def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None
               ) -> Tensor:
    return _like(t, 0, dtype, requires_grad)


def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None
              ) -> Tensor:
    return _like(t, 1, dtype, requires_grad)


def full_like(t: Tensor, fill_value: Any, dtype: Any = None, requires_grad: bool = False
              ) -> Tensor:
    return _like(t, fill_value, dtype, requires_grad)


def empty_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _like(t, 0, dtype, requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False, device: Any = None) -> Tensor:
    if end is None:
        start, end = 0, start
    if dtype is None:
        dtype = _dt.result_type([], [], [start, end, step])
    dt = _dt.to_dtype(dtype)
    if dt.is_floating_point:
        n = int(np.ceil((end - start) / step))
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    else:
        arr = np.arange(start, end, step, dtype=dt.np)
    return _finish(arr, requires_grad)


def linspace(start: float, end: float, steps: int, dtype: Any = None,
             requires_grad: bool = False, device: Any = None) -> Tensor:
    dt = _dtype_or(dtype, _dt.float32)
    return _finish(np.linspace(start, end, int(steps)).astype(dt.np), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False,
        device: Any = None) -> Tensor:
    dt = _dtype_or(dtype, _dt.float32)
    return _finish(np.eye(n, m, dtype=dt.np), requires_grad)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    dt = _dtype_or(dtype, _dt.float32)
    return _finish(_RNG.gen.random(_shape_arg(_size(size, kw))).astype(dt.np), requires_grad)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    dt = _dtype_or(dtype, _dt.float32)
    return _finish(_RNG.gen.standard_normal(_shape_arg(_size(size, kw))).astype(dt.np),
                   requires_grad)


def randint(low: int, high: int | None = None, size: Sequence[int] = (), dtype: Any = None,
            requires_grad: bool = False) -> Tensor:
    if high is None:
        low, high = 0, low
    dt = _dtype_or(dtype, _dt.int64)
    return _finish(_RNG.gen.integers(low, high, tuple(size)).astype(dt.np), requires_grad)


def randn_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return randn(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def rand_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return rand(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def _legacy(dt: _dt.dtype) -> Any:
    def make(*args: Any) -> Tensor:
        if args and all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            return Tensor._from_array(np.zeros(args, dtype=dt.np))
        return Tensor._from_array(_to_array(args[0] if args else [], dt))
    make.__doc__ = f"Legacy constructor: a {dt} tensor from data or sizes."
    return make


FloatTensor = _legacy(_dt.float32)
DoubleTensor = _legacy(_dt.float64)
LongTensor = _legacy(_dt.int64)
BoolTensor = _legacy(_dt.bool_)
