"""Every differentiable op's derivative rule against central finite differences (float64).

Shapes are drawn by hypothesis (0-d tensors and broadcasting between operands included),
values inside each op's smooth domain. ``gradgradcheck`` checks the rules' own rules: the
second derivatives that ``create_graph=True`` relies on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import core
from core.autograd import GradcheckError, gradcheck, gradgradcheck
from core.ops import REGISTRY, defop, defvjp, record

from .helpers import (
    FAST,
    FEW,
    NONEMPTY,
    PAIRS,
    SHAPES,
    TRIPLES,
    away_from_zero,
    grid,
    leaf,
    values,
)


def check(fn: Callable[..., Any], *arrays: Any, second: bool = True, **kw: Any) -> None:
    """gradcheck (and gradgradcheck) ``fn`` at float64 leaves made from ``arrays``."""
    inputs = tuple(leaf(a) for a in arrays)
    assert gradcheck(fn, inputs, **kw)
    if second:
        assert gradgradcheck(fn, inputs, **kw)


# ============================================================ binary elementwise, broadcasting
def _nonzero(s: tuple[int, ...]) -> st.SearchStrategy:
    return away_from_zero(s, lo=0.5)


def _positive(s: tuple[int, ...]) -> st.SearchStrategy:
    return values(s, 0.5, 2.0)


def _exponent(s: tuple[int, ...]) -> st.SearchStrategy:
    # not exactly 0: there PyTorch (and we) mask the base's gradient, a deliberate kink
    return away_from_zero(s, lo=0.1, hi=2.0)


BINARY: dict[str, tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]] = {
    # name: (fn, strategy of a, strategy of b)
    "add": (lambda a, b: a + b, values, values),
    "add_method_alpha": (lambda a, b: a.add(b, alpha=2.5), values, values),
    "sub": (lambda a, b: a - b, values, values),
    "sub_fn_alpha": (lambda a, b: core.sub(a, b, alpha=0.5), values, values),
    "mul": (lambda a, b: a * b, values, values),
    "div": (lambda a, b: a / b, values, _nonzero),
    "pow_tensor_exponent": (lambda a, b: a ** b, _positive, _exponent),
    "torch_pow": (lambda a, b: core.pow(a, b), _positive, _exponent),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@FAST
@given(shapes=PAIRS, data=st.data())
def test_binary_broadcasting(name: str, shapes: Any, data: Any) -> None:
    fn, strat_a, strat_b = BINARY[name]
    sa, sb = shapes.input_shapes
    check(fn, data.draw(strat_a(sa)), data.draw(strat_b(sb)))


@pytest.mark.parametrize("name", ["maximum", "minimum", "max_binary", "min_binary"])
@FAST
@given(shapes=PAIRS, data=st.data())
def test_maximum_minimum_broadcasting(name: str, shapes: Any, data: Any) -> None:
    fn = {"maximum": core.maximum, "minimum": core.minimum,
          "max_binary": core.max, "min_binary": core.min}[name]
    sa, sb = shapes.input_shapes
    # two grids offset by 0.1: the operands never tie (no kink inside the stencil)
    a = data.draw(grid(sa, offset=0.0))
    b = data.draw(grid(sb, offset=0.1))
    check(fn, a, b)


@FAST
@given(shapes=TRIPLES, data=st.data())
def test_where_broadcasting(shapes: Any, data: Any) -> None:
    sc, sa, sb = shapes.input_shapes
    cond = core.tensor(data.draw(hnp.arrays(np.bool_, sc)))
    a = data.draw(values(sa))
    b = data.draw(values(sb))
    check(lambda x, y: core.where(cond, x, y), a, b)


@pytest.mark.parametrize("name", ["radd", "rsub", "rmul", "rdiv", "sub_scalar", "div_scalar",
                                  "mul_scalar", "add_scalar", "where_scalar_other"])
@FAST
@given(shape=SHAPES, data=st.data(), c=st.floats(-3, 3).filter(lambda v: abs(v) > 0.1))
def test_python_scalar_operands(name: str, shape: Any, data: Any, c: float) -> None:
    fn = {
        "radd": lambda x: c + x,
        "rsub": lambda x: c - x,
        "rmul": lambda x: c * x,
        "rdiv": lambda x: c / x,
        "sub_scalar": lambda x: x - c,
        "div_scalar": lambda x: x / c,
        "mul_scalar": lambda x: x * c,
        "add_scalar": lambda x: x + c,
        "where_scalar_other": lambda x: core.where(x > 0, x, c),
    }[name]
    x = data.draw(away_from_zero(shape, lo=0.5))
    check(fn, x)


# ============================================================ pow
@FAST
@given(shape=SHAPES, data=st.data(),
       p=st.sampled_from([-2, -1, 0, 1, 2, 3, 0.5, 2.5, -1.5, 1.0, 0.0]))
def test_pow_scalar_exponent(shape: Any, data: Any, p: float) -> None:
    x = data.draw(values(shape, 0.5, 2.0))
    check(lambda t: t ** p, x)


@FAST
@given(shape=SHAPES, data=st.data(), p=st.sampled_from([1, 2, 3]))
def test_pow_integer_exponent_negative_base(shape: Any, data: Any, p: int) -> None:
    x = data.draw(values(shape, -2.0, 2.0))
    check(lambda t: core.pow(t, p), x)


@FAST
@given(shape=SHAPES, data=st.data(), base=st.sampled_from([0.5, 2.0, 3.0, 10.0, 2]))
def test_pow_scalar_base(shape: Any, data: Any, base: float) -> None:
    x = data.draw(values(shape, -2.0, 2.0))
    check(lambda t: base ** t, x)


# ============================================================ unary elementwise
UNARY: dict[str, tuple[Callable[..., Any], st.SearchStrategy | Callable[..., Any], bool]] = {
    # name: (fn, values(shape) strategy factory, check second derivative)
    "neg": (lambda x: -x, values, True),
    "neg_fn": (core.neg, values, True),
    "exp": (core.exp, values, True),
    "exp_method": (lambda x: x.exp(), values, True),
    "log": (core.log, lambda s: values(s, 0.2, 3.0), True),
    "sqrt": (core.sqrt, lambda s: values(s, 0.2, 3.0), True),
    "abs": (core.abs, away_from_zero, True),
    "abs_operator": (lambda x: abs(x), away_from_zero, True),
    "sin": (core.sin, lambda s: values(s, -3.0, 3.0), True),
    "cos": (core.cos, lambda s: values(s, -3.0, 3.0), True),
    "tan": (core.tan, lambda s: values(s, -1.2, 1.2), True),
    "tanh": (core.tanh, lambda s: values(s, -3.0, 3.0), True),
    "sigmoid": (core.sigmoid, lambda s: values(s, -4.0, 4.0), True),
    "relu": (core.relu, away_from_zero, True),
    "softplus": (core.softplus, lambda s: values(s, -4.0, 4.0), True),
    "softplus_beta": (lambda x: core.softplus(x, beta=2.0),
                      lambda s: values(s, -4.0, 4.0), True),
    "softplus_linear_region": (lambda x: core.softplus(x, beta=1.0, threshold=1.0),
                               lambda s: grid(s, offset=0.1), True),
    "clamp_both": (lambda x: core.clamp(x, -0.6, 0.7), lambda s: grid(s, offset=0.1), True),
    "clamp_min": (lambda x: x.clamp(min=0.3), lambda s: grid(s, offset=0.1), True),
    "clamp_max": (lambda x: x.clamp(max=-0.45), lambda s: grid(s, offset=0.1), True),
    "clamp_tensor_bounds": (lambda x: core.clamp(x, core.tensor(-0.6, dtype=core.float64),
                                                 core.tensor(0.7, dtype=core.float64)),
                            lambda s: grid(s, offset=0.1), True),
    "clone": (core.clone, values, True),
    "square": (core.square, values, True),
    "reciprocal": (lambda x: x.reciprocal(), lambda s: away_from_zero(s, lo=0.5), True),
    "positive": (lambda x: +x * 1, values, True),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@FAST
@given(shape=SHAPES, data=st.data())
def test_unary(name: str, shape: Any, data: Any) -> None:
    fn, strategy, second = UNARY[name]
    x = data.draw(strategy(shape))
    check(fn, x, second=second)


@FEW
@given(shape=SHAPES, data=st.data())
def test_to_dtype_roundtrip(shape: Any, data: Any) -> None:
    """to(float32) and back is the identity up to float32 rounding: a wide stencil."""
    x = data.draw(values(shape))
    check(lambda t: (t * 2).to(core.float32).to(core.float64), x,
          eps=1e-2, atol=1e-4, rtol=1e-3)
    check(lambda t: t.to(core.float64) * 3, x)  # same dtype: a no-op
    check(lambda t: t.double().float().double(), x, eps=1e-2, atol=1e-4, rtol=1e-3)


# ============================================================ matrix products
MATMUL_SHAPES = [
    ((3,), (3,)),             # dot
    ((2, 3), (3,)),           # mv
    ((3,), (3, 2)),           # vector @ matrix
    ((2, 3), (3, 4)),         # mm
    ((2, 2, 3), (3, 4)),      # batched @ matrix
    ((3,), (2, 3, 4)),        # vector @ batch
    ((2, 2, 3), (3,)),        # batch @ vector
    ((2, 1, 2, 3), (3, 3, 2)),  # broadcasting batch dims
    ((1, 2, 3), (4, 3, 2)),
]


@pytest.mark.parametrize(("sa", "sb"), MATMUL_SHAPES)
@FEW
@given(data=st.data())
def test_matmul_cases(sa: tuple[int, ...], sb: tuple[int, ...], data: Any) -> None:
    a = data.draw(values(sa))
    b = data.draw(values(sb))
    check(lambda x, y: x @ y, a, b)
    check(core.matmul, a, b, second=False)


@FEW
@given(n=st.integers(1, 3), k=st.integers(1, 3), m=st.integers(1, 3), data=st.data())
def test_mm_mv_dot(n: int, k: int, m: int, data: Any) -> None:
    a = data.draw(values((n, k)))
    b = data.draw(values((k, m)))
    v = data.draw(values((k,)))
    w = data.draw(values((k,)))
    check(core.mm, a, b)
    check(lambda x, y: x.mm(y), a, b, second=False)
    check(core.mv, a, v)
    check(lambda x, y: x.mv(y), a, v, second=False)
    check(core.dot, v, w)
    check(lambda x, y: x.dot(y), v, w, second=False)
    check(lambda x, y: core.outer(x, y), v, w)


# ============================================================ reductions
def _dims(shape: tuple[int, ...]) -> st.SearchStrategy:
    n = len(shape)
    if n == 0:
        return st.sampled_from([0, -1])
    return st.one_of(st.integers(-n, n - 1),
                     st.lists(st.integers(0, n - 1), min_size=1, max_size=n,
                              unique=True).map(tuple))


@pytest.mark.parametrize("name", ["sum", "mean"])
@FAST
@given(shape=SHAPES, data=st.data(), keepdim=st.booleans())
def test_sum_mean(name: str, shape: Any, data: Any, keepdim: bool) -> None:
    fn = getattr(core, name)
    x = data.draw(values(shape))
    dim = data.draw(_dims(shape))
    check(fn, x)
    check(lambda t: getattr(t, name)(), x, second=False)
    check(lambda t: fn(t, dim, keepdim=keepdim), x)


@pytest.mark.parametrize("name", ["max", "min"])
@FAST
@given(shape=SHAPES, data=st.data(), keepdim=st.booleans())
def test_max_min(name: str, shape: Any, data: Any, keepdim: bool) -> None:
    fn = getattr(core, name)
    x = data.draw(grid(shape, unique=True))
    dim = data.draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))
    check(fn, x)
    check(lambda t: fn(t, dim, keepdim=keepdim).values, x)
    check(lambda t: getattr(t, name)(dim, keepdim)[0], x, second=False)
    if name == "max":
        check(lambda t: core.amax(t, dim, keepdim), x, second=False)


@FAST
@given(shape=SHAPES, data=st.data(), keepdim=st.booleans())
def test_prod(shape: Any, data: Any, keepdim: bool) -> None:
    x = data.draw(away_from_zero(shape, lo=0.5, hi=1.5))
    dim = data.draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))
    check(core.prod, x)
    check(lambda t: core.prod(t, dim, keepdim), x)
    check(lambda t: t.prod(dim), x, second=False)


@FAST
@given(shape=NONEMPTY, data=st.data(), keepdim=st.booleans())
def test_prod_with_zeros(shape: Any, data: Any, keepdim: bool) -> None:
    """Zeros in the reduced slice: the gradient is Π of the others, not ans / x (nan)."""
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 0.5, -1.5, 2.0])))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    check(core.prod, x)
    check(lambda t: core.prod(t, dim, keepdim), x)


@pytest.mark.parametrize("p", [2, 1, "fro", 3])
@FAST
@given(shape=SHAPES, data=st.data(), keepdim=st.booleans())
def test_norm(p: Any, shape: Any, data: Any, keepdim: bool) -> None:
    x = data.draw(away_from_zero(shape, lo=0.3))
    dim = data.draw(_dims(shape))
    check(lambda t: core.norm(t, p), x)
    check(lambda t: t.norm(p, dim, keepdim), x)
    check(lambda t: t.norm(), x, second=False)


@pytest.mark.parametrize("name", ["var", "std"])
@FAST
@given(shape=NONEMPTY, data=st.data(), keepdim=st.booleans(), unbiased=st.booleans())
def test_var_std(name: str, shape: Any, data: Any, keepdim: bool, unbiased: bool) -> None:
    x = data.draw(grid(shape, unique=True))  # distinct values: std > 0
    fn = getattr(core, name)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    if x.size >= 2:
        check(fn, x)
        check(lambda t: getattr(t, name)(unbiased=unbiased), x)
    assume(shape[dim] >= 2)
    check(lambda t: fn(t, dim, unbiased=unbiased, keepdim=keepdim), x)


# ============================================================ shape ops
@FAST
@given(shape=SHAPES, data=st.data())
def test_reshape_view_flatten(shape: Any, data: Any) -> None:
    x = data.draw(values(shape))
    n = x.size
    check(lambda t: t.reshape(-1), x)
    check(lambda t: t.view(n, 1), x)
    check(lambda t: core.reshape(t, (1, n, 1)), x)
    check(lambda t: t.flatten() * t.flatten(), x)
    check(lambda t: core.flatten(t, 0, -1), x, second=False)
    if len(shape) >= 2:
        check(lambda t: t.flatten(1), x, second=False)
    check(lambda t: t.reshape(()) if n == 1 else t.reshape(n), x, second=False)


@FAST
@given(shape=SHAPES, data=st.data())
def test_transpose_t_permute(shape: Any, data: Any) -> None:
    x = data.draw(values(shape))
    nd = len(shape)
    if nd <= 2:
        check(lambda t: t.t(), x)
        check(lambda t: t.T * 2, x, second=False)
    if nd >= 1:
        d0 = data.draw(st.integers(-nd, nd - 1))
        d1 = data.draw(st.integers(-nd, nd - 1))
        check(lambda t: t.transpose(d0, d1), x)
    perm = data.draw(st.permutations(list(range(nd))))
    check(lambda t: t.permute(*perm), x)
    check(lambda t: core.permute(t, perm) * core.permute(t, perm), x)


@FAST
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=2), data=st.data())
def test_squeeze_unsqueeze(shape: Any, data: Any) -> None:
    x = data.draw(values(shape))
    nd = len(shape)
    check(lambda t: t.squeeze(), x)
    if nd:
        d = data.draw(st.integers(-nd, nd - 1))
        check(lambda t: t.squeeze(d), x)
    u = data.draw(st.integers(-nd - 1, nd))
    check(lambda t: t.unsqueeze(u), x)
    check(lambda t: core.unsqueeze(t, u).squeeze(u) * t, x)


@FAST
@given(shapes=PAIRS, data=st.data())
def test_expand(shapes: Any, data: Any) -> None:
    sa, _ = shapes.input_shapes
    target = shapes.result_shape
    x = data.draw(values(sa))
    check(lambda t: t.expand(*target), x)
    check(lambda t: core.broadcast_to(t, target) * 2, x, second=False)
    if len(target) > 0 and len(sa) == len(target):
        keep = tuple(-1 if i % 2 else s for i, s in enumerate(target))
        check(lambda t: t.expand(*keep), x, second=False)


@pytest.mark.parametrize("op", ["cat", "stack"])
@FAST
@given(shape=SHAPES, data=st.data(), k=st.integers(1, 3))
def test_cat_stack(op: str, shape: Any, data: Any, k: int) -> None:
    nd = len(shape)
    if op == "cat":
        assume(nd >= 1)
        dim = data.draw(st.integers(-nd, nd - 1))
        sizes = [data.draw(st.integers(1, 3)) for _ in range(k)]
        shapes = [tuple(s if i != dim % nd else sizes[j] for i, s in enumerate(shape))
                  for j in range(k)]
        arrays = [data.draw(values(s)) for s in shapes]
        check(lambda *ts: core.cat(ts, dim), *arrays)
    else:
        dim = data.draw(st.integers(-nd - 1, nd))
        arrays = [data.draw(values(shape)) for _ in range(k)]
        check(lambda *ts: core.stack(list(ts), dim), *arrays)
        check(lambda *ts: core.stack(ts, dim) * core.stack(ts, dim), *arrays, second=False)


@FAST
@given(shapes=PAIRS, data=st.data())
def test_cat_mixes_leaf_and_constant(shapes: Any, data: Any) -> None:
    """Inputs that don't require grad get no gradient; the others still do."""
    sa = shapes.input_shapes[0]
    x = data.draw(values(sa))
    c = core.tensor(data.draw(values(sa)))
    if sa == ():
        check(lambda t: core.cat([c.unsqueeze(0), t.unsqueeze(0), c.unsqueeze(0)], 0), x)
    else:
        check(lambda t: core.cat([c, t, c], 0), x)


