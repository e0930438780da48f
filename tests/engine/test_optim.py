"""core.optim must follow torch.optim's update rules exactly (same trajectory to float rounding)."""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pytest

import core
from core import optim
from core.tensor import Tensor


def _param(values: Any, dtype: Any = np.float32) -> Tensor:
    return Tensor._from_array(np.array(values, dtype=dtype), requires_grad=True)


def _set_grad(p: Tensor, values: Any) -> None:
    p.grad = Tensor._from_array(np.array(values, dtype=p._data.dtype))


# ---------------------------------------------------------------------------------------------
# torch-free: first steps computed by hand
# ---------------------------------------------------------------------------------------------


def test_sgd_plain_and_momentum_by_hand() -> None:
    p = _param([1.0, 2.0], np.float64)
    opt = optim.SGD([p], lr=0.1)
    _set_grad(p, [0.5, -1.0])
    opt.step()
    np.testing.assert_allclose(p._data, [0.95, 2.1], rtol=0, atol=1e-15)

    p = _param([1.0, 2.0], np.float64)
    opt = optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    _set_grad(p, [0.5, -1.0])
    opt.step()  # first step: buffer = grad (dampening not applied)
    np.testing.assert_allclose(p._data, [0.95, 2.1], atol=1e-15)
    _set_grad(p, [1.0, 1.0])
    opt.step()  # buf = 0.9*[0.5,-1] + 0.5*[1,1] = [0.95, -0.4]
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"]._data, [0.95, -0.4], atol=1e-15)
    np.testing.assert_allclose(p._data, [0.95 - 0.095, 2.1 + 0.04], atol=1e-15)


def test_sgd_nesterov_weight_decay_maximize_by_hand() -> None:
    p = _param([2.0], np.float64)
    opt = optim.SGD([p], lr=0.1, momentum=0.5, nesterov=True, weight_decay=0.25)
    _set_grad(p, [1.0])
    opt.step()  # g = 1 + 0.25*2 = 1.5; buf = 1.5; g = 1.5 + 0.5*1.5 = 2.25
    np.testing.assert_allclose(p._data, [2.0 - 0.225], atol=1e-15)

    p = _param([2.0], np.float64)
    opt = optim.SGD([p], lr=0.1, maximize=True)
    _set_grad(p, [1.0])
    opt.step()
    np.testing.assert_allclose(p._data, [2.1], atol=1e-15)


def test_adam_first_step_is_lr_times_sign() -> None:
    # m_hat = g, v_hat = g^2 after one step, so the update is lr * g / (|g| + eps)
    p = _param([1.0, -1.0, 3.0], np.float64)
    opt = optim.Adam([p], lr=0.01)
    _set_grad(p, [2.0, -0.5, 1e-3])
    opt.step()
    g = np.array([2.0, -0.5, 1e-3])
    expected = np.array([1.0, -1.0, 3.0]) - 0.01 * g / (np.abs(g) + 1e-8)
    np.testing.assert_allclose(p._data, expected, rtol=1e-12)
    state = opt.state[p]
    assert float(state["step"]._data) == 1.0
    assert state["step"]._data.dtype == np.float32
    np.testing.assert_allclose(state["exp_avg"]._data, 0.1 * g, rtol=1e-12)
    np.testing.assert_allclose(state["exp_avg_sq"]._data, 0.001 * g * g, rtol=1e-12)


def test_adam_second_step_by_hand() -> None:
    p = _param([0.0], np.float64)
    opt = optim.Adam([p], lr=0.1, betas=(0.5, 0.75), eps=0.0)
    _set_grad(p, [1.0])
    opt.step()
    _set_grad(p, [3.0])
    opt.step()
    m = 0.5 * (0.5 * 1.0) + 0.5 * 3.0  # 1.75
    v = 0.75 * (0.25 * 1.0) + 0.25 * 9.0  # 2.4375
    m_hat, v_hat = m / (1 - 0.25), v / (1 - 0.5625)
    np.testing.assert_allclose(p._data, [-0.1 - 0.1 * m_hat / math.sqrt(v_hat)], rtol=1e-12)


