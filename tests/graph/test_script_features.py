"""The interpreter's language and torch surface, each program compared with PyTorch:
assignments and unpacking, augmented assignment, if/elif/else, while/for with
break/continue/else, def with defaults and keywords, comprehensions, f-strings, print's
sep/end, grad modes, optimizers, nn.functional, tensor methods and indexing."""

from __future__ import annotations

import numpy as np
import pytest

from core.graph.script import run_script

from .helpers.torch_reference import HAVE_TORCH, torch_reference

PROGRAMS = {
    "language": '''
a, (b, c) = 1, (2.5, "s")
x, = [7]
first, *rest = [1, 2, 3, 4]
n = 0
for i in range(10):
    if i % 2 == 0:
        continue
    elif i > 7:
        break
    else:
        n += i
else:
    n = -1
k = 0
while k < 3:
    k += 1
else:
    k *= 10
def f(u, v=2, *, w=3):
    return u * v + w
squares = [j * j for j in range(5) if j != 2]
pairs = {str(j): j for j in range(3)}
print(a, b, c, x, first, rest, n, k, sep=" | ", end=" <\\n")
print(f(1), f(1, 3), f(u=2, w=0), squares, pairs)
print(f"{a} + {b:.3f} = {a + b!r}", "%d-%s" % (3, "x"), "{}:{:>4}".format("k", 5))
print(len(rest), min(rest), max(rest), sum(rest), sorted([3, 1, 2]), list(reversed(rest)))
print(list(enumerate("ab")), list(zip([1, 2], "cd")), abs(-2), round(2.675, 2), 7 // 2, 2 ** 10)
print(isinstance(a, int), a if a > 0 else -a, not a, a and b, 0 or "z", 1 < 2 < 3, 3 in rest)
try:
    1 / 0
except ZeroDivisionError as e:
    print("caught:", e)
finally:
    print("finally")
''',
    "tensors": '''
import torch
torch.manual_seed(0)
x = torch.randn(3, 4)
print(x.shape, x.size(), x.size(1), x.dim(), x.numel(), x.dtype)
print(x.T.shape, x.view(4, 3).shape, x.reshape(-1).shape, x[1:, ::2], x[0, 0].item())
print(x.sum(dim=0), x.mean(1, keepdim=True), x.norm(), x.max(), x.argmax(dim=1))
y = torch.ones(2, 2)
y[0, 1] = 5.0
y[1] += 2
print(y, y.t() @ y, torch.mm(y, y), torch.matmul(y, y[0]))
print(torch.arange(6).reshape(2, 3), torch.zeros(2, dtype=torch.float64), torch.eye(2))
print(torch.linspace(0, 1, 5), torch.full((2,), 7.0), torch.rand(2), torch.randint(0, 10, (3,)))
print(torch.cat([y, y]), torch.stack([y[0], y[1]], dim=1), torch.where(y > 2, y, -y))
print(torch.exp(torch.tensor(1.0)), torch.tensor([1, 2]).float(), torch.tensor(True))
print(torch.FloatTensor([1, 2]), torch.Tensor(2, 0).shape, torch.tensor([[1.0, 2.0]]).tolist())
for row in y:
    print(row)
''',
    "autograd": '''
import torch
import torch.nn.functional as F
x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
w = torch.tensor([[0.5, -1.0, 2.0]], requires_grad=True)
y = F.relu(torch.matmul(w, x)) + torch.sigmoid(x).sum() + F.mse_loss(x, torch.zeros(3))
print(y)
y.backward()
print(x.grad, w.grad)
with torch.no_grad():
    z = x * 2
    x -= 0.1 * x.grad
print(z.requires_grad, x, torch.is_grad_enabled())
with torch.set_grad_enabled(False):
    print((x * 3).requires_grad)
with torch.enable_grad():
    print((x * 3).requires_grad)
x.grad.zero_()
v = x.detach().requires_grad_()
u = (v ** 3).sum()
g, = torch.autograd.grad(u, v, create_graph=True)
print(g, g.grad_fn is not None)
g.sum().backward()
print(v.grad)
p = torch.tensor([2.0, -1.0], requires_grad=True)
opt = torch.optim.Adam([p], lr=0.1)
for step in range(20):
    opt.zero_grad()
    loss = (p ** 2).sum()
    loss.backward()
    opt.step()
print(p, loss)
q = torch.tensor(1.0, requires_grad=True)
sgd = torch.optim.SGD([q], lr=0.1, momentum=0.9)
for _ in range(5):
    sgd.zero_grad()
    (q * q).backward()
    sgd.step()
print(q, sgd.param_groups[0]["lr"])
''',
}


