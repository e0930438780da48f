"""How a catalog node type and the engine's ops correspond, as data on each `OpSpec`.

An `OpSpec` lists the engine ops (names in `core.ops.REGISTRY`) a node of its type is
recorded as, each an `EngineOp`: which node port each engine input arrives through, and
how the op's recorded parameters read as the node's. The engine records its parameters
under PyTorch's names — the catalog's — so most entries are the plain default: same
name, ports in order, parameters copied by name. Ops whose recording differs from the
node (1/x is a division by a constant, a sum over two dims is two sums) give a `read`
function that returns the `NodePlan`.

Differentiate reads an engine graph back into nodes through this table
(`reading_index`, via `differentiate.translate_engine_op`), so the port names and
parameter conversions the catalog declares are written once. Nothing here imports the
engine: a recorded op is passed in as an `EngineRecord` (its op name, parameters, input
tensors and output tensor).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from core.graph.params import index_from_key

if TYPE_CHECKING:
    from core.graph.catalog import OpSpec


class EngineMapError(ValueError):
    """A recorded engine op that no node type reads back (Differentiate wraps it)."""


@dataclass(frozen=True)
class EngineRecord:
    """One recorded engine op: what a grad_fn node keeps (see core/autograd/node.py)."""

    op: str
    params: Mapping[str, Any]
    inputs: Sequence[Any]
    out: Any
    grad_fn_name: str = ""


@dataclass
class NodePlan:
    """How one engine op becomes document nodes: a catalog op with its params, a port
    per engine input (None: not wired), constant inputs the engine kept as numbers, and
    unary (op, params) steps applied after it — e.g. a sum over two dims is two sums."""

    kind: str
    params: dict[str, Any]
    ports: list[str | None]
    consts: list[tuple[str, Any]] = field(default_factory=list)
    then: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


Reader = Callable[["OpSpec", EngineRecord], NodePlan]


@dataclass(frozen=True)
class EngineOp:
    """One engine op a node type is recorded as.

    `ports`: the node port each engine input arrives through (None: not a port);
    empty means the spec's ports in order (a variadic port takes every input as
    name.0, name.1, ...). `read`: a function (spec, record) -> NodePlan for ops whose
    parameters do not copy over by name; None copies the spec's params by name.
    """

    name: str
    ports: tuple[str | None, ...] = ()
    read: Reader | None = None

    def plan(self, spec: OpSpec, rec: EngineRecord) -> NodePlan:
        """The document node(s) for `rec`, recorded by this engine op."""
        if self.read is not None:
            return self.read(spec, rec)
        return NodePlan(spec.name, copy_params(spec, rec.params), self.port_list(spec, rec))

    def port_list(self, spec: OpSpec, rec: EngineRecord) -> list[str | None]:
        if self.ports:
            return list(self.ports)
        if len(spec.inputs) == 1 and spec.inputs[0].variadic:
            return [f"{spec.inputs[0].name}.{i}" for i in range(len(rec.inputs))]
        return [p.name for p in spec.inputs][:len(rec.inputs)]


def copy_params(spec: OpSpec, recorded: Mapping[str, Any]) -> dict[str, Any]:
    """The spec's parameters from an engine op's, by name (the engine records torch's
    names), converted to the parameter's type; ones the engine does not record keep the
    node's default (left out). The engine writes "over every dim" as None where a dims
    parameter writes (), and a single reduced dim as a 1-tuple."""
    out: dict[str, Any] = {}
    for p in spec.params:
        if p.name not in recorded:
            continue
        v = recorded[p.name]
        if p.type == "ints":
            v = () if v is None else tuple(int(d) for d in v)
        elif p.type in ("int", "int?"):
            if isinstance(v, (tuple, list)):
                v = int(v[0]) if v else None
            if v is None:
                v = None if p.type == "int?" else p.default
            else:
                v = int(v)
        elif p.type in ("float", "float?"):
            v = None if v is None else float(v)
        elif p.type == "bool":
            v = bool(v)
        out[p.name] = v
    return out


def _np_dtype(t: Any) -> np.dtype:
    return np.asarray(t.detach().numpy()).dtype


def _out_shape(rec: EngineRecord) -> tuple[int, ...]:
    return tuple(int(s) for s in rec.out.shape)


# ------------------------------------------------------------------ readers of special ops
def read_reciprocal(spec: OpSpec, rec: EngineRecord) -> NodePlan:
    """1/x: a division of the constant 1 (as torch writes it)."""
    return NodePlan("div", {}, ["b"], [("a", np.ones((), _np_dtype(rec.inputs[0])))])


def read_rpow(spec: OpSpec, rec: EngineRecord) -> NodePlan:
    """c ** y with a number c: the base becomes a constant node."""
    return NodePlan("pow", {}, ["exponent"],
                    [("base", np.asarray(rec.params["base"], dtype=_np_dtype(rec.inputs[0])))])


def read_as_reshape(spec: OpSpec, rec: EngineRecord) -> NodePlan:
    """reshape, squeeze, unsqueeze (and a permute that moves nothing): a reshape to the
    recorded output's shape."""
    return NodePlan("reshape", {"shape": _out_shape(rec)}, ["x"])


