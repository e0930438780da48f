"""The edits that go with building a graph by hand, so it behaves as one typed in the bar.

The expression bar makes variables that require grad and chooses the output it builds. A graph
built from the palette used to get neither: `sin(x)` by hand showed no gradient until the
person found the checkbox and the "Set as Output" command. These helpers return the extra
steps (`Edit`s for a macro) that make the hand-built graph agree:

- a new variable requires grad (constants never do);
- the first `output` node, added, pasted or wired into, becomes the output when there is none;
- deleting the output hands the role to the remaining output node.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.graph import Document
from core.graph.commands import Edit


def add_steps(doc: Document, op: str, node_id: str, pos: tuple[float, float]) -> list[Edit]:
    """Add a node of `op` as dropped from the palette or quick-add."""
    kwargs: dict[str, Any] = {"pos": pos, "node_id": node_id}
    if op == "variable":
        kwargs["requires_grad"] = True
    return choose_added_output(doc, [Edit("add_node", (op,), kwargs)])


def choose_added_output(doc: Document, steps: list[Edit]) -> list[Edit]:
    """`steps` (adds, connects…) plus choosing the first output node they add, when the
    document has no output yet (a palette drop, a paste into a new graph)."""
    if doc.output is not None:
        return list(steps)
    for s in steps:
        if s.kind == "add_node" and s.args and s.args[0] == "output" and "node_id" in s.kwargs:
            return [*steps, Edit("set_output", (s.kwargs["node_id"],))]
    return list(steps)


def connect_steps(doc: Document, src: str, dst: str, port: str) -> list[Edit]:
    """Wire src into dst.port; wiring into an output node when none is chosen chooses it."""
    steps = [Edit("connect", (src, dst, port))]
    if doc.output is None and dst in doc and doc.node(dst).op == "output":
        steps.append(Edit("set_output", (dst,)))
    return steps


def after_remove_steps(doc: Document, removed: Iterable[str]) -> list[Edit]:
    """When the output is among the removed nodes, make the first remaining output node
    (in document order) the output, if there is one."""
    gone = set(removed)
    if doc.output is None or doc.output not in gone:
        return []
    rest = [n.id for n in doc if n.op == "output" and n.id not in gone]
    return [Edit("set_output", (rest[0],))] if rest else []
