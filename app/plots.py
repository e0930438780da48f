"""The plots dock (bottom): a pyqtgraph plot the step/optimize features draw curves into.

For now it shows the history of the output's value across edits, which already answers "did my
change make the loss go down?". Colours follow the theme.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app import theme


class PlotsPanel(QWidget):
    """A titled plot with a named-series API: `append(name, y)` / `set_series(name, ys)`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(self)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("bottom", "edit")
        self.plot.setTitle("Output value after each edit", size="9pt")
        self.plot.addLegend(offset=(-10, 10))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 6)
        lay.addWidget(self.plot)
        self._series: dict[str, list[float]] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self.apply_theme()

    def apply_theme(self) -> None:
        t = theme.current()
        self.plot.setBackground(t.canvas_bg)
        self.plot.setTitle("Output value after each edit", size="9pt", color=t.subtext.name())
        for axis in ("left", "bottom"):
            ax = self.plot.getAxis(axis)
            ax.setPen(pg.mkPen(t.subtext))
            ax.setTextPen(pg.mkPen(t.subtext))
        for curve in self._curves.values():
            curve.setPen(pg.mkPen(t.accent, width=2))

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
        ys = self._series.get(name, [])[-(limit - 1):] + [y]
        self.set_series(name, ys)

    def clear(self) -> None:
        for curve in self._curves.values():
            self.plot.removeItem(curve)
        self._curves.clear()
        self._series.clear()

    def series(self, name: str) -> list[float]:
        return list(self._series.get(name, []))