# ============================================================ softmax family
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@FAST
@given(shape=SHAPES, data=st.data())
def test_softmax_family(name: str, shape: Any, data: Any) -> None:
    x = data.draw(values(shape, -3.0, 3.0))
    nd = max(len(shape), 1)
    dim = data.draw(st.integers(-nd, nd - 1))
    check(lambda t: getattr(core, name)(t, dim), x)
    check(lambda t: getattr(t, name)(dim) * 2, x, second=False)
    check(lambda t: getattr(core.nn.functional, name)(t, dim=dim), x, second=False)


# ============================================================ indexing
def _int_key(draw: Any, shape: tuple[int, ...]) -> Any:
    """A random basic or advanced key for an array of ``shape`` (ndim >= 1)."""
    kind = draw(st.sampled_from(["int", "slice", "array", "mask", "mixed", "ellipsis",
                                 "none", "tensor_array"]))
    n0 = shape[0]
    if kind == "int":
        return draw(st.integers(-n0, n0 - 1))
    if kind == "slice":
        start = draw(st.none() | st.integers(-n0, n0))
        stop = draw(st.none() | st.integers(-n0, n0))
        step = draw(st.none() | st.integers(1, 2))
        return (slice(start, stop, step),) + tuple(
            draw(st.integers(0, s - 1)) if draw(st.booleans()) else slice(None)
            for s in shape[1:2])
    if kind in ("array", "tensor_array"):
        idx = draw(st.lists(st.integers(-n0, n0 - 1), min_size=1, max_size=5))  # repeats
        return core.tensor(idx) if kind == "tensor_array" else idx
    if kind == "mask":
        return core.tensor(draw(hnp.arrays(np.bool_, shape)))
    if kind == "mixed":
        idx = draw(st.lists(st.integers(0, n0 - 1), min_size=1, max_size=4))
        return (idx, slice(None)) if len(shape) >= 2 else (idx,)
    if kind == "ellipsis":
        return (Ellipsis, draw(st.integers(0, shape[-1] - 1)))
    return (None, slice(None))


