"""Unexpected exceptions: show the details in a dialog and keep the app (and the document) alive.

Qt calls Python slots from its event loop; an exception escaping a slot would otherwise only print
to a console a desktop user never sees. The hook logs, shows one dialog at a time, and returns.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

_showing = False
_installed_prev: Callable | None = None
#: Tests replace this to capture instead of showing a modal dialog.
show_dialog: Callable[[str, str], None] | None = None


def format_exception(etype: type[BaseException], value: BaseException,
                     tb: TracebackType | None) -> str:
    return "".join(traceback.format_exception(etype, value, tb))


def _default_dialog(summary: str, details: str) -> None:
    parent: QWidget | None = QApplication.activeWindow()
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Chainrule — unexpected error")
    box.setText("Something went wrong. Your graph is intact; you can keep working "
                "(and save your work).")
    box.setInformativeText(summary)
    box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def excepthook(etype: type[BaseException], value: BaseException,
               tb: TracebackType | None) -> None:
    """Report the exception and return, so the event loop keeps running."""
    global _showing
    details = format_exception(etype, value, tb)
    sys.stderr.write(details)
    if issubclass(etype, KeyboardInterrupt):
        QApplication.quit()
        return
    if _showing or QApplication.instance() is None:
        return
    summary = f"{etype.__name__}: {value}"
    _showing = True
    try:
        (show_dialog or _default_dialog)(summary, details)
    finally:
        _showing = False


def install() -> None:
    """Route uncaught exceptions to the dialog (idempotent)."""
    global _installed_prev
    if sys.excepthook is not excepthook:
        _installed_prev = sys.excepthook
        sys.excepthook = excepthook


def uninstall() -> None:
    global _installed_prev
    if sys.excepthook is excepthook and _installed_prev is not None:
        sys.excepthook = _installed_prev
        _installed_prev = None


def later(fn: Callable[[], None]) -> None:
    """Run `fn` from the event loop (so an exception in it goes through the hook)."""
    QTimer.singleShot(0, fn)
