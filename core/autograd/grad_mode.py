"""Whether operations record a graph: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

Thread-local, as in PyTorch: a loss landscape or optimizer race computed on a worker
thread (the app keeps its UI thread free) must not switch recording off, or on, for the
document the UI thread is evaluating at the same time. Each new thread starts enabled.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    enabled = True  # the class attribute is every thread's starting value


STATE = _State()


def is_grad_enabled() -> bool:
    return STATE.enabled


class _GradModeContext:
    """Base for the context managers; each one also works as a decorator."""

    _mode: bool

    def __enter__(self) -> None:
        self._prev = STATE.enabled
        STATE.enabled = self._mode

    def __exit__(self, *exc: object) -> None:
        STATE.enabled = self._prev

    def __call__(self, fn: F) -> F:
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = STATE.enabled
            STATE.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                STATE.enabled = prev

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):  # noqa: N801 - torch's name
    """Operations inside run without recording a graph."""

    _mode = False


class enable_grad(_GradModeContext):  # noqa: N801
    """Re-enables recording inside a ``no_grad`` block."""

    _mode = True


class set_grad_enabled(_GradModeContext):  # noqa: N801
    """``set_grad_enabled(False)`` behaves as ``no_grad``; works as a call too."""

    def __init__(self, mode: bool) -> None:
        self._mode = bool(mode)
        self._prev = STATE.enabled
        STATE.enabled = self._mode

    def __call__(self, fn: F) -> F:
        # used as a decorator the constructor's switch must not leak (torch restores too)
        STATE.enabled = self._prev
        return super().__call__(fn)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        STATE.enabled = self._prev
