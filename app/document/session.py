"""The app's single doorway to core's numbers: evaluate the document, shape the result for drawing.

`core.graph.evaluate.Evaluator` runs the engine (forward node by node, incrementally; backward with
the engine's trace) and reports per-node values/errors and per-wire gradients; this module keeps
one evaluator per document and normalises its report into the small `EvalResult` the canvas and
inspector read. No differentiation happens in the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.graph import Document, GraphError, Wire


@dataclass
class EvalResult:
    """What the canvas shows after an evaluation."""

    values: dict[str, np.ndarray] = field(default_factory=dict)  # node id -> value
    errors: dict[str, str] = field(default_factory=dict)  # node id -> why it has no value
    warnings: dict[str, str] = field(default_factory=dict)  # node id -> e.g. produced nan
    grads: dict[str, np.ndarray] = field(default_factory=dict)  # leaf id -> .grad
    node_grads: dict[str, np.ndarray | None] = field(default_factory=dict)  # ∂out/∂node
    wire_grads: dict[Wire, np.ndarray | None] = field(default_factory=dict)  # along each wire
    changed: list[str] | None = None  # nodes whose value was recomputed (None: all)
    backward_ran: bool = False
    message: str = ""  # e.g. why backward did not run
    refused: str = ""  # Backward again refused (the engine's message): nothing changed
    outputs: list[str] = field(default_factory=list)  # the outputs backward ran from
    session: EvalSession | None = None

    def tensor(self, node_id: str) -> Any:
        """The engine tensor of a node (for PyTorch-style repr and grad_fn)."""
        return self.session.evaluator.tensor(node_id) if self.session else None

    def grad_fn_name(self, node_id: str) -> str | None:
        t = self.tensor(node_id)
        fn = getattr(t, "grad_fn", None)
        return fn.name() if fn is not None else None


class EvalSession:
    """One core `Evaluator` bound to one document (it listens to the document's changes and
    recomputes only what an edit made stale)."""

    def __init__(self, doc: Document) -> None:
        from core.graph.evaluate import Evaluator
        from core.graph.grad_state import GradState

        self.doc = doc
        self.evaluator = Evaluator(doc)
        self.grads = GradState(self.evaluator)  # .grad across passes, retain_graph

    def close(self) -> None:
        self.evaluator.close()

    def run(self, backward: bool, again: bool = False,
            outputs: list[str] | None = None) -> EvalResult:
        """Forward, then (if `backward`) one pass from `outputs` (default: the document's
        output): a fresh one (`zero_grad(); backward()`), or with `again` one that adds into
        every `.grad` (`y.backward()` once more). A refused pass sets `refused` and nothing
        else: the caller keeps showing what it showed."""
        ev = self.evaluator
        changed = ev.forward()
        res = EvalResult(values=dict(ev.values), errors=dict(ev.errors),
                         warnings=dict(ev.warnings), changed=changed, session=self)
        res.grads = self.leaf_grads()  # .grad persists across forwards until zeroed
        if not backward:
            return res
        outs = [o for o in outputs or [] if o in self.doc] or (
            [self.doc.output] if self.doc.output is not None else [])
        if not outs:
            res.message = "" if not len(self.doc) else "Choose an output to see gradients."
            return res
        try:
            bw = self.grads.backward(outs, fresh=not again)
        except GraphError as e:
            res.message = str(e)
            return res
        if bw.error:
            if again:
                res.refused = bw.error
            else:  # zero_grad() ran, backward raised: no .grad
                self.grads.clear()
                res.grads = {}
            res.message = f"Backward did not run: {bw.error}"
            return res
        res.backward_ran = True
        res.outputs = list(bw.outputs or [bw.output])
        res.grads = self.leaf_grads()
        res.node_grads = dict(bw.node_grads)
        res.wire_grads = dict(bw.wire_grads)
        return res

    def leaf_grads(self) -> dict[str, np.ndarray]:
        """Every leaf's `.grad` now (the document's variables that have one)."""
        self.grads.drop_stale()
        return dict(self.grads.grad)


def evaluate(doc: Document, backward: bool = True) -> EvalResult:
    """One-off evaluation (tests, screenshots); the app keeps an `EvalSession` instead."""
    session = EvalSession(doc)
    try:
        return session.run(backward)
    finally:
        session.close()
