"""GradState: .grad accumulation, zero_grad, retain_graph refusal, gradient argument and
several outputs — each compared with torch running the same program (where installed)."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.autograd.node import FREED_MESSAGE
from core.graph import GraphError
from core.graph.evaluate import Evaluator
from core.graph.grad_state import GradState
from core.graph.parser import parse
from core.graph.serialize import load

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
LESSONS = sorted(p.stem for p in EXAMPLES.glob("*.json"))


def _state(doc):
    return GradState(Evaluator(doc))


def _torch_program(doc, outputs, gradients, passes, retain):
    """The same program in torch: y = f(x) once, then `passes` backward calls; returns
    (each leaf's .grad, the error message of a refused pass or None). The .grads are those
    before a refused pass: torch may already have added to leaves the failing pass reached
    before the freed node; the app refuses the whole pass and changes nothing."""
    torch = pytest.importorskip("torch")
    ev = Evaluator(doc, lib=torch)
    leaves = [n.id for n in doc if n.op == "variable" and n.requires_grad]
    xs = {n: torch.tensor(np.array(doc.node(n).value), requires_grad=True) for n in leaves}
    env: dict = {}
    ys = []
    for o in outputs:
        f = ev.function(o, leaves, env=env)
        ys.append(f(*[xs[n] for n in leaves]))
    error = None
    for _ in range(passes):
        before = {n: (None if x.grad is None else x.grad.numpy().copy()) for n, x in xs.items()}
        try:
            torch.autograd.backward([y for y in ys if y.requires_grad],
                                    [torch.tensor(g) for g, y in zip(gradients, ys)
                                     if y.requires_grad], retain_graph=retain)
        except RuntimeError as e:
            return before, str(e)
    return {n: (None if x.grad is None else x.grad.numpy()) for n, x in xs.items()}, error


def _seeds(doc, outputs, ev):
    out = []
    for o in outputs:
        g = doc.output_gradient if o == doc.output else None
        out.append(np.ones_like(ev.value(o)) if g is None else np.asarray(g, ev.value(o).dtype))
    return out


@pytest.mark.parametrize("retain", [False, True])
@pytest.mark.parametrize("name", LESSONS)
def test_lessons_backward_twice_like_torch(name, retain):
    doc = load(EXAMPLES / f"{name}.json")
    s = _state(doc)
    s.retain_graph = retain
    outs = [doc.output]
    first = s.backward(fresh=True)
    assert first.error is None, first.error
    second = s.backward()
    expected, error = _torch_program(doc, outs, _seeds(doc, outs, s.ev), 2, retain)
    assert second.error == error
    for n, g in expected.items():
        if g is None:
            assert n not in s.grad
        else:
            np.testing.assert_allclose(s.grad[n], g, rtol=1e-5, atol=1e-6)


def test_retain_graph_lesson_8_16_24_and_zero():
    doc = load(EXAMPLES / "10_retain_graph.json")
    x = doc.by_name("x").id
    s = _state(doc)
    assert float(s.backward(fresh=True).leaf_grads[x]) == 8.0
    refused = s.backward()
    assert refused.error == FREED_MESSAGE
    assert float(s.grad[x]) == 8.0  # nothing changed
    s.retain_graph = True
    assert float(s.backward(fresh=True).leaf_grads[x]) == 8.0
    r = s.backward()
    assert float(r.leaf_grads[x]) == 16.0 and float(r.previous_grads[x]) == 8.0
    assert float(s.backward().leaf_grads[x]) == 24.0
    assert s.history(x) == "8 + 8 + 8 = 24"
    s.zero_grad()
    assert float(s.grad[x]) == 0.0 and s.history(x) == ""
    assert float(s.backward().leaf_grads[x]) == 8.0


def test_graph_of_additions_can_be_backwarded_twice_as_in_torch():
    doc = parse("x + 1", values={"x": 3.0})
    s = _state(doc)
    x = doc.by_name("x").id
    s.backward(fresh=True)
    r = s.backward()
    assert r.error is None and float(s.grad[x]) == 2.0
    assert _torch_program(doc, [doc.output], [np.float32(1)], 2, False)[1] is None


def test_new_forward_is_a_new_graph_and_grad_persists():
    doc = load(EXAMPLES / "10_retain_graph.json")
    x = doc.by_name("x").id
    s = _state(doc)
    s.backward(fresh=True)
    assert s.backward().error == FREED_MESSAGE
    doc.set_value(x, 1.0)  # y = f(x) again: a new graph
    r = s.backward()
    assert r.error is None
    assert float(s.grad[x]) == 8.0 + 4.0  # .grad kept 8 and adds 2 + 2x = 4
    assert s.history(x) == "8 + 4 = 12"


def test_gradient_argument_rows_of_the_jacobian():
    doc = load(EXAMPLES / "08_jacobian.json")
    s = _state(doc)
    x = doc.by_name("x").id
    rows = []
    for g in ([1, 0], [0, 1]):
        doc.set_output(doc.output, s.check_gradient(doc.output, g))
        rows.append(np.array(s.backward(fresh=True).leaf_grads[x]))
    np.testing.assert_allclose(rows, [[4, 3], [2, 6]])
    with pytest.raises(GraphError, match=r"shape \(2,\).*got \(3,\)"):
        s.check_gradient(doc.output, [1, 0, 0])


def test_several_outputs_sum_like_torch():
    doc = load(EXAMPLES / "05_two_outputs.json")
    s = _state(doc)
    outs = [n.id for n in doc if n.op == "output"]
    r = s.backward(outs, fresh=True)
    assert r.error is None
    got = {doc.node(n).name: float(g) for n, g in s.grad.items()}
    assert got == {"x1": 3.0, "x2": 2.0}
    assert [st.kind for st in r.steps[:2]] == ["seed", "seed"]
    expected, _ = _torch_program(doc, outs, _seeds(doc, outs, s.ev), 1, False)
    for n, g in expected.items():
        np.testing.assert_allclose(s.grad[n], g)
    # every wire carries the total of both outputs' gradients
    x1 = doc.by_name("x1").id
    assert sum(float(g) for w, g in r.wire_grads.items() if w.src == x1
               and g is not None) == 3.0


def test_refused_pass_changes_nothing():
    doc = load(EXAMPLES / "02_shifted_square.json")
    s = _state(doc)
    first = s.backward(fresh=True)
    before = (dict(s.grad), {k: list(v) for k, v in s.parts.items()}, s.ev.last_backward)
    assert s.backward().error == FREED_MESSAGE
    assert s.grad == before[0] and s.parts == before[1]
    assert s.ev.last_backward is first is before[2]


_leaf = st.sampled_from(["x", "y", "2", "0.5"])
_un = st.sampled_from(["exp", "tanh", "sin", "neg", "abs", "relu"])
_bin = st.sampled_from(["+", "-", "*"])
_expr = st.recursive(_leaf, lambda e: st.one_of(
    st.builds(lambda f, a: f"{f}({a})", _un, e),
    st.builds(lambda a, o, b: f"({a} {o} {b})", e, _bin, e)), max_leaves=6)


@settings(max_examples=30, deadline=None)
@given(_expr, _expr, st.integers(1, 3), st.booleans(),
       st.lists(st.floats(-2, 2), min_size=2, max_size=2))
def test_random_graphs_accumulate_like_torch(a, b, passes, retain, xs):
    doc = parse(f"p = sum(({a}) * x)\nq = sum(({b}) + y)\np\nq",
                values={"x": xs, "y": [0.5, -1.0]})
    outs = [n.id for n in doc if n.op == "output"]
    s = _state(doc)
    s.retain_graph = retain
    error = None
    for i in range(passes):
        r = s.backward(outs, fresh=i == 0)
        if r.error is not None:
            error = r.error
            break
    expected, t_error = _torch_program(doc, outs, _seeds(doc, outs, s.ev), passes, retain)
    assert error == t_error
    for n, g in expected.items():
        if g is not None:
            np.testing.assert_allclose(s.grad[n], g, rtol=1e-4, atol=1e-5)


def test_grad_is_dropped_with_its_variable_requires_grad_or_shape():
    doc = parse("sum(x * y)", values={"x": [1.0, 2.0], "y": [3.0, 4.0]})
    s = _state(doc)
    x, y = doc.by_name("x").id, doc.by_name("y").id
    s.backward(fresh=True)
    assert set(s.grad) == {x, y}
    doc.set_requires_grad(y, False)
    doc.set_value(x, [1.0, 2.0, 3.0])
    s.drop_stale()
    assert s.grad == {}


@settings(max_examples=30, deadline=None)
@given(_expr, st.booleans(), st.lists(st.floats(-2, 2), min_size=2, max_size=2),
       st.lists(st.sampled_from(["fresh", "again", "zero", "edit", "keep"]), min_size=1,
                max_size=8),
       st.lists(st.floats(-1, 1), min_size=2, max_size=2))
def test_random_programs_of_passes_zero_and_edits_like_torch(a, retain, xs, program, seed):
    """A vector output with a gradient argument, and any sequence of fresh passes, passes
    again, zero_grad, value edits (a new forward) and retain_graph switches: .grad and
    every refusal are torch's."""
    torch = pytest.importorskip("torch")
    doc = parse(f"v = ({a}) * x + y", values={"x": xs, "y": [0.5, -1.0]})
    seed_arr = np.array(seed, dtype=np.float32)
    doc.set_output(doc.output, seed_arr)
    s = _state(doc)
    s.retain_graph = retain
    leaves = [doc.by_name("x").id, doc.by_name("y").id]
    t_ev = Evaluator(doc, lib=torch)
    tx = {n: torch.tensor(np.array(doc.node(n).value), requires_grad=True) for n in leaves}
    ty = t_ev.function(doc.output, leaves)(*tx.values())
    keep = retain
    for k, op in enumerate(program):
        if op == "keep":
            keep = not keep
            s.retain_graph = keep
            continue
        if op == "zero":
            s.zero_grad()
            _torch_zero_grad(tx)
            continue
        if op == "edit":
            new = np.array([xs[0] + k, xs[1] - k], dtype=np.float32)
            doc.set_value(leaves[0], new)
            with torch.no_grad():
                tx[leaves[0]].copy_(torch.from_numpy(new))
            ty = t_ev.function(doc.output, leaves)(*tx.values())
            continue
        if op == "fresh":
            for t in tx.values():
                t.grad = None
            ty = t_ev.function(doc.output, leaves)(*tx.values())
        r = s.backward(fresh=op == "fresh")
        assert r.error == _torch_backward(torch, ty, tx, seed_arr, keep)
        _assert_grads_are_torchs(s, tx)


def _torch_zero_grad(tx) -> None:
    for t in tx.values():
        if t.grad is not None:
            t.grad.zero_()


def _torch_backward(torch, ty, tx, seed_arr, keep: bool) -> str | None:
    """torch's backward of `ty`; its error message, or None. A refused pass leaves .grad as
    it was (torch may have accumulated into some leaves: the app refuses the whole pass)."""
    before = {n: None if t.grad is None else t.grad.clone() for n, t in tx.items()}
    try:
        ty.backward(torch.from_numpy(seed_arr), retain_graph=keep)
    except RuntimeError as e:
        for n, t in tx.items():
            t.grad = before[n]
        return str(e)
    return None


def _assert_grads_are_torchs(s, tx) -> None:
    for n, t in tx.items():
        if t.grad is None:
            assert n not in s.grad
        else:
            np.testing.assert_allclose(s.grad[n], t.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_history_of_an_accumulated_vector():
    doc = load(EXAMPLES / "03_dot_product.json")
    s = _state(doc)
    s.retain_graph = True
    x = doc.by_name("x").id
    s.backward(fresh=True)
    assert s.history(x) == ""
    s.backward()
    assert s.history(x) == "[0, 4, 8, 12] + [0, 4, 8, 12] = [0, 8, 16, 24]"
