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

    def autograd_controls(self) -> None:
        """One of autograd's controls, by the monkey's chances (the seeded runs replay)."""
        r = self.rng.random()
        for upto, act in ((0.3, self._backward_again), (0.4, self._zero_grad),
                          (0.5, self._keep_graph), (0.65, self._backward_selected),
                          (0.85, self._forward_stepping), (1.0, self._gradient_argument)):
            if r < upto:
                if act() is not False:
                    QCoreApplication.processEvents()
                return

    def _backward_again(self) -> None:
        self.note("backward again")
        self.w.act_backward_again.trigger()

    def _zero_grad(self) -> None:
        self.note("zero grad")
        self.w.act_zero_grad.trigger()

    def _keep_graph(self) -> None:
        self.note("toggle keep graph")
        self.w.act_keep_graph.trigger()

    def _backward_selected(self) -> None:
        w = self.w
        w.scene.clearSelection()
        for _ in range(self.rng.randint(1, 3)):
            node_id = self.pick_node()
            if node_id is not None:
                w.scene.nodes[node_id].setSelected(True)
        self.note(f"backward from selected {[i.node_id for i in w.scene.selected_nodes()]}")
        w.act_backward_selected.trigger()

    def _forward_stepping(self) -> None:
        fs = self.w.forward_stepper
        self.note("forward stepping")
        fs.act_mode.trigger()
        for _ in range(self.rng.randint(0, 5) if fs.active else 0):
            (fs.act_next if self.rng.random() < 0.7 else fs.act_prev).trigger()
        if self.rng.random() < 0.5:
            fs.stop()

    def _gradient_argument(self) -> bool:
        """An edit of the output's gradient argument; False when there is no output."""
        out = self.c.doc.output
        if out is None:
            return False
        self.c.select_only([out])
        text = self.rng.choice(tm.VALUES)
        self.note(f"gradient= {text!r}")
        self.w.inspector.gradient_editor.commit(text)
        return True

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
