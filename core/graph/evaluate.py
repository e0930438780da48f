"""Evaluating a document through the engine: the incremental forward cache, and the way in.

Forward runs node by node in topological order; a node that fails gets an error of its
own (the engine's message: shapes, unwired inputs) while every node not downstream of
it still evaluates. The evaluator listens to the document, so after a value edit only
that node and what depends on it are recomputed. On the way it finds, for each input
wire, where its gradient will appear in the engine's trace (`core.graph.wire_slots`).

`Evaluator` is also the one handle on the other jobs, each in its own module: backward
and the replay steps read from the engine's trace (`core.graph.backward_pass`, types in
`core.graph.replay`), the document as a function of some variables
(`core.graph.as_function`), Jacobian/Hessian (`core.graph.matrices`), Differentiate
(`core.graph.differentiate`).

Usage::

    ev = Evaluator(doc)              # listens to doc; ev.close() to stop
    ev.forward()                     # -> ids recomputed; ev.values / ev.errors / ev.warnings
    r = ev.backward()                # from doc.output with doc.output_gradient
    ev.backward([y1, y2])            # one combined pass from several outputs
    r.node_grads[x], r.wire_grads[Wire(x, mul, "a")], r.leaf_grads[x]
    for step in r.steps: ...         # ReplayStep: seed, then one per node, leaf
    ev.grad([y1, y2], [x1, x2]); ev.jacobian(k, x); ev.hessian(f, x)
    d2 = ev.differentiate(wrt=x)     # a new Document of ∂output/∂x
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from core.graph.as_function import document_function
from core.graph.backward_pass import grad as _grad
from core.graph.backward_pass import message as _message
from core.graph.backward_pass import run_backward
from core.graph.catalog import OpSpec
from core.graph.document import Change, Document
from core.graph.limits import nonfinite_warning, result_size_error, size_error
from core.graph.node_inputs import leaf_tensor, port_sources
from core.graph.replay import BackwardResult, ReplayStep
from core.graph.wire_slots import Slot, map_wires


def _engine() -> Any:
    import core  # lazy: the document must work without the engine

    return core


class Evaluator:
    """Values and gradients of a document, kept up to date incrementally."""

    def __init__(self, doc: Document, lib: Any = None) -> None:
        self.doc = doc
        self.lib = lib if lib is not None else _engine()
        self.values: dict[str, np.ndarray] = {}
        self.errors: dict[str, str] = {}
        self.warnings: dict[str, str] = {}
        self._tensors: dict[str, Any] = {}
        self._wire_src: dict[str, dict[str, Slot]] = {}
        self._owned: dict[str, list[Any]] = {}  # node -> its internal engine nodes
        self._dirty: set[str] = set(doc.nodes)
        self._topo: list[str] | None = None
        self.last_backward: BackwardResult | None = None
        self._unsubscribe = doc.subscribe(self._on_change)

    def close(self) -> None:
        """Stop listening to the document."""
        self._unsubscribe()

    # ------------------------------------------------------------------ change tracking
    def _on_change(self, ch: Change) -> None:
        k = ch.kind
        if k == "node_changed" and ch.field in ("name", "pos") or k.startswith("frame_"):
            return  # frames group nodes; they change no number
        if k == "output_changed":
            self.last_backward = None
            return
        self.last_backward = None
        if k == "reset":
            self._tensors.clear()
            self.values.clear()
            self.errors.clear()
            self.warnings.clear()
            self._dirty = set(self.doc.nodes)
            self._topo = None
            return
        if k in ("node_added", "node_removed", "wire_added", "wire_removed"):
            self._topo = None
        if k == "node_removed":
            for d in (self._tensors, self.values, self.errors, self.warnings,
                      self._wire_src, self._owned):
                d.pop(ch.node, None)  # type: ignore[arg-type]
            self._dirty.discard(ch.node)  # type: ignore[arg-type]
            return
        if ch.node is not None:
            self._dirty.add(ch.node)

    @property
    def dirty(self) -> set[str]:
        """Nodes whose value is out of date (their descendants are too)."""
        return set(self._dirty)

    # ------------------------------------------------------------------ forward
    def forward(self) -> list[str]:
        """Bring every value up to date; returns the ids recomputed (topological order)."""
        if self._topo is None:
            self._topo = self.doc.topo_order()
        dirty = self._dirty
        changed: set[str] = set()
        order: list[str] = []
        inputs_of = self.doc.inputs_of
        for nid in self._topo:
            if nid in dirty or nid not in self._tensors and nid not in self.errors or any(
                    s in changed for s in inputs_of(nid).values()):
                self._eval_node(nid)
                changed.add(nid)
                order.append(nid)
        self._dirty = set()
        return order

    def value(self, node_id: str) -> np.ndarray | None:
        """The node's current value (evaluating if needed), None if it has an error."""
        if self._dirty or self._topo is None:
            self.forward()
        return self.values.get(node_id)

    def tensor(self, node_id: str) -> Any:
        """The engine tensor of a node (after forward)."""
        return self._tensors.get(node_id)

    def _clear(self, nid: str) -> None:
        self._tensors.pop(nid, None)
        self.values.pop(nid, None)
        self.errors.pop(nid, None)
        self.warnings.pop(nid, None)
        self._wire_src[nid] = {}
        self._owned[nid] = []

    def _eval_node(self, nid: str) -> None:
        self._clear(nid)
        node = self.doc.node(nid)
        spec = node.spec
        lib = self.lib
        if spec.has_value:
            self._store(nid, leaf_tensor(lib, node.value, node.requires_grad))
            return
        wired = self.doc.inputs_of(nid)
        args, err = self._gather(node.name, spec, wired)
        if err is not None:
            self.errors[nid] = err
            return
        too_large = size_error(spec.name, spec.category, args, node.params)
        if too_large is not None:  # refused before numpy allocates it
            self.errors[nid] = too_large
            return
        try:
            t = spec.call(args, node.params, lib)
        except Exception as e:  # the engine's message is the user's explanation
            self.errors[nid] = _message(e)
            return
        if not isinstance(t, lib.Tensor):
            self.errors[nid] = f"{spec.name} did not produce a tensor"
            return
        too_large = result_size_error(spec.name, t)
        if too_large is not None:  # a broadcast view: free until something reads it
            self.errors[nid] = too_large
            return
        self._wire_src[nid], self._owned[nid], t = map_wires(lib, spec, args, node.params, t)
        self._store(nid, t)
        if self.values[nid].dtype.kind == "f":
            warning = nonfinite_warning(spec.name, self.values[nid],
                                        [self.values[s] for s in wired.values()])
            if warning is not None:
                self.warnings[nid] = warning

    def _store(self, nid: str, t: Any) -> None:
        self._tensors[nid] = t
        v = np.asarray(t.detach().numpy()).view()
        v.flags.writeable = False
        self.values[nid] = v

    def _gather(self, name: str, spec: OpSpec, wired: dict[str, str]
                ) -> tuple[dict[str, Any], str | None]:
        args: dict[str, Any] = {}
        sources, problem = port_sources(spec, wired)
        tensors = self._tensors
        for port, src in sources.items():  # the forward's hot path: no helper calls
            if src is None:
                args[port] = None
            elif type(src) is list:
                for s in src:
                    if s not in tensors:
                        return args, _upstream(self.doc, port, s)
                args[port] = [tensors[s] for s in src]
            elif src in tensors:
                args[port] = tensors[src]
            else:
                return args, _upstream(self.doc, port, src)
        return args, problem

    # ------------------------------------------------------------------ what the other jobs read
    @property
    def tensors(self) -> dict[str, Any]:
        """Each evaluated node's engine tensor (read it, don't change it)."""
        return self._tensors

    @property
    def wire_slots(self) -> dict[str, dict[str, Slot]]:
        """Node -> port -> where that input wire's gradient appears in the trace."""
        return self._wire_src

    @property
    def owned(self) -> dict[str, list[Any]]:
        """Node -> the internal engine nodes of a composite node (re-run on clones)."""
        return self._owned

    def topo(self) -> list[str]:
        """The document's nodes in the topological order of the last forward."""
        return self._topo or self.doc.topo_order()

    # ------------------------------------------------------------------ backward
    def backward(self, output: str | Sequence[str] | None = None, gradient: Any = None,
                 accumulate: bool = False) -> BackwardResult:
        """Run backward from `output` (default: the document's chosen output) with the
        gradient argument `gradient` (default: the document's, or ones for a scalar).

        Several outputs (a list) run one combined pass, `autograd.backward([y1, y2])`:
        their gradients sum at every node; `gradient` is then a list, one per output
        (None: the document's for its output, else the implicit ones).

        `accumulate=True` adds the variables' gradients to the previous pass's, as
        `.grad` does when backward runs twice (the retain_graph lesson)."""
        return run_backward(self, output, gradient, accumulate)

    def grad(self, outputs: str | Sequence[str], inputs: str | Sequence[str],
             grad_outputs: Sequence[Any] | None = None) -> list[np.ndarray | None]:
        """`autograd.grad(outputs, inputs)` on node values: gradients of the (summed)
        outputs with respect to the input nodes (variables requiring grad)."""
        return _grad(self, outputs, inputs, grad_outputs)

    # ------------------------------------------------------------------ functions of variables
    def function(self, output: str, inputs: Sequence[str],
                 env: dict[str, Any] | None = None) -> Callable[..., Any]:
        """The document as a function of the chosen variables: f(*tensors) -> output
        tensor, recomputing the output's ancestors with the given tensors in place of
        those variables (for jacobian/hessian and Differentiate). If `env` is given, the
        last call leaves every node's tensor in it."""
        return document_function(self.doc, self.lib, output, inputs, env)

    def jacobian(self, output: str, inputs: str | Sequence[str]) -> Any:
        """∂output/∂inputs at the current values (one array, or a tuple for several)."""
        from core.graph.matrices import jacobian

        return jacobian(self, output, inputs)

    def hessian(self, output: str, inputs: str | Sequence[str]) -> Any:
        """Second derivatives of a scalar output with respect to the inputs."""
        from core.graph.matrices import hessian

        return hessian(self, output, inputs)

    def differentiate(self, output: str | None = None, wrt: str | Sequence[str] | None = None,
                      gradient: Any = None) -> Document:
        """A new document computing ∂output/∂wrt (see `core.graph.differentiate`)."""
        from core.graph.differentiate import differentiate

        return differentiate(self, output, wrt, gradient)


# ---------------------------------------------------------------------- helpers
def _upstream(doc: Document, port: str, src: str) -> str:
    return f"input {port!r} has no value (error in {doc.node(src).name})"


__all__ = ["BackwardResult", "Evaluator", "ReplayStep"]
