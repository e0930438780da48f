"""A frame on the canvas: a tinted, titled area behind its nodes, or — collapsed — one box.

Expanded, the item only follows its members (its rectangle is their bounding box plus a margin
and a title bar) and sits behind the wires and nodes. Collapsed, it stands where the frame's top
left was and looks like a node: one input port per wire that crosses its border inwards (named by
the inner input it feeds, "mul.a"), one output port per member whose value leaves the frame,
with that value and its gradient. The item knows no document:
`app/document/frame_layer.py` feeds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from app.application import formatting, theme
from app.canvas.items.port_item import HIT_RADIUS, PORT_RADIUS
from app.canvas.items.wire_item import step_color

TITLE_H = 26.0
MARGIN = 18.0
ROW_H = 20.0
PAD = 10.0
MIN_W = 170.0
MAX_W = 300.0
RADIUS = 8.0
TOGGLE_W = 22.0  # the ▾/▸ button at the right end of the title bar


@dataclass
class ExitRow:
    """A member whose value leaves the collapsed frame, as the box shows it."""

    node_id: str
    name: str
    value: str = "—"
    grad: str = ""
    grad_sign: int = 0


class FrameItem(QGraphicsItem):
    """The picture of one document frame; `frame_id` ties it back to the document."""

    Type = QGraphicsItem.UserType + 5

    def __init__(self, frame_id: str) -> None:
        super().__init__()
        self.frame_id = frame_id
        self.title = ""
        self.color_name = "blue"
        self.collapsed = False
        self.members: list[str] = []  # node ids (the drag moves them)
        self.inputs: list[tuple[Any, str]] = []  # (wire key, label) of the collapsed box
        self.exits: list[ExitRow] = []
        self._step_state: str | None = None
        self._w = MIN_W
        self._h = TITLE_H + ROW_H
        self._label_w = 0.0
        self._title_font = theme.ui_font(9.5, bold=True)
        self._label_font = theme.ui_font(8.0)
        self._value_font = theme.mono_font(8.5)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(-1)

    def type(self) -> int:  # noqa: A003 - Qt API name
        return self.Type

    # ---- content -------------------------------------------------------------------------------
    def set_frame(self, title: str, color: str, collapsed: bool) -> None:
        if (title, color, collapsed) != (self.title, self.color_name, self.collapsed):
            if collapsed != self.collapsed:
                self.prepareGeometryChange()  # the bounding rect takes in the box's ports
            self.title, self.color_name, self.collapsed = title, color, collapsed
            self.setZValue(1 if collapsed else -1)
            self.update()

    def fit_members(self, members: QRectF) -> None:
        """Expanded: surround the members' scene rectangle with a margin and the title bar."""
        self.setPos(members.left() - MARGIN, members.top() - MARGIN - TITLE_H)
        self._resize(members.width() + 2 * MARGIN, members.height() + 2 * MARGIN + TITLE_H)

    def set_box(self, center: QPointF, inputs: list[tuple[Any, str]],
                exits: list[ExitRow]) -> None:
        """Collapsed: one box centred where its members are, with these ports and exits."""
        self.inputs, self.exits = list(inputs), list(exits)
        tfm = QFontMetricsF(self._title_font)
        lfm = QFontMetricsF(self._label_font)
        vfm = QFontMetricsF(self._value_font)
        self._label_w = max((lfm.horizontalAdvance(label) for _k, label in inputs), default=0.0)
        value_w = max((max(vfm.horizontalAdvance(e.value), vfm.horizontalAdvance(e.grad),
                           lfm.horizontalAdvance(e.name) if len(exits) > 1 else 0.0)
                       for e in exits), default=0.0)
        width = max(MIN_W, PAD + tfm.horizontalAdvance(self.title) + TOGGLE_W + PAD,
                    PAD + self._label_w + 16 + value_w + PAD + 6)
        rows = max(len(inputs), sum(self._exit_lines(e) for e in exits) * 0.9, 1)
        self._resize(min(MAX_W, width), TITLE_H + rows * ROW_H + 10)
        self.setPos(center.x() - self._w / 2, center.y() - self._h / 2)
        self.update()

    def _exit_lines(self, e: ExitRow) -> int:
        return (1 if len(self.exits) > 1 else 0) + 1 + (1 if e.grad else 0)

    def _resize(self, w: float, h: float) -> None:
        if (w, h) != (self._w, self._h):
            self.prepareGeometryChange()
            self._w, self._h = w, h
        self.update()

    # ---- geometry ------------------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        r = HIT_RADIUS if self.collapsed else 2.0  # the box's ports stick out of its sides
        return QRectF(-r, -2, self._w + 2 * r, self._h + 4)

    def shape(self) -> QPainterPath:
        p = QPainterPath()
        if self.collapsed:
            p.addRoundedRect(QRectF(0, 0, self._w, self._h), RADIUS, RADIUS)
            for _kind, _what, at in self.box_ports():
                p.addEllipse(at, HIT_RADIUS, HIT_RADIUS)
            p.setFillRule(Qt.FillRule.WindingFill)
        else:  # only the title bar is the frame's own: the body belongs to the canvas
            p.addRect(QRectF(0, 0, self._w, TITLE_H))
        return p

    def body_rect(self) -> QRectF:
        """The frame or box itself, without the room its ports' hit areas take around it."""
        return QRectF(0, 0, self._w, self._h)

    def title_rect(self) -> QRectF:
        return QRectF(0, 0, self._w, TITLE_H)

    def toggle_rect(self) -> QRectF:
        return QRectF(self._w - TOGGLE_W - 4, 2, TOGGLE_W, TITLE_H - 4)

    def in_title(self, scene_pos: QPointF) -> bool:
        return self.title_rect().contains(self.mapFromScene(scene_pos))

    def in_toggle(self, scene_pos: QPointF) -> bool:
        return self.toggle_rect().contains(self.mapFromScene(scene_pos))

    def grabs(self, scene_pos: QPointF) -> bool:
        """Whether a press here takes the frame (title bar, or anywhere on a collapsed box)."""
        local = self.mapFromScene(scene_pos)
        return (QRectF(0, 0, self._w, self._h if self.collapsed else TITLE_H).contains(local)
                or self.port_at(scene_pos) is not None)

    def _body_top(self) -> float:
        return TITLE_H + 5

    def input_y(self, i: int) -> float:
        return self._body_top() + ROW_H * (i + 0.5)

    def exit_ys(self) -> list[float]:
        """Local y of each exit's port: the middle of its block of lines."""
        line = ROW_H * 0.9
        blocks = [self._exit_lines(e) * line for e in self.exits]
        top = self._body_top() + (self._h - self._body_top() - 5 - sum(blocks)) / 2
        ys = []
        for h in blocks:
            ys.append(top + h / 2)
            top += h
        return ys

    def input_anchor(self, key: Any) -> QPointF:
        i = next((k for k, (w, _l) in enumerate(self.inputs) if w == key), 0)
        return self.mapToScene(QPointF(0, self.input_y(i)))

    def exit_anchor(self, node_id: str) -> QPointF:
        ys = self.exit_ys()
        i = next((k for k, e in enumerate(self.exits) if e.node_id == node_id), 0)
        return self.mapToScene(QPointF(self._w, ys[i] if i < len(ys) else TITLE_H))

    def box_ports(self) -> list[tuple[str, Any, QPointF]]:
        """The collapsed box's ports in local coordinates: ("in", wire key, at) for each wire
        crossing in, ("exit", node id, at) for each member whose value leaves."""
        if not self.collapsed:
            return []
        out: list[tuple[str, Any, QPointF]] = [
            ("in", key, QPointF(0, self.input_y(i))) for i, (key, _l) in enumerate(self.inputs)]
        out += [("exit", e.node_id, QPointF(self._w, y))
                for e, y in zip(self.exits, self.exit_ys(), strict=False)]
        return out

    def port_at(self, scene_pos: QPointF) -> tuple[str, Any] | None:
        """The port of the collapsed box under `scene_pos` (as `box_ports` names it), if any: a
        wire is drawn from or to it as from the hidden member's own port."""
        local = self.mapFromScene(scene_pos)
        best = None
        for kind, what, at in self.box_ports():
            d = QPointF.dotProduct(local - at, local - at)
            if d <= HIT_RADIUS * HIT_RADIUS and (best is None or d < best[0]):
                best = (d, kind, what)
        return None if best is None else (best[1], best[2])

    # ---- stepping ------------------------------------------------------------------------------
    @property
    def step_state(self) -> str | None:
        return self._step_state

    def set_step_state(self, state: str | None) -> None:
        """The stepper's picture of a collapsed frame (as a node's: dimmed, current...)."""
        if state != self._step_state:
            self._step_state = state
            self.setOpacity(0.32 if self.collapsed and state in ("pending", "off") else 1.0)
            self.update()

    # ---- painting ------------------------------------------------------------------------------
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        t = theme.current()
        color = theme.frame_color(self.color_name)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(0, 0, self._w, self._h)
        body = QPainterPath()
        body.addRoundedRect(rect, RADIUS, RADIUS)
        title = QPainterPath()
        title.addRect(self.title_rect())
        if self.collapsed:
            painter.fillPath(body, QBrush(t.node_bg))
            painter.fillPath(body.intersected(title), QBrush(color))
        else:
            fill = QColor(color)
            fill.setAlpha(48 if t.is_dark else 30)
            painter.fillPath(body, QBrush(fill))
            band = QColor(color)
            band.setAlpha(200 if t.is_dark else 215)
            painter.fillPath(body.intersected(title), QBrush(band))
        edge, width = QColor(color), 1.6 if self.collapsed else 1.2
        if not self.collapsed:
            edge.setAlpha(170)
        if self.isSelected():
            edge, width = t.node_selected, 2.2
        painter.setPen(QPen(edge, width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(body)
        if self._step_state == "current":
            painter.setPen(QPen(step_color(), 3.4))
            painter.drawPath(body)
        # title and the collapse toggle
        painter.setFont(self._title_font)
        painter.setPen(theme.TEXT_ON_DARK)
        tfm = QFontMetricsF(self._title_font)
        text_rect = QRectF(PAD, 0, self._w - 2 * PAD - TOGGLE_W, TITLE_H)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         tfm.elidedText(self.title, Qt.TextElideMode.ElideRight,
                                        text_rect.width()))
        painter.drawText(self.toggle_rect(), Qt.AlignmentFlag.AlignCenter,
                         "▸" if self.collapsed else "▾")
        if self.collapsed:
            self._paint_box(painter, t)

    def _paint_box(self, painter: QPainter, t: theme.Theme) -> None:
        lfm = QFontMetricsF(self._label_font)
        vfm = QFontMetricsF(self._value_font)
        painter.setFont(self._label_font)
        for i, (_key, label) in enumerate(self.inputs):
            y = self.input_y(i)
            painter.setPen(t.subtext)
            painter.drawText(QRectF(PAD, y - ROW_H / 2, self._label_w + 4, ROW_H),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)
            self._port(painter, QPointF(0, y), t.port_in)
        left = PAD + (self._label_w + 16 if self._label_w else 0)
        width = self._w - left - PAD - 4
        line = ROW_H * 0.9
        right = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        for e, y in zip(self.exits, self.exit_ys()):
            lines: list[tuple[str, QColor, Any]] = []
            if len(self.exits) > 1:
                lines.append((e.name, t.subtext, self._label_font))
            lines.append((e.value, t.text, self._value_font))
            if e.grad:
                g = {1: t.grad_pos, -1: t.grad_neg}.get(e.grad_sign, t.grad_zero)
                lines.append((e.grad, g if t.is_dark else g.darker(115), self._value_font))
            top = y - len(lines) * line / 2
            for k, (text, color, font) in enumerate(lines):
                painter.setFont(font)
                painter.setPen(color)
                fm = lfm if font is self._label_font else vfm
                painter.drawText(QRectF(left, top + k * line, width, line), right,
                                 fm.elidedText(text, Qt.TextElideMode.ElideRight, width))
            self._port(painter, QPointF(self._w, y), t.port_out)

    @staticmethod
    def _port(painter: QPainter, at: QPointF, color: QColor) -> None:
        painter.setPen(QPen(color, 1.6))
        painter.setBrush(QBrush(color))
        painter.drawEllipse(at, PORT_RADIUS, PORT_RADIUS)


def exit_row(node_id: str, name: str, value: Any, grad: Any) -> ExitRow:
    """What the box writes for an exit: the value's first preview line, `∇ grad`."""
    lines = ["—"] if value is None else formatting.preview(value).split("\n")
    text = lines[0] + (" …" if len(lines) > 1 else "")
    return ExitRow(node_id, name, text, "" if grad is None else "∇ " + formatting.grad_label(grad),
                   0 if grad is None else formatting.sign(grad))
