"""The derivative table: every op is an ``OpDef`` with its vector-Jacobian products.

In the spirit of HIPS autograd's ``defvjp``: an op's module defines its forward (numpy)
and, right below it, one VJP per input written with engine ops, so that running the
rules with grad mode on (``create_graph=True``) records them and gives higher-order
derivatives for free.

A VJP is ``fn(g, ans, *inputs, **params) -> Tensor``: ``g`` is the gradient of the
output, ``ans`` the output (only for ops declared ``saves_output``; else ``None``).
Ops with a variable number of inputs (cat, stack) give one ``vjp_all`` instead that
returns a gradient per input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..autograd.grad_mode import STATE
from ..autograd.node import Node

if TYPE_CHECKING:
    from ..tensor import Tensor

Vjp = Callable[..., Any]

REGISTRY: dict[str, OpDef] = {}


class OpDef:
    """One entry of the table: names, what the rules read, and the rules themselves."""

    __slots__ = ("name", "backward_name", "saves", "saves_output", "vjps", "vjp_all", "reads")

    def __init__(self, name: str, backward_name: str, saves: tuple[int, ...],
                 saves_output: bool) -> None:
        self.name = name
        self.backward_name = backward_name
        self.saves = saves
        self.saves_output = saves_output
        self.vjps: tuple[Vjp | None, ...] = ()
        self.vjp_all: Vjp | None = None
        # reads[j]: the saved inputs input j's rule reads (None: every rule reads every
        # saved input). An in-place change to a value only unneeded rules read is no error.
        self.reads: tuple[tuple[int, ...], ...] | None = None

    def __repr__(self) -> str:
        return f"OpDef({self.name!r})"


def defop(name: str, backward_name: str, saves: tuple[int, ...] = (),
          saves_output: bool = False,
          reads: tuple[tuple[int, ...], ...] | None = None) -> OpDef:
    """Declare an op. ``saves`` lists the inputs whose *values* the rules read (their
    in-place modification before backward is an error); ``saves_output`` likewise;
    ``reads`` optionally says which of them each input's rule reads."""
    op = OpDef(name, backward_name, saves, saves_output)
    op.reads = reads
    REGISTRY[name] = op
    return op


def defvjp(op: OpDef, *vjps: Vjp | None) -> None:
    """Attach one VJP per input (``None`` for inputs that get no gradient)."""
    op.vjps = vjps


def defvjp_all(op: OpDef, fn: Vjp) -> None:
    """Attach one rule that returns the gradients of all inputs at once."""
    op.vjp_all = fn


def record(op: OpDef, inputs: tuple[Tensor, ...], out: Any, params: dict[str, Any] | None = None,
           name: str | None = None) -> Tensor:
    """Wrap a forward result; when grad mode is on and an input requires grad, give it a
    ``grad_fn`` node so backward can find its way back through ``op``'s rules."""
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    t = Tensor._from_array(out)
    if not STATE.enabled:
        return t
    for i in inputs:
        if i._requires_grad:
            break
    else:
        return t
    if out.dtype.kind not in "fc":  # integer/bool results never require grad (PyTorch)
        return t
    node = Node(op, inputs, params, name)
    if op.saves_output:
        node.out_data = out
        node.out_box = t._vbox
        node.out_version = t._vbox[0]
    t._grad_fn = node
    t._requires_grad = True
    return t


from ..tensor import Tensor  # noqa: E402  (tensor.py imports ops lazily)
