"""Mouse gestures on the canvas, one small object per gesture.

The scene hands every mouse event to the current interaction first (as orangecanvas does), so each
gesture keeps its own state — a half-drawn wire, a rubber band, the start positions of a move —
instead of the scene growing flags. An interaction ends by calling `end()`; Esc cancels it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsSceneMouseEvent

from app.application import theme
from app.canvas.items.frame_item import FrameItem
from app.canvas.items.node_item import NodeItem
from app.canvas.items.port_item import PortItem
from app.canvas.items.wire_item import WireItem

if TYPE_CHECKING:
    from app.canvas.scene import CanvasScene


class Interaction:
    """Base gesture: returns True from a handler when it consumed the event."""

    def __init__(self, scene: CanvasScene) -> None:
        self.scene = scene

    def mouse_press(self, event: QGraphicsSceneMouseEvent) -> bool:
        return False

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> bool:
        return False

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> bool:
        return False

    def key_press(self, event: QKeyEvent) -> bool:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return True
        return False

    def cancel(self) -> None:
        """Abandon the gesture, leaving the document untouched."""
        self.end()

    def end(self) -> None:
        self.scene.set_interaction(None)


class NewWireInteraction(Interaction):
    """Drag from a port to a port. Starting on an occupied input picks that wire's end up:
    dropping it elsewhere reconnects, dropping it on empty canvas disconnects."""

    def __init__(self, scene: CanvasScene, port: PortItem) -> None:
        super().__init__(scene)
        self.picked: WireItem | None = None
        if not port.is_output and port.wires:
            self.picked = port.wires[0]
            self.picked.setVisible(False)
            assert self.picked.source is not None
            port = self.picked.source
        self.anchor = port
        src, dst = (port, None) if port.is_output else (None, port)
        self.preview = WireItem(src, dst)
        self.preview.set_preview(port.scene_anchor())
        self.preview.setZValue(3)
        self._target: PortItem | None = None
        scene.addItem(self.preview)

    def _candidate(self, pos: QPointF) -> PortItem | None:
        """The port a release at `pos` would connect to: a port of the other kind, or the
        nearest free-looking port of that kind on a node under the cursor."""
        want_output = not self.anchor.is_output
        for item in self.scene.items(pos):
            if not item.isVisible():  # a collapsed frame's members lie hidden under its box
                continue
            if isinstance(item, FrameItem) and item.collapsed:
                return self._frame_candidate(item, pos, want_output)
            if isinstance(item, PortItem):
                if item.is_output == want_output and item.node is not self.anchor.node:
                    return item
                continue
            if isinstance(item, NodeItem) and item is not self.anchor.node:
                if want_output:
                    return item.output
                ports = sorted(item.inputs, key=lambda p: (bool(p.wires) and p.wires[0]
                                                           is not self.picked,
                                                           abs(p.scenePos().y() - pos.y())))
                return ports[0] if ports else None
        return None

    def _frame_candidate(self, frame: FrameItem, pos: QPointF, want_output: bool
                         ) -> PortItem | None:
        """On a collapsed box: the port under the cursor if it is of the wanted kind; else,
        for an input, a member's free input (the box shows none: its rows are wires already
        crossing in), else the box's nearest port of the wanted kind."""
        if self.anchor.node.node_id in frame.members:
            return None  # from the box to itself: a cycle
        hit = self.scene.frame_port(frame, pos)
        if hit is not None and hit.is_output == want_output:
            return hit
        if not want_output:
            free = [p for m in frame.members if m in self.scene.nodes
                    for p in self.scene.nodes[m].inputs if not p.wires]
            if free:
                return free[0]
        ports = [self.scene.frame_port(frame, frame.mapToScene(at))
                 for kind, _w, at in frame.box_ports() if (kind == "exit") == want_output]
        ports = [p for p in ports if p is not None]
        return min(ports, key=lambda p: abs(p.scene_anchor().y() - pos.y()), default=None)

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> bool:
        target = self._candidate(event.scenePos())
        if target is not self._target:
            if self._target is not None:
                self._target.set_highlight(False)
            if target is not None:
                target.set_highlight(True)
            self._target = target
        shown = target is not None and (target.isVisible() or target.anchor_override)
        self.preview.set_preview(target.scene_anchor() if shown else event.scenePos())
        return True

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> bool:
        target = self._candidate(event.scenePos())
        picked = self.picked
        self._cleanup()
        self.end()
        if picked is not None:
            picked.setVisible(True)
            if target is None:
                self.scene.disconnectRequested.emit(picked.key)
            elif target is not picked.target:
                src = self.anchor
                self.scene.reconnectRequested.emit(picked.key, src.node_id, src.key,
                                                   target.node_id, target.key)
            return True
        if target is None:
            self.scene.statusMessage.emit("Wire cancelled: drop it on a port to connect.")
            return True
        out, inp = (self.anchor, target) if self.anchor.is_output else (target, self.anchor)
        self.scene.connectRequested.emit(out.node_id, out.key, inp.node_id, inp.key)
        return True

    def _cleanup(self) -> None:
        if self._target is not None:
            self._target.set_highlight(False)
        self.preview.detach()
        self.scene.removeItem(self.preview)

    def cancel(self) -> None:
        self._cleanup()
        if self.picked is not None:
            self.picked.setVisible(True)
        super().cancel()


