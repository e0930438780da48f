"""Every QUndoCommand of the app, each a thin wrapper around one of the document's commands.

The document's commands already validate on construction, apply in `redo()`, revert exactly in
`undo()` and know how to merge (consecutive moves of the same nodes); wrapping them keeps Qt's
undo stack, menus and shortcuts while all editing logic stays in `core.graph`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from PySide6.QtGui import QUndoCommand

from core.graph import Command, Document
from core.graph.commands import MERGE_NONE, Edit, make_command
from core.graph.values import dtype_name


class DocCommand(QUndoCommand):
    """Runs a `core.graph` command; merges when the core command says so (moves)."""

    def __init__(self, command: Command, text: str | None = None) -> None:
        super().__init__(text or command.text)
        self.command = command

    def redo(self) -> None:
        self.command.redo()

    def undo(self) -> None:
        self.command.undo()

    def id(self) -> int:  # noqa: A003 - Qt API name
        return self.command.merge_id if self.command.merge_id != MERGE_NONE else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt API
        if not isinstance(other, DocCommand):
            return False
        if self.command.merge_with(other.command):
            self.setText(self.command.text)
            return True
        return False


def make(doc: Document, kind: str, *args: Any, **kwargs: Any) -> DocCommand:
    """Build (and thereby validate) an undoable edit; raises `GraphError` with the reason."""
    return DocCommand(make_command(doc, kind, *args, **kwargs))


def macro(doc: Document, text: str, steps: Sequence[Edit]) -> DocCommand:
    """Several edits as one undo step, all-or-nothing (paste, reconnect, expression bar)."""
    return DocCommand(make_command(doc, "macro", text, list(steps)))


class TrainRun(QUndoCommand):
    """A whole training run as ONE undo step: undo puts back the parameters' values from
    before the run, redo the values it ended with.

    The Train panel pushes it when a run starts (the first `redo()` changes nothing: the
    values are the start values) and then writes each tick's values into the document
    directly, calling `update()` so the command always knows the latest values. Writing
    directly is what keeps an animated run from pushing hundreds of undo entries; pushing
    at the start is what keeps the stack in order when the user edits during the run
    (their edit lands above the run, and undoing it first is right).
    """

    def __init__(self, doc: Document, before: Mapping[str, np.ndarray],
                 text: str = "train") -> None:
        super().__init__(text)
        self.doc = doc
        self.before = {k: np.array(v, copy=True) for k, v in before.items()}
        self.after = {k: np.array(v, copy=True) for k, v in before.items()}
        self._pushed = False

    def update(self, values: Mapping[str, np.ndarray], text: str | None = None) -> None:
        """Record the values the run has reached (already in the document)."""
        self.after = {k: np.array(v, copy=True) for k, v in values.items()}
        if text:
            self.setText(text)

    def redo(self) -> None:
        if not self._pushed:  # QUndoStack.push calls redo(): the values are already there
            self._pushed = True
            return
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)

    def _apply(self, values: Mapping[str, np.ndarray]) -> None:
        for node_id, value in values.items():
            if node_id in self.doc:
                self.doc.set_value(node_id, value, dtype_name(value))
