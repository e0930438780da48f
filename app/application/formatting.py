"""Compact, readable text for values and gradients shown on the canvas.

The canvas has room for a line or two per node, so values are previewed (a scalar in 4 significant
digits, the head and tail of a vector, the corner of a matrix); the tooltip and inspector show the
full value through core's own PyTorch-style repr.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def as_array(value: Any) -> np.ndarray | None:
    """Numpy view of a core Tensor / ndarray / Python number, or None when there is no value."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return value
    data = getattr(value, "_data", None)  # core.Tensor storage (ENGINE_CONTRACT.md)
    if isinstance(data, np.ndarray):
        return data
    try:
        return np.asarray(value)
    except Exception:  # noqa: BLE001 - an unknown object simply has no preview
        return None


def same_numbers(a: Any, b: Any) -> bool:
    """Whether two arrays hold the same numbers (shape, dtype and values; nan equals nan).

    Called for every node and wire after each evaluation, where nearly all gradients are
    unchanged: equal bytes answer that without numpy's elementwise machinery; only arrays whose
    bytes differ (e.g. -0.0 vs 0.0) fall through to `np.array_equal`."""
    try:
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if (type(a) is np.ndarray and type(b) is np.ndarray and a.dtype.kind != "O"
                and a.tobytes() == b.tobytes()):
            return True
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    except (AttributeError, TypeError):
        return False


def fmt_number(x: float | int | bool | np.generic, digits: int = 4) -> str:
    """A number in at most `digits` significant digits, dropping noise like trailing zeros."""
    if isinstance(x, (bool, np.bool_)):
        return "True" if x else "False"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 1e5 or ax < 1e-3:
        mant, exp = f"{x:.{max(digits - 2, 1)}e}".split("e")
        mant = mant.rstrip("0").rstrip(".")
        return f"{mant}e{int(exp)}"
    s = f"{x:.{digits}g}"
    if "e" in s:  # %g switched to exponent for e.g. 12345 with 4 digits
        s = f"{x:.{max(digits - len(str(int(ax))), 0)}f}"
    return s


def _row(values: np.ndarray, limit: int) -> str:
    items = [fmt_number(v, 3) for v in values[:limit]] if values.size <= limit else (
        [fmt_number(v, 3) for v in values[: limit - 2]] + ["…", fmt_number(values[-1], 3)]
    )
    return "[" + ", ".join(items) + "]"


def preview(value: Any, max_items: int = 4, max_rows: int = 3) -> str:
    """Up to `max_rows` short lines describing a value: a number, a vector, or a matrix corner."""
    arr = as_array(value)
    if arr is None:
        return "—"
    if arr.ndim == 0:
        return fmt_number(arr.item() if arr.dtype != object else arr)
    if arr.size == 0:
        return f"[] {shape_text(arr.shape)}"
    if arr.ndim == 1:
        return _row(arr, max_items)
    if arr.ndim == 2:
        rows = arr.shape[0]
        per_row = max(3, max_items - 1)  # matrices get a narrower row so nodes stay compact
        shown = [_row(arr[i], per_row) for i in range(min(rows, max_rows - 1 if rows > max_rows
                                                          else rows))]
        if rows > max_rows:
            shown.append("⋮")
        return "\n".join(shown)
    flat = arr.reshape(-1)
    return f"{_row(flat, max_items)}"


def shape_text(shape: tuple[int, ...]) -> str:
    """`(2, 3)` written the way people say it: `2×3`; scalars have no shape text."""
    return "×".join(str(s) for s in shape) if shape else ""


def dtype_text(value: Any) -> str:
    """The dtype as PyTorch prints it (`float32`), from a core Tensor or an ndarray."""
    dt = getattr(value, "dtype", None)
    if dt is None:
        return ""
    np_dt = getattr(dt, "np", None)
    if np_dt is not None:
        return np.dtype(np_dt).name
    try:
        return np.dtype(dt).name
    except TypeError:
        return str(dt).replace("torch.", "")


def full_text(value: Any) -> str:
    """The whole value for tooltips: core's PyTorch-style repr when available, else numpy's."""
    if value is None:
        return "no value"
    try:
        from core._tensor_str import tensor_repr  # contract: builds `tensor(...)` like PyTorch

        if hasattr(value, "_data"):
            return tensor_repr(value)
    except Exception:  # noqa: BLE001 - core may not provide a repr yet; numpy's is fine
        pass
    arr = as_array(value)
    if arr is None:
        return repr(value)
    with np.printoptions(precision=4, suppress=True, linewidth=72, threshold=400):
        return np.array2string(arr, separator=", ")


def magnitude(value: Any) -> float:
    """One number summarising a gradient's size: the largest absolute entry (0 if none)."""
    arr = as_array(value)
    if arr is None or arr.size == 0 or arr.dtype == bool:
        return 0.0
    with np.errstate(all="ignore"):
        m = float(np.nanmax(np.abs(arr.astype(np.float64))))
    return 0.0 if math.isnan(m) else m


def sign(value: Any) -> int:
    """+1/-1 when every entry agrees in sign (sum's sign otherwise), 0 for an all-zero gradient."""
    arr = as_array(value)
    if arr is None or arr.size == 0 or arr.dtype == bool:
        return 0
    a = arr.astype(np.float64)
    if np.all(a == 0):
        return 0
    s = float(np.nansum(a))
    if s == 0:
        return 1 if np.nanmax(a) > 0 else -1
    return 1 if s > 0 else -1


def grad_label(value: Any) -> str:
    """One short line for a wire's gradient pill: a number, a short vector, or for bigger
    tensors the shape with either its single repeated value or its first entry."""
    arr = as_array(value)
    if arr is None:
        return ""
    if arr.ndim == 0 or arr.size == 1:
        return fmt_number(arr.reshape(-1)[0].item() if arr.size else 0.0)
    flat = arr.reshape(-1)
    if arr.ndim == 1 and arr.size <= 4:
        return _row(flat, 4)
    shape = shape_text(arr.shape)
    if not flat.size:  # an empty matrix (x[0:0] of a 2-D x): nothing to pick a value from
        return f"{shape} []"
    if flat.dtype != bool and np.all(flat == flat[0]):
        return f"{shape}: all {fmt_number(flat[0].item(), 3)}"
    if arr.ndim == 1 and arr.size <= 6:
        return _row(flat, 3)
    return f"{shape} […]"  # hover for the whole tensor
