"""The seed lessons in resources/examples reproduce the seeds' numbers."""

from pathlib import Path

import numpy as np
import pytest

from core.graph.evaluate import Evaluator
from core.graph.serialize import load, to_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def _ev(name):
    doc = load(EXAMPLES / f"{name}.json")
    assert doc.meta["title"] and doc.meta["explanation"]
    ev = Evaluator(doc)
    ev.forward()
    assert not ev.errors, ev.errors
    return doc, ev


def _id(doc, name):
    return doc.by_name(name).id


def test_every_example_is_listed_and_loads():
    names = sorted(p.stem for p in EXAMPLES.glob("*.json"))
    assert len(names) == 17  # the seed lessons 01-10, the neuron, the landscapes 20-25
    for n in names:
        _ev(n)


def test_the_generator_builds_every_committed_lesson():
    """tools/make_examples.py and resources/examples/ agree: a lesson edited in one place
    only (the generator or a JSON file) is caught here."""
    from tools.make_examples import build

    built = build()
    assert sorted(built) == sorted(p.stem for p in EXAMPLES.glob("*.json"))
    for name, doc in built.items():
        assert to_dict(doc) == to_dict(load(EXAMPLES / f"{name}.json")), name


def test_quadratic_gradient_and_second_derivative():
    doc, ev = _ev("01_quadratic")
    r = ev.backward()
    assert r.error is None
    assert r.leaf_grads[_id(doc, "x")] == pytest.approx(-2.0)
    d1 = ev.differentiate(wrt=_id(doc, "x"))
    e1 = Evaluator(d1)
    assert e1.value(d1.output) == pytest.approx(-2.0)
    d2 = e1.differentiate(wrt=_id(d1, "x"))
    assert Evaluator(d2).value(d2.output) == pytest.approx(2.0)
    assert ev.hessian(doc.output, _id(doc, "x")) == pytest.approx(2.0)


def test_shifted_square():
    doc, ev = _ev("02_shifted_square")
    assert ev.values[doc.output] == pytest.approx(19.0)
    assert ev.backward().leaf_grads[_id(doc, "x")] == pytest.approx(8.0)


def test_dot_product_gradient_is_4x():
    doc, ev = _ev("03_dot_product")
    assert ev.values[doc.output] == pytest.approx(28.0)
    g = ev.backward().leaf_grads[_id(doc, "x")]
    np.testing.assert_allclose(g, [0, 4, 8, 12])


def test_nonscalar_backward_with_gradient_argument():
    doc, ev = _ev("04_nonscalar_backward")
    np.testing.assert_allclose(ev.values[doc.output], [[1, 1], [0, 1]])
    r = ev.backward()
    np.testing.assert_allclose(r.leaf_grads[_id(doc, "x")], [[-2, -2], [0, 2]])
    # without the gradient argument the engine refuses, and says why
    r = ev.backward(gradient=None, output=_id(doc, "y"))
    assert r.error and "scalar" in r.error


def test_two_inputs_two_outputs_grad():
    doc, ev = _ev("05_two_outputs")
    x1, x2 = _id(doc, "x1"), _id(doc, "x2")
    y1, y2 = _id(doc, "y1"), _id(doc, "y2")
    assert ev.grad(y1, [x1, x2]) == [pytest.approx(2.0), pytest.approx(1.0)]
    assert ev.grad([y1, y2], [x1, x2]) == [pytest.approx(3.0), pytest.approx(2.0)]


def test_mean_of_matmul():
    doc, ev = _ev("06_mean_matmul")
    r = ev.backward()
    x, y, w = (doc.by_name(n) for n in ("x", "y", "w"))
    np.testing.assert_allclose(r.leaf_grads[y.id], np.full((10, 5), 0.02), rtol=1e-6)
    tol = {"rtol": 1e-4, "atol": 1e-7}
    np.testing.assert_allclose(r.leaf_grads[x.id],
                               np.tile(-w.value.sum(axis=1) / 50, (10, 1)), **tol)
    np.testing.assert_allclose(r.leaf_grads[w.id],
                               np.tile(-x.value.sum(axis=0)[:, None] / 50, (1, 5)), **tol)


def test_power_vector():
    doc, ev = _ev("07_power_vector")
    np.testing.assert_allclose(ev.values[doc.output], [[4, 27]])
    np.testing.assert_allclose(ev.backward().leaf_grads[_id(doc, "m")], [[4, 27]])


def test_jacobian_exercise():
    doc, ev = _ev("08_jacobian")
    np.testing.assert_allclose(ev.values[doc.output], [13, 13])
    np.testing.assert_allclose(ev.jacobian(doc.output, _id(doc, "x")), [[4, 3], [2, 6]])
    # the seed's way: backward with (1, 0) then (0, 1)
    rows = [ev.backward(gradient=g).leaf_grads[_id(doc, "x")] for g in ([1, 0], [0, 1])]
    np.testing.assert_allclose(rows, [[4, 3], [2, 6]])


def test_detach():
    doc, ev = _ev("09_detach")
    g = ev.backward().leaf_grads[_id(doc, "x")]
    np.testing.assert_allclose(g, ev.values[_id(doc, "u")])
    np.testing.assert_allclose(g, [0, 1, 4, 9])


def test_retain_graph_accumulation():
    doc, ev = _ev("10_retain_graph")
    assert ev.values[doc.output] == pytest.approx(18.0)
    assert ev.backward().leaf_grads[_id(doc, "x")] == pytest.approx(8.0)
    assert ev.backward(accumulate=True).leaf_grads[_id(doc, "x")] == pytest.approx(16.0)


def test_version_1_lessons_still_load():
    """The first ten lessons were written by format version 1 (before frames)."""
    import json

    old = [p for p in sorted(EXAMPLES.glob("*.json"))
           if json.loads(p.read_text(encoding="utf-8"))["version"] == 1]
    assert len(old) >= 10
    for p in old:
        assert not load(p).frames


def test_neuron_is_one_collapsed_frame():
    from core.graph.replay import collapse_steps

    doc, ev = _ev("11_neuron")
    (f,) = doc.frames.values()
    assert f.title == "neuron" and f.collapsed
    assert sorted(doc.node(m).op for m in f.members) == ["add", "mul", "tanh"]
    y = np.tanh(0.5 * 2.0 - 0.5)
    assert ev.values[doc.by_name("y").id] == pytest.approx(y, rel=1e-6)
    r = ev.backward()
    assert r.leaf_grads[_id(doc, "w")] == pytest.approx(2.0 * (1 - y * y), rel=1e-5)
    assert r.leaf_grads[_id(doc, "b")] == pytest.approx(1 - y * y, rel=1e-5)
    steps = collapse_steps(r.steps, doc)
    assert [s.kind for s in steps].count("frame") == 1
    assert len(next(s for s in steps if s.kind == "frame").inner) == 3
