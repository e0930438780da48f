"""The seeded monkey of test_monkey.py, also pressing autograd's controls: Backward again,
Zero Grad, Keep graph, Backward from selected, forward stepping and gradient-argument edits,
mixed with every other edit. The same checks hold (canvas ↔ document, exact undo/redo), and
every .grad the window holds belongs to a variable of the document."""

from __future__ import annotations

import pytest
import test_monkey as tm
from PySide6.QtCore import QCoreApplication


class AutogradMonkey(tm.Monkey):
    def __init__(self, window, seed: int, errors_seen: list) -> None:
        super().__init__(window, seed, errors_seen)
        self.ops = [*self.ops, (6, self.autograd_controls)]

    def autograd_controls(self) -> None:  # noqa: C901 - long today, to split (issue 13)
        w, r = self.w, self.rng.random()
        if r < 0.3:
            self.note("backward again")
            w.act_backward_again.trigger()
        elif r < 0.4:
            self.note("zero grad")
            w.act_zero_grad.trigger()
        elif r < 0.5:
            self.note("toggle keep graph")
            w.act_keep_graph.trigger()
        elif r < 0.65:
            w.scene.clearSelection()
            for _ in range(self.rng.randint(1, 3)):
                node_id = self.pick_node()
                if node_id is not None:
                    w.scene.nodes[node_id].setSelected(True)
            self.note(f"backward from selected {[i.node_id for i in w.scene.selected_nodes()]}")
            w.act_backward_selected.trigger()
        elif r < 0.85:
            fs = w.forward_stepper
            self.note("forward stepping")
            fs.act_mode.trigger()
            for _ in range(self.rng.randint(0, 5) if fs.active else 0):
                (fs.act_next if self.rng.random() < 0.7 else fs.act_prev).trigger()
            if self.rng.random() < 0.5:
                fs.stop()
        else:
            out = self.c.doc.output
            if out is None:
                return
            self.c.select_only([out])
            text = self.rng.choice(tm.VALUES)
            self.note(f"gradient= {text!r}")
            w.inspector.gradient_editor.commit(text)
        QCoreApplication.processEvents()

    def check(self) -> None:
        super().check()
        r = self.c.result
        if r is not None:
            for n in r.grads:
                assert n in self.doc and self.doc.node(n).requires_grad, self.report(
                    f".grad kept for {n}, which is not a variable requiring grad")


@pytest.mark.parametrize("seed", range(10))
def test_monkey_with_autograd_controls(window, errors_seen, monkeypatch, seed):
    monkeypatch.setattr(tm, "Monkey", AutogradMonkey)
    try:
        tm.run_monkey(window, seed, tm.STEPS, errors_seen, monkeypatch)
    finally:
        window.forward_stepper.stop()
