"""The Landscape page before any race: a landscape lesson shows its loss surface (or curve)
with the current point marked as soon as the page is shown, follows edits, and the race
then draws over it. It used to show an empty 0…1 plot until the first race."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.panels.plots.surface_job import preview_ranges

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def _open(window, qtbot, name):
    assert window.open_example(EXAMPLES / f"{name}.json")
    window.plots.show_page("landscape")
    page = window.landscape
    qtbot.waitUntil(lambda: page.plots.surface_shown is not None, timeout=10000)
    return page


def test_a_two_parameter_lesson_shows_its_heatmap_and_the_current_point(window, qtbot):
    page = _open(window, qtbot, "25_himmelblau")
    plots = page.plots
    s = plots.surface_shown
    assert page.result is None  # no race: this is the surface alone
    assert plots.image is not None and len(plots.isocurves) >= 8
    assert s.names == ("x", "y") and s.point == pytest.approx((-0.3, -0.9))
    g = s.grid
    assert g.xs[0] < -0.3 < g.xs[-1] and g.ys[0] < -0.9 < g.ys[-1]
    x, y = -0.3, -0.9  # Himmelblau's function, at the point marked
    assert s.loss == pytest.approx((x * x + y - 11) ** 2 + (x + y * y - 7) ** 2, rel=1e-5)
    markers = [it for _, it in plots._items if hasattr(it, "toPlainText")]
    assert "current" in [m.toPlainText() for m in markers]
    assert not plots.empty.isVisible() and plots.loss_empty.isVisible()
    assert plots.surface.getAxis("bottom").isVisible()


def test_a_one_parameter_lesson_shows_its_curve_with_the_point_on_it(window, qtbot):
    page = _open(window, qtbot, "20_descent_quadratic")
    s = page.plots.surface_shown
    assert s.grid.ys is None and page.plots.image is None
    assert s.point == (0.0,) and s.loss == pytest.approx(1.0)  # (0 - 1)²


def test_the_surface_follows_an_edit_and_the_race_draws_over_it(window, qtbot):
    page = _open(window, qtbot, "20_descent_quadratic")
    first = page.plots.surface_shown
    x = window.controller.doc.by_name("x").id
    assert window.controller.push("set_value", x, 0.5)
    qtbot.waitUntil(lambda: page.plots.surface_shown is not first
                    and page.plots.surface_shown is not None, timeout=10000)
    s = page.plots.surface_shown
    assert s.point == (0.5,) and s.loss == pytest.approx(0.25)
    np.testing.assert_array_equal(s.grid.xs, first.grid.xs)  # the point moved, not the view
    page.panel.steps.setValue(50)
    page.start_race()
    qtbot.waitUntil(lambda: not page.busy, timeout=30000)
    assert page.result is not None and page.plots.surface_shown is None
    assert not page.plots.loss_empty.isVisible()


def test_no_surface_without_a_scalar_output_over_one_or_two_float_parameters(window, qtbot):
    from core.graph.parser import parse

    page = _open(window, qtbot, "20_descent_quadratic")
    # a vector output: training would reduce it, but there is no one landscape to show
    window.controller.set_document(parse("y = w * 2", values={"w": [1.0, 2.0]},
                                         requires_grad=True))
    window.controller.evaluate_now()
    qtbot.wait(400)
    assert page.plots.surface_shown is None and page.plots.empty.isVisible()
    assert page.surface_job is None
    assert not page.plots.surface.getAxis("left").isVisible()  # an empty plot: no axes


def test_a_hidden_page_computes_nothing(window, qtbot):
    assert window.open_example(EXAMPLES / "01_quadratic.json")
    window.plots.show_page("edits")
    window.controller.evaluate_now()
    qtbot.wait(300)
    assert window.landscape.surface_job is None
    assert window.landscape.plots.surface_shown is None


@pytest.mark.parametrize(("point", "keep", "expected"), [
    ((0.0,), None, [(-3.0, 3.0)]),
    ((-4.0, 1.0), None, [(-10.0, 2.0), (-2.0, 4.0)]),
    ((0.5,), [(-3.0, 3.0)], [(-3.0, 3.0)]),  # still well inside: kept
    ((2.9,), [(-3.0, 3.0)], [(-1.45, 7.25)]),  # near the edge: centred again
])
def test_preview_ranges_centre_on_the_point_and_keep_a_view_it_stays_in(point, keep, expected):
    np.testing.assert_allclose(preview_ranges(point, keep), expected)
