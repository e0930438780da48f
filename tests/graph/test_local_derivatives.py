"""Every local derivative the catalog teaches, checked against the engine.

The stepper shows, per input wire, the catalog's local derivative for that port and says
"upstream × local = sent". Here each text has its formula written out in numpy, keyed by
the op and the exact text: run on random inputs, upstream × local (reduced to the input's
shape, as broadcasting does) must equal the gradient the engine sends. Editing a text
without its formula fails `test_every_text_has_its_formula`; a formula that does not
match the engine fails `test_local_times_upstream_is_what_the_engine_sends`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import core
from core.graph import OPS
from core.graph.catalog import index_key

F = Callable[..., Any]  # (G, y, X, p, i) -> the gradient sent to the port (None: none)
NONE = None


def _jvp_rows(G: np.ndarray, J: np.ndarray) -> np.ndarray:
    """Σᵢ Gᵢ Jᵢⱼ for each row (J[n, i, j] = ∂outᵢ/∂inⱼ)."""
    return np.einsum("ni,nij->nj", G, J)


def _softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _delta(k: int) -> np.ndarray:
    return np.eye(k)[None]


def _onehot(t: np.ndarray, k: int) -> np.ndarray:
    return np.eye(k)[t]


def _n(p: dict[str, Any], rows: int) -> int:
    return rows if p.get("reduction", "mean") == "mean" else 1


def _at(G: np.ndarray, shape: tuple[int, ...], index: Any) -> np.ndarray:
    z = np.zeros(shape)
    np.add.at(z, index_key(index), G)
    return z


def _first_extreme(x: np.ndarray, dim: int, fn: Callable[..., Any]) -> np.ndarray:
    hot = np.zeros_like(x)
    np.put_along_axis(hot, np.expand_dims(fn(x, axis=dim), dim), 1.0, axis=dim)
    return hot


def _others_product(x: np.ndarray) -> np.ndarray:
    flat = x.ravel()
    return np.array([np.prod(np.delete(flat, i)) for i in range(flat.size)]).reshape(x.shape)


def _cat_slice(G: np.ndarray, X: dict[str, Any], p: dict[str, Any], i: int) -> np.ndarray:
    sizes = [x.shape[p["dim"]] for x in X["xs"]]
    return np.split(G, np.cumsum(sizes)[:-1], axis=p["dim"])[i]


# (op, text) -> formula of (G, y, X, p, i): G the upstream gradient, y the output, X the
# inputs by port (a variadic port's as a list), p the params, i the variadic index.
LOCAL: dict[tuple[str, str], F] = {
    ("add", "∂(a+b)/∂a = 1"): lambda G, y, X, p, i: G * 1,
    ("add", "∂(a+b)/∂b = 1"): lambda G, y, X, p, i: G * 1,
    ("sub", "∂(a−b)/∂a = 1"): lambda G, y, X, p, i: G * 1,
    ("sub", "∂(a−b)/∂b = −1"): lambda G, y, X, p, i: G * -1,
    ("mul", "∂(a·b)/∂a = b"): lambda G, y, X, p, i: G * X["b"],
    ("mul", "∂(a·b)/∂b = a"): lambda G, y, X, p, i: G * X["a"],
    ("div", "∂(a/b)/∂a = 1/b"): lambda G, y, X, p, i: G / X["b"],
    ("div", "∂(a/b)/∂b = −a/b²"): lambda G, y, X, p, i: G * -X["a"] / X["b"] ** 2,
    ("neg", "∂(−x)/∂x = −1"): lambda G, y, X, p, i: -G,
    ("pow", "∂(aⁿ)/∂a = n·aⁿ⁻¹"):
        lambda G, y, X, p, i: G * X["exponent"] * X["base"] ** (X["exponent"] - 1),
    ("pow", "∂(aⁿ)/∂n = aⁿ·log a"):
        lambda G, y, X, p, i: G * X["base"] ** X["exponent"] * np.log(X["base"]),
    ("exp", "∂eˣ/∂x = eˣ"): lambda G, y, X, p, i: G * np.exp(X["x"]),
    ("log", "∂log x/∂x = 1/x"): lambda G, y, X, p, i: G / X["x"],
    ("sqrt", "∂√x/∂x = 1/(2√x)"): lambda G, y, X, p, i: G / (2 * np.sqrt(X["x"])),
    ("abs", "∂|x|/∂x = sign(x)"): lambda G, y, X, p, i: G * np.sign(X["x"]),
    ("sin", "∂sin x/∂x = cos x"): lambda G, y, X, p, i: G * np.cos(X["x"]),
    ("cos", "∂cos x/∂x = −sin x"): lambda G, y, X, p, i: G * -np.sin(X["x"]),
    ("tanh", "∂tanh x/∂x = 1 − tanh²x"): lambda G, y, X, p, i: G * (1 - np.tanh(X["x"]) ** 2),
    ("sigmoid", "∂σ(x)/∂x = σ(x)(1 − σ(x))"):
        lambda G, y, X, p, i: G * _sigmoid(X["x"]) * (1 - _sigmoid(X["x"])),
    ("relu", "∂relu(x)/∂x = 1 if x > 0 else 0"): lambda G, y, X, p, i: G * (X["x"] > 0),
    ("maximum", "∂max(a,b)/∂a = 1 where a > b (½ where equal)"):
        lambda G, y, X, p, i: G * np.where(X["a"] > X["b"], 1, np.where(X["a"] == X["b"], .5, 0)),
    ("maximum", "∂max(a,b)/∂b = 1 where b > a (½ where equal)"):
        lambda G, y, X, p, i: G * np.where(X["b"] > X["a"], 1, np.where(X["a"] == X["b"], .5, 0)),
    ("minimum", "∂min(a,b)/∂a = 1 where a < b (½ where equal)"):
        lambda G, y, X, p, i: G * np.where(X["a"] < X["b"], 1, np.where(X["a"] == X["b"], .5, 0)),
    ("minimum", "∂min(a,b)/∂b = 1 where b < a (½ where equal)"):
        lambda G, y, X, p, i: G * np.where(X["b"] < X["a"], 1, np.where(X["a"] == X["b"], .5, 0)),
    ("softmax", "∂sᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ)"): lambda G, y, X, p, i: _jvp_rows(
        G, y[:, :, None] * (_delta(y.shape[1]) - y[:, None, :])),
    ("log_softmax", "∂(log sᵢ)/∂xⱼ = δᵢⱼ − sⱼ"): lambda G, y, X, p, i: _jvp_rows(
        G, _delta(y.shape[1]) - np.exp(y)[:, None, :]),
    ("detach", "∂detach(x)/∂x = 0 (by decree)"): lambda G, y, X, p, i: 0 * X["x"],
    ("sum", "∂(Σx)/∂xᵢ = 1"): lambda G, y, X, p, i: G * np.ones_like(X["x"]),
    ("mean", "∂mean(x)/∂xᵢ = 1/n"): lambda G, y, X, p, i: G * np.ones_like(X["x"]) / X["x"].size,
    ("dot", "∂(a·b)/∂a = b"): lambda G, y, X, p, i: G * X["b"],
    ("dot", "∂(a·b)/∂b = a"): lambda G, y, X, p, i: G * X["a"],
    ("matmul", "∂(A@B)/∂A = G@Bᵀ"): lambda G, y, X, p, i: G @ X["b"].T,
    ("matmul", "∂(A@B)/∂B = Aᵀ@G"): lambda G, y, X, p, i: X["a"].T @ G,
    ("transpose", "∂(xᵀ)/∂x: the gradient is transposed back"):
        lambda G, y, X, p, i: np.swapaxes(G, p["dim0"], p["dim1"]),
    ("reshape", "∂reshape(x)/∂x: the gradient is reshaped back"):
        lambda G, y, X, p, i: G.reshape(X["x"].shape),
    ("index", "∂x[i]/∂x = 1 at i, 0 elsewhere"):
        lambda G, y, X, p, i: _at(G, X["x"].shape, p["index"]),
    ("stack", "∂stack(x₀…)/∂xᵢ = slice i of the gradient"):
        lambda G, y, X, p, i: np.take(G, i, axis=p["dim"]),
    ("cat", "∂cat(x₀…)/∂xᵢ = the slice of the gradient where xᵢ sits"): lambda G, y, X, p, i:
        _cat_slice(G, X, p, i),
    ("mse_loss", "∂MSE/∂input = 2(input − target)/n"):
        lambda G, y, X, p, i: G * 2 * (X["input"] - X["target"]) / X["input"].size,
    ("mse_loss", "∂MSE/∂target = −2(input − target)/n"):
        lambda G, y, X, p, i: G * -2 * (X["input"] - X["target"]) / X["input"].size,
    ("cross_entropy", "∂CE/∂logits = softmax(logits) − onehot(target) (÷ n for the mean)"):
        lambda G, y, X, p, i: G * (_softmax(X["input"]) - X["target"]) / _n(p, len(X["input"])),
    ("cross_entropy", "∂CE/∂target = −log softmax(logits) (÷ n for the mean; class indices "
                      "get none)"):
        lambda G, y, X, p, i: G * -np.log(_softmax(X["input"])) / _n(p, len(X["input"])),
    ("nll_loss", "∂NLL/∂input = −onehot(target) (÷ n for the mean)"): lambda G, y, X, p, i:
        G * -_onehot(X["target"], X["input"].shape[1]) / _n(p, len(X["input"])),
    ("nll_loss", "∂/∂target: none (class indices)"): lambda G, y, X, p, i: NONE,
    ("expand", "∂expand(x)/∂x: the gradient is summed back to x's shape"):
        lambda G, y, X, p, i: G,
    ("sum_to", "∂sum_to(x)/∂x: the gradient is broadcast back"):
        lambda G, y, X, p, i: np.broadcast_to(G, X["x"].shape),
    ("to_dtype", "∂x.to(d)/∂x = 1 (converted back)"):
        lambda G, y, X, p, i: G.astype(X["x"].dtype),
    ("where", "∂/∂condition: none (a mask)"): lambda G, y, X, p, i: NONE,
    ("where", "∂where(c,a,b)/∂a = c"): lambda G, y, X, p, i: G * X["condition"],
    ("where", "∂/∂b = 1 − c"): lambda G, y, X, p, i: G * (1 - X["condition"]),
    ("unindex", "∂unindex(x)/∂x = x[i] of the gradient"):
        lambda G, y, X, p, i: G[index_key(p["index"])],
    ("tanh_backward", "∂/∂grad = 1 − y²"): lambda G, y, X, p, i: G * (1 - X["y"] ** 2),
    ("tanh_backward", "∂/∂y = −2·grad·y"): lambda G, y, X, p, i: G * -2 * X["grad"] * X["y"],
    ("sigmoid_backward", "∂/∂grad = y(1 − y)"): lambda G, y, X, p, i: G * X["y"] * (1 - X["y"]),
    ("sigmoid_backward", "∂/∂y = grad·(1 − 2y)"):
        lambda G, y, X, p, i: G * X["grad"] * (1 - 2 * X["y"]),
    ("permute", "∂permute(x)/∂x: the gradient is permuted back"):
        lambda G, y, X, p, i: np.transpose(G, np.argsort(p["dims"])),
    ("clamp", "∂clamp(x)/∂x = 1 inside the limits, 0 outside"):
        lambda G, y, X, p, i: G * ((X["x"] >= p["min"]) & (X["x"] <= p["max"])),
    ("softplus", "∂softplus(x)/∂x = σ(βx)"):
        lambda G, y, X, p, i: G * _sigmoid(p["beta"] * X["x"]),
    ("sign", "∂sign(x)/∂x = 0"): lambda G, y, X, p, i: G * 0,
    ("tan", "∂tan x/∂x = 1 + tan²x"): lambda G, y, X, p, i: G * (1 + np.tan(X["x"]) ** 2),
    ("index_put", "∂/∂x = 1 except at i"):
        lambda G, y, X, p, i: G - _at(G[index_key(p["index"])], G.shape, p["index"]),
    ("index_put", "∂/∂value = the gradient at i"):
        lambda G, y, X, p, i: G[index_key(p["index"])],
    ("prod", "∂(Πx)/∂xᵢ = Π_{j≠i} xⱼ"): lambda G, y, X, p, i: G * _others_product(X["x"]),
    ("amax", "∂max(x)/∂xᵢ = 1 at the maximum (shared between ties)"): lambda G, y, X, p, i:
        G * (X["x"] == X["x"].max()) / (X["x"] == X["x"].max()).sum(),
    ("amin", "∂min(x)/∂xᵢ = 1 at the minimum (shared between ties)"): lambda G, y, X, p, i:
        G * (X["x"] == X["x"].min()) / (X["x"] == X["x"].min()).sum(),
    ("max_dim", "∂max/∂xᵢ = 1 at the first maximum"): lambda G, y, X, p, i:
        np.expand_dims(G, p["dim"]) * _first_extreme(X["x"], p["dim"], np.argmax),
    ("min_dim", "∂min/∂xᵢ = 1 at the first minimum"): lambda G, y, X, p, i:
        np.expand_dims(G, p["dim"]) * _first_extreme(X["x"], p["dim"], np.argmin),
    ("norm", "∂‖x‖₂/∂x = x/‖x‖₂"): lambda G, y, X, p, i: G * X["x"] / np.linalg.norm(X["x"]),
    ("var", "∂var/∂xᵢ = 2(xᵢ − mean)/(n − correction)"): lambda G, y, X, p, i:
        G * 2 * (X["x"] - X["x"].mean()) / (X["x"].size - p["correction"]),
    ("std", "∂std/∂xᵢ = (xᵢ − mean)/((n − correction)·std)"): lambda G, y, X, p, i:
        G * (X["x"] - X["x"].mean()) / ((X["x"].size - p["correction"]) * y),
    ("softmax_backward_data", "∂/∂grad = y(δ − y)"): lambda G, y, X, p, i: _jvp_rows(
        G, X["y"][:, :, None] * (_delta(X["y"].shape[1]) - X["y"][:, None, :])),
    ("softmax_backward_data", "∂/∂y = grad·(G − Σ G·y) − G·Σ grad·y (G: upstream)"):
        lambda G, y, X, p, i: X["grad"] * (G - (G * X["y"]).sum(-1, keepdims=True))
        - G * (X["grad"] * X["y"]).sum(-1, keepdims=True),
    ("log_softmax_backward_data", "∂/∂grad = δ − exp(y)"): lambda G, y, X, p, i: _jvp_rows(
        G, _delta(X["y"].shape[1]) - np.exp(X["y"])[:, :, None]),
    ("log_softmax_backward_data", "∂/∂y = −exp(y)·Σ grad"):
        lambda G, y, X, p, i: G * -np.exp(X["y"]) * X["grad"].sum(-1, keepdims=True),
    ("softplus_backward", "∂/∂grad = σ(βx) (1 past the threshold)"): lambda G, y, X, p, i:
        G * np.where(p["beta"] * X["x"] > p["threshold"], 1, _sigmoid(p["beta"] * X["x"])),
    ("softplus_backward", "∂/∂x = grad·β·σ(βx)(1 − σ(βx)) (0 past the threshold)"):
        lambda G, y, X, p, i: G * np.where(
            p["beta"] * X["x"] > p["threshold"], 0, X["grad"] * p["beta"]
            * _sigmoid(p["beta"] * X["x"]) * (1 - _sigmoid(p["beta"] * X["x"]))),
    ("threshold_backward", "∂/∂grad = 1 where y > threshold"):
        lambda G, y, X, p, i: G * (X["y"] > p["threshold"]),
    ("threshold_backward", "∂/∂y = 0"): lambda G, y, X, p, i: G * 0,
    ("addmm", "∂/∂bias = 1"): lambda G, y, X, p, i: G,
    ("addmm", "∂/∂a = G@bᵀ"): lambda G, y, X, p, i: G @ X["b"].T,
    ("addmm", "∂/∂b = aᵀ@G"): lambda G, y, X, p, i: X["a"].T @ G,
    ("output", "∂out/∂value = 1 (the output passes its input through)"): lambda G, y, X, p, i: G,
}


def _r(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.normal(size=shape)


def _pos(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.uniform(0.5, 2.0, size=shape)


# inputs per op (random, away from kinks and ties) and params
CASES: dict[str, Callable[[np.random.Generator], tuple[dict[str, Any], dict[str, Any]]]] = {
    "add": lambda g: ({"a": _r(g, 2, 3), "b": _r(g, 3)}, {}),
    "sub": lambda g: ({"a": _r(g, 2, 3), "b": _r(g, 2, 1)}, {}),
    "mul": lambda g: ({"a": _r(g, 2, 3), "b": _r(g, 3)}, {}),
    "div": lambda g: ({"a": _r(g, 2, 3), "b": _pos(g, 2, 3)}, {}),
    "pow": lambda g: ({"base": _pos(g, 3), "exponent": _r(g, 3)}, {}),
    **{u: (lambda g: ({"x": _pos(g, 4)}, {})) for u in ("log", "sqrt")},
    **{u: (lambda g: ({"x": _r(g, 2, 3)}, {})) for u in (
        "neg", "exp", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "sign", "detach",
        "sum", "mean", "transpose", "prod", "amax", "amin", "norm", "var", "std")},
    "output": lambda g: ({"value": _r(g, 2, 3)}, {}),
    "tan": lambda g: ({"x": g.uniform(-1, 1, size=4)}, {}),
    "maximum": lambda g: ({"a": _r(g, 2, 3), "b": _r(g, 3)}, {}),
    "minimum": lambda g: ({"a": _r(g, 2, 3), "b": _r(g, 3)}, {}),
    "softmax": lambda g: ({"x": _r(g, 2, 4)}, {"dim": -1}),
    "log_softmax": lambda g: ({"x": _r(g, 2, 4)}, {"dim": -1}),
    "dot": lambda g: ({"a": _r(g, 3), "b": _r(g, 3)}, {}),
    "matmul": lambda g: ({"a": _r(g, 2, 3), "b": _r(g, 3, 4)}, {}),
    "reshape": lambda g: ({"x": _r(g, 2, 3)}, {"shape": (3, 2)}),
    "index": lambda g: ({"x": _r(g, 3, 4)}, {"index": ((0, 2, 0), "1:3")}),
    "stack": lambda g: ({"xs": [_r(g, 2, 3), _r(g, 2, 3)]}, {"dim": 1}),
    "cat": lambda g: ({"xs": [_r(g, 2, 3), _r(g, 1, 3)]}, {"dim": 0}),
    "mse_loss": lambda g: ({"input": _r(g, 2, 3), "target": _r(g, 2, 3)}, {}),
    "cross_entropy": lambda g: ({"input": _r(g, 3, 4),
                                 "target": _softmax(_r(g, 3, 4))}, {}),
    "nll_loss": lambda g: ({"input": _r(g, 3, 4), "target": np.array([1, 0, 3])},
                           {"reduction": "sum"}),
    "expand": lambda g: ({"x": _r(g, 1, 3)}, {"shape": (2, 3)}),
    "sum_to": lambda g: ({"x": _r(g, 2, 3)}, {"shape": (1, 3)}),
    "to_dtype": lambda g: ({"x": _r(g, 3)}, {"dtype": "float32"}),
    "where": lambda g: ({"condition": _r(g, 2, 3) > 0, "a": _r(g, 2, 3), "b": _r(g, 3)}, {}),
    "unindex": lambda g: ({"x": _r(g, 2)}, {"index": (":", 1), "shape": (2, 3)}),
    # the *_backward nodes wired with broadcasting shapes: each port's gradient is summed
    # back to its shape (the engine's second-order rules once sent the output's shape)
    "tanh_backward": lambda g: ({"grad": _r(g, 3), "y": g.uniform(-1, 1, (2, 3))}, {}),
    "sigmoid_backward": lambda g: ({"grad": _r(g, 2, 3), "y": g.uniform(0, 1, 3)}, {}),
    "permute": lambda g: ({"x": _r(g, 2, 3, 4)}, {"dims": (2, 0, 1)}),
    "clamp": lambda g: ({"x": _r(g, 6)}, {"min": -0.5, "max": 0.5}),
    "softplus": lambda g: ({"x": _r(g, 6) * 3}, {"beta": 2.0, "threshold": 20.0}),
    "index_put": lambda g: ({"x": _r(g, 3, 4), "value": _r(g, 4)}, {"index": (1,)}),
    "max_dim": lambda g: ({"x": _r(g, 3, 4)}, {"dim": 1}),
    "min_dim": lambda g: ({"x": _r(g, 3, 4)}, {"dim": 0}),
    "softmax_backward_data": lambda g: ({"grad": _r(g, 2, 4), "y": _softmax(_r(g, 2, 4))},
                                        {"dim": -1}),
    "log_softmax_backward_data": lambda g: (
        {"grad": _r(g, 2, 4), "y": np.log(_softmax(_r(g, 2, 4)))}, {"dim": -1}),
    "softplus_backward": lambda g: ({"grad": _r(g, 6), "x": _r(g, 2, 1) * 2},
                                    {"beta": 2.0, "threshold": 1.0}),
    "threshold_backward": lambda g: ({"grad": _r(g, 6), "y": _r(g, 2, 6)}, {"threshold": 0.1}),
    "addmm": lambda g: ({"bias": _r(g, 4), "a": _r(g, 2, 3), "b": _r(g, 3, 4)}, {}),
}


def _sum_to(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Broadcasting undone: what the engine's sum_to does to a gradient."""
    a = np.asarray(a, dtype=float)
    while a.ndim > len(shape):
        a = a.sum(axis=0)
    for d, s in enumerate(shape):
        if s == 1 and a.shape[d] != 1:
            a = a.sum(axis=d, keepdims=True)
    return a


