"""What the window forgets when another document replaces the current one.

File ▸ New, File ▸ Open and an Examples entry all go through `GraphController.set_document`,
which emits `documentReplaced`. Widgets that only *describe* the document (the lesson banner,
the text typed in the expression bar, the Plots dock's per-edit series, the status bar message)
hold no reference to it, so nothing else tells them it is gone: left alone, a blank new graph
kept saying "f(x) = x² − 2x + 1 at x = 0" and plotted its output after the previous lesson's
curve. Each of them is reset here, in one place, before the new document is first evaluated
(whatever that evaluation and the caller show next — "Opened …", the new lesson's banner,
the new output's first value — then describes the new document only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.application.main_window import MainWindow

#: What the status bar says on a blank canvas (also the start-up message).
BLANK_STATUS = "Drag ops from the palette, or type an expression above and press Enter."


def forget_previous_document(window: MainWindow) -> None:
    """Reset everything that described the previous document to a blank state, except the
    banner, which shows the new document's own lesson text if it has one (a lesson opened
    with File ▸ Open reads as it does from the Examples menu), else hides."""
    meta = window.controller.doc.meta
    text = str(meta.get("explanation") or meta.get("description") or "")
    window.banner.show_lesson(str(meta.get("title") or "") if text else "", text)
    window.expression_bar.edit.clear()
    window.expression_bar.clear_error()
    window.plots.clear()
    window.statusBar().showMessage(BLANK_STATUS)


def install(window: MainWindow) -> None:
    """Connect the reset to the controller. Connected after the docks are built, so it runs
    after their own handlers (the stepper's "Stepping stopped" message is replaced too)."""
    window.controller.documentReplaced.connect(lambda: forget_previous_document(window))
