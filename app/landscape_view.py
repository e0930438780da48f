"""The Landscape page of the Plots dock: the loss surface, optimizers racing across it.

"Plots animate SGD converging" made literal: one scalar parameter shows the curve
loss(θ) with each runner's point sliding along it and the tangent there (slope = the
gradient the engine computed at that step); two show the surface as a heatmap (viridis,
perceptual) with contour lines (log-spaced when the loss spans decades), every runner's
path, its current point, the start and the grid's minimum; more than two show the
surface over the two chosen coordinates, the rest held at their start values — and the
page says so. Beside it, one loss curve per runner, a legend, and the winner named.

Numbers come from core only: `core.graph.race.Race` (each runner a `Trainer`) and
`core.graph.landscape.loss_grid`, computed together once per race on a worker thread
(`RaceJob`; core's grad mode is thread-local), never per frame. Playback (`Player` in
`app/race_panel.py`) only picks which recorded step to draw; the canvas follows it: the
shown runner's values at that step are written into the document (one undo step for
the whole race, as a training run is), so nodes and gradients show that step.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app import theme
from app import undo_commands as uc
from app.plots import PlotAxis
from app.race_panel import RacePanel, runner_title
from core.graph import Change, Document, GraphError
from core.graph.landscape import LossGrid, loss_grid
from core.graph.race import Race
from core.graph.train import trainable
from core.graph.values import dtype_name

if TYPE_CHECKING:
    from app.controller import GraphController
    from app.main_window import MainWindow

#: runner colours: distinct from each other, on the viridis surface (drawn with a dark
#: outline there) and on both themes' plot background
RUNNER_COLORS = ("#e6194b", "#f58231", "#f032e6", "#42d4f4", "#3cb44b", "#4363d8", "#9a6324")
#: grid points per axis (2-D) and along the curve (1-D)
GRID_2D = 160
GRID_1D = 400
#: contour lines drawn
N_LEVELS = 12
#: the loss spans this many decades or more: colours and contours on a log scale
LOG_DECADES = 2.0
NO_RACE = ("No race yet: tick optimizers on the right and press Race — each runs from the "
           "current values and its path is drawn on the loss landscape")


@dataclass
class RaceResult:
    """A computed race and the landscape under it."""

    race: Race
    grid: LossGrid | None
    axes: list[int]  # trajectory columns on the x (and y) axis
    names: list[str]  # every column's name
    error: str | None = None
    held: list[str] = field(default_factory=list)  # columns held at their start value


def grid_ranges(race: Race, axes: list[int]) -> list[tuple[float, float]]:
    """Around every runner's path on the chosen columns, with a margin, never empty."""
    out = []
    for a in axes:
        vals = np.concatenate([t.params[:, a] for t in race.trajectories.values()])
        vals = vals[np.isfinite(vals)]
        lo, hi = (float(vals.min()), float(vals.max())) if vals.size else (-1.0, 1.0)
        span = hi - lo
        pad = max(0.2 * span, 0.5 if span < 1e-9 else 0.05 * span, 1e-3 * max(abs(lo), abs(hi)))
        out.append((lo - pad, hi + pad))
    return out


def compute(doc: Document, settings: dict[str, dict[str, Any]], steps: int,
            axes: list[int] | None, race: Race | None = None) -> RaceResult:
    """The race (unless given) and the grid under it: what the worker thread runs."""
    if race is None:
        race = Race(doc, settings)
        race.run(steps)
    names = race.names
    axes = [a for a in (axes or [0, 1]) if 0 <= a < len(names)][:2] or [0]
    if len(axes) == 2 and axes[0] == axes[1]:
        axes = axes[:1]
    cols = race.columns
    res = GRID_1D if len(axes) == 1 else GRID_2D
    grid = loss_grid(race.doc, [cols[a] for a in axes], grid_ranges(race, axes), res,
                     values=race.start_values())
    held = [n for i, n in enumerate(names) if i not in axes]
    return RaceResult(race, grid, axes, names, held=held)


class _Bridge(QObject):
    done = Signal(object)


