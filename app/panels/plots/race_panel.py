"""The controls of the Landscape page: which optimizers race, playback, export.

Kept apart from the drawing (`app/panels/plots/landscape_view.py`) so each reads on its own: this
module owns widgets and the `Player` (playback decoupled from computation: a run is
computed once, then played at a chosen speed on a steady ~60 fps timer — the timer
advances a position by speed × elapsed time, so a slow frame never slows the run down,
it only skips steps). Nothing here computes a number.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.panels.train_panel import LogSpinBox
from core.graph.train import OPTIMIZERS

#: frame interval of playback (≈60 fps)
FRAME_MS = 16
#: playback speeds offered, steps per second; 0 = as fast as possible (straight to the end)
SPEEDS: tuple[tuple[str, float], ...] = (("1 step/s", 1.0), ("5 steps/s", 5.0),
                                         ("20 steps/s", 20.0), ("60 steps/s", 60.0),
                                         ("200 steps/s", 200.0), ("1000 steps/s", 1000.0),
                                         ("fastest", 0.0))
DEFAULT_SPEED = 3  # 60 steps/s: one step per frame
#: optimizers ticked before a lesson says otherwise
DEFAULT_RACE = ("sgd", "momentum", "adam")


class Player(QObject):
    """A position over recorded steps 0…total, played at `speed` steps per second."""

    stepChanged = Signal(int)
    playingChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.total = 0
        self.speed = SPEEDS[DEFAULT_SPEED][1]
        self.pos = 0.0
        self._last = 0.0

    @property
    def step(self) -> int:
        return int(self.pos)

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def reset(self, total: int) -> None:
        self.pause()
        self.total = max(0, int(total))
        self.seek(0)

    def play(self) -> None:
        if self.total == 0:
            return
        if self.step >= self.total:
            self.seek(0)  # play again from the start
        if self.speed == 0:
            self.seek(self.total)
            return
        self._last = time.perf_counter()
        self.timer.start()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self.playingChanged.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def step_by(self, n: int) -> None:
        self.pause()
        self.seek(self.step + n)

    def seek(self, step: int) -> None:
        k = max(0, min(int(step), self.total))
        changed = k != self.step or self.pos != float(k)
        self.pos = float(k)
        if changed or k == 0:
            self.stepChanged.emit(k)

    def _tick(self) -> None:
        now = time.perf_counter()
        dt, self._last = now - self._last, now
        before = self.step
        self.pos = min(float(self.total), self.pos + self.speed * dt)
        if self.step != before:
            self.stepChanged.emit(self.step)
        if self.step >= self.total:
            self.pause()


class RacePanel(QWidget):
    """Optimizer rows (tick + learning rate), steps, the two coordinates, Race, playback,
    which runner the canvas shows, export."""

    raceRequested = Signal()
    lrChanged = Signal(str, float)  # label, lr
    coordsChanged = Signal()
    canvasRunnerChanged = Signal(str)
    exportRequested = Signal(str)  # "png" | "svg" | "csv" | "gif"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player = Player(self)
        self._quiet = False  # set_columns/set_loaded/apply_lesson: no signals for our changes
        grid = self._build_optimizer_rows()
        self._build_race_controls()
        self._build_playback()
        self._build_export()
        self._build_layout(grid)
        self.set_loaded([])

    def _build_optimizer_rows(self) -> QGridLayout:
        """One row per optimizer: a tick (race it) and its learning rate."""
        self.checks: dict[str, QCheckBox] = {}
        self.lrs: dict[str, LogSpinBox] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(1)
        for row, spec in enumerate(OPTIMIZERS.values()):
            box = QCheckBox(_short(spec.name), self)
            box.setToolTip(f"Race {spec.label}")
            box.setChecked(spec.name in DEFAULT_RACE)
            lr = LogSpinBox(self)
            lr.setValue(spec.lr)
            lr.setToolTip(f"{spec.label}'s learning rate. Changed after a race, the runner "
                          "continues from the step shown with the new rate")
            lr.valueChanged.connect(lambda v, n=spec.name: self._lr_edited(n, v))
            grid.addWidget(box, row, 0)
            grid.addWidget(lr, row, 1)
            self.checks[spec.name] = box
            self.lrs[spec.name] = lr
        return grid

    def _build_race_controls(self) -> None:
        """Steps, the two coordinates, Race."""
        self.steps = QSpinBox(self)
        self.steps.setRange(1, 20000)
        self.steps.setValue(200)
        self.steps.setSingleStep(100)
        self.steps.setToolTip("Steps each optimizer takes")
        self.x_coord = QComboBox(self)
        self.y_coord = QComboBox(self)
        for c in (self.x_coord, self.y_coord):
            c.setToolTip("The parameter (or tensor element) on this axis of the landscape")
            c.currentIndexChanged.connect(lambda _i: self.coordsChanged.emit())
        self.race_button = QPushButton("Race", self)
        self.race_button.setDefault(True)
        self.race_button.setToolTip("Run every ticked optimizer from the current values, "
                                    "then play the race on the landscape")
        self.race_button.clicked.connect(self.raceRequested)

    def _build_playback(self) -> None:
        """Play/Pause, Step, speed, the scrubber and its step label, whose values the canvas
        shows."""
        self.play_button = QPushButton("Play", self)
        self.play_button.clicked.connect(self.player.toggle)
        self.step_button = QPushButton("Step", self)
        self.step_button.setToolTip("One step forward (pauses)")
        self.step_button.clicked.connect(lambda: self.player.step_by(1))
        self.speed = QComboBox(self)
        for text, v in SPEEDS:
            self.speed.addItem(text, v)
        self.speed.setCurrentIndex(DEFAULT_SPEED)
        self.speed.currentIndexChanged.connect(self._speed_changed)
        self.scrubber = QSlider(Qt.Orientation.Horizontal, self)
        self.scrubber.setRange(0, 0)
        self.scrubber.setToolTip("Scrub through the recorded steps: the canvas shows the "
                                 "values and gradients of that step")
        self.scrubber.valueChanged.connect(self.player.seek)
        self.step_label = QLabel("step 0 / 0", self)
        self.canvas_runner = QComboBox(self)
        self.canvas_runner.setToolTip("Whose values the canvas shows as the race plays")
        self.canvas_runner.currentIndexChanged.connect(
            lambda _i: self.canvasRunnerChanged.emit(self.shown_runner())
            if self.shown_runner() else None)
        self.player.stepChanged.connect(self._show_step)
        self.player.playingChanged.connect(
            lambda on: self.play_button.setText("Pause" if on else "Play"))

    def _build_export(self) -> None:
        self.export_button = QToolButton(self)
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        for kind, text in (("png", "Landscape as PNG…"), ("svg", "Landscape as SVG…"),
                           ("csv", "Trajectories as CSV…"), ("gif", "Race as animated GIF…")):
            menu.addAction(text, lambda k=kind: self.exportRequested.emit(k))
        self.export_button.setMenu(menu)

    def _build_layout(self, grid: QGridLayout) -> None:
        """Optimizer rows, then one line each: steps + Race, x/y, playback, scrubber,
        canvas runner + export."""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 0, 0, 0)
        lay.setSpacing(3)
        lay.addLayout(grid)
        lines = (
            (QLabel("Steps", self), self.steps, (self.race_button, 1)),
            (QLabel("x", self), (self.x_coord, 1), QLabel("y", self), (self.y_coord, 1)),
            (self.play_button, self.step_button, (self.speed, 1)),
            ((self.scrubber, 1), self.step_label),
            (QLabel("Canvas", self), (self.canvas_runner, 1), self.export_button),
        )
        for widgets in lines:
            line = QHBoxLayout()
            line.setSpacing(4)
            for w in widgets:
                widget, stretch = w if isinstance(w, tuple) else (w, 0)
                line.addWidget(widget, stretch)
            lay.addLayout(line)
        lay.addStretch(1)

    # ---- settings ------------------------------------------------------------------------------
    def settings(self) -> dict[str, dict[str, Any]]:
        """The ticked optimizers: label (the optimizer's name) -> {optimizer, lr}."""
        return {n: {"optimizer": n, "lr": float(self.lrs[n].value())}
                for n, box in self.checks.items() if box.isChecked()}

    def apply_lesson(self, race: Any, steps: Any) -> None:
        """A lesson's suggested race (meta "race"/"steps"); anything malformed is ignored."""
        if not isinstance(race, dict) or not race:
            return
        chosen = {}
        for s in race.values():
            name = s.get("optimizer") if isinstance(s, dict) else None
            lr = s.get("lr") if isinstance(s, dict) else None
            if name in self.checks and isinstance(lr, (int, float)) and lr > 0:
                chosen[name] = float(lr)
        if not chosen:
            return
        self._quiet = True
        try:
            for n, box in self.checks.items():
                box.setChecked(n in chosen)
                if n in chosen:
                    self.lrs[n].setValue(chosen[n])
            if isinstance(steps, int) and 0 < steps <= self.steps.maximum():
                self.steps.setValue(steps)
        finally:
            self._quiet = False

    def set_columns(self, names: list[str]) -> None:
        """The coordinates offered on the axes (trajectory columns); keeps the choice when
        the names are the same."""
        old = [self.x_coord.itemText(i) for i in range(self.x_coord.count())]
        if old == names:
            return
        self._quiet = True
        try:
            for c in (self.x_coord, self.y_coord):
                c.clear()
                c.addItems(names)
            self.x_coord.setCurrentIndex(0)
            self.y_coord.setCurrentIndex(1 if len(names) > 1 else 0)
            self.y_coord.setEnabled(len(names) > 1)
        finally:
            self._quiet = False

    def coords(self) -> list[int]:
        """The chosen columns: one, or two different ones."""
        x, y = self.x_coord.currentIndex(), self.y_coord.currentIndex()
        if x < 0:
            return []
        if self.x_coord.count() < 2 or y < 0 or y == x:
            return [x]
        return [x, y]

    def set_loaded(self, labels: list[str], total: int = 0) -> None:
        """A race is shown (labels, steps) or none ([])."""
        self._quiet = True
        try:
            self.canvas_runner.clear()
            for label in labels:
                self.canvas_runner.addItem(runner_title(label), label)
        finally:
            self._quiet = False
        self.scrubber.blockSignals(True)
        self.scrubber.setRange(0, total)
        self.scrubber.setValue(0)
        self.scrubber.blockSignals(False)
        for w in (self.play_button, self.step_button, self.scrubber, self.canvas_runner,
                  self.export_button):
            w.setEnabled(bool(labels))
        self.player.reset(total)

    def shown_runner(self) -> str:
        """The runner whose values the canvas shows ("" before a race)."""
        return str(self.canvas_runner.currentData() or "")

    def set_busy(self, busy: bool) -> None:
        self.race_button.setEnabled(not busy)
        self.race_button.setText("Computing…" if busy else "Race")

    def apply_theme(self) -> None:
        """Real buttons (the Plots header styles its page switches flat)."""
        from app.application import theme

        t = theme.current()
        self.setStyleSheet(
            f"QPushButton, QToolButton {{ border: 1px solid {t.node_border.name()}; "
            f"border-radius: 4px; padding: 2px 8px; background: {t.node_bg.name()}; }}"
            f"QPushButton:default {{ border-color: {t.accent.name()}; }}"
            f"QPushButton:disabled, QToolButton:disabled {{ color: {t.subtext.name()}; }}")

    # ---- internals -----------------------------------------------------------------------------
    def _lr_edited(self, name: str, value: float) -> None:
        if not self._quiet and self.checks[name].isChecked():
            self.lrChanged.emit(name, float(value))

    def _speed_changed(self) -> None:
        self.player.speed = float(self.speed.currentData())

    def _show_step(self, k: int) -> None:
        self.scrubber.blockSignals(True)
        self.scrubber.setValue(k)
        self.scrubber.blockSignals(False)
        self.step_label.setText(f"step {k} / {self.player.total}")


def _short(name: str) -> str:
    return {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adam": "Adam",
            "adamw": "AdamW", "rmsprop": "RMSprop", "adagrad": "Adagrad"}.get(name, name)


def runner_title(label: str) -> str:
    """How a runner is named in legends: its optimizer's short name."""
    return _short(label)
