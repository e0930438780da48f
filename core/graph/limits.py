"""Size limits for evaluation: refuse a result too large *before* it is allocated.

A document holds at most `MAX_ELEMENTS` elements per value (`core.graph.values`), which
bounds what files and editors can bring in. Computed values need the same bound, or
`expand(x, (200000, 200000))` (a numpy view, free) escapes as a MemoryError from the
first thing that reads it, and a broadcast `(100000, 1) + (1, 100000)` spends 28 s and
10 GB. `size_error` predicts the number of elements of an op's result from its inputs'
shapes and its parameters — only for the ops whose result can be larger than their
inputs — and says why the node is refused; `result_size_error` is the backstop for a
result that exists already (a view). Both are a few tuple operations: cheap on the hot path.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from core.graph.catalog import index_key
from core.graph.values import MAX_ELEMENTS

#: ops whose result has the broadcast shape of their (non-variadic) tensor inputs
_ELEMENTWISE_CATEGORIES = ("arithmetic", "functions")
_ELEMENTWISE_OPS = frozenset({"mse_loss", "index_put"})
#: ops whose result size follows other rules (parameters, matrix products, concatenation)
_GROWING = frozenset({"expand", "unindex", "stack", "cat", "matmul", "addmm", "index"})


def _shape(t: Any) -> tuple[int, ...]:
    return tuple(t.shape)


def _broadcast(shapes: list[tuple[int, ...]]) -> tuple[int, ...] | None:
    """The broadcast shape, or None if the shapes do not broadcast (the engine then says
    why, with its own message)."""
    nd = max((len(s) for s in shapes), default=0)
    out = [1] * nd
    for s in shapes:
        for i, d in enumerate(s, nd - len(s)):
            if d != out[i]:
                if out[i] == 1:
                    out[i] = d
                elif d != 1:
                    return None
    return tuple(out)


def predicted_elements(op: str, category: str, args: Mapping[str, Any],
                       params: Mapping[str, Any]) -> int | None:
    """Elements of the result of `op` on `args`, for ops that can grow; None otherwise
    (or when the shapes do not fit, which the engine reports)."""
    if op == "expand":
        x = _shape(args["x"])
        want = tuple(params["shape"])
        lead = len(want) - len(x)
        if lead < 0:
            return None
        dims = [x[i - lead] if d == -1 and i >= lead else d for i, d in enumerate(want)]
        return math.prod(dims) if all(d >= 0 for d in dims) else None
    if op == "unindex":
        return math.prod(params["shape"]) if all(d >= 0 for d in params["shape"]) else None
    if op == "index":
        return _index_elements(_shape(args["x"]), params["index"])
    if op in ("stack", "cat"):
        return sum(math.prod(_shape(t)) for t in args.get("xs") or ())
    if op in ("matmul", "addmm"):
        a, b = _shape(args["a"]), _shape(args["b"])
        if not a or not b:
            return None
        n = a[-2] if len(a) >= 2 else 1
        m = b[-1] if len(b) >= 2 else 1
        batch = _broadcast([a[:-2], b[:-2]])
        return None if batch is None else math.prod(batch) * n * m
    if category in _ELEMENTWISE_CATEGORIES or op in _ELEMENTWISE_OPS:
        shapes = [tuple(t.shape) for t in args.values() if hasattr(t, "shape")]
        out = _broadcast(shapes)
        return None if out is None else math.prod(out)
    return None


def _index_elements(x: tuple[int, ...], parts: tuple[Any, ...]) -> int | None:
    """Elements of x[index] when the index has integer arrays (which can pick far more
    than x holds, row after row); None without them (a view no larger than x)."""
    if not any(isinstance(p, tuple) for p in parts):
        return None
    key = index_key(parts)
    fill = len(x) - sum(1 for k in key if k is not None and k is not Ellipsis)
    if fill < 0 or sum(1 for k in key if k is Ellipsis) > 1:
        return None  # the engine says why
    arrays: list[tuple[int, ...]] = []
    n, d = 1, 0
    for k in key:
        if k is None:
            continue
        if k is Ellipsis:
            n *= math.prod(x[d:d + fill])
            d += fill
            continue
        if isinstance(k, slice):
            n *= len(range(*k.indices(x[d])))
        elif isinstance(k, np.ndarray):
            arrays.append(k.shape)
        d += 1
    n *= math.prod(x[d:])
    b = _broadcast(arrays)
    return None if b is None else n * math.prod(b)


def size_error(op: str, category: str, args: Mapping[str, Any],
               params: Mapping[str, Any]) -> str | None:
    """Why the result of `op` would be too large to compute, or None."""
    if op not in _GROWING:
        if category not in _ELEMENTWISE_CATEGORIES and op not in _ELEMENTWISE_OPS:
            return None
        first = None  # the common case, decided at once: every input has one shape
        for t in args.values():
            if t is not None:
                if first is None:
                    first = t.shape
                elif t.shape != first:
                    break
        else:
            return None
    n = predicted_elements(op, category, args, params)
    if n is None or n <= MAX_ELEMENTS:
        return None
    return _too_large(op, n)


def result_size_error(op: str, result: Any) -> str | None:
    """The same check on a result that exists (a broadcast view costs nothing until read)."""
    n = result.numel()
    return _too_large(op, n) if n > MAX_ELEMENTS else None


def nonfinite_warning(op: str, value: np.ndarray, inputs: list[np.ndarray]) -> str | None:
    """What to say on a node whose float result has nan or ±inf its inputs did not have
    (one isfinite pass in the common, all-finite case)."""
    if np.isfinite(value).all():
        return None
    floats = [v for v in inputs if v.dtype.kind == "f"]
    if np.isnan(value).any() and not any(np.isnan(v).any() for v in floats):
        return f"{op} produced nan (e.g. log or sqrt of a negative number, or 0/0)"
    if np.isinf(value).any() and not any(np.isinf(v).any() for v in floats):
        return (f"{op} produced inf: a result beyond the range of {value.dtype} (overflow), "
                "or a division by zero")
    return None


def _too_large(op: str, n: int) -> str:
    return (f"{op} would produce {n:,} elements; the limit is {MAX_ELEMENTS:,} "
            "(the largest value a document holds)")


__all__ = ["MAX_ELEMENTS", "nonfinite_warning", "predicted_elements", "result_size_error",
           "size_error"]
