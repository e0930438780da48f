"""Graph ▸ Jacobian / Hessian show core's matrix as a heatmap table."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

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


def _matrix(rows: int, cols: int):
    import numpy as np

    from core.graph.matrices import DerivativeMatrix

    m = np.random.default_rng(0).normal(size=(rows, cols))
    return DerivativeMatrix("jacobian", m, [f"y[{i}]" for i in range(rows)],
                            [f"x[{j}]" for j in range(cols)], "J = ∂y/∂x")


def test_the_matrix_window_sizes_to_its_numbers_up_to_the_screen(window, qtbot):
    """A 10×20 Jacobian opened in a window two thirds of the screen at most (adjustSize's
    limit) showing 6 of its 20 columns; it now takes what it needs, up to 90% of the
    screen, and scrolls beyond; a small matrix shows whole, without scrollbars."""
    from app.panels.matrix_dialog import MatrixDialog

    dlg = MatrixDialog(window)
    qtbot.addWidget(dlg)
    avail = dlg.screen().availableGeometry()
    dlg.show_matrix(_matrix(10, 20))
    dlg.show()
    qtbot.waitExposed(dlg)
    t = dlg.table
    need = t.verticalHeader().width() + t.horizontalHeader().length() + 2 * t.frameWidth()
    assert need > avail.width()  # too wide for this screen: as wide as allowed, scrolling
    assert dlg.width() >= 0.85 * avail.width()  # (the SCREEN_SHARE, 0.9, of its width)
    assert t.horizontalScrollBar().maximum() > 0
    assert dlg.frameGeometry().right() <= avail.right() + 1
    dlg.grab().save("/tmp/r3p-matrix-10x20.png")
    dlg.show_matrix(_matrix(3, 4))  # reused for a small one: shrinks to it, all in view
    QApplication.processEvents()
    assert t.horizontalScrollBar().maximum() == 0 and t.verticalScrollBar().maximum() == 0
    assert dlg.width() < avail.width() * 2 / 3
