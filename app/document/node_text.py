"""Op parameters written on the node itself, so the picture reads without the inspector.

A node's parameters (pow's exponent, sum's dim, reshape's shape…) change what it computes, yet
only the inspector showed them. This module turns a document node into three short strings the
canvas draws: the header symbol (pow with exponent 2 reads `x²`), a note beside an unwired optional
port saying which value it falls back to (`exponent = 2`), and one line for the other parameters.
It only reads the document; the catalog stays the source of truth for what a parameter means.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from app.application import formatting
from core.graph import Document

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def param_text(value: Any, kind: str = "") -> str:
    """A parameter value as people write it: `2`, `0.5`, `(2, 3)`, `[0, :]`, `mean`."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float)):
        return formatting.fmt_number(value)
    if isinstance(value, tuple):
        inner = ", ".join(str(v) for v in value)
        if kind == "index":
            return f"[{inner}]"
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return str(value)


def _wired(doc: Document, node_id: str) -> Collection[str]:
    return doc.inputs_of(node_id)


def symbol(doc: Document, node_id: str) -> str:
    """The header badge: the catalog's symbol, with pow's constant exponent written in."""
    node = doc.node(node_id)
    base = node.spec.symbol
    if node.op == "pow" and "exponent" not in _wired(doc, node_id):
        e = node.params.get("exponent")
        if isinstance(e, (int, float)) and float(e).is_integer() and -9 <= e <= 9:
            return "x" + str(int(e)).translate(_SUPERSCRIPT)
    return base


def port_notes(doc: Document, node_id: str) -> dict[str, str]:
    """`= value` for each unwired optional port that falls back to a same-named parameter."""
    node = doc.node(node_id)
    wired = _wired(doc, node_id)
    kinds = {p.name: p.type for p in node.spec.params}
    out: dict[str, str] = {}
    for port in node.spec.inputs:
        if port.optional and port.name not in wired and port.name in node.params:
            out[port.name] = "= " + param_text(node.params[port.name], kinds[port.name])
    return out


def param_line(doc: Document, node_id: str) -> str:
    """The other parameters, compactly (`dim=0 · keepdim`); None and False say nothing."""
    node = doc.node(node_id)
    ports = {p.name for p in node.spec.inputs}
    parts: list[str] = []
    for p in node.spec.params:
        if p.name in ports:
            continue
        v = node.params.get(p.name, p.default)
        if v is None or v is False:
            continue
        parts.append(p.name if v is True else f"{p.name}={param_text(v, p.type)}")
    return " · ".join(parts)


def derivative_line(doc: Document, node_id: str) -> str:
    """The inspector's local-derivative line for a node, in the node's own names.

    The catalog writes one text per op with placeholder names, which misleads on the nodes
    that hold or pass on a value: a variable named w read "∂x/∂x = 1", an output node
    "∂out/∂x = ∂x/∂x = 1", as if an x were involved. Those name the node itself (and the
    output's input port); every other op keeps the catalog's formula over its port names."""
    node = doc.node(node_id)
    name = node.name
    if node.op == "variable":
        return f"∂{name}/∂{name} = 1"
    if node.op == "constant":
        return f"∂{name}/∂(anything) = 0: a constant does not depend on any variable"
    if node.op == "output":
        return f"∂{name}/∂value = 1 (the output passes its input through)"
    return node.spec.derivative_text
