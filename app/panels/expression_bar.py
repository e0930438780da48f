"""The expression bar above the canvas: type `a*x**2 + b*x + c`, press Enter, get the graph.

Parsing and building live in core (`core.graph`); the bar only collects text and shows a parse
error under the field with a caret at the offending column, so the fix is obvious at a glance.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.application import theme


class ExpressionBar(QWidget):
    """Line edit + error line; emits `submitted(text)` on Enter."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("expressionEdit")
        self.edit.setPlaceholderText("Build from an expression:  a*x**2 + b*x + c   (Enter)")
        self.edit.setFont(theme.mono_font(10))
        self.edit.setClearButtonEnabled(True)
        label = QLabel("ƒ", self)
        label.setObjectName("hint")
        label.setFont(theme.ui_font(12, bold=True))
        self.error = QLabel(self)
        self.error.setObjectName("errorLine")
        self.error.setFont(theme.mono_font(10))
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(label)
        row.addWidget(self.edit, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 6)
        lay.setSpacing(2)
        lay.addLayout(row)
        lay.addWidget(self.error)
        self._label = label
        self.edit.returnPressed.connect(self._submit)
        self.edit.textEdited.connect(lambda _t: self.clear_error())

    def _submit(self) -> None:
        text = self.edit.text().strip()
        if text:
            self.submitted.emit(text)

    def show_error(self, message: str, column: int | None = None) -> None:
        """Show `message` under the field; `column` (1-based) gets a caret under that char."""
        if column is None or column < 1:
            self.error.setText(message)
        else:
            fm = QFontMetricsF(self.edit.font())
            # indent to where the text starts inside the line edit, then to the column
            indent = self.edit.x() + self.edit.textMargins().left() + 6
            spaces = " " * (column - 1)
            pad = max(0, round(indent / max(fm.horizontalAdvance(" "), 1.0)))
            self.error.setText(" " * pad + spaces + "^ " + message)
            self.edit.setCursorPosition(column - 1)
        self.error.show()
        self.edit.setFocus()

    def clear_error(self) -> None:
        self.error.hide()
        self.error.clear()

    @property
    def error_text(self) -> str:
        return self.error.text() if self.error.isVisible() or self.error.text() else ""
