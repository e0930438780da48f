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

        self.doc = doc
        self.evaluator = Evaluator(doc)

    def close(self) -> None:
        self.evaluator.close()

    def run(self, backward: bool) -> EvalResult:
        ev = self.evaluator
        changed = ev.forward()
        res = EvalResult(values=dict(ev.values), errors=dict(ev.errors),
                         warnings=dict(ev.warnings), changed=changed, session=self)
        if not backward:
            return res
        if self.doc.output is None:
            res.message = "" if not len(self.doc) else "Choose an output to see gradients."
            return res
        try:
            bw = ev.backward()
        except GraphError as e:
            res.message = str(e)
            return res
        if bw.error:
            res.message = f"Backward did not run: {bw.error}"
            return res
        res.backward_ran = True
        res.grads = dict(bw.leaf_grads)
        res.node_grads = dict(bw.node_grads)
        res.wire_grads = dict(bw.wire_grads)
        return res


def evaluate(doc: Document, backward: bool = True) -> EvalResult:
    """One-off evaluation (tests, screenshots); the app keeps an `EvalSession` instead."""
    session = EvalSession(doc)
    try:
        return session.run(backward)
    finally:
        session.close()
