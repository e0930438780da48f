"""The backward stepper: replay core's backward pass one document node at a time.

core already recorded what its engine did (`Evaluator.backward()` → `BackwardResult.steps`, one
`ReplayStep` per node: the seed, each node sending gradients back along its input wires, each
leaf receiving its `.grad`). This module only *replays* that trace: which nodes and wires have been
reached at step i (`picture`), and the words and numbers that explain step i (`explain`). No
gradient is computed here — every number shown is one of the `BackwardResult`'s arrays.

`BackwardStepper` drives the canvas items' step-state API, the step bar above the canvas and the
step dock; it leaves stepping as soon as an edit or a re-evaluation makes the replay stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QEasingCurve, QObject, QTimer, QVariantAnimation, Signal

from core.graph import Document, Wire
from core.graph.catalog import OpSpec
from core.graph.evaluate import BackwardResult, ReplayStep
from core.graph.frames import collapse_steps

if TYPE_CHECKING:
    from app.application.main_window import MainWindow

# node states (what NodeItem.set_step_state receives)
PENDING = "pending"  # takes part, no gradient has reached it yet: dimmed, gradient hidden
WAITING = "waiting"  # some of its gradients have arrived, its own step is still to come
READY = "ready"  # all of its gradients have arrived (their sum is its total); its step is next
CURRENT = "current"  # the node of this step
DONE = "done"  # its step is over: shows its total gradient
OFF = "off"  # no gradient ever reaches it in this pass (constants, other branches)
# wire states (WireItem.set_step_state)
SENT = "sent"  # sent at this step: highlighted, its pulse travels back
GATHERED = "gathered"  # arrived earlier and summed into this step's node
# (wires also use PENDING, DONE and OFF)

#: auto-advance intervals (ms) of the speed choices, slowest first
SPEEDS: dict[str, int] = {"Slow": 2000, "Normal": 1100, "Fast": 500}


@dataclass(frozen=True)
class StepPicture:
    """What the canvas shows at one step: a state for every node and wire, and for nodes still
    waiting for gradients how many of them have arrived ("∇ 1 of 2": not "1/2", which would
    read as a gradient of one half)."""

    index: int
    nodes: dict[str, str]
    wires: dict[Wire, str]
    notes: dict[str, str] = field(default_factory=dict)


def _schedule(steps: Sequence[ReplayStep]) -> tuple[dict[str, int], dict[Wire, int]]:
    """The step at which each node is reached and each wire's gradient is sent."""
    reached: dict[str, int] = {}
    sent: dict[Wire, int] = {}
    for step in steps:
        reached.setdefault(step.node, step.index)
        for wire, grad in step.sends:
            if grad is not None:
                sent.setdefault(wire, step.index)
    return reached, sent


def picture(steps: Sequence[ReplayStep], node_ids: Iterable[str], wires: Iterable[Wire],
            index: int) -> StepPicture:
    """The state of every node and wire after step `index` of the replay."""
    reached, sent = _schedule(steps)
    current = steps[index].node if 0 <= index < len(steps) else None
    wire_states: dict[Wire, str] = {}
    expected: dict[str, int] = {}
    arrived: dict[str, int] = {}
    for wire in wires:
        at = sent.get(wire)
        if at is None:
            wire_states[wire] = OFF
            continue
        expected[wire.src] = expected.get(wire.src, 0) + 1
        if at > index:
            wire_states[wire] = PENDING
            continue
        arrived[wire.src] = arrived.get(wire.src, 0) + 1
        wire_states[wire] = SENT if at == index else (GATHERED if wire.src == current else DONE)
    node_states: dict[str, str] = {}
    notes: dict[str, str] = {}
    for nid in node_ids:
        at = reached.get(nid)
        if at is None:
            node_states[nid] = OFF
        elif at == index:
            node_states[nid] = CURRENT
        elif at < index:
            node_states[nid] = DONE
        elif arrived.get(nid) == expected.get(nid):
            node_states[nid] = READY
        elif arrived.get(nid):
            node_states[nid] = WAITING
            notes[nid] = f"∇ {arrived[nid]} of {expected[nid]}"
        else:
            node_states[nid] = PENDING
            notes[nid] = "∇ ?"
    return StepPicture(index, node_states, wire_states, notes)


# ---------------------------------------------------------------------------------- explanation
@dataclass
class Send:
    """One input wire of the step's node and the gradient sent back along it (chain rule:
    upstream × local derivative = sent)."""

    wire: Wire
    to_name: str  # the node the gradient goes back to
    port: str  # the input of this step's node it leaves through
    local: str  # the catalog's local derivative for that input, e.g. "∂(a·b)/∂a = b"
    upstream: np.ndarray | None  # ∂out/∂(this node): what arrived
    sent: np.ndarray | None  # the engine's gradient along the wire