def _ports(name: str, X: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(port name, index into derivatives, variadic index) of every input."""
    spec = OPS[name]
    out = []
    for k, p in enumerate(spec.inputs):
        if p.variadic:
            out += [(f"{p.name}.{i}", k, i) for i in range(len(X[p.name]))]
        else:
            out.append((p.name, k, 0))
    return out


def test_every_text_has_its_formula():
    """One text per input port, each with its formula here (and no stale formulas)."""
    texts = set()
    for s in OPS.values():
        assert len(s.derivatives) == (len(s.inputs) or 1), s.name
        assert all(t and ",  " not in t for t in s.derivatives), s.name
        if s.inputs:
            texts |= {(s.name, t) for t in s.derivatives}
    assert texts == set(LOCAL), (texts ^ set(LOCAL))
    assert set(CASES) == {s.name for s in OPS.values() if s.inputs}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_local_times_upstream_is_what_the_engine_sends(name, seed):
    rng = np.random.default_rng(seed)
    X, params = CASES[name](rng)
    spec = OPS[name]
    full = {**spec.default_params(), **params}

    def leaf(v: np.ndarray) -> Any:
        t = core.from_numpy(np.array(v))
        if t.dtype.is_floating_point:
            t.requires_grad_(True)
        return t

    T = {k: [leaf(e) for e in v] if isinstance(v, list) else leaf(v) for k, v in X.items()}
    y = spec.call(T, full)
    G = rng.normal(size=tuple(y.shape))
    flat = [t for v in T.values() for t in (v if isinstance(v, list) else [v])]
    needs = [t for t in flat if t.requires_grad]
    sent = (core.autograd.grad([y], needs, [core.from_numpy(G.astype(y.detach().numpy().dtype))],
                               allow_unused=True)
            if y.requires_grad else [None] * len(needs))
    by_id = {id(t): g for t, g in zip(needs, sent)}
    y_np = y.detach().numpy().astype(float)
    for port, k, i in _ports(name, X):
        t = T[port.split(".")[0]]
        t = t[i] if isinstance(t, list) else t
        want = LOCAL[(name, spec.derivatives[k])](G, y_np, X, full, i)
        got = by_id.get(id(t))
        if want is None:
            assert got is None or not np.any(got.numpy()), port
            continue
        want = _sum_to(want, tuple(t.shape))
        got = np.zeros(t.shape) if got is None else got.numpy()
        tol = 1e-6 if t.dtype != core.float64 or full.get("dtype") == "float32" else 1e-10
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol,
                                   err_msg=f"{name}.{port}: {spec.derivatives[k]}")