def test_adam_l2_vs_adamw_decoupled_by_hand() -> None:
    p = _param([2.0], np.float64)
    opt = optim.AdamW([p], lr=0.1, weight_decay=0.5)
    _set_grad(p, [1.0])
    opt.step()  # p *= 1 - 0.05 -> 1.9, then -0.1 * sign
    np.testing.assert_allclose(p._data, [1.9 - 0.1 * 1 / (1 + 1e-8)], rtol=1e-12)

    p = _param([2.0], np.float64)
    opt = optim.Adam([p], lr=0.1, weight_decay=0.5)
    _set_grad(p, [-1.5])
    opt.step()  # g = -1.5 + 1 = -0.5 -> update +0.1
    np.testing.assert_allclose(p._data, [2.0 + 0.1 * 0.5 / (0.5 + 1e-8)], rtol=1e-12)


def test_amsgrad_keeps_max_second_moment() -> None:
    p = _param([0.0], np.float64)
    opt = optim.Adam([p], lr=0.1, betas=(0.0, 0.5), amsgrad=True, eps=0.0)
    _set_grad(p, [4.0])
    opt.step()
    _set_grad(p, [0.0])
    opt.step()
    # v: 8 then 4; max stays 8; bias_correction2 at step 2 is 0.75; m = 0 -> no move
    np.testing.assert_allclose(opt.state[p]["max_exp_avg_sq"]._data, [8.0])
    np.testing.assert_allclose(opt.state[p]["exp_avg_sq"]._data, [4.0])
    np.testing.assert_allclose(p._data, [-0.1])


def test_rmsprop_first_step_by_hand() -> None:
    p = _param([1.0, 1.0], np.float64)
    opt = optim.RMSprop([p], lr=0.01)
    _set_grad(p, [2.0, -3.0])
    opt.step()  # v = 0.01 g^2 -> sqrt = 0.1 |g|; update = lr * g / (0.1|g| + eps)
    g = np.array([2.0, -3.0])
    np.testing.assert_allclose(p._data, 1.0 - 0.01 * g / (0.1 * np.abs(g) + 1e-8), rtol=1e-12)


def test_rmsprop_centered_momentum_by_hand() -> None:
    p = _param([0.0], np.float64)
    opt = optim.RMSprop([p], lr=0.1, alpha=0.5, eps=0.0, momentum=0.5, centered=True)
    _set_grad(p, [2.0])
    opt.step()  # v = 2, gavg = 1, avg = sqrt(2 - 1) = 1, buf = 2
    np.testing.assert_allclose(p._data, [-0.2], rtol=1e-12)
    _set_grad(p, [2.0])
    opt.step()  # v = 3, gavg = 1.5, avg = sqrt(0.75), buf = 1 + 2/sqrt(.75)
    buf = 1 + 2 / math.sqrt(0.75)
    np.testing.assert_allclose(p._data, [-0.2 - 0.1 * buf], rtol=1e-12)


def test_adagrad_by_hand() -> None:
    p = _param([1.0], np.float64)
    opt = optim.Adagrad([p], lr=0.1, lr_decay=0.5, initial_accumulator_value=1.0, eps=0.0)
    assert float(opt.state[p]["sum"]._data[0]) == 1.0  # created eagerly, as torch
    _set_grad(p, [3.0])
    opt.step()  # sum = 10, clr = 0.1
    np.testing.assert_allclose(p._data, [1.0 - 0.1 * 3 / math.sqrt(10)], rtol=1e-12)
    _set_grad(p, [1.0])
    opt.step()  # sum = 11, clr = 0.1 / 1.5
    np.testing.assert_allclose(
        p._data, [1.0 - 0.3 / math.sqrt(10) - (0.1 / 1.5) / math.sqrt(11)], rtol=1e-12
    )


