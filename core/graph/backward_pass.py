"""Backward on a document: run the engine once, read every wire's gradient from its trace.

Backward never re-derives a gradient: it runs the engine (`autograd.grad` under
`record_backward`) and reads each wire's gradient and each node's total from the engine's
trace, through the slots the forward found (`core.graph.wire_slots`), so what the app
replays step by step is what the engine did. The replay steps (`ReplayStep`, one per
document node) are built here too; what a stepper shows of them is `core.graph.replay`.

`Evaluator.backward` / `Evaluator.grad` are the public way in; these functions take the
evaluator whose forward cache (tensors, slots, owned engine nodes) they read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from core.graph.document import Document, GraphError, Wire
from core.graph.replay import BackwardResult, ReplayStep
from core.graph.wire_slots import ALIAS, NO_SLOT, PASS, STEP, Slot

if TYPE_CHECKING:
    from core.graph.evaluate import Evaluator


def run_backward(ev: Evaluator, output: str | Sequence[str] | None, gradient: Any,
                 accumulate: bool) -> BackwardResult:
    """`Evaluator.backward` (see there): one combined pass from one or several outputs."""
    ev.forward()
    outs, grads_arg = _outputs(ev.doc, output, gradient)
    out = outs[0]
    prev = ev.last_backward if accumulate else None
    res = BackwardResult(out, outputs=outs)
    bad = next((o for o in outs if o in ev.errors), None)
    if bad is not None:
        res.error = f"the output has an error: {ev.errors[bad]}"
        return _finish(ev, res, prev)
    roots = [ev.tensors[o] for o in outs]
    seeds = _seeds(ev, outs, grads_arg, roots)
    if not any(r.requires_grad for r in roots):
        res.error = ("the output does not depend on any variable that requires grad "
                     "(tick requires_grad on a variable)")
        return _finish(ev, res, prev)
    doc = ev.doc
    relevant: set[str] = set()
    for o in outs:
        relevant |= doc.ancestors(o) | {o}
    tensors = ev.tensors
    leaves = [n for n in relevant if doc.node(n).op == "variable"
              and doc.node(n).requires_grad and n in tensors]
    from core.autograd.trace import record_backward

    grad_roots = [(r, s) for r, s in zip(roots, seeds) if r.requires_grad]
    try:
        with record_backward() as trace:
            ev.lib.autograd.grad([r for r, _ in grad_roots], [ev.tensors[n] for n in leaves],
                                 grad_outputs=None if all(s is None for _, s in grad_roots)
                                 else [s for _, s in grad_roots],
                                 retain_graph=True, allow_unused=True)
    except Exception as e:
        res.error = message(e)
        return _finish(ev, res, prev)
    seed_arrs = {o: (np.ones_like(ev.values[o]) if s is None
                     else s.detach().numpy().copy()) for o, s in zip(outs, seeds)}
    res.gradient = seed_arrs[out]
    res.gradients = seed_arrs
    read_trace(ev, res, trace.steps, relevant, leaves)
    return _finish(ev, res, prev)


def _outputs(doc: Document, output: str | Sequence[str] | None, gradient: Any
             ) -> tuple[list[str], list[Any]]:
    """The outputs of the pass and one gradient argument (or None) each."""
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
    return outs, grads_arg  # type: ignore[return-value]


def _seeds(ev: Evaluator, outs: list[str], grads_arg: list[Any], roots: list[Any]) -> list[Any]:
    """Each output's gradient argument as a tensor of its dtype; None: implicit ones. The
    document's output uses the document's gradient unless one is given."""
    seeds = []
    for o, g, root in zip(outs, grads_arg, roots):
        if g is None and o == ev.doc.output:
            g = ev.doc.output_gradient
        seeds.append(None if g is None else ev.lib.from_numpy(
            np.array(g, dtype=root.detach().numpy().dtype)))
    return seeds


def _finish(ev: Evaluator, res: BackwardResult, prev: BackwardResult | None) -> BackwardResult:
    if prev is not None and prev.output == res.output and res.error is None:
        for n, g in prev.leaf_grads.items():
            if n in res.leaf_grads and g.shape == res.leaf_grads[n].shape:
                res.leaf_grads[n] = res.leaf_grads[n] + g
    ev.last_backward = res
    return res


def _arr(t: Any) -> np.ndarray | None:
    """A read-only view: the engine made this gradient for this pass only."""
    if t is None:
        return None
    # np.asarray: the engine's summed 0-d gradients are numpy scalars (see report)
    v = np.asarray(t.detach().numpy()).view()
    v.flags.writeable = False
    return v


def read_trace(ev: Evaluator, res: BackwardResult, steps: Sequence[Any], relevant: set[str],
               leaves: list[str]) -> None:
    """Fill `res` with every node's total and every wire's gradient, then its steps.

    Reverse topological order: a pass-through wire's gradient is its node's total, known
    only once all of that node's consumers have sent theirs."""
    doc = ev.doc
    by_node = {id(s.node): s for s in steps}
    acc_steps = {id(s.node.variable): s for s in steps if hasattr(s.node, "variable")}
    order = [n for n in ev.topo() if n in relevant]
    ins = {n: doc.inputs_of(n) for n in order}
    outgoing: dict[str, list[Wire]] = {n: [] for n in order}
    for n in order:
        for port, src in ins[n].items():
            outgoing[src].append(Wire(src, n, port))
    leaf_set = set(leaves)
    totals: dict[str, np.ndarray | None] = {}
    wire_grads: dict[Wire, np.ndarray | None] = {}
    empty: dict[str, Slot] = {}
    slots_of, tensors = ev.wire_slots, ev.tensors  # locals: this loop runs once per node
    for nid in reversed(order):
        slots = slots_of.get(nid, empty)
        if nid in res.gradients:  # an output: its seed, plus what its consumers send
            total = _sum([res.gradients[nid]] + [wire_grads.get(w) for w in outgoing[nid]])
        elif nid in leaf_set:
            acc = acc_steps.get(id(tensors[nid]))
            total = _arr(acc.grad_output) if acc is not None else None
        elif any(m.kind == PASS for m in slots.values()):
            total = _sum([wire_grads.get(w) for w in outgoing[nid]])
        else:
            t = tensors.get(nid)
            s = by_node.get(id(t.grad_fn)) if t is not None and t.grad_fn is not None else None
            total = _arr(s.grad_output) if s is not None else None
        totals[nid] = total
        for port, src in ins[nid].items():
            wire_grads[Wire(src, nid, port)] = _wire_grad(slots.get(port, NO_SLOT), by_node,
                                                          total)
    res.node_grads = totals
    res.wire_grads = wire_grads
    res.leaf_grads = {n: g for n in leaves if (g := totals.get(n)) is not None}
    leaf_of = {id(ev.tensors[n]): n for n in leaves}
    res.steps = replay_steps(ev, steps, res, leaf_of, ins)