class RaceJob:
    """`compute` on a daemon thread; `done(result or message)` arrives on the UI thread.
    The document is a copy taken on the UI thread, so edits meanwhile cannot race it."""

    def __init__(self, doc: Document, settings: dict[str, dict[str, Any]], steps: int,
                 axes: list[int] | None, race: Race | None = None) -> None:
        self.bridge = _Bridge()
        self.done = self.bridge.done
        self.generation = 0  # the page's document generation it was started in
        self._args = (doc, settings, steps, axes, race)
        self.thread = threading.Thread(target=self._run, name="chainrule-race", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        result: RaceResult | str = "the race failed (see the log)"
        try:
            result = compute(*self._args)
        except GraphError as e:
            result = str(e)
        finally:
            try:
                self.bridge.done.emit(result)
            except RuntimeError:  # the page was closed meanwhile: nobody to tell
                pass


# ---- drawing -----------------------------------------------------------------------------------
def _plot(parent: QWidget, whole_x: bool = False) -> pg.PlotWidget:
    plot = pg.PlotWidget(parent, axisItems={"left": PlotAxis("left"),
                                            "bottom": PlotAxis("bottom", whole=whole_x)})
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.plotItem.layout.setContentsMargins(2, 4, 8, 2)
    return plot


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
        self.loss_plot.setLabel("bottom", "step", color=t.subtext.name())
        self.loss_plot.setLabel("left", "loss", color=t.subtext.name())

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
        self.surface.setLabel("bottom", "")
        self.surface.setLabel("left", "")
        self.surface.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        self.loss_plot.setRange(xRange=(0, 10), yRange=(0, 1), padding=0)
        self.empty.setText(message, theme.current().subtext)
        self.empty.setPos(0.5, 0.5)
        self.empty.show()
        self.step_line.hide()

    def _add(self, plot: pg.PlotWidget, item: Any) -> Any:
        plot.addItem(item)
        self._items.append((plot, item))
        return item

    def show_result(self, res: RaceResult) -> None:
        """Draw a computed race at step 0."""
        self.clear()
        self.empty.hide()
        self.result = res
        t = theme.current()
        names = res.names
        g = res.grid
        assert g is not None
        if g.ys is None:
            self._curve(g, names[res.axes[0]])
        else:
            self._heatmap(g, names[res.axes[0]], names[res.axes[1]])
        total = max(tr.steps for tr in res.race.trajectories.values())
        losses = np.concatenate([tr.loss for tr in res.race.trajectories.values()])
        finite = losses[np.isfinite(losses)]
        self.loss_log = bool(finite.size and finite.min() > 0
                             and math.log10(finite.max() / finite.min()) > LOG_DECADES)
        self.loss_plot.setLogMode(y=self.loss_log)
        self.loss_plot.setLabel("left", "loss (log scale)" if self.loss_log else "loss",
                                color=t.subtext.name())
        for i, (label, tr) in enumerate(res.race.trajectories.items()):
            color = QColor(RUNNER_COLORS[i % len(RUNNER_COLORS)])
            items: dict[str, Any] = {}
            outline = pg.mkPen(QColor(0, 0, 0, 170), width=4.5)
            if g.ys is not None:
                items["under"] = self._add(self.surface, pg.PlotDataItem([], [], pen=outline))
                items["path"] = self._add(self.surface, pg.PlotDataItem([], [], pen=pg.mkPen(
                    color, width=2.2)))
            else:
                items["path"] = self._add(self.surface, pg.ScatterPlotItem(
                    size=5, pen=None, brush=pg.mkBrush(_alpha(color, 110))))
                items["tangent"] = self._add(self.surface, pg.PlotDataItem(
                    [], [], pen=pg.mkPen(color, width=2.5, style=Qt.PenStyle.DashLine)))
            items["point"] = self._add(self.surface, pg.ScatterPlotItem(
                size=12, pen=pg.mkPen("#111111", width=1.5), brush=pg.mkBrush(color)))
            for it in items.values():
                it.setZValue(20 if it is items["point"] else 10)
            curve = self._add(self.loss_plot, pg.PlotDataItem([], [], pen=pg.mkPen(color,
                                                                                     width=2)))
            self._runner_items[label] = items
            self._loss_curves[label] = curve
            self.legend.append((f"{runner_title(label)} (lr {tr.settings.get('lr'):g})",
                                color))
        # start and minimum markers
        start = res.race.trajectories[next(iter(res.race.trajectories))].params[0]
        if g.ys is None:
            x0 = start[res.axes[0]]
            y0 = float(res.race.trajectories[next(iter(res.race.trajectories))].loss[0])
            mx, mz = g.minimum()
            self._marker((x0, y0), "start", t.text)
            if math.isfinite(mz) and g.xs[0] < mx < g.xs[-1]:
                self._marker((mx, mz), "min", t.text, star=True)
        else:
            self._marker((start[res.axes[0]], start[res.axes[1]]), "start", QColor("#ffffff"))
            mx, my, mz = g.minimum()
            inside = (g.xs[0] < mx < g.xs[-1]) and (g.ys[0] < my < g.ys[-1])
            if math.isfinite(mz) and inside:  # on the edge it is not a minimum
                self._marker((mx, my), "grid min", QColor("#ffffff"), star=True)
        self.loss_plot.setXRange(0, max(total, 1), padding=0.02)
        ys = finite if not self.loss_log else np.log10(finite)
        if ys.size:
            lo, hi = float(ys.min()), float(ys.max())
            pad = 0.05 * (hi - lo) or 0.5
            self.loss_plot.setYRange(lo - pad, hi + pad, padding=0)
        self.step_line.show()
        self.show_step(0)

    def _marker(self, pos: tuple[float, float], text: str, color: QColor,
                star: bool = False) -> None:
        sym = pg.ScatterPlotItem([pos[0]], [pos[1]], size=15 if star else 10,
                                 symbol="star" if star else "o",
                                 pen=pg.mkPen("#111111", width=1.2),
                                 brush=pg.mkBrush(color if not star else QColor("#ffffff")))
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
        self.surface.setLabel("bottom", name, color=t.subtext.name())
        self.surface.setLabel("left", "loss", color=t.subtext.name())
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
                                  pen=pg.mkPen(QColor(255, 255, 255, 95), width=1))
            iso.setParentItem(img)
            iso.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.isocurves.append(iso)
        self.colorbar = pg.ColorBarItem(values=(lo, hi), colorMap=cmap, interactive=False,
                                        width=12, colorMapMenu=False,
                                        label="log₁₀ loss" if self.log_scale else "loss")
        self.colorbar.setImageItem(img)
        self.colorbar.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.surface_view.addItem(self.colorbar, row=0, col=1)
        self.colorbar.getAxis("right").setTextPen(pg.mkPen(t.subtext))
        self.colorbar.getAxis("right").setPen(pg.mkPen(t.node_border))
        self.surface.setLabel("bottom", xname, color=t.subtext.name())
        self.surface.setLabel("left", yname, color=t.subtext.name())
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
                items["under"].setData(p[:, ax[0]], p[:, ax[1]])
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