def read_reduction(spec: OpSpec, rec: EngineRecord) -> NodePlan:
    """sum/mean over the recorded dims: the node takes one dim, so a reduction over
    several is one node per dim, highest first so the lower dims keep their numbers (a
    mean of means over equal-sized slices is the mean over all of them); over no dims
    (dim 0 of a 0-d tensor) it is the value itself."""
    dims, keep = rec.params.get("dim"), bool(rec.params.get("keepdim", False))
    if dims is None:
        return NodePlan(spec.name, {}, ["x"])
    if not dims:
        return read_as_reshape(spec, rec)
    order = sorted((int(a) for a in dims), reverse=True)
    return NodePlan(spec.name, {"dim": order[0], "keepdim": keep}, ["x"],
                    then=[(spec.name, {"dim": d, "keepdim": keep}) for d in order[1:]])


def read_permute(spec: OpSpec, rec: EngineRecord) -> NodePlan:
    """x.T is recorded as a permute; a swap of two dims reads as transpose."""
    dims = [int(d) for d in rec.params["dims"]]
    moved = [i for i, d in enumerate(dims) if d != i]
    if len(moved) == 2 and dims[moved[0]] == moved[1]:
        return NodePlan("transpose", {"dim0": moved[0], "dim1": moved[1]}, ["x"])
    if not moved:
        return read_as_reshape(spec, rec)
    return NodePlan("permute", {"dims": tuple(dims)}, ["x"])


def read_to_dtype(spec: OpSpec, rec: EngineRecord) -> NodePlan:
    from core.graph.values import dtype_name

    return NodePlan("to_dtype", {"dtype": dtype_name(np.empty(0, rec.params["dtype"].np))},
                    ["x"])


def _index_param(rec: EngineRecord) -> tuple[Any, ...]:
    idx = index_from_key(rec.params.get("key"))
    if idx is None:
        raise EngineMapError(f"cannot show {rec.grad_fn_name} ({rec.op}): its index "
                             f"{rec.params.get('key')!r} has a part that is not an int, a "
                             "slice, None, ... or an array of integers or booleans")
    return idx


def read_index(spec: OpSpec, rec: EngineRecord) -> NodePlan:
    """An index (getitem, index_put, index_add_zeros) records the Python key; the node
    holds it as an index parameter."""
    params = {"index": _index_param(rec)}
    if "shape" in rec.params:
        params["shape"] = tuple(int(s) for s in rec.params["shape"])
    return NodePlan(spec.name, params, EngineOp(rec.op).port_list(spec, rec))


def read_nll_loss(spec: OpSpec, rec: EngineRecord) -> NodePlan:
    """The engine keeps the class indices in the key it picks with: they become the
    target constant."""
    _index_param(rec)
    tgt = np.asarray(rec.params["key"][-1], dtype=np.int64)
    return NodePlan("nll_loss", {"reduction": rec.params["reduction"]}, ["input"],
                    [("target", tgt)])


def reading_index(specs: Mapping[str, OpSpec]) -> dict[str, tuple[OpSpec, EngineOp]]:
    """engine op name -> (the spec that reads it back, how). A spec named as the engine
    op wins over others that also run it (dot runs matmul; matmul reads it back)."""
    out: dict[str, tuple[OpSpec, EngineOp]] = {}
    for s in specs.values():
        for e in s.engine_ops:
            if e.name in out and out[e.name][0].name == e.name:
                continue
            if e.name in out and s.name != e.name:
                raise ValueError(f"engine op {e.name!r} is read back by both "
                                 f"{out[e.name][0].name} and {s.name}")
            out[e.name] = (s, e)
    return out


__all__ = ["EngineMapError", "EngineOp", "EngineRecord", "NodePlan", "copy_params",
           "reading_index"]
