"""What entering or leaving a stepping mode shows, the same for backward and forward: the
mode's action ticks (without re-triggering it), the navigation enables, and the step bar and
step dock appear or go."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction


def check_quietly(act: QAction, on: bool) -> None:
    """Tick or untick a checkable action without emitting `toggled` (that would re-enter)."""
    act.blockSignals(True)
    act.setChecked(on)
    act.blockSignals(False)


def show_mode(stepper: Any, nav: list[QAction], on: bool) -> None:
    """`stepper` has `act_mode`, `bar` and `dock` (as `install` gives both steppers)."""
    check_quietly(stepper.act_mode, on)
    for act in nav:
        act.setEnabled(on)
    stepper.bar.apply_theme()
    stepper.bar.setVisible(on)
    stepper.dock.setVisible(on)
    if on:
        stepper.dock.raise_()
