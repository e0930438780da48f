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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from core.graph.catalog import index_from_key
from core.graph.document import Document, GraphError
from core.graph.layout import apply_layout, layered_layout
from core.graph.values import dtype_name

if TYPE_CHECKING:
    from core.graph.evaluate import Evaluator

_SAME = {"add", "sub", "mul", "div", "neg", "exp", "log", "sqrt", "abs", "sin", "cos",
         "tanh", "sigmoid", "relu", "maximum", "matmul", "softmax", "log_softmax"}
_UNARY = {"neg", "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu",
          "softmax", "log_softmax"}
_FIXED_PORTS = {"tanh_backward": ["grad", "y"], "sigmoid_backward": ["grad", "y"],
                "addmm": ["bias", "a", "b"]}


class _Builder:
    def __init__(self, src: Document, variables: dict[int, str]) -> None:
        self.src = src
        self.doc = Document()
        self.var_ids = variables  # id(tensor) -> node id in the new document
        self.memo: dict[int, str] = {}  # id(engine node or constant tensor) -> node id
        self.forward_names: dict[int, str] = {}  # id(grad_fn) -> source node name

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
        nid = self.doc.add_node("constant", name=self.doc.unique_name("c"), value=arr,
                                dtype=dtype_name(arr))
        self.memo[id(t)] = nid
        return nid

    def engine_node(self, g: Any, out: Any) -> str:
        if id(g) in self.memo:
            return self.memo[id(g)]
        op = getattr(getattr(g, "op", None), "name", None)
        inputs = getattr(g, "inputs", None)
        params = dict(getattr(g, "params", None) or {})
        if op is None or inputs is None or not all(hasattr(t, "grad_fn") for t in inputs):
            raise GraphError(f"cannot turn {g.name()} back into a node (its saved inputs "
                             "are gone or unknown to this version of the engine)")
        if op == "clone":
            nid = self.tensor(inputs[0])
            self.memo[id(g)] = nid
            return nid
        kind, dparams, ports, const_ins = self._translate(op, g, params, inputs, out)
        base = self.forward_names.get(id(g)) or kind
        nid = self.doc.add_node(kind, name=self.doc.unique_name(base), params=dparams)
        self.memo[id(g)] = nid
        for port, t in zip(ports, inputs):
            if port is not None:
                self.doc.connect(self.tensor(t), nid, port)
        for port, value in const_ins:
            c = self.doc.add_node("constant", name=self.doc.unique_name("c"), value=value)
            self.doc.connect(c, nid, port)
        return nid

    def _translate(self, op: str, g: Any, p: dict[str, Any], ins: Sequence[Any], out: Any
                   ) -> tuple[str, dict[str, Any], list[str | None], list[tuple[str, Any]]]:
        """(catalog op, its params, a port per engine input, extra constant inputs)."""
        n = len(ins)
        if op in _FIXED_PORTS:
            return op, {}, _FIXED_PORTS[op], []
        if op == "mse_loss":
            return op, {"reduction": p.get("reduction", "mean")}, ["input", "target"], []
        if op in _SAME:
            if op in ("softmax", "log_softmax"):
                if p.get("dim") is None:
                    raise GraphError(f"cannot show {op} of a scalar")
                return op, {"dim": p["dim"]}, ["x"], []
            return op, {}, (["x"] if op in _UNARY else ["a", "b"][:n]), []
        if op == "pow_scalar":
            return "pow", {"exponent": float(p["p"])}, ["base"], []
        if op == "pow":
            return "pow", {}, ["base", "exponent"], []
        if op == "rpow":
            base = np.asarray(p["base"], dtype=ins[0].detach().numpy().dtype)
            return "pow", {}, ["exponent"], [("base", base)]
        if op in ("sum", "mean"):
            axes = p.get("axes")
            if axes is None:
                return op, {}, ["x"], []
            if len(axes) != 1:
                raise GraphError(f"cannot show a {op} over several dims {axes}")
            keep = len(out.shape) == len(ins[0].shape)
            return op, {"dim": int(axes[0]), "keepdim": keep}, ["x"], []
        if op in ("reshape", "squeeze", "unsqueeze"):
            return "reshape", {"shape": tuple(int(s) for s in out.shape)}, ["x"], []
        if op == "transpose":
            return "transpose", {"dim0": int(p["d0"]), "dim1": int(p["d1"])}, ["x"], []
        if op == "permute":  # x.T is recorded as a permute; a swap of two dims is transpose
            dims = [int(d) for d in p["dims"]]
            moved = [i for i, d in enumerate(dims) if d != i]
            if len(moved) == 2 and dims[moved[0]] == moved[1]:
                return "transpose", {"dim0": moved[0], "dim1": moved[1]}, ["x"], []
            if not moved:
                return "reshape", {"shape": tuple(int(s) for s in out.shape)}, ["x"], []
            raise GraphError(f"cannot show a permute of dims {tuple(dims)} as a node yet")
        if op == "getitem":
            idx = index_from_key(p.get("key"))
            if idx is None:
                raise GraphError("cannot show an index by a tensor or list")
            return "index", {"index": idx}, ["x"], []
        if op == "index_add_zeros":
            idx = index_from_key(p.get("key"))
            if idx is None:
                raise GraphError("cannot show the gradient of an index by a tensor or list")
            return "unindex", {"index": idx, "shape": tuple(p["shape"])}, ["x"], []
        if op in ("expand", "sum_to"):
            return op, {"shape": tuple(int(s) for s in p["shape"])}, ["x"], []
        if op == "to_dtype":
            return "to_dtype", {"dtype": dtype_name(np.empty(0, p["dtype"].np))}, ["x"], []
        if op == "where":
            return "where", {}, ["condition", "a", "b"], []
        if op == "stack":
            return "stack", {"dim": int(p["dim"])}, [f"xs.{i}" for i in range(n)], []
        raise GraphError(f"cannot show {g.name()} ({op}) as a node yet")


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
    if wrt is None:
        wrt_ids = [n.id for n in src if n.op == "variable" and n.requires_grad
                   and n.id in relevant]
    else:
        wrt_ids = [wrt] if isinstance(wrt, str) else list(wrt)
    if not wrt_ids:
        raise GraphError("nothing to differentiate with respect to: tick requires_grad on a "
                         "variable the output depends on")
    for w in wrt_ids:
        if src.node(w).op != "variable":
            raise GraphError(f"{src.node(w).name} is not a variable")
    lib = ev.lib
    # fresh leaves for every variable, so the derivative graph is built from scratch
    var_nodes = [n for n in src if n.op == "variable" and n.id in relevant | {out}]
    leaves: dict[str, Any] = {}
    for n in var_nodes:
        t = lib.from_numpy(np.array(n.value, copy=True))
        if n.requires_grad or n.id in wrt_ids:
            t.requires_grad_(True)
        leaves[n.id] = t
    env: dict[str, Any] = {}
    f = ev.function(out, list(leaves), env=env)
    y = f(*leaves.values())
    if gradient is None and out == src.output:
        gradient = src.output_gradient
    go = None if gradient is None else [lib.from_numpy(
        np.array(gradient, dtype=y.detach().numpy().dtype))]
    try:
        grads = lib.autograd.grad([y], [leaves[w] for w in wrt_ids], grad_outputs=go,
                                  create_graph=True, allow_unused=True)
    except Exception as e:
        raise GraphError(str(e)) from None

    b = _Builder(src, {})
    new_ids: dict[str, str] = {}
    for n in var_nodes:
        nid = b.doc.add_node("variable", name=n.name, value=n.value,
                             requires_grad=bool(leaves[n.id].requires_grad))
        new_ids[n.id] = nid
        b.var_ids[id(leaves[n.id])] = nid
    for nid, t in env.items():  # engine nodes that recompute a source node keep its name
        if t.grad_fn is not None and src.node(nid).op != "output":
            b.forward_names.setdefault(id(t.grad_fn), src.node(nid).name)
    out_name = src.node(out).name
    outputs = []
    for w, g in zip(wrt_ids, grads):
        if g is None:
            zero = np.zeros_like(src.node(w).value)
            gid = b.doc.add_node("constant", name=b.doc.unique_name("zero"), value=zero)
        else:
            gid = b.tensor(g)
        oid = b.doc.add_node("output", name=b.doc.unique_name(f"d{out_name}_d{src.node(w).name}"))
        b.doc.connect(gid, oid, "value")
        outputs.append(oid)
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


__all__ = ["differentiate"]
