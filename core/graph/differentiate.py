"""Differentiate: the graph of ∂output/∂x as a new document, built by the engine.

The engine's derivative rules are written with engine ops, so with `create_graph=True`
`autograd.grad` records the derivative as an ordinary graph of grad_fn nodes. This
module turns that engine graph back into a document: each engine node becomes the
catalog op it ran (MulBackward0 of a rule becomes a `mul` node, SumToSizeBackward0 a
`sum_to`), tensors the rules created become constants, and the variables we
differentiated with respect to stay variables that require grad. The result is an
ordinary document, so it can be evaluated, saved and differentiated again (the seed's
second derivative).

Reading the engine graph needs, per grad_fn node, the op it ran, its parameters and its
input tensors (constants appear only there: next_functions has None for them). The
engine contract names only name()/next_functions/seq, so this uses the engine's
`Node.op.name`, `Node.params` and `Node.inputs` (see core/autograd/node.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from core.graph.catalog import OPS, OpSpec
from core.graph.commands import Edit
from core.graph.document import Document, GraphError
from core.graph.engine_map import (
    EngineMapError,
    EngineOp,
    EngineRecord,
    NodePlan,
    reading_index,
)
from core.graph.layout import apply_layout, layered_layout
from core.graph.node_inputs import leaf_tensor
from core.graph.values import dtype_name

if TYPE_CHECKING:
    from core.graph.evaluate import Evaluator

class _Builder:
    def __init__(self, src: Document, variables: dict[int, str],
                 leaf_names: dict[int, str] | None = None) -> None:
        self.src = src
        self.doc = Document()
        self.var_ids = variables  # id(tensor) -> node id in the new document
        self.memo: dict[int, str] = {}  # id(engine node or constant tensor) -> node id
        self.forward_names: dict[int, str] = {}  # id(grad_fn) -> source node name
        # id(leaf tensor) -> name; when given, named leaves and leaves requiring grad
        # become variables (the script's x, a, b), other tensors constants
        self.leaf_names = leaf_names
        # id(grad_fn) -> its inputs, saved before a backward without retain_graph freed them
        self.saved_inputs: dict[int, Any] = {}

    def tensor(self, t: Any) -> str:
        """The node id producing tensor `t` in the new document."""
        if id(t) in self.var_ids:
            return self.var_ids[id(t)]
        g = t.grad_fn
        if g is not None:
            return self.engine_node(g, t)
        if id(t) in self.memo:
            return self.memo[id(t)]
        arr = np.array(t.detach().numpy(), copy=True)
        name = None if self.leaf_names is None else self.leaf_names.get(id(t))
        if self.leaf_names is not None and (name is not None or t.requires_grad):
            nid = self.doc.add_node("variable", name=self.doc.unique_name(name or "v"),
                                    value=arr, dtype=dtype_name(arr),
                                    requires_grad=bool(t.requires_grad))
        else:
            nid = self.doc.add_node("constant", name=self.doc.unique_name("c"), value=arr,
                                    dtype=dtype_name(arr))
        self.memo[id(t)] = nid
        return nid

    def engine_node(self, g: Any, out: Any) -> str:
        if id(g) in self.memo:
            return self.memo[id(g)]
        op = getattr(getattr(g, "op", None), "name", None)
        inputs = getattr(g, "inputs", None)
        if inputs is None:
            inputs = self.saved_inputs.get(id(g))
        params = dict(getattr(g, "params", None) or {})
        if op is None or inputs is None or not all(hasattr(t, "grad_fn") for t in inputs):
            raise GraphError(f"cannot turn {g.name()} back into a node (its saved inputs "
                             "are gone or unknown to this version of the engine)")
        if op == "clone":
            nid = self.tensor(inputs[0])
            self.memo[id(g)] = nid
            return nid
        plan = self._translate(op, g, params, inputs, out)
        base = self.forward_names.get(id(g))
        nid = self.doc.add_node(plan.kind, name=self.doc.unique_name(
            base if base and not plan.then else plan.kind), params=plan.params)
        for port, t in zip(plan.ports, inputs):
            if port is not None:
                self.doc.connect(self.tensor(t), nid, port)
        for port, value in plan.consts:
            c = self.doc.add_node("constant", name=self.doc.unique_name("c"), value=value,
                                  dtype=dtype_name(value))
            self.doc.connect(c, nid, port)
        for i, (kind, params) in enumerate(plan.then):  # the last step keeps the name
            last = i == len(plan.then) - 1
            step = self.doc.add_node(kind, name=self.doc.unique_name(
                base if base and last else kind), params=params)
            self.doc.connect(nid, step, "x")
            nid = step
        self.memo[id(g)] = nid
        return nid

    def _translate(self, op: str, g: Any, p: dict[str, Any], ins: Sequence[Any], out: Any
                   ) -> NodePlan:
        """The document nodes for engine op `op`: the catalog's reading of it."""
        return translate_engine_op(EngineRecord(op, p, ins, out, g.name()))