@FAST
@given(shape=NONEMPTY, data=st.data())
def test_getitem(shape: Any, data: Any) -> None:
    x = data.draw(values(shape))
    key = _int_key(data.draw, shape)
    check(lambda t: t[key], x)
    check(lambda t: t[key] * t[key], x, second=False)


@FAST
@given(shape=NONEMPTY, data=st.data())
def test_getitem_repeated_indices_accumulate(shape: Any, data: Any) -> None:
    x = data.draw(values(shape))
    idx = [0, 0, -1, 0]
    check(lambda t: t[idx], x)
    out = leaf(x)
    out[idx].sum().backward()
    expected = np.zeros(shape)
    np.add.at(expected, idx, 1.0)
    np.testing.assert_array_equal(out.grad.numpy(), expected)


@FAST
@given(shape=NONEMPTY, data=st.data())
def test_setitem_copyslices(shape: Any, data: Any) -> None:
    """``y[key] = v``: y's gradient flows around the overwritten part, v's through it."""
    x = data.draw(values(shape))
    kind = data.draw(st.sampled_from(["int", "slice", "mask", "array", "scalar_value"]))
    n0 = shape[0]
    if kind == "int":
        key: Any = data.draw(st.integers(-n0, n0 - 1))
        vshape = shape[1:]
    elif kind == "slice":
        start = data.draw(st.integers(0, n0 - 1))
        key = slice(start, None)
        vshape = (n0 - start,) + shape[1:]
    elif kind == "array":
        idx = data.draw(st.lists(st.integers(0, n0 - 1), min_size=1, max_size=n0, unique=True))
        key = idx
        vshape = (len(idx),) + shape[1:]
    elif kind == "mask":
        mask = data.draw(hnp.arrays(np.bool_, shape))
        key = core.tensor(mask)
        vshape = (int(mask.sum()),)
    else:
        key = (Ellipsis,)
        vshape = ()
    # the value broadcasts when its trailing dims are dropped
    if vshape and data.draw(st.booleans()):
        vshape = vshape[1:]
    v = data.draw(values(vshape))

    def f(t: Any, w: Any) -> Any:
        y = t * 1.5
        y[key] = w ** 2
        return y

    check(f, x, v)

    def g(w: Any) -> Any:  # into a constant that doesn't require grad (seed 001's n)
        y = core.zeros(*shape, dtype=core.float64)
        y[key] = w * 3
        return y * y

    check(g, v)


