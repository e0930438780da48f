"""Chainrule's engine: a small PyTorch on numpy. ``import core as torch`` runs the
autograd tutorials and gives PyTorch's numbers.

Every op's derivative rule sits beside its forward in ``core.ops``; ``core.autograd``
holds the backward engine (with a step-by-step trace for the app), ``core.optim`` and
``core.nn`` the training pieces, ``core.graph`` the app's graph document.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import autograd, dtypes
from ._size import Size
from ._tensor_str import get_printoptions, printoptions, set_printoptions
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (
    BoolTensor,
    DoubleTensor,
    FloatTensor,
    LongTensor,
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import bool_ as bool  # noqa: A004
from .dtypes import double, dtype, float32, float64, int64, long
from .dtypes import float as float  # noqa: A004
from .ops import (
    abs,
    add,
    amax,
    amin,
    argmax,
    argmin,
    cat,
    clamp,
    clone,
    cos,
    div,
    dot,
    eq,
    exp,
    flatten,
    ge,
    gt,
    isclose,
    le,
    log,
    log_softmax,
    logical_and,
    logical_not,
    logical_or,
    lt,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mm,
    mul,
    mv,
    ne,
    neg,
    norm,
    outer,
    permute,
    pow,
    prod,
    relu,
    remainder,
    reshape,
    sigmoid,
    sign,
    sin,
    softmax,
    softplus,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    sub,
    sum,
    t,
    tan,
    tanh,
    transpose,
    unsqueeze,
    var,
    where,
)
from .random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .tensor import Tensor

__version__ = "0.1.0"
int = int64  # noqa: A001 - torch.int is int32 in PyTorch; we store every integer as int64
clip = clamp
subtract = sub
multiply = mul
divide = div
true_divide = div
negative = neg
concat = cat
concatenate = cat


def is_tensor(obj: object) -> bool:
    return isinstance(obj, Tensor)


def numel(x: Tensor) -> int:
    return x.numel()


def allclose(a: Tensor, b: Tensor, rtol: float = 1e-05, atol: float = 1e-08) -> bool:
    return a.allclose(b, rtol, atol)


def equal(a: Tensor, b: Tensor) -> bool:
    return a.equal(b)


def broadcast_to(x: Tensor, shape: Any) -> Tensor:
    return x.expand(*shape)


def get_default_dtype() -> dtype:
    return float32


def __getattr__(name: str) -> Any:
    """``core.nn``, ``core.optim`` and ``core.graph`` load on first use."""
    if name in ("nn", "optim", "graph"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'core' has no attribute {name!r}")
