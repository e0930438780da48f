"""A seeded random "monkey" that drives the real window through user-level operations.

Each seed runs a sequence of edits, menu actions, stepping and training on one window and,
after every operation, checks that:

- nothing unexpected was raised (no exception escaped the call, and the app's excepthook —
  what a user would see as the "unexpected error" dialog — saw nothing);
- the canvas matches the document: one NodeItem per document node and one wire item per
  document wire, no more and no fewer.

At the end, undoing all the way back must give the starting document exactly (as JSON), and
redoing everything must give the final document again.

The default run (30 seeds × 40 operations) is sized for CI; CHAINRULE_MONKEY_LONG=1 runs many
more seeds and longer sequences locally. A failure prints the seed and the operations so far:
re-run one seed with ``-k 'test_monkey[seed]'``.
"""

from __future__ import annotations

import difflib
import os
import random
import sys

import pytest
from PySide6.QtCore import QCoreApplication, QPointF

from app.application import errors
from app.application.resources import EXAMPLES
from app.document.controller import port_layout
from core.graph import serialize
from core.graph.catalog import OPS
from core.graph.train import OPTIMIZERS

LONG = os.environ.get("CHAINRULE_MONKEY_LONG") == "1"
SEEDS = range(300) if LONG else range(30)
STEPS = 120 if LONG else 40
MAX_NODES = 40  # beyond this the monkey prefers deleting, so graphs stay quick to evaluate

PALETTE_OPS = sorted(name for name, s in OPS.items() if s.palette)
EXPRESSIONS = [
    "a*x**2 + b*x + c", "sin(x) * y", "x @ w", "1/0", "x +", "__import__('os')",
    "exp(-x) + log(x)", "tanh(w @ x + b)", "relu(x) - sigmoid(x)", "sum(x * x)",
    "mean((y - x)**2)", "sqrt(x) / x", "x ** 0.5", "max(x, y)", "", "   ", "x y", "((x)",
    "2", "x.T", "softmax(x)", "x[0]", "x = 1", "lambda: 0", "1e400 * x", "abs(x) ** -1",
]
STARTS = ["a*x**2 + b*x + c", "y = w * x + b", "loss = mean((w @ x - y) ** 2)",
          "tanh(w * x) + sin(x) * y", "sum(x * x)"]
LESSONS = sorted(EXAMPLES.glob("*.json")) if EXAMPLES.exists() else []
VALUES = [
    "0", "1", "-2.5", "3", "1e-3", "1e30", "[1, 2, 3]", "[[1, 0], [0, 1]]",
    "[[1, 2, 3], [4, 5, 6]]",
    "[0.5, -0.5]", "[[1], [2]]", "[]", "[[]]", "[1, 2", "nan", "inf", "-inf", "abc", "",
    "[1, [2]]", "True", "[1, 2] [3]", "1+2j", "0x10", "1_000", "[[1, 2], [3]]", "(1, 2)",
]
PARAM_TEXTS = ["0", "1", "-1", "2", "0.5", "None", "(0, 1)", "0, 1", "[2, 2]", "abc", "", "-3",
               "mean", "sum", "none", "1e9", "nan"]
DTYPES = ["float32", "float64", "int64", "bool"]


