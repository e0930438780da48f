"""The one way a node's wires become its inputs, and the one copy of script helpers."""

import numpy as np

import core
from core.graph import OPS
from core.graph.node_inputs import leaf_tensor, port_sources
from core.graph.script_lines import HELPERS, _unindex, helper_sources


def test_port_sources_in_port_and_index_order():
    got, problem = port_sources(OPS["stack"], {"xs.10": "c", "xs.2": "b", "xs.0": "a"})
    assert problem is None and got == {"xs": ["a", "b", "c"]}
    got, problem = port_sources(OPS["pow"], {"base": "x"})
    assert problem is None and got == {"base": "x", "exponent": None}


def test_port_sources_name_the_first_problem():
    assert port_sources(OPS["mul"], {"b": "y"}) == ({}, "input 'a' is not wired")
    assert port_sources(OPS["mul"], {"a": "x"}) == ({"a": "x"}, "input 'b' is not wired")
    assert port_sources(OPS["cat"], {})[1] == "input 'xs' needs at least one wire"


def test_leaf_tensor_copies_the_value():
    v = np.arange(3.0)
    t = leaf_tensor(core, v, requires_grad=True)
    v[0] = 9.0
    assert t.requires_grad and t.detach().numpy()[0] == 0.0
    assert not leaf_tensor(core, v).requires_grad


def test_scripts_define_the_helper_the_catalog_runs():
    """unindex is written once: the script's text is the source of the function the
    catalog calls on PyTorch (no second copy to drift)."""
    text = helper_sources(["unindex", "mul"])[0]
    assert text == HELPERS["unindex"]["torch"]
    assert "def _unindex(g, key, shape" in text and "noqa" not in text
    assert _unindex.__code__.co_name in text
    assert helper_sources(["unindex"], "core")[0].count("index_into_zeros") == 1