def translate_engine_op(rec: EngineRecord) -> NodePlan:
    """How one recorded engine op reads as document nodes, from the catalog's
    `OpSpec.engine_ops` (engine_map.py). The public entry point for code that turns
    engine graphs into documents (Differentiate, and interpreters of PyTorch code):
    raises GraphError for an op no node type reads back."""
    hit = _reading().get(rec.op)
    if hit is None:
        raise GraphError(f"cannot show {rec.grad_fn_name} ({rec.op}) as a node: this version "
                         "of Differentiate does not know that engine op")
    spec, eop = hit
    try:
        return eop.plan(spec, rec)
    except EngineMapError as e:
        raise GraphError(str(e)) from None


@functools.cache
def _reading() -> dict[str, tuple[OpSpec, EngineOp]]:
    return reading_index(OPS)


def _derivative_name(out: str, wrt: str) -> str:
    """dy_dx for y; d2y_dx2 (not ddy_dx_dx) for dy_dx, d3y_dx3 for d2y_dx2."""
    m = re.fullmatch(r"d(\d*)(.+)_d(.+?)(\d*)", out)
    if m and m.group(3) == wrt and m.group(1) == m.group(4):
        k = int(m.group(1) or 1) + 1
        return f"d{k}{m.group(2)}_d{wrt}{k}"
    return f"d{out}_d{wrt}"


def differentiate(ev: Evaluator, output: str | None = None,
                  wrt: str | Sequence[str] | None = None, gradient: Any = None) -> Document:
    """A new document whose outputs are ∂output/∂x for each x in `wrt` (default: every
    variable requiring grad), computed by the engine with create_graph=True.

    Non-scalar outputs need `gradient` (as for backward; default: the document's)."""
    src = ev.doc
    out = output if output is not None else src.output
    if out is None:
        raise GraphError("choose an output to differentiate")
    ev.forward()
    if out in ev.errors:
        raise GraphError(f"the output has an error: {ev.errors[out]}")
    relevant = src.ancestors(out)
    wrt_ids = _wrt_ids(src, relevant, wrt)
    # fresh leaves for every variable, so the derivative graph is built from scratch
    var_nodes = [n for n in src if n.op == "variable" and n.id in relevant | {out}]
    leaves = {n.id: leaf_tensor(ev.lib, n.value, n.requires_grad or n.id in wrt_ids)
              for n in var_nodes}
    env: dict[str, Any] = {}
    grads = _engine_grads(ev, out, leaves, wrt_ids, env, gradient)
    b = _Builder(src, {})
    new_ids = _add_variables(b, var_nodes, leaves)
    for nid, t in env.items():  # engine nodes that recompute a source node keep its name
        if t.grad_fn is not None and src.node(nid).op != "output":
            b.forward_names.setdefault(id(t.grad_fn), src.node(nid).name)
    out_name = src.node(out).name
    outputs = [_add_derivative_output(b, src, out_name, w, g) for w, g in zip(wrt_ids, grads)]
    # variables the derivative no longer uses are dropped
    for vid in list(new_ids.values()):
        if not b.doc.wires_from(vid):
            b.doc.remove_node(vid)
    b.doc.set_output(outputs[0])
    b.doc.meta = {
        "title": f"∂{out_name}/∂" + ", ∂".join(src.node(w).name for w in wrt_ids),
        "explanation": (f"The derivative of {out_name} as the engine computed it with "
                        "create_graph=True: each node is an op its derivative rules ran. "
                        "Differentiate this graph again for higher derivatives."),
    }
    apply_layout(b.doc, layered_layout(b.doc))
    return b.doc