# ============================================================ the check itself can fail
@pytest.fixture
def bogus_op() -> Any:
    op = defop("test_bogus_square", "BogusBackward0", saves=(0,))
    defvjp(op, lambda g, ans, x: g * x * 3)  # wrong: d(x²)/dx is 2x
    yield op
    del REGISTRY["test_bogus_square"]


def test_gradcheck_catches_a_wrong_rule(bogus_op: Any) -> None:
    def bogus(t: Any) -> Any:
        return record(bogus_op, (t,), t._data ** 2)

    x = leaf([0.5, -1.0, 2.0])
    assert bogus(x).grad_fn.name() == "BogusBackward0"
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradcheck(bogus, (x,))
    assert gradcheck(bogus, (x,), raise_exception=False) is False


def test_gradgradcheck_catches_a_wrong_second_derivative() -> None:
    """A rule whose value is right but which isn't itself differentiable correctly:
    the first derivative matches, the second does not."""
    op = defop("test_bogus_cube", "BogusBackward1", saves=(0,))
    # right value 3x² but computed from a detached x: its own derivative is lost
    defvjp(op, lambda g, ans, x: g * 3 * x.detach() ** 2)
    try:
        def cube(t: Any) -> Any:
            return record(op, (t,), t._data ** 3)

        x = leaf([0.5, -1.0, 2.0])
        assert gradcheck(cube, (x,))
        with pytest.raises(GradcheckError):
            gradgradcheck(cube, (x,))
    finally:
        del REGISTRY["test_bogus_cube"]


