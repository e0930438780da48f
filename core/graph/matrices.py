"""Derivatives as matrices: the Jacobian of a vector output, the Hessian of a scalar one.

Graph ▸ Jacobian / Graph ▸ Hessian show these as a heatmap table. Both come from
`core.autograd.functional` (`jacobian` / `hessian` here, which `Evaluator.jacobian` /
`Evaluator.hessian` call: they run the document as a function of the chosen variables), so
the app never re-derives a number: this module only chooses the variables and lays the
blocks out as one 2-D matrix with a label per row and column (several variables, or
tensors, are flattened and concatenated in document order, as `torch.autograd.functional`
with a tuple of inputs).

Usage::

    m = jacobian_matrix(doc)                  # output vs the variables requiring grad
    m.matrix, m.rows, m.cols                  # [[4, 3], [2, 6]], ["k[0]", "k[1]"], ["x[0]", "x[1]"]
    h = hessian_matrix(doc, wrt=[x, y])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from core.graph.document import Document, GraphError
from core.graph.node_inputs import leaf_tensor, trainable

if TYPE_CHECKING:
    from core.graph.evaluate import Evaluator


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


def jacobian(ev: Evaluator, output: str, inputs: str | Sequence[str]) -> Any:
    """`Evaluator.jacobian`: ∂output/∂inputs at the current values (one array, or a tuple
    for several inputs)."""
    ins = [inputs] if isinstance(inputs, str) else list(inputs)
    j = _functional(ev, "jacobian", output, ins)
    return _to_numpy(j[0] if isinstance(inputs, str) and isinstance(j, tuple) else j)


def hessian(ev: Evaluator, output: str, inputs: str | Sequence[str]) -> Any:
    """`Evaluator.hessian`: second derivatives of a scalar output w.r.t. the inputs."""
    ins = [inputs] if isinstance(inputs, str) else list(inputs)
    h = _functional(ev, "hessian", output, ins)
    if isinstance(inputs, str) and isinstance(h, tuple):
        h = h[0][0] if isinstance(h[0], tuple) else h[0]
    return _to_numpy(h)


def _functional(ev: Evaluator, kind: str, output: str, ins: list[str]) -> Any:
    """`autograd.functional.<kind>` of the document as a function of `ins`, at their values;
    the engine's refusal becomes a GraphError."""
    from core.graph.backward_pass import message

    f = ev.function(output, ins)
    xs = tuple(leaf_tensor(ev.lib, ev.doc.node(i).value) for i in ins)
    try:
        return getattr(ev.lib.autograd.functional, kind)(f, xs)
    except GraphError:
        raise
    except Exception as e:
        raise GraphError(message(e)) from None


def _to_numpy(x: Any) -> Any:
    if isinstance(x, tuple):
        return tuple(_to_numpy(v) for v in x)
    return np.array(x.detach().numpy())


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


__all__ = ["DerivativeMatrix", "hessian", "hessian_matrix", "jacobian", "jacobian_matrix"]
