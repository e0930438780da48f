"""Inserting a dropped op into a wire: whether it can go in, and where it goes.

The document-side half of the wire-drop gesture (`app/canvas/wire_drop.py` draws the glow):
it reads the catalog and the document, which canvas items must not import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF

from app.canvas.items.node_item import HEADER_H
from core.graph import Document, Wire
from core.graph.splice import first_input

if TYPE_CHECKING:
    from app.canvas.scene import CanvasScene


def accepts(op: str) -> bool:
    """An op can go into a wire when it has an input to take the wire's source."""
    from core.graph import catalog

    return op in catalog.OPS and first_input(op) is not None


GAP = 50.0  # between the inserted node and its neighbours, room for a gradient pill


def make_room(scene: CanvasScene, doc: Document, wire: Wire, op: str,
              drop: QPointF) -> tuple[tuple[float, float], dict[str, tuple[float, float]]]:
    """Where the inserted node goes and which nodes move right to make room for it.

    Dropped at the drop point, the new node covered the nodes at both ends of a short wire.
    As Blender's node editor does ("auto-offset"), the node goes just right of the wire's
    source, and the wire's target with everything downstream of it moves right by what is
    missing, so the node sits between its two neighbours. Part of the insert's undo step.

    Tidy: the node's input sits level with the source's output (the wire into it runs
    straight), and on a long wire it goes where it was dropped, not in the wire's middle —
    which could be far outside the view (the controller then scrolls to it)."""
    import networkx as nx

    from app.document.arrange import estimate_box
    from core.graph.layout import LABEL_ROOM

    top = drop.y() - HEADER_H / 2
    src, dst = scene.nodes.get(wire.src), scene.nodes.get(wire.dst)
    if src is None or dst is None:
        return (drop.x() - 60.0, top), {}
    left = src.sceneBoundingRect().right()
    right = dst.sceneBoundingRect().left()
    if right <= left:  # a wire running backwards: nothing sensible to push
        return (drop.x() - 60.0, top), {}
    port = first_input(op) or ""
    box = estimate_box(op, [port])
    width = max(box.w, 120.0)
    if src.output is not None and port in box.in_y:
        top = src.output.scene_anchor().y() - box.in_y[port]
    # each new wire carries about the gradient this one does (a sign may widen it): room for
    # its pill, which sits off the node only when the wire is longer than pill + 40
    item = scene.wires.get(wire)
    pill = item.label_width() if item is not None else 0.0
    gap = max(GAP, 1.25 * pill + LABEL_ROOM) if pill else GAP
    shift = left + gap + width + gap - right
    if shift <= 0:  # room enough: under the drop point, kept off both neighbours
        x = min(max(drop.x() - width / 2, left + gap), right - gap - width)
        return (x, top), {}
    movers = {wire.dst} | nx.descendants(doc.graph, wire.dst)
    moves = {i: (doc.node(i).pos[0] + shift, doc.node(i).pos[1]) for i in movers}
    return (left + gap, top), moves
