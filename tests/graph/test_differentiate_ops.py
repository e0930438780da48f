"""Differentiate, op by op: for every catalog op (hidden ones included) the derivative
document computes what the engine's autograd.grad(create_graph=True) computes, and
differentiating that document again gives the engine's second derivatives.

Each case is one op node fed by float64 variables (and constants where an input is not
differentiable: class indices, conditions); a non-scalar output gets a random gradient
argument, as backward needs one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import core
from core.graph import OPS, Document
from core.graph.differentiate import _derivative_name
from core.graph.document import GraphError
from core.graph.evaluate import Evaluator
from core.graph.export import to_core, to_pytorch
from core.graph.serialize import dumps, loads

ROOT = Path(__file__).resolve().parents[2]
_rng = np.random.default_rng(7)


def _r(*shape: int, lo: float = -2.0, hi: float = 2.0) -> np.ndarray:
    return _rng.uniform(lo, hi, size=shape)


def _pos(*shape: int) -> np.ndarray:
    return _r(*shape, lo=0.5, hi=2.0)


def V(arr: Any) -> tuple[np.ndarray, str]:  # noqa: N802 - reads as a marker in the table
    """A float64 variable that requires grad."""
    return np.asarray(arr, dtype=np.float64), "var"


def C(arr: Any) -> tuple[np.ndarray, str]:  # noqa: N802
    """A constant (its dtype kept: int64 class indices, bool conditions)."""
    return np.asarray(arr), "const"


_M, _M2, _V3, _S = _r(3, 2), _r(3, 2), _r(3), _r()
# (case id, op, {port: input}, params)
CASES: list[tuple[str, str, dict[str, tuple[np.ndarray, str]], dict[str, Any]]] = []


def case(cid: str, op: str, ins: dict[str, tuple[np.ndarray, str]], **params: Any) -> None:
    CASES.append((cid, op, ins, params))


for _op in ("add", "sub", "mul", "div"):
    _b = _pos  # keep divisors away from zero
    case(f"{_op}-mm", _op, {"a": V(_r(3, 2)), "b": V(_b(3, 2))})
    case(f"{_op}-mv", _op, {"a": V(_r(3, 2)), "b": V(_b(2))})
    case(f"{_op}-sv", _op, {"a": V(_r()), "b": V(_b(3))})
    case(f"{_op}-ss", _op, {"a": V(_r()), "b": V(_b())})
    case(f"{_op}-const", _op, {"a": V(_r(2, 2)), "b": C(_b(2))})
case("neg", "neg", {"x": V(_M)})
for _u in ("exp", "sin", "cos", "tanh", "sigmoid", "abs", "relu", "sign", "tan"):
    case(f"{_u}-m", _u, {"x": V(_r(3, 2) if _u != "tan" else _r(3, 2, lo=-1, hi=1))})
    case(f"{_u}-s", _u, {"x": V(_r() if _u != "tan" else _r(lo=-1, hi=1))})
for _u in ("log", "sqrt"):
    case(f"{_u}-m", _u, {"x": V(_pos(3, 2))})
    case(f"{_u}-s", _u, {"x": V(_pos())})
for _e in (3.0, 2.0, 0.5, 1.0, 0.0, -1.5):
    case(f"pow-{_e}", "pow", {"base": V(_pos(3))}, exponent=_e)
case("pow-tensor", "pow", {"base": V(_pos(3, 2)), "exponent": V(_r(2))})
case("pow-tensor-s", "pow", {"base": V(_pos()), "exponent": V(_r())})
case("pow-const-base", "pow", {"base": C(_pos(3)), "exponent": V(_r(3))})
for _op in ("maximum", "minimum"):
    case(f"{_op}-mv", _op, {"a": V(_r(3, 2)), "b": V(_r(2))})
    case(f"{_op}-ss", _op, {"a": V(_r()), "b": V(_r())})
for _op in ("softmax", "log_softmax"):
    for _d in (0, 1, -1):
        case(f"{_op}-m{_d}", _op, {"x": V(_r(3, 2))}, dim=_d)
    case(f"{_op}-v", _op, {"x": V(_r(4))}, dim=0)
    case(f"{_op}-3d", _op, {"x": V(_r(2, 3, 2))}, dim=1)
    case(f"{_op}-s", _op, {"x": V(_r())}, dim=-1)
case("detach", "detach", {"x": V(_M)})
for _op in ("sum", "mean", "prod"):
    case(f"{_op}-all", _op, {"x": V(_r(3, 2))})
    case(f"{_op}-s", _op, {"x": V(_r())})
    case(f"{_op}-s-dim0", _op, {"x": V(_r())}, dim=0, keepdim=False)
    for _d in (0, 1, -1):
        for _k in (False, True):
            case(f"{_op}-d{_d}-k{int(_k)}", _op, {"x": V(_r(3, 2))}, dim=_d, keepdim=_k)
    case(f"{_op}-3d", _op, {"x": V(_r(2, 3, 2))}, dim=1, keepdim=False)
case("prod-zero", "prod", {"x": V([[0.0, 2.0], [1.5, -1.0], [0.0, 0.0]])}, dim=1)
case("prod-zero-all", "prod", {"x": V([0.5, 0.0, 2.0])})
case("dot", "dot", {"a": V(_r(3)), "b": V(_r(3))})
case("matmul-mm", "matmul", {"a": V(_r(3, 2)), "b": V(_r(2, 4))})
case("matmul-mv", "matmul", {"a": V(_r(3, 2)), "b": V(_r(2))})
case("matmul-vm", "matmul", {"a": V(_r(3)), "b": V(_r(3, 2))})
case("matmul-vv", "matmul", {"a": V(_r(3)), "b": V(_r(3))})
case("matmul-batched", "matmul", {"a": V(_r(2, 3, 2)), "b": V(_r(2, 4))})
case("transpose", "transpose", {"x": V(_r(3, 2))})
case("transpose-3d", "transpose", {"x": V(_r(2, 3, 4))}, dim0=0, dim1=2)
case("reshape", "reshape", {"x": V(_r(3, 2))}, shape=(2, 3))
case("reshape-flat", "reshape", {"x": V(_r(3, 2))}, shape=(-1,))
case("reshape-s", "reshape", {"x": V(_r())}, shape=(1, 1))
for _i, _idx in enumerate([(0,), (":", 1), ("1:",), ("None", ":"), ("...", 0), ("::2",),
                           (-1, -1), ((0, 2, 2),), ((0, 2), (1, 0)), (":", (1, 1, 0))]):
    case(f"index-{_i}", "index", {"x": V(_r(3, 2))}, index=_idx)
case("stack-0", "stack", {"xs.0": V(_r(3)), "xs.1": V(_r(3)), "xs.2": V(_r(3))}, dim=0)
case("stack-1", "stack", {"xs.0": V(_r(3, 2)), "xs.1": V(_r(3, 2))}, dim=1)
case("stack-s", "stack", {"xs.0": V(_r()), "xs.1": V(_r())}, dim=0)
case("cat-0", "cat", {"xs.0": V(_r(3, 2)), "xs.1": V(_r(1, 2))}, dim=0)
case("cat-1", "cat", {"xs.0": V(_r(3, 2)), "xs.1": V(_r(3, 1)), "xs.2": V(_r(3, 2))}, dim=-1)
for _red in ("mean", "sum", "none"):
    case(f"mse-{_red}", "mse_loss", {"input": V(_r(3, 2)), "target": V(_r(3, 2))},
         reduction=_red)
    case(f"mse-const-{_red}", "mse_loss", {"input": V(_r(3)), "target": C(_r(3))},
         reduction=_red)
    case(f"ce-idx-{_red}", "cross_entropy", {"input": V(_r(4, 3)), "target": C([2, 0, 1, 2])},
         reduction=_red)
    case(f"ce-prob-{_red}", "cross_entropy",
         {"input": V(_r(4, 3)), "target": V(_pos(4, 3) / 5)}, reduction=_red)
    case(f"ce-3d-{_red}", "cross_entropy",
         {"input": V(_r(2, 3, 2)), "target": C([[0, 2], [1, 1]])}, reduction=_red)
    case(f"nll-{_red}", "nll_loss", {"input": V(_r(4, 3)), "target": C([2, 0, 1, 2])},
         reduction=_red)
case("ce-unbatched", "cross_entropy", {"input": V(_r(3)), "target": C(1)})
case("nll-unbatched", "nll_loss", {"input": V(_r(3)), "target": C(1)})
case("expand", "expand", {"x": V(_r(1, 2))}, shape=(3, 2))
case("expand-new", "expand", {"x": V(_r(2))}, shape=(3, 2))
case("expand-s", "expand", {"x": V(_r())}, shape=(2, 2))
case("sum_to", "sum_to", {"x": V(_r(3, 2))}, shape=(1, 2))
case("sum_to-col", "sum_to", {"x": V(_r(3, 2))}, shape=(3, 1))
case("to_dtype-64", "to_dtype", {"x": V(_r(3))}, dtype="float64")
case("to_dtype-32", "to_dtype", {"x": V(_r(3))}, dtype="float32")
case("where", "where", {"condition": C(_r(3, 2) > 0), "a": V(_r(3, 2)), "b": V(_r(2))})
case("unindex", "unindex", {"x": V(_r(3))}, index=(":", 1), shape=(3, 2))
case("unindex-array", "unindex", {"x": V(_r(3))}, index=((0, 2, 0),), shape=(4,))
case("tanh_backward", "tanh_backward", {"grad": V(_r(3)), "y": V(_r(3, lo=-0.9, hi=0.9))})
case("sigmoid_backward", "sigmoid_backward", {"grad": V(_r(3)), "y": V(_r(3, lo=0.1, hi=0.9))})
case("addmm", "addmm", {"bias": V(_r(4)), "a": V(_r(3, 2)), "b": V(_r(2, 4))})
case("addmm-full-bias", "addmm", {"bias": V(_r(3, 4)), "a": V(_r(3, 2)), "b": V(_r(2, 4))})
case("output", "output", {"value": V(_r(3))})
for _op in ("softmax_backward_data", "log_softmax_backward_data"):
    for _d in (0, -1):
        case(f"{_op}-{_d}", _op, {"grad": V(_r(3, 2)), "y": V(_r(3, 2, lo=-1.5, hi=-0.1))},
             dim=_d)
case("softplus_backward", "softplus_backward", {"grad": V(_r(5)), "x": V(_r(5) * 3)},
     beta=1.5, threshold=2.0)
case("threshold_backward", "threshold_backward", {"grad": V(_r(5)), "y": V(_r(5))},
     threshold=0.2)
case("permute", "permute", {"x": V(_r(2, 3, 4))}, dims=(2, 0, 1))
case("permute-swap", "permute", {"x": V(_r(3, 2))}, dims=(1, 0))
case("clamp", "clamp", {"x": V(_r(5))}, min=-0.5, max=0.7)
case("clamp-min", "clamp", {"x": V(_r(5))}, min=0.1)
case("clamp-max", "clamp", {"x": V(_r(5))}, max=0.1)
case("softplus", "softplus", {"x": V(_r(5))})
case("softplus-beta", "softplus", {"x": V(_r(5) * 4)}, beta=2.0, threshold=3.0)
case("index_put", "index_put", {"x": V(_r(3, 2)), "value": V(_r(2))}, index=(1,))
case("index_put-array", "index_put", {"x": V(_r(4)), "value": V(_r(2))}, index=((3, 0),))
case("index_put-bcast", "index_put", {"x": V(_r(3, 2)), "value": V(_r())}, index=(":", 0))
for _d in ((), (0,), (1,), (0, 1)):
    for _k in (False, True):
        case(f"amax-{_d}-k{int(_k)}", "amax", {"x": V(_r(3, 2))}, dim=_d, keepdim=_k)
        case(f"amin-{_d}-k{int(_k)}", "amin", {"x": V(_r(3, 2))}, dim=_d, keepdim=_k)
        case(f"norm-{_d}-k{int(_k)}", "norm", {"x": V(_r(3, 2))}, dim=_d, keepdim=_k)
        for _op in ("var", "std"):
            case(f"{_op}-{_d}-k{int(_k)}", _op, {"x": V(_r(3, 2))}, dim=_d, keepdim=_k)
for _p in (1.0, 3.0, 0.5):
    case(f"norm-p{_p}", "norm", {"x": V(_r(3, 2))}, p=_p, dim=(1,))
for _op in ("var", "std"):
    case(f"{_op}-corr0", _op, {"x": V(_r(4))}, correction=0)
case("amax-s", "amax", {"x": V(_r())})
for _d in (0, 1, -1):
    for _k in (False, True):
        case(f"max_dim-{_d}-k{int(_k)}", "max_dim", {"x": V(_r(3, 2))}, dim=_d, keepdim=_k)
        case(f"min_dim-{_d}-k{int(_k)}", "min_dim", {"x": V(_r(3, 2))}, dim=_d, keepdim=_k)


def test_every_catalog_op_has_a_case():
    assert {op for _, op, _, _ in CASES} == {n for n, s in OPS.items() if not s.has_value}


def _build(op: str, ins: dict[str, tuple[np.ndarray, str]], params: dict[str, Any],
           squared: bool) -> tuple[Document, dict[str, str]]:
    doc = Document()
    f = doc.add_node(op, name="f", params=params)
    if squared:  # s = sum(f * f): f's rule then runs on a gradient that needs grad itself
        sq = doc.add_node("mul", name="sq")
        doc.connect(f, sq, "a")
        doc.connect(f, sq, "b")
        doc.connect(sq, doc.add_node("sum", name="s"), "x")
    ids: dict[str, str] = {}
    for port, (arr, kind) in ins.items():
        name = "v_" + port.replace(".", "_")
        if kind == "var":
            nid = doc.add_node("variable", name=name, value=arr, dtype="float64",
                               requires_grad=True)
        else:
            nid = doc.add_node("constant", name=name, value=arr,
                               dtype=str(arr.dtype) if arr.dtype != np.bool_ else "bool")
        doc.connect(nid, f, port)
        ids[port] = nid
    return doc, ids


def _engine_call(op: str, ins: dict[str, tuple[np.ndarray, str]], params: dict[str, Any],
                 squared: bool) -> tuple[Any, dict[str, Any]]:
    """The op on fresh engine leaves: (output, {port: leaf requiring grad})."""
    leaves: dict[str, Any] = {}
    args: dict[str, Any] = {}
    for port, (arr, kind) in ins.items():
        t = core.from_numpy(np.array(arr, copy=True))
        if kind == "var":
            t.requires_grad_(True)
            leaves[port] = t
        base, _, i = port.partition(".")
        if i:
            args.setdefault(base, []).append(t)
        else:
            args[port] = t
    for p in OPS[op].inputs:
        args.setdefault(p.name, None)
    y = OPS[op].call(args, params, core)
    return (core.sum(y * y) if squared else y), leaves


def _np(t: Any, like: np.ndarray) -> np.ndarray:
    return np.zeros_like(like) if t is None else np.array(t.detach().numpy())


def _close(got: Any, want: Any, tol: float) -> None:
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64),
                               np.asarray(want, dtype=np.float64), rtol=tol, atol=tol)


def _derivatives(cid: str, squared: bool) -> tuple[Document | None, dict[str, Any]]:
    """The first derivative document of case `cid` (of f, or of sum(f²)), checked against
    the engine."""
    _, op, ins, params = next(c for c in CASES if c[0] == cid)
    doc, ids = _build(op, ins, params, squared)
    y, leaves = _engine_call(op, ins, params, squared)
    gy = None if y.numel() == 1 else _r(*y.shape)
    top = doc.by_name("s" if squared else "f").id
    if gy is not None:
        doc.set_output(top, gradient=gy)
    else:
        doc.set_output(top)
    ports = list(leaves)
    if not y.requires_grad:  # detach: no derivative to show, and Differentiate says so
        with pytest.raises(GraphError, match="does not require grad"):
            Evaluator(doc).differentiate(wrt=[ids[p] for p in ports])
        return None, {}
    go = None if gy is None else [core.from_numpy(gy.astype(_np(y, gy).dtype))]
    g1 = core.autograd.grad([y], [leaves[p] for p in ports], grad_outputs=go,
                            create_graph=True, allow_unused=True)
    d1 = Evaluator(doc).differentiate(wrt=[ids[p] for p in ports])
    top_name = doc.node(top).name
    assert d1.meta["title"].startswith(f"∂{top_name}/∂")
    d1 = loads(dumps(d1))  # an ordinary document: saves and loads
    tol = 1e-5 if params.get("dtype") == "float32" else 1e-9
    ev1 = Evaluator(d1)
    for p, g in zip(ports, g1):
        name = "v_" + p.replace(".", "_")
        out = d1.by_name(f"d{top_name}_d{name}")
        assert out is not None and out.op == "output"
        _close(ev1.value(out.id), _np(g, ins[p][0]), tol)
    return d1, {"ports": ports, "g1": g1, "leaves": leaves, "ins": ins, "tol": tol,
                "top": top_name}


@pytest.mark.parametrize("squared", [False, True], ids=["f", "sumsq"])
@pytest.mark.parametrize("cid", [c[0] for c in CASES])
def test_first_and_second_derivative(cid, squared):
    d1, r = _derivatives(cid, squared)
    if d1 is None:
        return
    ports, g1, leaves, ins, tol = r["ports"], r["g1"], r["leaves"], r["ins"], r["tol"]
    ev1 = Evaluator(d1)
    names = {p: "v_" + p.replace(".", "_") for p in ports}
    for p, g in zip(ports, g1):
        out = d1.by_name(f"d{r['top']}_d{names[p]}")
        # second derivatives: grad of <∂f/∂p, w> with respect to every variable
        w = _r(*ins[p][0].shape)
        if g is None or not g.requires_grad:
            want = [None] * len(ports)
        else:
            want = list(core.autograd.grad(
                [g], [leaves[q] for q in ports],
                grad_outputs=[core.from_numpy(w.astype(_np(g, w).dtype))],
                retain_graph=True, allow_unused=True))
        present = [q for q in ports if d1.by_name(names[q]) is not None
                   and d1.by_name(names[q]).id in d1.ancestors(out.id)]
        if not present:
            for q, h in zip(ports, want):
                _close(_np(h, ins[q][0]), np.zeros_like(ins[q][0]), tol)
            continue
        try:
            d2 = ev1.differentiate(output=out.id, wrt=[d1.by_name(names[q]).id
                                                       for q in present],
                                   gradient=None if w.ndim == 0 else w)
        except GraphError as e:
            if "nothing to differentiate" in str(e):
                continue
            raise
        # a scalar output is differentiated with gradient 1: scale by w to compare
        scale = float(w) if w.ndim == 0 else 1.0
        d2 = loads(dumps(d2))
        ev2 = Evaluator(d2)
        for q, h in zip(ports, want):
            o2 = d2.by_name(_derivative_name(out.name, names[q]))  # d2s_dv_a2 for ds_dv_a
            if q not in present:
                _close(_np(h, ins[q][0]), np.zeros_like(ins[q][0]), tol)
                continue
            assert o2 is not None
            _close(ev2.value(o2.id) * scale, _np(h, ins[q][0]), tol)


def _run(source: str, tmp_path: Path, name: str) -> str:
    p = tmp_path / name
    p.write_text(source)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, str(p)], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


@pytest.mark.parametrize("cid", ["ce-idx-mean", "ce-3d-none", "prod-zero", "std-(0,)-k1",
                                 "index-8", "index_put-array"])
def test_derivative_documents_export_identically(cid, tmp_path):
    """The derivative documents (with their array indices, helpers and new hidden ops)
    export to PyTorch and core scripts that print the same values."""
    pytest.importorskip("torch")
    d1, _ = _derivatives(cid, True)
    assert d1 is not None
    t = _run(to_pytorch(d1), tmp_path, "t.py")
    c = _run(to_core(d1), tmp_path, "c.py")
    assert t == c


def _engine_graphs() -> dict[str, Any]:
    """Engine results, built directly, for ops the catalog cases do not record in a
    derivative graph (nll_loss itself, reciprocal, rpow, x[i] = v, several-dim sums...)."""
    x = core.from_numpy(_r(3, 2)).requires_grad_(True)
    p = core.from_numpy(_pos(3, 2)).requires_grad_(True)
    tgt = core.from_numpy(np.array([1, 0, 1]))
    y = x.clone()
    y[1] = p[0]
    return {
        "nll": core.ops.nll_loss_plain(core.log_softmax(x, 1), tgt, "sum"),
        "reciprocal": 1 / p, "rpow": 2.0 ** x, "index_put": y,
        "sum2": core.sum(x.reshape(3, 2, 1) * p.reshape(3, 1, 2), dim=(0, 2)),
        "mean2": core.mean(x * p, dim=(0, 1), keepdim=True),
        "min_dim": core.min(x, 1).values, "amax": x.amax(dim=(0, 1)), "max": x.max(),
        "min": x.min(), "amin": core.amin(x, dim=0, keepdim=True),
        "var2": x.var(dim=(0, 1)), "perm": x.reshape(1, 3, 2).permute(2, 0, 1),
        "bool_index": x[x.detach() > 0], "clamp": core.clamp(x, min=-0.5),
        "prod_dim": core.prod(p, 0), "norm_inf": core.norm(x, p=float("inf"), dim=1),
    }


@pytest.mark.parametrize("name", sorted(_engine_graphs()))
def test_engine_ops_turn_back_into_nodes(name):
    from core.graph.differentiate import _Builder

    t = _engine_graphs()[name]
    b = _Builder(Document(), {})
    nid = b.tensor(t)
    out = b.doc.add_node("output", name="out")
    b.doc.connect(nid, out, "value")
    if name != "norm_inf":  # p = inf is not a JSON number
        b.doc = loads(dumps(b.doc))
    _close(Evaluator(b.doc).value(out), t.detach().numpy(), 1e-12)
