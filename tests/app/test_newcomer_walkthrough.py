"""What a newcomer tripped over walking through the app in a real window (round 3), each
replayed offscreen next to its fix."""

from __future__ import annotations

from helpers import type_expression


def test_output_header_says_out_once(window):
    """The output node's header read "out out": its badge (the catalog's symbol) and its
    default name were the same word. The badge is now a glyph, so the name reads once."""
    type_expression(window, "a*x + b")
    doc = window.controller.doc
    out = window.scene.nodes[doc.output]
    assert out.name == "out"
    assert out.symbol.lower() not in {"out", "output"}
    assert out.name not in out.symbol
