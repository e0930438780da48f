"""The built-in landscapes (resources/examples/20_…25_) do what their notes say."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.graph.landscape import loss_grid
from core.graph.race import Race
from core.graph.serialize import load

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
NAMES = ("20_descent_quadratic", "21_ravine", "22_saddle", "23_rosenbrock", "24_beale",
         "25_himmelblau")


def _race(name):
    doc = load(EXAMPLES / f"{name}.json")
    r = Race(doc, doc.meta["race"])
    return doc, r, r.run(int(doc.meta["steps"]))


@pytest.mark.parametrize("name", NAMES)
def test_each_has_a_note_a_race_and_a_landscape(name):
    doc = load(EXAMPLES / f"{name}.json")
    assert doc.meta["watch"].startswith("Watch") and len(doc.meta["watch"]) < 160
    assert doc.meta["race"] and doc.meta["steps"] > 0
    ids = [n.id for n in doc if n.op == "variable"]
    assert all(doc.node(i).requires_grad for i in ids)
    g = loss_grid(doc, [(i, 0) for i in ids], [(-2, 2)] * len(ids), 11)
    assert g.pointwise == () and np.isfinite(g.z).all()


def test_quadratic_sgd_ends_at_0_99996():
    _, _, t = _race("20_descent_quadratic")
    assert t["sgd"].params[-1, 0] == pytest.approx(0.99996, abs=1e-5)
    assert np.all(np.diff(t["sgd"].params[:, 0]) > 0)  # slides, never overshoots
    assert t["momentum"].params[:, 0].max() > 1.0  # momentum overshoots


def test_ravine_sgd_zigzags_and_momentum_ends_lower():
    _, _, t = _race("21_ravine")
    y = t["sgd"].params[:20, 1]
    assert np.all(np.sign(y[1:]) == -np.sign(y[:-1]))  # across the walls, every step
    assert t["sgd"].params[-1, 0] < -0.05  # still on the floor's far end
    assert t["momentum"].loss[-1] < t["sgd"].loss[-1] / 10


def test_saddle_sgd_lingers_and_adam_leaves_sooner():
    _, _, t = _race("22_saddle")
    sgd, adam = t["sgd"].params, t["adam"].params
    assert abs(sgd[30, 0]) < 0.1 and abs(sgd[30, 1]) < 0.05  # near (0, 0), 30 steps in
    assert abs(adam[30, 1]) > 10 * abs(sgd[30, 1])
    assert abs(sgd[-1, 1]) > 0.5  # but it slides off in the end


def test_rosenbrock_adam_reaches_1_1_and_sgd_does_not():
    _, r, t = _race("23_rosenbrock")
    np.testing.assert_allclose(t["adam"].params[-1], [1.0, 1.0], atol=0.05)
    assert np.linalg.norm(t["sgd"].params[-1] - 1.0) > 1.0
    assert r.winner() == "adam"


def test_beale_adaptive_optimizers_reach_3_half():
    _, _, t = _race("24_beale")
    for name in ("adam", "rmsprop", "adagrad"):
        np.testing.assert_allclose(t[name].params[-1], [3.0, 0.5], atol=0.02)
    assert np.linalg.norm(t["sgd"].params[-1] - [3.0, 0.5]) > 0.2


def test_himmelblau_runners_end_in_different_minima():
    _, _, t = _race("25_himmelblau")
    np.testing.assert_allclose(t["sgd"].params[-1], [-3.7793, -3.2832], atol=1e-3)
    np.testing.assert_allclose(t["momentum"].params[-1], [-3.7793, -3.2832], atol=1e-3)
    np.testing.assert_allclose(t["adam"].params[-1], [-2.8051, 3.1313], atol=1e-3)
    np.testing.assert_allclose(t["rmsprop"].params[-1], [-2.8051, 3.1313], atol=1e-3)
