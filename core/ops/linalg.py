"""Matrix products. One ``matmul`` op covers dot, mv, mm and batched products; its
grad_fn is named as PyTorch names the case (DotBackward0, MvBackward0, MmBackward0...)."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._operands import sum_to, tensors
from .elementwise import mul
from .registry import defop, defvjp, record
from .shape import squeeze, transpose, unsqueeze

MATMUL = defop("matmul", "MmBackward0", saves=(0, 1), reads=((1,), (0,)))


def _shape_error(a: Tensor, b: Tensor) -> RuntimeError:
    sa, sb = a._data.shape, b._data.shape
    if a._data.ndim == 1 and b._data.ndim == 1:
        return RuntimeError(
            f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the "
            f"same number of elements, but got {sa[0]} and {sb[0]} elements respectively")
    if a._data.ndim == 2 and b._data.ndim == 2:
        return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and "
                            f"{sb[0]}x{sb[1]})")
    return RuntimeError(f"matmul: shapes {list(sa)} and {list(sb)} cannot be multiplied (the "
                        "last dimension of the first must equal the first matrix dimension of "
                        "the second)")


def _name(a: Tensor, b: Tensor) -> str:
    na, nb = a._data.ndim, b._data.ndim
    if na == 1 and nb == 1:
        return "DotBackward0"
    if na == 2 and nb == 1:
        return "MvBackward0"
    if na == 2 and nb == 2:
        return "MmBackward0"
    if na == 1 and nb == 2:
        return "SqueezeBackward4"
    return "UnsafeViewBackward0"


def matmul(a: Tensor, b: Tensor) -> Tensor:
    a, b = tensors(a, b)
    if a._data.ndim == 0 or b._data.ndim == 0:
        raise RuntimeError("both arguments to matmul need to be at least 1D, but they are "
                           f"{a._data.ndim}D and {b._data.ndim}D")
    try:
        out = np.matmul(a._data, b._data)
    except ValueError:
        raise _shape_error(a, b) from None
    return record(MATMUL, (a, b), out, name=_name(a, b))


def _matmul_vjp_a(g: Tensor, ans: object, a: Tensor, b: Tensor) -> Tensor:
    if a.ndim == 1 and b.ndim == 1:
        return mul(g, b)
    if b.ndim == 1:  # (..., n, k) @ (k,) -> (..., n)
        ga = mul(unsqueeze(g, -1), b)
    elif a.ndim == 1:  # (k,) @ (..., k, m) -> (..., m)
        ga = squeeze(matmul(b, unsqueeze(g, -1)), -1)
    else:
        ga = matmul(g, transpose(b, -1, -2))
    return sum_to(ga, tuple(a.shape))


def _matmul_vjp_b(g: Tensor, ans: object, a: Tensor, b: Tensor) -> Tensor:
    if a.ndim == 1 and b.ndim == 1:
        return mul(g, a)
    if b.ndim == 1:
        gb = squeeze(matmul(transpose(a, -1, -2), unsqueeze(g, -1)), -1)
    elif a.ndim == 1:
        gb = mul(unsqueeze(a, -1), unsqueeze(g, -2))
    else:
        gb = matmul(transpose(a, -1, -2), g)
    return sum_to(gb, tuple(b.shape))


defvjp(MATMUL, _matmul_vjp_a, _matmul_vjp_b)


def mm(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim != 2 or b.ndim != 2:
        raise RuntimeError(f"mm: both arguments must be 2D matrices, got {a.ndim}D and "
                           f"{b.ndim}D")
    return matmul(a, b)


def mv(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim != 2 or b.ndim != 1:
        raise RuntimeError(f"mv: expected a matrix and a vector, got {a.ndim}D and {b.ndim}D")
    return matmul(a, b)


def dot(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    return matmul(a, b)


def outer(a: Tensor, b: Tensor) -> Tensor:
    return mul(unsqueeze(a, -1), b)


ADDMM = defop("addmm", "AddmmBackward0", saves=(1, 2))


def addmm(bias: Tensor, a: Tensor, b: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
    """bias + a @ b in one op (what nn.Linear runs on 2-D input, as in PyTorch)."""
    if beta != 1 or alpha != 1:
        from .elementwise import add
        return add(mul(bias, beta), mul(matmul(a, b), alpha))
    bias, a, b = tensors(bias, a, b)
    if a._data.ndim != 2 or b._data.ndim != 2:
        raise RuntimeError(f"addmm: expected 2-D matrices, got {a._data.ndim}D and "
                           f"{b._data.ndim}D")
    try:
        prod = np.matmul(a._data, b._data)
        out = prod + bias._data
    except ValueError:
        raise _shape_error(a, b) from None
    if out.shape != prod.shape:
        raise RuntimeError(f"addmm: bias of shape {list(bias.shape)} can't be broadcast to "
                           f"the product's shape {list(prod.shape)}")
    return record(ADDMM, (bias, a, b), out)


defvjp(ADDMM,
       lambda g, ans, bias, a, b: sum_to(g, tuple(bias.shape)),
       lambda g, ans, bias, a, b: matmul(g, transpose(b, -1, -2)),
       lambda g, ans, bias, a, b: matmul(transpose(a, -1, -2), g))
