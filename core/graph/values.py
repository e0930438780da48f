"""Node values: parse what a user typed (or a file holds) into a numpy array, and back.

Values are numpy arrays with one of the engine's dtypes. Text is read with Python's
`ast` and a whitelist (numbers, lists, tuples, a leading sign, nan/inf) — never `eval` —
because values come from files and from an editor where anything can be typed.
"""

from __future__ import annotations

import ast
import math
from typing import Any

import numpy as np

#: The dtypes a node value may have (the engine's), by the name used in files and code.
DTYPES: dict[str, np.dtype] = {
    "float32": np.dtype(np.float32),
    "float64": np.dtype(np.float64),
    "int64": np.dtype(np.int64),
    "bool": np.dtype(np.bool_),
}

#: Largest value a document accepts (elements); protects against hostile files.
MAX_ELEMENTS = 10_000_000
_MAX_DEPTH = 32
_NAMED = {"nan": math.nan, "inf": math.inf, "True": True, "False": False,
          "true": True, "false": False}


class ValueParseError(ValueError):
    """The value could not be read; the message says why (the document re-raises it)."""


def dtype_name(arr: np.ndarray) -> str:
    """The file/code name of an array's dtype ("float32", ...)."""
    return str(arr.dtype) if arr.dtype != np.bool_ else "bool"


def parse_value(value: Any, dtype: str | None = None) -> np.ndarray:
    """Return `value` as a read-only numpy array with an engine dtype.

    Accepts numbers, nested lists, numpy arrays and text like "[[1, 2], [3, 4]]".
    With no `dtype`, follows PyTorch: floats become float32, ints int64, bools bool.
    """
    if dtype is not None and dtype not in DTYPES:
        raise ValueParseError(f"unknown dtype {dtype!r}; use one of {', '.join(DTYPES)}")
    if isinstance(value, str):
        value = _parse_text(value)
    if isinstance(value, np.ndarray):
        arr = value
        if arr.dtype.kind not in "biuf":
            raise ValueParseError(f"values must be numbers, got an array of {arr.dtype}")
        dtype = _array_dtype(arr) if dtype is None else dtype
    else:
        arr, dtype = _object_array(value, dtype)
    if arr.size > MAX_ELEMENTS:
        raise ValueParseError(f"value too large: {arr.size} elements (limit {MAX_ELEMENTS})")
    target = DTYPES[dtype]
    if target.kind in "iub" and arr.dtype == object:
        _check_whole(arr, dtype, target)
    try:
        with np.errstate(over="ignore"):
            out = np.array(arr, dtype=target, copy=True)
    except (TypeError, ValueError, OverflowError) as e:
        raise ValueParseError(f"cannot convert to {dtype}: {e}") from None
    if target.kind == "f" and out.size and not np.isfinite(out).all():
        _check_range(arr, out, dtype)
    if target.kind in "iub" and arr.dtype.kind == "f" and arr.size and not np.all(
        np.isfinite(arr.astype(np.float64)) & (arr.astype(np.float64) % 1 == 0)
    ):
        raise ValueParseError(f"{dtype} values must be whole numbers")
    out.flags.writeable = False
    return out


def _array_dtype(arr: np.ndarray) -> str:
    """The engine dtype a numpy array keeps, as torch.from_numpy would (float16 → float32)."""
    if arr.dtype.kind == "b":
        return "bool"
    if arr.dtype.kind in "iu":
        return "int64"
    return "float64" if arr.dtype == np.float64 else "float32"


def _object_array(value: Any, dtype: str | None) -> tuple[np.ndarray, str]:
    """A number or nested list as an object array (sizes checked before it is walked or
    copied, rows of one length) and its dtype, inferred as torch.tensor does if not given."""
    count_elements(value)  # before walking or copying it
    _check_nested(value, 0)
    if dtype is None:
        dtype = _infer_dtype(value)
    try:
        arr = np.array(value, dtype=object)
    except ValueError as e:  # pragma: no cover - numpy wording varies
        raise ValueParseError(f"ragged value: {e}") from None
    if arr.dtype == object and arr.size and any(
        isinstance(v, (list, tuple, np.ndarray)) for v in arr.reshape(-1)
    ):
        raise ValueParseError("ragged value: rows must all have the same length")
    return arr, dtype


def _check_whole(arr: np.ndarray, dtype: str, target: np.dtype) -> None:
    """Integer and bool dtypes take whole numbers only (bool: true/false or 0/1)."""
    for v in arr.reshape(-1):
        if isinstance(v, (float, np.floating)) and not float(v).is_integer():
            raise ValueParseError(f"{dtype} values must be whole numbers, got {v!r}")
        if target.kind == "b" and not isinstance(v, (bool, np.bool_)) and v not in (0, 1):
            raise ValueParseError(f"bool values must be true/false (or 0/1), got {v!r}")


