"""Splicing edits people expect from a node editor: put a node into a wire, take one out.

Both are planned here, in core, as the steps of one `Macro` (`Edit`s for
`commands.make_command(doc, "macro", ...)`), so an app, a script or a test gets the same edit and
the same refusals; the app only supplies the gesture (a drop on a wire, Ctrl+Delete).

- `insert_into_wire`: a new node of `op` takes the wire's place: the wire's source feeds the
  node's first input, and the node feeds the port the wire went into (ComfyUI, Blender).
- `dissolve`: a one-input node (neg, detach, sin, sum…) is removed and its input is wired
  straight to everything it fed ("delete and reconnect", Ctrl+Delete in Blender).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.graph.commands import COMMANDS, Edit, Macro
from core.graph.document import Document, GraphError, Wire


@dataclass
class SplicePlan:
    """The steps of one undoable edit and the text for the undo menu."""

    text: str
    steps: list[Edit] = field(default_factory=list)


def first_input(op: str) -> str | None:
    """The port a wire goes into when a node of `op` is inserted: its first input
    (slot 0 of a variadic input such as stack's xs), or None if the op has no input."""
    from core.graph.catalog import spec

    inputs = spec(op).inputs
    if not inputs:
        return None
    p = inputs[0]
    return f"{p.name}.0" if p.variadic else p.name


def insert_into_wire(doc: Document, wire: Wire, op: str, node_id: str,
                     pos: tuple[float, float], **node_kwargs: Any) -> SplicePlan:
    """Add a node of `op` at `pos` in the middle of `wire`; raises GraphError when it does not
    fit (an op without inputs, such as a variable, has nothing to take the wire's source)."""
    if wire.dst not in doc or doc.inputs_of(wire.dst).get(wire.port) != wire.src:
        raise GraphError("that wire is no longer there")
    port = first_input(op)
    if port is None:
        raise GraphError(f"{op} has no input, so it cannot go into a wire")
    steps = [
        Edit("add_node", (op,), {"pos": pos, "node_id": node_id, **node_kwargs}),
        Edit("disconnect", (wire.dst, wire.port)),
        Edit("connect", (wire.src, node_id, port)),
        Edit("connect", (node_id, wire.dst, wire.port)),
    ]
    return SplicePlan(f"insert {op} into {doc.node(wire.src).name} → "
                      f"{doc.node(wire.dst).name}", steps)


def dissolve(doc: Document, node_id: str) -> SplicePlan:
    """Remove a one-input node and wire its input to what it fed; raises GraphError with the
    reason when the node is not one (two inputs, nothing wired in, nothing fed, the output)."""
    node = doc.node(node_id)
    inputs = node.spec.inputs
    if len(inputs) != 1 or inputs[0].variadic:
        n = "no inputs" if not inputs else (
            "a list of inputs" if inputs[0].variadic else f"{len(inputs)} inputs")
        raise GraphError(f"{node.name} has {n}; only a node with one input (neg, detach, "
                         "sin…) can be dissolved")
    wired = doc.wires_into(node_id)
    if not wired:
        raise GraphError(f"{node.name} has no input wire to connect through; "
                         "Delete removes it")
    fed = doc.wires_from(node_id)
    if not fed:
        raise GraphError(f"{node.name} feeds nothing to connect its input to; "
                         "Delete removes it")
    if doc.output == node_id:
        raise GraphError(f"{node.name} is the output: choose another output before "
                         "dissolving it")
    src = wired[0].src
    steps = [Edit("disconnect", (w.dst, w.port)) for w in fed]
    steps.append(Edit("remove_nodes", ([node_id],)))
    steps += [Edit("connect", (src, w.dst, w.port)) for w in fed]
    return SplicePlan(f"dissolve {node.name}", steps)


class Dissolve(Macro):
    """`make_command(doc, "dissolve", node_id)`: `dissolve` as one undoable command."""

    def __init__(self, doc: Document, node_id: str) -> None:
        plan = dissolve(doc, node_id)
        super().__init__(doc, plan.text, plan.steps)


class InsertIntoWire(Macro):
    """`make_command(doc, "insert_into_wire", wire, op, node_id, pos)`: `insert_into_wire`
    as one undoable command."""

    def __init__(self, doc: Document, wire: Wire, op: str, node_id: str,
                 pos: tuple[float, float], **node_kwargs: Any) -> None:
        plan = insert_into_wire(doc, wire, op, node_id, pos, **node_kwargs)
        super().__init__(doc, plan.text, plan.steps)


# Splicing edits are macros of the commands: they register here, where they are defined, so
# commands.py need not import this module back; the package (core/graph/__init__.py) imports
# it, so `make_command(doc, "dissolve", node_id)` works like any other edit.
COMMANDS.update({"insert_into_wire": InsertIntoWire, "dissolve": Dissolve})
