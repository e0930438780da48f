"""Keeps the canvas in step with the document and turns canvas gestures into undoable edits.

Flow: a gesture → scene signal → here: build a `core.graph` command (which validates; a refused
edit only shows its reason in the status bar) → push on the QUndoStack → the document applies it
and notifies `_on_change` → we update just the affected items and schedule one re-evaluation.
The app never computes a number itself: values and gradients come from `app.document.session`, which
asks core.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np
from PySide6.QtCore import QObject, QPointF, QTimer, Signal
from PySide6.QtGui import QUndoStack

from app.canvas.items.node_item import HEADER_H, NodeItem
from app.canvas.scene import CanvasScene
from app.document import auto_output, node_text, wire_insert
from app.document import undo_commands as uc
from app.document.session import EvalResult, EvalSession
from core.graph import Change, Document, GraphError, Wire
from core.graph.commands import Edit


def port_layout(doc: Document, node_id: str) -> list[tuple[str, str]]:
    """(port key, label) for each input port item: fixed ports from the catalog, and for a
    variadic port its wired slots plus one free slot to wire the next input into."""
    node = doc.node(node_id)
    wired = doc.inputs_of(node_id)
    out: list[tuple[str, str]] = []
    for p in node.spec.inputs:
        if not p.variadic:
            out.append((p.name, p.name))
            continue
        idx = sorted(int(k.split(".", 1)[1]) for k in wired if k.startswith(p.name + "."))
        for i in idx:
            out.append((f"{p.name}.{i}", f"{p.name}{i}"))
        nxt = idx[-1] + 1 if idx else 0
        out.append((f"{p.name}.{nxt}", f"{p.name}{nxt}"))
    return out


class GraphController(QObject):
    """Owns the document ↔ scene mapping, the undo stack and live re-evaluation."""

    statusMessage = Signal(str)
    evaluated = Signal(object)  # EvalResult
    documentReplaced = Signal()

    def __init__(self, scene: CanvasScene, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        scene.wire_drop.accepts = wire_insert.accepts  # the glow follows what a drop does
        self.undo_stack = QUndoStack(self)
        self.doc = Document()
        self._unsubscribe: Callable[[], None] = self.doc.subscribe(self._on_change)
        self.session = EvalSession(self.doc)
        self.auto_backward = True
        self.result: EvalResult | None = None
        self._grad_shown: set[str] = set()
        self.last_eval_ms = 0.0
        self._backward_once = False
        self.backward_outputs: list[str] | None = None  # Backward from selected: several
        self.refusal: dict[str, str] = {}  # output id -> why Backward again was refused
        self._pending_reveal: tuple[list[str], bool] | None = None  # see _reveal
        self._eval_timer = QTimer(self)
        self._eval_timer.setSingleShot(True)
        self._eval_timer.setInterval(0)  # coalesce the changes of one edit into one evaluation
        self._eval_timer.timeout.connect(self.evaluate_now)
        scene.opDropped.connect(self.drop_op)
        scene.connectRequested.connect(self.request_connect)
        scene.reconnectRequested.connect(self.request_reconnect)
        scene.disconnectRequested.connect(self.request_disconnect)
        scene.nodesMoved.connect(self.request_move)
        scene.statusMessage.connect(self.statusMessage)

    # ---- document lifecycle --------------------------------------------------------------------
    def set_document(self, doc: Document) -> None:
        """Show another document (New/Open): clears undo history and rebuilds the canvas."""
        self._unsubscribe()
        self.session.close()
        self.doc = doc
        self._unsubscribe = doc.subscribe(self._on_change)
        keep = self.session.grads.retain_graph
        self.session = EvalSession(doc)
        self.session.grads.retain_graph = keep  # a window setting, not the document's
        self.backward_outputs = None
        self.refusal = {}
        self.undo_stack.clear()
        self.result = None
        self._grad_shown = set()
        self._rebuild_all()
        self.documentReplaced.emit()
        self.evaluate_now()
        # measured after the first evaluation: only then do the items show their values and
        # gradients, at full size (measured before, an opened lesson kept overlapping nodes)
        with self.scene.batched_labels():
            self._spread_if_overlapping()

    def _spread_if_overlapping(self) -> None:
        """Files laid out for smaller nodes (e.g. by core's layout) get their positions stretched
        about their top-left until nodes no longer crowd each other. Not an undoable edit: it is how
        the file is shown; saving keeps the readable positions."""
        if not self.scene.crowded_nodes():
            return
        base = {n.id: n.pos for n in self.doc}
        origin = (min(p[0] for p in base.values()), min(p[1] for p in base.values()))
        for factor in (1.25, 1.5, 1.75, 2.0, 2.5, 3.0):
            for node_id, (x, y) in base.items():
                self.scene.nodes[node_id].setPos(origin[0] + (x - origin[0]) * factor,
                                                 origin[1] + (y - origin[1]) * factor)
            if not self.scene.crowded_nodes():
                break
        for node_id, item in self.scene.nodes.items():
            self.doc.move(node_id, (item.pos().x(), item.pos().y()))

    def _rebuild_all(self) -> None:
        self.scene.clear_graph()
        for node in self.doc:
            self._add_item(node.id)
        for wire in self.doc.wires:
            self._add_wire_item(wire)
        self._refresh_flags()

    # ---- applying edits ------------------------------------------------------------------------
    def push(self, kind: str, *args: Any, **kwargs: Any) -> bool:
        """Validate and push one edit; on refusal show why and return False."""
        try:
            cmd = uc.make(self.doc, kind, *args, **kwargs)
        except GraphError as e:
            self.statusMessage.emit(str(e))
            return False
        self.undo_stack.push(cmd)
        return True

    def push_macro(self, text: str, steps: Sequence[Edit]) -> bool:
        """Several edits as one undo step; refused as a whole with the first reason."""
        if not steps:
            return False
        try:
            cmd = uc.macro(self.doc, text, steps)
        except GraphError as e:
            self.statusMessage.emit(str(e))
            return False
        self.undo_stack.push(cmd)
        return True

    def push_steps(self, text: str, steps: Sequence[Edit]) -> bool:
        """One edit as itself (its own undo text), several as one macro named `text`."""
        if len(steps) == 1:
            (step,) = steps
            return self.push(step.kind, *step.args, **step.kwargs)
        return self.push_macro(text, steps)

    def add_op(self, op: str, pos: QPointF) -> str | None:
        """Add a node of `op` so that `pos` (scene) falls in its header, as dropped.

        Built by hand it must behave as typed in the expression bar: a new variable requires
        grad (constants never do), and the first output node becomes the output, in the same
        undo step, so gradients show without a trip to a checkbox or a menu."""
        node_id = self.doc.new_id()
        x, y = pos.x() - 60.0, pos.y() - HEADER_H / 2
        steps = auto_output.add_steps(self.doc, op, node_id, (x, y))
        if self.push_steps(f"add {op}", steps):
            self.select_only([node_id])
            self._reveal([node_id], reframe=False)  # dropped at the edge: all of it in view
            return node_id
        return None

    def drop_op(self, op: str, pos: QPointF) -> str | None:
        """A node of `op` dropped (palette drag, quick-add) at `pos`: into the wire there, if
        any (one undo step, see `core.graph.splice`), else added as by `add_op`."""
        from app.document.wire_insert import make_room
        from core.graph.splice import insert_into_wire

        wire = self.scene.wire_drop.target(op, pos)
        if wire is None:
            return self.add_op(op, pos)
        node_id = self.doc.new_id()
        at, moves = make_room(self.scene, self.doc, wire.key, op, pos)
        try:
            plan = insert_into_wire(self.doc, wire.key, op, node_id, at)
        except GraphError as e:
            self.statusMessage.emit(f"Cannot insert {op} into the wire: {e}")
            return None
        steps = auto_output.choose_added_output(
            self.doc, plan.steps + ([Edit("move", (moves,))] if moves else []))
        if not self.push_macro(plan.text, steps):
            return None
        self.select_only([node_id])
        self._reveal([wire.key.dst, node_id])
        return node_id

    def _reveal(self, node_ids: list[str], reframe: bool = True) -> None:
        """Scroll each view so these nodes are in it, the last one first in line: an insert
        into a wire pushes nodes right and could leave the new node off-screen with nothing
        scrolling to it. A view still framing the whole graph frames it again (`reframe`;
        not for a node just dropped, which must stay under the cursor). Once the evaluation
        an edit scheduled has run: its numbers (or an error) can widen the nodes."""
        if self._eval_timer.isActive():
            self._pending_reveal = (list(node_ids), reframe)
            return
        for view in self.scene.views():
            reveal = getattr(view, "reveal", None)
            rects = [self.scene.nodes[i].sceneBoundingRect() for i in node_ids
                     if i in self.scene.nodes]
            if reveal is not None and rects:
                reveal(rects, reframe)

    def dissolve_selection(self) -> bool:
        """Ctrl+Delete: remove the selected one-input node and wire its input to what it fed
        (one undo step); otherwise say why not in the status bar."""
        nodes = self.scene.selected_nodes()
        if len(nodes) != 1:
            self.statusMessage.emit("Select one node to dissolve (a node with one input, "
                                    "such as neg or detach).")
            return False
        node_id = nodes[0].node_id
        try:
            cmd = uc.make(self.doc, "dissolve", node_id)  # core/graph/splice.py
        except GraphError as e:
            self.statusMessage.emit(f"Cannot dissolve: {e}.")
            return False
        name = self.doc.node(node_id).name
        src = self.doc.node(self.doc.wires_into(node_id)[0].src).name
        fed = ", ".join(dict.fromkeys(self.doc.node(w.dst).name
                                      for w in self.doc.wires_from(node_id)))
        self.undo_stack.push(cmd)
        self.statusMessage.emit(f"Dissolved {name}: {src} now feeds {fed} directly "
                                "(Undo puts it back).")
        return True

    def request_connect(self, src: str, _src_port: Any, dst: str, port: Any) -> None:
        self.push_steps("connect", auto_output.connect_steps(self.doc, src, dst, str(port)))

    def request_reconnect(self, old: Wire, src: str, _src_port: Any, dst: str,
                          port: Any) -> None:
        self.push_macro("reconnect", [Edit("disconnect", (old.dst, old.port)),
                                      Edit("connect", (src, dst, str(port)))])

    def request_disconnect(self, wire: Wire) -> None:
        self.push("disconnect", wire.dst, wire.port)

    def request_move(self, moved: dict) -> None:
        positions = {i: (new.x(), new.y()) for i, (_old, new) in moved.items()}
        if not self.push("move", positions):
            for i, (old, _new) in moved.items():  # refused: put the items back
                if i in self.scene.nodes:
                    self.scene.nodes[i].setPos(old)

    def delete_selection(self) -> None:
        """Delete selected nodes (with their wires) and selected wires, as one undo step."""
        selected = set(self.scene.selected_node_ids())
        # document order, so undo re-inserts the nodes in their original order
        nodes = [i for i in self.doc.nodes if i in selected]
        wires = [w.key for w in self.scene.selected_wires()
                 if w.key.dst not in nodes and w.key.src not in nodes]
        steps = [Edit("disconnect", (w.dst, w.port)) for w in wires]
        if nodes:
            steps.append(Edit("remove_nodes", (nodes,)))
            steps += auto_output.after_remove_steps(self.doc, nodes)
        if len(steps) == 1 and nodes:
            self.push("remove_nodes", nodes)
        else:
            self.push_macro("delete", steps)

    def select_only(self, node_ids: Sequence[str]) -> None:
        self.scene.clearSelection()
        for i in node_ids:
            item = self.scene.nodes.get(i)
            if item is not None:
                item.setSelected(True)

    # ---- document → scene ----------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        """Mirror one document change in the scene, then re-evaluate unless the change
        moves no number (a move, a rename, a frame: app/document/frame_layer.py draws those)."""
        if change.kind.startswith("frame_"):
            return
        handler = self._CHANGE_HANDLERS.get(change.kind)
        if handler is None or handler(self, change):
            self.schedule_evaluation()

    def _node_added(self, change: Change) -> bool:
        self._add_item(change.node)
        return True

    def _node_removed(self, change: Change) -> bool:
        self.scene.remove_node(change.node)
        return True

    def _wire_changed(self, change: Change) -> bool:
        wire = change.wire
        if change.kind == "wire_removed":
            self.scene.remove_wire(wire)
        if self._is_variadic(wire.dst, wire.port):
            self._rebuild_node(wire.dst)
        elif change.kind == "wire_added":
            self._add_wire_item(wire)
        if wire.dst in self.scene.nodes and wire.dst in self.doc:
            self._refresh_params(self.scene.nodes[wire.dst])  # an optional port (un)wired
        return True

    def _node_changed(self, change: Change) -> bool:
        self._update_item(change.node, change.field)
        return change.field not in ("pos", "name")  # those change no number

    def _output_changed(self, change: Change) -> bool:
        if self.backward_outputs and self.doc.output not in self.backward_outputs:
            self.backward_outputs = None  # a new output: backward from it alone
        self._refresh_flags()
        return True

    def _reset(self, change: Change) -> bool:
        self._rebuild_all()
        return True

    #: document change kind → the method mirroring it; True when numbers may have changed
    _CHANGE_HANDLERS: ClassVar[dict[str, Callable[[GraphController, Change], bool]]] = {
        "node_added": _node_added, "node_removed": _node_removed,
        "wire_added": _wire_changed, "wire_removed": _wire_changed,
        "node_changed": _node_changed, "output_changed": _output_changed, "reset": _reset,
    }

    def _is_variadic(self, node_id: str, port: str) -> bool:
        if node_id not in self.doc:
            return False
        p = self.doc.node(node_id).spec.port(port)
        return bool(p and p.variadic)

    def _add_item(self, node_id: str) -> NodeItem:
        node = self.doc.node(node_id)
        spec = node.spec
        item = NodeItem(node_id, node.name, spec.symbol, port_layout(self.doc, node_id))
        item.setPos(QPointF(*node.pos))
        item.set_flags(self.doc.output == node_id, node.requires_grad)
        if node.value is not None:
            item.set_value(node.value)
        self._refresh_params(item)
        self.scene.add_node(item)
        return item

    def _refresh_params(self, item: NodeItem) -> None:
        """Op parameters on the node (pow → x², `= 2` on an unwired exponent, sum's dim)."""
        i = item.node_id
        item.set_params(node_text.symbol(self.doc, i), node_text.port_notes(self.doc, i),
                        node_text.param_line(self.doc, i))

    def _add_wire_item(self, wire: Wire) -> None:
        src = self.scene.nodes.get(wire.src)
        dst = self.scene.nodes.get(wire.dst)
        if src is None or dst is None or src.output is None:
            return
        port = dst.input_port(wire.port)
        if port is None:
            return
        item = self.scene.add_wire(wire, src.output, port)
        if self.result is not None:
            item.set_grad(self.result.wire_grads.get(wire))

    def _rebuild_node(self, node_id: str) -> None:
        """Recreate a node item whose port list changed (variadic inputs)."""
        if node_id not in self.doc:
            return
        selected = node_id in self.scene.nodes and self.scene.nodes[node_id].isSelected()
        self.scene.remove_node(node_id)
        item = self._add_item(node_id)
        item.setSelected(selected)
        for wire in self.doc.wires_into(node_id) + self.doc.wires_from(node_id):
            self._add_wire_item(wire)
        self._apply_result_to(node_id)

    def _update_item(self, node_id: str, field: str | None) -> None:
        item = self.scene.nodes.get(node_id)
        if item is None:
            return
        node = self.doc.node(node_id)
        if field == "pos":
            if item.pos() != QPointF(*node.pos):
                item.setPos(QPointF(*node.pos))
        elif field == "name":
            item.set_name(node.name)
        elif field == "requires_grad":
            item.set_flags(self.doc.output == node_id, node.requires_grad)
        elif field == "value" and node.value is not None:
            item.set_value(node.value)
        elif field == "params":
            self._refresh_params(item)

    def _refresh_flags(self) -> None:
        roots = set(self.backward_outputs or ())  # Backward from selected: all its outputs
        for node_id, item in self.scene.nodes.items():
            item.set_flags(self.doc.output == node_id or node_id in roots,
                           self.doc.node(node_id).requires_grad)

    # ---- evaluation ----------------------------------------------------------------------------
    def schedule_evaluation(self) -> None:
        self._eval_timer.start()

    def run_backward(self) -> None:
        """Backward from the chosen output once, even when auto backward is off: a fresh pass
        (a new forward, `zero_grad(); y.backward()`)."""
        if self.backward_outputs is not None:
            self.backward_outputs = None
            self._refresh_flags()
        self._backward_once = True
        self.evaluate_now()

    @property
    def keep_graph(self) -> bool:
        """`retain_graph=True` for the passes from now on (see `core.graph.grad_state`)."""
        return self.session.grads.retain_graph

    def set_keep_graph(self, on: bool, announce: bool = True) -> None:
        """`announce=False` when restoring the saved preference at start: a status message
        then would explain a toggle nobody just pressed."""
        if not announce or on == self.session.grads.retain_graph:
            self.session.grads.retain_graph = on
            return
        self.session.grads.retain_graph = on
        if self.auto_backward:  # the program changed: run it again, keeping the graph or not
            self.evaluate_now()
        again = "now" if self.auto_backward else "after the next Run Backward"
        self.statusMessage.emit(
            f"Keep graph on: backward(retain_graph=True) keeps the saved values, so Backward "
            f"again (Ctrl+Shift+B) can run through the graph ({again})." if on else
            "Keep graph off: backward frees the graph's saved values, as PyTorch does by "
            "default; a second backward through it is refused.")

    def backward_again(self) -> EvalResult | None:
        """`y.backward()` once more: every leaf's `.grad` adds this pass's gradient. Refused
        with the engine's own message — on the output node and in the status bar, nothing
        else changes — when the last pass freed the graph (Keep graph off)."""
        self._eval_timer.stop()
        t0 = time.perf_counter()
        res = self.session.run(True, again=True, outputs=self.backward_outputs)
        if res.refused:
            outs = self.backward_outputs or [self.doc.output]
            self._show_refusal({o: res.refused for o in outs if o in self.scene.nodes})
            self._reveal(outs)  # the message is on the output node: it must be in view
            self.statusMessage.emit(f"Backward again refused: {res.refused}")
            return None
        self.last_eval_ms = (time.perf_counter() - t0) * 1000
        self._set_result(res)
        if res.backward_ran:
            self.statusMessage.emit(self._accumulated_text(res))
        elif res.message:
            self.statusMessage.emit(res.message)
        return res

    def zero_grad(self) -> list[str]:
        """`x.grad.zero_()` for every leaf with a .grad (the wires keep showing the last pass:
        they are not .grad)."""
        zeroed = self.session.grads.zero_grad()
        if self.result is not None:
            self.result.grads = self.session.leaf_grads()
            with self.scene.batched_labels():
                self._show_result()
            self.evaluated.emit(self.result)
        names = ", ".join(self.doc.node(n).name for n in zeroed if n in self.doc)
        self.statusMessage.emit(
            f"Zero Grad: {names}.grad.zero_() — .grad is 0 until the next backward adds to it."
            if names else "Zero Grad: no variable has a .grad yet.")
        return zeroed

    def backward_from(self, outputs: Sequence[str]) -> EvalResult | None:
        """`torch.autograd.backward([y1, y2])` (fresh): gradients summed over the outputs,
        kept as the outputs of Auto Backward and Backward again until Run Backward."""
        outs = [o for o in outputs if o in self.doc]
        if not outs:
            self.statusMessage.emit("Select the output nodes to run backward from.")
            return None
        self.backward_outputs = outs
        self._refresh_flags()
        self._backward_once = True
        res = self.evaluate_now()
        if res.backward_ran:
            names = ", ".join(self.doc.node(o).name for o in outs)
            grads = ", ".join(f"{self.doc.node(n).name}.grad = {_short(res.grads[n])}"
                              for n in self.doc.nodes if n in res.grads)
            self.statusMessage.emit(f"Backward from {names} (autograd.backward([{names}])): "
                                    f"gradients summed over the outputs — {grads}")
        return res

    def _accumulated_text(self, res: EvalResult) -> str:
        st = self.session.grads
        parts = []
        for n in self.doc.nodes:
            if n in res.grads:
                how = st.history(n)
                parts.append(f"{self.doc.node(n).name}.grad = {how or _short(res.grads[n])}")
        keep = "" if st.retain_graph else " The graph is freed now (Keep graph is off)."
        return "Backward again: gradients accumulate — " + ", ".join(parts) + "." + keep

    def _show_refusal(self, refusal: dict[str, str], emit: bool = True) -> None:
        for node_id in set(self.refusal) | set(refusal):
            item = self.scene.nodes.get(node_id)
            if item is not None:
                warn = refusal.get(node_id)
                if warn is None and self.result is not None:
                    warn = self.result.warnings.get(node_id)
                item.set_warning(warn)
        self.refusal = dict(refusal)
        if emit and self.result is not None:
            self.evaluated.emit(self.result)  # the inspector shows the refusal too

    def evaluate_now(self) -> EvalResult:
        """Forward (and backward if enabled) through core, then update the changed items."""
        self._eval_timer.stop()
        t0 = time.perf_counter()
        backward = self.auto_backward or self._backward_once
        self._backward_once = False
        if self.backward_outputs is not None and not all(
                o in self.doc for o in self.backward_outputs):
            self.backward_outputs = None
            self._refresh_flags()
        had = self.session.grads.accumulated, bool(self.session.grads.grad)
        res = self.session.run(backward, outputs=self.backward_outputs)
        self.last_eval_ms = (time.perf_counter() - t0) * 1000
        self._set_result(res)
        if res.message:
            self.statusMessage.emit(res.message)
        elif res.changed and had[1] and not backward:
            self.statusMessage.emit(
                "New values, so a new forward built a new graph. .grad keeps its numbers "
                "(PyTorch keeps it until zero_grad()): Backward again (Ctrl+Shift+B) adds this "
                "graph's gradients, Run Backward (Ctrl+B) starts from zero.")
        elif res.changed and had[0] and res.backward_ran:
            self.statusMessage.emit(
                "Auto Backward recomputed .grad from zero for the new values (zero_grad(); "
                "backward()); the accumulated sum was dropped. Turn Auto Backward off to keep "
                "accumulating.")
        elif had[0] and res.backward_ran:
            self.statusMessage.emit(
                "Fresh gradients: .grad recomputed from zero (zero_grad(); backward()); the "
                "accumulated sum was dropped. Backward Again (Ctrl+Shift+B) accumulates.")
        return res

    def _set_result(self, res: EvalResult) -> None:
        """Show a new evaluation (values, .grad, gradients) and tell the other views."""
        self.result = res
        with self.scene.batched_labels():
            self._show_result()
        if self.refusal:
            self._show_refusal({}, emit=False)
        self.evaluated.emit(res)
        pending, self._pending_reveal = self._pending_reveal, None
        if pending is not None:
            self._reveal(*pending)

    def _show_result(self) -> None:
        changed = self.result.changed
        ids = self.scene.nodes if changed is None else [i for i in changed
                                                        if i in self.scene.nodes]
        for node_id in ids:
            self._apply_result_to(node_id, wires=False)
        grads = _node_grads(self.result)
        for node_id in self._grad_shown.union(grads):
            if node_id in self.scene.nodes:
                self.scene.nodes[node_id].set_grad(grads.get(node_id))
        self._grad_shown = set(grads)
        wire_grads = self.result.wire_grads
        for key, wire in self.scene.wires.items():
            wire.set_grad(wire_grads.get(key))

    def _apply_result_to(self, node_id: str, wires: bool = True) -> None:
        item = self.scene.nodes.get(node_id)
        if item is None or self.result is None:
            return
        r = self.result
        item.set_value(r.values.get(node_id), r.errors.get(node_id))
        grad = r.grads.get(node_id)
        item.set_grad(grad if grad is not None else r.node_grads.get(node_id))
        item.set_warning(r.warnings.get(node_id))
        if wires:
            for port in item.ports():
                for w in port.wires:
                    w.set_grad(r.wire_grads.get(w.key))


def _short(g: Any) -> str:
    """A gradient in a status line: the number of a scalar, else its shape."""
    arr = np.asarray(g)
    if arr.size == 1:
        return f"{float(arr.reshape(-1)[0]):g}"
    return "[" + ", ".join(f"{v:g}" for v in arr.reshape(-1)[:6]) + (
        ", …]" if arr.size > 6 else "]")


def _node_grads(result: EvalResult) -> dict[str, Any]:
    """The gradient each node shows: a leaf's `.grad`, else ∂output/∂node from the trace;
    nodes the gradient does not reach (None) show nothing."""
    out = {k: v for k, v in result.node_grads.items() if v is not None}
    out.update(result.grads)
    return out
