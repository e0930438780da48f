"""The backward stepper: replay core's backward pass one document node at a time.

core already recorded what its engine did (`Evaluator.backward()` → `BackwardResult.steps`, one
`ReplayStep` per node: the seed, each node sending gradients back along its input wires, each
leaf receiving its `.grad`), and `core.graph.replay` says which nodes and wires have been reached
at step i (`picture`) and the words and numbers that explain step i (`explain`). This module only
drives the view through that model. No gradient is computed here.

`BackwardStepper` drives the canvas items' step-state API, the step bar above the canvas and the
step dock; it leaves stepping as soon as an edit or a re-evaluation makes the replay stale.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEasingCurve, QTimer, QVariantAnimation, Signal

from app.stepping.stepper_base import StepperBase
from core.graph.replay import (  # the model; re-exported for the view's other modules
    CURRENT,
    DONE,
    GATHERED,
    OFF,
    PENDING,
    READY,
    SENT,
    WAITING,
    BackwardResult,
    Explanation,
    ReplayStep,
    StepPicture,
    collapse_steps,
    explain,
    local_formula,
    picture,
    refold,
    same_replay,
)

if TYPE_CHECKING:
    from app.application.main_window import MainWindow

#: auto-advance intervals (ms) of the speed choices, slowest first
SPEEDS: dict[str, int] = {"Slow": 2000, "Normal": 1100, "Fast": 500}


class BackwardStepper(StepperBase):
    """Steps the window's canvas through the last backward pass.

    Lifecycle: `start()` (runs backward first if it has not run, refuses with a status message
    when there is no output or backward failed) → `go(i)` / `next()` / `previous()` / play →
    `stop()`. Any edit that changes the numbers (or a re-evaluation with a different result)
    stops stepping, so the canvas never replays a stale trace.
    """

    playingChanged = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.result: BackwardResult | None = None
        self.steps: list[ReplayStep] = []  # the result's steps, collapsed frames folded
        self.speed = "Normal"
        self._evaluator: Any = None
        self._pic: StepPicture | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._flow = QVariantAnimation(self)
        self._flow.setStartValue(0.0)
        self._flow.setEndValue(1.0)
        self._flow.setDuration(650)
        self._flow.setEasingCurve(QEasingCurve.Type.InOutCubic)
        self._flow.valueChanged.connect(self._show_flow)
        self.controller.undo_stack.indexChanged.connect(self._after_edit)
        self.controller.documentReplaced.connect(
            lambda: self.stop("Stepping stopped: another graph was opened."))
        self.controller.evaluated.connect(self._after_evaluation)

    # ---- state -----------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.result is not None

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def explanation(self) -> Explanation | None:
        if not self.active:
            return None
        values = self.controller.result.values if self.controller.result else {}
        folded = replace(self.result, steps=self.steps)
        return explain(self.controller.doc, folded, self.index, values)

    # ---- start / stop ----------------------------------------------------------------------
    def start(self) -> bool:
        """Enter stepping at step 1 (the seed); False (and a status message) if impossible."""
        if self.active:
            self.go(0)
            return True
        c = self.controller
        if c.doc.output is None:
            self._status("Choose an output (Ctrl+Shift+O) to step through its backward pass.")
            self.activeChanged.emit(False)
            return False
        if c.result is None or not c.result.backward_ran:
            c.run_backward()
        evaluator = c.session.evaluator
        bw = evaluator.last_backward
        if c.result is None or not c.result.backward_ran or bw is None or bw.error or not bw.steps:
            why = (bw.error if bw is not None and bw.error else
                   c.result.message if c.result is not None and c.result.message else
                   "backward did not run")
            self._status(f"Cannot step through backward: {why}")
            self.activeChanged.emit(False)
            return False
        self.result, self._evaluator, self.index = bw, evaluator, -1
        self.steps = collapse_steps(bw.steps, c.doc)
        self.activeChanged.emit(True)
        self.go(0)
        return True

    def stop(self, message: str = "") -> None:
        """Leave stepping: every item back to its normal picture."""
        if not self.active:
            return
        self._timer.stop()
        self._flow.stop()
        self.result, self._evaluator, self._pic, self.index = None, None, None, -1
        self.steps = []
        scene = self.window.scene
        for item in scene.nodes.values():
            item.set_step_state(None)
        for wire in scene.wires.values():
            wire.set_step_state(None)
        self.playingChanged.emit(False)
        self.activeChanged.emit(False)
        self._status(message or "Stepping stopped.")

    # ---- moving ----------------------------------------------------------------------------
    def go(self, index: int) -> None:
        """Show step `index` (clamped to the replay)."""
        if not self.active:
            return
        index = max(0, min(index, self.count - 1))
        forward = index == self.index + 1
        self.index = index
        self._apply()
        if forward or index == 0:
            self._flow.stop()
            self._flow.start()  # the sent gradients travel back along their wires
        else:
            self._show_flow(1.0)
        step = self.steps[index]
        name = step.engine_name if step.kind == "frame" else \
            self.controller.doc.node(step.node).name
        what = "collapsed frame" if step.kind == "frame" else step.engine_name
        self._show_position(f"Backward step {index + 1} of {self.count} — {name} ({what})",
                            step.node)
        self.stepChanged.emit(index)
        if self.playing and index >= self.count - 1:
            self.set_playing(False)

    def set_playing(self, on: bool) -> None:
        """Auto-advance at the chosen speed; playing from the last step starts over."""
        if on and self.active:
            if self.index >= self.count - 1:
                self.go(0)
            self._timer.start(SPEEDS.get(self.speed, SPEEDS["Normal"]))
        else:
            self._timer.stop()
        self.playingChanged.emit(self.playing)

    def set_speed(self, speed: str) -> None:
        self.speed = speed if speed in SPEEDS else "Normal"
        if self.playing:
            self._timer.start(SPEEDS[self.speed])

    def _tick(self) -> None:
        if not self.active or self.index >= self.count - 1:
            self.set_playing(False)
            return
        self.next()

    # ---- canvas ----------------------------------------------------------------------------
    def _apply(self) -> None:
        scene = self.window.scene
        pic = picture(self.steps, scene.nodes, scene.wires, self.index)
        self._pic = pic
        for nid, item in scene.nodes.items():
            item.set_step_state(pic.nodes.get(nid, OFF), pic.notes.get(nid, ""))
        for key, wire in scene.wires.items():
            wire.set_step_state(pic.wires.get(key, OFF))

    def _show_flow(self, phase: Any) -> None:
        if self._pic is None:
            return
        wires = self.window.scene.wires
        for key, state in self._pic.wires.items():
            if state == SENT and key in wires:
                wires[key].set_flow(float(phase))

    def picture(self) -> StepPicture | None:
        """The states shown now (tests and the panel)."""
        return self._pic

    # ---- staying in step with the document -------------------------------------------------
    def _after_edit(self, *_args: Any) -> None:
        if not self.active:
            return
        if self._evaluator is not self.controller.session.evaluator or \
                self._evaluator.last_backward is not self.result:
            self.stop("Stepping stopped: the graph changed. Press F9 to step through it again.")
        else:  # a move, a rename, a frame collapsed: same numbers, maybe other steps
            self._refold()
            self.stepChanged.emit(self.index)

    def _refold(self) -> None:
        """Fold the replay again (a frame was collapsed or expanded): stay on the step of the
        same node where there still is one."""
        self.steps, self.index, moved = refold(self.result.steps, self.controller.doc,
                                               self.steps, self.index)
        if moved:
            self._apply()

    def _after_evaluation(self, result: Any) -> None:
        if not self.active:
            return
        ev = self.controller.session.evaluator
        bw = ev.last_backward
        if not result.backward_ran or ev is not self._evaluator:
            self.stop("Stepping stopped: gradients are no longer shown.")
        elif bw is not self.result:
            if same_replay(bw, self.result):  # backward re-run on the same graph
                self.result = bw
                self.steps = collapse_steps(bw.steps, self.controller.doc)
                self._apply()
                self.stepChanged.emit(self.index)  # Backward again: leaves now add up
            else:
                self.stop("Stepping stopped: backward gave a different result.")



# ---------------------------------------------------------------------------------- window
def install(window: MainWindow) -> BackwardStepper:
    """Give the window its stepper: actions (Graph menu, toolbar, shortcuts), the step bar above
    the canvas and the step dock (tabbed with the inspector, shown only while stepping). All of
    it goes in through the window's public hooks; the window keeps what this returns
    (`stepper.bar`, `.panel`, `.dock`)."""
    from PySide6.QtCore import Qt

    from app.stepping.step_panel import StepPanel

    st = BackwardStepper(window)
    nav = _add_actions(st, window)
    st.bar = _add_bar(st, window)
    st.panel = StepPanel(window)
    st.dock = window.add_dock("Backward Step", "stepDock", st.panel,
                              Qt.DockWidgetArea.RightDockWidgetArea,
                              tab_with=window.inspector_dock, hidden=True)
    st.activeChanged.connect(lambda on: _show_active(st, window, nav, on))
    st.stepChanged.connect(lambda index: _show_step(st, index))
    st.playingChanged.connect(lambda on: _show_playing(st, on))
    _show_active(st, window, nav, False)
    return st


def _add_actions(st: BackwardStepper, window: MainWindow) -> list[Any]:
    """The stepping actions, in the Graph menu and (mode and the most used) on the toolbar;
    returns the navigation actions, enabled only while stepping."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence

    a = window.add_action
    st.act_mode = a("Step Through &Backward", st.toggle, "F9", "step",
                    "Replay backward one node at a time", checkable=True)
    st.act_next = a("&Next Step", st.next, ["F10", "Right"], "step-next", "Next backward step")
    st.act_prev = a("&Previous Step", st.previous, ["Shift+F10", "Left"], "step-prev",
                    "Previous backward step")
    st.act_first = a("&First Step", st.first, "Home", "step-first", "First backward step")
    st.act_last = a("&Last Step", st.last, "End", "step-last", "Last backward step")
    st.act_play = a("&Play / Pause", st.set_playing, "Space", "play",
                    "Advance through the steps on a timer", checkable=True)
    st.act_stop = a("&Stop Stepping", st.stop, QKeySequence(Qt.Key.Key_Escape), "stop",
                    "Leave stepping mode")
    nav = [st.act_first, st.act_prev, st.act_play, st.act_next, st.act_last, st.act_stop]
    window.add_menu_actions("Graph", [st.act_mode, *nav], separator=True)
    window.add_toolbar_actions([st.act_mode, st.act_prev, st.act_play, st.act_next],
                               before=window.act_layout, separator=True)
    return nav


