"""One op, one place: an ordinary node type's forward call and export line follow from its
mapping (core/graph/default_call.py); the entries that still write their own are a short,
named list, so restating an op cannot creep back into the catalog."""

import math

import numpy as np
import pytest

from core.graph import OPS, Document
from core.graph.default_call import DefaultCall, DefaultLine

from .helpers.exported_scripts import assert_export_matches_document
from .test_catalog import CASES

# Each keeps its own engine call (see the comment at its entry in catalog.py): a parameter
# that is not a keyword of the function, a method, a helper the script defines, a
# derivative kernel, a library that names it differently, or an optional port.
OWN_ENGINE = {
    "pow", "detach", "sum", "mean", "prod", "index", "expand", "sum_to", "to_dtype",
    "unindex", "index_put", "max_dim", "min_dim", "norm", "var", "std", "addmm", "output",
    "tanh_backward", "sigmoid_backward", "softmax_backward_data",
    "log_softmax_backward_data", "softplus_backward", "threshold_backward",
}
# ... and its own line: those, and the operators Python writes as operators
OWN_TEMPLATE = OWN_ENGINE | {"add", "sub", "mul", "div", "neg", "matmul"}


def test_only_the_listed_specs_restate_their_call_or_line():
    ops = {n: s for n, s in OPS.items() if not s.has_value}
    own_engine = {n for n, s in ops.items() if not isinstance(s.engine, DefaultCall)}
    own_line = {n for n, s in ops.items() if not isinstance(s.template, DefaultLine)}
    assert own_engine == OWN_ENGINE
    assert own_line == OWN_TEMPLATE
    # most node types are one entry with neither
    assert len(ops) - len(own_line) >= 25


def test_default_line_is_torch_function_with_ports_then_keywords():
    assert OPS["softmax"].code({"x": "h"}, {"dim": 0}) == "torch.softmax(h, dim=0)"
    assert OPS["exp"].code({"x": "h"}) == "torch.exp(h)"
    assert OPS["cat"].code({"xs": ["a", "b"]}, {"dim": 1}) == "torch.cat([a, b], dim=1)"
    assert OPS["mse_loss"].code({"input": "y", "target": "t"}) == (
        "torch.nn.functional.mse_loss(y, t, reduction='mean')")
    assert OPS["transpose"].code({"x": "m"}) == "torch.transpose(m, dim0=0, dim1=1)"


def test_default_line_writes_nonfinite_floats_as_source():
    """`inf` in a script is a NameError: the derived line writes float('inf') itself, not
    relying on the caller to wrap parameter values first."""
    line = OPS["softplus"].template({"x": "h"}, {"beta": math.nan, "threshold": math.inf})
    assert line == ("torch.nn.functional.softplus(h, beta=float('nan'), "
                    "threshold=float('inf'))")
    line = OPS["clamp"].template({"x": "h"}, {"min": -math.inf, "max": None})
    assert line == "torch.clamp(h, min=-float('inf'), max=None)"


def test_default_call_resolves_its_function_once_per_library():
    import core

    call = OPS["tanh"].engine
    assert isinstance(call, DefaultCall)
    x = core.tensor([0.5, -1.0])
    call(core, {"x": x}, {})
    assert call.function(core) is core.tanh
    core_fns = dict(call._fns)
    call(core, {"x": x}, {})
    assert call._fns == core_fns
    assert OPS["mse_loss"].engine.function(core) is core.nn.functional.mse_loss


def test_an_optional_port_needs_its_own_call():
    from core.graph.catalog import OpSpec, Port

    with pytest.raises(TypeError, match="optional port"):
        OpSpec("pow2", "arithmetic", "p", "d", ("∂",), (Port("b"), Port("e", optional=True)))


def _random_case(name: str, rng: np.random.Generator) -> tuple[dict, dict]:
    """The catalog test's case for `name` with every float input scaled by a random
    positive factor per element (keeping signs, so log's and sqrt's inputs stay valid)."""
    args, params = CASES[name]

    def scale(v):
        if v is None:
            return None
        if isinstance(v, list):
            return [scale(e) for e in v]
        a = np.array(v)
        if a.dtype.kind == "f":
            a = (a * rng.uniform(0.5, 1.5, a.shape)).astype(a.dtype)
        return a

    return {k: scale(v) for k, v in args.items()}, params


@pytest.mark.parametrize("seed", range(3))
def test_every_spec_computes_the_same_on_core_and_torch(seed):
    torch = pytest.importorskip("torch")
    import core

    rng = np.random.default_rng(seed)
    for name in sorted(CASES):
        args, params = _random_case(name, rng)

        def run(lib, args=args, params=params, name=name):
            def conv(v):
                if v is None:
                    return None
                if isinstance(v, list):
                    return [conv(e) for e in v]
                return lib.from_numpy(np.array(v))

            out = OPS[name].call({k: conv(v) for k, v in args.items()}, params, lib)
            return np.array(out.detach().numpy())

        np.testing.assert_allclose(run(core), run(torch), rtol=1e-5, atol=1e-6,
                                   err_msg=name)


def test_every_specs_exported_line_computes_the_documents_value(tmp_path):
    """One document with a node of every type: the PyTorch and the core script print each
    node's value as the document evaluates it (not only the same as each other)."""
    pytest.importorskip("torch")
    doc = Document()
    for op, (args, params) in CASES.items():
        nid = doc.add_node(op, name=f"{op}_node", params=params)
        for port, v in args.items():
            if v is None:
                continue
            vals = v if isinstance(v, list) else [v]
            for i, arr in enumerate(vals):
                p = f"{port}.{i}" if isinstance(v, list) else port
                a = np.array(arr)
                src = doc.add_node("constant", name=f"{op}_{port}{i}", value=a,
                                   dtype="float32" if a.dtype == np.float64 else None)
                doc.connect(src, nid, p)
    assert_export_matches_document(doc, tmp_path)


def test_the_script_interpreter_allows_every_default_call():
    """A node type whose line is `torch.<function>(...)` reads back in the Script dock:
    the interpreter's torch namespace (script_allow.py) holds that function, so an
    exported script runs there too."""
    from core.graph.script_allow import build_torch

    torch_ns = build_torch()
    missing = []
    for name, s in OPS.items():
        if not isinstance(s.engine, DefaultCall):
            continue
        ns = torch_ns
        for part in s.engine.path:
            ns = getattr(ns, "members", {}).get(part)
        if ns is None:
            missing.append(f"{name}: torch.{'.'.join(s.engine.path)}")
    assert not missing
