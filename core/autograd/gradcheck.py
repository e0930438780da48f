"""``gradcheck`` / ``gradgradcheck``: compare the engine's gradients with central finite
differences in float64 — how every op's rule is proven."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..tensor import Tensor
from .engine import grad


class GradcheckError(RuntimeError):
    """The analytical and numerical Jacobians differ."""


def _outputs(fn: Callable[..., Any], inputs: tuple[Tensor, ...]) -> tuple[Tensor, ...]:
    out = fn(*inputs)
    return (out,) if isinstance(out, Tensor) else tuple(out)


def numerical_jacobian(fn: Callable[..., Any], inputs: tuple[Tensor, ...], k: int,
                       eps: float) -> list[np.ndarray]:
    """Columns ∂out/∂inputs[k] by central differences, one per output."""
    x = inputs[k]._data
    outs = _outputs(fn, inputs)
    jac = [np.zeros((x.size, o._data.size)) for o in outs]
    flat = x.reshape(-1)
    for i in range(flat.size):
        orig = flat[i].copy()
        flat[i] = orig + eps
        plus = [o._data.astype(np.float64).ravel().copy() for o in _outputs(fn, inputs)]
        flat[i] = orig - eps
        minus = [o._data.astype(np.float64).ravel().copy() for o in _outputs(fn, inputs)]
        flat[i] = orig
        for j in range(len(outs)):
            jac[j][i] = (plus[j] - minus[j]) / (2 * eps)
    return jac


def analytical_jacobian(fn: Callable[..., Any], inputs: tuple[Tensor, ...], k: int
                        ) -> list[np.ndarray]:
    outs = _outputs(fn, inputs)
    x = inputs[k]
    jac = [np.zeros((x._data.size, o._data.size)) for o in outs]
    for j, out in enumerate(outs):
        if not out.requires_grad:
            continue
        for i in range(out._data.size):
            e = np.zeros(out._data.size, dtype=out._data.dtype)
            e[i] = 1
            (g,) = grad(out, x, Tensor._from_array(e.reshape(out._data.shape)),
                        retain_graph=True, allow_unused=True)
            if g is not None:
                jac[j][:, i] = g._data.astype(np.float64).ravel()
    return jac


def gradcheck(func: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, **_: Any) -> bool:
    """True when every input's analytical Jacobian matches finite differences."""
    ins = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    for k, x in enumerate(ins):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        if x.dtype.name != "float64":
            raise GradcheckError("gradcheck needs float64 inputs for finite differences to be "
                                 f"accurate; input {k} is {x.dtype}")
        num = numerical_jacobian(func, ins, k, eps)
        ana = analytical_jacobian(func, ins, k)
        for j, (n, a) in enumerate(zip(num, ana)):
            if not np.allclose(a, n, atol=atol, rtol=rtol, equal_nan=True):
                if raise_exception:
                    raise GradcheckError(
                        f"Jacobian mismatch for output {j} with respect to input {k},\n"
                        f"numerical:{n}\nanalytical:{a}\n")
                return False
    return True


def gradgradcheck(func: Callable[..., Any], inputs: Any, grad_outputs: Any = None, *,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True, **_: Any) -> bool:
    """gradcheck of the first derivative (built with create_graph) — second derivatives."""
    ins = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    outs = _outputs(func, ins)
    rng = np.random.default_rng(0)
    if grad_outputs is None:
        grad_outputs = tuple(Tensor._from_array(rng.standard_normal(o._data.shape))
                             for o in outs)
    diff = tuple(x for x in ins if isinstance(x, Tensor) and x.requires_grad)

    def first(*xs: Tensor) -> tuple[Tensor, ...]:
        full = list(ins)
        it = iter(xs)
        for i, x in enumerate(full):
            if isinstance(x, Tensor) and x.requires_grad:
                full[i] = next(it)
        o = _outputs(func, tuple(full))
        gs = grad(o, xs, grad_outputs, create_graph=True, allow_unused=True)
        return tuple(g if g is not None else Tensor._from_array(np.zeros_like(x._data))
                     for g, x in zip(gs, xs))

    return gradcheck(first, diff, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