@pytest.fixture(scope="module")
def reference() -> dict:
    if not HAVE_TORCH:
        pytest.skip("PyTorch is not installed")
    return torch_reference(PROGRAMS)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_feature_program_matches_pytorch(name, reference):
    run = run_script(PROGRAMS[name])
    assert run.error is None, str(run.error)
    assert run.stdout == reference[name]["stdout"]
    for k, (value, grad) in reference[name]["tensors"].items():
        t = run.variables[k]
        np.testing.assert_allclose(t.detach().numpy(), np.array(value), rtol=1e-6, atol=1e-6)
        assert (t.grad is None) == (grad is None)


def test_an_nn_training_loop_names_parameters_after_the_model():
    src = """
import torch
from torch import nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
x = torch.randn(5, 3)
target = torch.randn(5, 1)
loss_fn = nn.MSELoss()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(3):
    opt.zero_grad()
    loss = loss_fn(model(x), target)
    loss.backward()
    opt.step()
"""
    run = run_script(src)
    assert run.error is None, str(run.error)
    names = {n.name for n in run.document if n.op == "variable"}
    assert {"model_0_weight", "model_0_bias", "model_2_weight", "model_2_bias"} <= names
    assert run.optimizer.steps == 3
    assert "replays the loop" in run.document.meta["explanation"]
    from core.graph.train import Trainer

    doc = run.document
    tr = Trainer(doc, "sgd", lr=0.1)
    assert tr.run(3) == 3
    w = doc.by_name("model_0_weight")
    # the Train dock's preset replays the script's loop: same weights after 3 steps
    np.testing.assert_allclose(tr.values()[w.id], _param(src, "0.weight"), rtol=1e-5,
                               atol=1e-6)


def _param(src: str, path: str):
    """A parameter of the script's model after it ran, read through the interpreter."""
    run = run_script(src + f"\nout = dict(model.named_parameters())['{path}'].detach()\n")
    return run.variables["out"].numpy()


OPS = ["torch.outer(x, x).sum()", "torch.mv(W, x).sum()", "x.square().sum()",
       "x.clamp(-0.5, 0.5).sum()", "x.abs().prod()", "torch.log_softmax(x, 0).sum()",
       "torch.nn.functional.cross_entropy(W, torch.tensor([0, 2]))", "W.flatten().sum()",
       "x.unsqueeze(0).expand(3, 3).sum()", "torch.cat([x, x]).sum()",
       "torch.stack([x, x]).sum()", "torch.where(x > 0, x, x * 2).sum()", "x.var() + x.std()",
       "W.max(dim=1)[0].sum()", "x.norm()", "x.masked_fill(x > 0, 0.0).sum()",
       "torch.sigmoid(x).sum() + torch.tanh(x).sum()", "torch.nn.functional.softplus(x).sum()",
       "x.reciprocal().sum()", "(2 ** x).sum()", "x[[0, 2]].sum()", "W.T.sum()",
       "x.view(3, 1).sum()", "torch.exp(x).log().sum()", "x.sqrt().sum()",
       "W.sum(dim=(0, 1))", "(W @ x).relu().mean()"]


@pytest.mark.parametrize("expr", OPS)
def test_recorded_op_becomes_a_document_with_the_same_gradients(expr):
    from core.graph.evaluate import Evaluator

    src = ("import torch\nx = torch.tensor([0.3, 0.7, 1.2], requires_grad=True)\n"
           "W = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]], requires_grad=True)\n"
           f"y = {expr}\ny.backward()\n")
    run = run_script(src)
    assert run.error is None, str(run.error)
    res = Evaluator(run.document).backward()
    assert res.error is None, res.error
    by_name = {run.document.node(i).name: g for i, g in res.leaf_grads.items()}
    assert set(run.grads) <= set(by_name)
    for name, g in run.grads.items():
        np.testing.assert_allclose(by_name[name], g, rtol=1e-5, atol=1e-6)


def test_a_loop_variable_over_named_tensors_does_not_rename_them():
    """`for p in params` / `[p.grad for p in params]` walk over x and y: the nodes keep
    the names the script gave them (the landscape examples print gradients this way)."""
    run = run_script("import torch\n"
                     "x = torch.tensor(1.0, requires_grad=True)\n"
                     "y = torch.tensor(2.0, requires_grad=True)\n"
                     "params = [x, y]\n"
                     "z = x * y\n"
                     "z.backward()\n"
                     "print([p.grad for p in params])\n"
                     "for q in params:\n"
                     "    print(q.grad)\n")
    assert run.error is None, run.error
    names = {n.name for n in run.document if n.op == "variable"}
    assert names == {"x", "y"}
    assert set(run.grads) == {"x", "y"}
