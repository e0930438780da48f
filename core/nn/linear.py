"""``nn.Linear`` and ``nn.Identity``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from core.nn import functional as F
from core.nn import init
from core.nn.module import Module
from core.nn.parameter import Parameter
from core.tensor import Tensor

__all__ = ["Identity", "Linear"]


def _np_dtype(dtype: Any) -> np.dtype:
    return np.dtype(np.float32) if dtype is None else np.dtype(getattr(dtype, "np", dtype))


class Linear(Module):
    """``y = x @ W.T + b`` with torch's default init: W, b ~ U(-1/sqrt(in), 1/sqrt(in))."""

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        np_dtype = _np_dtype(dtype)
        self.weight = Parameter(Tensor._from_array(np.empty((out_features, in_features), np_dtype)))
        if bias:
            self.bias = Parameter(Tensor._from_array(np.empty((out_features,), np_dtype)))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """kaiming_uniform_(a=sqrt(5)) for W, i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - torch's name
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Identity(Module):
    """Returns its input (a placeholder layer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return input
