"""Graph nodes: one ``Node`` per recorded op output (a tensor's ``grad_fn``) and one
``AccumulateGrad`` per leaf that requires grad.

A node keeps what its op's derivative rule needs (inputs, output, params) until the
graph is released after a backward pass without ``retain_graph``.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..ops.registry import OpDef
    from ..tensor import Tensor

_seq = itertools.count()

# How many in-place edits (version bumps) have happened, ever. A node recorded when this
# was N, run while it is still N, can't have had a saved value changed: backward then skips
# the per-tensor version comparison, the common case by far.
EDITS = [0]

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` takes the hook off again."""

    def __init__(self, hooks: list[Callable[..., Any]], fn: Callable[..., Any]) -> None:
        self._hooks = hooks
        self._fn = fn

    def remove(self) -> None:
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


class Node:
    """The ``grad_fn`` of a tensor produced by a recorded op."""

    # out_data/out_box/out_version are set (and read) only for ops that save their output
    __slots__ = ("op", "inputs", "versions", "params", "next_functions", "seq", "_name",
                 "released", "out_data", "out_box", "out_version", "edits", "__weakref__",
                 "__dict__")
    # set only on some nodes; class defaults keep recording an op cheap
    hooks: list[Callable[..., Any]] | None = None
    retain_ref: weakref.ref | None = None

    def __init__(self, op: OpDef, inputs: tuple[Tensor, ...], params: dict[str, Any] | None,
                 name: str | None = None) -> None:
        self.op = op
        self.inputs: tuple[Any, ...] | None = inputs
        self.params = params
        self.seq = next(_seq)
        self._name = name or op.backward_name
        nf = []
        for t in inputs:
            if t._grad_fn is not None:
                nf.append((t._grad_fn, 0))
            elif t._requires_grad:
                nf.append((t._accumulator(), 0))
            else:
                nf.append((None, 0))
        self.next_functions: tuple[tuple[Node | AccumulateGrad | None, int], ...] = tuple(nf)
        saves = op.saves
        if saves:
            self.versions = tuple(inputs[i]._vbox[0] for i in saves)
            self.edits = EDITS[0]
        else:
            self.versions = ()
            if op.saves_output:
                self.edits = EDITS[0]
        self.released = False

    def name(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return f"<{self._name} object at {hex(id(self))}>"

    def register_hook(self, fn: Callable[..., Any]) -> RemovableHandle:
        if self.hooks is None:
            self.hooks = []
        self.hooks.append(fn)
        return RemovableHandle(self.hooks, fn)

    def release(self) -> None:
        """Free saved values; shape-only rules still work on a second backward."""
        if self.released:
            return
        self.released = True
        if self.op.saves or self.op.saves_output:
            # drop the saved values (running this node again is the "second time" error);
            # nodes whose rules read only shapes keep their inputs and can run again
            self.inputs = None
            self.out_data = None


class AccumulateGrad:
    """The node that adds an arriving gradient into a leaf's ``.grad``."""

    __slots__ = ("variable", "seq", "next_functions", "__weakref__")

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable
        self.seq = (1 << 62) + next(_seq)  # run as soon as ready, like PyTorch's
        self.next_functions = ()

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"

    def register_hook(self, fn: Callable[..., Any]) -> RemovableHandle:
        return self.variable.register_hook(fn)
