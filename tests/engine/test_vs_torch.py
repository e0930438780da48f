"""Differential tests against PyTorch itself: random expression trees built by hypothesis
are evaluated in both engines (float64), comparing values, dtypes, grad_fn names, first
gradients, second derivatives, and which programs fail. Skipped without torch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import core

from .helpers import FAST, FEW

torch = pytest.importorskip("torch")

# Each op is written once against a module ``m`` (core or torch): the same program runs in
# both. Kinks (relu/abs at 0, ties of max/maximum/clamp) are included on purpose: both
# engines must pick the same subgradient there.
UNARY: dict[str, Callable[[Any, Any], Any]] = {
    "neg": lambda m, x: -x,
    "exp": lambda m, x: m.exp(x),
    "log": lambda m, x: m.log(x),
    "log_safe": lambda m, x: (x * x + 0.5).log(),
    "sqrt": lambda m, x: m.sqrt(x),
    "sqrt_safe": lambda m, x: (x.abs() + 0.25).sqrt(),
    "abs": lambda m, x: m.abs(x),
    "sin": lambda m, x: m.sin(x),
    "cos": lambda m, x: x.cos(),
    "tan": lambda m, x: m.tan(x * 0.3),
    "tanh": lambda m, x: m.tanh(x),
    "sigmoid": lambda m, x: m.sigmoid(x),
    "relu": lambda m, x: m.relu(x),
    "softplus": lambda m, x: m.nn.functional.softplus(x) if m is torch else m.softplus(x),
    "square": lambda m, x: x ** 2,
    "cube": lambda m, x: m.pow(x, 3),
    "pow_half": lambda m, x: x ** 0.5,
    "reciprocal": lambda m, x: 1 / x,
    "rpow": lambda m, x: 2.0 ** x,
    "rsub": lambda m, x: 1.5 - x,
    "clamp": lambda m, x: m.clamp(x, -0.5, 0.75),
    "clamp_min": lambda m, x: x.clamp(min=0.0),
    "softmax": lambda m, x: m.softmax(x, -1),
    "log_softmax": lambda m, x: m.log_softmax(x, 0 if x.dim() else -1),
    "sum": lambda m, x: x.sum(),
    "sum_last": lambda m, x: x.sum(-1),
    "mean": lambda m, x: m.mean(x),
    "mean_first_keep": lambda m, x: x.mean(0, keepdim=True),
    "max": lambda m, x: x.max(),
    "max_dim": lambda m, x: m.max(x, -1)[0],
    "min_dim_keep": lambda m, x: x.min(0, keepdim=True).values,
    "amax": lambda m, x: m.amax(x, -1),
    "prod": lambda m, x: x.prod(),
    "prod_dim": lambda m, x: x.prod(-1),
    "norm": lambda m, x: x.norm(),
    "norm1_dim": lambda m, x: x.norm(1, -1),
    "var": lambda m, x: x.var(),
    "std_dim": lambda m, x: x.std(-1),
    "transpose": lambda m, x: x.transpose(0, -1),
    "T": lambda m, x: x.T,
    "unsqueeze": lambda m, x: x.unsqueeze(0),
    "squeeze": lambda m, x: x.squeeze(),
    "flatten": lambda m, x: x.flatten(),
    "reshape": lambda m, x: x.reshape(-1, 1),
    "select": lambda m, x: x[0],
    "slice": lambda m, x: x[1:],
    "step_slice": lambda m, x: x[::2],
    "index_repeat": lambda m, x: x[[0, -1, 0]],
    "mask": lambda m, x: x[x > 0],
    "clone": lambda m, x: x.clone(),
    "expand": lambda m, x: x.expand(2, *x.shape),
    "stack_self": lambda m, x: m.stack([x, x * 2], 0),
    "setitem": lambda m, x: _setitem(m, x),
}

BINARY: dict[str, Callable[[Any, Any, Any], Any]] = {
    "add": lambda m, a, b: a + b,
    "sub": lambda m, a, b: a - b,
    "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / b,
    "pow": lambda m, a, b: a.abs() ** b,
    "maximum": lambda m, a, b: m.maximum(a, b),
    "minimum": lambda m, a, b: m.minimum(a, b),
    "where": lambda m, a, b: m.where(a > b, a, b * 2),
    "matmul": lambda m, a, b: a @ b,
    "cat": lambda m, a, b: m.cat([a, b], 0),
    "alpha": lambda m, a, b: m.add(a, b, alpha=-0.5),
}


def _setitem(m: Any, x: Any) -> Any:
    y = x * 1
    y[0] = y[-1] * 3
    return y


Tree = Any


def trees(n_leaves: int) -> st.SearchStrategy:
    leaf = st.integers(0, n_leaves - 1).map(lambda i: ("leaf", i))
    return st.recursive(
        leaf,
        lambda kids: st.one_of(
            st.tuples(st.just("un"), st.sampled_from(sorted(UNARY)), kids),
            st.tuples(st.just("bin"), st.sampled_from(sorted(BINARY)), kids, kids)),
        max_leaves=6)


def evaluate(tree: Tree, m: Any, leaves: list[Any]) -> Any:
    kind = tree[0]
    if kind == "leaf":
        return leaves[tree[1]]
    if kind == "un":
        return UNARY[tree[1]](m, evaluate(tree[2], m, leaves))
    return BINARY[tree[1]](m, evaluate(tree[2], m, leaves), evaluate(tree[3], m, leaves))


def _np(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy() if hasattr(t, "detach") else t, dtype=np.float64)


def _close(ours: Any, theirs: Any, what: str) -> None:
    assert (ours is None) == (theirs is None), what
    if ours is None:
        return
    a, b = _np(ours), _np(theirs)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9, equal_nan=True, err_msg=what)


def _run(tree: Tree, arrays: list[np.ndarray]) -> tuple[Any, Any, list[Any], list[Any]]:
    ours = [core.tensor(a, dtype=core.float64, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    return evaluate(tree, core, ours), evaluate(tree, torch, theirs), ours, theirs


def _both(tree: Tree, arrays: list[np.ndarray]) -> tuple[Any, Any, list[Any], list[Any]]:
    """Run in both engines; if torch rejects the program, ours must too."""
    try:
        tx = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
        evaluate(tree, torch, tx)
    except (RuntimeError, IndexError) as e:
        with pytest.raises((RuntimeError, IndexError)):
            evaluate(tree, core, [core.tensor(a, dtype=core.float64, requires_grad=True)
                                  for a in arrays])
        note(f"both reject: {e}")
        assume(False)
    return _run(tree, arrays)


LEAF_VALUES = st.one_of(
    # rounded: denormal-scale values (1e-185) only probe float underflow, e.g. in norm
    st.floats(-3, 3, allow_nan=False, width=64).map(lambda v: round(v, 4)),
    st.sampled_from([0.0, 0.5, -0.5, 1.0, -1.0, 0.75]),  # ties and kinks
)


@st.composite
def programs(draw: Any) -> tuple[Tree, list[np.ndarray]]:
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3,
                                                    max_side=3)).input_shapes
    arrays = [draw(hnp.arrays(np.float64, s, elements=LEAF_VALUES)) for s in shapes]
    return draw(trees(3)), arrays


def _name(t: Any) -> str:
    # torch's CopySlices node calls itself "torch::autograd::CopySlices" (its repr says
    # <CopySlices>); ours is named as the repr shows it
    return t.grad_fn.name().removeprefix("torch::autograd::")


def _finite(*ts: Any) -> bool:
    return all(t is None or np.all(np.isfinite(_np(t))) for t in ts)


@FAST
@given(prog=programs(), seed=st.integers(0, 2**16))
def test_random_expressions_values_and_gradients(prog: Any, seed: int) -> None:
    tree, arrays = prog
    note(repr(tree))
    out, tout, ours, theirs = _both(tree, arrays)
    assume(_finite(tout))
    assert out.shape == tuple(tout.shape)
    assert out.dtype.name == str(tout.dtype).removeprefix("torch.")
    _close(out, tout, "value")
    assert out.requires_grad == tout.requires_grad
    if not tout.requires_grad:
        return
    batched_matmul = tree[:2] == ("bin", "matmul") and tout.dim() > 2 or (
        tree[:2] == ("bin", "matmul") and _name(tout) == "TransposeBackward0")
    if tout.grad_fn is not None and not batched_matmul:  # torch's folding shows there
        assert _name(out) == _name(tout)
    w = np.random.default_rng(seed).standard_normal(tuple(tout.shape))
    g = core.autograd.grad(out, ours, core.tensor(w), allow_unused=True)
    tg = torch.autograd.grad(tout, theirs, torch.tensor(w), allow_unused=True)
    assume(_finite(*tg))
    for i, (a, b) in enumerate(zip(g, tg)):
        _close(a, b, f"grad of leaf {i}")


SMOOTH_UNARY = ["neg", "exp", "log_safe", "sqrt_safe", "sin", "cos", "tan", "tanh", "sigmoid",
                "softplus", "square", "cube", "rpow", "rsub", "softmax", "log_softmax", "sum",
                "sum_last", "mean", "mean_first_keep", "prod", "norm", "var", "transpose",
                "unsqueeze", "flatten", "select", "slice", "index_repeat", "stack_self",
                "setitem", "expand"]
SMOOTH_BINARY = ["add", "sub", "mul", "matmul", "cat", "alpha"]


def smooth_trees(n_leaves: int) -> st.SearchStrategy:
    leaf = st.integers(0, n_leaves - 1).map(lambda i: ("leaf", i))
    return st.recursive(
        leaf,
        lambda kids: st.one_of(
            st.tuples(st.just("un"), st.sampled_from(SMOOTH_UNARY), kids),
            st.tuples(st.just("bin"), st.sampled_from(SMOOTH_BINARY), kids, kids)),
        max_leaves=5)


@FEW
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_random_expressions_second_derivatives(data: Any, seed: int) -> None:
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=2,
                                                         max_side=3)).input_shapes
    small = st.floats(-1.5, 1.5).map(lambda v: round(v, 4))
    arrays = [data.draw(hnp.arrays(np.float64, s, elements=small)) for s in shapes]
    tree = data.draw(smooth_trees(2))
    note(repr(tree))
    out, tout, ours, theirs = _both(tree, arrays)
    assume(tout.requires_grad and _finite(tout))
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(tuple(tout.shape))
    g = core.autograd.grad(out, ours, core.tensor(w), create_graph=True, allow_unused=True)
    tg = torch.autograd.grad(tout, theirs, torch.tensor(w), create_graph=True,
                             allow_unused=True)
    pairs = [(a, b, x, tx) for a, b, x, tx in zip(g, tg, ours, theirs)
             if b is not None and b.requires_grad]
    assume(pairs)
    s = sum((a * core.tensor(rng.standard_normal(tuple(a.shape)))).sum()
            for a, _, _, _ in pairs)
    rng = np.random.default_rng(seed)
    rng.standard_normal(tuple(tout.shape))
    ts = sum((b * torch.tensor(rng.standard_normal(tuple(b.shape)))).sum()
             for _, b, _, _ in pairs)
    if not s.requires_grad:  # our rules gave constants: every second derivative is 0
        s = s + sum((x * 0).sum() for x in ours)
    h = core.autograd.grad(s, ours, allow_unused=True)
    th = torch.autograd.grad(ts, theirs, allow_unused=True)
    assume(_finite(*th))
    for i, (a, b) in enumerate(zip(h, th)):
        if b is None or a is None:  # unused-by-the-rule vs zero: both mean zero
            a = np.zeros(arrays[i].shape) if a is None else _np(a)
            b = np.zeros(arrays[i].shape) if b is None else _np(b)
        _close(a, b, f"second derivative w.r.t. leaf {i}")


@pytest.mark.parametrize("name", sorted(UNARY))
def test_each_unary_op_at_kinks_and_ties(name: str) -> None:
    """Deterministic values full of zeros and ties: both engines agree exactly."""
    arrays = [np.array([[0.0, 1.0, 1.0], [-1.0, 0.0, 0.75], [2.0, -0.5, -0.5]])]
    out, tout, ours, theirs = _run(("un", name, ("leaf", 0)), arrays)
    _close(out, tout, "value")
    assert _name(out) == _name(tout)
    w = np.arange(tout.numel(), dtype=np.float64).reshape(tuple(tout.shape)) - 1
    (g,) = core.autograd.grad(out, ours, core.tensor(w))
    (tg,) = torch.autograd.grad(tout, theirs, torch.tensor(w))
    _close(g, tg, "gradient")


@pytest.mark.parametrize("name", sorted(BINARY))
def test_each_binary_op_at_ties(name: str) -> None:
    a = np.array([[0.0, 1.0, -1.0], [0.5, 0.0, 2.0], [1.0, 1.0, -0.5]])
    b = np.array([[0.0, 1.0, 2.0], [0.5, -1.0, 2.0], [1.0, 0.0, 3.0]])
    out, tout, ours, theirs = _run(("bin", name, ("leaf", 0), ("leaf", 1)), [a, b])
    _close(out, tout, "value")
    assert _name(out) == _name(tout)
    w = np.ones(tuple(tout.shape))
    g = core.autograd.grad(out, ours, core.tensor(w))
    tg = torch.autograd.grad(tout, theirs, torch.tensor(w))
    for i, (x, y) in enumerate(zip(g, tg)):
        _close(x, y, f"gradient {i}")


def test_mlp_training_trajectory_matches_torch() -> None:
    """Engine + optimizer together: a tiny MLP trained for 30 Adam steps."""
    rng = np.random.default_rng(0)
    init = [rng.standard_normal((4, 8)) * 0.5, np.zeros(8), rng.standard_normal((8, 3)) * 0.5,
            np.zeros(3)]
    x = rng.standard_normal((16, 4))
    y = rng.integers(0, 3, 16)

    def train(m: Any) -> list[float]:
        params = [m.tensor(p, dtype=m.float64, requires_grad=True) for p in init]
        opt = m.optim.Adam(params, lr=0.05)
        xs, ys = m.tensor(x, dtype=m.float64), m.tensor(y)
        losses = []
        for _ in range(30):
            opt.zero_grad()
            h = m.tanh(xs @ params[0] + params[1])
            logits = h @ params[2] + params[3]
            logp = m.log_softmax(logits, 1)
            loss = -logp[m.arange(16), ys].mean() + 1e-3 * (params[0] ** 2).sum()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses

    np.testing.assert_allclose(train(core), train(torch), rtol=1e-10)


def _ce(m: Any, x: Any) -> Any:
    return m.nn.functional.cross_entropy(x.reshape(1, 3), m.tensor([1]))


CREATE_GRAPH_PROGRAMS: dict[str, Callable[[Any, Any], Any]] = {
    "relu": lambda m, x: x.relu(), "abs": lambda m, x: x.abs(),
    "clamp": lambda m, x: x.clamp(-1, 2), "max": lambda m, x: x.max(),
    "max_dim": lambda m, x: x.max(0)[0], "amax": lambda m, x: x.amax(),
    "amin": lambda m, x: x.amin(0), "norm1": lambda m, x: x.norm(p=1),
    "softplus": lambda m, x: m.nn.functional.softplus(x), "sigmoid": lambda m, x: x.sigmoid(),
    "tanh": lambda m, x: x.tanh(), "softmax": lambda m, x: x.softmax(0),
    "log_softmax": lambda m, x: x.log_softmax(0), "cross_entropy": _ce,
    "where": lambda m, x: m.where(x > 0, x, x * 0), "getitem": lambda m, x: x[1:],
    "sum": lambda m, x: x.sum(), "pow3": lambda m, x: x ** 3,
}


@pytest.mark.parametrize("name", sorted(CREATE_GRAPH_PROGRAMS))
def test_gradient_of_gradient_is_recorded_as_torch_records_it(name: str) -> None:
    """With create_graph, whether the gradient itself requires grad, and the node that
    made it, match torch: the app shows this grad_fn, Differentiate builds from it."""
    fn = CREATE_GRAPH_PROGRAMS[name]
    results = []
    for m in (core, torch):
        x = m.tensor([1.0, -2.0, 3.0], dtype=m.float64, requires_grad=True)
        (g,) = m.autograd.grad(fn(m, x).sum(), x, create_graph=True)
        name = _name(g) if g.grad_fn is not None else None
        results.append((g.requires_grad, name, np.round(g.detach().numpy(), 12).tolist()))
    assert results[0] == results[1]
