"""The app's single doorway to core's numbers: evaluate the document, shape the result for drawing.

`core.graph` runs the engine (forward, then backward from the chosen output with the engine's
trace) and reports per-node values/errors and per-wire gradients; this module only normalises that
report into the small `EvalResult` the canvas and inspector read. No differentiation happens here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.graph import Document, Wire


@dataclass
class EvalResult:
    """What the canvas shows after an evaluation."""

    values: dict[str, Any] = field(default_factory=dict)  # node id -> Tensor / array
    errors: dict[str, str] = field(default_factory=dict)  # node id -> why it has no value
    grads: dict[str, Any] = field(default_factory=dict)  # node id -> .grad (leaves)
    grad_fns: dict[str, str] = field(default_factory=dict)  # node id -> "MulBackward0"
    wire_grads: dict[Wire, Any] = field(default_factory=dict)  # gradient along each wire
    backward_ran: bool = False
    message: str = ""  # e.g. why backward did not run
    raw: Any = None  # core's own result object, for panels that want more


def evaluate(doc: Document, backward: bool = True) -> EvalResult:
    """Evaluate through core; until core.graph's evaluator exists, show the stored values."""
    try:
        from core.graph import evaluate as core_eval  # noqa: F401
    except ImportError:
        res = EvalResult()
        for node in doc:
            if node.value is not None:
                res.values[node.id] = node.value
            else:
                res.errors[node.id] = "not evaluated (engine not available)"
        return res
    return _from_core(doc, backward)


def _from_core(doc: Document, backward: bool) -> EvalResult:  # pragma: no cover - filled in
    raise NotImplementedError
