"""The expression bar: typed text becomes the expected graph in one undo step, and a
mistake points at its column."""

from __future__ import annotations

from helpers import type_expression


def test_expression_bar_builds_the_expected_graph(window):
    type_expression(window, "a*x**2 + b*x + c")
    doc = window.controller.doc
    ops = sorted(n.op for n in doc)
    assert ops == sorted(["variable"] * 4 + ["mul", "pow", "mul", "add", "add"]
                         + (["constant"] if any(n.op == "constant" for n in doc) else [])
                         + (["output"] if any(n.op == "output" for n in doc) else []))
    names = {n.name for n in doc if n.op == "variable"}
    assert names == {"a", "x", "b", "c"}
    assert len(window.scene.nodes) == len(doc)
    assert len(window.scene.wires) == len(doc.wires)
    # x feeds both the square and b*x
    x = doc.by_name("x")
    assert len(doc.wires_from(x.id)) == 2
    assert doc.output is not None
    assert not window.expression_bar.error.isVisible()
    # one undo step removes the whole expression
    window.controller.undo_stack.undo()
    assert len(doc) == 0 and window.scene.nodes == {}


def test_expression_error_points_at_the_column(window):
    type_expression(window, "a * (x + ")
    bar = window.expression_bar
    assert bar.error.isVisible()
    text = bar.error.text()
    assert "^" in text
    assert len(window.controller.doc) == 0
    type_expression(window, "a + $b")
    text = bar.error.text()
    assert text.index("^") >= 4  # indented to the `$` at column 5
    assert bar.edit.cursorPosition() == 4  # and the cursor is put there
    assert len(window.controller.doc) == 0
