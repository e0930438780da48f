"""The Plots dock reads well: plain tick labels (no SI prefix), legends beside the plots and
never over the curves, a log-scale loss that copes with no data and losses ≤ 0, and a lone
edit centred on a whole-number axis."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication

from app.application import theme
from app.panels.plots import dock as plots_module
from app.panels.plots.dock import LOG_HIDDEN, NO_RUN, PlotAxis, format_ticks


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _twelve_params(steps: int = 80) -> dict[str, list[float]]:
    t = np.arange(steps + 1)
    # curves that rise to the top right: exactly where an in-plot legend used to sit
    return {f"w[{i}]": list(0.7 * (1 - np.exp(-t / (5 + i))) + 0.05 * i) for i in range(12)}


def _global_rect(widget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def test_axes_have_no_si_prefix_and_plain_tick_labels(window):
    p = window.plots
    for plot in (p.plot, p.loss_plot, p.param_plot):
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            assert isinstance(axis, PlotAxis)
            assert axis.autoSIPrefix is False
    # 0..0.7 stays 0..0.7: the old axis showed 0..700 and "parameters (x0.001)"
    p.start_training("SGD")
    p.set_training([1.0, 0.5], {"x": [0.0, 0.35, 0.7]})
    _settle()
    axis = p.param_plot.getAxis("left")
    assert axis.autoSIPrefixScale == 1.0
    assert "x0.001" not in axis.labelString() and "(" not in axis.labelString()
    assert axis.tickStrings([0.0, 0.2, 0.4, 0.6], 1.0, 0.2) == ["0.0", "0.2", "0.4", "0.6"]


@pytest.mark.parametrize(("values", "spacing", "expected"), [
    ([0.0, 0.0005, 0.001], 0.0005, ["0.0000", "0.0005", "0.0010"]),
    ([0.0, 0.25, 0.5], 0.25, ["0.00", "0.25", "0.50"]),
    ([12000, 12010, 12020], 10, ["12000", "12010", "12020"]),
    ([0.0, 1e-6, 2e-6], 1e-6, ["0", "1e-6", "2e-6"]),
    ([1e-6, 1.5e-6, 2e-6], 5e-7, ["1.0e-6", "1.5e-6", "2.0e-6"]),
    ([100000, 150000], 50000, ["1.0e5", "1.5e5"]),
    ([-0.0, -1.0], 1.0, ["0", "-1"]),
])
def test_format_ticks_reads_well_at_any_magnitude(values, spacing, expected):
    assert format_ticks(values, spacing) == expected


def test_legend_is_beside_the_plot_and_never_over_the_curves(window):
    p = window.plots
    window.plots_dock.raise_()
    p.start_training("Adam, lr 0.01")
    params = _twelve_params()
    p.set_training(list(np.exp(-np.arange(80) / 10)), params)
    _settle()
    # no pyqtgraph legend inside any plot's scene: nothing can sit on the data
    for plot in (p.plot, p.loss_plot, p.param_plot):
        assert plot.plotItem.legend is None
    legend = p.param_legend
    assert legend.isVisible()
    assert legend.labels() == list(params)
    plot_rect = _global_rect(p.param_plot)
    legend_rect = _global_rect(legend)
    assert not plot_rect.intersects(legend_rect)
    assert legend_rect.left() >= plot_rect.right()
    # all 12 entries are on screen at once, side by side in columns, none cut off
    viewport = legend.viewport().rect()
    for i in range(legend.count()):
        r = legend.visualItemRect(legend.item(i))
        assert viewport.contains(r), (legend.item(i).text(), r, viewport)
    assert not legend.horizontalScrollBar().isVisible()
    # the legend takes its room from the dock, not from the parameters plot alone
    assert abs(p.param_plot.width() - p.loss_plot.width()) <= 2
    assert p.param_plot.width() > legend.width()
    # every curve is drawn, in its own colour
    pens = {curve.opts["pen"].color().name() for curve in p._param_curves.values()}
    assert len(pens) >= 9  # the accent and the 8-colour cycle
    assert all(c.isVisible() for c in p._param_curves.values())


def test_legend_hover_brings_a_curve_forward_and_click_hides_it(window):
    p = window.plots
    p.start_training("SGD")
    p.set_training([1.0], {"a": [0.0, 1.0], "b": [1.0, 0.0]})
    legend = p.param_legend
    legend._set_hot("b")
    a, b = p._param_curves["a"], p._param_curves["b"]
    assert b.zValue() > a.zValue() and b.opts["pen"].widthF() > a.opts["pen"].widthF()
    legend._set_hot(None)
    assert a.opts["pen"].widthF() == b.opts["pen"].widthF()
    legend.toggle("a")
    assert not a.isVisible() and legend.is_hidden("a")
    legend.toggle("a")
    assert a.isVisible()


def test_empty_training_page_shows_a_sentence_not_an_empty_legend(window):
    p = window.plots
    p.start_training("SGD")
    _settle()
    assert not p.param_legend.isVisible()
    assert p._param_empty.visible() and p._param_empty.text() == NO_RUN
    assert p._loss_empty.visible()


@pytest.mark.parametrize("loss", [[], [0.0, -1.0, 0.0]])
def test_log_scale_with_nothing_drawable_has_a_clean_finite_view(window, loss):
    p = window.plots
    p.start_training("SGD")
    p.log_loss.setChecked(True)
    p.set_training(loss, {"x": [0.0, 0.1, 0.2, 0.3][:len(loss) + 1]})
    _settle()
    (x0, x1), (y0, y1) = p.loss_plot.plotItem.vb.viewRange()
    assert all(math.isfinite(v) for v in (x0, x1, y0, y1))
    lo, hi = plots_module.EMPTY_LOG_Y  # 10⁻³ … 10, decades only
    assert y0 < lo < hi < y1 and y1 - y0 < 1.2 * (hi - lo)
    assert x1 > x0
    if loss:
        assert p._loss_empty.text() == LOG_HIDDEN
        assert LOG_HIDDEN in p.caption.text()
    else:
        assert p._loss_empty.text() == NO_RUN
    # the log axis labels decades (and 2, 5), never a smudge of 2…9
    axis = p.loss_plot.getAxis("left")
    levels = axis.tickValues(y0, y1, 100)
    labels = [s for sp, vals in levels for s in axis.tickStrings(vals, 1.0, sp) if s]
    assert labels == ["0.001", "0.01", "0.1", "1", "10"], labels
    p.log_loss.setChecked(False)
    assert all(math.isfinite(v) for r in p.loss_plot.plotItem.vb.viewRange() for v in r)


def test_log_scale_drops_non_positive_losses_with_a_note(window):
    p = window.plots
    p.start_training("SGD")
    p.log_loss.setChecked(True)
    p.set_training([1.0, 0.1, 0.0, 0.01], {"x": [0.0] * 5})
    _settle()
    ys = p.loss_curve.getData()[1]
    assert np.isnan(ys[2]) and np.isfinite(ys[[0, 1, 3]]).all()
    assert not p._loss_empty.visible()
    assert LOG_HIDDEN in p.caption.text()
    (_, _), (y0, y1) = p.loss_plot.plotItem.vb.viewRange()
    assert y0 < -1.9 and y1 > -0.1  # log10 of 0.01 … 1 in view
    p.set_training([1.0, 0.1], {"x": [0.0] * 3})
    assert LOG_HIDDEN not in p.caption.text()


def test_a_lone_edit_is_centred_on_whole_number_ticks(window):
    p = window.plots
    p.clear()
    assert p._edits_empty.visible()
    p.append("out", 1.0)
    _settle()
    assert not p._edits_empty.visible()
    (x0, x1), _ = p.plot.plotItem.vb.viewRange()
    assert x0 < 0 < x1 and abs((x0 + x1) / 2) < 1e-9  # centred, not at the left end of 0..10
    axis = p.plot.getAxis("bottom")
    ticks = [v for _, vals in axis.tickValues(x0, x1, 800) for v in vals]
    assert ticks == [0.0]  # no 0.2, 0.4, … and no negative edits
    # one series is named by the axis; a legend only appears for several
    assert not p.edits_legend.isVisible()
    assert "out" in p.plot.getAxis("left").labelString()
    p.append("y", 2.0)
    _settle()
    assert p.edits_legend.isVisible() and p.edits_legend.labels() == ["out", "y"]
    pens = [c.opts["pen"].color().name() for c in p._curves.values()]
    assert pens[0] != pens[1]


def test_theme_switch_recolours_the_dock(window):
    p = window.plots
    p.start_training("SGD")
    p.set_training([1.0], {"a": [0.0, 1.0], "b": [1.0, 0.0]})
    app = QApplication.instance()
    theme.apply(app, dark=True)
    p.apply_theme()
    try:
        dark = theme.current()
        assert p._param_curves["a"].opts["pen"].color() == dark.accent
        assert p.param_legend.item(0).foreground().color() == dark.text
        assert p.param_plot.getAxis("left").textPen().color() == dark.subtext
    finally:
        theme.apply(app, dark=False)
        p.apply_theme()


def _axes_shown(plot) -> list[bool]:
    return [plot.getAxis(name).isVisible() for name in ("left", "bottom")]


def test_an_empty_plot_draws_no_axes_only_its_sentence(window):
    """The empty Edits plot drew a 0…1 by 0…10 frame of ticks and grid lines round its
    sentence, as if it plotted something; the axes come with the first point."""
    p = window.plots
    p.show_page("edits")
    _settle()
    assert p._edits_empty.visible() and _axes_shown(p.plot) == [False, False]
    p.apply_theme()  # (labelling an axis through PlotItem shows it again)
    assert _axes_shown(p.plot) == [False, False]
    p.append("out", 1.0)
    _settle()
    assert _axes_shown(p.plot) == [True, True]
    p.clear()
    assert _axes_shown(p.plot) == [False, False]
    p.start_training("SGD")
    _settle()
    assert _axes_shown(p.loss_plot) == [False, False] == _axes_shown(p.param_plot)
    p.set_training([1.0, 0.5], {"x": [0.0, 0.5, 0.7]})
    _settle()
    assert _axes_shown(p.loss_plot) == [True, True] == _axes_shown(p.param_plot)