def test_gradcheck_rejects_float32() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(GradcheckError, match="float64"):
        gradcheck(core.exp, (x,))


# ============================================================ rules that are ops of their own
def _fused_cases() -> dict[str, tuple[Callable[..., Any], Callable[..., Any]]]:
    from core.ops import activation as act
    from core.ops import elementwise as ew

    return {
        # name: (fn(g, y), strategy of y); g is drawn from `values`
        "tanh_backward": (ew.tanh_backward, lambda s: values(s, -0.9, 0.9)),
        "sigmoid_backward": (ew.sigmoid_backward, lambda s: values(s, 0.1, 0.9)),
        "threshold_backward": (ew.threshold_backward, away_from_zero),
        "softplus_backward": (lambda g, x: ew.softplus_backward(g, x, 1.5, 20.0),
                              lambda s: values(s, -3.0, 3.0)),
        "softplus_backward_linear": (lambda g, x: ew.softplus_backward(g, x, 1.0, 0.5),
                                     lambda s: grid(s, offset=0.1)),
        "softmax_backward_data": (lambda g, y: act.softmax_backward_data(g, y, -1),
                                  lambda s: values(s, 0.1, 0.9)),
        "log_softmax_backward_data": (lambda g, y: act.log_softmax_backward_data(g, y, 0),
                                      lambda s: values(s, -3.0, -0.1)),
    }


