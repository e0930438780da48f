"""``Variable``: the pre-0.4 PyTorch wrapper, kept because old tutorials use it.
Since 0.4 it just returns a tensor, and so does ours."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor, _to_array


class _VariableMeta(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """``Variable(tensor, requires_grad=True)`` → a tensor sharing ``tensor``'s data."""

    def __new__(cls, data: Any, requires_grad: bool = False, volatile: bool = False) -> Tensor:
        if isinstance(data, Tensor):
            t = Tensor._from_array(data._data)
        else:
            t = Tensor._from_array(_to_array(data, None))
        if requires_grad:
            t.requires_grad_(True)
        return t
