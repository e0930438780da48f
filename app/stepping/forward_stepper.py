"""Forward stepping: values appear node by node, in the order the engine computed them, each
op's arithmetic written out (`mul: 3 × 2 = 6`).

The backward stepper (app/stepping/stepper.py) teaches where gradients go; this teaches the pass
before it. The steps and their text come from `core.graph.forward_steps` (numbers from the
last evaluation); this module only shows them: nodes not computed yet are dimmed and show
no value, the current node is outlined, gradients are hidden (forward has none yet), and
the Forward Step dock keeps the tape of every line so far. Any edit or re-evaluation ends
stepping, as it does for backward; the two steppers never run at once.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTextBrowser

from app.application import theme
from app.canvas.items.wire_item import step_color
from app.stepping.stepper_base import StepperBase
from core.graph.forward_steps import ForwardStep, forward_picture, forward_steps
from core.graph.replay import PENDING

if TYPE_CHECKING:
    from app.application.main_window import MainWindow


class ForwardStepper(StepperBase):
    """Steps the canvas through the forward pass of the last evaluation."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.steps: list[ForwardStep] = []
        self._starting = False
        self.controller.undo_stack.indexChanged.connect(
            lambda *_: self.stop("Forward stepping stopped: the graph changed."))
        self.controller.documentReplaced.connect(
            lambda: self.stop("Forward stepping stopped: another graph was opened."))
        self.controller.evaluated.connect(
            lambda _r: None if self._starting else self.stop(
                "Forward stepping stopped: the graph was evaluated again."))

    @property
    def active(self) -> bool:
        return bool(self.steps)

    def current(self) -> ForwardStep | None:
        return self.current_step()

    def start(self) -> bool:
        """Enter forward stepping at the first node; False (and why) on an empty graph."""
        c = self.controller
        if not len(c.doc):
            self._status("Nothing to step through: build a graph first.")
            self.activeChanged.emit(False)
            return False
        backward = getattr(self.window, "stepper", None)
        if backward is not None and backward.active:
            backward.stop("Backward stepping stopped: stepping through forward.")
        if c.result is None:
            self._starting = True
            try:
                c.evaluate_now()
            finally:
                self._starting = False
        r = c.result
        self.steps = forward_steps(c.doc, r.values, r.errors)
        self.index = -1
        self.activeChanged.emit(True)
        self.go(0)
        return True

    def stop(self, message: str = "") -> None:
        if not self.active:
            return
        self.steps, self.index = [], -1
        scene = self.window.scene
        for nid, item in scene.nodes.items():
            item.set_step_state(None)
            self.controller._apply_result_to(nid)  # values, .grad and wire gradients back
        for wire in scene.wires.values():
            wire.set_step_state(None)
        self.activeChanged.emit(False)
        self._status(message or "Forward stepping stopped.")

    def go(self, index: int) -> None:
        if not self.active:
            return
        self.index = max(0, min(index, self.count - 1))
        self._apply()
        step = self.steps[self.index]
        self._show_position(f"Forward step {self.index + 1} of {self.count} — {step.text}",
                            step.node)
        self.stepChanged.emit(self.index)

    def _apply(self) -> None:
        """Computed nodes show their value, the current one is outlined, the rest wait."""
        scene = self.window.scene
        r = self.controller.result
        pic = forward_picture(self.steps, scene.nodes, scene.wires, self.index)
        for nid, item in scene.nodes.items():
            state = pic.nodes[nid]
            if state != PENDING:
                item.set_value(r.values.get(nid) if r else None, r.errors.get(nid) if r else None)
                item.set_step_state(state)
            else:
                item.set_value(None)
                item.set_step_state(PENDING, "")
            item.set_grad(None)  # no gradients in a forward pass
        for key, wire in scene.wires.items():
            wire.set_grad(None)
            wire.set_step_state(pic.wires[key])


