"""Tensor factories: ``tensor``, ``zeros``, ``arange``, ``randn``...

The random ones draw from ``core.random``'s generator, which reproduces torch's CPU
stream: after ``manual_seed(s)`` they return what torch returns after its own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import dtypes as _dt
from . import random as _random
from .tensor import Tensor, _shape_arg, _to_array


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


def _gen_kw(kw: dict[str, Any]) -> Any:
    return kw.get("generator")


def _random_tensor(shape: tuple[int, ...], dt: _dt.dtype) -> Tensor:
    """An uninitialised tensor for a random fill (the kernels reject non-float dtypes)."""
    return Tensor._from_array(np.empty(shape, dt.np))


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    """U[0, 1) samples: torch's numbers for the same seed and call sequence."""
    t = _random_tensor(_shape_arg(_size(size, kw)), _dtype_or(dtype, _dt.float32))
    _random.uniform_(t._data, 0.0, 1.0, _gen_kw(kw))
    return t.requires_grad_(requires_grad) if requires_grad else t


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    """N(0, 1) samples: torch's numbers for the same seed and call sequence."""
    t = _random_tensor(_shape_arg(_size(size, kw)), _dtype_or(dtype, _dt.float32))
    _random.normal_(t._data, 0.0, 1.0, _gen_kw(kw))
    return t.requires_grad_(requires_grad) if requires_grad else t


def randint(low: int, high: Any = None, size: Any = None, *, dtype: Any = None,
            requires_grad: bool = False, generator: Any = None, **kw: Any) -> Tensor:
    """Integers in [low, high); ``randint(high, size)`` too, as in torch."""
    if size is None and isinstance(high, (tuple, list)):
        high, size = None, high
    if high is None:
        low, high = 0, low
    if size is None:
        size = kw.pop("size", None)
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    _size((), kw)
    dt = _dtype_or(dtype, _dt.int64)
    arr = np.empty(_shape_arg((size,)), dt.np)
    _random.random_(arr, int(low), int(high), generator)
    return _finish(arr, requires_grad)


def randperm(n: int, *, dtype: Any = None, requires_grad: bool = False,
             generator: Any = None, **kw: Any) -> Tensor:
    """A random permutation of 0..n-1 (ATen's CPU Fisher-Yates)."""
    _size((), kw)
    dt = _dtype_or(dtype, _dt.int64)
    return _finish(_random.randperm(n, generator).astype(dt.np), requires_grad)


def normal(mean: float, std: float, size: Any, *, generator: Any = None, dtype: Any = None,
           requires_grad: bool = False, **kw: Any) -> Tensor:
    """``normal(mean, std, size)`` with float mean and std."""
    _size((), kw)
    t = _random_tensor(_shape_arg((size,)), _dtype_or(dtype, _dt.float32))
    _random.normal_(t._data, mean, std, generator)
    return t.requires_grad_(requires_grad) if requires_grad else t


def randn_like(t: Tensor, dtype: Any = None, requires_grad: bool = False, **kw: Any
               ) -> Tensor:
    return randn(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad, **kw)


def rand_like(t: Tensor, dtype: Any = None, requires_grad: bool = False, **kw: Any
              ) -> Tensor:
    return rand(*t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad, **kw)


def randint_like(t: Tensor, low: int, high: int | None = None, *, dtype: Any = None,
                 requires_grad: bool = False, generator: Any = None) -> Tensor:
    return randint(low, high, tuple(t.shape), dtype=dtype or t.dtype,
                   requires_grad=requires_grad, generator=generator)


def _fill_random(self: Tensor, fill: Any, *args: Any, generator: Any = None) -> Tensor:
    """In-place random fill with torch's rules: a leaf that requires grad refuses it
    under grad mode; a tensor inside a graph gets the new values as a constant."""
    from .autograd.grad_mode import STATE
    from .tensor import LEAF_INPLACE_MESSAGE

    if STATE.enabled and self._requires_grad:
        if self._grad_fn is None:
            raise RuntimeError(LEAF_INPLACE_MESSAGE)
        values = Tensor._from_array(fill(np.empty_like(self._data), *args, generator))
        return self._inplace(lambda s: s * 0 + values, copy=False)
    fill(self._data, *args, generator)
    self._bump()
    return self


def _uniform_method(self: Tensor, from_: float = 0.0, to: float = 1.0, *,
                    generator: Any = None, **kw: Any) -> Tensor:
    """``Tensor.uniform_(from, to)``: torch's numbers for the same seed."""
    from_, to = kw.pop("from", from_), kw.pop("to", to)
    return _fill_random(self, _random.uniform_, from_, to, generator=generator)


def _normal_method(self: Tensor, mean: float = 0.0, std: float = 1.0, *,
                   generator: Any = None) -> Tensor:
    """``Tensor.normal_(mean, std)``: torch's numbers for the same seed."""
    return _fill_random(self, _random.normal_, mean, std, generator=generator)


def _random_method(self: Tensor, from_: int = 0, to: int | None = None, *,
                   generator: Any = None) -> Tensor:
    """``Tensor.random_(from, to)`` / ``random_(to)`` (an upper bound is required here)."""
    if to is None:
        if from_ == 0:
            raise NotImplementedError("random_() without bounds")
        from_, to = 0, from_
    return _fill_random(self, _random.random_, from_, to, generator=generator)


# tensor.py stays free of the generator; the random in-place methods are bound here
Tensor.uniform_ = _uniform_method  # type: ignore[attr-defined]
Tensor.normal_ = _normal_method  # type: ignore[attr-defined]
Tensor.random_ = _random_method  # type: ignore[attr-defined]


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