def test_params_without_grad_are_skipped_and_bumped_otherwise() -> None:
    a, b = _param([1.0]), _param([2.0])
    opt = optim.Adam([a, b], lr=0.1)
    _set_grad(a, [1.0])
    version = a._version
    opt.step()
    assert b._data[0] == 2.0 and b not in opt.state
    assert a._data[0] != 1.0 and a._version > version


def test_param_groups_and_defaults() -> None:
    a, b = _param([1.0], np.float64), _param([1.0], np.float64)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 1.0}], lr=0.1, momentum=0.0)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 1.0
    assert opt.param_groups[1]["params"] == [b]
    _set_grad(a, [1.0])
    _set_grad(b, [1.0])
    opt.step()
    np.testing.assert_allclose([a._data[0], b._data[0]], [0.9, 0.0])
    c = _param([5.0], np.float64)
    opt.add_param_group({"params": [c], "lr": 0.5})
    assert opt.param_groups[2]["momentum"] == 0.0
    with pytest.raises(ValueError):
        opt.add_param_group({"params": [a]})
    with pytest.raises(ValueError):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError):
        optim.SGD(a, lr=0.1)
    with pytest.raises(ValueError):
        optim.Adam([a], lr=-1.0)
    with pytest.raises(ValueError):
        optim.Adam([a], betas=(1.0, 0.9))
    with pytest.raises(ValueError):
        optim.SGD([a], nesterov=True)


def test_defaults_match_torch_signatures() -> None:
    p = _param([1.0])
    assert optim.SGD([p]).defaults["lr"] == 1e-3
    adam = optim.Adam([p]).defaults
    assert adam["betas"] == (0.9, 0.999) and adam["eps"] == 1e-8 and adam["weight_decay"] == 0
    assert optim.AdamW([p]).defaults["weight_decay"] == 1e-2
    assert optim.AdamW([p]).defaults["decoupled_weight_decay"] is True
    rms = optim.RMSprop([p]).defaults
    assert rms["lr"] == 1e-2 and rms["alpha"] == 0.99 and rms["eps"] == 1e-8
    ada = optim.Adagrad([p]).defaults
    assert ada["lr"] == 1e-2 and ada["eps"] == 1e-10


def test_zero_grad() -> None:
    p = _param([1.0, 2.0])
    opt = optim.SGD([p], lr=0.1)
    _set_grad(p, [1.0, 1.0])
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad and np.all(p.grad._data == 0)
    opt.zero_grad()
    assert p.grad is None


def test_closure_is_called_and_returned() -> None:
    p = _param([1.0], np.float64)
    opt = optim.SGD([p], lr=0.5)
    calls = []

    def closure() -> float:
        calls.append(1)
        _set_grad(p, [2.0])
        return 42.0

    assert opt.step(closure) == 42.0
    assert calls == [1]
    np.testing.assert_allclose(p._data, [0.0])


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_state_dict_round_trip_continues_identically(name: str) -> None:
    kwargs: dict[str, Any] = {"lr": 0.05}
    if name in ("SGD", "RMSprop"):
        kwargs["momentum"] = 0.9
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(3) for _ in range(6)]
    p1 = _param([1.0, -2.0, 0.5], np.float64)
    opt1 = getattr(optim, name)([p1], **kwargs)
    for g in grads[:3]:
        _set_grad(p1, g)
        opt1.step()
    saved = copy.deepcopy(opt1.state_dict())
    assert saved["param_groups"][0]["params"] == [0]
    assert set(saved["state"]) == {0}

    p2 = _param(p1._data.copy(), np.float64)
    opt2 = getattr(optim, name)([p2], lr=1.0)
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["lr"] == 0.05 and opt2.param_groups[0]["params"] == [p2]
    for g in grads[3:]:
        _set_grad(p1, g)
        opt1.step()
        _set_grad(p2, g)
        opt2.step()
    np.testing.assert_array_equal(p1._data, p2._data)


