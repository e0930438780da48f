"""The forward pass written out node by node, for stepping through it.

Backward has its replay (`Evaluator.backward().steps`); the forward pass deserves the same
teaching: values appear in topological order — the order the engine computed them — and
each op's arithmetic is written with the numbers it used: `mul: 3 × 2 = 6`,
`exp: exp(1) = 2.718`, `sum: sum([0, 1, 2, 3]) = 6`. Every number is one the evaluator
computed; nothing is recomputed here, only written.

Usage::

    steps = forward_steps(doc, ev.values, ev.errors)   # after ev.forward()
    steps[2].text                                     # "mul: 3 × 2 = 6"
    pic = forward_picture(steps, doc.nodes, doc.wires, 2)  # what the canvas shows at step 2
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.graph.document import Document, Wire
from core.graph.replay import CURRENT, DONE, GATHERED, PENDING, StepPicture

#: ops written as `a op b`
INFIX: dict[str, str] = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "matmul": "@",
                         "dot": "·"}
MAX_INLINE = 6  # entries written out; bigger values are written by their shape


@dataclass
class ForwardStep:
    """One node computing its value: `text` is the arithmetic (`mul: 3 × 2 = 6`)."""

    index: int
    node: str
    text: str
    value: np.ndarray | None = None
    error: str | None = None
    inputs: list[tuple[str, str]] = field(default_factory=list)  # (port, source node id)


def number(value: Any) -> str:
    """A value as the forward steps write it: every entry of a small one, else its shape."""
    if value is None:
        return "—"
    arr = np.asarray(value)
    if arr.size > MAX_INLINE:
        return "×".join(str(d) for d in arr.shape) + " tensor"
    if arr.ndim == 0:
        return _scalar(arr.item())
    return _nested(arr.tolist())


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    return f"{float(v):.4g}"


def _nested(v: Any) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_nested(x) for x in v) + "]"
    return _scalar(v)


def _param_text(v: Any) -> str:
    if isinstance(v, float):
        return _scalar(v)
    if isinstance(v, tuple):
        return "(" + ", ".join(str(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    return repr(v) if isinstance(v, str) else str(v)


def arithmetic(doc: Document, node_id: str, values: Mapping[str, Any],
               errors: Mapping[str, str] | None = None) -> str:
    """The line for one node: `name: operands = value`, or `name = value` for a leaf."""
    node = doc.node(node_id)
    op = node.op
    value = values.get(node_id)
    err = (errors or {}).get(node_id)
    result = f"= {number(value)}" if err is None else f"→ error: {err}"
    if node.spec.has_value:
        kind = "variable, requires_grad" if node.requires_grad else op
        return f"{node.name} {result}  ({kind})"
    wired = doc.inputs_of(node_id)

    def arg(port: str) -> str:
        src = wired.get(port)
        return number(values.get(src)) if src is not None else "?"

    head = f"{node.name}: " if node.name == op else f"{node.name} ({op}): "
    if op == "output":
        return f"{node.name} {result}  (the output: {node.name} = its input)"
    if op in INFIX:
        return f"{head}{arg('a')} {INFIX[op]} {arg('b')} {result}"
    if op == "pow":
        exp = arg("exponent") if "exponent" in wired else _param_text(
            node.params.get("exponent", 2))
        return f"{head}{arg('base')} ** {exp} {result}"
    if op == "neg":
        return f"{head}−{arg('x')} {result}"
    if op == "index":
        return f"{head}{arg('x')}[{_index(node.params.get('index'))}] {result}"
    return f"{head}{op}({', '.join(_call_args(node, wired, arg))}) {result}"


def _call_args(node: Any, wired: Mapping[str, str], arg: Any) -> list[str]:
    """A call's arguments as written: the wired inputs' numbers in port order (a variadic
    port's wires by their number), then the parameters that say something."""
    args: list[str] = []
    for port in node.spec.inputs:
        if port.variadic:
            idx = sorted((int(p.split(".")[1]), p) for p in wired if p.startswith(port.name + "."))
            args += [arg(p) for _, p in idx]
        elif port.name in wired:
            args.append(arg(port.name))
    shown = {p.name: node.params.get(p.name, p.default) for p in node.spec.params}
    args += [f"{k}={_param_text(v)}" for k, v in shown.items()
             if v is not None and (k, v) != ("keepdim", False)]
    return args


def _index(v: Any) -> str:
    if isinstance(v, tuple):
        return ", ".join(_index(x) for x in v)
    return ":" if v is None else str(v)


def forward_steps(doc: Document, values: Mapping[str, Any],
                  errors: Mapping[str, str] | None = None) -> list[ForwardStep]:
    """One step per node, in the topological order the evaluator computes them."""
    steps: list[ForwardStep] = []
    for nid in doc.topo_order():
        err = (errors or {}).get(nid)
        v = values.get(nid)
        steps.append(ForwardStep(len(steps), nid, arithmetic(doc, nid, values, errors),
                                 None if v is None else np.asarray(v), err,
                                 sorted(doc.inputs_of(nid).items())))
    return steps


def forward_picture(steps: Sequence[ForwardStep], node_ids: Iterable[str],
                    wires: Iterable[Wire], index: int) -> StepPicture:
    """The state of every node and wire at forward step `index`: computed nodes are done
    (they show their value), the current one is outlined, the rest wait; the wires into
    the current node are the inputs it is reading. The same `StepPicture` as backward's."""
    count = len(steps)
    at = {s.node: s.index for s in steps}
    nodes: dict[str, str] = {}
    for nid in node_ids:
        i = at.get(nid, count)
        nodes[nid] = CURRENT if i == index else DONE if i < index else PENDING
    current = steps[index].node if 0 <= index < count else None
    wire_states: dict[Wire, str] = {}
    for w in wires:
        if w.dst == current:
            wire_states[w] = GATHERED
        elif at.get(w.dst, count) < index:
            wire_states[w] = DONE
        else:
            wire_states[w] = PENDING
    return StepPicture(index, nodes, wire_states)


__all__ = ["ForwardStep", "arithmetic", "forward_picture", "forward_steps", "number"]
