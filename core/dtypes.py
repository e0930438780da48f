"""The four dtypes Chainrule supports and PyTorch's promotion rules for them.

Users read our output as PyTorch's, so a dtype prints as ``torch.float32``.
"""

from __future__ import annotations

import numpy as np


class dtype:  # noqa: N801 - mirrors torch.dtype
    """A tensor element type; ``.np`` is the numpy dtype that stores it."""

    __slots__ = ("name", "np", "is_floating_point", "category", "itemsize")

    def __init__(self, name: str, np_dtype: type, category: int) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category  # 0 bool, 1 integer, 2 floating
        self.is_floating_point = category == 2
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        return self.name


float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)
int64 = dtype("int64", np.int64, 1)
bool_ = dtype("bool", np.bool_, 0)
float = float32  # noqa: A001 - torch.float
double = float64
long = int64

_BY_NP: dict[np.dtype, dtype] = {d.np: d for d in (float32, float64, int64, bool_)}
_BY_CATEGORY_DEFAULT = {0: bool_, 1: int64, 2: float32}


def from_numpy_dtype(np_dtype: np.dtype) -> dtype:
    """Map a numpy dtype onto ours: other ints become int64, other floats float32/64."""
    found = _BY_NP.get(np_dtype)
    if found is not None:
        return found
    kind = np.dtype(np_dtype).kind
    if kind == "b":
        return bool_
    if kind in "iu":
        return int64
    if kind == "f":
        return float64 if np.dtype(np_dtype).itemsize > 4 else float32
    raise TypeError(f"can't convert np.ndarray of type {np_dtype}; supported: float32, float64, "
                    "int64 and bool")


def to_dtype(d: object) -> dtype:
    """Accept our dtype, a numpy dtype or a Python type (float, int, bool)."""
    if isinstance(d, dtype):
        return d
    if d is _py_float:
        return float32
    if d is int:
        return int64
    if d is bool:
        return bool_
    return from_numpy_dtype(np.dtype(d))


_py_float = (1.0).__class__


def promote_types(a: dtype, b: dtype) -> dtype:
    """torch.promote_types for our four dtypes."""
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    return a if a.itemsize >= b.itemsize else b


def scalar_category(value: object) -> int:
    if isinstance(value, (bool, np.bool_)):
        return 0
    if isinstance(value, (int, np.integer)):
        return 1
    return 2


def result_type(dims: list[dtype], zero_dims: list[dtype], scalars: list[object]) -> dtype:
    """PyTorch's result type: dimensioned tensors beat 0-d tensors beat Python scalars,
    unless a lower-priority operand is of a higher category (bool < int < float)."""
    result: dtype | None = None
    for d in dims:
        result = d if result is None else promote_types(result, d)
    z: dtype | None = None
    for d in zero_dims:
        z = d if z is None else promote_types(z, d)
    if z is not None and (result is None or z.category > result.category):
        result = z
    if scalars:
        cat = max(scalar_category(s) for s in scalars)
        if result is None or cat > result.category:
            result = _BY_CATEGORY_DEFAULT[cat]
    return result if result is not None else float32
