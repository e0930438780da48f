"""``jacobian``, ``hessian``, ``vjp``, ``jvp`` — built from ``grad``, like
torch.autograd.functional: one backward pass per output element (or per input
element for jvp's double-vjp trick)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..tensor import Tensor
from .engine import grad
from .grad_mode import enable_grad


def _prepare(inputs: Any, create_graph: bool) -> tuple[tuple[Tensor, ...], bool]:
    single = isinstance(inputs, Tensor)
    ins = (inputs,) if single else tuple(inputs)
    out = []
    for t in ins:
        x = t if (create_graph and t.requires_grad) else t.detach()
        if not x.requires_grad:
            x = Tensor._from_array(x._data).requires_grad_(True)
        out.append(x)
    return tuple(out), single


def _zeros_or(g: Tensor | None, like: Tensor) -> Tensor:
    return g if g is not None else Tensor._from_array(np.zeros_like(like._data))


def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(inputs), vᵀ·J)."""
    with enable_grad():
        ins, single = _prepare(inputs, create_graph)
        out = func(*ins)
        if v is None:
            if out.numel() != 1:
                raise RuntimeError("The vector v can only be None if the user-provided function "
                                   "returns a single Tensor with a single element.")
        gs = grad(out, ins, v, create_graph=create_graph, allow_unused=True)
    gs = tuple(_zeros_or(g, x) for g, x in zip(gs, ins))
    res = out if create_graph else out.detach()
    return res, (gs[0] if single else gs)


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(inputs), J·v), via the double-vjp trick: J·v = d(uᵀJ)ᵀ/du · v."""
    with enable_grad():
        ins, single = _prepare(inputs, create_graph)
        out = func(*ins)
        u = Tensor._from_array(np.zeros_like(out._data)).requires_grad_(True)
        gs = grad(out, ins, u, create_graph=True, allow_unused=True)
        vs = (v,) if isinstance(v, Tensor) else tuple(v) if v is not None else tuple(
            Tensor._from_array(np.ones_like(x._data)) for x in ins)
        pairs = [(g, w) for g, w in zip(gs, vs) if g is not None]
        (jv,) = grad([g for g, _ in pairs], u, [w for _, w in pairs],
                     create_graph=create_graph, allow_unused=True)
    jv = _zeros_or(jv, out)
    return (out if create_graph else out.detach()), jv


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False,
             strict: bool = False, vectorize: bool = False, strategy: str = "reverse-mode"
             ) -> Any:
    """J[i..., j...] = ∂out[i...]/∂in[j...], one reverse pass per output element."""
    from .. import ops
    with enable_grad():
        ins, single_in = _prepare(inputs, create_graph)
        outs = func(*ins)
        single_out = isinstance(outs, Tensor)
        outs_t = (outs,) if single_out else tuple(outs)
        table = []
        for out in outs_t:
            flat = out.reshape(-1)
            rows: list[list[Tensor]] = [[] for _ in ins]
            for k in range(flat.shape[0]):
                # an output that does not depend on the inputs (a linear function's
                # gradient, in hessian) has a zero row, as torch's strict=False gives
                gs = (grad(flat[k], ins, retain_graph=True, create_graph=create_graph,
                           allow_unused=True) if flat.requires_grad else (None,) * len(ins))
                for j, (g, x) in enumerate(zip(gs, ins)):
                    rows[j].append(_zeros_or(g, x))
            per_input = []
            for j, x in enumerate(ins):
                if rows[j]:
                    jac = ops.stack(rows[j]).reshape(tuple(out.shape) + tuple(x.shape))
                else:
                    jac = Tensor._from_array(np.zeros(tuple(out.shape) + tuple(x.shape),
                                                      dtype=x._data.dtype))
                per_input.append(jac if create_graph else jac.detach())
            table.append(per_input[0] if single_in else tuple(per_input))
    return table[0] if single_out else tuple(table)


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False, outer_jacobian_strategy: str = ""
            ) -> Any:
    """The Jacobian of the gradient of a scalar function."""
    single = isinstance(inputs, Tensor)

    def gradient(*xs: Tensor) -> Any:
        out = func(*xs)
        if out.numel() != 1:
            raise RuntimeError("The function given to hessian should return a single element "
                               f"Tensor, got shape {list(out.shape)}")
        gs = grad(out, xs, create_graph=True, allow_unused=True)
        gs = tuple(_zeros_or(g, x) for g, x in zip(gs, xs))
        return gs[0] if single else gs

    return jacobian(gradient, inputs, create_graph=create_graph)
