"""What the canvas reads at a glance: node gradients, op parameters, framing, layout, pills."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from PySide6.QtCore import QRectF

from app.application import formatting
from app.application.resources import EXAMPLES
from app.canvas.items.wire_item import GradLabelItem
from app.document.arrange import arrange_steps
from app.document.node_spacing import Box, layout
from core.graph import serialize
from core.graph.evaluate import Evaluator
from core.graph.parser import insert_command

LESSONS = sorted(EXAMPLES.glob("*.json"))


def _lesson(name: str) -> Path:
    matches = [p for p in LESSONS if name in p.stem]
    if not matches:
        pytest.skip(f"lesson {name} not shipped")
    return matches[0]


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_nodes_show_cores_total_gradient(window, path):
    """After backward every node shows ∂output/∂node (a leaf's .grad) as core computes it."""
    assert window.open_example(path)
    window.controller.run_backward()
    doc = serialize.load(path)
    ev = Evaluator(doc)
    ev.forward()
    bw = ev.backward() if doc.output is not None else None
    for node_id, item in window.scene.nodes.items():
        g = None
        if bw is not None and bw.error is None:
            g = bw.leaf_grads.get(node_id)
            g = bw.node_grads.get(node_id) if g is None else g
        assert item.grad_text == ("" if g is None else "∇ " + formatting.grad_label(g)), node_id


def test_quadratic_x_shows_minus_two_and_pow_its_exponent(window):
    assert window.open_example(_lesson("quadratic"))
    window.controller.run_backward()
    doc = window.controller.doc
    assert window.scene.nodes[doc.by_name("x").id].grad_text == "∇ -2"
    pow_item = window.scene.nodes[doc.by_name("pow").id]
    assert pow_item.symbol == "x²"
    assert pow_item.port_note("exponent") == "= 2"


def test_param_edits_redraw_the_node_and_undo(window):
    window.controller.doc  # a fresh document
    node_id = window.controller.add_op("pow", window.view.mapToScene(0, 0))
    item = window.scene.nodes[node_id]
    assert item.symbol == "x²" and item.port_note("exponent") == "= 2"
    assert window.controller.push("set_param", node_id, "exponent", 0.5)
    assert item.symbol == "xⁿ" and item.port_note("exponent") == "= 0.5"
    window.controller.undo_stack.undo()
    assert item.symbol == "x²"
    s = window.controller.add_op("sum", window.view.mapToScene(0, 200))
    assert window.scene.nodes[s].param_text == ""  # dim=None: sums everything
    window.controller.push("set_param", s, "dim", 0)
    window.controller.push("set_param", s, "keepdim", True)
    assert window.scene.nodes[s].param_text == "dim=0 · keepdim"


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
    serialize.save(serialize.load(_lesson("matmul")), path)
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
    assert window.open_example(_lesson(name))
    assert _crossings(window) == (forced, 0)


def test_layout_orders_by_port():
    """b → m.a and x → m.b must not cross at m's inputs: b goes above x."""
    g = nx.DiGraph()
    g.add_edge("x", "m", ports={"b"})
    g.add_edge("b", "m", ports={"a"})
    box = Box(100, 60, 30, {"a": 35, "b": 50})
    pos = layout(g, {"x": Box(100, 50, 25), "b": Box(100, 50, 25), "m": box})
    assert pos["b"][1] < pos["x"][1]


def test_expression_layout_places_every_planned_node():
    from core.graph import Document

    planned = insert_command(Document(), "a*x**2 + b*x + c", origin=(0.0, 0.0))
    pos = arrange_steps(planned.steps, (0.0, 0.0))
    adds = [kw["node_id"] for kind, _a, kw in planned.steps if kind == "add_node"]
    assert set(pos) == set(adds)
    assert len({(round(x), round(y)) for x, y in pos.values()}) == len(adds)


def test_gradient_pills_do_not_overlap(window):
    """x feeds both inputs of dot through two short stacked wires: their pills must not stack."""
    assert window.open_example(_lesson("dot_product"))
    window.controller.run_backward()
    pills = [it for it in window.scene.items() if isinstance(it, GradLabelItem)
             and it.isVisible()]
    assert len(pills) >= 2
    for i, p in enumerate(pills):
        for q in pills[i + 1:]:
            assert not p.sceneBoundingRect().adjusted(1, 1, -1, -1).intersects(
                q.sceneBoundingRect().adjusted(1, 1, -1, -1))


def test_inspector_title_reads_name_dash_op(window):
    assert window.open_example(_lesson("quadratic"))
    x = window.controller.doc.by_name("x")
    window.controller.select_only([x.id])
    assert window.inspector.title.text() == "x — variable"
