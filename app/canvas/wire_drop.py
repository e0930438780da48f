"""Dragging an op from the palette over a wire: the wire it would be inserted into glows.

The drop itself is an ordinary `opDropped` request; the controller inserts the node into the
wire under the drop point (`core.graph.splice`). This object only keeps the hover picture in
step with that decision, using the same test (`CanvasScene.wire_at` and whether the op has an
input to take the wire's source), so what glows is exactly what a drop would do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF

from app.canvas.wire_item import WireItem
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

    def clear(self) -> None:
        if self.wire is not None and self.wire.scene() is self.scene:
            self.wire.set_drop_target(False)
        self.wire = None