class ForwardPanel(QTextBrowser):
    """The tape: every arithmetic line up to the current step, the current one marked."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.lines: list[str] = []

    def show_steps(self, steps: list[ForwardStep], index: int) -> None:
        t = theme.current()
        mono = theme.mono_font().family()
        green = step_color().name()
        self.lines = [s.text for s in steps[:index + 1]]
        rows = []
        for i, s in enumerate(steps[:index + 1]):
            style = (f"color:{green}; font-weight:600" if i == index
                     else f"color:{t.text.name()}")
            mark = "▶" if i == index else f"{i + 1}."
            rows.append(f"<tr><td style='color:{t.subtext.name()}; padding-right:6px' "
                        f"align='right'>{mark}</td><td style=\"font-family:'{mono}'; "
                        f"{style}\">{escape(s.text)}</td></tr>")
        head = (f"<p><span style='font-size:15pt; font-weight:600'>Step {index + 1}</span>"
                f"<span style='color:{t.subtext.name()}'> of {len(steps)}</span></p>"
                f"<p style='color:{t.subtext.name()}'>The forward pass, in the order the "
                f"engine computes it: each node's value from the values wired into it.</p>")
        self.setHtml(f"<html><body>{head}<table cellspacing='2'>{''.join(rows)}</table>"
                     f"</body></html>")
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())


def install(window: MainWindow, backward: Any = None) -> ForwardStepper:
    """Actions (Graph menu, toolbar), the bar above the canvas and the Forward Step dock, put
    in through the window's public hooks; the window keeps what this returns (`.bar`,
    `.panel`, `.dock`). `backward` (the backward stepper) places the mode beside its own, and
    the two take turns: entering backward stepping leaves forward stepping."""
    fs = ForwardStepper(window)
    backward_mode = getattr(backward, "act_mode", None)
    nav = _add_actions(fs, window, backward_mode)
    fs.bar = _add_bar(fs, window)
    fs.panel = ForwardPanel(window)
    fs.dock = window.add_dock("Forward Step", "forwardStepDock", fs.panel,
                              Qt.DockWidgetArea.RightDockWidgetArea,
                              tab_with=window.inspector_dock, hidden=True)
    fs.activeChanged.connect(lambda on: _show_active(fs, window, nav, on))
    fs.stepChanged.connect(lambda index: _show_step(fs, window, index))
    if backward is not None:
        backward.activeChanged.connect(
            lambda on: fs.stop("Forward stepping stopped: stepping through backward.")
            if on else None)
    _show_active(fs, window, nav, False)
    return fs


def _add_actions(fs: ForwardStepper, window: MainWindow, backward_mode: Any) -> list[Any]:
    """The forward stepping actions; the mode goes right after the backward mode in the Graph
    menu and before it on the toolbar. Returns the navigation, enabled only while stepping."""
    from PySide6.QtGui import QKeySequence

    a = window.add_action
    fs.act_mode = a("Step Through &Forward", fs.toggle, "Shift+F9", "step-forward",
                    "Show the forward pass one node at a time, with its arithmetic",
                    checkable=True)
    fs.act_next = a("Next Forward Step", fs.next, ["F10", "Right"], "step-next")
    fs.act_prev = a("Previous Forward Step", fs.previous, ["Shift+F10", "Left"], "step-prev")
    fs.act_first = a("First Forward Step", fs.first, "Home", "step-first")
    fs.act_last = a("Last Forward Step", fs.last, "End", "step-last")
    fs.act_stop = a("Stop Forward Stepping", fs.stop, QKeySequence(Qt.Key.Key_Escape), "stop")
    menu = window.menu("Graph")
    if menu is not None:
        acts = menu.actions()
        i = acts.index(backward_mode) if backward_mode in acts else len(acts) - 1
        menu.insertAction(acts[i + 1] if i + 1 < len(acts) else None, fs.act_mode)
    window.add_toolbar_actions([fs.act_mode], before=backward_mode)
    return [fs.act_first, fs.act_prev, fs.act_next, fs.act_last, fs.act_stop]


def _add_bar(fs: ForwardStepper, window: MainWindow) -> Any:
    from app.stepping.step_bar import StepBar

    bar = StepBar([fs.act_first, fs.act_prev, fs.act_next, fs.act_last], ["Normal"],
                  fs.act_stop, window)
    bar.title.setText("Stepping through forward")
    bar.indexRequested.connect(fs.go)
    window.add_above_canvas(bar)
    return bar


def _show_active(fs: ForwardStepper, window: MainWindow, nav: list[Any], on: bool) -> None:
    from app.stepping.mode_view import show_mode

    show_mode(fs, nav, on)
    if not on:
        fs.panel.clear()
        window.inspector_dock.raise_()


def _show_step(fs: ForwardStepper, window: MainWindow, index: int) -> None:
    from app.stepping.mode_view import enable_moves

    fs.panel.show_steps(fs.steps, index)
    step = fs.current()
    if step is not None:
        fs.bar.show_position(index, fs.count, window.controller.doc.node(step.node).name)
    enable_moves(fs, index)
