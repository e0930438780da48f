"""Evaluation: per-node errors, incremental forward, gradients from the engine's trace."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.graph import Document, GraphError, Wire
from core.graph.commands import make_command
from core.graph.evaluate import Evaluator
from core.graph.parser import parse
from core.graph.serialize import dumps, loads


def _var(doc, name):
    return doc.by_name(name).id


def test_errors_stay_on_their_node():
    doc = parse("y1 = a + b\ny2 = log(c)\ny3 = y1 * 2\ny1\ny2\ny3",
                values={"a": [1.0, 2.0, 3.0], "b": [1.0, 2.0, 3.0, 4.0], "c": -1.0})
    ev = Evaluator(doc)
    ev.forward()
    y1, y2, y3 = (_var(doc, n) for n in ("y1", "y2", "y3"))
    assert "[3]" in ev.errors[y1] and "[4]" in ev.errors[y1]  # names both shapes
    assert "error in y1" in ev.errors[y3]
    assert np.isnan(ev.values[y2]) and "nan" in ev.warnings[y2]
    assert y2 not in ev.errors


def test_unwired_input_error_and_fix():
    doc = Document()
    x = doc.add_node("variable", name="x", value=2.0)
    m = doc.add_node("mul")
    doc.connect(x, m, "a")
    ev = Evaluator(doc)
    ev.forward()
    assert ev.errors[m] == "input 'b' is not wired"
    doc.connect(x, m, "b")
    assert ev.forward() == [m]
    assert ev.values[m] == 4.0 and m not in ev.errors


def test_only_descendants_recompute():
    doc = parse("p = a*x\nq = b*y\np + q")
    ev = Evaluator(doc)
    assert len(ev.forward()) == len(doc)
    assert ev.forward() == []
    doc.set_value(_var(doc, "x"), 5.0)
    redone = ev.forward()
    names = {doc.node(n).name for n in redone}
    assert names == {"x", "p", "add", "out"}
    doc.move(_var(doc, "q"), (5, 5))
    doc.rename(_var(doc, "q"), "qq")
    assert ev.forward() == []
    assert ev.values[doc.output] == pytest.approx(5.0 + 1.0)


def test_removing_nodes_forgets_them():
    doc = parse("x + y")
    ev = Evaluator(doc)
    ev.forward()
    doc.remove_node(_var(doc, "y"))
    ev.forward()
    assert "not wired" in ev.errors[doc.by_name("add").id]


def test_wire_gradients_for_shared_source():
    doc = parse("x*x", values={"x": 3.0})
    ev = Evaluator(doc)
    r = ev.backward()
    x, m = _var(doc, "x"), doc.by_name("mul").id
    assert r.wire_grads[Wire(x, m, "a")] == pytest.approx(3.0)
    assert r.wire_grads[Wire(x, m, "b")] == pytest.approx(3.0)
    assert r.node_grads[x] == pytest.approx(6.0)
    kinds = [s.kind for s in r.steps]
    assert kinds[0] == "seed" and kinds[-1] == "leaf"
    mul_step = next(s for s in r.steps if s.node == m)
    assert mul_step.engine_name == "MulBackward0" and len(mul_step.sends) == 2


def test_loss_wires():
    doc = parse("mse_loss(x, y)", values={"x": [1.0, 2.0], "y": [0.0, 4.0]})
    ev = Evaluator(doc)
    r = ev.backward()
    x, y, loss = _var(doc, "x"), _var(doc, "y"), doc.by_name("mse_loss").id
    np.testing.assert_allclose(r.wire_grads[Wire(x, loss, "input")], [1.0, -2.0])
    np.testing.assert_allclose(r.wire_grads[Wire(y, loss, "target")], [-1.0, 2.0])
    assert ev.values[loss] == pytest.approx(2.5)
    (step,) = [s for s in r.steps if s.node == loss]
    assert step.kind == "node" and step.engine_name == "MseLossBackward0"


def test_composite_op_is_one_replay_step():
    # cross_entropy with probability targets is several engine ops (log_softmax, mul,
    # sum, neg, mean): the stepper still shows one node sending both wires' gradients,
    # with the engine's pieces inside in the order they ran
    doc = parse("cross_entropy(x, y)", values={"x": [[1.0, 2.0, 0.5]],
                                               "y": [[0.2, 0.3, 0.5]]})
    r = Evaluator(doc).backward()
    x, y, ce = _var(doc, "x"), _var(doc, "y"), doc.by_name("cross_entropy").id
    assert [s.kind for s in r.steps] == ["seed", "node", "leaf", "leaf"]
    (step,) = [s for s in r.steps if s.node == ce]
    assert {w.port: w.src for w, _ in step.sends} == {"input": x, "target": y}
    for w, g in step.sends:
        np.testing.assert_array_equal(g, r.wire_grads[w])
    names = [n for n, _ in step.inner]
    assert names[0] == step.engine_name == "MeanBackward0"
    assert "LogSoftmaxBackward0" in names and "CloneBackward0" not in names
    np.testing.assert_allclose(step.inner[0][1], 1.0)


def test_composite_op_wires_via_clones():
    # float32 * float64: the engine converts x first, so `mul` is two engine ops
    doc = parse("x*x*y", values={"x": 3.0, "y": 2.0})
    y = _var(doc, "y")
    doc.set_value(y, 2.0, dtype="float64")
    ev = Evaluator(doc)
    r = ev.backward()
    x = _var(doc, "x")
    m2 = doc.by_name("mul1").id
    assert r.wire_grads[Wire(y, m2, "b")] == pytest.approx(9.0)
    assert r.wire_grads[Wire(doc.by_name("mul").id, m2, "a")] == pytest.approx(2.0)
    assert r.leaf_grads[x] == pytest.approx(12.0)
    # one replay step per node; the engine's extra copy is listed inside the mul's step
    kinds = [s.kind for s in r.steps]
    assert set(kinds) == {"seed", "node", "leaf"}
    node_steps = [s.node for s in r.steps if s.kind == "node"]
    assert sorted(node_steps) == sorted({*node_steps}) and m2 in node_steps
    m2_step = next(s for s in r.steps if s.node == m2)
    assert len(m2_step.inner) > 1 and m2_step.inner[0][0] == m2_step.engine_name
    assert {w.port for w, _ in m2_step.sends} == {"a", "b"}
    assert ev.values[doc.output].dtype == np.float64


def test_no_gradient_through_constants_and_detach():
    doc = parse("u = detach(x*x)\nu*x + 2", values={"x": 2.0})
    ev = Evaluator(doc)
    r = ev.backward()
    d = doc.by_name("u").id
    src = doc.inputs_of(d)["x"]
    assert r.wire_grads[Wire(src, d, "x")] is None
    c = next(n.id for n in doc if n.op == "constant")
    assert r.node_grads[c] is None
    assert r.leaf_grads[_var(doc, "x")] == pytest.approx(4.0)


def test_backward_errors():
    doc = parse("x + 1", requires_grad=False)
    ev = Evaluator(doc)
    assert "requires grad" in ev.backward().error
    doc.set_output(None)
    with pytest.raises(GraphError, match="choose an output"):
        ev.backward()


_leaf = st.sampled_from(["x", "y", "2", "0.5"])
_un = st.sampled_from(["exp", "tanh", "sin", "sigmoid", "neg", "abs", "relu", "cos"])
_bin = st.sampled_from(["+", "-", "*"])
_expr = st.recursive(_leaf, lambda e: st.one_of(
    st.builds(lambda f, a: f"{f}({a})", _un, e),
    st.builds(lambda a, o, b: f"({a} {o} {b})", e, _bin, e),
    st.builds(lambda a: f"({a})**2", e)), max_leaves=8)


@settings(max_examples=60, deadline=None)
@given(_expr, st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_gradients_match_torch_and_totals_sum_wires(text, xs):
    torch = pytest.importorskip("torch")
    text = f"sum(({text}) * x + y)"
    doc = parse(text, values={"x": xs, "y": [0.5, -1.0, 2.0]})
    ev = Evaluator(doc)
    r = ev.backward()
    assert r.error is None
    leaves = [n for n in (_var(doc, "x"), _var(doc, "y"))]
    ev_t = Evaluator(doc, lib=torch)
    expected = ev_t.grad(doc.output, leaves)
    for n, e in zip(leaves, expected):
        np.testing.assert_allclose(r.leaf_grads[n], e, rtol=1e-4, atol=1e-5)
    # every node's total is the sum of the gradients on its outgoing wires
    for nid, total in r.node_grads.items():
        outs = [r.wire_grads[w] for w in doc.wires_from(nid) if w in r.wire_grads]
        outs = [g for g in outs if g is not None]
        if nid == doc.output or total is None:
            continue
        np.testing.assert_allclose(total, sum(np.broadcast_to(g, total.shape) if g.shape !=
                                              total.shape else g for g in outs) if all(
            g.shape == total.shape for g in outs) else total, rtol=1e-4, atol=1e-5)


def test_jacobian_hessian_several_inputs():
    doc = parse("x1*x2 + x1**3", values={"x1": 2.0, "x2": 5.0})
    ev = Evaluator(doc)
    j = ev.jacobian(doc.output, [_var(doc, "x1"), _var(doc, "x2")])
    assert j[0] == pytest.approx(5.0 + 12.0) and j[1] == pytest.approx(2.0)
    h = ev.hessian(doc.output, [_var(doc, "x1"), _var(doc, "x2")])
    assert h[0][0] == pytest.approx(12.0) and h[0][1] == pytest.approx(1.0)


def test_differentiate_matches_hessian_and_round_trips():
    doc = parse("tanh(w*x + b)", values={"w": 0.7, "x": 1.5, "b": -0.2})
    ev = Evaluator(doc)
    x = _var(doc, "x")
    d1 = ev.differentiate(wrt=x)
    d1 = loads(dumps(d1))  # an ordinary document: it saves and loads
    e1 = Evaluator(d1)
    t = np.tanh(0.7 * 1.5 - 0.2)
    assert e1.value(d1.output) == pytest.approx(0.7 * (1 - t * t), rel=1e-5)
    d2 = e1.differentiate(wrt=_var(d1, "x"))
    assert Evaluator(d2).value(d2.output) == pytest.approx(
        float(ev.hessian(doc.output, x)), rel=1e-4)


def test_differentiate_matrix_graph():
    doc = parse("mean(y - x @ w)", values={"x": [[1.0, 2.0], [3.0, 4.0]],
                                           "w": [[0.5], [-1.0]], "y": [[1.0], [2.0]]})
    ev = Evaluator(doc)
    d = ev.differentiate(wrt=_var(doc, "w"))
    g = Evaluator(d).value(d.output)
    np.testing.assert_allclose(g, ev.backward().leaf_grads[_var(doc, "w")])


def test_stack_index_softmax_cross_entropy_forward():
    doc = parse("cross_entropy(softmax(stack(x[0], x[1], x[2]), -1).reshape((1, 3)), t)",
                values={"x": [1.0, 2.0, 3.0], "t": [2]}, requires_grad=False)
    doc.set_value(_var(doc, "t"), [2], dtype="int64")
    ev = Evaluator(doc)
    ev.forward()
    assert not ev.errors, ev.errors


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["value", "param", "disconnect", "remove", "undo"]),
                          st.integers(0, 30), st.floats(-3, 3)), max_size=12))
def test_incremental_matches_fresh_evaluation(edits):
    from core.graph import History

    doc = parse("p = a*x**2\nq = tanh(b*x) + p\nsum(q * a) + mean(p)",
                values={"a": [1.0, 2.0], "x": [0.5, -1.0], "b": 3.0})
    ev = Evaluator(doc)
    ev.forward()
    h = History()
    for kind, i, v in edits:
        ids = list(doc.nodes)
        nid = ids[i % len(ids)]
        try:
            if kind == "value":
                h.push(make_command(doc, "set_value", nid, [v, v + 1]))
            elif kind == "param":
                h.push(make_command(doc, "set_param", nid, "exponent", v))
            elif kind == "disconnect":
                port = next(iter(doc.inputs_of(nid)), None)
                h.push(make_command(doc, "disconnect", nid, port))
            elif kind == "remove":
                h.push(make_command(doc, "remove_node", nid))
            elif h.can_undo():
                h.undo()
        except GraphError:
            pass
        ev.forward()
        fresh = Evaluator(doc.copy())
        fresh.forward()
        assert set(ev.errors) == set(fresh.errors)
        assert set(ev.values) == set(fresh.values)
        for k, val in fresh.values.items():
            np.testing.assert_array_equal(ev.values[k], val)


@pytest.mark.parametrize("text", [
    "tanh(w*x + b)", "x*x", "mean(y - x @ w)", "u = x*2\nv = u + 1\nsum(v*u)",
])
def test_replay_sends_every_gradient_once_and_in_order(text):
    doc = parse(text, values={"x": [[1.0, 2.0]], "w": [[0.5], [1.5]], "y": [[1.0]],
                              "b": 0.1})
    # an output node in the middle: it passes the gradient on without an engine step
    first = doc.wires_into(doc.output)[0].src
    mid = doc.add_node("output", name="mid")
    tail = doc.add_node("sum", name="tail")
    doc.connect(first, mid, "value")
    doc.connect(mid, tail, "x")
    doc.set_output(tail)
    r = Evaluator(doc).backward()
    assert r.error is None
    sent = [w for s in r.steps for w, g in s.sends]
    with_grad = {w for w, g in r.wire_grads.items() if g is not None}
    assert sorted(sent, key=repr) == sorted(with_grad, key=repr)  # each exactly once
    first_step = {}
    for s in r.steps:
        first_step.setdefault(s.node, s.index)
    for s in r.steps:
        for w, _ in s.sends:  # a gradient is sent before its source node processes it
            assert first_step.get(w.src, 10**9) > s.index
    assert [s.index for s in r.steps] == list(range(len(r.steps)))
