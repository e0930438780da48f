"""Graph ▸ Jacobian / Hessian show core's matrix as a heatmap table."""

from __future__ import annotations

from pathlib import Path

from app.application.main_window import menu_of

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def test_seed_jacobian_exercise_shows_4_3_2_6(window, qtbot):
    assert window.open_example(EXAMPLES / "08_jacobian.json")
    graph = menu_of(window, "Graph")
    assert window.act_jacobian in graph.actions() and window.act_hessian in graph.actions()
    window.act_jacobian.trigger()
    dlg = window.matrix_dialog
    assert dlg.isVisible()
    t = dlg.table
    assert (t.rowCount(), t.columnCount()) == (2, 2)
    cells = [[t.item(i, j).text() for j in range(2)] for i in range(2)]
    assert cells == [["4", "3"], ["2", "6"]]
    assert [t.verticalHeaderItem(i).text() for i in range(2)] == ["k[0]", "k[1]"]
    assert [t.horizontalHeaderItem(j).text() for j in range(2)] == ["x[0]", "x[1]"]
    assert "Jacobian" in dlg.title.text()
    # the same colour map as the inspector's heatmap: bigger entries are more saturated
    assert t.item(1, 1).background().color() == dlg.heatmap.color_of(6.0)
    dlg.resize(420, 300)
    dlg.grab().save("/tmp/i10-landscape-jacobian.png")


def test_hessian_of_a_vector_output_says_why_and_changes_nothing(window):
    assert window.open_example(EXAMPLES / "08_jacobian.json")
    window.act_hessian.trigger()
    assert "scalar output" in window.statusBar().currentMessage()
    assert getattr(window, "matrix_dialog", None) is None


def test_hessian_of_rosenbrock(window):
    assert window.open_example(EXAMPLES / "23_rosenbrock.json")
    window.act_hessian.trigger()
    t = window.matrix_dialog.table
    assert [[t.item(i, j).text() for j in range(2)] for i in range(2)] == [
        ["1902", "600"], ["600", "200"]]
