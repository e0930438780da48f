"""A file opened with File ▸ Open (or Open Recent, or on the command line) is shown without
overlapping nodes: the lesson files carry core's grid positions, sized for smaller boxes."""

from __future__ import annotations

import pytest

from app.application.resources import EXAMPLES
from app.canvas.items.node_item import NodeItem

LESSONS = sorted(EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_opened_lessons_do_not_overlap(window, qtbot, path):
    assert window.files.open(path)
    qtbot.wait(10)
    scene = window.scene
    for item in scene.nodes.values():
        rect = item.sceneBoundingRect()
        others = [o for o in scene.items(rect) if isinstance(o, NodeItem) and o is not item]
        assert not others, f"{item.name} overlaps {[o.name for o in others]}"
    # the spreading measured the nodes as shown, with their values and gradients
    assert not scene.crowded_nodes()
    assert not window.files.modified  # how the file is shown, not an edit


def _overlaps(scene) -> list[str]:
    out = []
    for item in scene.nodes.values():
        others = [o for o in scene.items(item.sceneBoundingRect())
                  if isinstance(o, NodeItem) and o is not item]
        out += [f"{item.name}/{o.name}" for o in others]
    return out


def test_differentiate_lays_the_derivative_out_under_the_graph(window, qtbot):
    """The derivative's nodes came with core's grid positions (smaller boxes): crowded, the
    wires and gradient pills squashed. They are now laid out for the app's nodes."""
    assert window.open_example(EXAMPLES / "01_quadratic.json")
    qtbot.wait(10)
    bottom = max(i.sceneBoundingRect().bottom() for i in window.scene.nodes.values())
    before = set(window.controller.doc.nodes)
    window.differentiate()
    qtbot.wait(10)
    new = [i for i in window.controller.doc.nodes if i not in before]
    assert new
    assert all(window.scene.nodes[i].sceneBoundingRect().top() > bottom for i in new)
    assert _overlaps(window.scene) == []
    assert not window.scene.crowded_nodes()
    window.differentiate()  # the second derivative goes under the first
    qtbot.wait(10)
    assert _overlaps(window.scene) == [] and not window.scene.crowded_nodes()
