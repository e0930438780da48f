"""Autograd semantics as PyTorch defines them: accumulation, retain_grad, hooks, grad
modes, detach, leaves, graph introspection, dtype promotion, create_graph, inputs=,
autograd.functional, the backward trace, and reprs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import core
from core.autograd import Variable
from core.autograd.trace import record_backward

F64 = core.float64


def t64(values: Any, requires_grad: bool = False) -> core.Tensor:
    return core.tensor(values, dtype=F64, requires_grad=requires_grad)


# ============================================================ .grad
def test_grad_accumulates_across_backward_calls() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    first = x.grad
    (x * x).sum().backward()
    assert x.grad.tolist() == [5.0, 7.0]
    assert x.grad is first  # accumulated in place, as torch does
    x.grad = None
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_grad_from_two_paths_sums() -> None:
    x = core.tensor(3.0, requires_grad=True)
    y = x * x + x.exp() + x
    y.backward()
    assert x.grad.item() == pytest.approx(2 * 3 + np.exp(3) + 1, rel=1e-6)


def test_grad_dtype_and_shape_follow_the_leaf() -> None:
    x = core.tensor([[1.0], [2.0]], dtype=F64, requires_grad=True)
    (x * core.ones(2, 3, dtype=F64)).sum().backward()  # broadcast: summed back
    assert x.grad.shape == (2, 1) and x.grad.dtype is F64
    assert x.grad.tolist() == [[3.0], [3.0]]


def test_grad_is_not_tracked() -> None:
    x = core.tensor([1.0], requires_grad=True)
    (x * x).sum().backward()
    assert not x.grad.requires_grad and x.grad.grad_fn is None and x.grad.is_leaf


def test_non_leaf_grad_is_none_without_retain_grad() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = (y * y).sum()
    z.backward()
    assert y.grad is None and not y.retains_grad


def test_retain_grad_on_non_leaf() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    z = (y * y).sum()
    z.backward(retain_graph=True)
    assert y.retains_grad
    assert y.grad.tolist() == [4.0, 8.0]
    z.backward()
    assert y.grad.tolist() == [8.0, 16.0]  # accumulates as well
    x.retain_grad()  # a no-op on leaves
    assert not x.retains_grad


# ============================================================ hooks
def test_leaf_hook_sees_and_replaces_the_gradient() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    seen: list[list[float]] = []

    def hook(g: core.Tensor) -> core.Tensor:
        seen.append(g.tolist())
        return g * 10

    handle = x.register_hook(hook)
    (x * 3).sum().backward()
    assert seen == [[3.0, 3.0]]
    assert x.grad.tolist() == [30.0, 30.0]
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0] and len(seen) == 1


def test_non_leaf_hook_changes_what_flows_on() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    calls: list[list[float]] = []
    y.register_hook(lambda g: calls.append(g.tolist()))  # returns None: observe only
    h = y.register_hook(lambda g: g * 0.5)
    (y * y).sum().backward()
    assert calls == [[4.0, 8.0]]
    assert x.grad.tolist() == [4.0, 8.0]  # (2y · ½) · 2
    h.remove()
    x.grad = None
    y = x * 2
    (y * y).sum().backward()
    assert x.grad.tolist() == [8.0, 16.0]


def test_hook_on_tensor_without_grad_raises() -> None:
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        core.ones(2).register_hook(lambda g: g)


# ============================================================ grad modes
def test_no_grad_context_and_decorator() -> None:
    x = core.tensor(1.0, requires_grad=True)
    with core.no_grad():
        y = x * 2
        assert not core.is_grad_enabled()
    assert core.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None

    @core.no_grad()
    def f(t: core.Tensor) -> core.Tensor:
        return t * 2

    assert not f(x).requires_grad
    assert f.__name__ == "f"
    assert core.is_grad_enabled()


def test_enable_grad_inside_no_grad() -> None:
    x = core.tensor(1.0, requires_grad=True)
    with core.no_grad():
        with core.enable_grad():
            y = x * 2
        z = x * 2

        @core.enable_grad()
        def g(t: core.Tensor) -> core.Tensor:
            return t * 3

        w = g(x)
    assert y.requires_grad and not z.requires_grad and w.requires_grad


def test_set_grad_enabled_as_call_context_and_decorator() -> None:
    x = core.tensor(1.0, requires_grad=True)
    with core.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert core.is_grad_enabled()
    core.set_grad_enabled(False)
    try:
        assert not core.is_grad_enabled()
    finally:
        core.set_grad_enabled(True)
    assert core.is_grad_enabled()

    @core.set_grad_enabled(False)
    def f(t: core.Tensor) -> core.Tensor:
        return t * 2

    assert not f(x).requires_grad and core.is_grad_enabled()


def test_grad_mode_restored_after_exception() -> None:
    with pytest.raises(ValueError), core.no_grad():
        raise ValueError
    assert core.is_grad_enabled()


# ============================================================ leaves, detach
def test_detach_shares_memory_and_cuts_the_graph() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    d[0] = 100.0  # shared memory, as in torch
    assert y.tolist() == [100.0, 4.0]


def test_detach_in_place() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert y.detach_() is y
    assert y.is_leaf and not y.requires_grad and y.grad_fn is None


def test_requires_grad_and_is_leaf() -> None:
    x = core.ones(2)
    assert x.is_leaf and not x.requires_grad
    assert x.requires_grad_() is x and x.requires_grad and x.is_leaf
    y = x * 2
    assert not y.is_leaf and y.requires_grad
    x.requires_grad = False
    assert not (x * 2).requires_grad
    c = core.ones(2) * 2
    assert c.is_leaf  # no input required grad: nothing recorded


def test_grad_fn_name_and_next_functions() -> None:
    a = core.tensor(2.0, requires_grad=True)
    b = core.tensor(3.0)
    c = a * b
    d = c + a
    assert d.grad_fn.name() == "AddBackward0"
    (n0, i0), (n1, i1) = d.grad_fn.next_functions
    assert n0 is c.grad_fn and i0 == 0
    assert n1.name() == "torch::autograd::AccumulateGrad" and n1.variable is a
    (m0, _), (m1, _) = c.grad_fn.next_functions
    assert m0 is n1  # one AccumulateGrad per leaf, shared
    assert m1 is None  # b doesn't require grad
    assert "MulBackward0" in repr(c.grad_fn)
    assert a.grad_fn is None


@pytest.mark.parametrize(("make", "name"), [
    (lambda x: x + 1, "AddBackward0"), (lambda x: x - 1, "SubBackward0"),
    (lambda x: 1 - x, "RsubBackward1"), (lambda x: x * 2, "MulBackward0"),
    (lambda x: x / 2, "DivBackward0"), (lambda x: -x, "NegBackward0"),
    (lambda x: x ** 2, "PowBackward0"), (lambda x: x ** x, "PowBackward1"),
    (lambda x: 2 ** x, "PowBackward2"), (lambda x: x.exp(), "ExpBackward0"),
    (lambda x: x.sum(), "SumBackward0"), (lambda x: x.sum(0), "SumBackward1"),
    (lambda x: x.mean(), "MeanBackward0"), (lambda x: x.mean(0), "MeanBackward1"),
    (lambda x: x @ x, "DotBackward0"), (lambda x: x.reshape(1, 2).mm(x.reshape(2, 1)),
                                         "MmBackward0"),
    (lambda x: x.reshape(1, 2).mv(x), "MvBackward0"), (lambda x: x.max(), "MaxBackward1"),
    (lambda x: x.max(0)[0], "MaxBackward0"), (lambda x: x.norm(),
                                               "LinalgVectorNormBackward0"),
    (lambda x: x[0], "SelectBackward0"), (lambda x: x[1:], "SliceBackward0"),
    (lambda x: x[[0, 0]], "IndexBackward0"), (lambda x: x.clone(), "CloneBackward0"),
    (lambda x: x.to(core.float64), "ToCopyBackward0"), (lambda x: x.t(), "TBackward0"),
    (lambda x: x.unsqueeze(0), "UnsqueezeBackward0"), (lambda x: x.view(2, 1), "ViewBackward0"),
    (lambda x: core.cat([x, x]), "CatBackward0"), (lambda x: core.stack([x, x]),
                                                   "StackBackward0"),
    (lambda x: x.var(), "VarBackward0"), (lambda x: x.std(), "StdBackward0"),
    (lambda x: x.prod(), "ProdBackward0"), (lambda x: x.softmax(0), "SoftmaxBackward0"),
    (lambda x: x.relu(), "ReluBackward0"), (lambda x: x.sigmoid(), "SigmoidBackward0"),
    (lambda x: x.tanh(), "TanhBackward0"), (lambda x: core.amax(x, 0), "AmaxBackward0"),
    (lambda x: x.T, "PermuteBackward0"), (lambda x: x.expand(3, 2), "ExpandBackward0"),
])
def test_grad_fn_names_are_torchs(make: Any, name: str) -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    assert make(x).grad_fn.name() == name


def test_variable_is_a_tensor() -> None:
    v = Variable(core.tensor([1.0, 2.0]), requires_grad=True)
    assert isinstance(v, core.Tensor) and isinstance(v, Variable)
    assert v.is_leaf and v.requires_grad
    assert not isinstance(np.ones(2), Variable)
    w = Variable(core.ones(2))
    assert not w.requires_grad
    (v * v).sum().backward()
    assert v.grad.tolist() == [2.0, 4.0]


# ============================================================ dtype promotion
@pytest.mark.parametrize(("make", "dtype"), [
    (lambda: core.ones(2) * 2.5, core.float32),
    (lambda: 2.5 * core.ones(2), core.float32),
    (lambda: core.ones(2) + 1, core.float32),
    (lambda: core.tensor([1, 2]) / core.tensor([2, 2]), core.float32),
    (lambda: core.tensor([1, 2]) / 2, core.float32),
    (lambda: core.ones(2) + core.ones(2, dtype=F64), core.float64),
    (lambda: core.tensor(1.0, dtype=F64) + core.ones(2), core.float32),
    (lambda: core.tensor([1, 2]) + 1.5, core.float32),
    (lambda: core.tensor([1, 2]) * 2, core.int64),
    (lambda: core.tensor([1, 2]) + core.tensor(1.5), core.float32),
    (lambda: core.tensor(1) + core.ones(2), core.float32),
    (lambda: core.tensor([True]) * 1.5, core.float32),
    (lambda: core.tensor([1, 2]) ** 0.5, core.float32),
    (lambda: core.tensor([1, 2]) ** 2, core.int64),
    (lambda: core.exp(core.tensor([0, 1])), core.float32),
    (lambda: core.tensor([True, False]).sum(), core.int64),
    (lambda: core.tensor(2.5), core.float32),
    (lambda: core.tensor(np.array([2.5])), core.float64),
    (lambda: core.tensor([1, 2]), core.int64),
    (lambda: core.arange(3), core.int64),
    (lambda: core.arange(3.0), core.float32),
    (lambda: core.ones(2) > 0, core.bool),
])
def test_dtype_promotion(make: Any, dtype: Any) -> None:
    assert make().dtype is dtype


def test_gradient_dtype_follows_each_input() -> None:
    a = core.tensor([1.0, 2.0], requires_grad=True)
    b = core.tensor([3.0, 4.0], dtype=F64, requires_grad=True)
    y = (a * b).sum()
    assert y.dtype is F64
    y.backward()
    assert a.grad.dtype is core.float32 and b.grad.dtype is F64
    assert a.grad.tolist() == [3.0, 4.0] and b.grad.tolist() == [1.0, 2.0]


# ============================================================ create_graph, inputs=
def test_create_graph_makes_grad_differentiable() -> None:
    x = t64([1.0, 2.0], requires_grad=True)
    y = (x ** 3).sum()
    y.backward(create_graph=True)
    assert x.grad.requires_grad and x.grad.grad_fn is not None
    g = x.grad
    x.grad = None
    g.sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]  # d(3x²)/dx


def test_third_derivative() -> None:
    x = t64(2.0, requires_grad=True)
    y = x.sin() * x ** 4
    (g1,) = core.autograd.grad(y, x, create_graph=True)
    (g2,) = core.autograd.grad(g1, x, create_graph=True)
    (g3,) = core.autograd.grad(g2, x)
    s, c, v = np.sin(2.0), np.cos(2.0), 2.0
    expected = (-c * v ** 4 - 3 * s * 4 * v ** 3 + 3 * c * 12 * v ** 2 + s * 24 * v)
    assert g3.item() == pytest.approx(expected, rel=1e-10)


def test_backward_inputs_fills_only_those() -> None:
    a = core.tensor(2.0, requires_grad=True)
    b = core.tensor(3.0, requires_grad=True)
    y = a * b
    m = y * 1  # non-leaf input
    out = m * a
    out.backward(inputs=[b], retain_graph=True)
    assert a.grad is None and b.grad.item() == 4.0  # out = a²b
    out.backward(inputs=a, retain_graph=True)
    assert a.grad.item() == 12.0 and b.grad.item() == 4.0
    out.backward(inputs=[m])
    assert m.grad.item() == 2.0 and a.grad.item() == 12.0


def test_grad_with_grad_outputs_and_several_outputs() -> None:
    x = t64([1.0, 2.0], requires_grad=True)
    y1 = x * x
    y2 = x * 3
    gx, = core.autograd.grad([y1, y2], x, [t64([1.0, 0.5]), t64([2.0, 2.0])])
    assert gx.tolist() == [2 * 1 * 1.0 + 6.0, 2 * 2 * 0.5 + 6.0]
    assert x.grad is None


def test_autograd_backward_function() -> None:
    x = t64([1.0, 2.0], requires_grad=True)
    core.autograd.backward([(x * x).sum(), x * 2], [None, t64([1.0, 1.0])])
    assert x.grad.tolist() == [4.0, 6.0]


# ============================================================ autograd.functional
def test_functional_jacobian() -> None:
    def k(x: core.Tensor) -> core.Tensor:
        return core.stack([x[0] ** 2 + 3 * x[1], x[1] ** 2 + 2 * x[0]])

    j = core.autograd.functional.jacobian(k, t64([2.0, 3.0]))
    assert j.tolist() == [[4.0, 3.0], [2.0, 6.0]]  # seed 001's exercise
    assert not j.requires_grad

    ja, jb = core.autograd.functional.jacobian(lambda a, b: a * b, (t64([1.0, 2.0]),
                                                                     t64([3.0, 4.0])))
    assert ja.tolist() == [[3.0, 0.0], [0.0, 4.0]] and jb.tolist() == [[1.0, 0.0], [0.0, 2.0]]


def test_functional_hessian() -> None:
    def f(x: core.Tensor) -> core.Tensor:
        return x[0] ** 2 * x[1] + x[1] ** 3

    h = core.autograd.functional.hessian(f, t64([1.0, 2.0]))
    # [[2y, 2x], [2x, 6y]] at (1, 2)
    assert h.tolist() == [[4.0, 2.0], [2.0, 12.0]]


def test_functional_hessian_of_a_linear_function_is_zero() -> None:
    # its gradient does not depend on x: torch (strict=False) gives zeros, not an error
    h = core.autograd.functional.hessian(lambda x: (x * 3).sum(), t64([1.0, 2.0]))
    assert h.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    j = core.autograd.functional.jacobian(lambda x: t64([1.0, 2.0]), t64([1.0]))
    assert j.tolist() == [[0.0], [0.0]]


def test_functional_vjp_and_jvp() -> None:
    def f(x: core.Tensor) -> core.Tensor:
        return core.stack([x[0] * x[1], x[0] + x[1].exp()])

    x = t64([2.0, 0.0])
    out, v = core.autograd.functional.vjp(f, x, t64([1.0, 10.0]))
    assert out.tolist() == [0.0, 3.0]
    # J = [[x1, x0], [1, e^x1]] = [[0, 2], [1, 1]]
    assert v.tolist() == [0.0 + 10.0, 2.0 + 10.0]
    out, jv = core.autograd.functional.jvp(f, x, t64([1.0, 10.0]))
    assert jv.tolist() == [20.0, 11.0]
    assert not x.requires_grad  # the functional API works on copies


# ============================================================ the backward trace
def test_trace_steps_order_and_alignment() -> None:
    a = core.tensor(2.0, requires_grad=True)
    b = core.tensor(3.0, requires_grad=True)
    c = a * b
    d = c + a
    y = d * 2
    with record_backward() as trace:
        y.backward()
    names = [s.name for s in trace.steps]
    assert names[0] == "MulBackward0" and trace.steps[0].node is y.grad_fn
    assert names[1] == "AddBackward0"
    assert names.count("torch::autograd::AccumulateGrad") == 2
    assert names.index("MulBackward0", 1) < names.index("torch::autograd::AccumulateGrad",
                                                         names.index("MulBackward0", 1))
    for step in trace.steps:
        if step.name == "torch::autograd::AccumulateGrad":
            assert step.grad_inputs == ()
            ((leaf, g),) = step.accumulated
            assert leaf is step.node.variable
            assert g.item() == step.grad_output.item()
        else:
            assert len(step.grad_inputs) == len(step.node.next_functions)
            assert step.accumulated == []
    add_step = trace.steps[1]
    assert add_step.grad_output.item() == 2.0
    assert [g.item() for g in add_step.grad_inputs] == [2.0, 2.0]
    # a's AccumulateGrad ran once, with the total of both wires
    acc = {id(s.node.variable): s for s in trace.steps if not s.grad_inputs
           and s.name.endswith("AccumulateGrad")}
    assert acc[id(a)].grad_output.item() == a.grad.item() == 2 * 3 + 2
    assert acc[id(b)].grad_output.item() == b.grad.item() == 4.0


def test_trace_wire_gradients_sum_to_leaf_grads() -> None:
    rng = np.random.default_rng(0)
    w = t64(rng.standard_normal((3, 2)), requires_grad=True)
    x = t64(rng.standard_normal((4, 3)), requires_grad=True)
    bias = t64(rng.standard_normal(2), requires_grad=True)
    const = t64(rng.standard_normal((4, 2)))
    h = (x @ w + bias).tanh()
    y = ((h - const) ** 2).mean() + (w * w).sum() * 0.1 + h[0].sum()
    with record_backward() as trace:
        y.backward()
    leaves = {id(t): t for t in (w, x, bias)}
    sums: dict[int, np.ndarray] = {}
    seen_nodes = set()
    for step in trace.steps:
        assert id(step.node) not in seen_nodes  # each node runs once
        seen_nodes.add(id(step.node))
        for (nxt, _), g in zip(step.node.next_functions, step.grad_inputs):
            if nxt is not None and g is not None and hasattr(nxt, "variable"):
                var = nxt.variable
                sums[id(var)] = sums.get(id(var), 0) + g.numpy()
    for k, leaf in leaves.items():
        np.testing.assert_allclose(sums[k], leaf.grad.numpy(), rtol=1e-12)
    # nodes ran after every consumer had sent its gradient (dependency order)
    position = {id(s.node): i for i, s in enumerate(trace.steps)}
    for i, step in enumerate(trace.steps):
        for nxt, _ in step.node.next_functions:
            if nxt is not None:
                assert position[id(nxt)] > i
    assert const.grad is None


def test_trace_of_autograd_grad_accumulates_nothing() -> None:
    x = t64([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    with record_backward() as trace:
        (g,) = core.autograd.grad(y, x)
    assert g.tolist() == [2.0, 4.0]
    assert all(not s.accumulated for s in trace.steps)
    assert x.grad is None


def test_no_trace_outside_recorder() -> None:
    x = t64(1.0, requires_grad=True)
    with record_backward() as trace:
        pass
    (x * 2).backward()
    assert trace.steps == []


# ============================================================ repr
REPR_CASES: list[tuple[str, Any, str]] = [
    ("scalar", lambda m: m.tensor(-2.0), "tensor(-2.)"),
    ("mul", lambda m: m.tensor(14.0, requires_grad=True) * 2,
     "tensor(28., grad_fn=<MulBackward0>)"),
    ("vector", lambda m: m.tensor([0.0, 4.0, 8.0, 12.0]), "tensor([ 0.,  4.,  8., 12.])"),
    ("leaf", lambda m: m.arange(4.0, requires_grad=True),
     "tensor([0., 1., 2., 3.], requires_grad=True)"),
    ("bool", lambda m: m.tensor([1.0, 2.0]) == m.tensor([1.0, 3.0]), "tensor([ True, False])"),
    ("int", lambda m: m.tensor([[1, -2], [300, 4]]), "tensor([[  1,  -2],\n        [300,   4]])"),
    ("f64", lambda m: m.tensor([1.25, 2.5], dtype=m.float64, requires_grad=True),
     "tensor([1.2500, 2.5000], dtype=torch.float64, requires_grad=True)"),
    ("matrix", lambda m: m.arange(6.0).reshape(2, 3) / 3,
     "tensor([[0.0000, 0.3333, 0.6667],\n        [1.0000, 1.3333, 1.6667]])"),
    ("sci", lambda m: m.tensor([1e-10, 1.0, 123.456]),
     "tensor([1.0000e-10, 1.0000e+00, 1.2346e+02])"),
    ("nan", lambda m: m.tensor([float("nan"), float("inf"), -float("inf"), 1.0]),
     "tensor([nan, inf, -inf, 1.])"),
    ("empty", lambda m: m.zeros(2, 0), "tensor([], size=(2, 0))"),
    ("3d", lambda m: m.arange(8.0).reshape(2, 2, 2),
     "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])"),
    ("copyslices", None, "tensor([[ 4., 27.]], grad_fn=<CopySlices>)"),
    ("max_dim", lambda m: m.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True).max(1),
     "torch.return_types.max(\nvalues=tensor([5., 3.], grad_fn=<MaxBackward0>),\n"
     "indices=tensor([1, 0]))"),
    ("long", lambda m: m.arange(2000.0), None),
    ("grad_f64_0d", lambda m: m.tensor(1.5, dtype=m.float64, requires_grad=True) * 2,
     "tensor(3., dtype=torch.float64, grad_fn=<MulBackward0>)"),
]


def _copyslices(m: Any) -> Any:
    w = m.tensor([[2.0, 3.0]], requires_grad=True)
    n = m.zeros(1, 2)
    n[0, 0] = w[0, 0] ** 2
    n[0, 1] = w[0, 1] ** 3
    return n


@pytest.mark.parametrize(("label", "make", "expected"), REPR_CASES,
                         ids=[c[0] for c in REPR_CASES])
def test_repr(label: str, make: Any, expected: str | None) -> None:
    make = make or _copyslices
    ours = repr(make(core))
    if expected is not None:
        assert ours == expected
    try:
        import torch
    except ImportError:
        return
    assert ours == repr(make(torch))
    assert str(make(core)) == str(make(torch))
