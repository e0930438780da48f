"""A node on the canvas: name, op symbol, a compact value preview, its total gradient after
backward, its op parameters, ports, and an error state.

Layout is computed once per content change (`_relayout`) and painting only draws the cached
strings, so panning over hundreds of nodes stays cheap; the item also uses Qt's device cache.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from app.application import formatting, theme
from app.canvas.items.port_item import PortItem
from app.canvas.items.wire_item import step_color

HEADER_H = 28.0
ROW_H = 20.0
PAD = 10.0
MIN_W = 132.0
MAX_W = 260.0
#: the widest gradient note the stepper shows on a node ("∇ 1 of 2"), for the layout
STEP_NOTE_ROOM = "∇ 8 of 8"
RADIUS = 7.0


class NodeItem(QGraphicsItem):
    """The picture of one document node; `node_id` ties it back to the document."""

    Type = QGraphicsItem.UserType + 1

    def __init__(self, node_id: str, name: str, symbol: str, inputs: list[tuple[str | int, str]],
                 has_output: bool = True) -> None:
        super().__init__()
        self.node_id = node_id
        self._name = name
        self._symbol = symbol
        self._value: Any = None
        self._value_lines: list[str] = ["—"]
        self._shape_text = ""
        self._error: str | None = None
        self._is_output = False
        self._requires_grad = False
        self._grad: Any = None
        self._grad_line = ""  # "∇ -2": the picture reads without the inspector
        self._grad_sign = 0
        self._port_notes: dict[str | int, str] = {}  # unwired optional port -> "= 2"
        self._param_line = ""
        self._warning: str | None = None
        self._step_state: str | None = None  # the backward stepper's picture (None: normal)
        self._step_note = ""  # drawn instead of the gradient line while it has not arrived
        self._width = MIN_W
        self._height = HEADER_H + ROW_H
        self._ports_h = ROW_H
        self._label_w = 0.0
        self._laid_out = False
        self.inputs: list[PortItem] = [PortItem(self, key, label, False) for key, label in inputs]
        self.output: PortItem | None = PortItem(self, 0, "", True) if has_output else None
        self._title_font = theme.ui_font(9.5, bold=True)
        self._symbol_font = theme.ui_font(9.5, bold=True)
        self._label_font = theme.ui_font(8.0)
        self._value_font = theme.mono_font(8.5)
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsScenePositionChanges
        )
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(1)
        self._relayout()

    # ---- content -------------------------------------------------------------------------------
    def type(self) -> int:  # noqa: A003 - Qt API name
        return self.Type

    @property
    def name(self) -> str:
        return self._name

    @property
    def value_text(self) -> str:
        """The preview exactly as drawn (tests compare it with core's numbers)."""
        return "\n".join(self._value_lines)

    @property
    def grad_text(self) -> str:
        """The gradient line exactly as drawn ("" before backward or without a gradient)."""
        return self._grad_line

    @property
    def symbol(self) -> str:
        return self._symbol

    @property
    def param_text(self) -> str:
        """The parameter line as drawn (e.g. `dim=0`)."""
        return self._param_line

    def port_note(self, key: str | int) -> str:
        """What an unwired optional port falls back to, as drawn beside its label."""
        return self._port_notes.get(key, "")

    @property
    def error(self) -> str | None:
        return self._error

    def set_name(self, name: str) -> None:
        if name != self._name:
            self._name = name
            self._relayout()

    def set_symbol(self, symbol: str) -> None:
        if symbol != self._symbol:
            self._symbol = symbol
            self._relayout()

    def set_value(self, value: Any, error: str | None = None) -> None:
        """Show a new value (or the reason there is none); relayouts only if the text changed."""
        if error == self._error and value is not None and _same_value(value, self._value):
            return
        lines = ["—"] if value is None else formatting.preview(value).split("\n")
        arr = formatting.as_array(value)
        shape = formatting.shape_text(arr.shape) if arr is not None and arr.ndim else ""
        self._value = value
        if lines != self._value_lines or error != self._error or shape != self._shape_text:
            self._value_lines, self._error, self._shape_text = lines, error, shape
            self._relayout()

    def set_grad(self, grad: Any) -> None:
        """Show the node's total gradient ∂output/∂node (a leaf's `.grad`) under its value;
        None clears it. Unchanged gradients skip the formatting (most after a local edit)."""
        if grad is None and self._grad is None or _same_value(grad, self._grad):
            return
        self._grad = grad
        line = "" if grad is None else "∇ " + formatting.grad_label(grad)
        sign = 0 if grad is None else formatting.sign(grad)
        if (line, sign) != (self._grad_line, self._grad_sign):
            self._grad_line, self._grad_sign = line, sign
            self._relayout()

    def set_params(self, symbol: str, port_notes: dict[str | int, str], param_line: str) -> None:
        """Op parameters on the node: the badge symbol (pow → x²), `= value` beside unwired
        optional ports, and a small line for the rest (sum's dim…)."""
        if (symbol, port_notes, param_line) != (self._symbol, self._port_notes,
                                                self._param_line):
            self._symbol, self._port_notes, self._param_line = symbol, dict(port_notes), \
                param_line
            self._relayout()

    def set_warning(self, warning: str | None) -> None:
        """A value that is suspicious but not an error (e.g. nan): a ⚠ mark and the reason."""
        if warning != self._warning:
            self._warning = warning
            self.update()

    def set_flags(self, is_output: bool, requires_grad: bool) -> None:
        """Output nodes get an accent outline; leaves that require grad show a small ∇ mark."""
        if (is_output, requires_grad) != (self._is_output, self._requires_grad):
            self._is_output, self._requires_grad = is_output, requires_grad
            self._relayout()

    # ---- backward stepping (app/stepping/stepper.py) -------------------------------------------
    @property
    def step_state(self) -> str | None:
        return self._step_state

    @property
    def shown_grad_text(self) -> str:
        """The gradient line as drawn now: while stepping, a node the gradient has not reached
        shows the stepper's note ("∇ ?", "∇ 1 of 2") instead of its total."""
        if self._step_state in ("pending", "waiting", "off") and self._grad_line:
            return self._step_note
        return self._grad_line

    def set_step_state(self, state: str | None, note: str = "") -> None:
        """Show the node as the stepper sees it: "pending"/"off" dimmed, "waiting" (some of its
        gradients arrived), "current" (strong outline), "done"; None is the normal picture.
        Only paint changes: the layout stays put so the canvas does not jump between steps."""
        if (state, note) == (self._step_state, self._step_note):
            return
        self._step_state, self._step_note = state, note
        self.setOpacity(0.32 if state in ("pending", "off") else 1.0)
        self.setZValue(1.6 if state == "current" else (1.5 if self.isSelected() else 1))
        self.update()

    def tooltip_html(self) -> str:
        """The whole value (and grad, error or warning); built on hover, not on every edit."""
        parts = [f"<b>{_esc(self._name)}</b> &nbsp;<span>{_esc(self._symbol)}</span>"]
        for msg in (self._error, self._warning):
            if msg:
                parts.append(f"<span style='color:{theme.current().error.name()}'>"
                             f"{_esc(msg)}</span>")
        if self._value is not None:
            parts.append(f"<pre>{_esc(formatting.full_text(self._value))}</pre>")
        if self._grad is not None:
            parts.append(f"grad:<pre>{_esc(formatting.full_text(self._grad))}</pre>")
        return "<br>".join(parts)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.setToolTip(self.tooltip_html())
        super().hoverEnterEvent(event)

    # ---- geometry ------------------------------------------------------------------------------
    def _relayout(self) -> None:
        """Measure the text; geometry (and the wires' ends) only change if the size did, so a
        new number of the same footprint is just a repaint."""
        tfm = QFontMetricsF(self._title_font)
        vfm = QFontMetricsF(self._value_font)
        lfm = QFontMetricsF(self._label_font)
        badge_w = max(22.0, QFontMetricsF(self._symbol_font).horizontalAdvance(self._symbol) + 12)
        shape_w = QFontMetricsF(self._label_font).horizontalAdvance(self._shape_text)
        title_w = PAD + badge_w + 8 + tfm.horizontalAdvance(self._name) + PAD + 22 + shape_w
        label_w = max((lfm.horizontalAdvance(self._port_text(p.key, p.label))
                       for p in self.inputs), default=0.0)
        block = self._block_lines()
        value_w = max(vfm.horizontalAdvance(s) for s in block)
        if self._grad_line:  # room for the stepper's note, so stepping never elides it
            value_w = max(value_w, vfm.horizontalAdvance(STEP_NOTE_ROOM))
        body_w = PAD + (label_w + 10 if label_w else 0) + value_w + PAD + 6
        param_w = PAD + lfm.horizontalAdvance(self._param_line) + PAD
        width = min(MAX_W, max(MIN_W, title_w, body_w, param_w))
        rows = max(len(self.inputs), 1)
        ports_h = max(rows * ROW_H, len(block) * vfm.height() + 8) + 6
        param_h = lfm.height() + 6 if self._param_line else 0.0
        height = HEADER_H + ports_h + param_h
        self._label_w = label_w
        if self._laid_out and (width, height, ports_h) == (self._width, self._height,
                                                          self._ports_h):
            self.update()  # same footprint: ports and wires stay where they are
            return
        self._laid_out = True
        self.prepareGeometryChange()
        self._width, self._height, self._ports_h = width, height, ports_h
        for i, port in enumerate(self.inputs):
            port.setPos(0.0, self._port_y(i))
        if self.output is not None:
            self.output.setPos(self._width, HEADER_H + self._ports_h / 2)
        self.update()
        for port in self.ports():
            for wire in port.wires:
                wire.update_path()

    def _port_y(self, i: int) -> float:
        n = max(len(self.inputs), 1)
        top = HEADER_H + (self._ports_h - n * ROW_H) / 2
        return top + ROW_H * (i + 0.5)

    def _port_text(self, key: str | int, label: str) -> str:
        note = self._port_notes.get(key)
        return f"{label} {note}" if note else label

    def _display_lines(self) -> list[str]:
        if self._error:
            return [_ellipsize(self._error, 34)]
        return self._value_lines

    def _block_lines(self) -> list[str]:
        """The value lines plus the gradient line, as laid out in the body."""
        lines = self._display_lines()
        return lines + [self._grad_line] if self._grad_line and not self._error else lines

    def ports(self) -> list[PortItem]:
        return self.inputs + ([self.output] if self.output else [])

    def input_port(self, key: str | int) -> PortItem | None:
        return next((p for p in self.inputs if p.key == key), None)

    def boundingRect(self) -> QRectF:
        return QRectF(-2, -2, self._width + 4, self._height + 4)

    def shape(self) -> QPainterPath:
        p = QPainterPath()
        p.addRoundedRect(QRectF(0, 0, self._width, self._height), RADIUS, RADIUS)
        return p

    def center(self) -> QPointF:
        return self.mapToScene(QPointF(self._width / 2, self._height / 2))

    # ---- painting ------------------------------------------------------------------------------
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        """The node, back to front: body and header band, the header's badge, name and marks,
        the input labels, the value block with its gradient line, and the shape."""
        t = theme.current()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        err = self._error is not None
        self._paint_frame(painter, t, err)
        self._paint_header(painter, t, err)
        self._paint_labels(painter, t)
        self._paint_values(painter, t, err)
        self._paint_shape(painter, t, err)

    def _paint_frame(self, painter: QPainter, t: theme.Theme, err: bool) -> None:
        """Rounded body, header band, border (selection, output, error) and the step ring."""
        rect = QRectF(0, 0, self._width, self._height)
        border = t.error if err else t.node_border
        width = 1.2
        if self.isSelected():
            border, width = t.node_selected, 2.2
        elif self._is_output:
            border, width = t.node_output, 2.0
        body = QPainterPath()
        body.addRoundedRect(rect, RADIUS, RADIUS)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.fillPath(body, QBrush(t.error_bg if err else t.node_bg))
        # header band, clipped to the rounded body
        header = QPainterPath()
        header.addRect(QRectF(0, 0, self._width, HEADER_H))
        painter.fillPath(body.intersected(header), QBrush(t.error if err else t.node_header))
        painter.setPen(QPen(border, width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(body)
        painter.setPen(QPen(border if not self.isSelected() else t.node_border, 0.8))
        painter.drawLine(QPointF(0.5, HEADER_H), QPointF(self._width - 0.5, HEADER_H))
        if self._step_state == "current":  # the stepper's node: unmistakable, inside the bounds
            painter.setPen(QPen(step_color(), 3.4))
            painter.drawPath(body)

    def _paint_header(self, painter: QPainter, t: theme.Theme, err: bool) -> None:
        """The op's symbol badge, the name (elided), the warning and ∇/◎ marks."""
        sfm = QFontMetricsF(self._symbol_font)
        badge_w = max(22.0, sfm.horizontalAdvance(self._symbol) + 12)
        badge = QRectF(PAD - 3, (HEADER_H - 19) / 2, badge_w, 19)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.ERROR_BADGE if err else t.badge_bg)
        painter.drawRoundedRect(badge, 5, 5)
        painter.setFont(self._symbol_font)
        painter.setPen(theme.TEXT_ON_DARK if err else t.badge_text)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, self._symbol)

        # name
        painter.setFont(self._title_font)
        painter.setPen(theme.TEXT_ON_DARK if err else t.text)
        reserved = 18 + (QFontMetricsF(self._label_font).horizontalAdvance(self._shape_text) + 6
                         if self._shape_text and not err else 0)
        name_rect = QRectF(badge.right() + 7, 0, self._width - badge.right() - PAD - reserved,
                           HEADER_H)
        tfm = QFontMetricsF(self._title_font)
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         tfm.elidedText(self._name, Qt.TextElideMode.ElideRight, name_rect.width()))
        if self._warning and not err:
            painter.setPen(t.grad_neg)
            painter.drawText(QRectF(self._width - PAD - 32, 0, 16, HEADER_H),
                             Qt.AlignmentFlag.AlignCenter, "⚠")
        if self._requires_grad or self._is_output:
            mark = "∇" if self._requires_grad else "◎"
            painter.setPen(theme.TEXT_ON_DARK if err else (
                t.node_output if self._is_output and not self._requires_grad else t.accent))
            painter.drawText(QRectF(self._width - PAD - 14, 0, 16, HEADER_H),
                             Qt.AlignmentFlag.AlignCenter, mark)

    def _paint_labels(self, painter: QPainter, t: theme.Theme) -> None:
        """Input port labels (with an unwired optional port's fallback) and the param line."""
        painter.setFont(self._label_font)
        painter.setPen(t.subtext)
        lfm = QFontMetricsF(self._label_font)
        for i, port in enumerate(self.inputs):
            y = self._port_y(i)
            row = QRectF(PAD, y - ROW_H / 2, self._label_w + 4, ROW_H)
            painter.drawText(row, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             port.label)
            note = self._port_notes.get(port.key)
            if note:  # the value an unwired optional port falls back to, in the text colour
                painter.setPen(t.text)
                painter.drawText(row.adjusted(lfm.horizontalAdvance(port.label + " "), 0, 0, 0),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, note)
                painter.setPen(t.subtext)
        if self._param_line:
            painter.drawText(QRectF(PAD, HEADER_H + self._ports_h - 2, self._width - 2 * PAD,
                                    self._height - HEADER_H - self._ports_h),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             lfm.elidedText(self._param_line, Qt.TextElideMode.ElideRight,
                                            self._width - 2 * PAD))

    def _paint_values(self, painter: QPainter, t: theme.Theme, err: bool) -> None:
        """The value block (or the error), right of the labels, the gradient line under it."""
        painter.setFont(self._value_font)
        left = PAD + (self._label_w + 10 if self._label_w else 0)
        vfm = QFontMetricsF(self._value_font)
        lines = self._block_lines()
        width = self._width - left - PAD - 4
        top = HEADER_H + (self._ports_h - len(lines) * vfm.height()) / 2
        align = Qt.AlignmentFlag.AlignVCenter | (
            Qt.AlignmentFlag.AlignRight if self.inputs else Qt.AlignmentFlag.AlignHCenter)
        grad_color = {1: t.grad_pos, -1: t.grad_neg}.get(self._grad_sign, t.grad_zero)
        if not t.is_dark:
            grad_color = grad_color.darker(115)
        n_values = len(self._display_lines())
        shown = self.shown_grad_text
        if shown != self._grad_line and len(lines) > n_values:
            lines = lines[:n_values] + [shown]  # stepping: the gradient has not arrived yet
            grad_color = t.subtext
        for i, line in enumerate(lines):
            painter.setPen(t.error if err else (t.text if i < n_values else grad_color))
            painter.drawText(QRectF(left, top + i * vfm.height(), width, vfm.height()), align,
                             vfm.elidedText(line, Qt.TextElideMode.ElideRight, width))

    def _paint_shape(self, painter: QPainter, t: theme.Theme, err: bool) -> None:
        if self._shape_text and not err:
            painter.setFont(self._label_font)
            painter.setPen(t.subtext)
            right = self._width - PAD - (18 if self._requires_grad or self._is_output else 0)
            painter.drawText(QRectF(right - 60, 0, 60, HEADER_H),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             self._shape_text)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:  # noqa: N802
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for port in self.ports():
                for wire in port.wires:
                    wire.update_path()
            scene = self.scene()
            if scene is not None and hasattr(scene, "node_item_moved"):
                scene.node_item_moved(self.node_id)  # its frame follows
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.setZValue(1.5 if value else 1)
        return super().itemChange(change, value)


def _same_value(a: Any, b: Any) -> bool:
    if b is None:
        return False
    return formatting.same_numbers(a, b)


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _ellipsize(s: str, n: int) -> str:
    s = s.splitlines()[0] if s else s
    return s if len(s) <= n else s[: n - 1] + "…"
