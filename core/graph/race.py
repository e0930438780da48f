"""Optimizer races: several `Trainer`s from the same start, every step recorded.

A race is what the Landscape view plays back: each optimizer's path across the loss
surface. Each runner is a `Trainer` (so each path is exactly `core.optim`'s, and torch's,
for those settings); this module only records, per step, the flattened parameters, the
loss there and the gradient the engine computed there, and lets a learning rate change
mid-run *from a chosen step*: the runner is replayed to that step (deterministic, so the
optimizer's state there — momentum, Adam's averages — is exactly what it was), the lr is
set, and it continues. The document is never written.

Usage::

    r = Race(doc, {"SGD": {"optimizer": "sgd", "lr": 0.01},
                   "Adam": {"optimizer": "adam", "lr": 0.05}})
    tr = r.run(100)                    # label -> Trajectory
    tr["Adam"].params[-1], tr["Adam"].loss[-1], r.winner()
    r.set_lr("SGD", 0.1, at_step=40)   # steps 41… now use lr 0.1; recomputed to 100
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.graph.document import Document, GraphError
from core.graph.train import OPTIMIZERS, Trainer, TrainingStopped


@dataclass
class Trajectory:
    """One runner's path. Row k of `params` (float64, every trained variable flattened
    and concatenated in document order, see `names`) is the point after k steps; `loss[k]`
    and `grads[k]` are the output and its gradient there. Shorter than asked when the run
    stopped (`error` says why: divergence, an error in the graph)."""

    label: str
    settings: dict[str, Any]
    params: np.ndarray
    loss: np.ndarray
    grads: np.ndarray
    names: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def steps(self) -> int:
        """Steps recorded (rows - 1)."""
        return len(self.params) - 1

    def at(self, step: int) -> int:
        """The row to show for `step` (the last one once the run has stopped)."""
        return max(0, min(int(step), self.steps))


class Race:
    """Runners from the document's current values (see the module docstring)."""

    def __init__(self, doc: Document, optimizers: dict[str, dict[str, Any]],
                 output: str | None = None, params: list[str] | None = None) -> None:
        if not optimizers:
            raise GraphError("choose at least one optimizer to race")
        self.doc = doc
        self.output = output
        self.param_ids = params
        self.settings: dict[str, dict[str, Any]] = {}
        #: label -> [(from step, lr)]: the learning rates a runner used, in order
        self.schedule: dict[str, list[tuple[int, float]]] = {}
        self._trainers: dict[str, Trainer] = {}
        self.trajectories: dict[str, Trajectory] = {}
        for label, s in optimizers.items():
            s = dict(s)
            name = s.get("optimizer", "sgd")
            if name not in OPTIMIZERS:
                raise GraphError(f"unknown optimizer {name!r} (one of {', '.join(OPTIMIZERS)})")
            lr = float(s.get("lr", OPTIMIZERS[name].lr))
            s["optimizer"], s["lr"] = name, lr
            self.settings[label] = s
            self.schedule[label] = [(0, lr)]
            self._restart(label)
        self.names = self._names(next(iter(self._trainers.values())))

    # ------------------------------------------------------------------ running
    def run(self, steps: int) -> dict[str, Trajectory]:
        """Bring every runner to `steps` steps (or its stop); returns the trajectories."""
        for label in self.settings:
            self._extend(label, int(steps))
        return self.trajectories

    def set_lr(self, label: str, lr: float, at_step: int) -> Trajectory:
        """From step `at_step` on, `label` uses learning rate `lr`; its trajectory up to
        there is kept and the rest recomputed to the length it had."""
        lr = float(lr)
        if not (math.isfinite(lr) and lr >= 0):
            raise GraphError(f"invalid learning rate {lr!r}")
        total = self.trajectories[label].steps
        at = max(0, min(int(at_step), total))
        sched = [(k, v) for k, v in self.schedule[label] if k < at] + [(at, lr)]
        self.schedule[label] = sched
        self.settings[label]["lr"] = lr
        self._restart(label)
        self._extend(label, max(total, at))
        return self.trajectories[label]

    @property
    def columns(self) -> list[tuple[str, int]]:
        """(variable id, flat index) of each trajectory column, in order."""
        tr = next(iter(self._trainers.values()))
        return [(i, k) for i, v in tr.start_values().items() for k in range(v.size)]

    def start_values(self) -> dict[str, np.ndarray]:
        """The variables' values at the start (the document's when the race was made)."""
        return next(iter(self._trainers.values())).start_values()

    def values_at(self, label: str, step: int) -> dict[str, np.ndarray]:
        """`label`'s variables after `step` steps (its last point if it stopped before),
        each in its own shape and dtype: what the canvas shows for that step."""
        traj = self.trajectories[label]
        row = traj.params[traj.at(step)]
        out: dict[str, np.ndarray] = {}
        k = 0
        for i, v in self.start_values().items():
            out[i] = row[k:k + v.size].reshape(v.shape).astype(v.dtype)
            k += v.size
        return out

    def winner(self) -> str | None:
        """The label with the lowest final loss (finite), None if none is finite."""
        best = [(float(t.loss[-1]), label) for label, t in self.trajectories.items()
                if len(t.loss) and math.isfinite(float(t.loss[-1]))]
        return min(best)[1] if best else None

    # ------------------------------------------------------------------ internals
    def _restart(self, label: str) -> None:
        s = dict(self.settings[label])
        name = s.pop("optimizer")
        s.pop("lr", None)
        lr0 = self.schedule[label][0][1]
        tr = Trainer(self.doc, name, lr0, params=self.param_ids, output=self.output, **s)
        self._trainers[label] = tr
        loss, grads = _probe(tr)
        self.trajectories[label] = Trajectory(
            label, self.settings[label], tr.flat_values()[None, :], np.array([loss]),
            _flat(grads)[None, :], self._names(tr))

    def _extend(self, label: str, steps: int) -> None:
        tr = self._trainers[label]
        traj = self.trajectories[label]
        if traj.error is not None:
            return
        lrs = dict(self.schedule[label])
        rows, losses, grads = [traj.params], [traj.loss[:-1]], [traj.grads[:-1]]
        new_p: list[np.ndarray] = []
        new_l: list[float] = []
        new_g: list[np.ndarray] = []
        while tr.step_count < steps:
            if tr.step_count in lrs:
                tr.set_lr(lrs[tr.step_count])
            try:
                loss = tr.step()
            except TrainingStopped as e:
                traj.error = str(e)
                break
            assert tr.last_grads is not None
            new_l.append(loss)
            new_g.append(_flat(tr.last_grads))
            new_p.append(tr.flat_values())
        try:
            end_loss, end_grads = _probe(tr)
        except GraphError:
            end_loss, end_grads = float("nan"), [np.full(np.shape(g), np.nan)
                                                 for g in tr.values().values()]
        if new_p:
            rows.append(np.array(new_p))
        losses += [np.array(new_l), np.array([end_loss])]
        grads += [np.array(new_g).reshape(len(new_g), traj.grads.shape[1]),
                  _flat(end_grads)[None, :]]
        traj.params = np.concatenate(rows)
        traj.loss = np.concatenate(losses)
        traj.grads = np.concatenate(grads)

    def _names(self, tr: Trainer) -> list[str]:
        out = []
        for i, v in tr.start_values().items():
            name = self.doc.node(i).name
            out += [name] if v.size == 1 else [f"{name}[{k}]" for k in range(v.size)]
        return out


def race(doc: Document, optimizers: dict[str, dict[str, Any]], steps: int,
         output: str | None = None) -> dict[str, Any]:
    """Several optimizers from the document's current values, `steps` each: label ->
    `Trajectory` (params (steps + 1, n), loss (steps + 1,)). Each is a
    `Trainer` run; the document is left unchanged."""
    return Race(doc, optimizers, output=output).run(steps)


def _probe(tr: Trainer) -> tuple[float, list[np.ndarray]]:
    return tr.probe()


def _flat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate([np.asarray(a, dtype=np.float64).reshape(-1) for a in arrays])


__all__ = ["Race", "Trajectory", "race"]