class RubberBandInteraction(Interaction):
    """Drag on empty canvas to select the nodes the rectangle touches (Ctrl/Shift adds)."""

    def __init__(self, scene: CanvasScene, start: QPointF, additive: bool) -> None:
        super().__init__(scene)
        self.start = start
        self.initial = set(scene.selectedItems()) if additive else set()
        if not additive:
            scene.clearSelection()
        t = theme.current()
        fill = QColor(t.accent)
        fill.setAlpha(40)
        self.rect_item = QGraphicsRectItem()
        self.rect_item.setPen(QPen(t.accent, 0))
        self.rect_item.setBrush(QBrush(fill))
        self.rect_item.setZValue(10)
        scene.addItem(self.rect_item)

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> bool:
        rect = QRectF(self.start, event.scenePos()).normalized()
        self.rect_item.setRect(rect)
        inside = {it for it in self.scene.items(rect) if isinstance(it, NodeItem)}
        for node in self.scene.nodes.values():
            node.setSelected(node in inside or node in self.initial)
        return True

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> bool:
        self.scene.removeItem(self.rect_item)
        self.end()
        return True

    def cancel(self) -> None:
        self.scene.removeItem(self.rect_item)
        super().cancel()


def emit_moves(scene: CanvasScene, start: dict[str, QPointF]) -> None:
    """One `nodesMoved` for the nodes that left their `start` (a drag ends as one undoable
    move, whoever dragged: Qt's move of the selection or a frame's title)."""
    moved = {}
    for node_id, old in start.items():
        node = scene.nodes.get(node_id)
        if node is not None and node.pos() != old:
            moved[node_id] = (old, QPointF(node.pos()))
    if moved:
        scene.nodesMoved.emit(moved)


class MoveDragInteraction(Interaction):
    """Qt moves the selected nodes; this remembers where they started so the move becomes one
    undoable edit when the button is released."""

    def __init__(self, scene: CanvasScene) -> None:
        super().__init__(scene)
        self.start = {n.node_id: QPointF(n.pos()) for n in scene.selected_nodes()}

    def mouse_press(self, event: QGraphicsSceneMouseEvent) -> bool:
        return False

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> bool:
        self.end()
        emit_moves(self.scene, self.start)
        return False  # let Qt finish its own release handling (ungrab, selection)


class FrameDragInteraction(Interaction):
    """Drag a frame by its title (or a collapsed frame anywhere): all its nodes move together
    and the release becomes one undoable move, as a drag of the same nodes selected would."""

    def __init__(self, scene: CanvasScene, frame: FrameItem, at: QPointF) -> None:
        super().__init__(scene)
        self.anchor = QPointF(at)
        self.start = {m: QPointF(scene.nodes[m].pos()) for m in frame.members
                      if m in scene.nodes}

    def mouse_move(self, event: QGraphicsSceneMouseEvent) -> bool:
        delta = event.scenePos() - self.anchor
        for node_id, old in self.start.items():
            node = self.scene.nodes.get(node_id)
            if node is not None:
                node.setPos(old + delta)
        return True

    def mouse_release(self, event: QGraphicsSceneMouseEvent) -> bool:
        self.end()
        emit_moves(self.scene, self.start)
        return True

    def cancel(self) -> None:
        for node_id, old in self.start.items():
            node = self.scene.nodes.get(node_id)
            if node is not None:
                node.setPos(old)
        super().cancel()
