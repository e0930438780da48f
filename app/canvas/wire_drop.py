"""Dragging an op from the palette over a wire: the wire it would be inserted into glows.

The drop itself is an ordinary `opDropped` request; the controller inserts the node into the
wire under the drop point (`core.graph.splice`). This module keeps the hover picture in step
with that decision, using the same test (`CanvasScene.wire_at` and whether the op has an input
to take the wire's source), so what glows is exactly what a drop would do, and finds room for
the inserted node between the wire's two ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF

from app.canvas.node_item import HEADER_H
from app.canvas.wire_item import WireItem
from core.graph import Document, Wire
from core.graph.splice import first_input

if TYPE_CHECKING:
    from app.canvas.scene import CanvasScene


def insert_target(scene: CanvasScene, op: str, pos: QPointF) -> WireItem | None:
    """The wire a node of `op` dropped at `pos` goes into, or None (an ordinary drop)."""
    from core.graph import catalog

    if op not in catalog.OPS or first_input(op) is None:
        return None
    return scene.wire_at(pos)


class WireDropHighlight:
    """The glowing wire under an op being dragged (at most one at a time)."""

    def __init__(self, scene: CanvasScene) -> None:
        self.scene = scene
        self.wire: WireItem | None = None

    def hover(self, op: str, pos: QPointF) -> WireItem | None:
        """Move the glow to the wire under `pos` (or nowhere); returns it."""
        target = insert_target(self.scene, op, pos)
        if target is not self.wire:
            self.clear()
            if target is not None:
                target.set_drop_target(True)
            self.wire = target
        return target

    def show_at(self, pos: QPointF) -> WireItem | None:
        """Glow the wire at `pos` whatever the op (Tab quick-add opened over a wire: the op
        is chosen afterwards; one without an input is then just added beside it)."""
        target = self.scene.wire_at(pos)
        self.clear()
        if target is not None:
            target.set_drop_target(True)
        self.wire = target
        return target

    def clear(self) -> None:
        if self.wire is not None and self.wire.scene() is self.scene:
            self.wire.set_drop_target(False)
        self.wire = None


GAP = 50.0  # between the inserted node and its neighbours, room for a gradient pill


def make_room(scene: CanvasScene, doc: Document, wire: Wire, op: str,
              drop: QPointF) -> tuple[tuple[float, float], dict[str, tuple[float, float]]]:
    """Where the inserted node goes and which nodes move right to make room for it.

    Dropped at the drop point, the new node covered the nodes at both ends of a short wire.
    As Blender's node editor does ("auto-offset"), the node goes just right of the wire's
    source, and the wire's target with everything downstream of it moves right by what is
    missing, so the node sits between its two neighbours. Part of the insert's undo step."""
    import networkx as nx

    from app.arrange import estimate_box
    from app.layout import LABEL_ROOM

    top = drop.y() - HEADER_H / 2
    src, dst = scene.nodes.get(wire.src), scene.nodes.get(wire.dst)
    if src is None or dst is None:
        return (drop.x() - 60.0, top), {}
    left = src.sceneBoundingRect().right()
    right = dst.sceneBoundingRect().left()
    if right <= left:  # a wire running backwards: nothing sensible to push
        return (drop.x() - 60.0, top), {}
    port = first_input(op) or ""
    width = max(estimate_box(op, [port]).w, 120.0)
    # each new wire carries about the gradient this one does (a sign may widen it): room for
    # its pill, which sits off the node only when the wire is longer than pill + 40
    item = scene.wires.get(wire)
    pill = item.label_width() if item is not None else 0.0
    gap = max(GAP, 1.25 * pill + LABEL_ROOM) if pill else GAP
    shift = left + gap + width + gap - right
    if shift <= 0:  # room enough: centre it in the gap
        return ((left + right - width) / 2, top), {}
    movers = {wire.dst} | nx.descendants(doc.graph, wire.dst)
    moves = {i: (doc.node(i).pos[0] + shift, doc.node(i).pos[1]) for i in movers}
    return (left + gap, top), moves
