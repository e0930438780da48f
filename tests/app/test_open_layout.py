"""A file opened with File ▸ Open (or Open Recent, or on the command line) is shown without
overlapping nodes: the lesson files carry core's grid positions, sized for smaller boxes."""

from __future__ import annotations

import pytest

from app.canvas.node_item import NodeItem
from app.resources import EXAMPLES

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
