"""loss_grid: the batched grid equals the document evaluated point by point."""

from __future__ import annotations

import numpy as np
import pytest

from core.graph import GraphError
from core.graph.evaluate import Evaluator
from core.graph.landscape import loss_grid
from core.graph.parser import parse


def _pointwise(doc, coords, xs, ys=None):
    """The output at each grid point, by setting the values and evaluating the document."""
    d = doc.copy()
    ev = Evaluator(d)

    def at(vals):
        for (nid, idx), v in zip(coords, vals):
            arr = np.array(d.node(nid).value, copy=True)
            arr.reshape(-1)[idx] = v
            d.set_value(nid, arr)
        y = ev.value(d.output)
        assert y is not None, ev.errors
        y = np.asarray(y, dtype=np.float64)
        if d.output_gradient is not None:
            return float(np.sum(y * np.asarray(d.output_gradient, dtype=np.float64)))
        return float(y.reshape(-1)[0])

    if ys is None:
        return np.array([at([x]) for x in xs])
    return np.array([[at([x, y]) for x in xs] for y in ys])


UNARY = ("sin", "cos", "tanh", "sigmoid", "exp", "abs", "relu", "softplus")
BINARY = ("+", "-", "*")


def _random_expression(rng: np.random.Generator, depth: int) -> str:
    if depth == 0:
        return str(rng.choice(["x", "y", "c", "v[0]", "v[1]", "sum(v)", "mean(v*x)",
                               "dot(v, v)"]))
    k = rng.integers(3)
    if k == 0:
        return f"{rng.choice(UNARY)}({_random_expression(rng, depth - 1)})"
    a, b = _random_expression(rng, depth - 1), _random_expression(rng, depth - 1)
    return f"({a} {rng.choice(BINARY)} {b})"


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_equal_point_by_point(seed):
    rng = np.random.default_rng(seed)
    text = "L = " + _random_expression(rng, 4) + " + x*x*0.1 + y*y*0.1"
    doc = parse(text, values={"x": 0.3, "y": -0.2, "c": 0.7, "v": [0.5, -1.5, 2.0]},
                requires_grad=True)
    ids = {n.name: n.id for n in doc}
    two = ((ids["x"], 0), (ids["v"], 1))
    g = loss_grid(doc, two, [(-1.5, 1.2), (-2.0, 0.5)], (7, 5))
    assert g.z.shape == (5, 7)
    want = _pointwise(doc, two, g.xs, g.ys)
    np.testing.assert_allclose(g.z, want, rtol=1e-6, atol=1e-6)
    one = ((ids["y"], 0),)
    g1 = loss_grid(doc, one, [(-1.0, 1.0)], 9)
    assert g1.ys is None and g1.z.shape == (9,)
    np.testing.assert_allclose(g1.z, _pointwise(doc, one, g1.xs), rtol=1e-6, atol=1e-6)


def test_regression_with_vectors_matmul_and_mse_is_batched():
    rng = np.random.default_rng(3)
    doc = parse("L = mse_loss(X @ w + b, t)",
                values={"X": rng.standard_normal((6, 2)).astype(np.float32),
                        "w": [0.5, -0.3], "b": 0.1,
                        "t": rng.standard_normal(6).astype(np.float32)}, requires_grad=True)
    ids = {n.name: n.id for n in doc}
    coords = ((ids["w"], 0), (ids["w"], 1))
    g = loss_grid(doc, coords, [(-2, 2), (-2, 2)], (6, 4))
    assert g.pointwise == ()  # every op had a batch rule
    np.testing.assert_allclose(g.z, _pointwise(doc, coords, g.xs, g.ys), rtol=1e-6)


def test_an_op_without_a_batch_rule_falls_back_node_by_node():
    doc = parse("L = prod(v) + norm(v)", values={"v": [1.0, 2.0, 3.0]}, requires_grad=True)
    v = doc.by_name("v").id
    coords = ((v, 0), (v, 2))
    g = loss_grid(doc, coords, [(-1, 1), (0, 2)], (4, 3))
    assert len(g.pointwise) == 2  # prod and norm, point by point
    np.testing.assert_allclose(g.z, _pointwise(doc, coords, g.xs, g.ys), rtol=1e-6)


def test_non_scalar_output_uses_the_gradient_argument_as_training_does():
    doc = parse("y = x*x", values={"x": [1.0, 2.0]}, requires_grad=True)
    doc.set_output(doc.output, gradient=[1.0, 3.0])
    x = doc.by_name("x").id
    g = loss_grid(doc, [(x, 0), (x, 1)], [(0, 1), (0, 1)], 3)
    np.testing.assert_allclose(g.z, g.xs[None, :] ** 2 + 3 * g.ys[:, None] ** 2, rtol=1e-6)


def test_document_unchanged_and_minimum_found():
    doc = parse("z = (x - 1)**2 + (y + 2)**2", values={"x": 0.0, "y": 0.0},
                requires_grad=True)
    x, y = doc.by_name("x").id, doc.by_name("y").id
    g = loss_grid(doc, [(x, 0), (y, 0)], [(-3, 3), (-4, 2)], 61)
    assert g.minimum() == pytest.approx((1.0, -2.0, 0.0), abs=1e-9)
    assert float(doc.node(x).value) == 0.0 and float(doc.node(y).value) == 0.0


def test_held_values_replace_the_documents():
    doc = parse("z = x*y", values={"x": 1.0, "y": 2.0}, requires_grad=True)
    x, y = doc.by_name("x").id, doc.by_name("y").id
    g = loss_grid(doc, [(x, 0)], [(0, 1)], 3, values={y: np.float32(5.0)})
    np.testing.assert_allclose(g.z, [0.0, 2.5, 5.0])


@pytest.mark.parametrize("coords,ranges,msg", [
    ([], [], "one or two"),
    ([("X", 0)], [(0, 1)], "floating-point variable"),
    ([("x", 3)], [(0, 1)], "no element 3"),
    ([("x", 0)], [(1, 0)], "empty"),
    ([("x", 0)], [(0, float("nan"))], "not finite"),
])
def test_bad_requests_say_why(coords, ranges, msg):
    doc = parse("z = x*x + X", values={"x": 1.0, "X": 2.0}, requires_grad=False)
    doc.set_requires_grad(doc.by_name("x").id, True)
    ids = {n.name: n.id for n in doc}
    doc.set_value(ids["X"], 2, dtype="int64")
    coords = [(ids[n], i) for n, i in coords]
    with pytest.raises(GraphError, match=msg):
        loss_grid(doc, coords, ranges, 5)