def test_load_state_dict_casts_to_param_dtype_except_step() -> None:
    p = _param([1.0, 2.0], np.float64)
    opt = optim.Adam([p])
    _set_grad(p, [1.0, 1.0])
    opt.step()
    sd = opt.state_dict()
    q = _param([1.0, 2.0], np.float32)
    opt2 = optim.Adam([q])
    opt2.load_state_dict(sd)
    assert opt2.state[q]["exp_avg"]._data.dtype == np.float32
    assert opt2.state[q]["step"]._data.dtype == np.float32
    # loading copies: stepping the new optimizer doesn't touch the saved dict
    before = sd["state"][0]["exp_avg"]._data.copy()
    _set_grad(q, [5.0, 5.0])
    opt2.step()
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"]._data, before)
    with pytest.raises(ValueError):
        optim.Adam([q, _param([0.0])]).load_state_dict(sd)


def test_repr_like_torch() -> None:
    opt = optim.SGD([_param([1.0])], lr=0.1)
    assert repr(opt) == (
        "SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n"
        "    foreach: None\n    fused: None\n    lr: 0.1\n    maximize: False\n"
        "    momentum: 0\n    nesterov: False\n    weight_decay: 0\n)"
    )


# ---------------------------------------------------------------------------------------------
# against torch: identical trajectories
# ---------------------------------------------------------------------------------------------

CONFIGS: list[tuple[str, dict[str, Any]]] = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "maximize": True}),
    ("SGD", {"lr": 0.02, "weight_decay": 0.5, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-6}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("Adam", {"lr": 0.05, "betas": (0.3, 0.6)}),  # 1 - beta1 >= 0.5: the other lerp branch
    ("Adam", {"lr": 0.05, "decoupled_weight_decay": True, "weight_decay": 0.2}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.3}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True, "maximize": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.005, "centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.3, "centered": True, "maximize": True}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.2, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.1, "eps": 1e-3, "maximize": True}),
]

_TOL = {np.float32: {"rtol": 2e-5, "atol": 2e-6}, np.float64: {"rtol": 1e-11, "atol": 1e-13}}


def _config_id(cfg: tuple[str, dict[str, Any]]) -> str:
    name, kw = cfg
    return name + "-" + "-".join(f"{k}={v}" for k, v in kw.items())


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip("torch")


