"""Quick-add popup (Tab, or double-click on empty canvas): type to search, Enter to add.

Like Blender's and Orange's: a frameless popup at the cursor with a search field over a filtered
list of the catalog's ops; the first match is preselected so "Tab m u l Enter" adds a mul.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.graph import catalog

OP_ROLE = Qt.ItemDataRole.UserRole + 1


def rank(query: str, names: list[str]) -> list[str]:
    """Ops matching `query`: name prefix first, then name substring, then symbol/description."""
    q = query.strip().lower()
    if not q:
        return list(names)
    pre, sub, other = [], [], []
    for n in names:
        s = catalog.OPS[n]
        if n.startswith(q):
            pre.append(n)
        elif q in n:
            sub.append(n)
        elif q in s.symbol.lower() or q in s.description.lower() or q in s.category:
            other.append(n)
    return pre + sub + other


class QuickAddPopup(QFrame):
    """The popup; emits `opChosen(op)` and closes."""

    opChosen = Signal(str)
    closed = Signal()  # chosen or dismissed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Add node…  (type to search)")
        self.list = QListWidget(self)
        self.list.setUniformItemSizes(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        lay.addWidget(self.search)
        lay.addWidget(self.list)
        self.resize(280, 320)
        self._names = list(catalog.OPS)
        self.search.textChanged.connect(self._refilter)
        self.search.installEventFilter(self)
        self.list.itemActivated.connect(self._choose)
        self._refilter("")

    def popup(self, global_pos: QPoint) -> None:
        self.search.clear()
        self._refilter("")
        self.move(global_pos)
        self.show()
        self.search.setFocus()

    def _refilter(self, text: str) -> None:
        self.list.clear()
        for name in rank(text, self._names):
            s = catalog.OPS[name]
            item = QListWidgetItem(f"{s.symbol}   {name}   · {s.category}")
            item.setData(OP_ROLE, name)
            item.setToolTip(s.description)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().hideEvent(event)
        self.closed.emit()

    def choose_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._choose(item)

    def _choose(self, item: QListWidgetItem) -> None:
        op = item.data(OP_ROLE)
        self.close()
        self.opChosen.emit(op)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if obj is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.choose_current()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.list.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                self.list.setCurrentRow(max(0, min(self.list.count() - 1, row)))
                return True
            if key == Qt.Key.Key_Escape:
                self.close()
                return True
        return super().eventFilter(obj, event)
