"""Where each wire's gradient sits in the engine's trace (core/graph/wire_slots.py), the
forward's bookkeeping that backward reads: one engine step, a clone, a pass-through."""

import numpy as np

from core.graph.evaluate import Evaluator
from core.graph.parser import parse
from core.graph.wire_slots import ALIAS, NONE, PASS, STEP, Slot


def _slots(text: str, values: dict, op: str):
    doc = parse(text, values=values)
    ev = Evaluator(doc)
    ev.forward()
    nid = next(n.id for n in doc if n.op == op)
    return doc, ev, nid


def test_one_engine_op_reads_its_own_step():
    _doc, ev, mul = _slots("y = w * x", {"w": 2.0, "x": 3.0}, "mul")
    slots = ev.wire_slots[mul]
    assert {p: s[0] for p, s in slots.items()} == {"a": STEP, "b": STEP}
    assert slots["a"][1] is ev.tensor(mul).grad_fn and (slots["a"][2], slots["b"][2]) == (0, 1)
    assert ev.owned[mul] == []


def test_slots_are_typed_with_named_fields():
    _doc, ev, mul = _slots("y = w * x", {"w": 2.0, "x": 3.0}, "mul")
    b = ev.wire_slots[mul]["b"]
    assert type(b) is Slot and (b.kind, b.fn, b.index) == (STEP, ev.tensor(mul).grad_fn, 1)


def test_a_composite_op_gets_a_clone_per_input_and_owns_its_inner_ops():
    doc, ev, ce = _slots("L = cross_entropy(x, t)", {"x": [1.0, 2.0], "t": [0.0, 1.0]},
                         "cross_entropy")
    t = next(n.id for n in doc if n.name == "t")
    doc.set_requires_grad(t, False)
    ev.forward()
    slots = ev.wire_slots[ce]
    assert sorted(s[0] for s in slots.values()) == [ALIAS, NONE]
    assert len(ev.owned[ce]) >= 2  # several engine steps, one document node
    # backward reads the wire's gradient from that clone: all of ∂L/∂x (x feeds only it)
    r = ev.backward()
    x = next(n.id for n in doc if n.name == "x")
    (w,) = [w for w in r.wire_grads if w.src == x]
    np.testing.assert_allclose(r.wire_grads[w], ev.grad(ce, x)[0])


def test_an_output_passes_its_input_on():
    doc, ev, out = _slots("y = sin(x)", {"x": 1.0}, "output")
    assert {s[0] for s in ev.wire_slots[out].values()} == {PASS}
