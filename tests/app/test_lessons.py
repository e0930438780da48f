"""The seed lessons: what the canvas shows is core's numbers, node by node and wire by wire."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from app.application import formatting
from app.application.resources import EXAMPLES
from app.document import script_export as export
from core.graph import serialize
from core.graph.evaluate import Evaluator

LESSONS = sorted(EXAMPLES.glob("*.json"))


def core_numbers(path: Path):
    """Values and wire gradients computed by core alone, from the file."""
    doc = serialize.load(path)
    ev = Evaluator(doc)
    ev.forward()
    bw = ev.backward() if doc.output is not None else None
    return doc, ev, bw


@pytest.mark.skipif(not LESSONS, reason="no example lessons")
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_canvas_shows_cores_values_and_gradients(window, path):
    assert window.open_example(path)
    window.controller.run_backward()
    doc, ev, bw = core_numbers(path)
    scene = window.scene
    assert set(scene.nodes) == set(doc.nodes)
    for node_id, item in scene.nodes.items():
        if node_id in ev.errors:
            assert item.error == ev.errors[node_id]
        else:
            assert item.value_text == formatting.preview(ev.values[node_id]), node_id
            assert item.error is None
    assert set(scene.wires) == set(doc.wires)
    for wire, item in scene.wires.items():
        g = bw.wire_grads.get(wire) if bw is not None and bw.error is None else None
        assert item.grad_text == ("" if g is None else formatting.grad_label(g)), wire
        if g is not None:
            assert item.grad_sign == formatting.sign(g)
    # the banner explains the lesson
    assert window.banner.isVisible()
    assert window.banner.text.text() == doc.meta.get("explanation", "")


def _lesson(name: str) -> Path:
    matches = [p for p in LESSONS if name in p.stem]
    if not matches:
        pytest.skip(f"lesson {name} not shipped")
    return matches[0]


def test_quadratic_numbers_on_canvas(window):
    """f(x) = x² − 2x + 1 at x = 0: y = 1 and dy/dx = −2 (as the lesson says)."""
    assert window.open_example(_lesson("quadratic"))
    window.controller.run_backward()
    doc = window.controller.doc
    y = doc.node(doc.output)
    assert float(window.scene.nodes[y.id].value_text) == 1.0
    x = doc.by_name("x")
    # .grad of x, as the inspector shows it
    window.controller.select_only([x.id])
    assert "-2" in window.inspector.grad_view.toPlainText()
    total = window.controller.result.grads[x.id]
    assert math.isclose(float(np.asarray(total)), -2.0)


def test_dot_product_gradient(window):
    """y = 2·xᵀx for x = [0, 1, 2, 3]: y = 28 and x.grad = 4x = [0, 4, 8, 12]."""
    assert window.open_example(_lesson("dot_product"))
    window.controller.run_backward()
    doc = window.controller.doc
    out_item = window.scene.nodes[doc.output]
    assert out_item.value_text == "28"
    x = doc.by_name("x")
    np.testing.assert_allclose(window.controller.result.grads[x.id], [0, 4, 8, 12])
    labels = {w.port: item.grad_text for w, item in window.scene.wires.items()
              if w.src == x.id}
    assert labels == {"a": "[0, 2, 4, 6]", "b": "[0, 2, 4, 6]"}


def test_exports(window, tmp_path):
    assert window.open_example(_lesson("quadratic"))
    window.controller.run_backward()
    png, svg, py = tmp_path / "g.png", tmp_path / "g.svg", tmp_path / "g.py"
    assert export.export_png(window.scene, png)
    assert export.export_svg(window.scene, svg)
    export.export_script(window.controller.doc, py)
    assert png.stat().st_size > 1000
    assert "<svg" in svg.read_text()
    code = py.read_text()
    assert "import torch" in code and "backward" in code
