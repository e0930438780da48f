"""Shared hypothesis strategies and helpers for the engine tests."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import core
from core.tensor import Tensor

# modest example counts: the whole engine suite must stay fast on a 2-core machine
FAST = settings(max_examples=20, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.data_too_large])
FEW = settings(max_examples=10, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                      HealthCheck.data_too_large])

SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
NONEMPTY = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)
PAIRS = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)
TRIPLES = hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3)


def values(shape: tuple[int, ...], lo: float = -2.0, hi: float = 2.0) -> st.SearchStrategy:
    """float64 arrays with elements in [lo, hi]."""
    return hnp.arrays(np.float64, shape,
                      elements=st.floats(lo, hi, allow_nan=False, allow_infinity=False))


def away_from_zero(shape: tuple[int, ...], lo: float = 0.2, hi: float = 2.0
                   ) -> st.SearchStrategy:
    """Magnitudes in [lo, hi] with either sign: away from the kinks of abs/relu/sign."""
    mags = st.floats(lo, hi)
    return hnp.arrays(np.float64, shape,
                      elements=st.tuples(st.booleans(), mags).map(
                          lambda t: -t[1] if t[0] else t[1]))


def grid(shape: tuple[int, ...], offset: float = 0.0, unique: bool = False) -> st.SearchStrategy:
    """Values k/4 + offset (k in -8..8): two grids with different offsets never tie, and
    unique draws are at least 0.25 apart (no ties for max/min)."""
    return hnp.arrays(np.float64, shape, unique=unique,
                      elements=st.integers(-8, 8).map(lambda k: k / 4 + offset))


def leaf(arr: Any, requires_grad: bool = True) -> Tensor:
    return core.tensor(np.asarray(arr, dtype=np.float64), requires_grad=requires_grad)


def data(t: Tensor) -> np.ndarray:
    return np.asarray(t.detach()._data)
