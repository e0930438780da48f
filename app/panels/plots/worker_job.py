"""A computation on a daemon thread whose result arrives on the UI thread as a signal.

The race and the landscape preview both compute on a copy of the document taken on the UI
thread (so edits meanwhile cannot race it) and report once: the result, or a message when
the computation refused (`GraphError`) or failed. A page keeps the job's `generation` to
ignore results that arrive after the document changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from core.graph import GraphError


class _Bridge(QObject):
    done = Signal(object)


class WorkerJob:
    """`compute(*args)` on a daemon thread; `done(result or message)` on the UI thread."""

    #: what `done` carries when the computation raised something other than GraphError
    failure = "the computation failed (see the log)"
    thread_name = "chainrule-worker"

    def __init__(self, compute: Callable[..., Any], *args: Any) -> None:
        self.bridge = _Bridge()
        self.done = self.bridge.done
        self.generation = 0  # the page's document generation it was started in
        self._compute = compute
        self._args = args
        self.thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        result: Any = self.failure
        try:
            result = self._compute(*self._args)
        except GraphError as e:
            result = str(e)
        finally:
            try:
                self.bridge.done.emit(result)
            except RuntimeError:  # the page was closed meanwhile: nobody to tell
                pass


__all__ = ["WorkerJob"]