class Monkey:
    """Random user-level operations on one window; `log` records what was done."""

    def __init__(self, window, seed: int, errors_seen: list) -> None:
        self.w = window
        self.c = window.controller
        self.rng = random.Random(seed)
        self.errors_seen = errors_seen
        self.log: list[str] = []
        self.ops = [
            (8, self.add_op), (10, self.connect), (6, self.set_value), (3, self.set_dtype),
            (3, self.toggle_requires_grad), (3, self.set_output), (5, self.build_expression),
            (4, self.delete_selection), (2, self.disconnect), (3, self.set_param),
            (6, self.undo_redo), (3, self.differentiate), (5, self.step_backward),
            (3, self.train), (1, self.auto_layout), (3, self.clipboard), (2, self.move),
            (1, self.rename), (1, self.backward), (1, self.toggle_auto_backward),
            (4, self.frames),
        ]

    # ---- helpers ---------------------------------------------------------------------------
    @property
    def doc(self):
        return self.c.doc

    def pick_node(self, pred=None) -> str | None:
        ids = [n.id for n in self.doc if pred is None or pred(n)]
        return self.rng.choice(ids) if ids else None

    def point(self) -> QPointF:
        return QPointF(self.rng.uniform(-600, 600), self.rng.uniform(-400, 400))

    def note(self, text: str) -> None:
        self.log.append(text)

    # ---- operations ------------------------------------------------------------------------
    def add_op(self) -> None:
        op = self.rng.choice(PALETTE_OPS + ["variable"] * 6 + ["constant"] * 2)
        pos = self.point()
        self.note(f"add_op({op!r}, {pos.x():.0f}, {pos.y():.0f})")
        self.c.add_op(op, pos)

    def connect(self) -> None:
        src = self.pick_node()
        dst = self.pick_node(lambda n: n.spec.inputs)
        if src is None or dst is None:
            return
        ports = [k for k, _label in port_layout(self.doc, dst)]
        port = self.rng.choice(ports)
        self.note(f"connect({self.doc.node(src).name} -> {self.doc.node(dst).name}.{port})")
        self.c.request_connect(src, None, dst, port)

    def disconnect(self) -> None:
        wires = self.doc.wires
        if wires:
            wire = self.rng.choice(wires)
            self.note(f"disconnect({wire})")
            self.c.request_disconnect(wire)

    def _select(self, node_id: str) -> None:
        self.c.select_only([node_id])
        QCoreApplication.processEvents()

    def set_value(self) -> None:
        node_id = self.pick_node(lambda n: n.spec.has_value or self.rng.random() < 0.1)
        if node_id is None:
            return
        text = self.rng.choice(VALUES)
        self.note(f"set_value({self.doc.node(node_id).name}, {text!r})")
        if self.rng.random() < 0.5:  # typed into the inspector
            self._select(node_id)
            ins = self.w.inspector
            ins.value_edit.setText(text)
            ins.value_edit.editingFinished.emit()
        else:
            self.c.push("set_value", node_id, text)

    def set_dtype(self) -> None:
        node_id = self.pick_node(lambda n: n.spec.has_value)
        if node_id is None:
            return
        dtype = self.rng.choice(DTYPES)
        self.note(f"set_dtype({self.doc.node(node_id).name}, {dtype})")
        self._select(node_id)
        ins = self.w.inspector
        ins.dtype.setCurrentText(dtype)
        ins.dtype.activated.emit(ins.dtype.currentIndex())

    def toggle_requires_grad(self) -> None:
        node_id = self.pick_node()
        if node_id is None:
            return
        node = self.doc.node(node_id)
        self.note(f"toggle_requires_grad({node.name})")
        if self.rng.random() < 0.5:
            self._select(node_id)
            box = self.w.inspector.requires_grad
            box.setChecked(not box.isChecked())
        else:
            self.c.push("set_requires_grad", node_id, not node.requires_grad)

    def set_output(self) -> None:
        node_id = (self.pick_node(lambda n: n.op == "output") if self.rng.random() < 0.6
                   else None) or self.pick_node()
        if node_id is None:
            return
        self.note(f"set_output({self.doc.node(node_id).name})")
        self._select(node_id)
        if self.rng.random() < 0.5:
            self.w.act_set_output.trigger()
        else:
            self.w.inspector.output_btn.click()

    def set_param(self) -> None:
        node_id = self.pick_node(lambda n: n.spec.params)
        if node_id is None:
            return
        node = self.doc.node(node_id)
        param = self.rng.choice(node.spec.params)
        text = self.rng.choice(PARAM_TEXTS + list(param.choices))
        self.note(f"set_param({node.name}.{param.name}, {text!r})")
        self.c.push("set_param", node_id, param.name, text)

    def build_expression(self) -> None:
        text = self.rng.choice(EXPRESSIONS)
        self.note(f"build_expression({text!r})")
        self.w.build_expression(text)

    def delete_selection(self) -> None:
        self.w.scene.clearSelection()
        for item in list(self.w.scene.nodes.values()):
            if self.rng.random() < 0.25:
                item.setSelected(True)
        for item in list(self.w.scene.wires.values()):
            if self.rng.random() < 0.2:
                item.setSelected(True)
        names = [self.doc.node(n.node_id).name for n in self.w.scene.selected_nodes()]
        self.note(f"delete({names}, {len(self.w.scene.selected_wires())} wires)")
        (self.w.act_cut if self.rng.random() < 0.2 else self.w.act_delete).trigger()

    def undo_redo(self) -> None:
        for _ in range(self.rng.randint(1, 4)):
            act = self.w.act_undo if self.rng.random() < 0.6 else self.w.act_redo
            self.note(f"{'undo' if act is self.w.act_undo else 'redo'}"
                      f" ({self.c.undo_stack.index()}/{self.c.undo_stack.count()})")
            act.trigger()
            QCoreApplication.processEvents()

    def differentiate(self) -> None:
        self.w.scene.clearSelection()
        if self.rng.random() < 0.3:
            node_id = self.pick_node(lambda n: n.op == "variable")
            if node_id is not None:
                self._select(node_id)
        self.note("differentiate")
        self.w.act_differentiate.trigger()

    def step_backward(self) -> None:
        st = self.w.stepper
        r = self.rng.random()
        if not st.active or r < 0.2:
            self.note("stepper.start")
            st.act_mode.trigger() if not st.active else st.start()
            for _ in range(self.rng.randint(0, 6) if st.active else 0):
                forward = self.rng.random() < 0.7
                self.note("stepper.next" if forward else "stepper.previous")
                st.act_next.trigger() if forward else st.act_prev.trigger()
        elif r < 0.5:
            self.note("stepper.next")
            st.next()
        elif r < 0.7:
            self.note("stepper.previous")
            st.previous()
        elif r < 0.8:
            self.note("stepper.last")
            st.last()
        elif r < 0.9:
            self.note("stepper.play")
            st.set_playing(True)
            st._tick()
        else:
            self.note("stepper.stop")
            st.stop()

    def train(self) -> None:
        panel = self.w.train_panel
        if self.rng.random() < 0.3:
            name = self.rng.choice(list(OPTIMIZERS))
            self.note(f"train.optimizer({name})")
            panel.set_optimizer(name)
        if self.rng.random() < 0.15:
            self.note("train.reset")
            panel.reset()
            return
        n = self.rng.randint(1, 3)
        self.note(f"train.step_once x{n}")
        for _ in range(n):
            panel.step_once()

    def auto_layout(self) -> None:
        self.note("auto_layout")
        self.w.act_layout.trigger()

    def clipboard(self) -> None:
        self.w.scene.clearSelection()
        for item in list(self.w.scene.nodes.values()):
            if self.rng.random() < 0.3:
                item.setSelected(True)
        act = self.rng.choice([self.w.act_copy, self.w.act_paste, self.w.act_duplicate,
                               self.w.act_paste])
        self.note(f"{act.text().replace('&', '')}"
                  f" ({len(self.w.scene.selected_nodes())} selected)")
        act.trigger()

    def move(self) -> None:
        ids = [n.id for n in self.doc]
        if not ids:
            return
        chosen = self.rng.sample(ids, self.rng.randint(1, min(3, len(ids))))
        moved = {}
        for i in chosen:
            item = self.w.scene.nodes[i]
            old = item.pos()
            new = old + QPointF(self.rng.uniform(-80, 80), self.rng.uniform(-80, 80))
            item.setPos(new)
            moved[i] = (old, new)
        self.note(f"move({[self.doc.node(i).name for i in chosen]})")
        self.c.request_move(moved)

    def rename(self) -> None:
        node_id = self.pick_node()
        if node_id is None:
            return
        name = self.rng.choice(["x", "y", "w", "loss", "a b", "1x", "for", "x_2", ""])
        self.note(f"rename({self.doc.node(node_id).name} -> {name!r})")
        self.c.push("rename", node_id, name)

    def frames(self) -> None:
        """Group a random selection (Ctrl+G), or collapse/expand, recolour, rename or ungroup
        a frame, or select a frame and delete or duplicate it."""
        layer, doc = self.w.frames, self.doc
        r = self.rng.random()
        if r < 0.35 or not doc.frames:
            self.w.scene.clearSelection()
            ids = [n.id for n in doc]
            chosen = self.rng.sample(ids, min(len(ids), self.rng.randint(1, 4))) if ids else []
            for i in chosen:
                self.w.scene.nodes[i].setSelected(True)
            self.note(f"group({[doc.node(i).name for i in chosen]})")
            layer.act_group.trigger()
            return
        fid = self.rng.choice(list(doc.frames))
        item = layer.items[fid]
        self.w.scene.clearSelection()
        item.setSelected(True)
        action = self.rng.choice(["collapse", "collapse", "colour", "rename", "ungroup",
                                  "delete", "duplicate"])
        self.note(f"frame {doc.frame(fid).title!r}: {action}")
        if action == "collapse":
            layer.act_collapse.trigger()
        elif action == "colour":
            layer.set_color([fid], self.rng.choice(["red", "green", "pink"]))
        elif action == "rename":
            edit = layer.start_rename(fid)
            edit.setText(self.rng.choice(["neuron", "", "a\tb", "layer 1"]))
            edit.done.emit(True)
        elif action == "ungroup":
            layer.act_ungroup.trigger()
        elif action == "delete":
            self.w.act_delete.trigger()
        else:
            self.w.act_duplicate.trigger()

    def backward(self) -> None:
        self.note("run_backward")
        self.w.act_backward.trigger()

    def toggle_auto_backward(self) -> None:
        self.note("toggle auto backward")
        self.w.act_auto.trigger()

    # ---- driving ---------------------------------------------------------------------------
    def step(self) -> None:
        if len(self.doc) > MAX_NODES:
            op = self.delete_selection
        else:
            weights, fns = zip(*self.ops)
            op = self.rng.choices(fns, weights)[0]
        op()
        QCoreApplication.processEvents()
        self.check()

    def check(self) -> None:
        assert not self.errors_seen, self.report(f"the app reported: {self.errors_seen[0][1]}")
        scene = self.w.scene
        doc_nodes, item_nodes = set(self.doc.nodes), set(scene.nodes)
        assert doc_nodes == item_nodes, self.report(
            f"nodes without items {doc_nodes - item_nodes}, items without nodes "
            f"{item_nodes - doc_nodes}")
        doc_wires, item_wires = set(self.doc.wires), set(scene.wires)
        assert doc_wires == item_wires, self.report(
            f"wires without items {doc_wires - item_wires}, items without wires "
            f"{item_wires - doc_wires}")
        for node_id, item in scene.nodes.items():
            assert item.scene() is scene, self.report(f"item of {node_id} is not in the scene")
        for key, wire in scene.wires.items():
            assert wire.scene() is scene, self.report(f"wire item {key} is not in the scene")
        items = self.w.frames.items
        assert set(items) == set(self.doc.frames), self.report(
            f"frames {set(self.doc.frames)} shown as {set(items)}")
        hidden = {m for f in self.doc.frames.values() if f.collapsed for m in f.members}
        for node_id, item in scene.nodes.items():
            assert item.isVisible() == (node_id not in hidden), self.report(
                f"{self.doc.node(node_id).name} is {'shown' if item.isVisible() else 'hidden'}"
                f" (collapsed frames hide {hidden})")
        for fid, item in items.items():
            f = self.doc.frame(fid)
            assert item.scene() is scene and item.collapsed == f.collapsed, self.report(
                f"frame {f.title!r} item out of step")

    def report(self, what: str) -> str:
        tail = "\n  ".join(self.log[-25:])
        return f"{what}\nlast operations (of {len(self.log)}):\n  {tail}"


