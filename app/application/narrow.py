"""Docks that scroll sideways instead of holding the window wide.

A dock's minimum width is its widget's, and QMainWindow adds the docks' minimums up: the
Plots dock's Landscape page (its race controls beside the plot) and the Train dock's form
alone kept the window from going below ~940 px, although both are only glanced at on a
small screen. Inside a `SidewaysScroll` their widgets keep their own minimum — nothing is
squeezed or clipped — and a horizontal scroll bar appears only when the dock is narrower
than that. Heights are left alone: the dock still asks for its widget's minimum height (plus
the scroll bar's), so at the usual sizes nothing scrolls and nothing changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QSizePolicy, QStackedWidget, QStyle, QWidget

#: How narrow a scrolling dock may get (a strip wide enough to show that something is there).
NARROW = 120


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