def _wrt_ids(src: Document, relevant: set[str], wrt: str | Sequence[str] | None) -> list[str]:
    """The variables to differentiate with respect to: the ones asked for, or every
    variable requiring grad that the output depends on; each a floating point variable."""
    if wrt is None:
        wrt_ids = [n.id for n in src if n.op == "variable" and n.requires_grad
                   and n.id in relevant]
    else:
        wrt_ids = [wrt] if isinstance(wrt, str) else list(wrt)
    if not wrt_ids:
        raise GraphError("nothing to differentiate with respect to: tick requires_grad on a "
                         "variable the output depends on")
    for w in wrt_ids:
        node = src.node(w)
        if node.op != "variable":
            raise GraphError(f"{node.name} is not a variable")
        if node.value is not None and node.value.dtype.kind != "f":  # the engine refuses
            raise GraphError(f"only floating point variables can be differentiated with "
                             f"respect to ({node.name} is {node.dtype})")
    return wrt_ids


def _engine_grads(ev: Evaluator, out: str, leaves: dict[str, Any], wrt_ids: list[str],
                  env: dict[str, Any], gradient: Any) -> tuple[Any, ...]:
    """The engine's ``grad(y, wrt, create_graph=True)`` of the output recomputed from
    `leaves` (`env` gets each node's tensor); an engine error is a GraphError."""
    src, lib = ev.doc, ev.lib
    f = ev.function(out, list(leaves), env=env)
    y = f(*leaves.values())
    if gradient is None and out == src.output:
        gradient = src.output_gradient
    go = None if gradient is None else [lib.from_numpy(
        np.array(gradient, dtype=y.detach().numpy().dtype))]
    try:
        return lib.autograd.grad([y], [leaves[w] for w in wrt_ids], grad_outputs=go,
                                 create_graph=True, allow_unused=True)
    except Exception as e:
        raise GraphError(str(e)) from None


def _add_variables(b: _Builder, var_nodes: list[Any], leaves: dict[str, Any]) -> dict[str, str]:
    """The source's variables in the new document (source id → new id), known to the
    builder by their leaf tensors."""
    new_ids: dict[str, str] = {}
    for n in var_nodes:
        nid = b.doc.add_node("variable", name=n.name, value=n.value,
                             requires_grad=bool(leaves[n.id].requires_grad))
        new_ids[n.id] = nid
        b.var_ids[id(leaves[n.id])] = nid
    return new_ids


def _add_derivative_output(b: _Builder, src: Document, out_name: str, w: str, g: Any) -> str:
    """An output node ``dy_dx`` fed by the derivative's graph (a zero constant when the
    output does not depend on `w`)."""
    if g is None:
        zero = np.zeros_like(src.node(w).value)
        gid = b.doc.add_node("constant", name=b.doc.unique_name("zero"), value=zero)
    else:
        gid = b.tensor(g)
    oid = b.doc.add_node("output", name=b.doc.unique_name(
        _derivative_name(out_name, src.node(w).name)))
    b.doc.connect(gid, oid, "value")
    return oid


def document_of(roots: Sequence[Any], names: dict[int, str],
                saved_inputs: dict[int, Any] | None = None) -> tuple[Document, list[str]]:
    """The engine graph behind tensors `roots` as a new document (not laid out), and
    the node id of each root. `names` maps id(grad_fn) or id(leaf tensor) to a name:
    named grad_fns name their nodes, named leaves and leaves requiring grad become
    variables, other tensors constants. `saved_inputs` (id(grad_fn) -> inputs) stands
    in for inputs a backward pass released. Used by the script runner (code → graph)."""
    b = _Builder(Document(), {}, leaf_names=names)
    b.forward_names.update(names)
    b.saved_inputs.update(saved_inputs or {})
    return b.doc, [b.tensor(t) for t in roots]


__all__ = ["differentiate", "document_of", "translate_engine_op"]


# ------------------------------------------------------------------ into the same document
def _frozen(v: Any) -> Any:
    """A hashable stand-in for a param value (ints, floats, tuples, lists, arrays)."""
    if isinstance(v, np.ndarray):
        return ("array", v.dtype.str, v.shape, v.tobytes())
    if isinstance(v, (list, tuple)):
        return tuple(_frozen(x) for x in v)
    return v


def _key(op: str, params: dict[str, Any], inputs: dict[str, str]) -> tuple[Any, ...]:
    return (op, tuple(sorted((k, _frozen(v)) for k, v in params.items())),
            tuple(sorted(inputs.items())))


