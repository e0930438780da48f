"""A file opened with File ▸ Open (or Open Recent, or on the command line) is shown whole
and readable: framed in the viewport, without overlapping nodes (the lesson files carry
core's grid positions, sized for smaller boxes) and without avoidable wire crossings."""

from __future__ import annotations

import pytest
from helpers import lesson
from PySide6.QtCore import QRectF

from app.application.resources import EXAMPLES
from app.canvas.items.node_item import NodeItem
from app.document.arrange import arrange_steps
from core.graph import serialize
from core.graph.parser import insert_command

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


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_open_frames_every_node_in_the_viewport(window, qtbot, path):
    assert window.open_example(path)
    qtbot.wait(20)  # the fit runs once the event loop has laid the window out
    vp = QRectF(window.view.viewport().rect())
    for item in window.scene.nodes.values():
        rect = window.view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        assert vp.contains(QRectF(rect)), item.name
    assert window.view.zoom() <= 1.2 + 1e-9
    centre = window.view.mapFromScene(window.scene.graph_rect().center())
    assert abs(centre.x() - vp.center().x()) <= 2 and abs(centre.y() - vp.center().y()) <= 2


def test_files_open_frames_the_graph_too(window, qtbot, tmp_path):
    path = tmp_path / "g.json"
    serialize.save(serialize.load(lesson("matmul")), path)
    window.view.set_zoom(3.0)
    assert window.files.open(path)
    qtbot.wait(20)
    vp = QRectF(window.view.viewport().rect())
    for item in window.scene.nodes.values():
        assert vp.contains(QRectF(window.view.mapFromScene(item.sceneBoundingRect())
                                  .boundingRect()))


def _crossings(window) -> tuple[int, int]:
    """(all, at a shared consumer): wire pairs over one span whose ends swap order (a bezier
    with horizontal tangents crosses another exactly then)."""
    ends = []
    for key, w in window.scene.wires.items():
        a, b = w.endpoints()
        ends.append((a.x(), a.y(), b.x(), b.y(), key.dst))
    n = same = 0
    for i, (ax, ay, bx, by, ad) in enumerate(ends):
        for cx, cy, dx, dy, cd in ends[i + 1:]:
            same_span = abs(ax - cx) < 1 and abs(bx - dx) < 1
            if same_span and (ay - cy) * (by - dy) < 0:
                n += 1
                same += ad == cd
    return n, same


# quadratic: x feeds pow (above) and mul1.b while b feeds mul1.a; since add needs mul (of pow)
# above mul1, one crossing is forced; it must not be the one at mul1's inputs.
@pytest.mark.parametrize(("name", "forced"), [("quadratic", 1), ("shifted", 0),
                                              ("dot_product", 0), ("matmul", 0)])
def test_simple_lessons_have_no_avoidable_crossings(window, name, forced):
    assert window.open_example(lesson(name))
    assert _crossings(window) == (forced, 0)


def test_expression_layout_places_every_planned_node():
    from core.graph import Document

    planned = insert_command(Document(), "a*x**2 + b*x + c", origin=(0.0, 0.0))
    pos = arrange_steps(planned.steps, (0.0, 0.0))
    adds = [s.kwargs["node_id"] for s in planned.steps if s.kind == "add_node"]
    assert set(pos) == set(adds)
    assert len({(round(x), round(y)) for x, y in pos.values()}) == len(adds)