@dataclass
class Term:
    """One gradient that arrived at the step's node from a consumer (they sum to its total)."""

    wire: Wire
    from_name: str  # the consumer that sent it
    port: str  # the consumer's input it came back through
    grad: np.ndarray | None


@dataclass
class Explanation:
    """Everything the step panel writes about one step, numbers straight from the replay."""

    index: int
    count: int
    kind: str  # seed / node / leaf
    node: str
    name: str
    op: str
    engine_name: str
    output_name: str
    grad: np.ndarray | None  # ∂out/∂node: the total that arrived (a leaf's .grad)
    formula: str = ""  # the op's local derivative, from the catalog
    terms: list[Term] = field(default_factory=list)
    inputs: list[tuple[str, str, Any]] = field(default_factory=list)  # (port, source, value)
    sends: list[Send] = field(default_factory=list)
    inner: list[tuple[str, np.ndarray]] = field(default_factory=list)  # composite: engine ops
    # a leaf in an accumulating pass (Backward again): .grad before it, and after
    previous: np.ndarray | None = None
    accumulated: np.ndarray | None = None

    @property
    def title(self) -> str:
        """"Step 3 of 9 — mul (MulBackward0)"."""
        return f"Step {self.index + 1} of {self.count} — {self.name} ({self.engine_name})"


def local_formula(spec: OpSpec, port: str) -> str:
    """The op's local derivative for input `port`: the catalog writes one per input port."""
    return spec.local_derivative(port)


def explain(doc: Document, result: BackwardResult, index: int,
            values: dict[str, Any]) -> Explanation:
    """The explanation of step `index` of `result.steps`, for the step panel."""
    steps = result.steps
    step = steps[index]
    if step.kind == "frame":
        return explain_frame(doc, result, index, values)
    node = doc.node(step.node)
    spec = node.spec
    _reached, sent_at = _schedule(steps)
    outs = [o for o in result.outputs or [result.output] if o in doc]
    out_name = doc.node(result.output).name if len(outs) < 2 else \
        "(" + " + ".join(doc.node(o).name for o in outs) + ")"
    ex = Explanation(index=index, count=len(steps), kind=step.kind, node=step.node,
                     name=node.name, op=node.op, engine_name=step.engine_name,
                     output_name=out_name, grad=step.grad,
                     formula=spec.derivative_text)
    if step.kind == "leaf" and step.node in result.previous_grads:
        ex.previous = result.previous_grads[step.node]
        ex.accumulated = result.leaf_grads.get(step.node)
    if step.kind != "seed":
        # what arrived: the gradients this node's consumers sent back, in the order they came
        arrived = sorted((w for w in sent_at if w.src == step.node), key=lambda w: sent_at[w])
        ex.terms = [Term(w, doc.node(w.dst).name, w.port, result.wire_grads.get(w))
                    for w in arrived]
    if step.kind != "leaf":
        for port, src in sorted(doc.inputs_of(step.node).items(), key=lambda kv: _port_order(
                spec, kv[0])):
            ex.inputs.append((port, doc.node(src).name, values.get(src)))
        for wire, grad in step.sends:
            ex.sends.append(Send(wire, doc.node(wire.src).name, wire.port,
                                 local_formula(spec, wire.port), step.grad, grad))
        if len(step.inner) > 1:
            ex.inner = list(step.inner)
    return ex


def explain_frame(doc: Document, result: BackwardResult, index: int,
                  values: dict[str, Any]) -> Explanation:
    """A collapsed frame's step: what arrived at the frame from outside, what it sent back
    across its border (each with the inner node's local derivative), and the inner steps."""
    steps = result.steps
    step = steps[index]
    f = doc.frame_of(step.node)
    inside = set(f.members) if f is not None else {step.node}
    _reached, sent_at = _schedule(steps)
    ex = Explanation(index=index, count=len(steps), kind="frame", node=step.node,
                     name=step.engine_name, op="frame", engine_name=f"{len(step.inner)} steps "
                     "inside, as one", output_name=doc.node(result.output).name,
                     grad=step.grad, inner=list(step.inner))
    arrived = sorted((w for w in sent_at if w.src in inside and w.dst not in inside),
                     key=lambda w: sent_at[w])
    ex.terms = [Term(w, doc.node(w.dst).name, w.port, result.wire_grads.get(w))
                for w in arrived]
    for wire, grad in step.sends:
        if wire.src in inside:
            continue  # a wire inside the frame: one of the inner steps
        dst = doc.node(wire.dst)
        port = f"{dst.name}.{wire.port}"
        ex.inputs.append((port, doc.node(wire.src).name, values.get(wire.src)))
        ex.sends.append(Send(wire, doc.node(wire.src).name, port,
                             local_formula(dst.spec, wire.port),
                             result.node_grads.get(wire.dst), grad))
    return ex


