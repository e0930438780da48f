"""Every QUndoCommand of the app, each a thin wrapper around one of the document's commands.

The document's commands already validate on construction, apply in `redo()`, revert exactly in
`undo()` and know how to merge (consecutive moves of the same nodes); wrapping them keeps Qt's
undo stack, menus and shortcuts while all editing logic stays in `core.graph`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from core.graph import Command, Document
from core.graph.commands import MERGE_NONE

Step = tuple[str, Sequence[Any], Mapping[str, Any]]


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
    return DocCommand(doc.make_command(kind, *args, **kwargs))


def macro(doc: Document, text: str, steps: Sequence[Step]) -> DocCommand:
    """Several edits as one undo step, all-or-nothing (paste, reconnect, expression bar)."""
    return DocCommand(doc.make_command("macro", text, list(steps)))
