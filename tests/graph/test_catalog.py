"""The catalog: every entry is complete, and its engine call agrees with PyTorch."""

import numpy as np
import pytest

from core.graph import CATEGORIES, OPS, ops_in
from core.graph.catalog import Param, ParamError, index_from_key, index_key

ISSUE_OPS = ("variable constant add sub mul div neg pow exp log sqrt abs sin cos tanh sigmoid "
             "relu maximum sum mean dot matmul transpose reshape index softmax mse_loss "
             "cross_entropy output").split()


def test_issue_ops_present_and_complete():
    for name in ISSUE_OPS:
        assert name in OPS
    for s in OPS.values():
        assert s.category in CATEGORIES
        assert s.symbol and s.description and s.derivative_text
        assert s.has_value or s.engine is not None
    assert [s.name for s in ops_in("inputs")] == ["variable", "constant"]
    assert "unindex" not in [s.name for s in ops_in("linear algebra")]


# inputs per op: (args as numpy arrays, params)
_M = np.array([[0.5, -1.0], [2.0, 0.25]], dtype=np.float32)
_V = np.array([0.5, -1.5, 2.0], dtype=np.float32)
CASES = {
    "add": ({"a": _M, "b": _M.T}, {}), "sub": ({"a": _M, "b": _V[:2]}, {}),
    "mul": ({"a": _M, "b": _M}, {}), "div": ({"a": _M, "b": _M + 3}, {}),
    "neg": ({"x": _V}, {}), "pow": ({"base": np.abs(_V), "exponent": None}, {"exponent": 1.5}),
    **{u: ({"x": np.abs(_V) if u in ("log", "sqrt") else _V}, {}) for u in
       ("exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu")},
    "maximum": ({"a": _V, "b": _V[::-1].copy()}, {}),
    "softmax": ({"x": _M}, {"dim": 0}), "log_softmax": ({"x": _M}, {"dim": -1}),
    "sum": ({"x": _M}, {"dim": 1, "keepdim": True}), "mean": ({"x": _M}, {}),
    "dot": ({"a": _V, "b": _V}, {}), "matmul": ({"a": _M, "b": _M}, {}),
    "transpose": ({"x": _M}, {}), "reshape": ({"x": _M}, {"shape": (4,)}),
    "index": ({"x": _M}, {"index": (":", 1)}), "stack": ({"xs": [_V, _V * 2]}, {"dim": 1}),
    "mse_loss": ({"input": _M, "target": _M * 0}, {"reduction": "sum"}),
    "cross_entropy": ({"input": _M, "target": np.array([1, 0])}, {}),
    "expand": ({"x": _V[:2].reshape(1, 2)}, {"shape": (3, 2)}),
    "sum_to": ({"x": _M}, {"shape": (1, 2)}),
    "to_dtype": ({"x": _M}, {"dtype": "float64"}),
    "where": ({"condition": _M > 0, "a": _M, "b": -_M}, {}),
    "unindex": ({"x": _V[:2]}, {"index": (":", 1), "shape": (2, 3)}),
    "tanh_backward": ({"grad": _V, "y": _V / 3}, {}),
    "sigmoid_backward": ({"grad": _V, "y": _V / 3}, {}),
    "addmm": ({"bias": _V[:2], "a": _M, "b": _M}, {}),
    "detach": ({"x": _V}, {}), "output": ({"value": _V}, {}),
    # hidden entries Differentiate uses for engine ops without a node of their own
    "permute": ({"x": np.arange(24, dtype=np.float32).reshape(2, 3, 4)}, {"dims": (2, 0, 1)}),
    "minimum": ({"a": _M, "b": _V[:2]}, {}),
    "clamp": ({"x": _V}, {"min": -1.0, "max": 1.0}),
    "softplus": ({"x": _V * 4}, {"beta": 2.0, "threshold": 3.0}),
    "sign": ({"x": _V}, {}), "tan": ({"x": _V / 2}, {}),
    "cat": ({"xs": [_M, _M[:1]]}, {"dim": 0}),
    "index_put": ({"x": _M, "value": _V[:2]}, {"index": (1,)}),
    "prod": ({"x": _M}, {"dim": 0, "keepdim": True}),
    "amax": ({"x": _M}, {"dim": (0, 1), "keepdim": False}),
    "max_dim": ({"x": _M}, {"dim": 1, "keepdim": False}),
    "amin": ({"x": _M}, {"dim": (1,), "keepdim": True}),
    "min_dim": ({"x": _M}, {"dim": 0, "keepdim": True}),
    "norm": ({"x": _M}, {"p": 3.0, "dim": (1,)}),
    "var": ({"x": _M}, {"dim": (0,), "correction": 0, "keepdim": True}),
    "std": ({"x": _M}, {}),
    "nll_loss": ({"input": _M, "target": np.array([1, 0])}, {"reduction": "sum"}),
    "softmax_backward_data": ({"grad": _M, "y": _M / 4 + 0.5}, {"dim": 0}),
    "log_softmax_backward_data": ({"grad": _M, "y": -np.abs(_M)}, {"dim": 1}),
    "softplus_backward": ({"grad": _V, "x": _V * 4}, {"beta": 2.0, "threshold": 3.0}),
    "threshold_backward": ({"grad": _V, "y": _V}, {"threshold": 0.5}),
}


