"""A status bar whose long messages end in "…" and show whole as the tooltip.

QStatusBar draws a temporary message in one line clipped at the first permanent widget, so a
long message (an engine error: "Backward did not run: …") is cut mid-word and its end — often
the part that says what to do — is lost. Here the message is elided with "…" to the room it has
(again when the window is resized), its full text is the status bar's tooltip, and
`currentMessage()` still answers the full text, so code that compares messages is unaffected.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSizeGrip, QStatusBar, QWidget

#: QStatusBar's message rectangle (qstatusbar.cpp's messageRect): from 6 px in from the left
#: to 12 px in from the right, or 2 px before the first permanent widget or the size grip.
_LEFT, _RIGHT, _GAP = 6, 12, 2


class StatusBar(QStatusBar):
    """QStatusBar with elided messages; see the module docstring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._until: float | None = None  # monotonic time the message goes away
        self.messageChanged.connect(self._message_changed)

    # ---- the message ---------------------------------------------------------------------------
    def showMessage(self, message: str, timeout: int = 0) -> None:  # noqa: N802 - Qt's name
        """Show `message` elided to the room there is; the tooltip holds it whole."""
        self._full = message
        self._until = time.monotonic() + timeout / 1000 if timeout > 0 else None
        self._show(timeout)

    def currentMessage(self) -> str:  # noqa: N802 - Qt's name
        """The full text of the message shown (not its elided form)."""
        return self._full if super().currentMessage() else ""

    def clearMessage(self) -> None:  # noqa: N802 - Qt's name
        self._full = ""
        self._until = None
        super().clearMessage()

    def shown_text(self) -> str:
        """The text actually drawn (elided when the message is too long)."""
        return super().currentMessage()

    def message_width(self) -> int:
        """Pixels the message may take: up to the first permanent widget (or the size grip)."""
        right = self.width() - _RIGHT
        for w in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if w.isVisible() and (w.x() > _LEFT or isinstance(w, QSizeGrip)):
                right = min(right, w.x() - _GAP)
        return max(0, right - _LEFT)

    def _show(self, timeout: int) -> None:
        text = self._full.replace("\n", " ")
        shown = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight,
                                              self.message_width())
        self.setToolTip(self._full if shown != text else "")
        super().showMessage(shown, timeout)

    def _message_changed(self, text: str) -> None:
        if not text:  # timed out or cleared: the tooltip goes with it
            self._full = ""
            self._until = None
            self.setToolTip("")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Elide again for the new width, keeping what is left of the message's time."""
        super().resizeEvent(event)
        if not super().currentMessage():
            return
        left = 0
        if self._until is not None:
            left = max(1, int((self._until - time.monotonic()) * 1000))
        self._show(left)


__all__ = ["StatusBar"]