def _wire_grad(slot: Slot, by_node: dict[int, Any], total: np.ndarray | None
               ) -> np.ndarray | None:
    """The gradient along one wire, read from its slot in the trace."""
    kind = slot.kind
    if kind == STEP:
        s = by_node.get(id(slot.fn))
        return _arr(s.grad_inputs[slot.index]) if s is not None else None
    if kind == ALIAS:
        s = by_node.get(id(slot.fn))
        return _arr(s.grad_output) if s is not None else None
    if kind == PASS:
        return total
    return None


def _owners(ev: Evaluator) -> tuple[dict[int, str], set[int]]:
    """Engine node -> the document node it computes part of; and the clones the evaluator
    put on input wires (bookkeeping, not the op)."""
    owner: dict[int, str] = {}
    clones: set[int] = set()
    slots_of, owned = ev.wire_slots, ev.owned
    for nid, t in ev.tensors.items():
        m = slots_of.get(nid, {})
        if t.grad_fn is not None and not any(v.kind == PASS for v in m.values()):
            owner.setdefault(id(t.grad_fn), nid)
        for v in m.values():
            if v.kind == ALIAS:  # the clone on an input wire of a composite node
                owner[id(v.fn)] = nid
                clones.add(id(v.fn))
        for inner in owned.get(nid, []):
            owner.setdefault(id(inner), nid)
    return owner, clones


