"""Recording what the backward engine does, step by step, for the app's stepper.

The engine always runs the same loop; when a recorder is active it also appends one
``BackwardStep`` per node it processes, so what the GUI replays is what happened."""

from __future__ import annotations

import threading
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


class _Active(threading.local):
    """The recorders of this thread: a backward on a worker thread (an optimizer race)
    is never written into the trace the UI thread's stepper is recording."""

    def __init__(self) -> None:
        self.traces: list[BackwardTrace] = []


_ACTIVE = _Active()


def active() -> list[BackwardTrace]:
    """The recorders active on the calling thread."""
    return _ACTIVE.traces


@contextmanager
def record_backward() -> Iterator[BackwardTrace]:
    """``with record_backward() as trace: y.backward()`` fills ``trace.steps``."""
    trace = BackwardTrace()
    _ACTIVE.traces.append(trace)
    try:
        yield trace
    finally:
        _ACTIVE.traces.remove(trace)
