"""The lines an exported script is made of, for both writers of scripts (export's
`script` and `Trainer.script`): literals, tensors, one node's line, and the helper
functions a line may call.

The helpers are written once, as real functions below: the catalog runs them (on
PyTorch) when it evaluates a node, and a script gets their source text, so what the
catalog test checks against PyTorch is what exported scripts run. They read `torch` as a
global; `bound(fn, lib)` gives the same code with `torch` bound to a library (no
exec: the function object is rebuilt around the same code).
"""

from __future__ import annotations

import inspect
import math
import textwrap
import types
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from core.graph.values import dtype_name

if TYPE_CHECKING:
    from core.graph.catalog import OpSpec

torch: Any = None  # the helpers' library; bound per call (see `bound`)


def _unindex(g, key, shape, any=any, all=all, isinstance=isinstance, int=int,  # noqa: ANN001, ANN202, A002 - written as the script shows it
             tuple=tuple):
    """zeros(shape) with g added at key: how an index sends its gradient back (an
    integer-array key may repeat a position: index_put with accumulate adds those up).
    Builtins are bound at definition, so a node named like one cannot break this."""
    z = torch.zeros(shape, dtype=g.dtype)
    parts = key if isinstance(key, tuple) else (key,)
    if any(isinstance(k, torch.Tensor) for k in parts) and all(
            isinstance(k, (int, torch.Tensor)) for k in parts):
        idx = tuple(torch.as_tensor(k) for k in parts)
        return z.index_put(idx, g.expand(z[key].shape), accumulate=True)
    z[key] = g
    return z


def _index_put(x, key, value):  # noqa: ANN001, ANN202 - written as the script shows it
    """x with value written at key, out of place (what x[key] = value records)."""
    y = x.clone()
    y[key] = value
    return y


_UNINDEX_CORE = '''
def _unindex(g, key, shape):
    """zeros(shape) with g added at key: how an index sends its gradient back (the
    engine's own op for it, which adds up repeated positions)."""
    ix = torch.ops.indexing
    return ix.index_into_zeros(g, ix.normalize_key(key), shape)
'''


def bound(fn: Callable[..., Any], lib: Any) -> Callable[..., Any]:
    """`fn` (a helper above) with `torch` meaning `lib`."""
    return types.FunctionType(fn.__code__, {**fn.__globals__, "torch": lib}, fn.__name__,
                              fn.__defaults__, fn.__closure__)


def source(fn: Callable[..., Any]) -> str:
    """A helper's source text as a script defines it (without the noqa note)."""
    text = textwrap.dedent(inspect.getsource(fn))
    first, _, rest = text.partition("\n")
    return "\n" + first.split("  # noqa")[0] + "\n" + rest


#: helper functions a script defines when a node needs them: op -> flavor -> text
HELPERS: dict[str, dict[str, str]] = {
    "unindex": {"torch": source(_unindex), "core": _UNINDEX_CORE},
    "index_put": {"torch": source(_index_put), "core": source(_index_put)},
}


def helper_sources(ops: Iterable[str], flavor: str = "torch") -> list[str]:
    """The helper definitions the nodes of ops `ops` call, in a stable order."""
    return [HELPERS[h][flavor] for h in sorted(set(ops) & set(HELPERS))]


def literal(v: Any) -> str:
    """A value (from `ndarray.tolist()`) as Python source; nan and ±inf as float(...)."""
    if isinstance(v, list):
        return "[" + ", ".join(literal(e) for e in v) + "]"
    if isinstance(v, float):
        if math.isnan(v):
            return "float('nan')"
        if math.isinf(v):
            return "float('inf')" if v > 0 else "-float('inf')"
        return repr(v)
    return repr(v)


def value_code(v: Any) -> str:
    """A parameter or hyper-parameter value as Python source: a tuple stays a tuple and a
    nan/±inf float is written as float(...) — repr's bare `inf` is a NameError in a script."""
    if isinstance(v, tuple):
        inner = ", ".join(value_code(e) for e in v)
        return f"({inner}{',' if len(v) == 1 else ''})"
    return literal(v)


def tensor_code(arr: np.ndarray, requires_grad: bool = False) -> str:
    """`torch.tensor(...)` for an array, with its dtype."""
    rg = ", requires_grad=True" if requires_grad else ""
    if arr.size == 0:  # [] would lose the shape: a (0, 3) value is not a (0,) one
        return f"torch.zeros({tuple(arr.shape)!r}, dtype=torch.{dtype_name(arr)}{rg})"
    return f"torch.tensor({literal(arr.tolist())}, dtype=torch.{dtype_name(arr)}{rg})"


def node_code(spec: OpSpec, args: Mapping[str, Any], params: Mapping[str, Any],
              flavor: str = "torch") -> str:
    """The expression computing a node from its inputs' variable names: the catalog's
    PyTorch template, or its `core_template` for a script on our engine."""
    if flavor == "core" and "core_template" in spec.extra:

        return spec.extra["core_template"].format(
            **{k: repr(source_value(v)) for k, v in params.items()}, **args)
    return spec.code(args, params)


def docstring_text(text: str) -> str:
    r"""Text that reads back as itself inside a non-raw triple-quoted string: backslashes
    doubled, control characters and lone surrogates as escapes (a NUL, a lone surrogate or
    a stray \x or \N{ in a title would make the script a SyntaxError or unsavable)."""
    out = []
    for ch in text.replace('"""', "'''"):
        if ch == "\\":
            out.append("\\\\")
        elif ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cs") or ch in "\u2028\u2029\ufeff":
            out.append(ascii(ch)[1:-1])
        else:
            out.append(ch)
    return "".join(out)



class _SourceFloat(float):
    """A nan/±inf parameter whose repr is Python source (`float('inf')`), not the bare
    `inf` that is a NameError in an exported script."""

    def __repr__(self) -> str:
        return f"float('{float(self)!r}')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self) if not spec else float.__format__(self, spec)


def source_value(v: Any) -> Any:
    """A parameter value whose repr is valid source in an exported script."""
    if isinstance(v, float) and not math.isfinite(v):
        return _SourceFloat(v)
    return v

__all__ = ["HELPERS", "bound", "docstring_text", "helper_sources", "literal", "node_code", "source",
           "source_value", "tensor_code", "value_code"]
