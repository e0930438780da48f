"""A connection point on a node: inputs on the left edge, the output on the right.

Ports are tiny child items of their node so they move with it; wires ask a port for its scene
position. A port knows nothing about the document: it carries its node id and port key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from app.application import theme

if TYPE_CHECKING:
    from app.canvas.items.node_item import NodeItem
    from app.canvas.items.wire_item import WireItem

PORT_RADIUS = 5.0
HIT_RADIUS = 10.0  # generous hit area: small targets are hard to hit on a trackpad


class PortItem(QGraphicsItem):
    """One input or output port of a node."""

    Type = QGraphicsItem.UserType + 2

    def __init__(self, node: NodeItem, key: str | int, label: str, is_output: bool) -> None:
        super().__init__(node)
        self.node = node
        self.key = key
        self.label = label
        self.is_output = is_output
        self.wires: list[WireItem] = []
        #: where wires attach instead of here while the node is hidden in a collapsed frame
        self.anchor_override: Callable[[], QPointF] | None = None
        self._hover = False
        self._highlight = False
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(2)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setToolTip(f"{'output' if is_output else 'input'} {label}".strip())

    def type(self) -> int:  # noqa: A003 - Qt API name
        return self.Type

    @property
    def node_id(self) -> str:
        return self.node.node_id

    def scene_anchor(self) -> QPointF:
        """Where a wire attaches, in scene coordinates (a collapsed frame's port stands in
        for a hidden node's)."""
        if self.anchor_override is not None:
            return self.anchor_override()
        return self.scenePos()

    def set_highlight(self, on: bool) -> None:
        """Mark a port as a valid drop target while a wire is being dragged."""
        if on != self._highlight:
            self._highlight = on
            self.update()

    def boundingRect(self) -> QRectF:
        r = HIT_RADIUS
        return QRectF(-r, -r, 2 * r, 2 * r)

    def shape(self) -> QPainterPath:
        p = QPainterPath()
        p.addEllipse(self.boundingRect())
        return p

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        t = theme.current()
        color = t.port_out if self.is_output else t.port_in
        r = PORT_RADIUS + (1.5 if (self._hover or self._highlight) else 0.0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        connected = bool(self.wires)
        painter.setPen(QPen(color, 1.6))
        painter.setBrush(QBrush(color if connected or self._highlight else t.node_bg))
        painter.drawEllipse(QPointF(0, 0), r, r)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._hover = True
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._hover = False
        self.update()
        super().hoverLeaveEvent(event)
