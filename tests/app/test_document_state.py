"""After New / Open / an example, everything that described the previous document describes
the new one (issue 11: "State that outlives its document")."""

from __future__ import annotations

import pytest

from app.application.document_state import BLANK_STATUS
from app.application.resources import EXAMPLES

LESSON_A = EXAMPLES / "01_quadratic.json"
LESSON_B = EXAMPLES / "03_dot_product.json"


def _work_on_lesson_a(window, qtbot) -> None:
    """Open lesson A, edit it, train two steps, step through backward."""
    assert window.open_example(LESSON_A)
    window.expression_bar.edit.setText("sin(x)*2")
    window.expression_bar._submit()
    window.train_panel.step_once()
    window.train_panel.step_once()
    qtbot.wait(10)  # the training step's re-evaluation
    assert window.stepper.start()
    window.inspector.show_node(next(iter(window.controller.doc.nodes)))
    assert window.banner.isVisible()
    assert window.plots.series("out")
    assert window.statusBar().currentMessage()


def _assert_nothing_of_a(window, a_series: list[float]) -> None:
    w = window
    assert w.expression_bar.edit.text() == ""
    assert not w.expression_bar.error_text
    assert not w.stepper.active
    assert not w.step_dock.isVisible()
    assert w.train_panel.trainer is None
    assert w.plots.loss_series() == []
    assert w.controller.undo_stack.count() == 0
    assert not w.files.modified
    assert w.scene.selected_nodes() == []
    assert all(w.plots.series(name) != a_series for name in w.plots._series)


def test_new_forgets_the_lesson(window, qtbot):
    _work_on_lesson_a(window, qtbot)
    a_series = window.plots.series("out")
    assert window.files.new()
    qtbot.wait(10)
    _assert_nothing_of_a(window, a_series)
    assert not window.banner.isVisible()
    assert window.banner.title.text() == ""
    assert window.plots.series("out") == []  # a blank graph has no output to plot
    assert window.statusBar().currentMessage() == BLANK_STATUS
    assert window.windowTitle().startswith("Untitled")


def test_open_shows_only_the_opened_file(window, qtbot, tmp_path):
    import shutil

    _work_on_lesson_a(window, qtbot)
    a_series = window.plots.series("out")
    path = tmp_path / "b.json"
    shutil.copy(LESSON_B, path)
    assert window.files.open(path)
    qtbot.wait(10)
    _assert_nothing_of_a(window, a_series)
    # B is a lesson too: its own banner, whichever way it was opened
    assert window.banner.isVisible()
    assert window.banner.title.text() == window.controller.doc.meta["title"]
    assert window.plots.series("out") == [28.0]  # only B's output, not A's curve + B's point
    assert window.statusBar().currentMessage() == "Opened b.json"
    assert window.windowTitle().startswith("b.json")


@pytest.mark.parametrize("via_menu", [False, True])
def test_example_replaces_the_lesson(window, qtbot, via_menu):
    _work_on_lesson_a(window, qtbot)
    a_series = window.plots.series("out")
    if via_menu:
        act = next(a for a in window.examples_menu.actions()
                   if a.text().startswith("y = 2") or "dot" in a.text().lower())
        act.trigger()
    else:
        assert window.open_example(LESSON_B)
    qtbot.wait(10)
    _assert_nothing_of_a(window, a_series)
    assert window.banner.isVisible()
    assert window.banner.title.text() == window.controller.doc.meta["title"]
    assert window.plots.series("out") == [28.0]
    assert window.statusBar().currentMessage() == "Opened 03_dot_product.json"


def test_open_a_plain_file_hides_the_lesson_banner(window, qtbot, tmp_path):
    from core.graph import serialize
    from core.graph.parser import parse

    path = tmp_path / "mine.json"
    serialize.save(parse("y = sin(x)"), path)
    _work_on_lesson_a(window, qtbot)
    assert window.files.open(path)
    qtbot.wait(10)
    assert not window.banner.isVisible()
    assert window.banner.text.text() == ""
    assert window.expression_bar.edit.text() == ""