@dataclass
class DerivativePlan:
    """What `differentiate_into` adds: the undoable steps, the new nodes and the new
    output nodes (one per variable differentiated with respect to), and a title."""

    steps: list[Edit]
    new_nodes: list[str]
    outputs: list[str]
    title: str


def differentiate_into(ev: Evaluator, output: str | None = None,
                       wrt: str | Sequence[str] | None = None, make_output: bool = True,
                       gap: float = 160.0) -> DerivativePlan:
    """The steps that add ∂output/∂wrt to the document itself, as torch's
    ``grad(y, x, create_graph=True)`` does: the derivative is a graph over the same leaves,
    so backward from it (make it the output) gives the next derivative in ``x.grad``, and
    differentiating it again adds that one.

    Nodes of the derivative that recompute a forward node (same op, params and inputs) are
    that forward node — the engine's rules read the forward's values — so only the
    derivative's own nodes are added, laid out below the graph."""
    src = ev.doc
    d = differentiate(ev, output, wrt)
    mapping, added = _map_into(src, d)
    steps = _add_node_steps(src, d, mapping, added, gap)
    for nid in added:
        for port, s in d.inputs_of(nid).items():
            steps.append(Edit("connect", (mapping[s], mapping[nid], port)))
    outputs = [mapping[o] for o in d.outputs()]
    if make_output and outputs:
        steps.append(Edit("set_output", (outputs[0],)))
    return DerivativePlan(steps, [mapping[i] for i in added], outputs,
                          str(d.meta.get("title", "derivative")))


def _map_into(src: Document, d: Document) -> tuple[dict[str, str], list[str]]:
    """Each node of the derivative `d` → a node of `src`: its variable of the same name, the
    forward node it recomputes, or a new id; and the nodes of `d` that are new."""
    existing: dict[tuple[Any, ...], str] = {}
    for nid in src.topo_order():
        n = src.node(nid)
        if n.op not in ("variable", "constant", "output"):
            existing.setdefault(_key(n.op, n.params, src.inputs_of(nid)), nid)
    mapping: dict[str, str] = {}
    added: list[str] = []
    taken: set[str] = set()
    for nid in d.topo_order():
        n = d.node(nid)
        if n.op == "variable":
            same = src.by_name(n.name)
            if same is None or same.op != "variable":  # differentiate keeps their names
                raise GraphError(f"the derivative's variable {n.name} is not in the graph")
            mapping[nid] = same.id
            continue
        ins = {p: mapping[s] for p, s in d.inputs_of(nid).items()}
        hit = existing.get(_key(n.op, n.params, ins)) \
            if n.op not in ("constant", "output") else None
        if hit is not None:
            mapping[nid] = hit
            continue
        mapping[nid] = new = src.new_id()
        while new in taken:
            mapping[nid] = new = src.new_id()
        taken.add(new)
        added.append(nid)
    return mapping, added


def _add_node_steps(src: Document, d: Document, mapping: dict[str, str], added: list[str],
                    gap: float) -> list[Edit]:
    """An add_node step per new node: named as in `d` (without its number, unique in
    `src`), placed as `d` lays it out, shifted to `gap` below the graph."""
    names: set[str] = set()

    def fresh_name(base: str) -> str:
        cand, i = base, 0
        while cand in names or cand != src.unique_name(cand):
            i += 1
            cand = f"{base}{i}"
        names.add(cand)
        return cand

    ys = [n.pos[1] for n in src]
    xs = [n.pos[0] for n in src]
    top = (max(ys) + gap) if ys else 0.0
    dx_min = min((d.node(i).pos[0] for i in added), default=0.0)
    dy_min = min((d.node(i).pos[1] for i in added), default=0.0)
    left = min(xs) if xs else 0.0
    steps: list[Edit] = []
    for nid in added:
        n = d.node(nid)
        base = n.name if n.op == "output" else re.sub(r"\d+$", "", n.name) or n.op
        kw: dict[str, Any] = {"op": n.op, "name": fresh_name(base), "node_id": mapping[nid],
                              "pos": (n.pos[0] - dx_min + left, n.pos[1] - dy_min + top)}
        if n.params:
            kw["params"] = dict(n.params)
        if n.value is not None:
            kw["value"] = np.array(n.value, copy=True)
        steps.append(Edit("add_node", (), kw))
    return steps
