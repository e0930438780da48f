"""Drawing a race: the loss surface (or curve) with the runners on it, and their losses.

One scalar coordinate: the curve loss(θ), each runner's trail of points along it, its
current point and the tangent there (slope = the gradient the engine computed at that
step). Two: the grid as a heatmap (viridis, perceptual) with contour lines — on a log
scale when the loss spans decades — each runner's path (outlined, so it reads on any
colour), current point, the start and the grid's minimum when it lies inside the grid.
The surface does not change while a race plays, so it, the colour bar and the axes are
cached pixmaps; a frame (`show_step`) only moves paths, points and curves.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QWidget

from app.application import theme
from app.panels.plots.dock import PlotAxis
from app.panels.plots.race_job import RaceResult
from app.panels.plots.race_panel import runner_title
from app.panels.plots.surface_job import Surface
from core.graph.landscape import LossGrid

#: runner colours: the theme's
RUNNER_COLORS = theme.RUNNER_COLORS
#: contour lines drawn
N_LEVELS = 12
#: the loss spans this many decades or more: colours and contours on a log scale
LOG_DECADES = 2.0
#: (short lines: the placeholder sits in a plot a third of the dock wide)
NO_RACE = ("No race yet.\nTick optimizers on the right and press Race:\neach runs from the "
           "current values,\nits path drawn on the loss landscape.")
#: the loss plot before a race (the surface beside it is already drawn)
NO_LOSSES = "Each runner's loss per step\nappears here after a race."


def _plot(parent: QWidget, whole_x: bool = False) -> pg.PlotWidget:
    plot = pg.PlotWidget(parent, axisItems={"left": PlotAxis("left"),
                                            "bottom": PlotAxis("bottom", whole=whole_x)})
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.plotItem.layout.setContentsMargins(2, 4, 8, 2)
    return plot


def _wrap_to(text: pg.TextItem, view: pg.ViewBox) -> None:
    """Wrap `text` to the width of `view` (on screen) when its lines are wider than that."""
    room = max(40.0, view.width() - 8)
    text.setTextWidth(-1)  # its natural width first: lines only break where they must
    if text.textItem.boundingRect().width() > room:
        text.setTextWidth(room)


class LandscapePlots(QWidget):
    """The surface (or curve) with the runners on it, and their loss curves."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # a layout widget: the plot and its colour bar side by side, exported together
        self.surface_view = pg.GraphicsLayoutWidget(self)
        self.surface = self.surface_view.addPlot(
            row=0, col=0, axisItems={"left": PlotAxis("left"), "bottom": PlotAxis("bottom")})
        self.surface.setMenuEnabled(False)
        self.surface.hideButtons()
        self.surface_view.ci.layout.setContentsMargins(2, 4, 4, 2)
        self.loss_plot = _plot(self, whole_x=True)
        #: (title, colour) per runner, in order: the page draws the legend line from it
        self.legend: list[tuple[str, QColor]] = []
        self.result: RaceResult | None = None
        #: the landscape drawn before any race (`show_surface`), or None
        self.surface_shown: Surface | None = None
        self.step = 0
        self._items: list[Any] = []  # everything drawn for the current result
        self._runner_items: dict[str, dict[str, Any]] = {}
        self._loss_curves: dict[str, pg.PlotDataItem] = {}
        self.image: pg.ImageItem | None = None
        self.isocurves: list[pg.IsocurveItem] = []
        self.colorbar: pg.ColorBarItem | None = None
        self.log_scale = False
        self.loss_log = False
        self.levels = np.zeros(0)
        self.empty = pg.TextItem(NO_RACE, anchor=(0.5, 0.5))
        self.surface.addItem(self.empty, ignoreBounds=True)
        self.loss_empty = pg.TextItem(NO_LOSSES, anchor=(0.5, 0.5))
        self.loss_plot.addItem(self.loss_empty, ignoreBounds=True)
        # the sentences wrap to their plot's width: in a narrow dock a line ran past both sides
        for plot, text in ((self.surface, self.empty), (self.loss_plot.plotItem, self.loss_empty)):
            plot.vb.sigResized.connect(lambda vb, t=text: _wrap_to(t, vb))
        self.step_line = pg.InfiniteLine(angle=90, movable=False)
        self.loss_plot.addItem(self.step_line, ignoreBounds=True)
        # axes do not move during playback: cache their drawing (a frame repaints the
        # whole view, and re-drawing four axes' ticks was a third of a frame)
        for plot in (self.surface, self.loss_plot.plotItem):
            for name in ("left", "bottom"):
                plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.surface_view, 3)
        row.addWidget(self.loss_plot, 2)
        self.apply_theme()
        self.clear()

    # ---- theme ---------------------------------------------------------------------------------
    def apply_theme(self) -> None:
        t = theme.current()
        self.surface_view.setBackground(t.canvas_bg)
        self.loss_plot.setBackground(t.canvas_bg)
        for plot in (self.surface, self.loss_plot):
            for axis in ("left", "bottom"):
                ax = plot.getAxis(axis)
                ax.setPen(pg.mkPen(t.node_border))
                ax.setTextPen(pg.mkPen(t.subtext))
        self.step_line.setPen(pg.mkPen(t.subtext, width=1, style=Qt.PenStyle.DashLine))
        self.empty.setColor(t.subtext)
        self.loss_empty.setColor(t.subtext)
        _label(self.loss_plot.getAxis("bottom"), "step")
        _label(self.loss_plot.getAxis("left"), "loss (log scale)" if self.loss_log else "loss")

    # ---- content -------------------------------------------------------------------------------
    def clear(self, message: str = NO_RACE) -> None:
        for plot, item in self._items:
            plot.removeItem(item)
        if self.colorbar is not None:
            self.surface_view.removeItem(self.colorbar)
            self.colorbar = None
        self._items = []
        self._runner_items = {}
        self._loss_curves = {}
        self.image = None
        self.isocurves = []
        self.legend = []
        self.result = None
        self.surface_shown = None
        _label(self.surface.getAxis("bottom"), "")
        _label(self.surface.getAxis("left"), "")
        self.surface.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        self.loss_plot.setRange(xRange=(0, 10), yRange=(0, 1), padding=0)
        self.empty.setText(message, theme.current().subtext)
        self.empty.setPos(0.5, 0.5)
        self.loss_empty.setPos(5.0, 0.5)
        self.step_line.hide()
        self._show_empty(True)

    def _show_empty(self, on: bool, losses: bool | None = None) -> None:
        """An empty plot shows its sentence and no axes (a 0…1 frame of ticks read as a plot
        of something); `losses` is the loss plot's state when it differs from the
        surface's (before a race the surface is drawn, the losses are not)."""
        losses = on if losses is None else losses
        self.empty.setVisible(on)
        self.loss_empty.setVisible(losses)
        for plot, empty in ((self.surface, on), (self.loss_plot.plotItem, losses)):
            for name in ("left", "bottom"):
                plot.showAxis(name, not empty)

    def _add(self, plot: pg.PlotWidget, item: Any) -> Any:
        plot.addItem(item)
        self._items.append((plot, item))
        return item

    def show_result(self, res: RaceResult) -> None:
        """Draw a computed race at step 0."""
        self.clear()
        self._show_empty(False)
        self.result = res
        g = res.grid
        assert g is not None
        self._draw_surface(g, [res.names[a] for a in res.axes])
        self._scale_loss_axis(res)
        for i, (label, tr) in enumerate(res.race.trajectories.items()):
            self._add_runner(i, label, tr, one=g.ys is None)
        self._mark_start(res)
        self._mark_minimum(g)
        self._frame_losses(res)
        self.step_line.show()
        self.show_step(0)

    def show_surface(self, s: Surface) -> None:
        """The landscape before any race: the surface around the current point, marked
        (the race that follows draws its own over it)."""
        self.clear()
        self._show_empty(False, losses=True)
        self.surface_shown = s
        self._draw_surface(s.grid, list(s.names))
        if s.grid.ys is None:
            self._marker((s.point[0], s.loss), "current", theme.current().text)
        else:
            self._marker((s.point[0], s.point[1]), "current", theme.MARKER_FILL)
        self._mark_minimum(s.grid)

    # ---- the steps of drawing ------------------------------------------------------------------
    def _draw_surface(self, g: LossGrid, names: list[str]) -> None:
        """The curve (one coordinate) or the heatmap with contours (two)."""
        if g.ys is None:
            self._curve(g, names[0])
        else:
            self._heatmap(g, names[0], names[1])

    def _scale_loss_axis(self, res: RaceResult) -> None:
        """A log scale for the losses when they span more than LOG_DECADES decades."""
        losses = np.concatenate([tr.loss for tr in res.race.trajectories.values()])
        finite = losses[np.isfinite(losses)]
        self.loss_log = bool(finite.size and finite.min() > 0
                             and math.log10(finite.max() / finite.min()) > LOG_DECADES)
        self.loss_plot.setLogMode(y=self.loss_log)
        _label(self.loss_plot.getAxis("left"), "loss (log scale)" if self.loss_log else "loss")

    def _add_runner(self, i: int, label: str, tr: Any, one: bool) -> None:
        """A runner's items, empty until `show_step` fills them: its path (a trail of
        points and a tangent on a curve, a line on a heatmap), its point, its loss curve."""
        color = QColor(RUNNER_COLORS[i % len(RUNNER_COLORS)])
        items: dict[str, Any] = {}
        if not one:  # a plain curve item: a frame sets its data, nothing more
            outline = pg.mkPen(theme.PATH_OUTLINE, width=4.5)
            items["path"] = self._add(self.surface, pg.PlotCurveItem(
                pen=pg.mkPen(color, width=2.2), shadowPen=outline, skipFiniteCheck=True))
        else:
            items["path"] = self._add(self.surface, pg.ScatterPlotItem(
                size=5, pen=None, brush=pg.mkBrush(_alpha(color, 110))))
            items["tangent"] = self._add(self.surface, pg.PlotDataItem(
                [], [], pen=pg.mkPen(color, width=2.5, style=Qt.PenStyle.DashLine)))
        items["point"] = self._add(self.surface, pg.ScatterPlotItem(
            size=12, pen=pg.mkPen(theme.MARKER_EDGE, width=1.5), brush=pg.mkBrush(color)))
        for it in items.values():
            it.setZValue(20 if it is items["point"] else 10)
        self._runner_items[label] = items
        self._loss_curves[label] = self._add(
            self.loss_plot, pg.PlotDataItem([], [], pen=pg.mkPen(color, width=2)))
        self.legend.append((f"{runner_title(label)} (lr {tr.settings.get('lr'):g})", color))

    def _mark_start(self, res: RaceResult) -> None:
        """Where every runner set off (on the curve: at its loss)."""
        first = res.race.trajectories[next(iter(res.race.trajectories))]
        start = first.params[0]
        if res.grid is not None and res.grid.ys is None:
            self._marker((start[res.axes[0]], float(first.loss[0])), "start",
                         theme.current().text)
        else:
            self._marker((start[res.axes[0]], start[res.axes[1]]), "start", theme.MARKER_FILL)

    def _mark_minimum(self, g: LossGrid) -> None:
        """The grid's lowest point, when it lies inside the grid (on the edge it is not a
        minimum, only where the grid stops)."""
        if g.ys is None:
            mx, mz = g.minimum()
            if math.isfinite(mz) and g.xs[0] < mx < g.xs[-1]:
                self._marker((mx, mz), "min", theme.current().text, star=True)
            return
        mx, my, mz = g.minimum()
        inside = (g.xs[0] < mx < g.xs[-1]) and (g.ys[0] < my < g.ys[-1])
        if math.isfinite(mz) and inside:
            self._marker((mx, my), "grid min", theme.MARKER_FILL, star=True)

    def _frame_losses(self, res: RaceResult) -> None:
        """The loss plot's view: every step, every finite loss (in log10 on a log scale)."""
        total = max(tr.steps for tr in res.race.trajectories.values())
        self.loss_plot.setXRange(0, max(total, 1), padding=0.02)
        losses = np.concatenate([tr.loss for tr in res.race.trajectories.values()])
        finite = losses[np.isfinite(losses)]
        ys = finite if not self.loss_log else np.log10(finite)
        if ys.size:
            lo, hi = float(ys.min()), float(ys.max())
            pad = 0.05 * (hi - lo) or 0.5
            self.loss_plot.setYRange(lo - pad, hi + pad, padding=0)

    def _marker(self, pos: tuple[float, float], text: str, color: QColor,
                star: bool = False) -> None:
        sym = pg.ScatterPlotItem([pos[0]], [pos[1]], size=15 if star else 10,
                                 symbol="star" if star else "o",
                                 pen=pg.mkPen(theme.MARKER_EDGE, width=1.2),
                                 brush=pg.mkBrush(color if not star else theme.MARKER_FILL))
        sym.setZValue(15)
        self._add(self.surface, sym)
        (x0, x1), _ = self.surface.vb.viewRange()
        side = 0.5 if x0 + 0.15 * (x1 - x0) < pos[0] < x1 - 0.15 * (x1 - x0) else (
            0.0 if pos[0] <= x0 + 0.15 * (x1 - x0) else 1.0)
        label = pg.TextItem(text, color=color, anchor=(side, 1.25))
        label.setPos(*pos)
        label.setZValue(15)
        self.surface.addItem(label, ignoreBounds=True)
        self._items.append((self.surface, label))

    def _curve(self, g: LossGrid, name: str) -> None:
        t = theme.current()
        self._add(self.surface, pg.PlotDataItem(g.xs, g.z, pen=pg.mkPen(t.text, width=2),
                                                connect="finite"))
        _label(self.surface.getAxis("bottom"), name)
        _label(self.surface.getAxis("left"), "loss")
        z = g.z[np.isfinite(g.z)]
        self.surface.setXRange(float(g.xs[0]), float(g.xs[-1]), padding=0)
        if z.size:
            lo, hi = float(z.min()), float(z.max())
            pad = 0.06 * (hi - lo) or 0.5
            self.surface.setYRange(lo - pad, hi + pad, padding=0)

    def _heatmap(self, g: LossGrid, xname: str, yname: str) -> None:
        t = theme.current()
        assert g.ys is not None
        z = np.array(g.z, dtype=np.float64)
        finite = np.isfinite(z)
        zmin = float(z[finite].min()) if finite.any() else 0.0
        zmax = float(z[finite].max()) if finite.any() else 1.0
        floor = max(zmin, zmax * 1e-8) if zmax > 0 else 0.0
        self.log_scale = bool(zmin >= 0 and zmax > 0 and floor > 0
                              and math.log10(zmax / floor) > LOG_DECADES)
        if self.log_scale:
            shown = np.log10(np.maximum(np.where(finite, z, zmax), floor))
        else:
            shown = np.where(finite, z, zmax)
        lo, hi = float(shown.min()), float(shown.max())
        if hi <= lo:
            hi = lo + 1.0
        cmap = pg.colormap.get("viridis")
        img = pg.ImageItem(shown.T)  # ImageItem indexes [x, y]
        img.setColorMap(cmap)
        img.setLevels((lo, hi))
        dx = (g.xs[-1] - g.xs[0]) / (len(g.xs) - 1)
        dy = (g.ys[-1] - g.ys[0]) / (len(g.ys) - 1)
        img.setRect(QRectF(g.xs[0] - dx / 2, g.ys[0] - dy / 2, dx * len(g.xs),
                           dy * len(g.ys)))
        img.setZValue(-10)
        # the surface never changes during playback: paint it (and its contours) once
        # into a pixmap and reuse it every frame, so a frame costs only the paths
        img.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._add(self.surface, img)
        self.image = img
        self.levels = np.linspace(lo, hi, N_LEVELS + 2)[1:-1]
        for lv in self.levels:
            iso = pg.IsocurveItem(shown.T, level=float(lv),
                                  pen=pg.mkPen(theme.CONTOUR_LINE, width=1))
            iso.setParentItem(img)  # (not cached: twelve full-size pixmaps cost more)
            self.isocurves.append(iso)
        self.colorbar = pg.ColorBarItem(values=(lo, hi), colorMap=cmap, interactive=False,
                                        width=12, colorMapMenu=False,
                                        label="log₁₀ loss" if self.log_scale else "loss")
        self.colorbar.setImageItem(img)
        self.colorbar.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.surface_view.addItem(self.colorbar, row=0, col=1)
        self.colorbar.getAxis("right").setTextPen(pg.mkPen(t.subtext))
        self.colorbar.getAxis("right").setPen(pg.mkPen(t.node_border))
        _label(self.surface.getAxis("bottom"), xname)
        _label(self.surface.getAxis("left"), yname)
        self.surface.setXRange(float(g.xs[0]), float(g.xs[-1]), padding=0)
        self.surface.setYRange(float(g.ys[0]), float(g.ys[-1]), padding=0)

    # ---- playback ------------------------------------------------------------------------------
    def show_step(self, k: int) -> None:
        """Every runner as it was after k steps (its last point if it stopped earlier)."""
        res = self.result
        if res is None:
            return
        self.step = int(k)
        one = res.grid is not None and res.grid.ys is None
        ax = res.axes
        span = 0.0
        if one and res.grid is not None:
            span = 0.08 * float(res.grid.xs[-1] - res.grid.xs[0])
        for label, tr in res.race.trajectories.items():
            j = tr.at(k)
            items = self._runner_items[label]
            p = tr.params[: j + 1]
            if one:
                x, y = float(p[-1, ax[0]]), float(tr.loss[j])
                items["path"].setData(p[:, ax[0]], tr.loss[: j + 1])
                items["point"].setData([x], [y])
                slope = float(tr.grads[j, ax[0]])
                items["tangent"].setData([x - span, x + span], [y - slope * span,
                                                                 y + slope * span])
            else:
                items["path"].setData(p[:, ax[0]], p[:, ax[1]])
                items["point"].setData([p[-1, ax[0]]], [p[-1, ax[1]]])
            losses = tr.loss[: j + 1]
            steps = np.arange(j + 1)
            if self.loss_log:
                keep = losses > 0
                steps, losses = steps[keep], losses[keep]
            self._loss_curves[label].setData(steps, losses)
        self.step_line.setValue(k)


def _alpha(color: QColor, a: int) -> QColor:
    c = QColor(color)
    c.setAlpha(a)
    return c


def _label(axis: pg.AxisItem, text: str) -> None:
    """An axis title in the theme's colour; not through PlotItem.setLabel, which also shows
    the axis (an empty plot keeps its axes hidden)."""
    axis.setLabel(text, color=theme.current().subtext.name())
