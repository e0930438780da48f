"""``nn.Parameter``: a leaf tensor that a ``Module`` registers as trainable."""

from __future__ import annotations

from typing import Any

import numpy as np

from core.tensor import Tensor

__all__ = ["Parameter"]


def _rebuild_parameter(data: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter._from_array(data, requires_grad=requires_grad)


class Parameter(Tensor):
    """A Tensor subclass so that assigning it to a Module attribute registers it.

    Like torch, the parameter shares memory with ``data`` and is always a leaf.
    """

    def __new__(cls, data: Any = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            arr = np.empty((0,), dtype=np.float32)
        elif isinstance(data, Tensor):
            arr = data._data
        else:
            arr = np.asarray(data)
        if requires_grad and arr.dtype.kind != "f":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        return cls._from_array(arr, requires_grad=bool(requires_grad))

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if spec:
            return super().__format__(spec)
        return repr(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)._from_array(self._data.copy(), requires_grad=self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return (_rebuild_parameter, (self._data, self.requires_grad))
