"""The lesson banner: an example lesson's title and explanation, shown above the canvas.

A lesson is a document plus the words that say what to look at; the banner keeps those words
in view while the person works, until they hide it or open something else
(`document_state` hands it the next document's text, or hides it). Its own module, not the
window's, so the window only places it (issue #13).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.application import theme


class LessonBanner(QWidget):
    """The explanation of an example lesson, shown above the canvas until dismissed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonBanner")
        self.title = QLabel(self)
        self.title.setFont(theme.ui_font(10.5, bold=True))
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        close = QPushButton("Hide", self)
        close.setFlat(True)
        close.clicked.connect(self.hide)
        col = QVBoxLayout()
        col.setSpacing(2)
        col.addWidget(self.title)
        col.addWidget(self.text)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 10, 8)
        row.addLayout(col, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    # A word-wrapped explanation grows taller as the canvas column narrows. QMainWindow sizes
    # the central column by its minimum, which knows nothing of height-for-width: in a small
    # window the banner was cut mid-sentence and pushed the canvas under the Plots dock. Its
    # minimum is therefore the height its text needs at its present width; the docks give.
    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = super().minimumSizeHint()
        if self.width() > 0 and self.hasHeightForWidth():
            hint.setHeight(max(hint.height(), self.heightForWidth(self.width())))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # another width, another height for the text

    def show_lesson(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.text.setText(text)
        self.setVisible(bool(text or title))

    def apply_theme(self) -> None:
        t = theme.current()
        bg = t.accent.lighter(185) if not t.is_dark else t.accent.darker(300)
        self.setStyleSheet(f"#lessonBanner {{ background: {bg.name()}; "
                           f"border-bottom: 1px solid {t.node_border.name()}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
