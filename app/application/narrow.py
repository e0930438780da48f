"""A window that goes down to 800 × 600 and back: docks that scroll sideways instead of
holding the window wide, a stack of pages sized by the page shown, and docks given back the
room a shrinking window took (`install` puts all three in place).

A dock's minimum width is its widget's, and QMainWindow adds the docks' minimums up: the
Plots dock's Landscape page (its race controls beside the plot) and the Train dock's form
alone kept the window from going below ~940 px, although both are only glanced at on a
small screen. Inside a `SidewaysScroll` their widgets keep their own minimum — nothing is
squeezed or clipped — and a horizontal scroll bar appears only when the dock is narrower
than that. Heights are left alone: the dock still asks for its widget's minimum height (plus
the scroll bar's), so at the usual sizes nothing scrolls and nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QWidget,
)

if TYPE_CHECKING:
    from app.application.main_window import MainWindow

#: How narrow a scrolling dock may get (a strip wide enough to show that something is there).
NARROW = 120
#: How long a window resize must pause before the docks get their room back (ms).
SETTLE_MS = 200


class SidewaysScroll(QScrollArea):
    """A frameless scroll area that fills the dock with its widget and scrolls horizontally
    only when the dock is narrower than the widget's minimum width."""

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{widget.objectName() or type(widget).__name__}Scroll")
        self.setFrameShape(QFrame.Shape.NoFrame)
        # sized here, not by `widgetResizable`: for a widget with a word-wrapped label Qt
        # assumes any width will do (height-for-width) and squeezes it instead of scrolling
        self.setWidgetResizable(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(widget)
        widget.installEventFilter(self)

    def _bar(self) -> int:
        return self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        inner = self.widget().minimumSizeHint().expandedTo(self.widget().minimumSize())
        return QSize(min(inner.width(), NARROW), inner.height() + self._bar())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.widget().sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """The widget fills the viewport, but never below its own minimum width."""
        inner = self.widget()
        least = inner.minimumSizeHint().expandedTo(inner.minimumSize())
        room = self.maximumViewportSize()  # the viewport without a scroll bar
        width = max(room.width(), least.width())
        height = room.height() - (self._bar() if width > room.width() else 0)
        inner.resize(width, max(height, least.height()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # the widget's minimum changed (another plots page, a longer label): the dock's too
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
            self._fit()
        return super().eventFilter(watched, event)


def scrolling(widget: QWidget) -> SidewaysScroll:
    """`widget` in a `SidewaysScroll`, for `add_dock`."""
    return SidewaysScroll(widget)


def size_by_current_page(pages: QStackedWidget) -> None:
    """A stack of pages asks for the room of the page it shows, not of its widest page.

    QStackedWidget's minimum is the largest of all its pages': once the Plots dock's
    Landscape page had a race in it, the Edits page (a single curve) scrolled sideways in a
    narrow dock. Pages not shown are sized `Ignored`, so they do not count (Qt's usual
    idiom); the one shown counts as before."""
    own: dict[int, QSizePolicy] = {}  # each page's own policy, given back when it is shown
    ignored = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def follow(index: int) -> None:
        for i in range(pages.count()):
            page = pages.widget(i)
            own.setdefault(id(page), page.sizePolicy())
            page.setSizePolicy(own[id(page)] if i == index else ignored)
        pages.updateGeometry()

    pages.currentChanged.connect(follow)
    follow(pages.currentIndex())


class DockRegrowth(QObject):
    """Docks get back, when the window grows again, the room a shrinking window took.

    QMainWindow shrinks the canvas first and then the docks, but grows only the canvas: after
    a trip down to 800 × 600 and back, the Plots dock stayed at its minimum height (its axis
    labels on top of each other) and the right column at its narrowest (the inspector
    clipped). This gives each dock back what the window took from it — never more, so a size
    the person chose by dragging a separator stays as it was — before the canvas grows.

    What was taken is read from the docks' own resize events while the window is being made
    smaller (the dock layout settles around the window's resize event, sometimes before it);
    it is given back once a burst of resizes (a drag on the window's edge) pauses."""

    def __init__(self, window: QMainWindow,
                 slots: list[tuple[list[QDockWidget], Qt.Orientation]]) -> None:
        super().__init__(window)
        self.window = window
        self.slots = slots  # each: the docks sharing one place (the one in front counts)
        self.taken = [0] * len(slots)
        self._stable_window = QSize()  # the window's size at the last quiet moment
        self._burst_loss: dict[tuple[int, int], int] = {}  # (place, dock) -> lost so far
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._settle)
        window.installEventFilter(self)
        for docks, _orientation in slots:
            for dock in docks:
                dock.installEventFilter(self)

    def _dock(self, i: int) -> QDockWidget | None:
        # a dock tabbed behind another still says isVisible() (with a stale size): the one
        # in front is the one with something on screen
        return next((d for d in self.slots[i][0] if d.isVisible() and not d.isFloating()
                     and not d.visibleRegion().isEmpty()), None)

    def _size(self, i: int) -> int | None:
        dock = self._dock(i)
        if dock is None:
            return None
        horizontal = self.slots[i][1] == Qt.Orientation.Horizontal
        return dock.width() if horizontal else dock.height()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize and isinstance(event, QResizeEvent):
            if watched is self.window:
                self._timer.start()  # settle once the burst pauses
            elif self._timer.isActive() or self.window.size() != self._stable_window:
                self._note_taken(watched, event)  # the window's resize moved this dock
                self._timer.start()  # and the burst lasts while the docks still move
        return super().eventFilter(watched, event)

    def _note_taken(self, dock: QObject, event: QResizeEvent) -> None:
        """A dock made smaller by a shrinking window: remember by how much. Docks sharing a
        place (split or tabbed in the right column) lose the same width: the largest loss of
        one of them in this burst is the place's."""
        for i, (docks, orientation) in enumerate(self.slots):
            if dock not in docks or not event.oldSize().isValid():
                continue
            horizontal = orientation == Qt.Orientation.Horizontal
            window = self.window.size()
            shrank = (window.width() < self._stable_window.width() if horizontal
                      else window.height() < self._stable_window.height())
            lost = event.oldSize() - event.size()
            lost_here = lost.width() if horizontal else lost.height()
            if shrank and lost_here > 0:
                key = (i, id(dock))
                self._burst_loss[key] = self._burst_loss.get(key, 0) + lost_here

    def _settle(self) -> None:
        """The burst is over: if the window grew, give the docks back what it took."""
        grown = self.window.size() - self._stable_window
        first = not self._stable_window.isValid()
        for i in range(len(self.slots)):
            self.taken[i] += max((lost for (slot, _d), lost in self._burst_loss.items()
                                  if slot == i), default=0)
        self._burst_loss.clear()
        self._stable_window = QSize(self.window.size())
        if first:
            self.taken = [0] * len(self.slots)  # showing the window takes nothing
            return
        for i, (_docks, orientation) in enumerate(self.slots):
            growth = grown.width() if orientation == Qt.Orientation.Horizontal \
                else grown.height()
            dock, now = self._dock(i), self._size(i)
            if growth > 0 and self.taken[i] > 0 and dock is not None and now is not None:
                give = min(self.taken[i], growth)
                self.window.resizeDocks([dock], [now + give], orientation)
                self.taken[i] -= give


def install(window: MainWindow) -> DockRegrowth:
    """What the window does for small screens, once every dock is in: the Plots dock sized by
    the page it shows, and the docks given back what a shrinking window took."""
    size_by_current_page(window.plots.pages)
    return DockRegrowth(window, [
        ([window.inspector_dock, window.step_dock, window.forward_dock, window.train_dock],
         Qt.Orientation.Horizontal),
        ([window.plots_dock], Qt.Orientation.Vertical)])
