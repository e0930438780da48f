"""Training a document is a PyTorch training loop: same trajectory as torch, clean stops."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.graph import GraphError, load
from core.graph.parser import parse
from core.graph.train import OPTIMIZERS, Trainer, TrainingStopped, trainable

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def _quadratic():
    return load(EXAMPLES / "01_quadratic.json")


def _by_name(doc, name):
    return doc.by_name(name).id


def test_sgd_takes_x_of_the_seed_quadratic_to_its_minimum():
    doc = _quadratic()
    x = _by_name(doc, "x")
    tr = Trainer(doc, "sgd", lr=0.01)
    assert tr.params == [x]
    assert tr.run(500) == 500
    # x_{k+1} - 1 = 0.98 (x_k - 1): after 500 steps |x - 1| = 0.98**500 ≈ 4e-5
    assert abs(float(tr.values()[x]) - 1.0) < 1e-4
    assert abs(float(tr.values()[x]) - 1.0) > 1e-6  # not a shortcut to the answer
    assert tr.history.loss[0] == pytest.approx(1.0)  # f(0) = 1, before the first update
    assert tr.history.loss[-1] < 1e-8
    assert len(tr.history.values[x]) == 501 and float(tr.history.values[x][0]) == 0.0
    assert float(tr.history.values[x][1]) == pytest.approx(0.02)  # 0 - 0.01 * (-2)
    assert tr.error is None


def test_the_document_is_not_written_and_its_values_are_the_start():
    doc = _quadratic()
    x = _by_name(doc, "x")
    tr = Trainer(doc, "adam", lr=0.1)
    tr.run(20)
    assert float(doc.node(x).value) == 0.0
    assert float(tr.start_values()[x]) == 0.0
    assert tr.values()[x].dtype == np.float32


def test_trainable_and_a_chosen_subset():
    doc = parse("a*x**2 + b*x + c", values={"a": 1.0, "x": 0.0, "b": -2.0, "c": 1.0})
    ids = {n.name: n.id for n in doc}
    assert set(trainable(doc)) == {ids["a"], ids["x"], ids["b"], ids["c"]}
    tr = Trainer(doc, "sgd", lr=0.01, params=[ids["x"]])
    tr.run(500)
    assert abs(float(tr.values()[ids["x"]]) - 1.0) < 1e-4
    assert set(tr.values()) == {ids["x"]}


def test_refusals_say_why():
    doc = _quadratic()
    with pytest.raises(GraphError, match="unknown optimizer"):
        Trainer(doc, "lbfgs")
    with pytest.raises(GraphError, match="Invalid learning rate"):
        Trainer(doc, "sgd", lr=-1)
    with pytest.raises(GraphError, match="no hyper-parameter 'betas'"):
        Trainer(doc, "sgd", betas=(0.9, 0.99))
    with pytest.raises(GraphError, match="not a floating-point variable|does not depend"):
        Trainer(doc, "sgd", params=[_by_name(doc, "y")])
    doc.set_requires_grad(_by_name(doc, "x"), False)
    with pytest.raises(GraphError, match="requires grad"):
        Trainer(doc, "sgd")
    doc.set_output(None)
    with pytest.raises(GraphError, match="choose an output"):
        Trainer(doc, "sgd")


def test_divergence_stops_with_a_clear_message_and_finite_values():
    doc = _quadratic()
    x = _by_name(doc, "x")
    tr = Trainer(doc, "sgd", lr=10.0)  # x <- -19 x + 20: grows 19x per step
    done = tr.run(500)
    assert 5 < done < 500
    assert tr.diverged and tr.stopped
    assert tr.error == f"diverged at step {done + 1} — try a smaller learning rate"
    assert np.isfinite(tr.values()[x]).all()
    assert all(np.isfinite(v) for v in tr.history.loss)
    with pytest.raises(TrainingStopped, match="diverged"):
        tr.step()
    assert tr.step_count == done


def test_an_error_in_the_graph_stops_with_its_reason():
    doc = parse("sum(w * x)", values={"w": [1.0, 2.0], "x": [1.0, 2.0]})
    w = _by_name(doc, "w")
    tr = Trainer(doc, "sgd", lr=0.1, params=[w])
    assert tr.run(3) == 3
    doc.set_value(_by_name(doc, "x"), [1.0, 2.0, 3.0])  # shapes no longer broadcast
    assert tr.run(3) == 0
    assert tr.error and "size" in tr.error.lower() or "shape" in tr.error.lower()
    assert not tr.diverged


def test_a_non_scalar_output_needs_a_gradient_argument():
    doc = parse("w * x", values={"w": [1.0, 2.0], "x": [3.0, 4.0]})
    w = _by_name(doc, "w")
    tr = Trainer(doc, "sgd", lr=0.1, params=[w])
    assert tr.run(1) == 0 and "not a scalar" in tr.error
    doc.set_output(doc.output, [1.0, 1.0])
    tr = Trainer(doc, "sgd", lr=0.1, params=[w])
    assert tr.run(2) == 2
    # d/dw sum(x * w) = x: w <- w - 0.1 x, twice
    np.testing.assert_allclose(tr.values()[w], [1.0 - 0.6, 2.0 - 0.8], rtol=1e-6)
    assert tr.history.loss[0] == pytest.approx(3.0 + 8.0)


def test_every_optimizer_reaches_the_minimum_of_the_quadratic():
    for name in OPTIMIZERS:
        doc = _quadratic()
        tr = Trainer(doc, name)
        tr.run(500)
        assert abs(float(tr.values()[_by_name(doc, "x")]) - 1.0) < 2e-3, name


# ------------------------------------------------------------------ against PyTorch
_TORCH_ARGS = {
    "sgd": ("SGD", {"lr": 0.05, "weight_decay": 0.01}),
    "momentum": ("SGD", {"lr": 0.02, "momentum": 0.9}),
    "nesterov": ("SGD", {"lr": 0.02, "momentum": 0.8, "nesterov": True}),
    "adam": ("Adam", {"lr": 0.05, "betas": (0.8, 0.99)}),
    "adamw": ("AdamW", {"lr": 0.05, "betas": (0.9, 0.999), "weight_decay": 0.1}),
    "rmsprop": ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5}),
    "adagrad": ("Adagrad", {"lr": 0.3}),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_trajectory_equals_torch_on_a_polynomial(name):
    torch = pytest.importorskip("torch")
    cls, kw = _TORCH_ARGS[name]
    start = {"a": 0.7, "x": -1.5, "b": 0.4, "k": 2.0}
    # bounded below in (a, x, b), so every optimizer has a minimum to walk to
    doc = parse("(a*x + b - 3)**2 + (a - x)**2 + k", values=start)
    ids = {n.name: n.id for n in doc}
    params = [ids[k] for k in ("a", "x", "b")]
    tr = Trainer(doc, name, params=params, **{k: v for k, v in kw.items() if k != "nesterov"})
    assert tr.spec.cls == cls

    t = {k: torch.tensor(v, requires_grad=k != "k") for k, v in start.items()}
    opt = getattr(torch.optim, cls)([t["a"], t["x"], t["b"]], **kw)
    for _ in range(40):
        opt.zero_grad()
        y = (t["a"] * t["x"] + t["b"] - 3) ** 2 + (t["a"] - t["x"]) ** 2 + t["k"]
        y.backward()
        opt.step()
        ours = tr.step()
        assert ours == pytest.approx(y.item(), rel=1e-5, abs=1e-6)
        for k in ("a", "x", "b"):
            np.testing.assert_allclose(tr.values()[ids[k]], t[k].detach().numpy(),
                                       rtol=2e-5, atol=1e-6, err_msg=f"{name} {k}")


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam", "rmsprop"])
def test_trajectory_equals_torch_on_least_squares(name):
    torch = pytest.importorskip("torch")
    cls, kw = _TORCH_ARGS[name]
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(6, 3)).astype(np.float32)
    ys = (xs @ np.array([1.0, -2.0, 0.5], np.float32) + 0.1).astype(np.float32)
    w0 = np.zeros(3, np.float32)
    doc = parse("mean((y - X @ w) ** 2)", values={"y": ys.tolist(), "X": xs.tolist(),
                                                 "w": w0.tolist()})
    ids = {n.name: n.id for n in doc}
    tr = Trainer(doc, name, params=[ids["w"]], **{k: v for k, v in kw.items()
                                                  if k != "nesterov"})
    w = torch.tensor(w0, requires_grad=True)
    X, Y = torch.tensor(xs), torch.tensor(ys)
    opt = getattr(torch.optim, cls)([w], **kw)
    for _ in range(30):
        opt.zero_grad()
        loss = torch.mean((Y - X @ w) ** 2)
        loss.backward()
        opt.step()
        assert tr.step() == pytest.approx(loss.item(), rel=1e-5)
    np.testing.assert_allclose(tr.values()[ids["w"]], w.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    assert len(tr.history.values[ids["w"]]) == 31
    assert tr.history.norms[ids["w"]][-1] == pytest.approx(float(torch.linalg.norm(w)),
                                                           rel=1e-5)
    assert set(tr.history.norms) == {ids["w"]}  # only the chosen parameter moves


def test_exported_script_runs_the_same_run_in_torch():
    torch = pytest.importorskip("torch")
    doc = _quadratic()
    x = _by_name(doc, "x")
    tr = Trainer(doc, "adam", lr=0.1)
    text = tr.script(60)
    tr.run(60)
    ns: dict = {}
    exec(compile(text, "<exported>", "exec"), ns)  # noqa: S102 - our own generated code
    assert isinstance(ns["x"], torch.Tensor)
    np.testing.assert_allclose(ns["x"].detach().numpy(), tr.values()[x], rtol=1e-5)


def test_nonfinite_hyper_parameters_are_written_as_source():
    """A hyper-parameter of nan or inf (Adam's eps = inf) was written with repr: `eps=inf`
    in the script, a NameError when it runs. Now float('inf'), which runs."""
    torch = pytest.importorskip("torch")
    doc = _quadratic()
    tr = Trainer(doc, "adam", lr=0.1, eps=float("inf"))
    assert "eps=float('inf')" in tr.describe()
    text = tr.script(2)
    assert "eps=inf" not in text and "eps=float('inf')" in text
    assert "betas=(0.9, 0.999)" in text  # tuples stay tuples
    ns: dict = {}
    exec(compile(text, "<exported>", "exec"), ns)  # noqa: S102 - our own generated code
    assert isinstance(ns["x"], torch.Tensor)
