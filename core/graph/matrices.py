"""Derivatives as matrices: the Jacobian of a vector output, the Hessian of a scalar one.

Graph ▸ Jacobian / Graph ▸ Hessian show these as a heatmap table. Both come from
`core.autograd.functional` (through `Evaluator.jacobian` / `Evaluator.hessian`, which run
the document as a function of the chosen variables), so the app never re-derives a
number: this module only chooses the variables and lays the blocks out as one 2-D matrix
with a label per row and column (several variables, or tensors, are flattened and
concatenated in document order, as `torch.autograd.functional` with a tuple of inputs).

Usage::

    m = jacobian_matrix(doc)                  # output vs the variables requiring grad
    m.matrix, m.rows, m.cols                  # [[4, 3], [2, 6]], ["k[0]", "k[1]"], ["x[0]", "x[1]"]
    h = hessian_matrix(doc, wrt=[x, y])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.graph.document import Document, GraphError
from core.graph.train import trainable


@dataclass(frozen=True)
class DerivativeMatrix:
    """`matrix[i, j]` = ∂row_i/∂col_j (Jacobian) or ∂²out/∂col_i∂col_j (Hessian)."""

    kind: str  # "jacobian" | "hessian"
    matrix: np.ndarray
    rows: list[str]
    cols: list[str]
    title: str


def _labels(name: str, shape: tuple[int, ...]) -> list[str]:
    if not shape:
        return [name]
    return [f"{name}[{', '.join(map(str, idx))}]" for idx in np.ndindex(*shape)]


def _setup(doc: Document, output: str | None, wrt: Sequence[str] | None
           ) -> tuple[object, str, list[str]]:
    from core.graph.evaluate import Evaluator

    out = output if output is not None else doc.output
    if out is None:
        raise GraphError("choose an output (Set as Output) to differentiate")
    ids = list(wrt) if wrt else trainable(doc, out)
    if not ids:
        raise GraphError(f"{doc.node(out).name} does not depend on any variable that "
                         "requires grad: tick requires_grad on the variables to differentiate by")
    for i in ids:
        n = doc.node(i)
        if n.op != "variable" or n.value is None or n.value.dtype.kind != "f":
            raise GraphError(f"{n.name} is not a floating-point variable")
    ev = Evaluator(doc)
    ev.close()
    ev.forward()
    if out in ev.errors:
        raise GraphError(f"{doc.node(out).name} has an error: {ev.errors[out]}")
    return ev, out, ids


def _name(doc: Document, out: str) -> str:
    """The output's name as a person knows it: an output node shows what it marks."""
    node = doc.node(out)
    if node.op == "output":
        src = doc.inputs_of(out).get("value")
        if src is not None:
            return doc.node(src).name
    return node.name


def jacobian_matrix(doc: Document, output: str | None = None,
                    wrt: Sequence[str] | None = None) -> DerivativeMatrix:
    """J = ∂output/∂(variables), one row per output element, one column per variable
    element (default variables: those requiring grad that the output depends on)."""
    ev, out, ids = _setup(doc, output, wrt)
    y = np.asarray(ev.values[out])
    blocks = ev.jacobian(out, ids)  # one (y.shape + x.shape) array per variable
    if not isinstance(blocks, (list, tuple)):
        blocks = [blocks]
    cols: list[str] = []
    parts = []
    for i, b in zip(ids, blocks):
        v = doc.node(i).value
        parts.append(np.asarray(b, dtype=np.float64).reshape(max(y.size, 1), v.size))
        cols += _labels(doc.node(i).name, v.shape)
    name = _name(doc, out)
    m = np.concatenate(parts, axis=1)
    wrt_names = ", ".join(doc.node(i).name for i in ids)
    return DerivativeMatrix("jacobian", m, _labels(name, y.shape), cols,
                            f"Jacobian ∂{name}/∂({wrt_names})")


def hessian_matrix(doc: Document, output: str | None = None,
                   wrt: Sequence[str] | None = None) -> DerivativeMatrix:
    """H = ∂²output/∂(variables)² of a scalar output (symmetric, variables flattened)."""
    ev, out, ids = _setup(doc, output, wrt)
    y = np.asarray(ev.values[out])
    name = _name(doc, out)
    if y.size != 1:
        raise GraphError(f"{name} has shape {tuple(y.shape)}: the Hessian needs a scalar "
                         "output (Graph ▸ Jacobian shows a vector output's derivatives)")
    h = ev.hessian(out, ids)
    sizes = [doc.node(i).value.size for i in ids]
    if len(ids) == 1 and not isinstance(h, (list, tuple)):
        h = ((h,),)
    rows = [np.concatenate([np.asarray(h[a][b], dtype=np.float64).reshape(sizes[a], sizes[b])
                            for b in range(len(ids))], axis=1) for a in range(len(ids))]
    labels = [lab for i in ids for lab in _labels(doc.node(i).name, doc.node(i).value.shape)]
    wrt_names = ", ".join(doc.node(i).name for i in ids)
    return DerivativeMatrix("hessian", np.concatenate(rows, axis=0), labels, labels,
                            f"Hessian ∂²{name}/∂({wrt_names})²")


__all__ = ["DerivativeMatrix", "hessian_matrix", "jacobian_matrix"]
