"""Recording what the backward engine does, step by step, for the app's stepper.

The engine always runs the same loop; when a recorder is active it also appends one
``BackwardStep`` per node it processes, so what the GUI replays is what happened."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..tensor import Tensor


@dataclass
class BackwardStep:
    """One node processed by the engine."""

    node: Any
    grad_output: Tensor
    grad_inputs: tuple[Tensor | None, ...]
    accumulated: list[tuple[Tensor, Tensor]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.node.name()


@dataclass
class BackwardTrace:
    """All steps of every backward pass run while recording."""

    steps: list[BackwardStep] = field(default_factory=list)


ACTIVE: list[BackwardTrace] = []


@contextmanager
def record_backward() -> Iterator[BackwardTrace]:
    """``with record_backward() as trace: y.backward()`` fills ``trace.steps``."""
    trace = BackwardTrace()
    ACTIVE.append(trace)
    try:
        yield trace
    finally:
        ACTIVE.remove(trace)
