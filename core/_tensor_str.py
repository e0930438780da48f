"""Tensor printing that reproduces PyTorch's ``repr(tensor)`` character for character.

Users read our output as PyTorch's (tutorials paste it), so the rules here follow
torch/_tensor_str.py: one shared element formatter per tensor (int mode / fixed / scientific
notation chosen from the non-zero finite values), 80-column wrapping, summarization with
``...`` past ``threshold`` elements, and the ``dtype=`` / ``grad_fn=`` suffixes.

Everything is a pure function of a numpy array plus suffix strings (:func:`format_array`),
so it can be tested against real torch without the engine.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = [
    "PRINT_OPTS",
    "format_array",
    "get_printoptions",
    "printoptions",
    "set_printoptions",
    "tensor_repr",
]


@dataclasses.dataclass
class _PrinterOptions:
    """Same knobs and defaults as ``torch.set_printoptions``."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()

_PROFILES: dict[str, dict[str, Any]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

# numpy dtype -> the name users see; float32 is the default dtype, int64/bool are inferable.
_TORCH_DTYPE_NAMES: dict[np.dtype, str] = {
    np.dtype(np.float32): "torch.float32",
    np.dtype(np.float64): "torch.float64",
    np.dtype(np.float16): "torch.float16",
    np.dtype(np.int64): "torch.int64",
    np.dtype(np.int32): "torch.int32",
    np.dtype(np.int16): "torch.int16",
    np.dtype(np.int8): "torch.int8",
    np.dtype(np.uint8): "torch.uint8",
    np.dtype(np.bool_): "torch.bool",
}
_DEFAULT_FLOAT = np.dtype(np.float32)
_INFERABLE = {np.dtype(np.float32), np.dtype(np.int64), np.dtype(np.bool_)}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """``torch.set_printoptions``: tutorials call it, so it must change our output the same way."""
    if profile is not None:
        for key, value in _PROFILES[profile].items():
            setattr(PRINT_OPTS, key, value)
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    # torch resets sci_mode on every call (None = automatic); keep that quirk.
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Current options as kwargs for :func:`set_printoptions` (mirrors torch)."""
    return dataclasses.asdict(PRINT_OPTS)


@contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change print options (``torch._tensor_str.printoptions``)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


def _dtype_name(dtype: np.dtype) -> str:
    return _TORCH_DTYPE_NAMES.get(np.dtype(dtype), f"torch.{np.dtype(dtype).name}")


class _Formatter:
    """Chooses one width/notation for all elements so columns line up (torch's rules)."""

    def __init__(self, arr: np.ndarray) -> None:
        self.floating = arr.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = arr.reshape(-1)
        precision = PRINT_OPTS.precision

        if not self.floating:
            for value in flat.tolist():
                self.max_width = max(self.max_width, len(f"{value}"))
            return

        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        # torch decides integrality in the tensor's own dtype, then measures in double.
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        as_double = vals.astype(np.float64)
        abs_vals = np.abs(as_double)
        vmin, vmax = float(abs_vals.min()), float(abs_vals.max())
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        py_vals = as_double.tolist()
        if self.sci_mode:
            width = max(len(f"{v:.{precision}e}") for v in py_vals)
        elif self.int_mode:
            # the trailing "." that marks a float costs one column
            width = max(len(f"{v:.0f}") for v in py_vals) + 1
        else:
            width = max(len(f"{v:.{precision}f}") for v in py_vals)
        self.max_width = max(self.max_width, width)

    def format(self, value: Any) -> str:
        """Format one Python scalar, right-aligned to the shared width."""
        if self.floating:
            precision = PRINT_OPTS.precision
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{precision}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{precision}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _summarized(arr: np.ndarray) -> np.ndarray:
    """Only the elements that will be shown, so hidden values don't affect the format."""
    edge = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr
    if arr.ndim == 1:
        if arr.shape[0] > 2 * edge:
            # edge == 0 keeps everything (arr[-0:]), as torch does
            return np.concatenate((arr[:edge], arr[-edge:]))
        return arr
    if not edge:
        return np.empty((0,) * arr.ndim, dtype=arr.dtype)
    rows = range(arr.shape[0])
    if arr.shape[0] > 2 * edge:
        rows = list(range(edge)) + list(range(arr.shape[0] - edge, arr.shape[0]))
    return np.stack([_summarized(arr[i]) for i in rows])


def _to_python(arr: np.ndarray, floating: bool) -> list[Any]:
    # float32 values print through their exact double value, as torch's .tolist() gives.
    return (arr.astype(np.float64) if floating else arr).tolist()


def _vector_str(arr: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    element_length = fmt.max_width + 2
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        data = ["..."]
    elif summarize and arr.shape[0] > 2 * edge:
        data = (
            [fmt.format(v) for v in _to_python(arr[:edge], fmt.floating)]
            + [" ..."]
            + [fmt.format(v) for v in _to_python(arr[-edge:], fmt.floating)]
        )
    else:
        data = [fmt.format(v) for v in _to_python(arr, fmt.floating)]
    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(arr: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if arr.ndim == 0:
        return fmt.format(_to_python(arr, fmt.floating))
    if arr.ndim == 1:
        return _vector_str(arr, indent, summarize, fmt)
    edge = PRINT_OPTS.edgeitems
    n = arr.shape[0]
    if summarize and n > 2 * edge:
        slices = (
            [_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(edge)]
            + ["..."]
            + [_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(n - edge, n)]
        )
    else:
        slices = [_nested_str(arr[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _body_str(arr: np.ndarray, indent: int) -> str:
    if arr.size == 0:
        return "[]"
    summarize = arr.size > PRINT_OPTS.threshold
    fmt = _Formatter(_summarized(arr) if summarize else arr)
    return _nested_str(arr, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    parts = [text]
    # torch's off-by-two ("+ 1" after rfind) decides where suffixes wrap; keep it identical.
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def format_array(
    arr: np.ndarray, suffixes: list[str] | None = None, prefix: str = "tensor("
) -> str:
    """``repr`` of a tensor holding ``arr``; ``suffixes`` (e.g. ``grad_fn=<MulBackward0>``) go last.

    Shape/dtype suffixes are derived from ``arr`` itself, in torch's order.
    """
    arr = np.asarray(arr)
    indent = len(prefix)
    auto: list[str] = []
    if arr.size == 0:
        if arr.ndim != 1:
            auto.append("size=" + str(tuple(arr.shape)))
        # nothing to infer the dtype from, so anything but the default float is spelled out
        if arr.dtype != _DEFAULT_FLOAT:
            auto.append("dtype=" + _dtype_name(arr.dtype))
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            auto.append("size=" + str(tuple(arr.shape)))
        if arr.dtype not in _INFERABLE:
            auto.append("dtype=" + _dtype_name(arr.dtype))
        body = _body_str(arr, indent)
    return _add_suffixes(prefix + body, auto + list(suffixes or ()), indent)


def tensor_repr(t: Any) -> str:
    """``repr(t)`` for a core Tensor (reads ``_data``, ``grad_fn``, ``requires_grad``)."""
    suffixes: list[str] = []
    grad_fn = getattr(t, "grad_fn", None)
    if grad_fn is not None:
        name = grad_fn.name() if callable(getattr(grad_fn, "name", None)) else None
        suffixes.append(f"grad_fn=<{name or type(grad_fn).__name__}>")
    elif getattr(t, "requires_grad", False):
        suffixes.append("requires_grad=True")
    return format_array(np.asarray(t._data), suffixes)
