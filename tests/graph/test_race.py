"""race(): every runner's trajectory is core.optim's (and torch's), step by step."""

from __future__ import annotations

import numpy as np
import pytest

import core
from core.graph import GraphError
from core.graph.parser import parse
from core.graph.race import Race, race
from core.graph.train import OPTIMIZERS

ROSENBROCK = "z = (1 - x)**2 + 100*(y - x**2)**2"
SETTINGS = {
    "sgd": {"optimizer": "sgd", "lr": 0.001},
    "momentum": {"optimizer": "momentum", "lr": 0.0005, "momentum": 0.8},
    "nesterov": {"optimizer": "nesterov", "lr": 0.0005},
    "adam": {"optimizer": "adam", "lr": 0.02, "betas": (0.8, 0.99)},
    "adamw": {"optimizer": "adamw", "lr": 0.02, "weight_decay": 0.1},
    "rmsprop": {"optimizer": "rmsprop", "lr": 0.005},
    "adagrad": {"optimizer": "adagrad", "lr": 0.3},
}


def _doc():
    return parse(ROSENBROCK, values={"x": -1.0, "y": 1.5}, requires_grad=True)


def _loop(lib, settings, steps):
    """A hand-written PyTorch loop on the same function (lib: core or torch)."""
    s = dict(settings)
    spec = OPTIMIZERS[s.pop("optimizer")]
    x = lib.tensor(-1.0, requires_grad=True)
    y = lib.tensor(1.5, requires_grad=True)
    opt = getattr(lib.optim, spec.cls)([x, y], **{**spec.defaults, **s, **spec.fixed})
    rows, losses = [[-1.0, 1.5]], []
    for _ in range(steps):
        opt.zero_grad()
        z = (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
        losses.append(float(z.item()))
        z.backward()
        opt.step()
        rows.append([float(x.item()), float(y.item())])
    return np.array(rows), np.array(losses)


@pytest.mark.parametrize("label", list(SETTINGS))
def test_trajectory_equals_core_optim_step_by_step(label):
    traj = race(_doc(), {label: SETTINGS[label]}, 60)[label]
    rows, losses = _loop(core, SETTINGS[label], 60)
    assert traj.params.shape == (61, 2) and traj.loss.shape == (61,)
    np.testing.assert_allclose(traj.params, rows, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(traj.loss[:-1], losses, rtol=1e-6)
    assert traj.names == ["x", "y"] and traj.error is None


@pytest.mark.parametrize("label", list(SETTINGS))
def test_trajectory_equals_torch_step_by_step(label):
    torch = pytest.importorskip("torch")
    traj = race(_doc(), {label: SETTINGS[label]}, 60)[label]
    rows, _ = _loop(torch, SETTINGS[label], 60)
    np.testing.assert_allclose(traj.params, rows, rtol=1e-5, atol=1e-6)


def test_the_last_point_has_its_loss_and_gradient():
    doc = parse("y = (x - 1)**2", values={"x": 0.0}, requires_grad=True)
    t = race(doc, {"sgd": {"optimizer": "sgd", "lr": 0.25}}, 3)["sgd"]
    # x: 0, 0.5, 0.75, 0.875; loss (x-1)², gradient 2(x-1)
    np.testing.assert_allclose(t.params[:, 0], [0, 0.5, 0.75, 0.875])
    np.testing.assert_allclose(t.loss, (t.params[:, 0] - 1) ** 2)
    np.testing.assert_allclose(t.grads[:, 0], 2 * (t.params[:, 0] - 1))
    assert float(doc.node(doc.by_name("x").id).value) == 0.0  # document unchanged


def test_all_runners_start_from_the_same_point_and_a_winner_is_named():
    r = Race(_doc(), SETTINGS)
    trajs = r.run(40)
    assert {tuple(t.params[0]) for t in trajs.values()} == {(-1.0, 1.5)}
    w = r.winner()
    assert trajs[w].loss[-1] == min(t.loss[-1] for t in trajs.values())


def test_lr_change_mid_run_continues_from_that_step():
    doc = parse("y = (x - 1)**2", values={"x": 0.0}, requires_grad=True)
    r = Race(doc, {"m": {"optimizer": "momentum", "lr": 0.01}})
    before = r.run(20)["m"].params.copy()
    after = r.set_lr("m", 0.1, at_step=8)
    assert after.steps == 20
    np.testing.assert_array_equal(after.params[:9], before[:9])  # the past is kept
    # steps 9… are a momentum loop switched to lr 0.1 after 8 steps (state kept)
    x = core.tensor(0.0, requires_grad=True)
    opt = core.optim.SGD([x], lr=0.01, momentum=0.9)
    rows = [0.0]
    for k in range(20):
        if k == 8:
            opt.param_groups[0]["lr"] = 0.1
        opt.zero_grad()
        ((x - 1) ** 2).backward()
        opt.step()
        rows.append(float(x.item()))
    np.testing.assert_allclose(after.params[:, 0], rows, rtol=1e-6)
    assert r.schedule["m"] == [(0, 0.01), (8, 0.1)]


def test_a_diverging_runner_stops_with_a_reason_and_others_go_on():
    doc = parse("y = x**4", values={"x": 3.0}, requires_grad=True)
    trajs = race(doc, {"big": {"optimizer": "sgd", "lr": 10.0},
                       "small": {"optimizer": "sgd", "lr": 0.001}}, 30)
    assert trajs["big"].error and "diverged" in trajs["big"].error
    assert trajs["big"].steps < 30 and np.isfinite(trajs["big"].params).all()
    assert trajs["small"].steps == 30 and trajs["small"].error is None


def test_bad_settings_say_why():
    with pytest.raises(GraphError, match="unknown optimizer"):
        race(_doc(), {"x": {"optimizer": "lbfgs"}}, 3)
    with pytest.raises(GraphError, match="no hyper-parameter"):
        race(_doc(), {"x": {"optimizer": "sgd", "betas": (0.9, 0.9)}}, 3)
    with pytest.raises(GraphError, match="at least one"):
        race(_doc(), {}, 3)