# ---- the page ----------------------------------------------------------------------------------
class LandscapePage(QWidget):
    """Race panel + plots + a note line; runs jobs and writes the shown step to the canvas."""

    statusMessage = Signal(str)

    def __init__(self, controller: GraphController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.panel = RacePanel(self)
        self.panel.setFixedWidth(250)
        self.plots = LandscapePlots(self)
        self.note = QLabel(self)
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.winner = QLabel(self)
        self.winner.setObjectName("raceWinner")
        self.figure = QWidget(self)  # legend line + plots: what the GIF shows
        self.legend = QLabel(self.figure)
        self.legend.setObjectName("raceLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.plots.setParent(self.figure)
        fig = QVBoxLayout(self.figure)
        fig.setContentsMargins(0, 0, 0, 0)
        fig.setSpacing(1)
        fig.addWidget(self.legend)
        fig.addWidget(self.plots, 1)
        self.job: RaceJob | None = None
        self.result: RaceResult | None = None
        self.command: uc.TrainRun | None = None
        self._writing = False
        self.stale = False
        self._generation = 0  # bumped by edits and new documents: older jobs are void
        self._seek_after: int | None = None
        self._columns_timer = QTimer(self)
        self._columns_timer.setSingleShot(True)
        self._columns_timer.setInterval(0)
        self._columns_timer.timeout.connect(self.refresh_columns)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(2)
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.note, 1)
        head.addWidget(self.winner)
        left.addLayout(head)
        left.addWidget(self.figure, 1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addLayout(left, 1)
        row.addWidget(self.panel)
        self.panel.raceRequested.connect(self.start_race)
        self.panel.coordsChanged.connect(self._coords_changed)
        self.panel.lrChanged.connect(self.change_lr)
        self.panel.player.stepChanged.connect(self._show_step)
        self.panel.canvasRunnerChanged.connect(lambda _t: self._show_step(self.step))
        self.panel.exportRequested.connect(self._export)
        self._unsubscribe = controller.doc.subscribe(self._on_change)
        controller.documentReplaced.connect(self._document_replaced)
        self._document_replaced()

    # ---- state ---------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.job is not None

    @property
    def step(self) -> int:
        return self.panel.player.step

    def _names_now(self) -> list[str]:
        doc = self.controller.doc
        out: list[str] = []
        try:
            ids = trainable(doc)
        except GraphError:  # an output that is being removed: no columns for now
            return out
        for i in ids:
            v = doc.node(i).value
            if v is None or v.dtype.kind != "f":
                continue
            name = doc.node(i).name
            out += [name] if v.size == 1 else [
                f"{name}[{', '.join(map(str, idx))}]" for idx in np.ndindex(*v.shape)]
        return out

    def refresh_columns(self) -> None:
        self.panel.set_columns(self._names_now())

    # ---- racing --------------------------------------------------------------------------------
    def start_race(self) -> None:
        """Compute a race from the document's current values (on a worker thread)."""
        if self.busy:
            return
        settings = self.panel.settings()
        if not settings:
            self._say("Tick at least one optimizer to race.", error=True)
            return
        self.refresh_columns()
        self._finish_canvas()
        self.panel.player.pause()
        self._launch(RaceJob(self.controller.doc.copy(), settings, self.panel.steps.value(),
                             self.panel.coords()))

    def _launch(self, job: RaceJob, seek: int | None = None) -> None:
        self.job = job
        job.generation = self._generation
        self._seek_after = seek
        self.panel.set_busy(True)
        job.done.connect(self._race_done)  # a bound slot: dropped if the page goes
        job.start()

    def _race_done(self, result: RaceResult | str) -> None:
        job, self.job = self.job, None
        self.panel.set_busy(False)
        if job is None or job.generation != self._generation:
            # the graph was edited or replaced while this was computed: it is not its race
            self._say("The graph changed while the race was computed: press Race again.")
            return
        if isinstance(result, str):
            self._say(f"Cannot race: {result}", error=True)
            return
        self.stale = False
        self.show_result(result)
        if self._seek_after is not None:
            self.panel.player.pause()
            self.panel.player.seek(self._seek_after)

    def show_result(self, result: RaceResult) -> None:
        self.result = result
        self.plots.show_result(result)
        self._show_legend()
        labels = list(result.race.trajectories)
        total = max(t.steps for t in result.race.trajectories.values())
        self.panel.set_loaded(labels, total)
        self._describe()
        self.panel.player.play()

    def change_lr(self, label: str, lr: float) -> None:
        """A runner's lr changed mid-run: it continues from the step shown with the new
        rate (recomputed from there; the steps before are kept)."""
        res = self.result
        if res is None or label not in res.race.trajectories or self.busy:
            return
        at = self.step
        try:
            res.race.set_lr(label, lr, at_step=at)
        except GraphError as e:
            self._say(f"Cannot change the learning rate: {e}", error=True)
            return
        playing = self.panel.player.playing
        self.plots.show_result(res)
        self._show_legend()
        self.panel.set_loaded(list(res.race.trajectories),
                              max(t.steps for t in res.race.trajectories.values()))
        self.panel.player.seek(at)
        self._describe()
        self._say(f"{runner_title(label)} continues from step {at} with lr {lr:g}.")
        if playing:
            self.panel.player.play()

    def _coords_changed(self) -> None:
        res = self.result
        if res is None or self.busy or self.stale or self.panel.coords() == res.axes:
            return
        self._launch(RaceJob(res.race.doc, {}, 0, self.panel.coords(), race=res.race),
                     seek=self.step)

    # ---- showing a step ------------------------------------------------------------------------
    def _show_step(self, k: int) -> None:
        self.plots.show_step(k)
        self._write_canvas(k)

    def _write_canvas(self, k: int) -> None:
        """The shown runner's values at step k into the document (one undo step)."""
        res = self.result
        label = self.panel.shown_runner()
        if res is None or self.stale or label not in res.race.trajectories:
            return
        values = res.race.values_at(label, k)
        doc = self.controller.doc
        if any(i not in doc for i in values):
            return
        if self.command is None:
            self.command = uc.TrainRun(doc, res.race.start_values(),
                                       f"race: show {runner_title(label)} at step {k}")
            self.controller.undo_stack.push(self.command)
        with self._own_writes():
            for i, v in values.items():
                if not np.array_equal(doc.node(i).value, v):
                    doc.set_value(i, v, dtype_name(v))
        self.command.update(values, f"race: show {runner_title(label)} at step {k}")

    def _finish_canvas(self) -> None:
        self.command = None

    @contextmanager
    def _own_writes(self) -> Iterator[None]:
        self._writing = True
        try:
            yield
        finally:
            self._writing = False

    def _on_change(self, change: Change) -> None:
        if change.kind == "node_changed" and change.field in ("pos", "name"):
            return
        if not self._writing:
            self._generation += 1
            if change.kind != "node_changed":
                # never read the document inside its own change notification (a removal
                # is only half done): refresh once the edit is complete
                self._columns_timer.start()
            if self.result is not None and not self.stale:
                self.stale = True
                self.command = None
                self.panel.player.pause()
                self.note.setText("The graph was edited: this race is from before the edit. "
                                  "Race again to recompute it from the current values.")

    def _document_replaced(self) -> None:
        self._generation += 1
        self._unsubscribe()
        self._unsubscribe = self.controller.doc.subscribe(self._on_change)
        self.result = None
        self.command = None
        self.stale = False
        self.plots.clear()
        self.legend.setText("")
        self.panel.set_loaded([])
        self.winner.setText("")
        meta = self.controller.doc.meta
        self.panel.apply_lesson(meta.get("race"), meta.get("steps"))
        self.refresh_columns()
        watch = meta.get("watch")
        self.note.setText(str(watch) + "  Press Race." if isinstance(watch, str) else
                          "The loss over one or two parameters, and optimizers racing on it.")

    # ---- text ----------------------------------------------------------------------------------
    def _show_legend(self) -> None:
        """One coloured entry per runner, on one line above the plots (the dock is short:
        a column beside the plots would take the width the landscape needs)."""
        t = theme.current()
        entries = [f"<span style='color:{c.name()}; font-size:15px'>&#9644;</span>&nbsp;"
                   f"<span style='color:{t.text.name()}'>{title}</span>"
                   for title, c in self.plots.legend]
        self.legend.setText("&nbsp;&nbsp;&nbsp;".join(entries))

    def _describe(self) -> None:
        res = self.result
        if res is None:
            return
        parts = []
        watch = self.controller.doc.meta.get("watch")
        if isinstance(watch, str):
            parts.append(watch)
        if res.held:
            shown = " and ".join(res.names[a] for a in res.axes)
            held = ", ".join(res.held[:6]) + ("…" if len(res.held) > 6 else "")
            parts.append(f"Landscape over {shown}; the other {len(res.held)} parameter"
                         f"{'s' if len(res.held) > 1 else ''} ({held}) held at their start "
                         "values — the runners move those too, so the surface is exact "
                         "under the start only.")
        errors = [f"{runner_title(k)} stopped: {t.error}"
                  for k, t in res.race.trajectories.items() if t.error]
        parts += errors
        self.note.setText(" ".join(parts))
        w = res.race.winner()
        if w is not None:
            tr = res.race.trajectories[w]
            self.winner.setText(f"Winner: {runner_title(w)} — loss {tr.loss[-1]:.4g} "
                                f"after {tr.steps} steps")
        else:
            self.winner.setText("No finite loss at the end")

    def _say(self, text: str, error: bool = False) -> None:
        self.statusMessage.emit(text)

    # ---- export --------------------------------------------------------------------------------
    def _export(self, kind: str) -> None:
        from app import landscape_export

        landscape_export.export_interactive(self, kind)

    def apply_theme(self) -> None:
        self.plots.apply_theme()
        t = theme.current()
        self.winner.setStyleSheet(f"color: {t.accent.name()}; font-weight: 600;")
        self.panel.apply_theme()
        if self.result is not None:
            at = self.step
            self.plots.show_result(self.result)
            self.plots.show_step(at)
            self._show_legend()


def install(window: MainWindow) -> LandscapePage:
    """The Landscape page in the Plots dock, and Graph ▸ Race Optimizers on the Landscape."""
    from PySide6.QtGui import QAction

    from app.main_window import menu_of

    page = LandscapePage(window.controller, window.plots)
    window.landscape = page
    index = window.plots.add_page("landscape", "Landscape", page)
    page.statusMessage.connect(window.show_status)

    def shown(i: int) -> None:
        if i == index:
            page.refresh_columns()
            h = window.plots_dock.height()
            if h < 330:
                window.resizeDocks([window.plots_dock], [360], Qt.Orientation.Vertical)

    window.plots.pages.currentChanged.connect(shown)

    def race() -> None:
        window.plots_dock.show()
        window.plots.show_page("landscape")
        page.start_race()

    window.act_race = QAction("Race Optimizers on the &Landscape", window)
    window.act_race.setStatusTip("Run several optimizers from the current values and play "
                                 "their paths on the loss landscape (Plots ▸ Landscape)")
    window.act_race.triggered.connect(race)
    graph = menu_of(window, "Graph")
    if graph is not None:
        graph.addAction(window.act_race)
    return page
