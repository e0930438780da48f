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


def enable_moves(stepper: Any, index: int) -> None:
    """At step `index` of `stepper.count`: back (first, previous) only after the first step,
    on (next, last) only before the last."""
    stepper.act_prev.setEnabled(index > 0)
    stepper.act_first.setEnabled(index > 0)
    stepper.act_next.setEnabled(0 <= index < stepper.count - 1)
    stepper.act_last.setEnabled(0 <= index < stepper.count - 1)