def _port_order(spec: OpSpec, port: str) -> tuple[int, int]:
    base, _, idx = port.partition(".")
    names = [p.name for p in spec.inputs]
    return (names.index(base) if base in names else len(names), int(idx) if idx.isdigit() else 0)


def same_replay(a: BackwardResult | None, b: BackwardResult | None) -> bool:
    """Whether two backward results replay identically (a re-run with nothing changed)."""
    if a is None or b is None or a.output != b.output or len(a.steps) != len(b.steps):
        return False
    for s, t in zip(a.steps, b.steps):
        if (s.kind, s.node, s.engine_name) != (t.kind, t.node, t.engine_name):
            return False
        if not _same_array(s.grad, t.grad) or len(s.sends) != len(t.sends):
            return False
        for (w1, g1), (w2, g2) in zip(s.sends, t.sends):
            if w1 != w2 or not _same_array(g1, g2):
                return False
    return True


def _same_array(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


# ---------------------------------------------------------------------------------- driver
class BackwardStepper(QObject):
    """Steps the window's canvas through the last backward pass.

    Lifecycle: `start()` (runs backward first if it has not run, refuses with a status message
    when there is no output or backward failed) → `go(i)` / `next()` / `previous()` / play →
    `stop()`. Any edit that changes the numbers (or a re-evaluation with a different result)
    stops stepping, so the canvas never replays a stale trace.
    """

    activeChanged = Signal(bool)
    stepChanged = Signal(int)
    playingChanged = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.result: BackwardResult | None = None
        self.steps: list[ReplayStep] = []  # the result's steps, collapsed frames folded
        self.index = -1
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
    def count(self) -> int:
        return len(self.steps) if self.result is not None else 0

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def current_step(self) -> ReplayStep | None:
        return self.steps[self.index] if self.active and self.index >= 0 else None

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

    def toggle(self, on: bool) -> None:
        if on:
            self.start()
        else:
            self.stop()

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
        self.window.statusBar().showMessage(
            f"Backward step {index + 1} of {self.count} — {name} ({what})")
        item = self.window.scene.nodes.get(step.node)
        if item is not None and not self.window.view.auto_fit:
            self.window.view.ensureVisible(item, 40, 40)
        self.stepChanged.emit(index)
        if self.playing and index >= self.count - 1:
            self.set_playing(False)

    def next(self) -> None:  # noqa: A003 - a debugger's verb
        self.go(self.index + 1)

    def previous(self) -> None:
        self.go(self.index - 1)

    def first(self) -> None:
        self.go(0)

    def last(self) -> None:
        self.go(self.count - 1)

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
        steps = collapse_steps(self.result.steps, self.controller.doc)
        if [(s.kind, s.node) for s in steps] == [(s.kind, s.node) for s in self.steps]:
            self.steps = steps
            return
        node = self.steps[self.index].node if 0 <= self.index < len(self.steps) else None
        self.steps = steps
        at = next((i for i, s in enumerate(steps) if s.node == node), None)
        if at is None and node is not None:  # folded into a frame: its step
            f = self.controller.doc.frame_of(node)
            at = next((i for i, s in enumerate(steps)
                       if f is not None and s.node in f.members), None)
        self.index = max(0, min(at if at is not None else self.index, len(steps) - 1))
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

    def _status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 6000)


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
    ex = st.explanation()
    st.panel.show_explanation(ex)
    if ex is not None:
        st.bar.show_position(index, st.count, ex.name)
    n = st.count
    st.act_prev.setEnabled(index > 0)
    st.act_first.setEnabled(index > 0)
    st.act_next.setEnabled(0 <= index < n - 1)
    st.act_last.setEnabled(0 <= index < n - 1)


def _show_playing(st: BackwardStepper, on: bool) -> None:
    from app.application import icons
    from app.stepping.mode_view import check_quietly

    check_quietly(st.act_play, on)
    st.act_play.setData("pause" if on else "play")
    st.act_play.setIcon(icons.icon("pause" if on else "play"))