def replay_steps(ev: Evaluator, steps: Sequence[Any], res: BackwardResult,
                 leaf_of: dict[int, str], wires_in: dict[str, dict[str, str]]
                 ) -> list[ReplayStep]:
    """One ReplayStep per document node, in the engine's order: the seeds, then each node's
    first engine step (later ones are its `inner` detail), each leaf's accumulation."""
    owner, clones = _owners(ev)
    out = _seed_steps(ev, res, wires_in)
    emitted: dict[str, ReplayStep] = {}
    slots_of = ev.wire_slots
    for s in steps:
        name = s.node.name()
        if hasattr(s.node, "variable"):
            nid = leaf_of.get(id(s.node.variable))
            if nid is not None:
                out.append(ReplayStep(len(out), "leaf", nid, name, res.node_grads.get(nid)))
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
        m = slots_of.get(nid, {})
        sends = [(Wire(src, nid, p), res.wire_grads.get(Wire(src, nid, p)))
                 for p, src in wires_in.get(nid, {}).items()
                 if m.get(p, NO_SLOT).kind in (STEP, ALIAS)]
        step = ReplayStep(len(out), "node", nid, name, res.node_grads.get(nid), sends,
                          [(name, grad_out)])
        emitted[nid] = step
        out.append(step)
    _insert_pass_steps(ev, out, res, wires_in)
    for i, step in enumerate(out):
        step.index = i
    return out


def _seed_steps(ev: Evaluator, res: BackwardResult, wires_in: dict[str, dict[str, str]]
                ) -> list[ReplayStep]:
    """One "seed" step per output: its gradient argument arrives (an output that passes its
    input on sends it straight along that wire)."""
    out: list[ReplayStep] = []
    for o in res.outputs or [res.output]:
        slots = ev.wire_slots.get(o, {})
        seed_wires = [(Wire(s, o, p), res.wire_grads.get(Wire(s, o, p)))
                      for p, s in wires_in.get(o, {}).items()
                      if slots.get(p, NO_SLOT).kind == PASS]
        out.append(ReplayStep(len(out), "seed", o, "gradient",
                              res.gradients.get(o, res.gradient), seed_wires))
    return out


def _insert_pass_steps(ev: Evaluator, out: list[ReplayStep], res: BackwardResult,
                       wires_in: dict[str, dict[str, str]]) -> None:
    """Nodes that forward a gradient unchanged (an output in the middle of a graph,
    an expand to the same shape) run no engine step; show them passing it on just
    before the node they feed receives it. Upstream first, so chains stay in order."""
    order = [n for n in ev.topo() if n in wires_in]
    slots_of = ev.wire_slots
    for nid in order:
        if nid in (res.outputs or [res.output]):
            continue
        m = slots_of.get(nid, {})
        pass_ports = [p for p, v in m.items() if v.kind == PASS]
        total = res.node_grads.get(nid)
        if not pass_ports or total is None:
            continue
        sends = [(Wire(wires_in[nid][p], nid, p), total) for p in pass_ports
                 if p in wires_in[nid]]
        srcs = {w.src for w, _ in sends}
        first = len(res.outputs or [res.output])  # after the seeds
        at = next((i for i, st in enumerate(out) if st.node in srcs and i >= first),
                  len(out))
        out.insert(at, ReplayStep(at, "node", nid, "(passes the gradient on)", total, sends))


def grad(ev: Evaluator, outputs: str | Sequence[str], inputs: str | Sequence[str],
         grad_outputs: Sequence[Any] | None = None) -> list[np.ndarray | None]:
    """`Evaluator.grad`: `autograd.grad(outputs, inputs)` on node values."""
    ev.forward()
    outs = [outputs] if isinstance(outputs, str) else list(outputs)
    ins = [inputs] if isinstance(inputs, str) else list(inputs)
    for n in outs + ins:
        if n in ev.errors:
            raise GraphError(f"{ev.doc.node(n).name} has an error: {ev.errors[n]}")
    go = None
    if grad_outputs is not None:
        go = [None if g is None else ev.lib.from_numpy(
            np.array(g, dtype=ev.values[o].dtype)) for o, g in zip(outs, grad_outputs)]
    try:
        gs = ev.lib.autograd.grad([ev.tensors[o] for o in outs], [ev.tensors[i] for i in ins],
                                  grad_outputs=go, retain_graph=True, allow_unused=True)
    except Exception as e:
        raise GraphError(message(e)) from None
    return [None if g is None else np.array(g.detach().numpy()) for g in gs]


def message(e: BaseException) -> str:
    """The engine's message as the person's explanation (its type when it is not obvious)."""
    msg = str(e) or type(e).__name__
    return msg if isinstance(e, (RuntimeError, GraphError)) else f"{type(e).__name__}: {msg}"


def _sum(gs: list[np.ndarray | None]) -> np.ndarray | None:
    present = [g for g in gs if g is not None]
    if not present:
        return None
    total = present[0]
    for g in present[1:]:
        total = total + g
    return total


__all__ = ["grad", "message", "read_trace", "replay_steps", "run_backward"]