def _diff(expected: str, got: str) -> str:
    lines = difflib.unified_diff(expected.splitlines(), got.splitlines(), "expected", "got",
                                 n=2, lineterm="")
    return "\n".join(list(lines)[:60])


def run_monkey(window, seed: int, steps: int, errors_seen: list, monkeypatch) -> None:
    # as in the app: exceptions escaping Qt slots go to the excepthook (→ errors_seen)
    monkeypatch.setattr(sys, "excepthook", errors.excepthook)
    m = Monkey(window, seed, errors_seen)
    start_with = m.rng.random()
    if start_with < 0.3 and LESSONS:  # a lesson (as opened from the Examples menu)
        lesson = m.rng.choice(LESSONS)
        m.note(f"start: open_example({lesson.name})")
        assert window.open_example(lesson)
    elif start_with < 0.7:  # a graph that evaluates, so backward, stepping and training run
        text = m.rng.choice(STARTS)
        m.note(f"start: build_expression({text!r}), history cleared")
        window.build_expression(text)
        window.controller.undo_stack.clear()
    QCoreApplication.processEvents()
    stack = window.controller.undo_stack
    start = serialize.dumps(window.controller.doc)
    start_index = stack.index()
    try:
        for _ in range(steps):
            m.step()
        window.train_panel.pause()
        window.stepper.stop()
        end, end_index = serialize.dumps(window.controller.doc), stack.index()
        m.note(f"undo all ({stack.index()} steps)")
        while stack.canUndo():
            window.act_undo.trigger()
            QCoreApplication.processEvents()
            m.check()
        assert stack.index() == start_index == 0
        now = serialize.dumps(window.controller.doc)
        assert now == start, m.report(
            "undo all the way back did not restore the starting document:\n"
            + _diff(start, now))
        m.note(f"redo all ({end_index} steps)")
        while stack.index() < end_index:
            window.act_redo.trigger()
            QCoreApplication.processEvents()
            m.check()
        now = serialize.dumps(window.controller.doc)
        assert now == end, m.report(
            "redoing every step did not give the final document again:\n" + _diff(end, now))
    except AssertionError:
        raise
    except Exception as e:
        raise AssertionError(m.report(f"{type(e).__name__}: {e}")) from e


@pytest.mark.parametrize("seed", SEEDS)
def test_monkey(window, errors_seen, monkeypatch, seed):
    run_monkey(window, seed, STEPS, errors_seen, monkeypatch)
