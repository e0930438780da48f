"""Dragging an op from the palette over a wire: the wire it would be inserted into glows.

The drop itself is an ordinary `opDropped` request; the controller inserts the node into the
wire under the drop point (`app/document/wire_insert.py`, `core.graph.splice`). This module
keeps the hover picture in step with that decision, using the same test (`CanvasScene.wire_at`
and the controller's `accepts(op)`: whether the op has an input to take the wire's source), so what
glows is exactly what a drop would do. Canvas items know nothing of the document or the
engine (the import-linter contract), so that test is handed in, not imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF

from app.canvas.items.wire_item import WireItem

if TYPE_CHECKING:
    from app.canvas.scene import CanvasScene


class WireDropHighlight:
    """The glowing wire under an op being dragged (at most one at a time)."""

    def __init__(self, scene: CanvasScene) -> None:
        self.scene = scene
        self.wire: WireItem | None = None
        #: whether an op can go into a wire (set by the controller, which knows the catalog)
        self.accepts: Callable[[str], bool] = lambda op: False

    def target(self, op: str, pos: QPointF) -> WireItem | None:
        """The wire a node of `op` dropped at `pos` goes into, or None (an ordinary drop)."""
        return self.scene.wire_at(pos) if self.accepts(op) else None

    def hover(self, op: str, pos: QPointF) -> WireItem | None:
        """Move the glow to the wire under `pos` (or nowhere); returns it."""
        target = self.target(op, pos)
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
