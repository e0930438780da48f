"""The op palette: the catalog's ops grouped by category, a filter box, and drag to the canvas.

Dragging an entry starts a drag whose mime data carries the op name (`OP_MIME`); the canvas scene
accepts it and asks for a node at the drop point. Double-click / Enter adds at the view centre.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import QCursor, QDrag, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.canvas.scene import OP_MIME
from core.graph import catalog

OP_ROLE = Qt.ItemDataRole.UserRole + 1


def op_mime(op: str) -> QMimeData:
    """The mime data a palette drag carries (also used by tests to synthesize drops)."""
    data = QMimeData()
    data.setData(OP_MIME, op.encode("utf-8"))
    data.setText(op)
    return data


class OpTree(QTreeWidget):
    """Tree whose leaf items drag out as op names."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.setRootIsDecorated(False)
        self.setIndentation(8)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setUniformRowHeights(True)
        self.setAnimated(False)
        self.setMouseTracking(True)

    def startDrag(self, supported_actions) -> None:  # noqa: N802 - Qt API
        item = self.currentItem()
        op = item.data(0, OP_ROLE) if item else None
        if not op:
            return
        drag = QDrag(self)
        drag.setMimeData(op_mime(op))
        self.run_drag(drag)
        self.forget_drag()

    def run_drag(self, drag: QDrag) -> Qt.DropAction:
        """Run the drag to its drop (a test replaces this: a real drag loop waits for a mouse)."""
        return drag.exec(Qt.DropAction.CopyAction)

    def forget_drag(self) -> None:
        """After a drag, leave no entry looking chosen: the pressed entry stayed selected and,
        as the mouse left during the drag without a Leave event, hovered — two highlighted
        ops in the palette while the new node sat on the canvas."""
        self.clearSelection()
        self.setCurrentItem(None)
        viewport = self.viewport()
        if not viewport.rect().contains(viewport.mapFromGlobal(QCursor.pos())):
            QApplication.sendEvent(viewport, QEvent(QEvent.Type.Leave))
            viewport.update()


class PaletteWidget(QWidget):
    """Filter box plus the grouped op tree."""

    opActivated = Signal(str)  # double-click / Enter on an op

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter ops…")
        self.filter.setClearButtonEnabled(True)
        self.tree = OpTree(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        self._groups: dict[str, QTreeWidgetItem] = {}
        self._build()
        self.filter.textChanged.connect(self.apply_filter)
        self.tree.itemActivated.connect(self._activated)

    def _build(self) -> None:
        bold = QFont(self.font())
        bold.setBold(True)
        mono = QFont(self.font())
        mono.setStyleHint(QFont.StyleHint.Monospace)
        for category in catalog.CATEGORIES:
            specs = catalog.ops_in(category)
            if not specs:
                continue
            group = QTreeWidgetItem(self.tree, [category.capitalize(), ""])
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setFirstColumnSpanned(True)
            self._groups[category] = group
            for s in specs:
                item = QTreeWidgetItem(group, [s.name, s.symbol])
                item.setData(0, OP_ROLE, s.name)
                item.setToolTip(0, f"<b>{s.name}</b> ({s.symbol})<br>{s.description}"
                                   f"<br><i>{s.derivative_text}</i>")
                right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                item.setTextAlignment(1, right)
                item.setForeground(1, self.palette().placeholderText())
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(1)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, self.tree.header().ResizeMode.Stretch)
        self.tree.setMinimumWidth(self.full_names_width())

    def full_names_width(self) -> int:
        """The tree width at which no op name or symbol is elided ("vari…", "sigm…"): a
        dock that other docks squeeze stops here rather than hide what the entries are."""
        tree = self.tree
        fm = tree.fontMetrics()
        names = max((fm.horizontalAdvance(s.name) for c in catalog.CATEGORIES
                     for s in catalog.ops_in(c)), default=0)
        pad = 2 * tree.style().pixelMetric(tree.style().PixelMetric.PM_FocusFrameHMargin) + 12
        scrollbar = tree.style().pixelMetric(tree.style().PixelMetric.PM_ScrollBarExtent)
        return (tree.indentation() + names + pad + tree.columnWidth(1) + scrollbar
                + 2 * tree.frameWidth())

    def apply_filter(self, text: str) -> None:
        """Hide ops whose name, symbol or description doesn't contain the text."""
        needle = text.strip().lower()
        for group in self._groups.values():
            visible = 0
            for i in range(group.childCount()):
                item = group.child(i)
                s = catalog.OPS[item.data(0, OP_ROLE)]
                hit = not needle or any(needle in f.lower() for f in
                                        (s.name, s.symbol, s.description))
                item.setHidden(not hit)
                visible += hit
            group.setHidden(visible == 0)

    def _activated(self, item: QTreeWidgetItem, column: int) -> None:
        op = item.data(0, OP_ROLE)
        if op:
            self.opActivated.emit(op)
