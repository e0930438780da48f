"""At its minimum height the Plots dock's axis titles do not run past their plots."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def _title_inside(plot) -> bool:
    """The left axis' title, if shown, lies within the plot widget's own height."""
    label = plot.getAxis("left").label
    if not label.isVisible():
        return True
    r = label.sceneBoundingRect()
    return r.top() >= 0 and r.bottom() <= plot.height()


def test_axis_titles_never_overflow_a_short_plot(window):
    p = window.plots
    p.start_training("Adam, lr 0.01")
    p.set_training(list(np.exp(-np.arange(80) / 10)), {"w": list(np.linspace(0, 1, 81))})
    p.show_page("training")
    window.resizeDocks([window.plots_dock], [1], Qt.Orientation.Vertical)  # its minimum
    _settle()
    window.plots_dock.grab().save("/tmp/r4-polish-plots-short.png")
    for plot in (p.loss_plot, p.param_plot):
        assert _title_inside(plot), plot.getAxis("left").labelText
    axis = p.param_plot.getAxis("left")
    assert not axis.label.isVisible() and axis.toolTip() == "parameters"  # said on hover
    assert p.loss_plot.getAxis("left").label.isVisible()  # "loss" is short: it stays
    window.resizeDocks([window.plots_dock], [400], Qt.Orientation.Vertical)
    _settle()
    assert axis.label.isVisible() and axis.toolTip() == "" and _title_inside(p.param_plot)