@pytest.mark.parametrize("name", sorted(_fused_cases()))
@FAST
@given(shape=NONEMPTY, data=st.data())
def test_fused_backward_ops(name: str, shape: Any, data: Any) -> None:
    """relu, softplus, softmax... differentiate through one op each (as torch's
    *_backward kernels); those ops' own rules give the third derivatives."""
    fn, strat_y = _fused_cases()[name]
    check(fn, data.draw(values(shape)), data.draw(strat_y(shape)))


@pytest.mark.parametrize("fn", [core.relu, core.abs])
def test_piecewise_linear_second_derivative_is_zero(fn: Callable[..., Any]) -> None:
    """As in torch: the gradient of relu/abs under create_graph depends on x, and its own
    derivative is zero, not a "does not require grad" error. (clamp's, maximum's and
    where's gradients don't depend on x, in torch as here.)"""
    x = core.tensor([1.5, -2.0, 3.0], dtype=core.float64, requires_grad=True)
    (g,) = core.autograd.grad(fn(x).sum(), x, create_graph=True)
    assert g.requires_grad
    (h,) = core.autograd.grad(g.sum(), x)
    assert h.tolist() == [0.0, 0.0, 0.0]


def test_relu_gradient_is_plus_zero_where_masked() -> None:
    """torch's threshold_backward writes +0 where the input was ≤ 0, even for a negative
    incoming gradient; a product with the mask would give −0 (printed as "-0.")."""
    x = core.tensor([-1.0, 2.0], requires_grad=True)
    (x.relu() * -3).sum().backward()
    assert not np.signbit(x.grad.numpy()[0]) and x.grad.tolist() == [0.0, -3.0]
