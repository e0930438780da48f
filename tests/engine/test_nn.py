"""core.nn must behave like torch.nn: same registration, outputs, gradients and printouts."""

from __future__ import annotations

import copy
import math
from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

import core
from core import nn, optim
from core.nn import functional as F
from core.tensor import Tensor


def _t(values: Any, dtype: Any = np.float32, requires_grad: bool = False) -> Tensor:
    return Tensor._from_array(np.array(values, dtype=dtype), requires_grad=requires_grad)


class TwoLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(4, 2, bias=False)
        self.scale = nn.Parameter(core.ones(1))
        self.register_buffer("running", core.zeros(2))

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(self.act(self.fc1(x))) * self.scale


# ---------------------------------------------------------------------------------------------
# torch-free
# ---------------------------------------------------------------------------------------------


def test_parameter_basics() -> None:
    data = core.tensor([1.0, 2.0])
    p = nn.Parameter(data)
    assert isinstance(p, Tensor) and isinstance(p, nn.Parameter)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None
    assert np.shares_memory(p._data, data._data)  # torch shares storage too
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert str(p) == repr(p)
    assert not nn.Parameter(data, requires_grad=False).requires_grad
    assert nn.Parameter()._data.shape == (0,)
    with pytest.raises(RuntimeError):
        nn.Parameter(core.tensor([1, 2]))
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q.requires_grad
    assert not np.shares_memory(q._data, p._data)
    # ops on a parameter give plain tensors with a graph
    y = p * 2
    assert type(y) is Tensor and y.grad_fn is not None


def test_module_registration_and_traversal() -> None:
    m = TwoLayer()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "fc2.weight"]
    assert [n for n, _ in m.named_buffers()] == ["running"]
    assert [type(c).__name__ for c in m.children()] == ["Linear", "Tanh", "Linear"]
    assert [n for n, _ in m.named_modules()] == ["", "fc1", "act", "fc2"]
    assert len(list(m.modules())) == 4
    assert len(list(m.parameters(recurse=False))) == 1
    assert m.fc2.bias is None and "bias" in m.fc2._parameters
    assert m.get_submodule("fc1") is m.fc1
    assert m.get_parameter("fc1.bias") is m.fc1.bias

    # shared parameters are listed once
    m.fc3 = m.fc1
    assert len(list(m.parameters())) == 4
    del m.fc3
    with pytest.raises(AttributeError):
        _ = m.fc3

    # a parameter slot only accepts Parameter or None
    with pytest.raises(TypeError):
        m.scale = core.ones(1)
    m.scale = None
    assert [n for n, _ in m.named_parameters()][0] == "fc1.weight"
    with pytest.raises(AttributeError):
        nn.Module.__new__(nn.Module).__setattr__("w", nn.Parameter(core.ones(1)))


def test_call_train_eval_zero_grad_hooks() -> None:
    m = TwoLayer()
    assert m.training and m.fc1.training
    assert m.eval() is m and not m.training and not m.fc1.training
    m.train()
    assert m.fc2.training
    x = core.randn(5, 3)
    out = m(x)
    assert out.shape == (5, 2)
    out.sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all(float(np.abs(p.grad._data).sum()) == 0.0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())

    seen = []
    handle = m.fc1.register_forward_hook(lambda mod, args, output: seen.append(output.shape))
    m(x)
    handle.remove()
    m(x)
    assert seen == [(5, 4)]
    with pytest.raises(NotImplementedError):
        nn.Module()(x)


def test_linear_forward_init_and_seed() -> None:
    core.manual_seed(0)
    lin = nn.Linear(5, 3)
    assert lin.weight.shape == (3, 5) and lin.bias.shape == (3,)
    assert lin.weight.dtype == core.float32
    bound = 1 / math.sqrt(5)
    assert np.all(np.abs(lin.weight._data) <= bound) and np.all(np.abs(lin.bias._data) <= bound)
    assert np.abs(lin.weight._data).max() > bound / 4  # actually spread over the interval
    core.manual_seed(0)
    again = nn.Linear(5, 3)
    np.testing.assert_array_equal(lin.weight._data, again.weight._data)
    np.testing.assert_array_equal(lin.bias._data, again.bias._data)

    x = np.arange(10, dtype=np.float32).reshape(2, 5) / 10
    out = lin(_t(x))
    expected = x @ lin.weight._data.T + lin.bias._data
    np.testing.assert_allclose(out._data, expected, rtol=1e-6)
    assert out.requires_grad
    assert repr(lin) == "Linear(in_features=5, out_features=3, bias=True)"
    assert repr(nn.Linear(2, 1, bias=False)) == "Linear(in_features=2, out_features=1, bias=False)"
    big = nn.Linear(400, 400)
    bound = 1 / 20
    assert np.abs(big.weight._data).max() <= bound
    assert np.abs(big.weight._data).max() > 0.99 * bound  # uniform, not normal
    assert nn.Linear(2, 2, dtype=core.float64).weight.dtype == core.float64


