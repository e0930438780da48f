"""Attribute and item access of the script interpreter, by allow-list only.

``obj.name`` is looked up in the table for obj's type (tensor, optimizer, module,
grad_fn, list, dict, str, namespace) in core/graph/script_allow; nothing falls back to
Python's own getattr on an arbitrary object, names starting with _ are refused, methods
come back wrapped (`BoundMethod`) with their size pre-checks, and writes are limited to
tensor .grad/.data/.requires_grad, tensor and list items and dict entries. A mixin of
`script_interp.Interpreter`.
"""

from __future__ import annotations

import ast
from typing import Any

from core.graph.script_allow import (
    DICT_METHODS,
    GRADFN_METHODS,
    GRADFN_PROPS,
    LIST_METHODS,
    MODULE_METHODS,
    MODULE_PROPS,
    OPTIMIZER_METHODS,
    OPTIMIZER_PROPS,
    RESULT_PROPS,
    STR_METHODS,
    TENSOR_METHODS,
    TENSOR_PROPS,
    TENSOR_SETTABLE,
    BoundMethod,
    GradFn,
    Namespace,
    count_leaves,
    refuse,
    tensor_method_check,
)
from core.graph.script_limits import Limits, limit_error
from core.nn.module import Module
from core.optim.optimizer import Optimizer
from core.tensor import Tensor


def kind(v: Any) -> str:
    """What a value is, in words, for messages."""
    if isinstance(v, Tensor):
        return "a tensor"
    if isinstance(v, Namespace):
        return f"module {v.name}"
    return f"a value of type {type(v).__name__}"


#: the engine's objects a script reads attributes of: (type, properties, methods), in the
#: order they are tried (the first type `obj` is decides; nothing falls through)
_OBJECT_TABLES: tuple[tuple[type, frozenset[str], frozenset[str]], ...] = (
    (Tensor, TENSOR_PROPS, TENSOR_METHODS),
    (Optimizer, OPTIMIZER_PROPS, OPTIMIZER_METHODS),
    (Module, MODULE_PROPS, MODULE_METHODS),
    (GradFn, GRADFN_PROPS, GRADFN_METHODS),
)
_OBJECT_TYPES = tuple(cls for cls, _, _ in _OBJECT_TABLES)
_MISSING = object()  # no such attribute in the allow-list (None is a real value)


class ValueAccess:
    """get_attr / set_attr / get_item / set_item (see the module docstring)."""

    lim: Limits

    def admit(self, v: Any, depth: int = 0, seen: set[int] | None = None) -> Any:
        raise NotImplementedError

    def check_format(self, fmt: str, kind: str) -> None:
        raise NotImplementedError

    def get_attr(self, obj: Any, name: str, node: ast.AST) -> Any:
        if isinstance(obj, Namespace):
            if name in obj.members and (not name.startswith("_") or name == "__version__"):
                return obj.members[name]
            raise refuse(f"{obj.name}.{name}").at(node)
        if name.startswith("_"):
            raise refuse(f"the attribute {name} (names starting with _)").at(node)
        if isinstance(obj, _OBJECT_TYPES):
            found = self._object_attr(obj, name)
        else:
            found = self._container_attr(obj, name)
        if found is _MISSING:
            raise refuse(f"the attribute '{name}' of {kind(obj)}").at(node)
        return found

    def _object_attr(self, obj: Any, name: str) -> Any:
        """A property (admitted as a value) or method (wrapped, size-checked for tensors)
        in the table of the first of `_OBJECT_TABLES`' types that `obj` is."""
        for cls, props, methods in _OBJECT_TABLES:
            if not isinstance(obj, cls):
                continue
            # a module's properties exist only on some modules (Linear.weight, not ReLU's)
            if name in props and (cls is not Module or hasattr(obj, name)):
                return self.admit(getattr(obj, name))
            if name in methods:
                check = tensor_method_check(obj, name) if cls is Tensor else None
                return BoundMethod(obj, name, getattr(obj, name), check)
            return _MISSING
        return _MISSING

    def _container_attr(self, obj: Any, name: str) -> Any:
        """A named-tuple result's field, or a list/dict/str method with its growth check."""
        if isinstance(obj, tuple) and name in RESULT_PROPS and name in getattr(
                type(obj), "_fields", ()):
            return getattr(obj, name)
        if isinstance(obj, list) and name in LIST_METHODS:
            return BoundMethod(obj, name, getattr(obj, name), self._grow_check(obj, name))
        if isinstance(obj, dict) and name in DICT_METHODS:
            fn = getattr(obj, name)
            if name in ("keys", "values", "items"):
                return BoundMethod(obj, name, lambda: list(fn()))
            return BoundMethod(obj, name, fn, self._grow_check(obj, name))
        if isinstance(obj, str) and name in STR_METHODS:
            return BoundMethod(obj, name, getattr(obj, name), self._str_check(obj, name))
        return _MISSING

    def _grow_check(self, obj: Any, name: str) -> Any:
        def check(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            extra = 1
            if name in ("extend", "update") and args:
                extra = len(args[0]) if isinstance(args[0], (list, tuple, dict, str)) else \
                    lim.items + 1
            if len(obj) + extra > lim.items:
                raise limit_error("items", f"a {type(obj).__name__} over the item limit")
        return check

    def _str_check(self, s: str, name: str) -> Any:
        def check(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            if name == "join" and args:
                parts = args[0]
                if not isinstance(parts, (list, tuple)) or len(parts) > lim.items:
                    raise limit_error("items", "join of that many parts")
                total = sum(len(p) if isinstance(p, str) else 0 for p in parts)
                if total + len(s) * len(parts) > lim.items:
                    raise limit_error("items", "a string over the item limit")
            if name == "format":
                self.check_format(s, "{}")
        return check

    def set_attr(self, obj: Any, name: str, value: Any, node: ast.AST) -> None:
        if isinstance(obj, Tensor) and name in TENSOR_SETTABLE:
            setattr(obj, name, value)
            return
        raise refuse(f"setting the attribute '{name}' of {kind(obj)}").at(node)

    def get_item(self, obj: Any, key: Any) -> Any:
        if isinstance(obj, (Tensor, list, tuple, str, dict, range)):
            if isinstance(key, (list, tuple)) and count_leaves(
                    key, self.lim.tensor_elements) > self.lim.tensor_elements:
                raise limit_error("tensor_elements", "an index that large")
            return self.admit(obj[key])
        if isinstance(obj, Module) and type(obj).__name__ == "Sequential":
            return self.admit(obj[key])
        raise refuse(f"indexing {kind(obj)}")

    def set_item(self, obj: Any, key: Any, value: Any, node: ast.AST) -> None:
        if isinstance(obj, (Tensor, list)):
            obj[key] = value
        elif isinstance(obj, dict):
            if key not in obj and len(obj) + 1 > self.lim.items:
                raise limit_error("items", "a dict over the item limit")
            obj[key] = value
        else:
            raise refuse(f"assigning into {kind(obj)}").at(node)


__all__ = ["ValueAccess", "kind"]
