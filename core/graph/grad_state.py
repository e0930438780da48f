"""PyTorch's autograd state over a document: `.grad` that accumulates, zero_grad, retain_graph.

`Evaluator.backward` answers "what does one backward pass send where"; a person learning
PyTorch also meets what happens *between* passes, which is state, not a pass:

- `.grad` accumulates: `y.backward()` twice gives 8 + 8 = 16 until `x.grad.zero_()`;
- a backward frees the graph's saved values unless `retain_graph=True`, so a second
  backward through the same graph is refused with the engine's own message;
- a new forward (any edit that changes a value) builds a new graph, which can be
  backwarded again, while `.grad` keeps what it had.

`GradState` keeps that state (every leaf's `.grad`, the contributions it is the sum of,
which forward graph was freed) so the app can replay it faithfully. No number is made
here: each pass is `Evaluator.backward`; whether a second pass is refused is decided by
running the engine itself on a fresh copy of the same forward program, twice, without
retain_graph (graphs whose ops save nothing, e.g. only additions, really can be
backwarded twice, in PyTorch as in core).

Usage::

    st = GradState(ev)
    st.backward(fresh=True)        # zero_grad(); y.backward()           (Run Backward)
    st.backward()                  # y.backward() once more: accumulates (Backward again)
    st.zero_grad()                 # x.grad.zero_()
    st.retain_graph = True         # y.backward(retain_graph=True) from the next pass on
    st.grad[x], st.parts[x]        # .grad and the contributions it is the sum of
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from core.graph.document import GraphError
from core.graph.evaluate import BackwardResult, Evaluator
from core.graph.forward_steps import MAX_INLINE, number


class GradState:
    """Every leaf's `.grad` across backward passes, and whether the graph was freed."""

    def __init__(self, ev: Evaluator) -> None:
        self.ev = ev
        self.retain_graph = False
        self.grad: dict[str, np.ndarray] = {}  # leaf id -> .grad
        self.parts: dict[str, list[np.ndarray]] = {}  # leaf id -> the passes it sums
        self._freed: tuple[Any, ...] | None = None  # output tensors whose graph was freed

    # ------------------------------------------------------------------ passes
    def backward(self, outputs: str | Sequence[str] | None = None,
                 gradients: Sequence[Any] | None = None, fresh: bool = False
                 ) -> BackwardResult:
        """One backward pass. `fresh`: a new forward and zero_grad() first (the result
        replaces every .grad); else `y.backward()` once more, adding into .grad — refused
        (the result's `error` is the engine's message, nothing changes) when the previous
        pass freed this graph.

        The returned result's `leaf_grads` are the accumulated `.grad`s and its
        `previous_grads` what they held before this pass."""
        ev = self.ev
        outs = self._outputs(outputs)
        if not fresh:
            refusal = self._refusal(outs, gradients)
            if refusal is not None:
                return BackwardResult(outs[0], outputs=outs, error=refusal)
        res = ev.backward(outs if len(outs) > 1 or gradients is not None else outs[0],
                          gradients)
        if res.error is not None:
            return res
        if fresh:
            self.grad, self.parts = {}, {}
        self.drop_stale()
        arrived = dict(res.leaf_grads)
        res.previous_grads = {n: self.grad[n] for n in arrived if n in self.grad
                              and self.grad[n].shape == arrived[n].shape}
        for n, g in arrived.items():
            g = np.array(g, copy=True)
            if n in res.previous_grads:
                self.grad[n] = res.previous_grads[n] + g
                self.parts[n] = self.parts.get(n, []) + [g]
            else:
                self.grad[n], self.parts[n] = g, [g]
        res.leaf_grads = {n: self.grad[n] for n in arrived}
        self._freed = None if self.retain_graph else self._graph_key(outs)
        return res

    def zero_grad(self) -> list[str]:
        """`x.grad.zero_()` for every leaf that has a .grad; returns their ids."""
        self.drop_stale()
        for n, g in self.grad.items():
            self.grad[n] = np.zeros_like(g)
            self.parts[n] = []
        return list(self.grad)

    def clear(self) -> None:
        """Forget everything (another document was opened)."""
        self.grad, self.parts, self._freed = {}, {}, None

    @property
    def accumulated(self) -> bool:
        """Whether some .grad is the sum of more than one pass (a fresh pass would lose it)."""
        return any(len(p) > 1 for p in self.parts.values())

    def history(self, node_id: str) -> str:
        """How a .grad was reached, as the inspector writes it: `8 + 8 = 16`, `[1, 2] +
        [1, 2] = [2, 4]` (a big array: `the sum of 3 backward passes`); empty when it is a
        single pass or there is none."""
        parts = self.parts.get(node_id, [])
        if node_id not in self.grad or len(parts) < 2:
            return ""
        total = self.grad[node_id]
        if total.size <= MAX_INLINE:
            return " + ".join(number(p) for p in parts) + f" = {number(total)}"
        return f"the sum of {len(parts)} backward passes"

    def check_gradient(self, output: str, gradient: Any) -> np.ndarray:
        """A gradient argument for `output`, as the document will store it; GraphError
        with the reason when its shape is not the output's (the engine would refuse)."""
        arr = self.ev.doc.prepare_output(output, gradient)
        value = self.ev.value(output)
        if arr is None or value is None:
            return arr
        if arr.shape != value.shape:
            raise GraphError(
                f"gradient= must have the output's shape {_shape(value.shape)} "
                f"(one number per entry of {self.ev.doc.node(output).name}); got "
                f"{_shape(arr.shape)}")
        return arr

    # ------------------------------------------------------------------ internals
    def _outputs(self, outputs: str | Sequence[str] | None) -> list[str]:
        doc = self.ev.doc
        if outputs is None:
            if doc.output is None:
                raise GraphError("choose an output to run backward from")
            return [doc.output]
        return [outputs] if isinstance(outputs, str) else list(dict.fromkeys(outputs))

    def _graph_key(self, outs: list[str]) -> tuple[Any, ...]:
        """The forward graph a pass ran through: the output tensors themselves (a new
        forward makes new ones; kept, not their ids, which a new tensor could reuse)."""
        self.ev.forward()
        return tuple(self.ev.tensor(o) for o in outs)

    def _same_graph(self, outs: list[str]) -> bool:
        key = self._graph_key(outs)
        return self._freed is not None and len(key) == len(self._freed) and all(
            a is b for a, b in zip(key, self._freed))

    def _refusal(self, outs: list[str], gradients: Sequence[Any] | None) -> str | None:
        """The engine's message if backward through this (freed) graph again would fail."""
        if not self._same_graph(outs):
            return None
        ev = self.ev
        lib = ev.lib
        doc = ev.doc
        for i, o in enumerate(outs):
            if o in ev.errors:
                return None  # backward reports the output's error itself
            leaves = [n for n in doc.ancestors(o) if doc.node(n).op == "variable"
                      and doc.node(n).requires_grad]
            if not leaves:
                continue
            xs = [lib.from_numpy(np.array(doc.node(n).value, copy=True)).requires_grad_(True)
                  for n in leaves]
            try:
                y = ev.function(o, leaves)(*xs)
            except GraphError:
                return None
            if not y.requires_grad:
                continue
            g = gradients[i] if gradients is not None else None
            if g is None and o == doc.output:
                g = doc.output_gradient
            seed = lib.ones_like(y) if g is None else lib.from_numpy(
                np.array(g, dtype=y.detach().numpy().dtype))
            try:
                lib.autograd.backward([y], [seed])  # the pass that freed the graph
            except Exception:  # noqa: BLE001 - the real pass reports its own error
                return None
            try:
                lib.autograd.backward([y], [seed])  # and the one asked for now
            except RuntimeError as e:
                return str(e)
        return None

    def drop_stale(self) -> None:
        """Leaves that were deleted, no longer require grad or changed shape have no .grad
        to keep (the document's variable is a new leaf tensor then)."""
        doc = self.ev.doc
        for n in list(self.grad):
            node = doc.nodes.get(n)
            if node is None or not node.requires_grad or node.value is None \
                    or node.value.shape != self.grad[n].shape:
                self.grad.pop(n)
                self.parts.pop(n, None)


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


__all__ = ["GradState"]
