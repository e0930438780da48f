"""What the backward and the forward stepper do the same way: a list of steps and a position
in it, moved by a debugger's verbs (next, previous, first, last), the position said in the
status bar and the step's node scrolled into view.

Each stepper says what its steps are, when it is active and how the canvas pictures a step;
this base keeps the moving and the telling in one place so the two cannot drift apart (they
share the same shortcuts and must behave alike under them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from app.application.main_window import MainWindow


class StepperBase(QObject):
    """Steps of a recorded pass and the index of the one shown; `go(index)` is the stepper's."""

    activeChanged = Signal(bool)
    stepChanged = Signal(int)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.steps: list[Any] = []
        self.index = -1

    @property
    def active(self) -> bool:
        raise NotImplementedError

    @property
    def count(self) -> int:
        return len(self.steps)

    def current_step(self) -> Any:
        return self.steps[self.index] if self.active and self.index >= 0 else None

    def start(self) -> bool:
        raise NotImplementedError

    def stop(self, message: str = "") -> None:
        raise NotImplementedError

    def go(self, index: int) -> None:
        raise NotImplementedError

    def toggle(self, on: bool) -> None:
        if on:
            self.start()
        else:
            self.stop()

    def next(self) -> None:  # noqa: A003 - a debugger's verb
        self.go(self.index + 1)

    def previous(self) -> None:
        self.go(self.index - 1)

    def first(self) -> None:
        self.go(0)

    def last(self) -> None:
        self.go(self.count - 1)

    def _show_position(self, text: str, node: str) -> None:
        """Say where stepping is (kept in the status bar until the next step) and bring the
        step's node into view, unless the view fits the whole graph by itself."""
        self.window.statusBar().showMessage(text)
        item = self.window.scene.nodes.get(node)
        if item is not None and not self.window.view.auto_fit:
            self.window.view.ensureVisible(item, 40, 40)

    def _status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 6000)
