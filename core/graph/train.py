"""Training a document: minimise its output with one of `core.optim`'s optimizers.

A `Trainer` is exactly a PyTorch training loop over the document. The parameters are
leaf tensors (copies of the chosen variables' values, requiring grad); the forward is
`Evaluator.function(output, params)`, which rebuilds the output from them; each step is

    optimizer.zero_grad()
    y = f(*params)
    y.backward()            # or y.backward(gradient=doc.output_gradient) if not scalar
    optimizer.step()

so the trajectory is torch's (tests/graph/test_train.py checks it against torch for every
optimizer). The document is never written here: the caller (the app's Train panel, a
script) reads `values()` and decides when to put them into the document, so a run can be
one undo step and a diverged run never leaves nan in a file.

Usage::

    tr = Trainer(doc, "adam", lr=0.05)          # params: variables requiring grad
    tr.run(200)                                 # -> steps done; stops on divergence
    tr.history.loss[-1], tr.values()[x_id]      # loss per step, parameters now
    tr.error                                    # "diverged at step 31 — try a ..."
    print(tr.script(200))                       # the same run as a PyTorch script
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.graph.document import RESERVED_NAMES, Document, GraphError
from core.graph.node_inputs import leaf_tensor, port_sources, trainable
from core.graph.script_lines import (
    docstring_text,
    helper_sources,
    node_code,
    tensor_code,
    value_code,
)
from core.graph.script_names import renaming_note, variable_names

#: Parameters with at most this many elements keep their value at every step (for plots);
#: bigger ones would make the history as large as the run.
HISTORY_MAX_SIZE = 64


@dataclass(frozen=True)
class OptimizerSpec:
    """One choice of the optimizer menu: which `core.optim` class with which fixed
    arguments (momentum/Nesterov are SGD with arguments), and the hyper-parameters a
    panel should offer for it."""

    name: str
    label: str
    cls: str  # class name in core.optim / torch.optim
    fixed: dict[str, Any] = field(default_factory=dict)  # always passed (nesterov=True)
    defaults: dict[str, Any] = field(default_factory=dict)  # offered, overridable
    lr: float = 0.01  # a learning rate that works on the seed lessons

    @property
    def hyper(self) -> tuple[str, ...]:
        """Hyper-parameter names besides lr a panel shows for this optimizer."""
        return tuple(self.defaults)


OPTIMIZERS: dict[str, OptimizerSpec] = {s.name: s for s in (
    OptimizerSpec("sgd", "SGD", "SGD", {}, {"weight_decay": 0.0}, lr=0.01),
    OptimizerSpec("momentum", "SGD with momentum", "SGD", {},
                  {"momentum": 0.9, "weight_decay": 0.0}, lr=0.01),
    OptimizerSpec("nesterov", "SGD, Nesterov momentum", "SGD", {"nesterov": True},
                  {"momentum": 0.9, "weight_decay": 0.0}, lr=0.01),
    OptimizerSpec("adam", "Adam", "Adam", {},
                  {"betas": (0.9, 0.999), "weight_decay": 0.0}, lr=0.05),
    OptimizerSpec("adamw", "AdamW", "AdamW", {},
                  {"betas": (0.9, 0.999), "weight_decay": 0.01}, lr=0.05),
    OptimizerSpec("rmsprop", "RMSprop", "RMSprop", {},
                  {"alpha": 0.99, "momentum": 0.0, "weight_decay": 0.0}, lr=0.01),
    OptimizerSpec("adagrad", "Adagrad", "Adagrad", {}, {"weight_decay": 0.0}, lr=0.5),
)}


class TrainingStopped(GraphError):
    """A step could not be taken: the run diverged (`diverged`) or the graph failed."""

    def __init__(self, message: str, step: int, diverged: bool = False) -> None:
        super().__init__(message)
        self.step = step
        self.diverged = diverged


@dataclass
class History:
    """What a run did. `loss[i]` is the loss computed in step i+1 (at the parameters
    before that update, as a PyTorch loop prints it); `values[p][i]` is parameter p
    after i steps (`values[p][0]` the start), kept for parameters of at most
    HISTORY_MAX_SIZE elements; `norms[p][i]` is its L2 norm then, kept for every
    parameter (what a plot can show of a big matrix)."""

    loss: list[float] = field(default_factory=list)
    values: dict[str, list[np.ndarray]] = field(default_factory=dict)
    norms: dict[str, list[float]] = field(default_factory=dict)

    @property
    def steps(self) -> int:
        return len(self.loss)


def _check_trainable(doc: Document, out: str, ids: list[str]) -> None:
    """Something to train, each a floating-point variable the output depends on."""
    if not ids:
        raise GraphError(f"{doc.node(out).name} does not depend on any variable that "
                         "requires grad: tick requires_grad on what training may change")
    feeding = doc.ancestors(out)
    for i in ids:
        n = doc.node(i)
        if n.op != "variable" or n.value is None or n.value.dtype.kind != "f":
            raise GraphError(f"{n.name} is not a floating-point variable: it cannot be "
                             "trained")
        if i not in feeding:
            raise GraphError(f"{doc.node(out).name} does not depend on {n.name}")


class Trainer:
    """Minimises a document's output by gradient descent (see the module docstring)."""

    def __init__(self, doc: Document, optimizer: str = "sgd", lr: float | None = None,
                 params: Sequence[str] | None = None, output: str | None = None,
                 lib: Any = None, **hyper: Any) -> None:
        from core.graph.evaluate import Evaluator  # the engine loads with the evaluator

        self.doc = doc
        out = output if output is not None else doc.output
        if out is None:
            raise GraphError("choose an output to minimise")
        doc.node(out)
        self.output = out
        spec = OPTIMIZERS.get(optimizer)
        if spec is None:
            raise GraphError(f"unknown optimizer {optimizer!r} (one of "
                             f"{', '.join(OPTIMIZERS)})")
        self.spec = spec
        ids = list(params) if params is not None else trainable(doc, out)
        _check_trainable(doc, out, ids)
        self.params = ids
        evaluator = Evaluator(doc, lib)
        evaluator.close()  # function() reads only the document: no need to listen
        self.lib = evaluator.lib
        self.hyper: dict[str, Any] = {"lr": spec.lr if lr is None else float(lr),
                                      **spec.defaults, **hyper, **spec.fixed}
        self.tensors = [leaf_tensor(self.lib, doc.node(i).value, True) for i in ids]
        self.optimizer = self._make_optimizer()
        self._f = evaluator.function(out, ids)
        grad = doc.output_gradient if out == doc.output else None
        self._gradient = None if grad is None else np.array(grad, copy=True)
        self.history = History()
        #: each parameter's gradient in the last step (what the update used), for the
        #: tangent a landscape draws; None before the first step
        self.last_grads: list[np.ndarray] | None = None
        self.error: str | None = None
        self.diverged = False
        self._last: list[np.ndarray] = [np.array(t.detach().numpy(), copy=True)
                                        for t in self.tensors]
        self._start = [v.copy() for v in self._last]
        for i, v in zip(ids, self._last):
            if v.size <= HISTORY_MAX_SIZE:
                self.history.values[i] = [v.copy()]
            self.history.norms[i] = [_norm(v)]

    def _make_optimizer(self) -> Any:
        """The engine's optimizer over the trained tensors; a hyper-parameter it does not
        take, or a value it refuses, is a GraphError (the Train dock shows it)."""
        spec = self.spec
        cls = getattr(self.lib.optim, spec.cls)
        accepted = inspect.signature(cls).parameters
        unknown = [k for k in self.hyper if k not in accepted]
        if unknown:
            raise GraphError(f"{spec.label} has no hyper-parameter {unknown[0]!r}")
        if "betas" in self.hyper:
            self.hyper["betas"] = tuple(float(b) for b in self.hyper["betas"])
        try:
            return cls(self.tensors, **self.hyper)
        except (ValueError, TypeError) as e:
            raise GraphError(str(e)) from None

    # ------------------------------------------------------------------ stepping
    @property
    def step_count(self) -> int:
        """Updates applied so far."""
        return self.history.steps

    @property
    def stopped(self) -> bool:
        """True once a step failed (divergence or an error in the graph)."""
        return self.error is not None

    def step(self) -> float:
        """One update; returns the loss it computed. Raises `TrainingStopped` (and takes
        no step) on divergence or an error in the graph."""
        if self.error is not None:
            raise TrainingStopped(self.error, self.step_count, self.diverged)
        k = self.step_count + 1
        try:
            self.optimizer.zero_grad()
            y = self._f(*self.tensors)
            loss, seed = self._objective(y)
            if not math.isfinite(loss):
                raise self._stop(f"diverged at step {k} — try a smaller learning rate", k,
                                 diverged=True)
            if seed is None:
                y.backward()
            else:
                y.backward(gradient=seed)
            grads = self._grads()
            self.optimizer.step()
        except TrainingStopped:
            raise
        except GraphError as e:
            raise self._stop(str(e), k) from None
        except Exception as e:  # the engine's message (shapes, dtypes) is the reason
            msg = str(e) or type(e).__name__
            raise self._stop(msg if isinstance(e, RuntimeError)
                             else f"{type(e).__name__}: {msg}", k) from None
        now = [np.array(t.detach().numpy(), copy=True) for t in self.tensors]
        if not all(np.isfinite(v).all() for v in now):
            # the update overflowed: keep the last finite values (they are what `values()`
            # reports) so nothing non-finite reaches the document
            raise self._stop(f"diverged at step {k} — try a smaller learning rate", k,
                             diverged=True)
        self._last = now
        self.last_grads = grads
        self.history.loss.append(loss)
        for i, v in zip(self.params, now):
            if i in self.history.values:
                self.history.values[i].append(v)
            self.history.norms[i].append(_norm(v))
        return loss

    def run(self, steps: int) -> int:
        """Up to `steps` updates; returns how many were taken (fewer if it stopped: then
        `error` says why)."""
        done = 0
        for _ in range(max(0, int(steps))):
            try:
                self.step()
            except TrainingStopped:
                break
            done += 1
        return done

    def probe(self) -> tuple[float, list[np.ndarray]]:
        """The loss and each parameter's gradient at the current values, without
        updating anything (the optimizer's state and the history are untouched): the
        last point of a trajectory has no step of its own to report them."""
        try:
            for t in self.tensors:
                t.grad = None
            y = self._f(*self.tensors)
            loss, seed = self._objective(y)
            if seed is None:
                y.backward()
            else:
                y.backward(gradient=seed)
            return loss, self._grads()
        except GraphError:
            raise
        except Exception as e:
            raise GraphError(str(e) or type(e).__name__) from None
        finally:
            for t in self.tensors:
                t.grad = None

    def set_lr(self, lr: float) -> None:
        """Change the learning rate for the following steps, keeping the optimizer's
        state (momentum, Adam's averages): the run continues from where it is, as
        setting `param_groups[0]["lr"]` does in a PyTorch loop."""
        lr = float(lr)
        if not (math.isfinite(lr) and lr >= 0):
            raise GraphError(f"invalid learning rate {lr!r}")
        self.hyper["lr"] = lr
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def flat_values(self) -> np.ndarray:
        """Every parameter's current value, flattened and concatenated (float64), in
        the order of `params`: one row of a trajectory."""
        return np.concatenate([v.reshape(-1).astype(np.float64) for v in self._last])

    def _grads(self) -> list[np.ndarray]:
        return [np.zeros(t.shape, dtype=np.float64) if t.grad is None
                else np.array(t.grad.detach().numpy(), dtype=np.float64) for t in self.tensors]

    def _stop(self, message: str, step: int, diverged: bool = False) -> TrainingStopped:
        self.error = message
        self.diverged = diverged
        return TrainingStopped(message, step, diverged)

    def _objective(self, y: Any) -> tuple[float, Any]:
        """The loss to record and the backward seed. A scalar output is the loss; a
        non-scalar one is trained with the document's gradient argument g (what backward
        from it computes is the gradient of sum(g · y), so that is the loss recorded)."""
        arr = np.asarray(y.detach().numpy())
        if self._gradient is None:
            if arr.size != 1:
                raise GraphError(f"{self.doc.node(self.output).name} has shape "
                                 f"{tuple(arr.shape)}, not a scalar: reduce it (sum, mean) "
                                 "or give the output a gradient argument")
            return float(arr.reshape(-1)[0]), None
        g = np.broadcast_to(self._gradient.astype(arr.dtype, copy=False), arr.shape)
        seed = self.lib.from_numpy(np.array(g, copy=True))
        return float(np.sum(arr.astype(np.float64) * g)), seed

    # ------------------------------------------------------------------ results
    def values(self) -> dict[str, np.ndarray]:
        """Each parameter's current value (the last finite one), as a new array of the
        variable's dtype."""
        return {i: v.copy() for i, v in zip(self.params, self._last)}

    def start_values(self) -> dict[str, np.ndarray]:
        """The parameters' values before the first step (kept by the trainer: the document's
        node may have been trained, edited or deleted since)."""
        return {i: v.copy() for i, v in zip(self.params, self._start)}

    @property
    def loss(self) -> float | None:
        """The loss computed in the last step, None before the first."""
        return self.history.loss[-1] if self.history.loss else None

    def describe(self) -> str:
        """`torch.optim.Adam(lr=0.05, betas=(0.9, 0.999))`-style text of the optimizer."""
        return f"torch.optim.{self.spec.cls}(" + ", ".join(
            f"{k}={value_code(v)}" for k, v in self.hyper.items()) + ")"

    # ------------------------------------------------------------------ export
    def script(self, steps: int) -> str:
        """This run as a standalone PyTorch script: the graph's variables, a forward()
        built from the catalog's code lines, and the training loop with this optimizer.
        Starts from the document's current values."""
        doc = self.doc
        out = self.output
        needed = doc.ancestors(out) | {out}
        order = [n for n in doc.topo_order() if n in needed]
        trained = set(self.params)
        var = variable_names((doc.node(n) for n in order), RESERVED_NAMES)
        title = docstring_text(str(doc.meta.get("title", "a Chainrule graph")))
        head = [f'"""Training {title} — exported from Chainrule.', "",
                f"Minimises {doc.node(out).name} with {self.describe()} for {steps} steps.",
                "Runs with PyTorch: python this_file.py", '"""', "", "import torch",
                *renaming_note((doc.node(n) for n in order), var), ""]
        leaves: list[str] = []
        body: list[str] = []
        helpers: set[str] = set()
        for nid in order:
            node = doc.node(nid)
            spec = node.spec
            if spec.has_value:
                assert node.value is not None
                grad = node.requires_grad or nid in trained
                leaves.append(f"{var[nid]} = {tensor_code(node.value, grad)}")
                continue
            sources, problem = port_sources(spec, doc.inputs_of(nid))
            if problem is not None:
                raise GraphError(f"{node.name}: {problem}")
            args = {p: [var[i] for i in s] if isinstance(s, list) else var[s]
                    for p, s in sources.items() if s is not None}
            helpers.add(node.op)
            body.append(f"    {var[nid]} = {node_code(spec, args, node.params)}")
        helper_text = helper_sources(helpers)
        o = var[out]
        names = ", ".join(var[i] for i in self.params)
        hyper = ", ".join(f"{k}={value_code(v)}" for k, v in self.hyper.items())
        backward = ("_loss.backward(gradient=_gradient)" if self._gradient is not None
                    else "_loss.backward()")
        show = ("(_loss * _gradient).sum()" if self._gradient is not None else "_loss")
        if self._gradient is not None:
            leaves.append(f"_gradient = {tensor_code(self._gradient)}")
        loop = ["", "", "def _forward():",
                *body, f"    return {o}", "", "",
                f"_optimizer = torch.optim.{self.spec.cls}([{names}], {hyper})",
                f"for _step in range(1, {int(steps)} + 1):",
                "    _optimizer.zero_grad()",
                "    _loss = _forward()",
                f"    {backward}",
                "    _optimizer.step()",
                f"    if _step == 1 or _step % {max(1, int(steps) // 10)} == 0:",
                f"        print(f\"step {{_step}}: loss {{{show}.item():.6g}}\")",
                ""]
        loop += [f'print("{doc.node(i).name} =", {var[i]}.detach())'
                 for i in self.params]
        return "\n".join(head + helper_text + leaves + loop) + "\n"


def _norm(v: np.ndarray) -> float:
    return float(np.sqrt(np.sum(np.square(v, dtype=np.float64))))


__all__ = ["HISTORY_MAX_SIZE", "OPTIMIZERS", "History", "OptimizerSpec", "Trainer",
           "TrainingStopped", "trainable"]
