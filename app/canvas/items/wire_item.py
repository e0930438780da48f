"""A wire from an output port to an input port, drawn as a smooth horizontal bezier.

After backward the wire carries the gradient that flowed along it (the engine's trace, computed by
the document's evaluator): a label near its input end shows it, the colour says its sign and the
stroke width grows with its magnitude, so the eye finds the large gradients first.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from app.application import formatting, theme
from app.canvas.items.port_item import PortItem

BASE_WIDTH = 1.8
# where a pill may slide along its wire (fractions of the path), nearest first
LABEL_SLIDES = (0.0, -0.14, 0.12, -0.28, 0.24, -0.42, 0.36)
NODE_TYPE = QGraphicsItem.UserType + 1  # NodeItem.Type (not imported: node_item imports us)


def grad_width(magnitude: float) -> float:
    """Stroke width for a gradient magnitude: log-scaled so 0.01 and 1000 both stay readable."""
    if magnitude <= 0 or not math.isfinite(magnitude):
        return BASE_WIDTH
    return BASE_WIDTH + 4.2 * math.tanh(math.log10(1.0 + magnitude))


def step_color() -> QColor:
    """The backward stepper's "this step" colour: a green that no other state uses (selection is
    blue, the output purple, gradient signs blue and orange)."""
    return theme.current().step


def bezier_path(a: QPointF, b: QPointF) -> QPainterPath:
    """Horizontal-tangent cubic from a to b; the handle length adapts so backward wires loop."""
    dx = b.x() - a.x()
    handle = max(40.0, abs(dx) * 0.5, min(abs(b.y() - a.y()) * 0.6, 120.0) if dx < 0 else 0.0)
    path = QPainterPath(a)
    path.cubicTo(QPointF(a.x() + handle, a.y()), QPointF(b.x() - handle, b.y()), b)
    return path


def _same(a: Any, b: Any) -> bool:
    """Identical gradients (None, or equal arrays of one shape and dtype)."""
    if a is None or b is None:
        return a is b
    return formatting.same_numbers(a, b)


class GradLabelItem(QGraphicsItem):
    """The gradient pill of a wire. A separate top-level item stacked above the nodes, so a
    label is never hidden under a node whatever the wire's shape."""

    Type = QGraphicsItem.UserType + 4

    def __init__(self, wire: WireItem) -> None:
        super().__init__()
        self.wire = wire
        self._rect = QRectF()
        self.setZValue(2.5)
        self.setAcceptHoverEvents(True)
        self.setVisible(False)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def type(self) -> int:  # noqa: A003 - Qt API name
        return self.Type

    def set_rect(self, rect: QRectF) -> None:
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.setVisible(not rect.isNull() and self.wire.isVisible()
                        and not self.wire.label_hidden)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self._rect.isNull():
            return
        t = theme.current()
        color = self.wire.color()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        state = self.wire.step_state
        painter.setPen(QPen(step_color(), 2.2 if state == "sent" else 1.6)
                       if state in ("sent", "gathered") else QPen(color, 1.2))
        painter.setBrush(QBrush(t.label_bg))
        r = self._rect.height() / 2
        painter.drawRoundedRect(self._rect, r, r)
        painter.setFont(self.wire.label_font)
        painter.setPen(color if t.is_dark else color.darker(115))
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self.wire.grad_text)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.setToolTip(self.wire.tooltip_html())
        self.wire.set_hover(True)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.wire.set_hover(False)