def test_every_op_has_a_case():
    assert set(CASES) == {n for n, s in OPS.items() if not s.has_value}


@pytest.mark.parametrize("name", sorted(CASES))
def test_engine_call_matches_torch(name):
    torch = pytest.importorskip("torch")
    import core

    args, params = CASES[name]

    def run(lib):
        def conv(v):
            if v is None:
                return None
            if isinstance(v, list):
                return [conv(e) for e in v]
            return lib.from_numpy(np.array(v))

        out = OPS[name].call({k: conv(v) for k, v in args.items()}, params, lib)
        return np.array(out.detach().numpy())

    np.testing.assert_allclose(run(core), run(torch), rtol=1e-6, atol=1e-7)


def test_param_coercion_and_index_round_trip():
    p = Param("index", "index", (0,))
    assert p.coerce("0, :, 1:3, None, ...") == (0, ":", "1:3", "None", "...")
    assert index_key(p.coerce("0, ::2")) == (0, slice(None, None, 2))
    assert index_from_key((0, slice(1, None), None)) == (0, "1:", "None")
    with pytest.raises(ParamError):
        p.coerce("a")
    assert Param("d", "int?", None).coerce("none") is None
    assert Param("k", "bool", False).coerce("true") is True
    with pytest.raises(ParamError):
        Param("r", "choice", "mean", choices=("mean", "sum")).coerce("max")
    assert Param("m", "float?", None).coerce("None") is None
    assert Param("m", "float?", None).coerce("0.5") == 0.5


def test_index_param_takes_integer_arrays():
    """Integer arrays (what cross_entropy's gradient picks with) are index parts too:
    nested tuples in the document, lists in text and JSON, numpy arrays in the key."""
    p = Param("index", "index", (0,))
    assert p.coerce("[0, 2], :") == ((0, 2), ":")
    assert p.coerce("[[0], [1]], [2, 0]") == (((0,), (1,)), (2, 0))
    assert p.coerce("[(0, 2), 1]") == ((0, 2), 1)  # as the node shows it
    assert p.coerce([[0, 2], ":"]) == ((0, 2), ":")
    key = index_key(((0, 2), ":"))
    assert key[0].tolist() == [0, 2] and key[1] == slice(None)
    assert index_from_key((np.array([1, 0]), np.array([True, False, True]))) == (
        (1, 0), (0, 2))
    assert p.coerce("[[0, 2]]") == ((0, 2),)  # outer brackets: the whole index
    for bad in ([[0, 1.5]], [[[0], [1, 2]]], [[True]], "[0, 2], [1"):
        with pytest.raises(ParamError):
            p.coerce(bad)