def _pair(torch: Any, arrays: list[np.ndarray]) -> tuple[list[Tensor], list[Any]]:
    ours = [Tensor._from_array(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    return ours, theirs


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("cfg", CONFIGS, ids=[_config_id(c) for c in CONFIGS])
def test_random_gradients_match_torch(
    torch: Any, cfg: tuple[str, dict[str, Any]], dtype: type
) -> None:
    """Feed the same gradient sequence to both: isolates the update rule."""
    name, kwargs = cfg
    rng = np.random.default_rng(1234)
    shapes = [(3, 4), (5,), ()]
    ours, theirs = _pair(torch, [rng.standard_normal(s).astype(dtype) for s in shapes])
    opt = getattr(optim, name)(ours, **kwargs)
    topt = getattr(torch.optim, name)(theirs, **kwargs)
    for _ in range(25):
        for p, tp in zip(ours, theirs):
            g = (rng.standard_normal(p._data.shape) * rng.choice([1e-3, 1.0, 10.0])).astype(dtype)
            _set_grad(p, g)
            tp.grad = torch.tensor(g.copy())
        opt.step()
        topt.step()
        for p, tp in zip(ours, theirs):
            assert p._data.dtype == dtype
            np.testing.assert_allclose(p._data, tp.detach().numpy(), **_TOL[dtype])
    # the state tensors match too (same names, same values)
    for p, tp in zip(ours, theirs):
        tstate = topt.state[tp]
        assert set(opt.state[p]) == set(tstate)
        for key, value in tstate.items():
            np.testing.assert_allclose(
                opt.state[p][key]._data, value.detach().numpy(), rtol=1e-4, atol=1e-6
            )


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("cfg", CONFIGS, ids=[_config_id(c) for c in CONFIGS])
def test_quadratic_trajectory_matches_torch(
    torch: Any, cfg: tuple[str, dict[str, Any]], dtype: type
) -> None:
    """Gradients come from each side's own iterate: f(x) = 1/2 x^T A x - b^T x."""
    name, kwargs = cfg
    rng = np.random.default_rng(7)
    m = rng.standard_normal((4, 4))
    a = (m @ m.T + 0.5 * np.eye(4)).astype(dtype)
    b = rng.standard_normal(4).astype(dtype)
    ours, theirs = _pair(torch, [rng.standard_normal(4).astype(dtype)])
    opt = getattr(optim, name)(ours, **kwargs)
    topt = getattr(torch.optim, name)(theirs, **kwargs)
    (p,), (tp,) = ours, theirs
    steps = 15 if dtype == np.float32 else 40
    for _ in range(steps):
        _set_grad(p, a @ p._data - b)
        tp.grad = torch.from_numpy(a @ tp.detach().numpy() - b)
        opt.step()
        topt.step()
        np.testing.assert_allclose(p._data, tp.detach().numpy(), **_TOL[dtype])


def test_zero_grad_then_step_skips_like_torch(torch: Any) -> None:
    arrays = [np.ones(3, np.float32), np.full(2, 2.0, np.float32)]
    ours, theirs = _pair(torch, arrays)
    opt = optim.Adam(ours, lr=0.1)
    topt = torch.optim.Adam(theirs, lr=0.1)
    _set_grad(ours[0], [1.0, 2.0, 3.0])
    theirs[0].grad = torch.tensor([1.0, 2.0, 3.0])
    opt.step()
    topt.step()
    opt.zero_grad()
    topt.zero_grad()
    _set_grad(ours[1], [1.0, -1.0])
    theirs[1].grad = torch.tensor([1.0, -1.0])
    opt.step()
    topt.step()
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p._data, tp.detach().numpy(), rtol=1e-6)
    assert len(opt.state) == len(topt.state) == 2


def test_state_dict_structure_matches_torch(torch: Any) -> None:
    ours, theirs = _pair(torch, [np.ones(2, np.float32), np.ones(1, np.float32)])
    opt = optim.RMSprop([{"params": [ours[0]]}, {"params": [ours[1]], "lr": 0.1}], momentum=0.5)
    topt = torch.optim.RMSprop(
        [{"params": [theirs[0]]}, {"params": [theirs[1]], "lr": 0.1}], momentum=0.5
    )
    for p, tp in zip(ours, theirs):
        _set_grad(p, np.ones(p._data.shape))
        tp.grad = torch.ones(tp.shape)
    opt.step()
    topt.step()
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert sd["param_groups"] == tsd["param_groups"]
    assert list(sd["state"]) == list(tsd["state"])
    for k in sd["state"]:
        assert list(sd["state"][k]) == list(tsd["state"][k])
    assert repr(opt) == repr(topt)


def test_end_to_end_with_engine_backward(torch: Any) -> None:
    """A real training loop: the engine's backward feeds the optimizer."""
    if not hasattr(core, "tensor"):
        pytest.skip("engine not available")
    rng = np.random.default_rng(3)
    x0 = rng.standard_normal(5).astype(np.float32)
    target = rng.standard_normal(5).astype(np.float32)
    w = core.tensor(x0.copy(), requires_grad=True)
    tw = torch.tensor(x0.copy(), requires_grad=True)
    t_target = core.tensor(target)
    tt_target = torch.tensor(target)
    opt = optim.Adam([w], lr=0.1)
    topt = torch.optim.Adam([tw], lr=0.1)
    for _ in range(20):
        opt.zero_grad()
        topt.zero_grad()
        loss = ((w - t_target) ** 2).sum()
        tloss = ((tw - tt_target) ** 2).sum()
        loss.backward()
        tloss.backward()
        opt.step()
        topt.step()
        np.testing.assert_allclose(w._data, tw.detach().numpy(), rtol=1e-5, atol=1e-6)
