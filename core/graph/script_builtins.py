"""The builtins a script may call (print, len, range, min, ...), with their limits.

Each is an `Allowed` wrapper: consuming builtins refuse ranges and tensors longer than
the item limit before they iterate (``sorted(range(10**12))``), ``sum`` refuses a
non-number start (``sum(lists, [])`` is quadratic), and print writes to the run's output
within its character limit. A mixin of `script_interp.Interpreter`.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import Any

from core.graph.script_allow import Allowed, refuse
from core.graph.script_limits import Limits, ScriptError, limit_error
from core.tensor import Tensor

_TYPE_NAMES = frozenset({"int", "float", "bool", "str", "list", "tuple", "dict"})


class ScriptBuiltins:
    """The builtins table and the functions behind it (see the module docstring)."""

    lim: Limits
    out: list[str]
    out_len: int

    def iterate(self, v: Any) -> Iterator[Any]:
        raise NotImplementedError

    def check_format(self, fmt: str, kind: str) -> None:
        raise NotImplementedError

    def _print(self, *args: Any, sep: Any = " ", end: Any = "\n", file: Any = None,
               flush: bool = False) -> None:
        if file is not None:
            raise refuse("print(file=...)")
        sep = " " if sep is None else sep
        end = "\n" if end is None else end
        if not isinstance(sep, str) or not isinstance(end, str):
            raise ScriptError("TypeError: sep and end must be strings")
        text = sep.join(str(a) for a in args) + end
        self.out_len += len(text)
        if self.out_len > self.lim.output_chars:
            raise limit_error("output_chars", f"the script printed more than "
                              f"{self.lim.output_chars} characters")
        self.out.append(text)

    def _check_iterables(self, lim: Limits, args: tuple[Any, ...],
                         kwargs: dict[str, Any]) -> None:
        for a in args:
            if isinstance(a, range) and len(a) > lim.items:
                raise limit_error("items", f"a range of {len(a)} items")
            if isinstance(a, Tensor) and a.dim() > 0 and a.shape[0] > lim.items:
                raise limit_error("items", "a tensor that long")

    def _sum(self, iterable: Any, start: Any = 0) -> Any:
        if not isinstance(start, (int, float, Tensor)):
            raise refuse("sum() with a start that is not a number or tensor")
        return sum(self.iterate(iterable), start)

    def _isinstance(self, obj: Any, cls: Any) -> bool:
        classes = cls if isinstance(cls, tuple) else (cls,)
        types = []
        for c in classes:
            t = c.fn if isinstance(c, Allowed) else c
            if isinstance(c, Allowed) and c.name in _TYPE_NAMES:
                t = getattr(builtins, c.name)
            if not isinstance(t, type):
                raise ScriptError("TypeError: isinstance() arg 2 must be a type")
            types.append(t)
        return isinstance(obj, tuple(types))

    def _format(self, value: Any, spec: str = "") -> str:
        self.check_format(spec, "spec")
        return format(value, spec)

    def _make_builtins(self) -> dict[str, Any]:
        it = self._check_iterables
        b: dict[str, Any] = {
            "print": Allowed("print", self._print),
            "len": Allowed("len", len),
            "range": Allowed("range", range),
            "abs": Allowed("abs", abs),
            "bool": Allowed("bool", bool),
            "float": Allowed("float", float),
            "int": Allowed("int", int),
            "str": Allowed("str", str),
            "repr": Allowed("repr", repr),
            "round": Allowed("round", round),
            "min": Allowed("min", min, it),
            "max": Allowed("max", max, it),
            "sum": Allowed("sum", self._sum, it),
            "any": Allowed("any", any, it),
            "all": Allowed("all", all, it),
            "list": Allowed("list", lambda *a: list(self.iterate(a[0])) if a else [], it),
            "tuple": Allowed("tuple", lambda *a: tuple(self.iterate(a[0])) if a else (), it),
            "dict": Allowed("dict", lambda *a, **k: dict(
                self.iterate(a[0]) if a and not isinstance(a[0], dict) else (
                    a[0] if a else {}), **k), it),
            "sorted": Allowed("sorted", sorted, it),
            "reversed": Allowed("reversed", lambda s: list(reversed(list(self.iterate(s)))),
                                it),
            "enumerate": Allowed("enumerate", lambda s, start=0: list(
                enumerate(self.iterate(s), start)), it),
            "zip": Allowed("zip", lambda *s: list(zip(*(self.iterate(x) for x in s))), it),
            "isinstance": Allowed("isinstance", self._isinstance),
            "format": Allowed("format", self._format),
        }
        return b



__all__ = ["ScriptBuiltins"]
