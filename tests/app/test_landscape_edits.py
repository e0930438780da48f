"""The Landscape page follows edits without reading a half-changed document."""

from __future__ import annotations


def test_deleting_everything_including_the_output_is_fine(window, qtbot):
    window.build_expression("y = 2 * x")
    window.controller.evaluate_now()
    window.select_all()
    window.controller.delete_selection()  # removes the output node: columns go empty
    window.controller.evaluate_now()
    qtbot.wait(10)
    assert len(window.controller.doc) == 0
    assert window.landscape.panel.x_coord.count() == 0


def test_columns_follow_the_variables(window, qtbot):
    window.build_expression("y = a*x**2 + b")
    for n in ("a", "x", "b"):
        node = window.controller.doc.by_name(n)
        if not node.requires_grad:
            window.controller.push("set_requires_grad", node.id, True)
    qtbot.waitUntil(lambda: window.landscape.panel.x_coord.count() == 3, timeout=2000)
    combo = window.landscape.panel.x_coord
    assert sorted(combo.itemText(i) for i in range(3)) == ["a", "b", "x"]