class WireItem(QGraphicsItem):
    """A connection; `source`/`target` are ports, `key` identifies the wire in the document."""

    Type = QGraphicsItem.UserType + 3

    def __init__(self, source: PortItem | None, target: PortItem | None,
                 key: Any = None) -> None:
        super().__init__()
        self.source = source
        self.target = target
        self.key = key
        self._grad: Any = None
        self._label = ""
        self._sign = 0
        self._width = BASE_WIDTH
        self._hover = False
        self._drop_target = False  # an op dragged over it would be inserted into it
        self._preview = False  # a wire being dragged: dashed, no label
        self._step_state: str | None = None  # the backward stepper's picture (None: normal)
        self._flow: float | None = None  # 0..1: the sent gradient travelling back (stepper)
        self._loose_end = QPointF()
        self._path = QPainterPath()
        self._bounds = QRectF()
        self._label_rect = QRectF()
        self.label_font = theme.mono_font(8.0)
        self.label = GradLabelItem(self)
        self.setZValue(0)
        self.setAcceptHoverEvents(True)
        for port in (source, target):
            if port is not None:
                port.wires.append(self)
                port.update()
        self.update_path()

    def type(self) -> int:  # noqa: A003 - Qt API name
        return self.Type

    # ---- content -------------------------------------------------------------------------------
    @property
    def grad_text(self) -> str:
        """The label exactly as drawn (empty before backward)."""
        return self._label

    @property
    def grad_sign(self) -> int:
        return self._sign

    def label_width(self) -> float:
        """Width of the gradient pill as drawn (0 without one): the layout leaves room for it."""
        return self._label_rect.width()

    @property
    def pen_width(self) -> float:
        return self._width

    def set_grad(self, grad: Any) -> None:
        """Show the gradient flowing along this wire; None clears the label."""
        if _same(grad, self._grad):
            return  # most wires keep their gradient after a local edit: skip the formatting
        self._grad = grad
        if grad is None:
            label, sign, width = "", 0, BASE_WIDTH
        else:
            label = formatting.grad_label(grad)
            sign = formatting.sign(grad)
            width = grad_width(formatting.magnitude(grad))
        if (label, sign, width) != (self._label, self._sign, self._width):
            self._label, self._sign, self._width = label, sign, width
            self.update_path()

    # ---- backward stepping (app/stepping/stepper.py) -------------------------------------------
    @property
    def step_state(self) -> str | None:
        return self._step_state

    @property
    def label_hidden(self) -> bool:
        """While stepping, a gradient not sent yet is not shown (nor one that never will be)."""
        return self._step_state in ("pending", "off")

    def set_step_state(self, state: str | None) -> None:
        """"pending"/"off" dimmed without label, "sent" (this step: green halo and pill, a pulse
        travels back), "gathered" (summed into this step's node: lighter halo), "done";
        None is the normal picture. Paint-only: paths and label spots stay where they are."""
        if state == self._step_state:
            return
        self._step_state = state
        self._flow = None
        self.setOpacity(0.28 if state in ("pending", "off") else 1.0)
        self.setZValue(0.5 if state in ("sent", "gathered") else 0)
        self.label.setVisible(not self._label_rect.isNull() and self.isVisible()
                              and not self.label_hidden)
        self.update()
        self.label.update()

    def set_flow(self, phase: float | None) -> None:
        """Where the travelling pulse is, from the input end (0) back to the source (1)."""
        if phase != self._flow:
            self._flow = phase
            self.update()

    def set_preview(self, loose_end: QPointF) -> None:
        """Used while dragging: one end follows the cursor."""
        self._preview = True
        self._loose_end = loose_end
        self.update_path()

    def detach(self) -> None:
        """Forget the ports (before removing the item from the scene)."""
        for port in (self.source, self.target):
            if port is not None and self in port.wires:
                port.wires.remove(self)
                port.update()

    def tooltip_html(self) -> str:
        """Built on hover only: formatting a big gradient on every edit would be wasted work."""
        if self._grad is None:
            return ""
        return f"gradient along this wire:<pre>{formatting.full_text(self._grad)}</pre>"

    def set_hover(self, on: bool) -> None:
        self._hover = on
        self.update()
        self.label.update()

    @property
    def drop_target(self) -> bool:
        return self._drop_target

    def set_drop_target(self, on: bool) -> None:
        """Glow while a dragged op would be inserted into this wire if dropped now."""
        if on != self._drop_target:
            self._drop_target = on
            self.update()

    # ---- geometry ------------------------------------------------------------------------------
    def endpoints(self) -> tuple[QPointF, QPointF]:
        a = self.source.scene_anchor() if self.source else self._loose_end
        b = self.target.scene_anchor() if self.target else self._loose_end
        return a, b

    def update_path(self) -> None:
        self.prepareGeometryChange()
        a, b = self.endpoints()
        self._path = bezier_path(a, b)
        m = self._width + 4
        self._bounds = self._path.boundingRect().adjusted(-m, -m, m, m)
        self.update()
        batch = getattr(self.scene(), "label_batch", None)
        if batch is not None:
            batch[self] = None  # placed once when the batch ends, however often it moved
        else:
            self.place_label()

    def place_label(self) -> None:
        """Put the gradient pill on the current path, clear of other pills and nodes."""
        if self._label and not self._preview:
            a, b = self.endpoints()
            fm = QFontMetricsF(self.label_font)
            w = fm.horizontalAdvance(self._label) + 12
            h = fm.height() + 4
            self._label_rect = self._free_label_rect(self._label_t(a, b, w), w, h)
        else:
            self._label_rect = QRectF()
        self.label.set_rect(self._label_rect)

    def _label_t(self, a: QPointF, b: QPointF, label_w: float) -> float:
        """Near the input end (the gradient is what the consumer sends back along this input),
        so labels of wires from one source into different ports don't stack on each other."""
        target_x = b.x() - 16 - label_w / 2
        if b.x() - a.x() < label_w + 40 or target_x <= a.x():
            return 0.5
        lo, hi = 0.0, 1.0
        for _ in range(16):  # x(t) increases along a forward wire: bisect for target_x
            mid = (lo + hi) / 2
            if self._path.pointAtPercent(mid).x() < target_x:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    def _free_label_rect(self, t0: float, w: float, h: float) -> QRectF:
        """The pill at `t0`, or slid along the wire to the nearest spot where it covers no other
        wire's pill and, if possible, no node. Short stacked wires (x into both inputs of dot)
        run too close for any spot on the wire: then the pill steps off it, up or down."""
        scene = self.scene()
        best, best_cost = QRectF(), math.inf
        nudges = [(0.0, 0.0)] + [(dt, 0.0) for dt in LABEL_SLIDES[1:]] + [
            (0.0, s * k * h / 2) for k in (1, 2, 3) for s in (1, -1)]
        for dt, dy in nudges:
            t = min(0.92, max(0.08, t0 + dt))
            at = self._path.pointAtPercent(t)
            rect = QRectF(at.x() - w / 2, at.y() + dy - h / 2, w, h)
            if scene is None:
                return rect
            cost = self._overlap_cost(scene, rect)
            cost += abs(dt) + abs(dy) / h * 0.3  # as close to the preferred spot as allowed
            if cost < best_cost:
                best, best_cost = rect, cost
            if cost < 1.0:
                break
        return best

    def _overlap_cost(self, scene: Any, rect: QRectF) -> float:
        """What a pill at `rect` would cover: 10 per other visible pill, 1 per node."""
        cost = 0.0
        probe = rect.adjusted(-2, -2, 2, 2)
        probe_path: QPainterPath | None = None
        # bounding rects first: the default shape query built a stroke for every wire it
        # touched (most of an edit's time); only nodes need their exact (rounded) shape
        for item in scene.items(probe, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if isinstance(item, GradLabelItem):
                if item is not self.label and item.isVisible():
                    cost += 10.0
            elif item.type() == NODE_TYPE:
                if probe_path is None:
                    probe_path = QPainterPath()
                    probe_path.addRect(probe)
                if item.collidesWithPath(item.mapFromScene(probe_path)):
                    cost += 1.0
        return cost

    def path(self) -> QPainterPath:
        return self._path

    def boundingRect(self) -> QRectF:
        return self._bounds  # cached in update_path: Qt asks for it many times per paint

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(max(self._width, 8.0))
        return stroker.createStroke(self._path)

    def color(self) -> QColor:
        t = theme.current()
        if self._preview or self._hover or self.isSelected():
            return t.wire_hover
        if not self._label:
            return t.wire
        return {1: t.grad_pos, -1: t.grad_neg}.get(self._sign, t.grad_zero)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = self.color()
        if self._drop_target:  # a wide accent halo: "drop here to insert into this wire"
            halo = QColor(theme.current().accent)
            halo.setAlpha(120)
            pen = QPen(halo, self._width + 9.0)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawPath(self._path)
        if self._step_state in ("sent", "gathered"):  # a halo under the stroke
            halo = step_color()
            halo.setAlpha(110 if self._step_state == "sent" else 55)
            pen = QPen(halo, self._width + (7.0 if self._step_state == "sent" else 4.0))
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawPath(self._path)
        pen = QPen(color, self._width, Qt.PenStyle.DashLine if self._preview else
                   Qt.PenStyle.SolidLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        if self._step_state == "sent" and self._flow is not None and self._flow < 1.0:
            at = self._path.pointAtPercent(1.0 - min(max(self._flow, 0.0), 1.0))
            painter.setPen(QPen(theme.TEXT_ON_DARK, 1.2))
            painter.setBrush(step_color())
            painter.drawEllipse(at, 5.0, 5.0)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:  # noqa: N802
        change_t = QGraphicsItem.GraphicsItemChange
        if change == change_t.ItemSceneChange:
            if self.label.scene() is not None:
                self.label.scene().removeItem(self.label)
        elif change == change_t.ItemSceneHasChanged:
            if value is not None:
                value.addItem(self.label)
        elif change == change_t.ItemVisibleHasChanged:
            self.label.setVisible(bool(value) and not self._label_rect.isNull()
                                  and not self.label_hidden)
        elif change == change_t.ItemSelectedHasChanged:
            self.label.update()
        return super().itemChange(change, value)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.setToolTip(self.tooltip_html())
        self.set_hover(True)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.set_hover(False)