def test_sequential_and_repr() -> None:
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Tanh(), nn.Sigmoid()))
    assert repr(seq) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Tanh()\n"
        "    (1): Sigmoid()\n"
        "  )\n"
        ")"
    )
    assert len(seq) == 3 and isinstance(seq[1], nn.ReLU) and isinstance(seq[-1], nn.Sequential)
    assert isinstance(seq[:2], nn.Sequential) and len(seq[:2]) == 2
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias"]
    named = nn.Sequential(OrderedDict([("lin", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert [n for n, _ in named.named_parameters()] == ["lin.weight", "lin.bias"]
    x = _t([[1.0, -2.0]])
    np.testing.assert_allclose(
        seq(x)._data, 1 / (1 + np.exp(-np.tanh(np.maximum(seq[0](x)._data, 0))))
    )
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"
    assert repr(nn.MSELoss()) == "MSELoss()" and repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    ml = nn.ModuleList([nn.Linear(1, 1) for _ in range(3)] + [nn.ReLU()])
    assert repr(ml) == (
        "ModuleList(\n  (0-2): 3 x Linear(in_features=1, out_features=1, bias=True)\n"
        "  (3): ReLU()\n)"
    )
    assert len(list(ml.parameters())) == 6


def test_activations_by_value() -> None:
    x = np.array([[-2.0, 0.5, 3.0], [1.0, 1.0, -1.0]], np.float64)
    tx = _t(x, np.float64)
    np.testing.assert_allclose(F.relu(tx)._data, np.maximum(x, 0))
    np.testing.assert_allclose(F.tanh(tx)._data, np.tanh(x))
    np.testing.assert_allclose(F.sigmoid(tx)._data, 1 / (1 + np.exp(-x)))
    e = np.exp(x)
    np.testing.assert_allclose(F.softmax(tx, dim=1)._data, e / e.sum(1, keepdims=True))
    np.testing.assert_allclose(F.softmax(tx, dim=0)._data, e / e.sum(0, keepdims=True))
    np.testing.assert_allclose(F.log_softmax(tx, dim=-1)._data, x - np.log(e.sum(1, keepdims=True)))
    np.testing.assert_allclose(nn.Tanh()(tx)._data, np.tanh(x))


def test_mse_loss_by_hand() -> None:
    a = _t([1.0, 2.0, 4.0], np.float64, requires_grad=True)
    b = _t([1.0, 0.0, 1.0], np.float64)
    loss = F.mse_loss(a, b)
    assert float(loss._data) == pytest.approx((0 + 4 + 9) / 3)
    loss.backward()
    np.testing.assert_allclose(a.grad._data, [0.0, 4 / 3, 2.0])
    assert float(nn.MSELoss(reduction="sum")(a, b)._data) == 13.0
    np.testing.assert_allclose(F.mse_loss(a, b, reduction="none")._data, [0.0, 4.0, 9.0])
    with pytest.raises(ValueError):
        F.mse_loss(a, b, reduction="avg")


def test_cross_entropy_by_hand() -> None:
    logits = _t([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]], np.float64, requires_grad=True)
    target = core.tensor([2, 0])
    loss = F.cross_entropy(logits, target)
    lse = math.log(math.e + math.e**2 + math.e**3)
    expected = ((lse - 3.0) + math.log(3.0)) / 2
    assert float(loss._data) == pytest.approx(expected, rel=1e-12)
    loss.backward()
    x = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    soft = np.exp(x) / np.exp(x).sum(1, keepdims=True)
    onehot = np.array([[0, 0, 1], [1, 0, 0]], float)
    np.testing.assert_allclose(logits.grad._data, (soft - onehot) / 2, rtol=1e-12)

    # ignore_index: the ignored row neither counts nor gets gradient
    logits.grad = None
    loss = F.cross_entropy(logits, core.tensor([2, -100]))
    assert float(loss._data) == pytest.approx(lse - 3.0, rel=1e-12)
    loss.backward()
    np.testing.assert_allclose(logits.grad._data[1], 0.0)

    # class weights: weighted mean divides by the total weight of the targets
    w = _t([1.0, 1.0, 3.0], np.float64)
    loss = nn.CrossEntropyLoss(weight=w)(logits, target)
    assert float(loss._data) == pytest.approx((3 * (lse - 3.0) + math.log(3.0)) / 4, rel=1e-12)
    loss_sum = F.cross_entropy(logits, target, reduction="sum")
    assert float(loss_sum._data) == pytest.approx(2 * expected, rel=1e-12)
    assert F.cross_entropy(logits, target, reduction="none").shape == (2,)
    # unbatched input (C,) with a 0-d target
    single = F.cross_entropy(_t([1.0, 2.0, 3.0], np.float64), core.tensor(2))
    assert float(single._data) == pytest.approx(lse - 3.0, rel=1e-12)
    with pytest.raises(IndexError):
        F.cross_entropy(logits, core.tensor([3, 0]))


def test_state_dict_round_trip_in_place() -> None:
    src, dst = TwoLayer(), TwoLayer()
    sd = src.state_dict()
    assert list(sd) == ["scale", "running", "fc1.weight", "fc1.bias", "fc2.weight"]
    assert not sd["fc1.weight"].requires_grad
    assert np.shares_memory(sd["fc1.weight"]._data, src.fc1.weight._data)
    weight_obj = dst.fc1.weight
    opt = optim.SGD(dst.parameters(), lr=0.1)
    result = dst.load_state_dict(sd)
    assert repr(result) == "<All keys matched successfully>"
    assert dst.fc1.weight is weight_obj  # copied in place: optimizers keep their references
    np.testing.assert_array_equal(dst.fc1.weight._data, src.fc1.weight._data)
    assert not np.shares_memory(dst.fc1.weight._data, src.fc1.weight._data)
    dst(core.randn(2, 3)).sum().backward()
    opt.step()
    assert not np.array_equal(dst.fc1.weight._data, src.fc1.weight._data)

    lin = nn.Linear(2, 3)
    with pytest.raises(RuntimeError) as err:
        lin.load_state_dict({"weight": core.zeros(3, 3), "foo": core.zeros(1)})
    assert str(err.value) == (
        "Error(s) in loading state_dict for Linear:\n"
        '\tMissing key(s) in state_dict: "bias". \n'
        '\tUnexpected key(s) in state_dict: "foo". \n'
        "\tsize mismatch for weight: copying a param with shape torch.Size([3, 3]) from "
        "checkpoint, the shape in current model is torch.Size([3, 2])."
    )
    res = lin.load_state_dict({"weight": core.ones(3, 2)}, strict=False)
    assert res.missing_keys == ["bias"] and res.unexpected_keys == []
    np.testing.assert_array_equal(lin.weight._data, 1.0)


def test_training_loop_reduces_loss() -> None:
    core.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
    x = core.randn(32, 2)
    y = core.tensor((x._data[:, 0] * x._data[:, 1] > 0).astype(np.int64))
    opt = optim.Adam(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(60):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        losses.append(float(loss._data))
    assert losses[-1] < 0.5 * losses[0]


def test_module_to_double() -> None:
    m = nn.Linear(2, 2).double()
    assert m.weight.dtype == core.float64
    out = m(core.ones(1, 2, dtype=core.float64))
    assert out.dtype == core.float64
    assert nn.Linear(2, 2).to(core.float64).bias.dtype == core.float64


# ---------------------------------------------------------------------------------------------
# against torch: copy weights across, compare values and gradients
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip("torch")


def _copy_weights(torch: Any, ours: nn.Module, theirs: Any) -> None:
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert name == tname
            tp.copy_(torch.from_numpy(p._data.copy()))


def _pair(torch: Any, arr: np.ndarray, requires_grad: bool = True) -> tuple[Tensor, Any]:
    ours = Tensor._from_array(arr.copy(), requires_grad=requires_grad)
    theirs = torch.tensor(arr.copy(), requires_grad=requires_grad)
    return ours, theirs


def _close(ours: Tensor, theirs: Any, dtype: Any = np.float32) -> None:
    tol = {"rtol": 1e-5, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-11, "atol": 1e-12}
    np.testing.assert_allclose(ours._data, theirs.detach().numpy(), **tol)


def test_model_outputs_and_grads_match_torch(torch: Any) -> None:
    core.manual_seed(0)
    ours = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3), nn.Sigmoid())
    theirs = torch.nn.Sequential(
        torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3), torch.nn.Sigmoid()
    )
    _copy_weights(torch, ours, theirs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    rng = np.random.default_rng(0)
    x, tx = _pair(torch, rng.standard_normal((6, 4)).astype(np.float32))
    out, tout = ours(x), theirs(tx)
    _close(out, tout)
    (out * out).sum().backward()
    (tout * tout).sum().backward()
    _close(x.grad, tx.grad)
    for p, tp in zip(ours.parameters(), theirs.parameters()):
        _close(p.grad, tp.grad)


def test_repr_of_parameters_and_modules_match_torch(torch: Any) -> None:
    p = nn.Parameter(core.tensor([[1.5, -2.0], [0.25, 3.0]]))
    tp = torch.nn.Parameter(torch.tensor([[1.5, -2.0], [0.25, 3.0]]))
    assert repr(p) == repr(tp)
    assert repr(nn.Linear(7, 2, bias=False)) == repr(torch.nn.Linear(7, 2, bias=False))
    for ours, theirs in [
        (nn.ReLU(), torch.nn.ReLU()),
        (nn.LogSoftmax(dim=1), torch.nn.LogSoftmax(dim=1)),
        (nn.MSELoss(reduction="sum"), torch.nn.MSELoss(reduction="sum")),
        (nn.ModuleList([nn.Tanh(), nn.Tanh()]), torch.nn.ModuleList([torch.nn.Tanh()] * 2)),
    ]:
        assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
def test_activations_match_torch(torch: Any, name: str, dtype: Any) -> None:
    rng = np.random.default_rng(1)
    x, tx = _pair(torch, rng.standard_normal((3, 4)).astype(dtype))
    out, tout = getattr(F, name)(x), getattr(torch.nn.functional, name)(tx)
    _close(out, tout, dtype)
    g = rng.standard_normal((3, 4)).astype(dtype)
    (out * _t(g, dtype)).sum().backward()
    (tout * torch.from_numpy(g)).sum().backward()
    _close(x.grad, tx.grad, dtype)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize(("shape", "dim"), [((5,), 0), ((3, 4), 1), ((3, 4), 0), ((2, 3, 4), -1)])
def test_softmax_family_matches_torch(torch: Any, fn: str, shape: tuple, dim: int) -> None:
    rng = np.random.default_rng(2)
    x, tx = _pair(torch, (rng.standard_normal(shape) * 3).astype(np.float64))
    out, tout = getattr(F, fn)(x, dim=dim), getattr(torch.nn.functional, fn)(tx, dim=dim)
    _close(out, tout, np.float64)
    g = rng.standard_normal(shape)
    (out * _t(g, np.float64)).sum().backward()
    (tout * torch.from_numpy(g)).sum().backward()
    _close(x.grad, tx.grad, np.float64)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mse_loss_matches_torch(torch: Any, reduction: str, dtype: Any) -> None:
    rng = np.random.default_rng(3)
    a, ta = _pair(torch, rng.standard_normal((4, 3)).astype(dtype))
    b, tb = _pair(torch, rng.standard_normal((4, 3)).astype(dtype))
    out = nn.MSELoss(reduction=reduction)(a, b)
    tout = torch.nn.MSELoss(reduction=reduction)(ta, tb)
    _close(out, tout, dtype)
    out.sum().backward()
    tout.sum().backward()
    _close(a.grad, ta.grad, dtype)
    _close(b.grad, tb.grad, dtype)


CE_CASES: list[tuple[tuple[int, ...], dict[str, Any]]] = [
    ((5, 4), {}),
    ((5, 4), {"reduction": "sum"}),
    ((5, 4), {"reduction": "none"}),
    ((4,), {}),
    ((3, 4, 2, 2), {}),
    ((3, 4, 5), {"reduction": "none"}),
    ((6, 3), {"weight": [0.2, 1.0, 3.0]}),
    ((6, 3), {"weight": [0.2, 1.0, 3.0], "reduction": "sum"}),
    ((6, 3), {"ignore_index": 1}),
    ((6, 3), {"ignore_index": 1, "weight": [0.5, 2.0, 1.0]}),
    ((6, 3), {"ignore_index": 1, "reduction": "none"}),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("shape", "kwargs"), CE_CASES)
def test_cross_entropy_matches_torch(
    torch: Any, shape: tuple[int, ...], kwargs: dict[str, Any], dtype: Any
) -> None:
    rng = np.random.default_rng(4)
    x, tx = _pair(torch, (rng.standard_normal(shape) * 2).astype(dtype))
    n_classes = shape[1] if len(shape) > 1 else shape[0]
    tshape = (shape[0],) + shape[2:] if len(shape) > 1 else ()
    target = rng.integers(0, n_classes, tshape)
    ours_kw, theirs_kw = dict(kwargs), dict(kwargs)
    if "weight" in kwargs:
        ours_kw["weight"] = _t(kwargs["weight"], dtype)
        theirs_kw["weight"] = torch.tensor(np.array(kwargs["weight"], dtype))
    out = F.cross_entropy(x, core.tensor(target), **ours_kw)
    tout = torch.nn.functional.cross_entropy(tx, torch.from_numpy(target), **theirs_kw)
    _close(out, tout, dtype)
    g = rng.standard_normal(tout.shape).astype(dtype)
    (out * _t(g, dtype)).sum().backward()
    (tout * torch.from_numpy(g)).sum().backward()
    _close(x.grad, tx.grad, dtype)

    module_out = nn.CrossEntropyLoss(**ours_kw)(x, core.tensor(target))
    _close(module_out, tout, dtype)


@pytest.mark.parametrize("kwargs", [{}, {"reduction": "sum"}, {"label_smoothing": 0.1}])
def test_cross_entropy_probability_targets_match_torch(torch: Any, kwargs: dict) -> None:
    rng = np.random.default_rng(5)
    x, tx = _pair(torch, rng.standard_normal((4, 3)))
    probs = rng.random((4, 3))
    probs /= probs.sum(1, keepdims=True)
    out = F.cross_entropy(x, _t(probs, np.float64), **kwargs)
    tout = torch.nn.functional.cross_entropy(tx, torch.from_numpy(probs), **kwargs)
    _close(out, tout, np.float64)
    out.backward()
    tout.backward()
    _close(x.grad, tx.grad, np.float64)


@pytest.mark.parametrize("loss_name", ["cross_entropy", "mse_loss"])
def test_double_backward_matches_torch(torch: Any, loss_name: str) -> None:
    """Gradient-of-gradient (e.g. gradient penalties) flows through the composed losses."""
    rng = np.random.default_rng(6)
    x, tx = _pair(torch, rng.standard_normal((4, 3)))
    if loss_name == "cross_entropy":
        target = rng.integers(0, 3, 4)
        loss = F.cross_entropy(x * x, core.tensor(target))
        tloss = torch.nn.functional.cross_entropy(tx * tx, torch.from_numpy(target))
    else:
        y = rng.standard_normal((4, 3))
        loss = F.mse_loss(x.tanh(), _t(y, np.float64))
        tloss = torch.nn.functional.mse_loss(tx.tanh(), torch.from_numpy(y))
    (g,) = core.autograd.grad(loss, [x], create_graph=True)
    (tg,) = torch.autograd.grad(tloss, [tx], create_graph=True)
    _close(g, tg, np.float64)
    (g * g).sum().backward()
    (tg * tg).sum().backward()
    _close(x.grad, tx.grad, np.float64)


def test_training_trajectory_matches_torch(torch: Any) -> None:
    core.manual_seed(3)
    ours = nn.Sequential(nn.Linear(3, 6), nn.Tanh(), nn.Linear(6, 3))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))
    _copy_weights(torch, ours, theirs)
    rng = np.random.default_rng(7)
    x = rng.standard_normal((10, 3)).astype(np.float32)
    y = rng.integers(0, 3, 10)
    opt = optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    topt = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    for _ in range(15):
        opt.zero_grad()
        topt.zero_grad()
        loss = nn.CrossEntropyLoss()(ours(core.tensor(x)), core.tensor(y))
        tloss = torch.nn.CrossEntropyLoss()(theirs(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        tloss.backward()
        opt.step()
        topt.step()
        np.testing.assert_allclose(float(loss._data), float(tloss), rtol=1e-5)
    for p, tp in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p._data, tp.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_state_dict_loads_torch_weights(torch: Any) -> None:
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    ours = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    ours.load_state_dict({k: core.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(8).standard_normal((2, 3)).astype(np.float32)
    _close(ours(core.tensor(x)), theirs(torch.from_numpy(x)))


def test_softplus_functional_and_module_match_torch_formula() -> None:
    x = core.tensor([-30.0, -1.0, 0.0, 2.0, 25.0], dtype=core.float64, requires_grad=True)
    y = core.nn.Softplus(beta=2.0, threshold=20.0)(x)
    xs = x.detach().numpy()
    expected = np.where(2 * xs > 20, xs, np.log1p(np.exp(2 * xs)) / 2)
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=1e-12)
    y.sum().backward()
    sig = 1 / (1 + np.exp(-2 * xs))
    np.testing.assert_allclose(x.grad.numpy(), np.where(2 * xs > 20, 1.0, sig), rtol=1e-12)
    assert repr(core.nn.Softplus()) == "Softplus(beta=1.0, threshold=20.0)"
    assert core.nn.functional.softplus(core.ones(2)).grad_fn is None
