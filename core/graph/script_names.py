"""The variable each node is written as in an exported script.

A node is written as a variable of its own name, so the script reads like the graph. A name
that is also a Python built-in (`pow`, `sum`, `max`, `range`...) would hide that built-in for
the rest of the script: a later line or a helper that calls it breaks (a training script's
`for _step in range(...)` after a node named `range`), and the person who keeps the script
inherits a trap. New nodes are therefore never auto-named like a built-in (the document and the
parser skip `BUILTIN_NAMES`), and a name the person chose (or an older file holds) is written
with a trailing underscore (`pow_`, PEP 8's way to avoid a clash), the same everywhere in the
script. The printed labels keep the document's names: they are what the person reads in the app.
"""

from __future__ import annotations

import builtins
import itertools
from collections.abc import Iterable
from typing import Protocol

#: Python's public built-in names (`pow`, `sum`, `range`, `True`...): a node variable of one of
#: these names would hide it in an exported script.
BUILTIN_NAMES = frozenset(n for n in dir(builtins) if not n.startswith("_"))


class _Named(Protocol):
    id: str
    name: str


def variable_names(nodes: Iterable[_Named], taken: Iterable[str] = ()) -> dict[str, str]:
    """node id -> the identifier a script writes it as (a document's nodes, or some of them):
    the name itself, or for a built-in's name the name with `_` appended (then `_1`, `_2`...
    if another node or a name in `taken` already has that)."""
    pairs = [(n.id, n.name) for n in nodes]
    used = {name for _, name in pairs} | set(taken) | BUILTIN_NAMES
    out: dict[str, str] = {}
    for nid, name in pairs:
        if name not in BUILTIN_NAMES:
            out[nid] = name
            continue
        cand = f"{name}_"
        for i in itertools.count(1):
            if cand not in used:
                break
            cand = f"{name}_{i}"
        used.add(cand)
        out[nid] = cand
    return out


def renaming_note(nodes: Iterable[_Named], names: dict[str, str]) -> list[str]:
    """Comment lines saying which nodes the script writes under another name, and why (a reader
    who searches the script for `pow` should find out it is `pow_`)."""
    moved = [(n.name, names[n.id]) for n in nodes if n.id in names and names[n.id] != n.name]
    if not moved:
        return []
    listed = ", ".join(f"{old} is {new}" for old, new in moved)
    return ["", f"# Python built-ins keep their meaning here, so these nodes are renamed: {listed}"]


__all__ = ["BUILTIN_NAMES", "renaming_note", "variable_names"]
