"""Evaluating a document through the engine: values, errors, gradients, replay steps.

Forward runs node by node in topological order; a node that fails gets an error of its
own (the engine's message: shapes, unwired inputs) while every node not downstream of
it still evaluates. The evaluator listens to the document, so after a value edit only
that node and what depends on it are recomputed.

Backward never re-derives a gradient: it runs the engine (`autograd.grad` under
`record_backward`) and reads each wire's gradient and each node's total from the
engine's trace, so what the app replays step by step is what the engine did. A wire's
gradient is what the node it enters sent back along it; it is read from the engine
step of that node (input slot i of its grad_fn), or — when a catalog op is several
engine ops, or the engine converted an input — from a `clone` the evaluator put on that
input, whose step receives exactly that wire's contribution.

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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.graph.catalog import OpSpec
from core.graph.document import Change, Document, GraphError, Wire
from core.graph.limits import nonfinite_warning, result_size_error, size_error
from core.graph.node_inputs import Source, leaf_tensor, port_sources

# how the gradient of one input wire is found in the trace. Tagged tuples, not a
# dataclass: one is made per wire on every forward, and a dataclass instance costs
# ~0.35 µs more than a tuple (4% of the 500-node forward in benchmarks/graph_bench.py).
_STEP = "step"  # (kind, grad_fn, slot): grad_inputs[slot] of grad_fn's step
_ALIAS = "alias"  # (kind, clone grad_fn): grad_output of the clone's step
_PASS = "pass"  # the node forwards this input unchanged: wire grad = node's total
_NONE = "none"  # no gradient can flow (constant, detach, integer input)


def _engine() -> Any:
    import core  # lazy: the document must work without the engine

    return core


@dataclass
class ReplayStep:
    """One step of backward as the app replays it.

    kind: "seed" (the gradient argument arrives at the output), "node" (a node received
    its total `grad` and sent gradients back along its input wires: `sends`), "leaf" (a
    variable received its total, as `.grad`). One step per document node, as a person
    steps through the graph; `engine_name` is the name() of the node's first engine
    step. A catalog op the engine runs as several ops (mse_loss is a sub, a pow and a
    mean; a dtype conversion adds a copy) lists them all in `inner`, in the engine's
    order, with the gradient each received: (engine name, grad_output).
    """

    index: int
    kind: str
    node: str
    engine_name: str
    grad: np.ndarray | None = None
    sends: list[tuple[Wire, np.ndarray | None]] = field(default_factory=list)
    inner: list[tuple[str, np.ndarray]] = field(default_factory=list)


@dataclass
class BackwardResult:
    """Gradients of one backward pass from `output`."""

    output: str
    gradient: np.ndarray | None = None  # the seed (gradient argument) used
    node_grads: dict[str, np.ndarray | None] = field(default_factory=dict)
    wire_grads: dict[Wire, np.ndarray | None] = field(default_factory=dict)
    leaf_grads: dict[str, np.ndarray] = field(default_factory=dict)  # .grad, accumulates
    steps: list[ReplayStep] = field(default_factory=list)
    error: str | None = None
    # several outputs (`autograd.backward([y1, y2])`): all of them, and each one's seed
    outputs: list[str] = field(default_factory=list)
    gradients: dict[str, np.ndarray] = field(default_factory=dict)
    # what each leaf's .grad held before this pass added to it (an accumulating pass)
    previous_grads: dict[str, np.ndarray] = field(default_factory=dict)


class Evaluator:
    """Values and gradients of a document, kept up to date incrementally."""

    def __init__(self, doc: Document, lib: Any = None) -> None:
        self.doc = doc
        self.lib = lib if lib is not None else _engine()
        self.values: dict[str, np.ndarray] = {}
        self.errors: dict[str, str] = {}
        self.warnings: dict[str, str] = {}
        self._tensors: dict[str, Any] = {}
        self._wire_src: dict[str, dict[str, tuple[Any, ...]]] = {}
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
        self._map_wires(nid, spec, wired, args, node.params, t)
        self._store(nid, self._tensors.get(nid, t))
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

    def _map_wires(self, nid: str, spec: OpSpec, wired: dict[str, str], args: dict[str, Any],  # noqa: C901, PLR0912 - long today, to split (issue 13)
                   params: dict[str, Any], out: Any) -> None:
        """Find, for each input wire, where its gradient will appear in the trace."""
        ports = _flat_ports(spec, args)  # [(port name, tensor)] in call order
        src_map: dict[str, tuple[Any, ...]] = {}
        grad_ports = [(p, t) for p, t in ports if t.requires_grad]
        for p, t in ports:
            if not t.requires_grad:
                src_map[p] = (_NONE,)
        if not grad_ports:
            self._wire_src[nid] = src_map
            return
        passing = [p for p, t in grad_ports if t is out]
        if passing:  # the op returned an input unchanged (output node, no-op reshape...)
            for p, _ in grad_ports:
                src_map[p] = (_PASS,) if p in passing else (_NONE,)
            self._wire_src[nid] = src_map
            return
        g = out.grad_fn
        if g is None:  # detach, integer results: nothing flows back
            for p, _ in grad_ports:
                src_map[p] = (_NONE,)
            self._wire_src[nid] = src_map
            return
        nf = g.next_functions
        if len(nf) == len(ports) and all(
                _feeds(nf[i][0], t) for i, (_, t) in enumerate(ports)):
            for i, (p, t) in enumerate(ports):
                if t.requires_grad:
                    src_map[p] = (_STEP, g, i)
            self._wire_src[nid] = src_map
            return
        # composite op or converted input: re-run on clones, one per input wire
        clones = {p: self.lib.clone(t) for p, t in grad_ports}
        new_args = dict(args)
        for port in spec.inputs:
            if port.variadic:
                new_args[port.name] = [clones.get(f"{port.name}.{i}", t)
                                       for i, t in enumerate(args[port.name])]
            elif args.get(port.name) is not None and port.name in clones:
                new_args[port.name] = clones[port.name]
        out2 = spec.call(new_args, params, self.lib)
        for p, c in clones.items():
            src_map[p] = (_ALIAS, c.grad_fn)
        self._wire_src[nid] = src_map
        self._owned[nid] = _internal_nodes(out2.grad_fn, {id(c.grad_fn) for c in
                                                          clones.values()})
        self._tensors[nid] = out2

    # ------------------------------------------------------------------ backward
    def backward(self, output: str | Sequence[str] | None = None, gradient: Any = None,  # noqa: C901 - long today, to split (issue 13)
                 accumulate: bool = False) -> BackwardResult:
        """Run backward from `output` (default: the document's chosen output) with the
        gradient argument `gradient` (default: the document's, or ones for a scalar).

        Several outputs (a list) run one combined pass, `autograd.backward([y1, y2])`:
        their gradients sum at every node; `gradient` is then a list, one per output
        (None: the document's for its output, else the implicit ones).

        `accumulate=True` adds the variables' gradients to the previous pass's, as
        `.grad` does when backward runs twice (the retain_graph lesson)."""
        self.forward()
        doc = self.doc
        if output is None or isinstance(output, str):
            outs = [output if output is not None else doc.output]
            grads_arg: list[Any] = [gradient]
        else:
            outs = list(dict.fromkeys(output))
            grads_arg = list(gradient) if gradient is not None else [None] * len(outs)
            if len(grads_arg) != len(outs):
                raise GraphError(f"{len(grads_arg)} gradient arguments for {len(outs)} outputs")
        if not outs or outs[0] is None:
            raise GraphError("choose an output to run backward from")
        for o in outs:
            doc.node(o)
        out = outs[0]
        prev = self.last_backward if accumulate else None
        res = BackwardResult(out, outputs=outs)
        bad = next((o for o in outs if o in self.errors), None)
        if bad is not None:
            res.error = f"the output has an error: {self.errors[bad]}"
            return self._finish(res, prev)
        roots = [self._tensors[o] for o in outs]
        seeds = []
        for o, g, root in zip(outs, grads_arg, roots):
            if g is None and o == doc.output:
                g = doc.output_gradient
            seeds.append(None if g is None else self.lib.from_numpy(
                np.array(g, dtype=root.detach().numpy().dtype)))
        if not any(r.requires_grad for r in roots):
            res.error = ("the output does not depend on any variable that requires grad "
                         "(tick requires_grad on a variable)")
            return self._finish(res, prev)
        relevant: set[str] = set()
        for o in outs:
            relevant |= doc.ancestors(o) | {o}
        leaves = [n for n in relevant if doc.node(n).op == "variable"
                  and doc.node(n).requires_grad and n in self._tensors]
        from core.autograd.trace import record_backward

        grad_roots = [(r, s) for r, s in zip(roots, seeds) if r.requires_grad]
        try:
            with record_backward() as trace:
                self.lib.autograd.grad([r for r, _ in grad_roots],
                                       [self._tensors[n] for n in leaves],
                                       grad_outputs=None if all(s is None for _, s in grad_roots)
                                       else [s for _, s in grad_roots],
                                       retain_graph=True, allow_unused=True)
        except Exception as e:
            res.error = _message(e)
            return self._finish(res, prev)
        seed_arrs = {o: (np.ones_like(self.values[o]) if s is None
                         else s.detach().numpy().copy()) for o, s in zip(outs, seeds)}
        res.gradient = seed_arrs[out]
        res.gradients = seed_arrs
        self._read_trace(res, trace.steps, relevant, leaves, seed_arrs[out])
        return self._finish(res, prev)

    def _finish(self, res: BackwardResult, prev: BackwardResult | None) -> BackwardResult:
        if prev is not None and prev.output == res.output and res.error is None:
            for n, g in prev.leaf_grads.items():
                if n in res.leaf_grads and g.shape == res.leaf_grads[n].shape:
                    res.leaf_grads[n] = res.leaf_grads[n] + g
        self.last_backward = res
        return res

    def _read_trace(self, res: BackwardResult, steps: Sequence[Any], relevant: set[str],  # noqa: C901 - long today, to split (issue 13)
                    leaves: list[str], seed: np.ndarray) -> None:
        doc = self.doc
        by_node = {id(s.node): s for s in steps}
        leaf_of = {id(self._tensors[n]): n for n in leaves}
        leaf_set = set(leaves)
        acc_steps = {id(s.node.variable): s for s in steps if hasattr(s.node, "variable")}

        def arr(t: Any) -> np.ndarray | None:
            # a read-only view: the engine made this gradient for this pass only
            if t is None:
                return None
            # np.asarray: the engine's summed 0-d gradients are numpy scalars (see report)
            v = np.asarray(t.detach().numpy()).view()
            v.flags.writeable = False
            return v

        # wire gradients from the steps; pass-through wires after totals (reverse topo)
        order = [n for n in self._topo or doc.topo_order() if n in relevant]
        ins = {n: doc.inputs_of(n) for n in order}
        outgoing: dict[str, list[Wire]] = {n: [] for n in order}
        for n in order:
            for port, src in ins[n].items():
                outgoing[src].append(Wire(src, n, port))
        totals: dict[str, np.ndarray | None] = {}
        wire_grads: dict[Wire, np.ndarray | None] = {}
        empty: dict[str, tuple[Any, ...]] = {}
        for nid in reversed(order):
            wsrc = self._wire_src.get(nid, empty)
            if nid in res.gradients:  # an output: its seed, plus what its consumers send
                total: np.ndarray | None = _sum([res.gradients[nid]] + [
                    wire_grads.get(w) for w in outgoing[nid]])
            elif nid in leaf_set:
                acc = acc_steps.get(id(self._tensors[nid]))
                total = arr(acc.grad_output) if acc is not None else None
            elif any(m[0] == _PASS for m in wsrc.values()):
                total = _sum([wire_grads.get(w) for w in outgoing[nid]])
            else:
                t = self._tensors.get(nid)
                s = by_node.get(id(t.grad_fn)) if t is not None and t.grad_fn is not None \
                    else None
                total = arr(s.grad_output) if s is not None else None
            totals[nid] = total
            for port, src in ins[nid].items():
                m = wsrc.get(port, (_NONE,))
                g = None
                if m[0] == _STEP:
                    s = by_node.get(id(m[1]))
                    g = arr(s.grad_inputs[m[2]]) if s is not None else None
                elif m[0] == _ALIAS:
                    s = by_node.get(id(m[1]))
                    g = arr(s.grad_output) if s is not None else None
                elif m[0] == _PASS:
                    g = total
                wire_grads[Wire(src, nid, port)] = g
        res.node_grads = totals
        res.wire_grads = wire_grads
        res.leaf_grads = {n: g for n in leaves if (g := totals.get(n)) is not None}
        res.steps = self._replay(steps, res, leaf_of, ins)

    def _replay(self, steps: Sequence[Any], res: BackwardResult, leaf_of: dict[int, str],  # noqa: C901, PLR0912 - long today, to split (issue 13)
                wires_in: dict[str, dict[str, str]]) -> list[ReplayStep]:
        owner: dict[int, str] = {}  # engine node -> the document node it computes part of
        clones: set[int] = set()  # the evaluator's own clones: bookkeeping, not the op
        for nid, t in self._tensors.items():
            m = self._wire_src.get(nid, {})
            if t.grad_fn is not None and not any(v[0] == _PASS for v in m.values()):
                owner.setdefault(id(t.grad_fn), nid)
            for v in m.values():
                if v[0] == _ALIAS:  # the clone on an input wire of a composite node
                    owner[id(v[1])] = nid
                    clones.add(id(v[1]))
            for inner in self._owned.get(nid, []):
                owner.setdefault(id(inner), nid)
        out: list[ReplayStep] = []
        emitted: dict[str, ReplayStep] = {}
        for o in res.outputs or [res.output]:
            seed_wires = [(Wire(s, o, p), res.wire_grads.get(Wire(s, o, p)))
                          for p, s in wires_in.get(o, {}).items()
                          if self._wire_src.get(o, {}).get(p, (_NONE,))[0] == _PASS]
            out.append(ReplayStep(len(out), "seed", o, "gradient",
                                  res.gradients.get(o, res.gradient), seed_wires))
        for s in steps:
            name = s.node.name()
            if hasattr(s.node, "variable"):
                nid = leaf_of.get(id(s.node.variable))
                if nid is not None:
                    out.append(ReplayStep(len(out), "leaf", nid, name,
                                          res.node_grads.get(nid)))
                continue
            nid = owner.get(id(s.node))
            if nid is None:
                continue
            grad_out = np.array(s.grad_output.detach().numpy())
            if nid in emitted:  # a later engine op of a node already shown: a detail
                if id(s.node) not in clones:
                    emitted[nid].inner.append((name, grad_out))
                continue
            # the node's first engine step (its root: everything inside depends on it);
            # the gradients of all its input wires are known from the whole trace
            m = self._wire_src.get(nid, {})
            ins = wires_in.get(nid, {})
            sends = [(Wire(src, nid, p), res.wire_grads.get(Wire(src, nid, p)))
                     for p, src in ins.items() if m.get(p, (_NONE,))[0] in (_STEP, _ALIAS)]
            step = ReplayStep(len(out), "node", nid, name, res.node_grads.get(nid), sends,
                              [(name, grad_out)])
            emitted[nid] = step
            out.append(step)
        self._insert_pass_steps(out, res, wires_in)
        for i, step in enumerate(out):
            step.index = i
        return out

    def _insert_pass_steps(self, out: list[ReplayStep], res: BackwardResult,
                           wires_in: dict[str, dict[str, str]]) -> None:
        """Nodes that forward a gradient unchanged (an output in the middle of a graph,
        an expand to the same shape) run no engine step; show them passing it on just
        before the node they feed receives it. Upstream first, so chains stay in order."""
        order = [n for n in (self._topo or self.doc.topo_order()) if n in wires_in]
        for nid in order:
            if nid in (res.outputs or [res.output]):
                continue
            m = self._wire_src.get(nid, {})
            pass_ports = [p for p, v in m.items() if v[0] == _PASS]
            total = res.node_grads.get(nid)
            if not pass_ports or total is None:
                continue
            sends = [(Wire(wires_in[nid][p], nid, p), total) for p in pass_ports
                     if p in wires_in[nid]]
            srcs = {w.src for w, _ in sends}
            first = len(res.outputs or [res.output])  # after the seeds
            at = next((i for i, st in enumerate(out) if st.node in srcs and i >= first),
                      len(out))
            out.insert(at, ReplayStep(at, "node", nid, "(passes the gradient on)", total,
                                      sends))

    # ------------------------------------------------------------------ autograd.grad
    def grad(self, outputs: str | Sequence[str], inputs: str | Sequence[str],
             grad_outputs: Sequence[Any] | None = None) -> list[np.ndarray | None]:
        """`autograd.grad(outputs, inputs)` on node values: gradients of the (summed)
        outputs with respect to the input nodes (variables requiring grad)."""
        self.forward()
        outs = [outputs] if isinstance(outputs, str) else list(outputs)
        ins = [inputs] if isinstance(inputs, str) else list(inputs)
        for n in outs + ins:
            if n in self.errors:
                raise GraphError(f"{self.doc.node(n).name} has an error: {self.errors[n]}")
        go = None
        if grad_outputs is not None:
            go = [None if g is None else self.lib.from_numpy(
                np.array(g, dtype=self.values[o].dtype)) for o, g in zip(outs, grad_outputs)]
        try:
            gs = self.lib.autograd.grad([self._tensors[o] for o in outs],
                                        [self._tensors[i] for i in ins], grad_outputs=go,
                                        retain_graph=True, allow_unused=True)
        except Exception as e:
            raise GraphError(_message(e)) from None
        return [None if g is None else np.array(g.detach().numpy()) for g in gs]

    # ------------------------------------------------------------------ functions of variables
    def function(self, output: str, inputs: Sequence[str],
                 env: dict[str, Any] | None = None) -> Callable[..., Any]:
        """The document as a function of the chosen variables: f(*tensors) -> output
        tensor, recomputing the output's ancestors with the given tensors in place of
        those variables (for jacobian/hessian and Differentiate). If `env` is given, the
        last call leaves every node's tensor in it."""
        doc = self.doc
        for i in inputs:
            if not doc.node(i).spec.has_value:
                raise GraphError(f"{doc.node(i).name} is not a variable or constant")
        needed = doc.ancestors(output) | {output}
        order = [n for n in doc.topo_order() if n in needed]
        lib = self.lib
        out_env = env

        def f(*xs: Any) -> Any:
            env: dict[str, Any] = dict(zip(inputs, xs)) if out_env is None else out_env
            env.clear()
            env.update(zip(inputs, xs))
            for nid in order:
                if nid in env:
                    continue
                node = doc.node(nid)
                spec = node.spec
                if spec.has_value:
                    env[nid] = leaf_tensor(lib, node.value, node.requires_grad)
                    continue
                sources, problem = port_sources(spec, doc.inputs_of(nid))
                if problem is not None:
                    raise GraphError(f"{node.name}: {problem}")
                args = {p: _pick(env, s) for p, s in sources.items()}
                env[nid] = spec.call(args, node.params, lib)
            return env[output]

        return f

    def _inputs_for(self, inputs: Sequence[str]) -> tuple[Any, ...]:
        return tuple(leaf_tensor(self.lib, self.doc.node(i).value) for i in inputs)

    def jacobian(self, output: str, inputs: str | Sequence[str]) -> Any:
        """∂output/∂inputs at the current values (one array, or a tuple for several)."""
        ins = [inputs] if isinstance(inputs, str) else list(inputs)
        f = self.function(output, ins)
        try:
            j = self.lib.autograd.functional.jacobian(f, self._inputs_for(ins))
        except GraphError:
            raise
        except Exception as e:
            raise GraphError(_message(e)) from None
        return _to_numpy(j[0] if isinstance(inputs, str) and isinstance(j, tuple) else j)

    def hessian(self, output: str, inputs: str | Sequence[str]) -> Any:
        """Second derivatives of a scalar output with respect to the inputs."""
        ins = [inputs] if isinstance(inputs, str) else list(inputs)
        f = self.function(output, ins)
        try:
            h = self.lib.autograd.functional.hessian(f, self._inputs_for(ins))
        except GraphError:
            raise
        except Exception as e:
            raise GraphError(_message(e)) from None
        if isinstance(inputs, str) and isinstance(h, tuple):
            h = h[0][0] if isinstance(h[0], tuple) else h[0]
        return _to_numpy(h)

    def differentiate(self, output: str | None = None, wrt: str | Sequence[str] | None = None,
                      gradient: Any = None) -> Document:
        """A new document computing ∂output/∂wrt (see `core.graph.differentiate`)."""
        from core.graph.differentiate import differentiate

        return differentiate(self, output, wrt, gradient)


# ---------------------------------------------------------------------- helpers
def _pick(tensors: dict[str, Any], src: Source) -> Any:
    """The tensor(s) of a port's source: a list for a variadic port, None if unwired."""
    if src is None:
        return None
    return [tensors[s] for s in src] if isinstance(src, list) else tensors[src]


def _message(e: BaseException) -> str:
    msg = str(e) or type(e).__name__
    return msg if isinstance(e, (RuntimeError, GraphError)) else f"{type(e).__name__}: {msg}"


def _upstream(doc: Document, port: str, src: str) -> str:
    return f"input {port!r} has no value (error in {doc.node(src).name})"


def _flat_ports(spec: OpSpec, args: dict[str, Any]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for port in spec.inputs:
        v = args.get(port.name)
        if port.variadic:
            out += [(f"{port.name}.{i}", t) for i, t in enumerate(v or [])]
        elif v is not None:
            out.append((port.name, v))
    return out


def _feeds(engine_node: Any, t: Any) -> bool:
    """Whether `engine_node` (a next_functions entry) is where `t`'s gradient goes."""
    if t.grad_fn is not None:
        return engine_node is t.grad_fn
    if t.requires_grad:
        return getattr(engine_node, "variable", None) is t
    return engine_node is None


def _internal_nodes(root: Any, stop: set[int]) -> list[Any]:
    """Engine nodes from `root` down to (not including) the nodes in `stop`."""
    seen: set[int] = set()
    out: list[Any] = []
    stack = [root] if root is not None else []
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen or id(n) in stop or hasattr(n, "variable"):
            continue
        seen.add(id(n))
        out.append(n)
        stack.extend(nf for nf, _ in n.next_functions)
    return out


def _sum(gs: list[np.ndarray | None]) -> np.ndarray | None:
    present = [g for g in gs if g is not None]
    if not present:
        return None
    total = present[0]
    for g in present[1:]:
        total = total + g
    return total


def _to_numpy(x: Any) -> Any:
    if isinstance(x, tuple):
        return tuple(_to_numpy(v) for v in x)
    return np.array(x.detach().numpy())


__all__ = ["BackwardResult", "Evaluator", "ReplayStep"]
