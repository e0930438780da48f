"""``core.Size``: the tuple subclass ``tensor.shape`` returns, printed as ``torch.Size([...])``."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["Size"]


class Size(tuple):
    """Shape tuple; a subclass so ``shape == (2, 3)`` and unpacking keep working like torch."""

    __slots__ = ()

    def __new__(cls, sizes: Any = ()) -> Size:
        return super().__new__(cls, (int(s) for s in sizes))

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    __str__ = __repr__

    def numel(self) -> int:
        """Number of elements a tensor of this shape holds (1 for a scalar)."""
        return math.prod(self)

    def __getitem__(self, key: Any) -> Any:
        # slicing a Size gives a Size in torch
        result = super().__getitem__(key)
        return Size(result) if isinstance(key, slice) else result

    def __add__(self, other: Any) -> Size:
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other: Any) -> Size:
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n: Any) -> Size:
        return Size(tuple(self) * n)

    __rmul__ = __mul__

    def __reduce__(self) -> tuple[Any, ...]:
        return (Size, (tuple(self),))