def _check_range(arr: np.ndarray, out: np.ndarray, dtype: str) -> None:
    """A finite number that became ±inf did not fit the dtype (1e39 in float32): say so,
    rather than let numpy's RuntimeWarning be the only trace of it."""
    try:
        wide = np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ValueParseError(f"a number is beyond the range of {dtype}") from None
    bad = np.isinf(out) & np.isfinite(wide)
    if bad.any():
        v = wide[bad].flat[0]
        raise ValueParseError(f"{v:g} is beyond the range of {dtype} (largest "
                              f"{float(np.finfo(out.dtype).max):g}); use float64")


def count_elements(data: Any, limit: int = MAX_ELEMENTS) -> int:
    """How many numbers nested lists hold, counted without building anything and stopping
    as soon as `limit` is exceeded (ValueParseError): a file or paste with 10^8 numbers is
    refused before it costs gigabytes. Ragged lists are counted loosely; parsing rejects
    them later."""
    if not isinstance(data, (list, tuple)):
        return 1
    total = 0
    stack = [data]
    while stack:
        v = stack.pop()
        if not isinstance(v, (list, tuple)):  # ragged, e.g. [[1, 2], true]
            total += 1
        elif v and isinstance(v[0], (list, tuple)):
            stack.extend(v)
            if len(stack) > limit:
                raise ValueParseError(f"value too large: more than {limit} elements")
        else:
            total += len(v)
            if total > limit:
                raise ValueParseError(f"value too large: more than {limit} elements "
                                      f"(limit {limit})")
    return total


def _infer_dtype(value: Any) -> str:
    flat: list[Any] = []
    _flatten(value, flat)
    if flat and all(isinstance(v, (bool, np.bool_)) for v in flat):
        return "bool"
    if flat and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                    for v in flat):
        return "int64"
    return "float32"


def _flatten(value: Any, out: list[Any]) -> None:
    if isinstance(value, (list, tuple)):
        for v in value:
            _flatten(v, out)
    else:
        out.append(value)


def _check_nested(value: Any, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise ValueParseError(f"value nested deeper than {_MAX_DEPTH} levels")
    if isinstance(value, (list, tuple)):
        for v in value:
            _check_nested(v, depth + 1)
    elif isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating)):
        return
    else:
        raise ValueParseError(f"values must be numbers or lists of numbers, got {value!r:.40}")


def _parse_text(text: str) -> Any:
    """Read number/list text through `ast` with a whitelist; never evaluates code."""
    if len(text) > 50 * MAX_ELEMENTS:
        raise ValueParseError("value text too long")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        col = e.offset or 1
        raise ValueParseError(f"cannot read value at column {col}: {e.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ValueParseError("cannot read value: too deeply nested or malformed") from None
    try:
        return _literal(tree.body, 0)
    except RecursionError:
        raise ValueParseError("cannot read value: too deeply nested") from None


def _literal(node: ast.AST, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise ValueParseError(f"value nested deeper than {_MAX_DEPTH} levels")
    if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int, float)):
        return node.value
    if isinstance(node, ast.Name) and node.id in _NAMED:
        return _NAMED[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _literal(node.operand, depth + 1)
        if isinstance(v, (list, tuple)) or isinstance(v, bool):
            raise ValueParseError(f"a sign must precede a number (column {node.col_offset + 1})")
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(e, depth + 1) for e in node.elts]
    col = getattr(node, "col_offset", 0) + 1
    raise ValueParseError(f"not a number or list at column {col}: "
                          f"{type(node).__name__.lower()} is not allowed in a value")


def value_to_text(arr: np.ndarray) -> str:
    """Editor text for a value, readable back by `parse_value`. float32 values are written
    with the fewest digits that read back as the same float32 (0.2019, not the float64
    expansion 0.20190000534057617)."""
    if arr.dtype == np.float32:
        return _text(_shortest32(arr.tolist()))
    return _text(arr.tolist())


def _shortest32(v: Any) -> Any:
    if isinstance(v, list):
        return [_shortest32(e) for e in v]
    return float(str(np.float32(v)))


def _text(v: Any) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_text(e) for e in v) + "]"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    return repr(v)


def value_to_json(arr: np.ndarray) -> Any:
    """Nested lists for JSON; nan and ±inf become the strings "nan", "inf", "-inf"
    because strict JSON has no literal for them."""
    return _json(arr.tolist())


def _json(v: Any) -> Any:
    if isinstance(v, list):
        return [_json(e) for e in v]
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def value_from_json(data: Any, dtype: str) -> np.ndarray:
    """Inverse of `value_to_json`, validating shape and element types."""
    return parse_value(_unjson(data, 0), dtype)


def _unjson(v: Any, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise ValueParseError(f"value nested deeper than {_MAX_DEPTH} levels")
    if isinstance(v, list):
        return [_unjson(e, depth + 1) for e in v]
    if isinstance(v, str):
        if v in ("nan", "inf", "-inf"):
            return float(v)
        raise ValueParseError(f"value element must be a number, got the string {v!r:.40}")
    if v is None or isinstance(v, dict):
        raise ValueParseError(f"value element must be a number, got {type(v).__name__}")
    return v
