"""The canvas scene: holds node and wire items by document id and turns gestures into requests.

The scene never edits the document. It emits a request (connect, move, drop an op…) and the
window's controller applies it through the undo stack, then syncs the items from the document —
so whatever the document refuses (a cycle, an occupied input) never shows up on the canvas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneDragDropEvent,
    QGraphicsSceneMouseEvent,
)

from app.canvas.interactions import (
    FrameDragInteraction,
    Interaction,
    MoveDragInteraction,
    NewWireInteraction,
    RubberBandInteraction,
)
from app.canvas.items.frame_item import FrameItem
from app.canvas.items.node_item import NodeItem
from app.canvas.items.port_item import PortItem
from app.canvas.items.wire_item import GradLabelItem, WireItem
from app.canvas.wire_drop import WireDropHighlight

OP_MIME = "application/x-chainrule-op"
SCENE_EXTENT = 50_000.0


class CanvasScene(QGraphicsScene):
    """Items keyed by document ids, plus the current mouse interaction."""

    opDropped = Signal(str, QPointF)  # op name, scene position
    connectRequested = Signal(str, object, str, object)  # src id, src port, dst id, dst port
    reconnectRequested = Signal(object, str, object, str, object)  # old wire key, then as above
    disconnectRequested = Signal(object)  # wire key
    nodesMoved = Signal(dict)  # node id -> (old QPointF, new QPointF)
    quickAddRequested = Signal(QPointF)
    nodeDoubleClicked = Signal(str)  # node id: edit it in the inspector
    statusMessage = Signal(str)
    frameToggleRequested = Signal(str)  # frame id: collapse or expand (the ▾/▸ in its title)
    frameRenameRequested = Signal(str)  # frame id (double-click on its title)
    frameMenuRequested = Signal(str, object)  # frame id, screen position (QPoint)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSceneRect(QRectF(-SCENE_EXTENT, -SCENE_EXTENT, 2 * SCENE_EXTENT, 2 * SCENE_EXTENT))
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.nodes: dict[str, NodeItem] = {}
        self.wires: dict[Any, WireItem] = {}
        self._interaction: Interaction | None = None
        # while set, wires queue their label placement here instead of placing it at once
        self.label_batch: dict[WireItem, None] | None = None
        self.wire_drop = WireDropHighlight(self)
        #: called with a node id whenever its item moves (frames follow their nodes live)
        self.node_moved_hooks: list[Callable[[str], None]] = []

    def node_item_moved(self, node_id: str) -> None:
        for hook in self.node_moved_hooks:
            hook(node_id)

    # ---- items ---------------------------------------------------------------------------------
    def add_node(self, item: NodeItem) -> NodeItem:
        self.nodes[item.node_id] = item
        self.addItem(item)
        return item

    def remove_node(self, node_id: str) -> None:
        item = self.nodes.pop(node_id, None)
        if item is None:
            return
        for port in item.ports():
            for wire in list(port.wires):
                self.remove_wire(wire.key)
        self.removeItem(item)

    def add_wire(self, key: Any, source: PortItem, target: PortItem) -> WireItem:
        self.remove_wire(key)
        wire = WireItem(source, target, key)
        wire.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.wires[key] = wire
        self.addItem(wire)
        return wire

    def remove_wire(self, key: Any) -> None:
        wire = self.wires.pop(key, None)
        if wire is not None:
            wire.detach()
            self.removeItem(wire)

    @contextmanager
    def batched_labels(self) -> Iterator[None]:
        """Place each moved or relabelled wire's gradient pill once, at the end: after an
        evaluation a wire may be rerouted by both its nodes and then get a new label."""
        if self.label_batch is not None:
            yield
            return
        self.label_batch = {}
        try:
            yield
        finally:
            batch, self.label_batch = self.label_batch, None
            for wire in batch:
                if wire.scene() is self:
                    wire.place_label()

    def clear_graph(self) -> None:
        self.set_interaction(None)
        for key in list(self.wires):
            self.remove_wire(key)
        for node_id in list(self.nodes):
            self.remove_node(node_id)

    def crowded_nodes(self, gap: float = 90.0) -> bool:
        """Whether two node items overlap or sit closer side by side than `gap` (too little
        room for a wire's gradient label): a file laid out for smaller nodes."""
        for item in self.nodes.values():
            rect = item.sceneBoundingRect().adjusted(-gap / 2, 6, gap / 2, -6)
            for other in self.items(rect):
                if other is not item and isinstance(other, NodeItem):
                    return True
        return False

    def wire_at(self, pos: QPointF) -> WireItem | None:
        """The wire (or its gradient pill) on top at `pos`, unless a node or port is."""
        item = self._top_item(pos)
        return item if isinstance(item, WireItem) else None

    def selected_nodes(self) -> list[NodeItem]:
        return [it for it in self.selectedItems() if isinstance(it, NodeItem)]

    def selected_wires(self) -> list[WireItem]:
        return [it for it in self.selectedItems() if isinstance(it, WireItem)]

    def graph_rect(self) -> QRectF:
        """Bounding rect of the graph only (not helper items), for fit-all and export."""
        rect = QRectF()
        for item in list(self.nodes.values()) + list(self.wires.values()):
            rect = rect.united(item.sceneBoundingRect())
        for wire in self.wires.values():
            if wire.label.isVisible():
                rect = rect.united(wire.label.sceneBoundingRect())
        for item in self.items():
            if isinstance(item, FrameItem) and item.isVisible():  # a title above its nodes
                rect = rect.united(item.sceneBoundingRect())
        return rect

    # ---- interactions --------------------------------------------------------------------------
    @property
    def interaction(self) -> Interaction | None:
        return self._interaction

    def set_interaction(self, interaction: Interaction | None) -> None:
        self._interaction = interaction

    def _top_item(self, pos: QPointF) -> QGraphicsItem | None:
        for item in self.items(pos):
            if isinstance(item, GradLabelItem):
                return item.wire
            if isinstance(item, (PortItem, NodeItem, WireItem)) and item.isVisible():
                return item
            if isinstance(item, FrameItem) and item.isVisible() and item.grabs(pos):
                return item
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._interaction and self._interaction.mouse_press(event):
            event.accept()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        item = self._top_item(event.scenePos())
        if isinstance(item, FrameItem):
            item = self.frame_port(item, event.scenePos()) or item
        if isinstance(item, FrameItem):
            self._press_frame(item, event)
            return
        if isinstance(item, PortItem):
            self.set_interaction(NewWireInteraction(self, item))
            event.accept()
            return
        if item is None:
            mods = event.modifiers()
            additive = bool(mods & (Qt.KeyboardModifier.ControlModifier
                                 | Qt.KeyboardModifier.ShiftModifier))
            self.set_interaction(RubberBandInteraction(self, event.scenePos(), additive))
            event.accept()
            return
        super().mousePressEvent(event)
        if isinstance(item, NodeItem):
            self.set_interaction(MoveDragInteraction(self))

    def frame_port(self, frame: FrameItem, scene_pos: QPointF) -> PortItem | None:
        """The hidden member's port that a collapsed box's port under `scene_pos` stands for:
        wires are drawn from and to the box as from and to that port."""
        hit = frame.port_at(scene_pos)
        if hit is None:
            return None
        kind, what = hit
        if kind == "exit":
            node = self.nodes.get(what)
            return node.output if node is not None else None
        node = self.nodes.get(what.dst)
        return node.input_port(what.port) if node is not None else None

    def _press_frame(self, frame: FrameItem, event: QGraphicsSceneMouseEvent) -> None:
        """A press on a frame's title (or its collapsed box) selects the frame and its visible
        nodes and drags them as one; the ▾/▸ button collapses or expands it."""
        event.accept()
        if frame.in_toggle(event.scenePos()):
            self.frameToggleRequested.emit(frame.frame_id)
            return
        additive = bool(event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                             | Qt.KeyboardModifier.ShiftModifier))
        if not additive:
            self.clearSelection()
        frame.setSelected(True)
        for m in frame.members:
            if m in self.nodes and self.nodes[m].isVisible():
                self.nodes[m].setSelected(True)
        self.set_interaction(FrameDragInteraction(self, frame, event.scenePos()))

    def selected_frames(self) -> list[FrameItem]:
        return [it for it in self.selectedItems() if isinstance(it, FrameItem)]

    def selected_node_ids(self) -> list[str]:
        """Selected nodes, and the nodes of selected frames (a collapsed frame's are hidden,
        so only the frame can be selected): what Delete, Copy and Duplicate act on."""
        ids = [n.node_id for n in self.selected_nodes()]
        for f in self.selected_frames():
            ids.extend(m for m in f.members if m in self.nodes)
        return list(dict.fromkeys(ids))

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt API
        item = self._top_item(event.scenePos())
        if isinstance(item, FrameItem):
            event.accept()
            self.frameMenuRequested.emit(item.frame_id, event.screenPos())
            return
        super().contextMenuEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._interaction and self._interaction.mouse_move(event):
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._interaction and self._interaction.mouse_release(event):
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        item = self._top_item(event.scenePos())
        if isinstance(item, FrameItem):
            event.accept()
            if item.in_title(event.scenePos()) and not item.in_toggle(event.scenePos()):
                self.frameRenameRequested.emit(item.frame_id)
            return
        if item is None:
            self.quickAddRequested.emit(event.scenePos())
            event.accept()
            return
        if isinstance(item, NodeItem) and event.button() == Qt.MouseButton.LeftButton:
            self.nodeDoubleClicked.emit(item.node_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if self._interaction and self._interaction.key_press(event):
            event.accept()
            return
        super().keyPressEvent(event)

    # ---- drops from the palette ----------------------------------------------------------------
    def dragEnterEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasFormat(OP_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasFormat(OP_MIME):
            self.wire_drop.hover(_dragged_op(event), event.scenePos())
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802 - Qt API
        self.wire_drop.clear()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QGraphicsSceneDragDropEvent) -> None:  # noqa: N802 - Qt API
        data = event.mimeData()
        if not data.hasFormat(OP_MIME):
            event.ignore()
            return
        self.wire_drop.clear()
        event.acceptProposedAction()
        self.opDropped.emit(_dragged_op(event), event.scenePos())


def _dragged_op(event: QGraphicsSceneDragDropEvent) -> str:
    return bytes(event.mimeData().data(OP_MIME)).decode("utf-8")
