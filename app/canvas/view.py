"""The canvas view: grid background, zoom around the cursor, middle/Space pan, fit all.

Panning moves the scrollbars of a very large scene (hidden), which Qt turns into a fast scroll of
the viewport; the grid is drawn only for the exposed rect, so pan repaints stay well under a frame.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from app.application import theme
from app.canvas.scene import CanvasScene

GRID = 20.0
MAJOR_EVERY = 5
MIN_SCALE = 0.1
MAX_SCALE = 4.0
MAX_FIT_SCALE = 1.2  # a three-node graph framed at 300% looks like a toy; 120% reads well
FIT_MARGIN = 36.0
REVEAL_MARGIN = 40  # viewport pixels left around a node scrolled into view
MIN_HEIGHT = 150  # pixels; below this a graph of a few nodes is unreadable at any zoom


class CanvasView(QGraphicsView):
    """Shows a `CanvasScene`; owns navigation (zoom/pan/fit) but not editing."""

    quickAddRequested = Signal(QPointF)  # Tab pressed: scene position of the cursor
    #: Space pressed and released without a drag: Space is also a shortcut (the stepper's
    #: Play), which the view takes over so that Space-drag pans in every mode; a tap is
    #: handed on through this signal
    spaceTapped = Signal()
    zoomChanged = Signal(float)

    def __init__(self, scene: CanvasScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self._pan_from: QPoint | None = None
        self._space = False
        self._space_panned = False
        # While True the view re-frames the graph whenever it is resized (window shown, a dock
        # or the lesson banner toggled), so a just-opened graph stays centred; the first zoom
        # or pan by the user hands control to them.
        self.auto_fit = True
        self.centerOn(0, 0)
        # the canvas is what the window is for: when the window gets small the docks give
        # up height first (QMainWindow takes it from the central widget until its minimum)
        self.setMinimumHeight(MIN_HEIGHT)

    # ---- navigation ----------------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        """Scale to `factor` (clamped), keeping `anchor` (scene) under the same viewport pixel."""
        factor = min(MAX_SCALE, max(MIN_SCALE, factor))
        rel = factor / self.zoom()
        if math.isclose(rel, 1.0):
            return
        if anchor is None:
            self.scale(rel, rel)
        else:
            old = self.mapFromScene(anchor)
            prev = self.transformationAnchor()
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
            self.scale(rel, rel)
            delta = self.mapToScene(old) - anchor
            self.translate(delta.x(), delta.y())
            self.setTransformationAnchor(prev)
        self.zoomChanged.emit(self.zoom())

    def zoom_by(self, step: float) -> None:
        self.auto_fit = False
        self.set_zoom(self.zoom() * step, self.mapToScene(self.viewport().rect().center()))

    def fit_all(self) -> None:
        """Frame the whole graph, centred, with a margin; small graphs are not blown up past
        MAX_FIT_SCALE. Keeps framing on later resizes until the user zooms or pans."""
        self.auto_fit = True
        self._frame()

    def _frame(self) -> None:
        scene = self.scene()
        rect = scene.graph_rect() if isinstance(scene, CanvasScene) else scene.itemsBoundingRect()
        if rect.isNull():
            self.resetTransform()
            self.centerOn(0, 0)
            self.zoomChanged.emit(1.0)
            return
        rect = rect.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN)
        vp = self.viewport().rect()
        if vp.width() < 2 or vp.height() < 2:
            return  # not laid out yet; resizeEvent frames it once it has a size
        scale = min(vp.width() / rect.width(), vp.height() / rect.height())
        scale = min(MAX_FIT_SCALE, max(MIN_SCALE, scale))
        self.resetTransform()
        self.scale(scale, scale)
        self.centerOn(rect.center())
        self.zoomChanged.emit(self.zoom())

    def reveal(self, rects: list[QRectF], reframe: bool = True) -> None:
        """Bring these scene rectangles into view, the last one surely (an inserted node after
        the neighbour it pushed). While the view frames the whole graph it frames it again
        (the graph grew) if `reframe`; otherwise it scrolls only as far as needed, keeping
        the zoom."""
        if self.auto_fit and reframe:
            self._frame()
            return
        for rect in rects:
            self.ensureVisible(rect, REVEAL_MARGIN, REVEAL_MARGIN)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self.auto_fit:
            self._frame()

    def pan_by(self, dx: float, dy: float) -> None:
        """Scroll by a viewport-pixel delta (used by gestures and the pan benchmark)."""
        self.auto_fit = False
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(int(h.value() + dx))
        v.setValue(int(v.value() + dy))

    def cursor_scene_pos(self) -> QPointF:
        p = self.viewport().mapFromGlobal(self.cursor().pos())
        if not self.viewport().rect().contains(p):
            p = self.viewport().rect().center()
        return self.mapToScene(p)

    # ---- events --------------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        delta = event.angleDelta().y() or event.angleDelta().x()
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.pan_by(-delta, 0)
            return
        self.auto_fit = False
        self.set_zoom(self.zoom() * math.pow(1.0015, delta), self.mapToScene(
            event.position().toPoint()))
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.MiddleButton or (
            self._space and event.button() == Qt.MouseButton.LeftButton
        ):
            self._pan_from = event.position().toPoint()
            self._space_panned = self._space_panned or self._space
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._pan_from is not None:
            p = event.position().toPoint()
            d = p - self._pan_from
            self._pan_from = p
            self.pan_by(-d.x(), -d.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space
                                      else Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def event(self, event: QEvent) -> bool:  # noqa: A003 - Qt API
        if (event.type() == QEvent.Type.ShortcutOverride
                and event.key() == Qt.Key.Key_Space  # type: ignore[attr-defined]
                and not event.modifiers()):  # type: ignore[attr-defined]
            event.accept()  # a key press for us, not the Space shortcut: see spaceTapped
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Space:
            event.accept()
            if event.isAutoRepeat():
                return
            self._space = True
            self._space_panned = False
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Tab:
            self.quickAddRequested.emit(self.cursor_scene_pos())
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Space:
            event.accept()
            if event.isAutoRepeat():
                return
            self._space = False
            if self._pan_from is None:
                self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            if not self._space_panned:
                self.spaceTapped.emit()
            return
        super().keyReleaseEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802,A002 - Qt API
        return False  # Tab opens quick-add instead of moving focus

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt API
        t = theme.current()
        painter.fillRect(rect, t.canvas_bg)
        z = self.zoom()
        step = GRID if z >= 0.45 else GRID * MAJOR_EVERY
        major = GRID * MAJOR_EVERY
        left = math.floor(rect.left() / step) * step
        top = math.floor(rect.top() / step) * step
        minor: list[QLineF] = []
        majors: list[QLineF] = []
        x = left
        while x < rect.right():
            (majors if math.isclose(x % major, 0.0, abs_tol=1e-6) else minor).append(
                QLineF(x, rect.top(), x, rect.bottom()))
            x += step
        y = top
        while y < rect.bottom():
            (majors if math.isclose(y % major, 0.0, abs_tol=1e-6) else minor).append(
                QLineF(rect.left(), y, rect.right(), y))
            y += step
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if minor:
            painter.setPen(QPen(t.grid_minor, 0))
            painter.drawLines(minor)
        if majors:
            painter.setPen(QPen(t.grid_major, 0))
            painter.drawLines(majors)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
