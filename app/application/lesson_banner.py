"""The lesson banner: an example lesson's title and explanation, shown above the canvas.

A lesson is a document plus the words that say what to look at; the banner keeps those words
in view while the person works, until they hide it or open something else
(`document_state` hands it the next document's text, or hides it). Its own module, not the
window's, so the window only places it (issue #13).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.application import theme

SETTLE_MS = 150  # how long a width must last before the banner's height follows it


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
        self._text_height = 0  # what the wrapped text needs at the settled width
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._measure)
        self.hide()

    # A word-wrapped explanation grows taller as the canvas column narrows. QMainWindow sizes
    # the central column by its minimum, which knows nothing of height-for-width: in a small
    # window the banner was cut mid-sentence and pushed the canvas under the Plots dock. Its
    # minimum is therefore the height its text needs at its width, the docks give way — taken
    # once the width has settled: QMainWindow never gives a dock back what it took, and a
    # passing narrow width (a dock opening beside the canvas) left the Plots dock squashed.
    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = super().minimumSizeHint()
        hint.setHeight(max(hint.height(), self._text_height))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._settle.start()  # another width, another height for the text

    def _measure(self) -> None:
        height = self.heightForWidth(self.width()) if self.width() > 0 else 0
        if height != self._text_height:
            self._text_height = height
            self.updateGeometry()

    def show_lesson(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.text.setText(text)
        self._settle.start()
        self.setVisible(bool(text or title))

    def apply_theme(self) -> None:
        t = theme.current()
        bg = t.accent.lighter(185) if not t.is_dark else t.accent.darker(300)
        self.setStyleSheet(f"#lessonBanner {{ background: {bg.name()}; "
                           f"border-bottom: 1px solid {t.node_border.name()}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
