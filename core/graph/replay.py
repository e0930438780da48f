"""What a backward pass replays, step by step, and how a stepper explains each step.

`Evaluator.backward()` records what the engine did as a `BackwardResult` whose `steps` are
one `ReplayStep` per document node: the seed, each node sending gradients back along its
input wires, each leaf receiving its `.grad` (`core.graph.backward_pass` builds them from
the engine's trace). This module is the Qt-free model a stepper view drives:

- `picture(steps, nodes, wires, i)`: which nodes and wires have been reached at step i
  (a state per node and wire, and "∇ 1 of 2" notes for nodes still gathering);
- `explain(doc, result, i, values)`: the words and numbers that explain step i (what
  arrived, the op's local derivative per input, what was sent back) — `explain_frame` for
  a collapsed frame's step (`collapse_steps` folds a frame's steps);
- `same_replay(a, b)`: whether a re-run replays identically (the stepper keeps its place);
- `refold(...)`: the steps folded again after a frame was collapsed or expanded, and the
  step to stay on.

No gradient is computed here: every number is one of the `BackwardResult`'s arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.graph.catalog import OpSpec
from core.graph.document import Document, Wire
from core.graph.frames import Frame


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


# node states (what NodeItem.set_step_state receives)
PENDING = "pending"  # takes part, no gradient has reached it yet: dimmed, gradient hidden
WAITING = "waiting"  # some of its gradients have arrived, its own step is still to come
READY = "ready"  # all of its gradients have arrived (their sum is its total); its step is next
CURRENT = "current"  # the node of this step
DONE = "done"  # its step is over: shows its total gradient
OFF = "off"  # no gradient ever reaches it in this pass (constants, other branches)
# wire states (WireItem.set_step_state)
SENT = "sent"  # sent at this step: highlighted, its pulse travels back
GATHERED = "gathered"  # arrived earlier and summed into this step's node
# (wires also use PENDING, DONE and OFF)


@dataclass(frozen=True)
class StepPicture:
    """What the canvas shows at one step: a state for every node and wire, and for nodes still
    waiting for gradients how many of them have arrived ("∇ 1 of 2": not "1/2", which would
    read as a gradient of one half)."""

    index: int
    nodes: dict[str, str]
    wires: dict[Wire, str]
    notes: dict[str, str] = field(default_factory=dict)


def collapse_steps(steps: Sequence[ReplayStep], doc: Document) -> list[ReplayStep]:
    """The replay with the steps of each collapsed frame's members folded into one step.

    The folded step takes the place of the first member step (where the gradient first
    reaches the frame), has kind "frame", `node` = that first member (so the canvas knows
    when the frame is reached), the sends of every member (the wires leaving the frame
    backwards are among them) and, as `inner`, one ("member: engine op", gradient) per
    folded step, in the order the engine ran them. Steps are renumbered."""
    owner: dict[str, Frame] = {}
    for f in doc.frames.values():
        if f.collapsed:
            for m in f.members:
                owner[m] = f
    if not owner:
        return list(steps)
    out: list[ReplayStep] = []
    folded: dict[str, ReplayStep] = {}
    for s in steps:
        f = owner.get(s.node) if s.kind != "seed" else None
        if f is None:
            out.append(ReplayStep(len(out), s.kind, s.node, s.engine_name, s.grad,
                                  list(s.sends), list(s.inner)))
            continue
        step = folded.get(f.id)
        if step is None:
            step = ReplayStep(len(out), "frame", s.node, f.title, s.grad, [], [])
            folded[f.id] = step
            out.append(step)
        step.sends.extend(s.sends)
        name = doc.node(s.node).name if s.node in doc else s.node
        what = ".grad" if s.kind == "leaf" else s.engine_name
        step.inner.append((f"{name}: {what}", s.grad))  # type: ignore[arg-type]
    return out


def schedule(steps: Sequence[ReplayStep]) -> tuple[dict[str, int], dict[Wire, int]]:
    """The step at which each node is reached and each wire's gradient is sent."""
    reached: dict[str, int] = {}
    sent: dict[Wire, int] = {}
    for step in steps:
        reached.setdefault(step.node, step.index)
        for wire, grad in step.sends:
            if grad is not None:
                sent.setdefault(wire, step.index)
    return reached, sent


