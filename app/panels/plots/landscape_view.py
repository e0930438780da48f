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
(`app/panels/plots/race_job.py`; core's grad mode is thread-local), never per frame; the drawing is
`app/panels/plots/landscape_plots.py`, the controls `app/panels/plots/race_panel.py`, exports
`app/panels/plots/landscape_export.py`; this module is the page that ties them to the document.
Playback (`Player` in `app/panels/plots/race_panel.py`) only picks which recorded step to draw; the
canvas follows it: the shown runner's values at that step are written into the document
(one undo step for the whole race, as a training run is), so nodes and gradients show
that step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.application import theme
from app.document import undo_commands as uc
from app.panels.own_writes import OwnWrites
from app.panels.plots.landscape_plots import LandscapePlots
from app.panels.plots.race_job import RaceJob, RaceResult, compute
from app.panels.plots.race_panel import RacePanel, runner_title
from app.panels.plots.surface_job import Surface, SurfaceJob, preview_ranges, previewable
from core.graph import Change, GraphError
from core.graph.train import trainable
from core.graph.values import dtype_name

if TYPE_CHECKING:
    from app.application.main_window import MainWindow
    from app.document.controller import GraphController

#: the surface before a race is recomputed at most this often (edits, a training run)
SURFACE_MS = 120
#: the note is never narrower than this many average characters: in a narrow dock it wrapped
#: three words a line into a tall ribbon beside the plot
NOTE_CHARS = 30


# ---- the page ----------------------------------------------------------------------------------
class LandscapePage(QWidget):
    """Race panel + plots + a note line; runs jobs and writes the shown step to the canvas."""

    statusMessage = Signal(str)

    def __init__(self, controller: GraphController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.job: RaceJob | None = None
        self.result: RaceResult | None = None
        self.command: uc.TrainRun | None = None
        self._own_writes = OwnWrites()  # our writes are not "the user edited the graph"
        self.stale = False
        self._generation = 0  # bumped by edits and new documents: older jobs are void
        self._epoch = 0  # bumped by new documents only
        self._seek_after: int | None = None
        self.surface_job: SurfaceJob | None = None
        self._surface_again = False  # asked for while a surface was being computed
        self._build_widgets()
        self._build_layout()
        self._columns_timer = _single_shot(self, 0, self.refresh_columns)
        # the surface before a race follows edits and training, at most every SURFACE_MS
        self._surface_timer = _single_shot(self, SURFACE_MS, self.refresh_surface)
        self._connect()
        self._unsubscribe = controller.doc.subscribe(self._on_change)
        self._document_replaced()

    def _build_widgets(self) -> None:
        self.panel = RacePanel(self)
        self.panel.setFixedWidth(250)
        self.plots = LandscapePlots(self)
        self.note = QLabel(self)
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.note.setMinimumWidth(self.note.fontMetrics().averageCharWidth() * NOTE_CHARS)
        self.winner = _ShownWithText(self)
        self.winner.setObjectName("raceWinner")
        self.winner.setWordWrap(True)  # a four-way tie is long: it wraps beside the note
        self.figure = QWidget(self)  # legend line + plots: what the GIF shows
        self.legend = QLabel(self.figure)
        self.legend.setObjectName("raceLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.plots.setParent(self.figure)

    def _build_layout(self) -> None:
        """The note and the winner over the figure (legend line + plots), the race panel
        on the right."""
        fig = QVBoxLayout(self.figure)
        fig.setContentsMargins(0, 0, 0, 0)
        fig.setSpacing(1)
        fig.addWidget(self.legend)
        fig.addWidget(self.plots, 1)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(2)
        head = self._head = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        head.setSpacing(8)
        head.addWidget(self.note, 3)  # (the winner never squeezes the note to a word a line)
        head.addWidget(self.winner, 2)
        left.addLayout(head)
        left.addWidget(self.figure, 1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addLayout(left, 1)
        row.addWidget(self.panel)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        """The winner goes under the note when the two side by side would squeeze the note
        below its minimum (a narrow dock)."""
        super().resizeEvent(event)
        room = self.width() - self.panel.width() - 6
        side_by_side = room >= 2 * self.note.minimumWidth() + self._head.spacing()
        self._head.setDirection(QBoxLayout.Direction.LeftToRight if side_by_side
                                else QBoxLayout.Direction.TopToBottom)

    def _connect(self) -> None:
        self.panel.raceRequested.connect(self.start_race)
        self.panel.coordsChanged.connect(self._coords_changed)
        self.panel.lrChanged.connect(self.change_lr)
        self.panel.player.stepChanged.connect(self._show_step)
        self.panel.canvasRunnerChanged.connect(lambda _t: self._show_step(self.step))
        self.panel.exportRequested.connect(self._export)
        self.controller.documentReplaced.connect(self._document_replaced)
        self.controller.evaluated.connect(lambda _r: self._surface_timer.start())

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
        if res is None:  # before a race: the surface over the new coordinates
            self._surface_timer.start()
            return
        if self.busy or self.stale or self.panel.coords() == res.axes:
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

    def _on_change(self, change: Change) -> None:
        if change.kind == "node_changed" and change.field in ("pos", "name"):
            return
        if not self._own_writes.active:
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
        self._epoch += 1
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
        self._surface_timer.start()

    # ---- the landscape before a race -----------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._surface_timer.start()

    def refresh_surface(self) -> None:
        """Draw the landscape before any race (`surface_job`): while the page is shown, no
        race is, and the document has a scalar output over one or two float parameters."""
        if self.result is not None or self.busy or not self.isVisible():
            return
        if self.surface_job is not None:  # one at a time; the newest state comes after
            self._surface_again = True
            return
        doc = self.controller.doc
        r = self.controller.result
        cols = previewable(doc, r.values.get(doc.output) if r is not None and doc.output
                           else None)
        if not cols:
            if self.plots.surface_shown is not None:
                self.plots.clear()
            return
        chosen = [cols[a] for a in self.panel.coords() if a < len(cols)] or cols[:1]
        columns, names = [c for c, _ in chosen], [n for _, n in chosen]
        point = [float(np.asarray(doc.node(i).value).reshape(-1)[k]) for i, k in columns]
        shown = self.plots.surface_shown
        keep = _ranges(shown) if shown is not None and list(shown.names) == names else None
        job = SurfaceJob(doc.copy(), columns, names, preview_ranges(point, keep))
        job.generation = self._epoch
        self.surface_job = job
        job.done.connect(self._surface_done)  # a bound slot: dropped if the page goes
        job.start()

    def _surface_done(self, surface: Surface | str) -> None:
        job, self.surface_job = self.surface_job, None
        again, self._surface_again = self._surface_again, False
        if job is None or job.generation != self._epoch:
            return  # another document's
        if isinstance(surface, Surface) and self.result is None and not self.busy:
            # (values a tick old during a training run are fine: the next one follows)
            self.plots.show_surface(surface)
        elif isinstance(surface, str) and self.result is None:
            self.plots.clear()
        if again:
            self._surface_timer.start()

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
            if len(res.held) == 1:
                parts.append(f"Landscape over {shown}; the other parameter, {held}, is held at "
                             "its start value — the runners move it too, so the surface is "
                             "exact under the start only.")
            else:
                parts.append(f"Landscape over {shown}; the other {len(res.held)} parameters "
                             f"({held}) are held at their start values — the runners move "
                             "them too, so the surface is exact under the start only.")
        errors = [f"{runner_title(k)} stopped: {t.error}"
                  for k, t in res.race.trajectories.items() if t.error]
        parts += errors
        self.note.setText(" ".join(parts))
        w = res.race.winner()
        if w is not None:
            tr = res.race.trajectories[w]
            best = float(tr.loss[-1])
            tied = [runner_title(k) for k, t in res.race.trajectories.items()
                    if k != w and abs(float(t.loss[-1]) - best) <= 1e-9 * max(1.0, abs(best))]
            who = " = ".join([runner_title(w), *tied])
            self.winner.setText(f"{'Tie' if tied else 'Winner'}: {who} — loss {best:.4g} "
                                f"after {tr.steps} steps")
        else:
            self.winner.setText("No finite loss at the end")

    def _say(self, text: str, error: bool = False) -> None:
        self.statusMessage.emit(text)

    # ---- export --------------------------------------------------------------------------------
    def _export(self, kind: str) -> None:
        from app.panels.plots import landscape_export

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
    """The Landscape page in the Plots dock, and Graph ▸ Race Optimizers on the Landscape
    (`page.act_race`); the window keeps the page (`window.landscape`)."""
    from PySide6.QtGui import QAction

    page = LandscapePage(window.controller, window.plots)
    index = window.plots.add_page("landscape", "Landscape", page)
    page.statusMessage.connect(window.show_status)

    def shown(i: int) -> None:
        if i == index:
            page.refresh_columns()
            h = window.plots_dock.height()
            if h < 330:
                window.resizeDocks([window.plots_dock], [360], Qt.Orientation.Vertical)

    window.plots.pages.currentChanged.connect(shown)

    def lesson_opened() -> None:
        # a built-in landscape (meta "watch") opens on its landscape, ready to race
        if isinstance(window.controller.doc.meta.get("watch"), str):
            window.plots.show_page("landscape")

    window.controller.documentReplaced.connect(lesson_opened)

    def race() -> None:
        window.plots_dock.show()
        window.plots.show_page("landscape")
        page.start_race()

    page.act_race = QAction("Race Optimizers on the &Landscape", window)
    page.act_race.setStatusTip("Run several optimizers from the current values and play "
                               "their paths on the loss landscape (Plots ▸ Landscape)")
    page.act_race.triggered.connect(race)
    window.add_menu_actions("Graph", [page.act_race])
    return page


class _ShownWithText(QLabel):
    """A label that is hidden while it says nothing, so an empty winner line leaves the whole
    row to the note instead of two fifths of it."""

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        super().setText(text)
        self.setVisible(bool(text))


def _single_shot(parent: QWidget, ms: int, slot) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(slot)
    return timer


def _ranges(s: Surface) -> list[tuple[float, float]]:
    """The ranges a surface was computed over."""
    g = s.grid
    out = [(float(g.xs[0]), float(g.xs[-1]))]
    if g.ys is not None:
        out.append((float(g.ys[0]), float(g.ys[-1])))
    return out


__all__ = ["LandscapePage", "LandscapePlots", "RaceResult", "compute", "install"]
