"""A node type's ports and parameters: what a `Port` and a `Param` declare, and how a
parameter's text (from the inspector, a file or the parser) becomes its typed value.

Index parameters get most of the code: an index is kept as JSON-ready parts (an int, text
such as "1:3", "None", "...", or nested tuples for an integer-array index) and turned into
a Python key (`index_key`) or read back from one the engine recorded (`index_from_key`,
which Differentiate needs). The catalog (`core/graph/catalog.py`) declares every node type
with these; nothing here knows a node type.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Parameter kinds a `Param` may declare; `Param.coerce` turns GUI text into these.
PARAM_TYPES: tuple[str, ...] = ("float", "float?", "int", "int?", "bool", "ints", "index",
                                 "choice")


class ParamError(ValueError):
    """A parameter value that does not fit its declared type (the document wraps it)."""


@dataclass(frozen=True)
class Port:
    """An input port of a node type.

    `variadic` ports accept any number of wires, addressed as "name.0", "name.1", ...
    (ordered by that index); `optional` ports may stay unwired (the op then falls
    back to a parameter, as `pow` uses its `exponent` parameter).
    """

    name: str
    optional: bool = False
    variadic: bool = False
    description: str = ""


@dataclass(frozen=True)
class Param:
    """A node parameter: an exponent, a `dim`, a shape, a reduction mode."""

    name: str
    type: str
    default: Any
    description: str = ""
    choices: tuple[str, ...] = ()

    def coerce(self, value: Any) -> Any:
        """Return `value` converted to this parameter's type, or raise `ParamError`.

        Accepts the typed value or its text as typed in an editor ("2", "0, 1", "None"),
        so the app can hand over what the user typed; text is parsed, never evaluated.
        """
        if isinstance(value, str):
            value = _parse_param_text(value, self.type, self.name)
        if value is None and self.type in ("float?", "int?"):
            return None
        convert = _COERCE.get(self.type)
        if convert is None:
            raise ParamError(f"parameter {self.name!r} has unknown type {self.type!r}")
        return convert(self, value)


def _to_float(p: Param, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParamError(f"parameter {p.name!r} must be a number, got {value!r:.40}")
    try:
        return float(value)
    except OverflowError:  # an integer with hundreds of digits
        raise ParamError(f"parameter {p.name!r}: {_digits(value)} is too large "
                         "for a float") from None


def _to_int(p: Param, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return _int64(int(value), p.name)
        extra = " or None" if p.type == "int?" else ""
        raise ParamError(f"parameter {p.name!r} must be an integer{extra}, got {value!r}")
    return _int64(value, p.name)


def _to_bool(p: Param, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ParamError(f"parameter {p.name!r} must be true or false, got {value!r}")
    return value


def _to_ints(p: Param, value: Any) -> tuple[int, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ParamError(f"parameter {p.name!r} must be a list of integers, got {value!r}")
    return tuple(_int64(v, p.name) for v in value)


def _to_index(p: Param, value: Any) -> tuple[Any, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (list, tuple)):
        raise ParamError(f"parameter {p.name!r} must be a list of indices, got {value!r}")
    return tuple(index_part(v, p.name) for v in value)


def _to_choice(p: Param, value: Any) -> str:
    if value not in p.choices:
        raise ParamError(f"parameter {p.name!r} must be one of {', '.join(p.choices)}; "
                         f"got {value!r}")
    return value


#: How `Param.coerce` converts a value of each parameter kind (None for "float?"/"int?" is
#: handled before): one function per kind, so a new kind is one entry here and in PARAM_TYPES.
_COERCE: dict[str, Callable[[Param, Any], Any]] = {
    "float": _to_float, "float?": _to_float, "int": _to_int, "int?": _to_int,
    "bool": _to_bool, "ints": _to_ints, "index": _to_index, "choice": _to_choice,
}


def _parse_param_text(text: str, t: str, name: str) -> Any:
    """Parse editor text for a parameter of kind `t` (no eval: split and int/float)."""
    s = text.strip()
    if t == "choice":
        return s
    if t in ("int?", "float?") and s.lower() in ("", "none"):
        return None
    if t == "index":
        return _parse_index_text(s, name)
    if t == "bool":
        if s.lower() in ("true", "1", "yes"):
            return True
        if s.lower() in ("false", "0", "no"):
            return False
        raise ParamError(f"parameter {name!r} must be true or false, got {text!r}")
    try:
        if t == "ints":
            s = s.strip("()[] ")
            return tuple(int(p) for p in s.split(",") if p.strip()) if s else ()
        if t in ("int", "int?"):
            return int(s)
        return float(s)
    except ValueError:
        raise ParamError(f"parameter {name!r}: cannot read {text!r:.60} as {t}") from None


def _parse_index_text(s: str, name: str) -> tuple[Any, ...]:
    """Index text such as "0, :, 1:3" or "[0, 1], [2, 0]" (integer arrays in brackets) as
    a tuple of parts; the brackets are read as JSON lists, never evaluated."""
    if s.startswith(("[", "(")) and s.endswith(("]", ")")) and _closes_at_end(s):
        s = s[1:-1].strip()  # the whole index written in brackets, as the node shows it
    parts: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(s):
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(s[start:i])
            start = i + 1
    parts.append(s[start:])
    out: list[Any] = []
    for p in (q.strip() for q in parts):
        if not p:
            continue
        if p[0] in "[(":
            try:
                out.append(json.loads(p.replace("(", "[").replace(")", "]")))
            except ValueError:
                raise ParamError(f"parameter {name!r}: cannot read {p!r} as a list of "
                                 "integers") from None
        else:
            out.append(int(p) if _is_int(p) else p)
    return tuple(out)


def _closes_at_end(s: str) -> bool:
    """True if the bracket opening `s` is the one closing it (so "[0], [1]" is two parts)."""
    depth = 0
    for i, ch in enumerate(s):
        depth += ch in "[("
        depth -= ch in "])"
        if depth == 0:
            return i == len(s) - 1
    return False


def _is_int(text: str) -> bool:
    """An ASCII integer that fits int64 ("²" passes isdigit(), 5,000 digits pass nothing)."""
    t = text.strip()
    d = t[1:] if t.startswith("-") else t
    return 0 < len(d) <= 18 and d.isascii() and d.isdigit()


def _int64(v: int, name: str) -> int:
    """An int parameter within int64, which is all the engine (and PyTorch) can index or
    shape with; bigger ones are refused here, once, so no later stage sees them."""
    if not -(2**63) <= v < 2**63:
        raise ParamError(f"parameter {name!r}: {_digits(v)} is too large (outside int64)")
    return int(v)


def _show(v: Any) -> str:
    """repr for a message, short, and safe for integers too long for str()."""
    try:
        return f"{v!r:.60}"
    except ValueError:
        return "a value with an integer too long to show"


def _digits(v: int) -> str:
    """A huge integer described without str(), which refuses more than 4,300 digits."""
    return f"an integer of about {len(hex(v)) * 1.2:.0f} digits"


def index_part(v: Any, name: str = "index") -> int | str | tuple[Any, ...]:
    """One entry of an index parameter: an int, text for a slice (":", "1:3", "::2"),
    "None" (new axis) or "..." — text so that it fits in JSON and reads like Python —
    or a (nested) tuple of ints, an integer-array index (what cross_entropy's gradient
    picks with: one class per row)."""
    if isinstance(v, bool):
        raise ParamError(f"parameter {name!r}: {v!r} is not an index")
    if isinstance(v, int):
        return _int64(v, name)
    if isinstance(v, (list, tuple)):
        return _int_array_part(v, name)
    if isinstance(v, str):
        t = v.replace(" ", "")
        if _is_int(t):
            return int(t)
        if t in ("None", "..."):
            return t
        parts = t.split(":")
        if 2 <= len(parts) <= 3 and all(p == "" or _is_int(p) for p in parts):
            return t
    raise ParamError(f"parameter {name!r}: {_show(v)} is not an index (use 0, -1, ':', '1:3', "
                     "'None' or '...')")


def _int_array_part(v: list[Any] | tuple[Any, ...], name: str) -> tuple[Any, ...]:
    """A rectangular nested list of ints as nested tuples (immutable, JSON-ready)."""
    try:
        arr = np.asarray(v)
    except ValueError:
        arr = np.asarray([], dtype=object)
    if arr.ndim == 0 or arr.size and arr.dtype.kind not in "iu" or any(
            isinstance(b, bool) for b in arr.ravel().tolist()) or (
            not arr.size and arr.dtype.kind not in "iuf"):
        raise ParamError(f"parameter {name!r}: {_show(list(v))} is not a rectangular list of "
                         "integers")
    return _nested_tuple(arr.astype(np.int64).tolist())


def _nested_tuple(v: Any) -> Any:
    return tuple(_nested_tuple(e) for e in v) if isinstance(v, list) else int(v)


def nested_list(v: Any) -> Any:
    return [nested_list(e) for e in v] if isinstance(v, tuple) else v


def index_key(parts: tuple[Any, ...]) -> tuple[Any, ...]:
    """The Python indexing key for an index parameter (slices rebuilt from text, integer
    arrays as numpy arrays)."""
    out: list[Any] = []
    for p in parts:
        if isinstance(p, int):
            out.append(p)
        elif isinstance(p, tuple):
            out.append(np.asarray(nested_list(p), dtype=np.intp).reshape(_shape_of(p)))
        elif p == "None":
            out.append(None)
        elif p == "...":
            out.append(Ellipsis)
        else:
            bits = [int(b) if b else None for b in p.split(":")]
            out.append(slice(*bits))
    return tuple(out)


def _shape_of(p: Any) -> tuple[int, ...]:
    """The shape of a nested tuple (so that an empty array keeps its dimensions)."""
    shape: list[int] = []
    while isinstance(p, tuple):
        shape.append(len(p))
        if not p:
            break
        p = p[0]
    return tuple(shape)


def index_from_key(key: Any) -> tuple[Any, ...] | None:
    """An index parameter for a Python/numpy key (integer or boolean arrays become
    integer-array parts), or None if a part cannot be written as one."""
    parts = key if isinstance(key, tuple) else (key,)
    out: list[Any] = []
    for k in parts:
        if isinstance(k, np.ndarray) and k.ndim > 0 and k.dtype == np.bool_:
            out += [_nested_tuple(a.astype(np.int64).tolist()) for a in np.nonzero(k)]
            continue
        if isinstance(k, np.ndarray) and k.ndim > 0 and k.dtype.kind in "iu":
            out.append(_nested_tuple(k.astype(np.int64).tolist()))
            continue
        if isinstance(k, (int,)) and not isinstance(k, bool):
            out.append(int(k))
        elif type(k).__module__ == "numpy" and getattr(k, "ndim", 1) == 0 and str(
                getattr(k, "dtype", "")).startswith("int"):
            out.append(int(k))
        elif k is None:
            out.append("None")
        elif k is Ellipsis:
            out.append("...")
        elif isinstance(k, slice):
            bits = ["" if b is None else str(int(b)) for b in (k.start, k.stop, k.step)]
            out.append(":".join(bits[:2]) if k.step is None else ":".join(bits))
        else:
            return None
    return tuple(out)


__all__ = ["PARAM_TYPES", "Param", "ParamError", "Port", "index_from_key", "index_key",
           "index_part", "nested_list"]
