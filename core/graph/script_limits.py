"""Limits and errors of the script interpreter (core/graph/script.py).

Kept apart from the interpreter so the app can show a `ScriptError` (line, column,
message) and the tests can name a limit without importing the interpreter itself.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from core.graph.document import GraphError


@dataclass(frozen=True)
class Limits:
    """What one script run may use. The defaults are far beyond any tutorial cell (the
    seed's 500-step SGD loop runs ~3000 statements) and far below what would hang the
    app or exhaust memory; exceeding one ends the run with a `ScriptError` naming it."""

    statements: int = 1_000_000
    seconds: float = 10.0
    tensor_elements: int = 10_000_000
    recursion: int = 40
    items: int = 1_000_000  # length of any one str, list, tuple or dict
    int_bits: int = 10_000  # size of any one Python int (10**10**10 is refused)
    output_chars: int = 1_000_000
    source_chars: int = 1_000_000
    nesting: int = 100  # depth of the syntax tree (brackets, operators)


class ScriptError(GraphError):
    """A script that cannot run: outside the whitelist, over a limit, or failing.

    `line`/`col` are 1-based (0 when unknown); `limit` names the limit that was hit,
    if any. `cause` is the engine's or Python's own exception for runtime failures,
    which a script's ``try/except`` may catch; refusals and limits are never catchable
    (a ``while True`` inside a ``try`` would otherwise outlive its limit)."""

    def __init__(self, message: str, line: int = 0, col: int = 0, *, limit: str | None = None,
                 cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.limit = limit
        self.cause = cause

    def at(self, node: ast.AST | None) -> ScriptError:
        """Give the error the position of `node` unless it already has one."""
        if not self.line and node is not None and hasattr(node, "lineno"):
            self.line = int(getattr(node, "lineno", 0) or 0)
            self.col = int(getattr(node, "col_offset", 0) or 0) + 1
        return self

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.col}: " if self.line else ""
        return where + self.message


def limit_error(limit: str, detail: str) -> ScriptError:
    """The error for exceeding limit `limit` (a `Limits` field name)."""
    return ScriptError(f"{detail} (limit: {limit})", limit=limit)


__all__ = ["Limits", "ScriptError", "limit_error"]
