"""The Train dock: run SGD, momentum, Adam… on the graph's output and watch it converge.

The numbers come from `core.graph.train.Trainer` (a PyTorch training loop over the
document); this panel only schedules steps, writes the parameters' new values into the
document and draws the curves:

- A QTimer runs a few steps per tick (500 steps animate in about two seconds and the UI
  never freezes); after each tick the parameters' values are written straight into the
  document, so the controller re-evaluates incrementally and the canvas shows values and
  gradients moving. Nothing is laid out again and no undo entry is pushed per tick.
- A whole run is one `undo_commands.TrainRun` on the undo stack, pushed when the run
  starts and kept up to date: undo puts back the values from before the run.
- Any other change of the document during a run (an edit, undo, redo) pauses it; a change
  that affects the numbers also ends it, so the next Run starts afresh from the values
  the graph has then (a new optimizer, a new undo step).
- Divergence and errors in the graph stop the run and show in the panel in the theme's
  error colour; a diverged run never writes a non-finite value.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.application import theme
from app.document import undo_commands as uc
from app.document.controller import GraphController
from app.panels.own_writes import OwnWrites
from app.panels.plots.dock import PlotsPanel
from core.graph import Change, GraphError
from core.graph.commands import Edit
from core.graph.train import OPTIMIZERS, Trainer, trainable
from core.graph.values import dtype_name

TICK_MS = 30  # ~33 ticks a second
ANIMATION_TICKS = 60  # a run of any length animates in about this many ticks (~2 s)
TICK_BUDGET_S = 0.025  # but a tick never computes longer than this (big graphs)
MAX_ELEMENT_CURVES = 8  # vectors up to this size get one curve per element


class LogSpinBox(QDoubleSpinBox):
    """A spin box for learning rates: arrows step 1 → 2 → 5 → 10 (a log scale), text
    shows `0.001` or `1e-05` as typed, any positive float may be typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(12)
        self.setRange(1e-8, 1e4)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt API
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt API
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        s = text.strip()
        try:
            v = float(s)
        except ValueError:
            partial = s == "" or s[-1] in "eE.-+" or s.lower().endswith(("e-", "e+"))
            return (QValidator.State.Intermediate if partial else QValidator.State.Invalid,
                    text, pos)
        ok = self.minimum() <= v <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate, text, pos)

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt API
        v = self.value()
        exp = math.floor(math.log10(v) + 1e-9)
        mant = v / 10 ** exp
        ladder = [1.0, 2.0, 5.0]
        # index on the 1-2-5 ladder (a value between rungs counts as the rung below)
        idx = exp * 3 + max(i for i, m in enumerate(ladder) if mant + 1e-9 >= m)
        if steps < 0 and not any(abs(mant - m) < 1e-9 for m in ladder):
            idx += 1  # 0.03 down goes to 0.02, not 0.01
        idx += steps
        new = ladder[idx % 3] * 10 ** (idx // 3)
        self.setValue(min(max(new, self.minimum()), self.maximum()))


class TrainPanel(QWidget):
    """Optimizer settings, Run/Pause, Step once, Reset, and the status of the run."""

    statusMessage = Signal(str)

    def __init__(self, controller: GraphController, plots: PlotsPanel,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.plots = plots
        self.trainer: Trainer | None = None
        self.command: uc.TrainRun | None = None
        self._stale = False  # the document changed under the run: next Run starts afresh
        self._own_writes = OwnWrites()  # our writes are not "the user edited the graph"
        self._target = 0  # step count at which the current Run stops
        self._unsubscribe = controller.doc.subscribe(self._on_change)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.form = self._build_form()
        buttons = self._build_buttons()
        self.params_label = QLabel(self)
        self.params_label.setObjectName("hint")
        self.params_label.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setObjectName("trainStatus")

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 12)
        lay.setSpacing(8)
        lay.addLayout(self.form)
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        lay.addWidget(self.params_label)
        lay.addStretch(1)

        self.optimizer.currentIndexChanged.connect(self._optimizer_changed)
        for w in (self.lr, self.momentum, self.beta1, self.beta2, self.alpha,
                  self.weight_decay):
            w.valueChanged.connect(self._settings_changed)
        controller.documentReplaced.connect(self._document_replaced)
        controller.evaluated.connect(lambda _r: self._show_params())
        self._optimizer_changed()
        self._show_status("")
        self._update_buttons()  # nothing to reset before a first run
        self.apply_theme()

    def _build_form(self) -> QFormLayout:
        """The optimizer, its hyperparameters (rows shown for the chosen optimizer only, see
        `_rows`) and the step count."""
        self.optimizer = QComboBox(self)
        for spec in OPTIMIZERS.values():
            self.optimizer.addItem(spec.label, spec.name)
        self.lr = LogSpinBox(self)
        self.lr.setToolTip("Learning rate. The arrows step on a log scale (1, 2, 5, 10…); "
                           "type any value, e.g. 3e-4")
        self.momentum = _spin(0.0, 0.999, 0.05, 3)
        self.beta1 = _spin(0.0, 0.999, 0.01, 3)
        self.beta2 = _spin(0.0, 0.99999, 0.001, 5)
        self.alpha = _spin(0.0, 0.9999, 0.01, 4)
        self.weight_decay = _spin(0.0, 10.0, 0.001, 4)
        self.steps = QSpinBox(self)
        self.steps.setRange(1, 1_000_000)
        self.steps.setValue(500)
        self.steps.setSingleStep(100)
        self.steps.setToolTip("How many optimizer steps one Run takes")
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", self.lr)
        self._rows: dict[str, QWidget] = {
            "momentum": self.momentum, "beta1": self.beta1, "beta2": self.beta2,
            "alpha": self.alpha, "weight_decay": self.weight_decay}
        form.addRow("Momentum", self.momentum)
        form.addRow("β₁ (betas[0])", self.beta1)
        form.addRow("β₂ (betas[1])", self.beta2)
        form.addRow("α (smoothing)", self.alpha)
        form.addRow("Weight decay", self.weight_decay)
        form.addRow("Steps", self.steps)
        return form

    def _build_buttons(self) -> QHBoxLayout:
        self.run_button = QPushButton("Run", self)
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.toggle_run)
        self.step_button = QPushButton("Step once", self)
        self.step_button.setToolTip("One optimizer step: zero_grad, forward, backward, step")
        self.step_button.clicked.connect(self.step_once)
        self.reset_button = QPushButton("Reset", self)
        self.reset_button.setToolTip("Put the parameters back to their values before the run")
        self.reset_button.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.run_button, 1)
        buttons.addWidget(self.step_button, 1)
        buttons.addWidget(self.reset_button, 1)
        return buttons

    # ---- settings ------------------------------------------------------------------------------
    @property
    def optimizer_name(self) -> str:
        return str(self.optimizer.currentData())

    def set_optimizer(self, name: str) -> None:
        self.optimizer.setCurrentIndex(self.optimizer.findData(name))

    def hyper(self) -> dict[str, object]:
        """The hyper-parameters for the chosen optimizer, from the visible fields."""
        spec = OPTIMIZERS[self.optimizer_name]
        out: dict[str, object] = {}
        for key in spec.hyper:
            if key == "betas":
                out["betas"] = (self.beta1.value(), self.beta2.value())
            else:
                out[key] = self._rows[key].value()  # type: ignore[attr-defined]
        return out

    def _optimizer_changed(self) -> None:
        spec = OPTIMIZERS[self.optimizer_name]
        shown = {"beta1", "beta2"} if "betas" in spec.hyper else set()
        shown |= {k for k in spec.hyper if k in self._rows}
        for key, w in self._rows.items():
            self.form.setRowVisible(w, key in shown)
        with _blocked(self.lr, self.momentum, self.beta1, self.beta2, self.alpha,
                      self.weight_decay):
            self.lr.setValue(spec.lr)
            d = spec.defaults
            self.momentum.setValue(float(d.get("momentum", 0.9)))  # type: ignore[arg-type]
            b1, b2 = d.get("betas", (0.9, 0.999))  # type: ignore[misc]
            self.beta1.setValue(b1)
            self.beta2.setValue(b2)
            self.alpha.setValue(float(d.get("alpha", 0.99)))  # type: ignore[arg-type]
            self.weight_decay.setValue(float(d.get("weight_decay", 0.0)))  # type: ignore[arg-type]
        self._settings_changed()

    def _settings_changed(self) -> None:
        """New settings take effect with a new run (a new optimizer), as in PyTorch."""
        if self.trainer is not None and not self.timer.isActive():
            self._stale = True

    # ---- running -------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.timer.isActive()

    def toggle_run(self) -> None:
        """Run (or resume) until the step count is reached; Pause if running."""
        if self.running:
            self.pause()
            return
        if not self._ensure_run():
            return
        if self.trainer.step_count >= self._target:  # finished: Run again means more steps
            self._target = self.trainer.step_count + self.steps.value()
        self.timer.start()
        self._update_buttons()

    def pause(self, why: str = "") -> None:
        if not self.running:
            return
        self.timer.stop()
        self._update_buttons()
        if why:
            self._show_status(why, error=False)
        else:
            self._show_progress("Paused at")

    def step_once(self) -> None:
        if self.running:
            self.pause()
        if not self._ensure_run():
            return
        self._target = max(self._target, self.trainer.step_count + 1)
        self._advance(1)

    def reset(self) -> None:
        """Put the parameters back to their values before the run (one undoable edit)."""
        self.pause()
        tr = self.trainer
        if tr is not None:
            doc = self.controller.doc
            steps = [Edit("set_value", (i, v, dtype_name(v)))
                     for i, v in tr.start_values().items()
                     if i in doc and not np.array_equal(doc.node(i).value, v)]
            if steps:
                self.controller.push_macro("reset training", steps)
        self._end_run()
        self.plots.clear_training()
        self._show_status("Reset: the parameters are back to their values before the run.")

    def _ensure_run(self) -> bool:
        """A live run to continue, or a new one (new Trainer, new undo step)."""
        if self.trainer is not None and not self._stale and not self.trainer.stopped:
            return True
        doc = self.controller.doc
        try:
            tr = Trainer(doc, self.optimizer_name, lr=self.lr.value(), **self.hyper())
        except GraphError as e:
            self._show_status(str(e), error=True)
            self.statusMessage.emit(f"Cannot train: {e}")
            return False
        self.trainer = tr
        self._stale = False
        self._target = self.steps.value()
        names = ", ".join(doc.node(i).name for i in tr.params)
        self.command = uc.TrainRun(doc, tr.start_values(),
                                   f"train {names} ({tr.spec.label})")
        self.controller.undo_stack.push(self.command)
        self.plots.start_training(f"{tr.spec.label}, lr {self.lr.textFromValue(tr.hyper['lr'])}"
                                  f" · minimising {doc.node(tr.output).name}")
        return True

    def _tick(self) -> None:
        tr = self.trainer
        if tr is None:
            self.pause()
            return
        per_tick = max(1, math.ceil(self.steps.value() / ANIMATION_TICKS))
        self._advance(min(per_tick, self._target - tr.step_count))

    def _advance(self, n: int) -> None:
        """Take up to n steps (within the time budget), then show where the run is."""
        tr = self.trainer
        assert tr is not None
        t0 = time.perf_counter()
        for _ in range(max(0, n)):
            if tr.run(1) == 0 or time.perf_counter() - t0 > TICK_BUDGET_S:
                break
        self._write(tr)
        self._plot(tr)
        if tr.stopped:
            self.timer.stop()
            self._show_status(tr.error or "", error=True)
            self.statusMessage.emit(f"Training stopped: {tr.error}")
        elif tr.step_count >= self._target:
            self.timer.stop()
            self._show_progress("Done:")
        else:
            self._show_progress("Running:" if self.running else "Paused at")
        self._update_buttons()

    def _write(self, tr: Trainer) -> None:
        """The run's values into the document (re-evaluated incrementally by the
        controller) and into the run's undo command."""
        values = tr.values()
        doc = self.controller.doc
        with self._own_writes():
            for node_id, v in values.items():
                if node_id in doc and not np.array_equal(doc.node(node_id).value, v):
                    doc.set_value(node_id, v, dtype_name(v))
        if self.command is not None:
            self.command.update(values)

    def _plot(self, tr: Trainer) -> None:
        """Loss, and per parameter: its value (scalar), one curve per element (a small
        vector), or its norm ‖p‖ (anything bigger)."""
        doc = self.controller.doc
        curves: dict[str, list[float]] = {}
        for node_id in tr.params:
            if node_id not in doc:
                continue
            name = doc.node(node_id).name
            hist = tr.history.values.get(node_id)
            size = doc.node(node_id).value.size  # type: ignore[union-attr]
            if hist is not None and size == 1:
                curves[name] = [float(v.reshape(-1)[0]) for v in hist]
            elif hist is not None and size <= MAX_ELEMENT_CURVES:
                for j in range(size):
                    idx = np.unravel_index(j, hist[0].shape)
                    label = f"{name}[{', '.join(str(int(k)) for k in idx)}]"
                    curves[label] = [float(v.reshape(-1)[j]) for v in hist]
            else:
                curves[f"‖{name}‖"] = tr.history.norms[node_id]
        self.plots.set_training(tr.history.loss, curves)

    def _end_run(self) -> None:
        self.timer.stop()
        self.trainer = None
        self.command = None
        self._stale = False
        self._update_buttons()

    # ---- the document changing under us --------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if self._own_writes.active or self.trainer is None:
            return
        if not (change.kind == "node_changed" and change.field in ("pos", "name")):
            self._stale = True  # the loop's graph or start values are not the document's
        if self.running:
            self.timer.stop()
            self._update_buttons()
            self._show_status("Paused: the graph was edited." + (
                " Run starts a new run from its values now." if self._stale else ""))
        elif self._stale:
            self._update_buttons()
            self._show_status(self._over_text())

    def _over_text(self) -> str:
        """What the status line says of a stopped run the graph has moved on from: its
        "Done"/"Paused at"/error line described the run, no longer the graph (Differentiate
        adds nodes and a new output; an edit may fix what made a run diverge)."""
        tr = self.trainer
        assert tr is not None
        loss = "" if tr.loss is None else f", loss {tr.loss:.6g}"
        return (f"The graph changed since the last run (step {tr.step_count}{loss}): "
                "Run starts a new run.")

    def _document_replaced(self) -> None:
        self._unsubscribe()
        self._unsubscribe = self.controller.doc.subscribe(self._on_change)
        self._end_run()
        self.plots.clear_training()
        self.plots.show_page("edits")
        self._show_status("")

    # ---- display -------------------------------------------------------------------------------
    def _show_progress(self, prefix: str) -> None:
        tr = self.trainer
        if tr is None:
            return
        loss = tr.loss
        text = (f"{prefix} step {tr.step_count} / {self._target}"
                + ("" if loss is None else f" · loss {loss:.6g}"))
        self._show_status(text)
        # "Training: step 63 / 500", not "Training: Running: step…" (nor "Step step 63")
        self.statusMessage.emit(f"Training: {text.removeprefix('Running: ')}")

    def _show_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self._status_error = error
        self._color_status()

    def _color_status(self) -> None:
        t = theme.current()
        if getattr(self, "_status_error", False):
            self.status.setStyleSheet(
                f"color: {t.error.name()}; background: {t.error_bg.name()}; "
                f"border-radius: 5px; padding: 6px 8px; font-weight: 600;")
        else:
            self.status.setStyleSheet(f"color: {t.text.name()}; padding: 2px 0;")

    def _show_params(self) -> None:
        if self.running:
            return
        doc = self.controller.doc
        live = self.trainer is not None and not self._stale
        ids = self.trainer.params if live else trainable(doc)  # a stale run's are history
        if ids:
            names = ", ".join(doc.node(i).name for i in ids if i in doc)
            out = doc.node(doc.output).name if doc.output in doc else "the output"
            self.params_label.setText(f"Minimises {out} by changing {names} (the variables "
                                      "with requires_grad it depends on).")
        elif doc.output is None:
            self.params_label.setText("Choose an output to minimise.")
        else:
            self.params_label.setText("Tick requires_grad on a variable the output depends "
                                      "on: training changes those.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.running
        resumable = (self.trainer is not None and not self._stale and not self.trainer.stopped
                     and self.trainer.step_count < self._target)
        self.run_button.setText("Pause" if running else "Resume" if resumable else "Run")
        self.reset_button.setEnabled(self.trainer is not None)
        for w in (self.optimizer, self.steps, self.lr, *self._rows.values()):
            w.setEnabled(not running)

    def apply_theme(self) -> None:
        self._color_status()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        """A theme switch changes the application palette: re-colour the status line."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._color_status()


def _spin(lo: float, hi: float, step: float, decimals: int) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setKeyboardTracking(False)
    return box


@contextmanager
def _blocked(*widgets: QWidget) -> Iterator[None]:
    for w in widgets:
        w.blockSignals(True)
    try:
        yield
    finally:
        for w in widgets:
            w.blockSignals(False)
