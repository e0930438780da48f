"""Graph ▸ Jacobian / Hessian numbers: core.autograd.functional, laid out as one matrix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.graph import GraphError, load
from core.graph.matrices import hessian_matrix, jacobian_matrix
from core.graph.parser import parse

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def test_the_seed_jacobian_exercise_is_4_3_2_6():
    m = jacobian_matrix(load(EXAMPLES / "08_jacobian.json"))
    np.testing.assert_array_equal(m.matrix, [[4, 3], [2, 6]])
    assert m.rows == ["k[0]", "k[1]"] and m.cols == ["x[0]", "x[1]"]
    assert "∂k/∂(x)" in m.title


def test_jacobian_of_several_variables_concatenates_their_columns():
    doc = parse("y = [a*b, a + c[1]]", values={"a": 2.0, "b": 3.0, "c": [1.0, 5.0]},
                requires_grad=True)
    m = jacobian_matrix(doc)
    assert m.cols == ["a", "b", "c[0]", "c[1]"]
    np.testing.assert_array_equal(m.matrix, [[3, 2, 0, 0], [1, 0, 0, 1]])


def test_hessian_of_rosenbrock_against_torch():
    torch = pytest.importorskip("torch")
    doc = load(EXAMPLES / "23_rosenbrock.json")
    m = hessian_matrix(doc)
    want = torch.autograd.functional.hessian(
        lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2,
        torch.tensor([-1.5, 2.0]))
    np.testing.assert_allclose(m.matrix, want.numpy(), rtol=1e-6)
    assert m.rows == m.cols == ["x", "y"]


def test_hessian_of_a_linear_output_is_zero_not_an_error():
    doc = parse("out = mean(y - x*3)", values={"x": [1.0, 2.0], "y": [0.5, 0.5]},
                requires_grad=True)
    m = hessian_matrix(doc)
    assert m.matrix.shape == (4, 4) and not m.matrix.any()


def test_hessian_needs_a_scalar_and_both_need_variables():
    with pytest.raises(GraphError, match="scalar output"):
        hessian_matrix(load(EXAMPLES / "08_jacobian.json"))
    doc = parse("y = a*2", values={"a": 1.0}, requires_grad=False)
    with pytest.raises(GraphError, match="requires grad"):
        jacobian_matrix(doc)
