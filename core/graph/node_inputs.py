"""What a node's computation takes in: the source of each input port, and leaf tensors
made from node values, and the variables an output depends on (what training and the
derivative matrices take by default).

Evaluation (the incremental forward and `function`), export and training each turn a
node's wires into the arguments of its catalog call, and each makes engine leaves from
the values variables and constants hold; these are the one way to do both, so a rule
such as "a variadic port takes its wires in index order" is written once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from core.graph.catalog import OpSpec
    from core.graph.document import Document

#: a port's source: a node id, a variadic port's ids in index order, None when unwired
Source = str | list[str] | None


def port_sources(spec: OpSpec, wired: Mapping[str, str]
                 ) -> tuple[dict[str, Source], str | None]:
    """Each input port of `spec` with the node(s) wired into it (`wired`: port -> source
    id, as `Document.inputs_of` gives), in port order, and the first problem as the
    person reads it ("input 'b' is not wired") or None. At a problem the ports after it
    are left out, so a caller that checks the sources in order finds what comes first."""
    out: dict[str, Source] = {}
    fixed = _fixed_ports(spec)
    if fixed is not None:  # the common case, on every node of every forward: kept lean
        for name, optional in fixed:
            src = wired.get(name)
            if src is None and not optional:
                return out, f"input {name!r} is not wired"
            out[name] = src
        return out, None
    for port in spec.inputs:
        if port.variadic:
            prefix = port.name + "."
            idx = sorted((int(p[len(prefix):]), s) for p, s in wired.items()
                         if p.startswith(prefix))
            if not idx:
                return out, f"input {port.name!r} needs at least one wire"
            out[port.name] = [s for _, s in idx]
            continue
        src = wired.get(port.name)
        if src is None and not port.optional:
            return out, f"input {port.name!r} is not wired"
        out[port.name] = src
    return out, None


_FIXED: dict[int, tuple[OpSpec, tuple[tuple[str, bool], ...] | None]] = {}


def _fixed_ports(spec: OpSpec) -> tuple[tuple[str, bool], ...] | None:
    """(name, optional) of each port of a spec without variadic ports, else None;
    remembered per spec (the spec is kept with it, so its id is not reused)."""
    hit = _FIXED.get(id(spec))
    if hit is None:
        fixed = None if any(p.variadic for p in spec.inputs) else tuple(
            (p.name, p.optional) for p in spec.inputs)
        hit = _FIXED[id(spec)] = (spec, fixed)
    return hit[1]


def leaf_tensor(lib: Any, value: np.ndarray, requires_grad: bool = False) -> Any:
    """A fresh engine leaf holding a copy of `value` (the document's array stays
    read-only and unshared), requiring grad if asked."""
    t = lib.from_numpy(np.array(value, copy=True))
    if requires_grad:
        t.requires_grad_(True)
    return t


def trainable(doc: Document, output: str | None = None) -> list[str]:
    """Ids of the variables requiring grad that `output` (default: the document's
    output) depends on, in document order: what training moves by default."""
    out = output if output is not None else doc.output
    if out is None:
        return []
    feeding = doc.ancestors(out) | {out}
    return [n.id for n in doc if n.op == "variable" and n.requires_grad and n.id in feeding]


__all__ = ["Source", "leaf_tensor", "port_sources", "trainable"]
