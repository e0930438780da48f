"""What the layered layout knows of a node: the box it is drawn in and where its wires attach.

The app measures its node items and passes those boxes (a matrix preview is tall, an output
node wide). Core callers (the parser, Differentiate, script → graph, the example lessons) have
no drawing, so every node gets one nominal box about the size the app draws a scalar node
with its value and gradient; a file laid out with it opens in the app without crowding. The
inputs are spread down the box in the order the node shows its ports, which is what lets the
layout keep `b → mul.a` above `x → mul.b` instead of crossing them at the node.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from core.graph.document import Document

#: The nominal box (width, height) of a node when the caller has no drawn sizes.
NODE_SIZE = (132.0, 74.0)


@dataclass
class Box:
    """A node as drawn: size, and where its wires attach (y offsets from its top; an input
    port missing from `in_y` attaches where the output does)."""

    w: float
    h: float
    out_y: float
    in_y: dict[str, float] = field(default_factory=dict)


def default_box(ports: Sequence[str], size: tuple[float, float] = NODE_SIZE) -> Box:
    """The nominal box with `ports` evenly spread from top to bottom, the output in the middle."""
    w, h = size
    n = len(ports)
    return Box(w, h, h / 2, {p: h * (i + 1) / (n + 1) for i, p in enumerate(ports)})


def input_order(declared: Iterable[tuple[str, bool]], wired: Iterable[str]) -> list[str]:
    """Input port names top to bottom: the declared `(name, variadic)` ports in order, a
    variadic one as its wired slots `name.0, name.1, ...` in numeric order (as the app
    draws them); a wired port not declared at all goes last."""
    wired = set(wired)
    out: list[str] = []
    for name, variadic in declared:
        if not variadic:
            out.append(name)
            continue
        slots = [k for k in wired if k.startswith(name + ".") and k[len(name) + 1:].isdigit()]
        out += sorted(slots, key=lambda k: int(k[len(name) + 1:]))
    return out + sorted(wired - set(out))


def document_boxes(doc: Document, size: tuple[float, float] = NODE_SIZE) -> dict[str, Box]:
    """The nominal box of every node of `doc`, its ports in the order its op declares them."""
    return {n.id: default_box(input_order(((p.name, p.variadic) for p in n.spec.inputs),
                                          doc.inputs_of(n.id)), size)
            for n in doc}
