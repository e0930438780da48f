"""The replay model (core/graph/replay.py), without Qt: reach, send order, explanations,
`same_replay`, frame folding — what the app's stepper only draws."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

import core
from core.graph import Document, Wire
from core.graph.commands import History, make_command
from core.graph.evaluate import Evaluator
from core.graph.parser import parse
from core.graph.replay import (
    CURRENT,
    DONE,
    GATHERED,
    OFF,
    PENDING,
    READY,
    SENT,
    WAITING,
    BackwardResult,
    collapse_steps,
    explain,
    picture,
    refold,
    same_replay,
    schedule,
)


def _neuron() -> tuple[Document, Evaluator, BackwardResult]:
    doc = parse("y = tanh(w*x + b)", values={"w": 0.5, "x": 2.0, "b": -0.5})
    for n in doc:
        if n.op == "variable":
            doc.set_requires_grad(n.id, n.name in ("w", "b"))
    ev = Evaluator(doc)
    bw = ev.backward()
    assert bw.error is None
    return doc, ev, bw


def _id(doc: Document, name: str) -> str:
    return next(n.id for n in doc if n.name == name)


def _op(doc: Document, op: str) -> str:
    return next(n.id for n in doc if n.op == op)


def test_reach_follows_the_steps_and_a_wire_is_sent_once():
    doc, _ev, bw = _neuron()
    reached, sent = schedule(bw.steps)
    assert bw.steps[0].kind == "seed"
    # every node in the pass is reached at its first step
    assert reached == {s.node: s.index for s in reversed(bw.steps)}
    # a wire's gradient is sent at the step of the node it enters
    for w, at in sent.items():
        assert bw.steps[at].node == w.dst
    # x does not require grad: its wire into mul sends nothing, it is never reached
    x = _id(doc, "x")
    assert x not in reached
    assert not any(w.src == x for w in sent)


def test_picture_walks_from_pending_through_waiting_to_done():
    doc, _ev, bw = _neuron()
    wires, nodes = doc.wires, doc.nodes
    first = picture(bw.steps, nodes, wires, 0)
    assert first.nodes[bw.output] == CURRENT
    assert first.nodes[_id(doc, "x")] == OFF
    assert first.nodes[_id(doc, "w")] == PENDING and first.notes[_id(doc, "w")] == "∇ ?"
    # after the tanh step, add has all (one) of its gradients: READY
    tanh = _op(doc, "tanh")
    at = next(s.index for s in bw.steps if s.node == tanh)
    pic = picture(bw.steps, nodes, wires, at)
    assert pic.nodes[tanh] == CURRENT
    assert pic.nodes[_op(doc, "add")] == READY
    assert [w for w, st in pic.wires.items() if st == SENT] == [
        w for w, g in bw.steps[at].sends if g is not None]
    last = picture(bw.steps, nodes, wires, len(bw.steps) - 1)
    assert all(st in (DONE, GATHERED, OFF) for st in last.wires.values())
    assert {n for n, st in last.nodes.items() if st != OFF} == {s.node for s in bw.steps}


def test_a_node_fed_twice_waits_and_counts_what_arrived():
    doc = parse("y = x*x + sin(x)", values={"x": 0.5})
    x = _id(doc, "x")
    doc.set_requires_grad(x, True)
    bw = Evaluator(doc).backward()
    _reached, sent = schedule(bw.steps)
    into_x = sorted((w for w in sent if w.src == x), key=sent.get)
    assert len(into_x) == 3  # mul.a, mul.b, sin.x
    assert sent[into_x[0]] < sent[into_x[-1]]  # mul sends two at once, sin one later
    waiting = picture(bw.steps, doc.nodes, doc.wires, sent[into_x[0]])
    assert waiting.nodes[x] == WAITING
    assert waiting.notes[x].startswith("∇ ") and waiting.notes[x].endswith(" of 3")


def test_explain_takes_every_number_from_the_result():
    doc, ev, bw = _neuron()
    mul = _op(doc, "mul")
    i = next(s.index for s in bw.steps if s.node == mul)
    ex = explain(doc, bw, i, ev.values)
    assert ex.title == f"Step {i + 1} of {len(bw.steps)} — {doc.node(mul).name} " \
        f"({bw.steps[i].engine_name})"
    assert ex.kind == "node" and ex.op == "mul"
    assert ex.output_name == doc.node(bw.output).name
    np.testing.assert_array_equal(ex.grad, bw.node_grads[mul])
    # what arrived: the add's gradient along the wire mul -> add
    assert [t.wire for t in ex.terms] == [w for w in bw.wire_grads if w.src == mul]
    # what it sends: one per input wire, the catalog's local derivative for that port
    assert [s.wire for s in ex.sends] == [w for w, _ in bw.steps[i].sends]
    spec = doc.node(mul).spec
    for s in ex.sends:
        assert s.local == spec.local_derivative(s.port)
        np.testing.assert_array_equal(s.sent, bw.wire_grads[s.wire])
    # the chain rule the panel shows: upstream × local = sent (∂(w·x)/∂w = x = 2)
    (to_w,) = [s for s in ex.sends if s.to_name == "w"]
    np.testing.assert_allclose(to_w.sent, to_w.upstream * 2.0)
    assert [p for p, _, _ in ex.inputs] == [p.name for p in spec.inputs]
    seed = explain(doc, bw, 0, ev.values)
    assert seed.kind == "seed" and seed.terms == []


def test_a_leaf_in_an_accumulating_pass_shows_before_and_after():
    doc, ev, bw1 = _neuron()
    bw2 = ev.backward(accumulate=True)
    w = _id(doc, "w")
    bw2.previous_grads = {w: bw1.leaf_grads[w]}
    i = next(s.index for s in bw2.steps if s.kind == "leaf" and s.node == w)
    ex = explain(doc, bw2, i, ev.values)
    np.testing.assert_array_equal(ex.previous, bw1.leaf_grads[w])
    np.testing.assert_allclose(ex.accumulated, 2 * bw1.leaf_grads[w])


def test_same_replay_only_when_nothing_changed():
    doc, ev, bw = _neuron()
    assert same_replay(bw, ev.backward())
    assert not same_replay(bw, None) and not same_replay(None, None)
    doc.set_value(_id(doc, "x"), 3.0)
    assert not same_replay(bw, ev.backward())  # same steps, other numbers


def test_a_collapsed_frame_is_one_step_and_explains_its_border():
    doc, ev, bw = _neuron()
    inner = [_op(doc, "mul"), _op(doc, "add")]
    h = History()
    h.push(make_command(doc, "group", inner, title="affine"))
    h.push(make_command(doc, "set_frame", "f1", collapsed=True))
    bw = ev.backward()
    folded = collapse_steps(bw.steps, doc)
    frames = [s for s in folded if s.kind == "frame"]
    assert len(frames) == 1 and len(folded) == len(bw.steps) - 1
    (fs,) = frames
    assert fs.engine_name == "affine" and len(fs.inner) == 2
    ex = explain(doc, replace(bw, steps=folded), fs.index, ev.values)
    assert ex.kind == "frame" and ex.op == "frame"
    # it sends across its border only: to w and b (x requires no grad)
    assert sorted(s.to_name for s in ex.sends if s.sent is not None) == ["b", "w"]
    assert all(s.wire.src not in inner for s in ex.sends)
    assert [t.from_name for t in ex.terms] == [doc.node(_op(doc, "tanh")).name]


def test_replay_steps_are_what_the_engine_did():
    """The numbers of the replay are the engine's: w.grad from core agrees."""
    doc, _ev, bw = _neuron()
    w = core.tensor(0.5, requires_grad=True)
    b = core.tensor(-0.5, requires_grad=True)
    core.tanh(w * 2.0 + b).backward()
    np.testing.assert_allclose(bw.leaf_grads[_id(doc, "w")], w.grad.numpy())
    leaf_steps = {s.node for s in bw.steps if s.kind == "leaf"}
    assert leaf_steps == {_id(doc, "w"), _id(doc, "b")}
    assert isinstance(next(iter(bw.wire_grads)), Wire)


def test_refold_stays_on_the_same_node_or_its_frame():
    doc, ev, bw = _neuron()
    mul, add = _op(doc, "mul"), _op(doc, "add")
    shown = collapse_steps(bw.steps, doc)
    at_mul = next(s.index for s in shown if s.node == mul)
    # nothing folded differently: the same steps, the same place, nothing to redraw
    steps, index, moved = refold(bw.steps, doc, shown, at_mul)
    assert (index, moved) == (at_mul, False) and len(steps) == len(shown)
    h = History()
    h.push(make_command(doc, "group", [mul, add], title="affine"))
    h.push(make_command(doc, "set_frame", "f1", collapsed=True))
    steps, index, moved = refold(bw.steps, doc, shown, at_mul)
    assert moved and steps[index].kind == "frame" and steps[index].engine_name == "affine"
    # expanded again: back on mul's own step
    h.undo()
    back, index, moved = refold(bw.steps, doc, steps, index)
    assert moved and back[index].node in (mul, add)
    tanh = _op(doc, "tanh")
    at_tanh = next(s.index for s in steps if s.node == tanh)
    back, index, moved = refold(bw.steps, doc, steps, at_tanh)
    assert back[index].node == tanh