def _add_bar(st: BackwardStepper, window: MainWindow) -> Any:
    """The step bar above the canvas: position, speed, and the navigation buttons."""
    from app.stepping.step_bar import StepBar

    bar = StepBar([st.act_first, st.act_prev, st.act_play, st.act_next, st.act_last],
                  list(SPEEDS), st.act_stop, window)
    bar.set_speed(st.speed)
    # the canvas keeps Space for panning (Space-drag) and hands a plain tap back as Play
    window.view.spaceTapped.connect(
        lambda: st.act_play.trigger() if st.act_play.isEnabled() else None)
    bar.indexRequested.connect(st.go)
    bar.speedChosen.connect(st.set_speed)
    window.add_above_canvas(bar)
    return bar


def _show_active(st: BackwardStepper, window: MainWindow, nav: list[Any], on: bool) -> None:
    """Entering or leaving stepping: the mode action, navigation, bar and dock follow."""
    from PySide6.QtCore import Qt

    from app.stepping.mode_view import show_mode

    show_mode(st, nav, on)
    if on:
        # other docks may share the right column: give the explanation most of its height
        window.resizeDocks([st.dock], [max(380, int(window.height() * 0.62))],
                           Qt.Orientation.Vertical)
    else:
        st.panel.show_explanation(None)
        window.inspector_dock.raise_()


def _show_step(st: BackwardStepper, index: int) -> None:
    from app.stepping.mode_view import enable_moves

    ex = st.explanation()
    st.panel.show_explanation(ex)
    if ex is not None:
        st.bar.show_position(index, st.count, ex.name)
    enable_moves(st, index)


def _show_playing(st: BackwardStepper, on: bool) -> None:
    from app.application import icons
    from app.stepping.mode_view import check_quietly

    check_quietly(st.act_play, on)
    st.act_play.setData("pause" if on else "play")
    st.act_play.setIcon(icons.icon("pause" if on else "play"))


__all__ = ["CURRENT", "DONE", "GATHERED", "OFF", "PENDING", "READY", "SENT", "SPEEDS", "WAITING",
           "BackwardStepper", "Explanation", "StepPicture", "install", "local_formula", "picture",
           "same_replay"]
