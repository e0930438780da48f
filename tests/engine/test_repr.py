"""Tensor repr must match PyTorch's character for character (users compare with tutorials)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core._size import Size
from core._tensor_str import format_array, printoptions, tensor_repr

# ---------------------------------------------------------------------------------------------
# torch-free: hard-coded strings taken from torch 2.13
# ---------------------------------------------------------------------------------------------

F32 = np.float32


@pytest.mark.parametrize(
    ("arr", "suffixes", "expected"),
    [
        (np.array(-2.0, F32), [], "tensor(-2.)"),
        (np.array(28.0, F32), ["grad_fn=<MulBackward0>"], "tensor(28., grad_fn=<MulBackward0>)"),
        (np.array([0, 4, 8, 12], F32), [], "tensor([ 0.,  4.,  8., 12.])"),
        (
            np.array([0, 1, 2, 3], F32),
            ["requires_grad=True"],
            "tensor([0., 1., 2., 3.], requires_grad=True)",
        ),
        (np.array(1.0, F32) + F32(1e-7), [], "tensor(1.0000)"),
        (np.array([1.0, 1.5], F32), [], "tensor([1.0000, 1.5000])"),
        (np.array([1e-5, 1.0], F32), [], "tensor([1.0000e-05, 1.0000e+00])"),
        (np.array([1e10, 1.0], F32), [], "tensor([1.0000e+10, 1.0000e+00])"),
        (np.array([np.nan, np.inf, -np.inf, 1.0], F32), [], "tensor([nan, inf, -inf, 1.])"),
        (np.array([np.nan, 0.5], F32), [], "tensor([   nan, 0.5000])"),
        (np.array([True, False]), [], "tensor([ True, False])"),
        (np.array([1, -20, 300]), [], "tensor([  1, -20, 300])"),
        (np.array(3), [], "tensor(3)"),
        (np.array([1.5, 2.0]), [], "tensor([1.5000, 2.0000], dtype=torch.float64)"),
        (
            np.array(2.0),
            ["requires_grad=True"],
            "tensor(2., dtype=torch.float64, requires_grad=True)",
        ),
        (np.array([0.0, -0.0], F32), [], "tensor([0., -0.])"),
        (np.zeros(0, F32), [], "tensor([])"),
        (np.zeros((0, 3), F32), [], "tensor([], size=(0, 3))"),
        (np.zeros(0, np.int64), [], "tensor([], dtype=torch.int64)"),
        (np.zeros((2, 0)), [], "tensor([], size=(2, 0), dtype=torch.float64)"),
        (
            np.arange(6, dtype=F32).reshape(2, 3),
            [],
            "tensor([[0., 1., 2.],\n        [3., 4., 5.]])",
        ),
        (
            np.arange(8).reshape(2, 2, 2),
            [],
            "tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])",
        ),
        (
            np.arange(2000, dtype=F32),
            [],
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
            "        1.9990e+03])",
        ),
        (np.arange(1001), [], "tensor([   0,    1,    2,  ...,  998,  999, 1000])"),
        (
            np.arange(30, dtype=F32),
            [],
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
            "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
            "        28., 29.])",
        ),
        (
            np.arange(1100).reshape(100, 11),
            [],
            "tensor([[   0,    1,    2,  ...,    8,    9,   10],\n"
            "        [  11,   12,   13,  ...,   19,   20,   21],\n"
            "        [  22,   23,   24,  ...,   30,   31,   32],\n"
            "        ...,\n"
            "        [1067, 1068, 1069,  ..., 1075, 1076, 1077],\n"
            "        [1078, 1079, 1080,  ..., 1086, 1087, 1088],\n"
            "        [1089, 1090, 1091,  ..., 1097, 1098, 1099]])",
        ),
        (
            np.arange(13, dtype=F32) + F32(0.5),
            ["grad_fn=<AddBackward0>"],
            "tensor([ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,\n"
            "         8.5000,  9.5000, 10.5000, 11.5000, 12.5000], grad_fn=<AddBackward0>)",
        ),
        (
            np.arange(7, dtype=np.float64) + 0.5,
            ["grad_fn=<AddBackward0>"],
            "tensor([0.5000, 1.5000, 2.5000, 3.5000, 4.5000, 5.5000, 6.5000],\n"
            "       dtype=torch.float64, grad_fn=<AddBackward0>)",
        ),
    ],
)
def test_known_strings(arr: np.ndarray, suffixes: list[str], expected: str) -> None:
    assert format_array(arr, suffixes) == expected


def test_tensor_repr_reads_tensor_fields() -> None:
    node = SimpleNamespace(name=lambda: "MulBackward0")
    t = SimpleNamespace(_data=np.array(28.0, F32), grad_fn=node, requires_grad=True, is_leaf=False)
    assert tensor_repr(t) == "tensor(28., grad_fn=<MulBackward0>)"
    leaf = SimpleNamespace(
        _data=np.arange(4, dtype=F32), grad_fn=None, requires_grad=True, is_leaf=True
    )
    assert tensor_repr(leaf) == "tensor([0., 1., 2., 3.], requires_grad=True)"
    plain = SimpleNamespace(_data=np.array([2.5]), grad_fn=None, requires_grad=False)
    assert tensor_repr(plain) == "tensor([2.5000], dtype=torch.float64)"


def test_printoptions_precision_and_restore() -> None:
    arr = np.array([1.12345, 2.0], F32)
    with printoptions(precision=2):
        assert format_array(arr) == "tensor([1.12, 2.00])"
    with printoptions(threshold=5):
        assert format_array(np.arange(10)) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    with printoptions(sci_mode=True):
        assert format_array(np.array([1.0], F32)) == "tensor([1.0000e+00])"
    assert format_array(arr) == "tensor([1.1235, 2.0000])"


def test_size() -> None:
    s = Size([2, 3])
    assert repr(s) == "torch.Size([2, 3])"
    assert str(s) == "torch.Size([2, 3])"
    assert repr(Size(())) == "torch.Size([])"
    assert s.numel() == 6 and Size(()).numel() == 1 and Size((4, 0)).numel() == 0
    assert s == (2, 3) and isinstance(s, tuple)
    assert isinstance(s[:1], Size) and s[-1] == 3
    assert isinstance(s + (4,), Size) and tuple(s + (4,)) == (2, 3, 4)
    assert isinstance((1,) + s, Size) and tuple((1,) + s) == (1, 2, 3)
    assert hash(s) == hash((2, 3))


def test_core_tensor_repr_if_engine_present() -> None:
    core = pytest.importorskip("core")
    if not hasattr(core, "tensor"):
        pytest.skip("engine not available")
    x = core.tensor([0.0, 1.0, 2.0, 3.0], requires_grad=True)
    assert repr(x) == "tensor([0., 1., 2., 3.], requires_grad=True)"
    assert str(x) == repr(x)
    y = (x * 4).sum()
    assert repr(y) == "tensor(24., grad_fn=<SumBackward0>)"
    assert repr(x.shape) == "torch.Size([4])"


# ---------------------------------------------------------------------------------------------
# against real torch, on drawn arrays
# ---------------------------------------------------------------------------------------------


def _torch_repr(arr: np.ndarray, requires_grad: bool = False) -> str:
    torch = pytest.importorskip("torch")
    t = torch.from_numpy(np.array(arr, order="C", copy=True))
    if requires_grad:
        t.requires_grad_(True)
    return repr(t)


_shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5)


def _float_elements(dtype: np.dtype) -> st.SearchStrategy[float]:
    width = 32 if dtype == np.float32 else 64
    return st.one_of(
        st.floats(width=width, allow_nan=True, allow_infinity=True),
        st.floats(-1e4, 1e4, width=width),
        st.integers(-1000, 1000).map(float),
        st.floats(-1.0, 1.0, width=width),
        st.sampled_from([0.0, -0.0, 1e-5, 1e8, 1.5e8, 1e-4, 9.99e-5, 1000.0, 0.1]),
    )


@st.composite
def _arrays(draw: st.DrawFn) -> np.ndarray:
    kind = draw(st.sampled_from(["f32", "f64", "i64", "bool"]))
    shape = draw(_shapes)
    if kind == "bool":
        return draw(hnp.arrays(np.bool_, shape))
    if kind == "i64":
        bound = draw(st.sampled_from([9, 1000, 2**62]))
        return draw(hnp.arrays(np.int64, shape, elements=st.integers(-bound, bound)))
    dtype = np.dtype(np.float32 if kind == "f32" else np.float64)
    return draw(hnp.arrays(dtype, shape, elements=_float_elements(dtype)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arr=_arrays(), requires_grad=st.booleans())
def test_matches_torch_small(arr: np.ndarray, requires_grad: bool) -> None:
    requires_grad = requires_grad and arr.dtype.kind == "f"
    suffixes = ["requires_grad=True"] if requires_grad else []
    assert format_array(arr, suffixes) == _torch_repr(arr, requires_grad)


@st.composite
def _big_arrays(draw: st.DrawFn) -> np.ndarray:
    """Large arrays (summarization, wrapping) built from a seed: hypothesis can't draw 1e4 items."""
    seed = draw(st.integers(0, 2**32 - 1))
    ndim = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 40), min_size=ndim, max_size=ndim)))
    rng = np.random.default_rng(seed)
    kind = draw(st.sampled_from(["normal", "int", "intfloat", "wide", "bool"]))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    if kind == "normal":
        return (rng.standard_normal(shape) * draw(st.sampled_from([1e-6, 1.0, 1e3]))).astype(dtype)
    if kind == "intfloat":
        return rng.integers(-500, 500, shape).astype(dtype)
    if kind == "wide":
        return (rng.standard_normal(shape) * 10.0 ** rng.integers(-8, 8, shape)).astype(dtype)
    if kind == "bool":
        return rng.random(shape) < 0.5
    return rng.integers(-(10**6), 10**6, shape)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arr=_big_arrays())
def test_matches_torch_large(arr: np.ndarray) -> None:
    assert format_array(arr) == _torch_repr(arr)


@settings(max_examples=60, deadline=None)
@given(
    arr=hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=2, max_side=12)),
    precision=st.integers(0, 6),
    linewidth=st.integers(20, 120),
    edgeitems=st.integers(0, 4),
    sci_mode=st.sampled_from([None, True, False]),
)
def test_matches_torch_printoptions(
    arr: np.ndarray, precision: int, linewidth: int, edgeitems: int, sci_mode: bool | None
) -> None:
    torch = pytest.importorskip("torch")
    opts = dict(
        precision=precision,
        linewidth=linewidth,
        edgeitems=edgeitems,
        threshold=20,
        sci_mode=sci_mode,
    )
    with torch._tensor_str.printoptions(**opts):
        expected = _torch_repr(arr, True)
    with printoptions(**opts):
        got = format_array(arr, ["requires_grad=True"])
    assert got == expected


def test_grad_fn_suffix_wrapping_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    for n in range(1, 16):
        base = np.arange(n, dtype=np.float64) / 3
        t = torch.tensor(base, requires_grad=True) * 1
        assert format_array(t.detach().numpy(), ["grad_fn=<MulBackward0>"]) == repr(t)
