"""The catalog's reading of engine ops: every op the engine records reads back as a
node, named and parametrised as the catalog declares (engine_map.py)."""

import numpy as np
import pytest

import core
from core.graph import OPS
from core.graph.differentiate import translate_engine_op
from core.graph.document import GraphError
from core.graph.engine_map import EngineRecord, reading_index
from core.ops import REGISTRY


def test_every_recorded_engine_op_has_a_node():
    reading = reading_index(OPS)
    # clone is skipped: Differentiate reads through it to its input
    assert set(REGISTRY) - set(reading) == {"clone"}
    for name, (spec, eop) in reading.items():
        assert eop.name == name and name in REGISTRY
        assert eop in spec.engine_ops


def test_a_spec_named_as_the_engine_op_reads_it_back():
    reading = reading_index(OPS)
    assert reading["matmul"][0].name == "matmul"  # not dot, which also runs matmul
    assert reading["amin"][0].name == "amin" and reading["min_dim"][0].name == "min_dim"
    assert reading["getitem"][0].name == "index"


def _record(t):
    g = t.grad_fn
    return EngineRecord(g.op.name, g.params, g.inputs, t, g.name())


def test_params_copy_over_by_torch_names():
    x = core.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    plan = translate_engine_op(_record(core.var(x, dim=1, correction=0, keepdim=True)))
    assert (plan.kind, plan.params) == ("var", {"dim": (1,), "correction": 0, "keepdim": True})
    plan = translate_engine_op(_record(x.transpose(0, 1)))
    assert (plan.kind, plan.params, plan.ports) == ("transpose", {"dim0": 0, "dim1": 1}, ["x"])
    plan = translate_engine_op(_record(x.amin(dim=0)))
    assert (plan.kind, plan.params) == ("amin", {"dim": (0,), "keepdim": False})
    plan = translate_engine_op(_record(x ** 3))
    assert (plan.kind, plan.params, plan.ports) == ("pow", {"exponent": 3.0}, ["base"])
    plan = translate_engine_op(_record(x.sum(dim=(0, 1))))
    assert (plan.kind, plan.params, plan.then) == (
        "sum", {"dim": 1, "keepdim": False}, [("sum", {"dim": 0, "keepdim": False})])


def test_an_unknown_engine_op_is_a_graph_error():
    with pytest.raises(GraphError, match="does not know that engine op"):
        translate_engine_op(EngineRecord("frobnicate", {}, (), None, "FrobBackward0"))
