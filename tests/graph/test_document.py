"""Document edits: each applies whole or raises GraphError and changes nothing."""

import numpy as np
import pytest

from core.graph import OPS, Change, Document, GraphError, Wire

from .helpers.snapshot import snapshot as to_dict


def _doc():
    d = Document()
    x = d.add_node("variable", name="x", value=3.0, requires_grad=True)
    sq = d.add_node("pow", name="sq")
    d.connect(x, sq, "base")
    return d, x, sq


def _unchanged(d, fn):
    before = to_dict(d)
    with pytest.raises(GraphError) as e:
        fn()
    assert to_dict(d) == before
    return str(e.value)


def test_basic_structure():
    d, x, sq = _doc()
    assert d.wires == [Wire(x, sq, "base")]
    assert d.inputs_of(sq) == {"base": x}
    assert d.topo_order() == [x, sq]
    assert d.node(x).value.dtype == np.float32 and d.node(x).dtype == "float32"
    assert d.node(sq).params == {"exponent": 2.0}
    assert d.by_name("sq").id == sq
    assert d.unwired_ports(sq) == []


def test_same_source_into_two_ports():
    d, x, _ = _doc()
    m = d.add_node("mul")
    d.connect(x, m, "a")
    d.connect(x, m, "b")
    assert d.inputs_of(m) == {"a": x, "b": x}
    d.disconnect(m, "a")
    assert d.inputs_of(m) == {"b": x}
    assert d.graph.has_edge(x, m)


@pytest.mark.parametrize("bad, msg", [
    (lambda d, x, sq: d.connect(sq, x, "base"), "no input port"),
    (lambda d, x, sq: d.connect(x, sq, "base"), "already wired"),
    (lambda d, x, sq: d.connect(x, sq, "nope"), "no input port 'nope'"),
    (lambda d, x, sq: d.connect("zz", sq, "exponent"), "no node with id 'zz'"),
    (lambda d, x, sq: d.connect(sq, sq, "exponent"), "cycle"),
    (lambda d, x, sq: d.set_value(x, "[1, 2"), "column"),
    (lambda d, x, sq: d.set_value(x, "[[1, 2], [3]]"), "ragged"),
    (lambda d, x, sq: d.set_value(x, "__import__('os')"), "not allowed"),
    (lambda d, x, sq: d.set_value(x, [1, 2], dtype="int64"), "floating point"),
    (lambda d, x, sq: d.set_value(sq, 1.0), "computes its value"),
    (lambda d, x, sq: d.set_param(sq, "exponent", "two"), "exponent"),
    (lambda d, x, sq: d.set_param(sq, "dim", 1), "no parameter 'dim'"),
    (lambda d, x, sq: d.rename(sq, "x"), "already used"),
    (lambda d, x, sq: d.rename(sq, "1abc"), "not a valid name"),
    (lambda d, x, sq: d.rename(sq, "torch"), "reserved"),
    (lambda d, x, sq: d.move(sq, (1,)), "position"),
    (lambda d, x, sq: d.disconnect(sq, "exponent"), "not wired"),
    (lambda d, x, sq: d.add_node("nope"), "unknown op"),
    (lambda d, x, sq: d.add_node("constant", requires_grad=True), "only variables"),
    (lambda d, x, sq: d.set_requires_grad(sq, True), "only variables"),
    (lambda d, x, sq: d.set_output(sq, gradient="[1,"), "column"),
])
def test_bad_edits_change_nothing(bad, msg):
    d, x, sq = _doc()
    assert msg in _unchanged(d, lambda: bad(d, x, sq))


def test_longer_cycle_rejected():
    d, x, sq = _doc()
    a = d.add_node("add")
    d.connect(sq, a, "a")
    t = d.add_node("tanh")
    d.connect(a, t, "x")
    assert "cycle" in _unchanged(d, lambda: d.connect(t, sq, "exponent"))


def test_variadic_ports():
    d = Document()
    a = d.add_node("constant", value=1.0)
    s = d.add_node("stack")
    d.connect(a, s, "xs.0")
    d.connect(a, s, "xs.1")
    with pytest.raises(GraphError):
        d.connect(a, s, "xs")
    with pytest.raises(GraphError):
        d.connect(a, s, "xs.01")


def test_value_keeps_float_dtype_and_parses_text():
    d, x, _ = _doc()
    d.set_value(x, "[[1, 2], [3, 4]]")
    assert d.node(x).value.dtype == np.float32
    np.testing.assert_array_equal(d.node(x).value, [[1, 2], [3, 4]])
    d.set_value(x, "[1.5, nan, -inf]", dtype="float64")
    assert d.node(x).dtype == "float64"
    with pytest.raises(ValueError):
        d.node(x).value[0] = 3  # read-only: only edits change values


def test_observers_and_remove_order():
    d, x, sq = _doc()
    seen = []
    unsub = d.subscribe(seen.append)
    d.set_output(sq)
    d.remove_node(x)
    assert [c.kind for c in seen] == ["output_changed", "wire_removed", "node_removed"]
    d.remove_node(sq)
    assert seen[-1] == Change("output_changed") and d.output is None
    unsub()
    d.add_node("add")
    assert len(seen) == 5


def test_failing_observer_does_not_starve_others():
    d = Document()
    seen = []

    def broken(c):
        raise RuntimeError("boom")

    d.subscribe(broken)
    d.subscribe(seen.append)
    with pytest.raises(RuntimeError):
        d.add_node("add")
    assert len(seen) == 1 and len(d) == 1


def test_auto_names_unique():
    d = Document()
    ids = [d.add_node("add") for _ in range(3)]
    assert [d.node(i).name for i in ids] == ["add", "add1", "add2"]
    assert d.node(d.add_node("variable")).name == "x"


def test_every_op_can_be_added():
    d = Document()
    for op in OPS:
        d.add_node(op)
    assert len(d) == len(OPS)


def test_copy_is_independent():
    d, x, sq = _doc()
    c = d.copy()
    c.set_value(x, 5.0)
    c.remove_node(sq)
    assert float(d.node(x).value) == 3.0 and sq in d
    assert c.new_id() not in d


def test_float32_value_text_is_short_and_round_trips():
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    from core.graph.values import parse_value, value_to_text

    a = np.array([[0.2019, -0.0383], [1e-8, 1 / 3]], np.float32)
    assert value_to_text(a) == "[[0.2019, -0.0383], [1e-08, 0.33333334]]"

    @settings(max_examples=200, deadline=None)
    @given(arrays(np.float32, st.integers(0, 6), elements=st.floats(width=32)))
    def round_trip(arr):
        back = parse_value(value_to_text(arr), "float32")
        np.testing.assert_array_equal(back, arr)  # nan == nan here, and -0.0 keeps its sign
        real = ~np.isnan(arr)  # a nan's sign bit is not part of its text
        assert np.array_equal(np.signbit(back[real]), np.signbit(arr[real]))

    round_trip()
