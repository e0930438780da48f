"""The plots dock (bottom): the output after each edit, and a training run converging.

Two pages, switched by the buttons on the header row:

- "Edits": the history of the output's value across edits, which already answers "did my
  change make the loss go down?" (`append(name, y)` / `set_series(name, ys)`).
- "Training": the loss per step (log scale on request: convergence is exponential, so a
  straight line there is what "converging" looks like) next to the parameters per step,
  one curve per scalar parameter or per element of a small vector, drawn by the Train
  panel through `start_training` / `set_training`.

Colours follow the theme.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import theme

EDITS_TITLE = "Output value after each edit"
#: curve colours for parameters (after the accent), readable on both themes
PARAM_COLORS = ("#e0701b", "#2ca25f", "#c23b8a", "#8a6bd6", "#1fa3a3", "#b8860b", "#d64545",
                "#6b8e23")


class PlotsPanel(QWidget):
    """The bottom dock's plots: edit history and training curves (see module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(self)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.addLegend(offset=(-10, 10))

        # training page: loss | parameters
        self.loss_plot = pg.PlotWidget(self)
        self.loss_plot.showGrid(x=True, y=True, alpha=0.25)
        self.loss_curve = self.loss_plot.plot([], [], name="loss", connect="finite")
        self.param_plot = pg.PlotWidget(self)
        self.param_plot.showGrid(x=True, y=True, alpha=0.25)
        self.param_legend = self.param_plot.addLegend(offset=(-10, 10))
        self._param_curves: dict[str, pg.PlotDataItem] = {}
        self._loss: list[float] = []
        self._params: dict[str, list[float]] = {}
        training = QWidget(self)
        row = QHBoxLayout(training)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.loss_plot, 1)
        row.addWidget(self.param_plot, 1)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.plot)
        self.pages.addWidget(training)

        # header: page switch, log toggle, what is shown
        self.edits_button = QPushButton("Edits", self)
        self.training_button = QPushButton("Training", self)
        self._page_buttons = QButtonGroup(self)
        for i, b in enumerate((self.edits_button, self.training_button)):
            b.setCheckable(True)
            b.setFlat(True)
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            self._page_buttons.addButton(b, i)
        self.edits_button.setChecked(True)
        self._page_buttons.idClicked.connect(self.pages.setCurrentIndex)
        self.pages.currentChanged.connect(self._page_changed)
        self.log_loss = QCheckBox("Log-scale loss", self)
        self.log_loss.setToolTip("Plot the loss on a log scale: steady convergence is a "
                                 "straight line (zero and negative losses are left out)")
        self.log_loss.toggled.connect(self._set_log)
        self.caption = QLabel(EDITS_TITLE, self)
        self.caption.setObjectName("hint")
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.setSpacing(2)
        head.addWidget(self.edits_button)
        head.addWidget(self.training_button)
        head.addSpacing(10)
        head.addWidget(self.caption, 1)
        head.addWidget(self.log_loss)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 6)
        lay.setSpacing(2)
        lay.addLayout(head)
        lay.addWidget(self.pages, 1)
        self._series: dict[str, list[float]] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._training_caption = ""
        #: while a run animates, its per-tick evaluations are not "edits": `append` skips them
        self.training_live = False
        self._page_changed(0)
        self.apply_theme()

    # ---- theme ---------------------------------------------------------------------------------
    def apply_theme(self) -> None:
        t = theme.current()
        for plot in (self.plot, self.loss_plot, self.param_plot):
            plot.setBackground(t.canvas_bg)
            for axis in ("left", "bottom"):
                ax = plot.getAxis(axis)
                ax.setPen(pg.mkPen(t.subtext))
                ax.setTextPen(pg.mkPen(t.subtext))
            legend = plot.plotItem.legend
            if legend is not None:
                legend.setLabelTextColor(t.text)
                legend.setBrush(pg.mkBrush(_alpha(t.node_bg, 200)))
                legend.setPen(pg.mkPen(t.node_border))
        # the x axis is the step (said on the header row): no bottom label, the dock is short
        for plot, label in ((self.loss_plot, "loss"), (self.param_plot, "parameters")):
            plot.setLabel("left", label, color=t.subtext.name())
        self.plot.setLabel("bottom", "edit", color=t.subtext.name())
        for curve in self._curves.values():
            curve.setPen(pg.mkPen(t.accent, width=2))
        self.loss_curve.setPen(pg.mkPen(t.accent, width=2))
        for i, curve in enumerate(self._param_curves.values()):
            curve.setPen(pg.mkPen(_param_color(i), width=2))
        checked = t.accent.name()
        self.setStyleSheet(
            "QPushButton { padding: 2px 10px; border-radius: 4px; }"
            f"QPushButton:checked {{ background: {_alpha(t.accent, 40).name(_ARGB)}; "
            f"color: {checked}; }}")

    # ---- edits page ----------------------------------------------------------------------------
    def set_series(self, name: str, ys: list[float]) -> None:
        self._series[name] = list(ys)
        curve = self._curves.get(name)
        if curve is None:
            curve = self.plot.plot([], [], name=name, pen=pg.mkPen(theme.current().accent, width=2),
                                   symbol="o", symbolSize=5)
            self._curves[name] = curve
        curve.setData(list(range(len(ys))), ys)
        self.plot.setXRange(0, max(len(ys) - 1, 10), padding=0.02)

    def append(self, name: str, y: float, limit: int = 500) -> None:
        if self.training_live:
            return
        ys = self._series.get(name, [])[-(limit - 1):] + [y]
        self.set_series(name, ys)

    def clear(self) -> None:
        for curve in self._curves.values():
            self.plot.removeItem(curve)
        self._curves.clear()
        self._series.clear()

    def series(self, name: str) -> list[float]:
        return list(self._series.get(name, []))

    # ---- training page -------------------------------------------------------------------------
    def show_page(self, name: str) -> None:
        """Switch to "edits" or "training"."""
        index = 1 if name == "training" else 0
        self.pages.setCurrentIndex(index)
        self._page_buttons.button(index).setChecked(True)
        self._page_changed(index)  # the caption may be new even if the page is not

    def start_training(self, caption: str = "") -> None:
        """Forget the previous run's curves and show the training page."""
        self.clear_training()
        self._training_caption = f"{caption} · per step" if caption else ""
        self.show_page("training")

    def clear_training(self) -> None:
        for curve in self._param_curves.values():
            self.param_plot.removeItem(curve)
        self._param_curves.clear()
        self.param_legend.clear()
        self._loss = []
        self._params = {}
        self.loss_curve.setData([], [])
        self._training_caption = ""
        if self.pages.currentIndex() == 1:
            self.caption.setText("")

    def set_training(self, loss: Sequence[float], params: Mapping[str, Sequence[float]]) -> None:
        """The run so far: `loss[i]` is step i+1's loss, `params[label][i]` the value after
        i steps (index 0 is the start)."""
        self._loss = [float(v) for v in loss]
        ys = np.asarray(self._loss, dtype=float)
        hidden = ""
        if self.log_loss.isChecked():
            if (ys <= 0).any():
                hidden = " · log scale: losses ≤ 0 not drawn"
            ys = np.where(ys > 0, ys, np.nan)
        if self.pages.currentIndex() == 1:
            self.caption.setText(self._training_caption + hidden)
        self.loss_curve.setData(np.arange(1, len(ys) + 1), ys)
        for label, values in params.items():
            curve = self._param_curves.get(label)
            if curve is None:
                curve = self.param_plot.plot([], [], name=label,
                                             pen=pg.mkPen(_param_color(len(self._param_curves)),
                                                          width=2))
                self._param_curves[label] = curve
                # legend entries side by side: a column of them would hide the curves
                self.param_legend.setColumnCount(min(len(self._param_curves), 4))
            self._params[label] = [float(v) for v in values]
            curve.setData(np.arange(len(values)), np.asarray(self._params[label]))

    def loss_series(self) -> list[float]:
        return list(self._loss)

    def param_series(self, label: str) -> list[float]:
        return list(self._params.get(label, []))

    def param_labels(self) -> list[str]:
        return list(self._param_curves)

    def _set_log(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)
        self.set_training(self._loss, self._params)

    def _page_changed(self, index: int) -> None:
        self.log_loss.setVisible(index == 1)
        self.caption.setText(self._training_caption if index == 1 else EDITS_TITLE)


_ARGB = QColor.NameFormat.HexArgb


def _alpha(color: QColor, a: int) -> QColor:
    c = QColor(color)
    c.setAlpha(a)
    return c


def _param_color(i: int) -> QColor:
    """The first parameter takes the accent (as the loss does), then a fixed cycle."""
    t = theme.current()
    return t.accent if i == 0 else QColor(PARAM_COLORS[(i - 1) % len(PARAM_COLORS)])
