"""Telling the document's changes a panel made itself from the person's edits.

The Train dock and the Landscape page write values into the document (a step, a race frame)
and also listen to its changes: their own writes must not read as "the graph changed under
the run". Both mark them the same way: `with self._own_writes(): doc.set_value(...)`, and
their change handler checks `self._own_writes.active`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class OwnWrites:
    """A flag that is set while the owner writes to the document (`with flag(): ...`)."""

    def __init__(self) -> None:
        self.active = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        self.active = True
        try:
            yield
        finally:
            self.active = False


__all__ = ["OwnWrites"]