def picture(steps: Sequence[ReplayStep], node_ids: Iterable[str], wires: Iterable[Wire],
            index: int) -> StepPicture:
    """The state of every node and wire after step `index` of the replay."""
    reached, sent = schedule(steps)
    current = steps[index].node if 0 <= index < len(steps) else None
    wire_states: dict[Wire, str] = {}
    expected: dict[str, int] = {}
    arrived: dict[str, int] = {}
    for wire in wires:
        at = sent.get(wire)
        if at is None:
            wire_states[wire] = OFF
            continue
        expected[wire.src] = expected.get(wire.src, 0) + 1
        if at > index:
            wire_states[wire] = PENDING
            continue
        arrived[wire.src] = arrived.get(wire.src, 0) + 1
        wire_states[wire] = SENT if at == index else (GATHERED if wire.src == current else DONE)
    node_states: dict[str, str] = {}
    notes: dict[str, str] = {}
    for nid in node_ids:
        at = reached.get(nid)
        if at is None:
            node_states[nid] = OFF
        elif at == index:
            node_states[nid] = CURRENT
        elif at < index:
            node_states[nid] = DONE
        elif arrived.get(nid) == expected.get(nid):
            node_states[nid] = READY
        elif arrived.get(nid):
            node_states[nid] = WAITING
            notes[nid] = f"∇ {arrived[nid]} of {expected[nid]}"
        else:
            node_states[nid] = PENDING
            notes[nid] = "∇ ?"
    return StepPicture(index, node_states, wire_states, notes)


# ---------------------------------------------------------------------------------- explanation
@dataclass
class Send:
    """One input wire of the step's node and the gradient sent back along it (chain rule:
    upstream × local derivative = sent)."""

    wire: Wire
    to_name: str  # the node the gradient goes back to
    port: str  # the input of this step's node it leaves through
    local: str  # the catalog's local derivative for that input, e.g. "∂(a·b)/∂a = b"
    upstream: np.ndarray | None  # ∂out/∂(this node): what arrived
    sent: np.ndarray | None  # the engine's gradient along the wire


@dataclass
class Term:
    """One gradient that arrived at the step's node from a consumer (they sum to its total)."""

    wire: Wire
    from_name: str  # the consumer that sent it
    port: str  # the consumer's input it came back through
    grad: np.ndarray | None


@dataclass
class Explanation:
    """Everything the step panel writes about one step, numbers straight from the replay."""

    index: int
    count: int
    kind: str  # seed / node / leaf
    node: str
    name: str
    op: str
    engine_name: str
    output_name: str
    grad: np.ndarray | None  # ∂out/∂node: the total that arrived (a leaf's .grad)
    formula: str = ""  # the op's local derivative, from the catalog
    terms: list[Term] = field(default_factory=list)
    inputs: list[tuple[str, str, Any]] = field(default_factory=list)  # (port, source, value)
    sends: list[Send] = field(default_factory=list)
    inner: list[tuple[str, np.ndarray]] = field(default_factory=list)  # composite: engine ops
    # a leaf in an accumulating pass (Backward again): .grad before it, and after
    previous: np.ndarray | None = None
    accumulated: np.ndarray | None = None

    @property
    def title(self) -> str:
        """"Step 3 of 9 — mul (MulBackward0)"."""
        return f"Step {self.index + 1} of {self.count} — {self.name} ({self.engine_name})"


def local_formula(spec: OpSpec, port: str) -> str:
    """The op's local derivative for input `port`: the catalog writes one per input port."""
    return spec.local_derivative(port)


def explain(doc: Document, result: BackwardResult, index: int,
            values: dict[str, Any]) -> Explanation:
    """The explanation of step `index` of `result.steps`, for the step panel."""
    steps = result.steps
    step = steps[index]
    if step.kind == "frame":
        return explain_frame(doc, result, index, values)
    node = doc.node(step.node)
    spec = node.spec
    _reached, sent_at = schedule(steps)
    outs = [o for o in result.outputs or [result.output] if o in doc]
    out_name = doc.node(result.output).name if len(outs) < 2 else \
        "(" + " + ".join(doc.node(o).name for o in outs) + ")"
    ex = Explanation(index=index, count=len(steps), kind=step.kind, node=step.node,
                     name=node.name, op=node.op, engine_name=step.engine_name,
                     output_name=out_name, grad=step.grad,
                     formula=spec.derivative_text)
    if step.kind == "leaf" and step.node in result.previous_grads:
        ex.previous = result.previous_grads[step.node]
        ex.accumulated = result.leaf_grads.get(step.node)
    if step.kind != "seed":
        # what arrived: the gradients this node's consumers sent back, in the order they came
        arrived = sorted((w for w in sent_at if w.src == step.node), key=lambda w: sent_at[w])
        ex.terms = [Term(w, doc.node(w.dst).name, w.port, result.wire_grads.get(w))
                    for w in arrived]
    if step.kind != "leaf":
        for port, src in sorted(doc.inputs_of(step.node).items(), key=lambda kv: _port_order(
                spec, kv[0])):
            ex.inputs.append((port, doc.node(src).name, values.get(src)))
        for wire, grad in step.sends:
            ex.sends.append(Send(wire, doc.node(wire.src).name, wire.port,
                                 local_formula(spec, wire.port), step.grad, grad))
        if len(step.inner) > 1:
            ex.inner = list(step.inner)
    return ex


def explain_frame(doc: Document, result: BackwardResult, index: int,
                  values: dict[str, Any]) -> Explanation:
    """A collapsed frame's step: what arrived at the frame from outside, what it sent back
    across its border (each with the inner node's local derivative), and the inner steps."""
    steps = result.steps
    step = steps[index]
    f = doc.frame_of(step.node)
    inside = set(f.members) if f is not None else {step.node}
    _reached, sent_at = schedule(steps)
    ex = Explanation(index=index, count=len(steps), kind="frame", node=step.node,
                     name=step.engine_name, op="frame", engine_name=f"{len(step.inner)} steps "
                     "inside, as one", output_name=doc.node(result.output).name,
                     grad=step.grad, inner=list(step.inner))
    arrived = sorted((w for w in sent_at if w.src in inside and w.dst not in inside),
                     key=lambda w: sent_at[w])
    ex.terms = [Term(w, doc.node(w.dst).name, w.port, result.wire_grads.get(w))
                for w in arrived]
    for wire, grad in step.sends:
        if wire.src in inside:
            continue  # a wire inside the frame: one of the inner steps
        dst = doc.node(wire.dst)
        port = f"{dst.name}.{wire.port}"
        ex.inputs.append((port, doc.node(wire.src).name, values.get(wire.src)))
        ex.sends.append(Send(wire, doc.node(wire.src).name, port,
                             local_formula(dst.spec, wire.port),
                             result.node_grads.get(wire.dst), grad))
    return ex


def _port_order(spec: OpSpec, port: str) -> tuple[int, int]:
    base, _, idx = port.partition(".")
    names = [p.name for p in spec.inputs]
    return (names.index(base) if base in names else len(names), int(idx) if idx.isdigit() else 0)


def same_replay(a: BackwardResult | None, b: BackwardResult | None) -> bool:
    """Whether two backward results replay identically (a re-run with nothing changed)."""
    if a is None or b is None or a.output != b.output or len(a.steps) != len(b.steps):
        return False
    for s, t in zip(a.steps, b.steps):
        if (s.kind, s.node, s.engine_name) != (t.kind, t.node, t.engine_name):
            return False
        if not _same_array(s.grad, t.grad) or len(s.sends) != len(t.sends):
            return False
        for (w1, g1), (w2, g2) in zip(s.sends, t.sends):
            if w1 != w2 or not _same_array(g1, g2):
                return False
    return True


def _same_array(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


# ---------------------------------------------------------------------------------- driver


def refold(result_steps: Sequence[ReplayStep], doc: Document, shown: Sequence[ReplayStep],
           index: int) -> tuple[list[ReplayStep], int, bool]:
    """Fold the replay again (a frame was collapsed or expanded): the new steps, the step to
    show — the same node's where there still is one, else its frame's — and whether the
    steps changed shape (the view redraws then; otherwise it keeps its place)."""
    steps = collapse_steps(result_steps, doc)
    if [(s.kind, s.node) for s in steps] == [(s.kind, s.node) for s in shown]:
        return steps, index, False
    node = shown[index].node if 0 <= index < len(shown) else None
    at = next((i for i, s in enumerate(steps) if s.node == node), None)
    if at is None and node is not None:  # folded into a frame: its step
        f = doc.frame_of(node)
        at = next((i for i, s in enumerate(steps) if f is not None and s.node in f.members),
                  None)
    return steps, max(0, min(at if at is not None else index, len(steps) - 1)), True


__all__ = ["CURRENT", "DONE", "GATHERED", "OFF", "PENDING", "READY", "SENT", "WAITING",
           "BackwardResult", "Explanation", "ReplayStep", "Send", "StepPicture", "Term",
           "collapse_steps", "explain", "explain_frame", "local_formula", "picture", "refold",
           "same_replay", "schedule"]
