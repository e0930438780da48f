"""The inspector's editors change the document through undoable commands, and the
theme switch repaints with the other palette. Values and gradients read as matrices: the text
readouts keep one row per line, and a heatmap shows their structure at a glance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from helpers import lesson, type_expression
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPlainTextEdit

from app.application import theme
from app.panels.array_view import ArrayView, neutral
from app.panels.inspector import Readout


def _node(window, name: str):
    return next(n for n in window.controller.doc if n.name == name)


def _inspect(window, name: str):
    node = _node(window, name)
    window.controller.select_only([node.id])
    window.inspector.show_node(node.id)
    return node


def _type_into(edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


def test_value_edit_goes_through_undo_and_updates_the_output(window):
    type_expression(window, "w * x")
    node = _inspect(window, "w")
    _type_into(window.inspector.value_edit, "[1.5, -2.0]")
    np.testing.assert_array_equal(_node(window, "w").value, [1.5, -2.0])
    window.controller.undo_stack.undo()
    assert not np.array_equal(_node(window, "w").value, [1.5, -2.0])
    window.controller.undo_stack.redo()
    np.testing.assert_array_equal(_node(window, "w").value, [1.5, -2.0])
    assert node.id == _node(window, "w").id


def test_bad_value_changes_nothing_and_the_editor_shows_the_old_value(window):
    type_expression(window, "w * x")
    _inspect(window, "w")
    before = np.array(_node(window, "w").value, copy=True)
    depth = window.controller.undo_stack.count()
    _type_into(window.inspector.value_edit, "[1, 2")
    np.testing.assert_array_equal(_node(window, "w").value, before)
    assert window.controller.undo_stack.count() == depth


def test_rename_dtype_and_requires_grad_edits_are_undoable(window):
    type_expression(window, "w * x")
    _inspect(window, "w")
    _type_into(window.inspector.name_edit, "weight")
    assert _node(window, "weight")
    window.inspector.show_node(_node(window, "weight").id)
    combo = window.inspector.dtype
    combo.setCurrentText("float64")
    combo.activated.emit(combo.currentIndex())  # what a user's pick in the list emits
    assert _node(window, "weight").dtype == "float64"
    rg = _node(window, "weight").requires_grad
    window.inspector.requires_grad.setChecked(not rg)
    assert _node(window, "weight").requires_grad is (not rg)
    stack = window.controller.undo_stack
    stack.undo()
    stack.undo()
    assert _node(window, "weight").dtype != "float64"
    stack.undo()
    assert any(n.name == "w" for n in window.controller.doc)


def test_param_edit_is_undoable(window):
    type_expression(window, "sum(x)")
    node = next(n for n in window.controller.doc if n.op == "sum")
    window.controller.push("set_param", node.id, "keepdim", True)
    assert window.controller.doc.nodes[node.id].params["keepdim"] is True
    window.controller.undo_stack.undo()
    assert not window.controller.doc.nodes[node.id].params.get("keepdim")


def test_theme_switch_changes_the_palette(window, qapp):
    theme.apply(qapp, dark=True)
    dark_bg = qapp.palette().window().color()
    assert theme.current().is_dark
    theme.apply(qapp, dark=False)
    light_bg = qapp.palette().window().color()
    assert not theme.current().is_dark
    assert dark_bg.lightness() < light_bg.lightness()
    window.grab()  # repaints in both themes without error


# ---- readouts and heatmaps for arrays ---------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def _open(window, example: str) -> None:
    assert window.open_example(EXAMPLES / example)
    window.controller.run_backward()


def _pixel(view: ArrayView, index) -> QColor:
    """The colour actually painted at the centre of a cell."""
    rect = view.cell_rect(index)
    assert rect is not None
    return view.grab().toImage().pixelColor(rect.center())


def _view(qtbot, arr) -> ArrayView:
    view = ArrayView()
    qtbot.addWidget(view)
    view.resize(280, 200)
    assert view.set_value(np.asarray(arr))
    return view


def test_readouts_never_soft_wrap_a_matrix_row(window):
    _open(window, "06_mean_matmul.json")
    _inspect(window, "matmul")
    for view in (window.inspector.value_view, window.inspector.grad_view):
        assert view.lineWrapMode() == QPlainTextEdit.LineWrapMode.NoWrap
        lines = view.toPlainText().splitlines()
        assert len(lines) == 10  # one line per row of the 10×5 matrix, even past 80 columns
        assert all(line.count(",") >= 4 for line in lines)
    _inspect(window, "x")  # 10×20: torch's repr would break each row over several lines
    assert len(window.inspector.value_view.toPlainText().splitlines()) == 10


def test_readout_grows_with_its_text_up_to_a_limit(window):
    _open(window, "06_mean_matmul.json")
    _inspect(window, "matmul")
    view = window.inspector.value_view
    ten = view.height()
    assert ten >= 10 * view.fontMetrics().lineSpacing()
    _inspect(window, "w")  # 20 rows: capped, scrolls
    assert view.height() <= (Readout.MAX_LINES + 3) * view.fontMetrics().lineSpacing() + 40
    _open(window, "01_quadratic.json")
    _inspect(window, "x")
    assert view.height() < ten / 3


def test_heatmap_shows_for_a_matrix_and_not_for_a_scalar(window):
    _open(window, "06_mean_matmul.json")
    _inspect(window, "matmul")
    ins = window.inspector
    assert ins.value_map.isVisible() and ins.grad_map.isVisible()
    assert ins.value_map.data.shape == (10, 5)
    # d mean / d matmul is -1/50 in every entry: one colour throughout
    colours = {_pixel(ins.grad_map, ix).name() for ix in np.ndindex(10, 5)}
    assert len(colours) == 1
    assert ins.grad_map.tooltip_at(ins.grad_map.cell_rect((3, 1)).center()) == "[3, 1] = -0.0200"
    _open(window, "01_quadratic.json")
    _inspect(window, "x")
    assert not ins.value_map.isVisible() and not ins.grad_map.isVisible()


def test_heatmap_colours_diverge_from_a_neutral_zero(qtbot):
    view = _view(qtbot, [[-2.0, 0.0, 0.5], [1.0, 2.0, -0.5]])
    t = theme.current()
    most_neg, zero, most_pos = _pixel(view, (0, 0)), _pixel(view, (0, 1)), _pixel(view, (1, 1))
    assert most_pos != most_neg
    assert zero == neutral(t)
    assert most_pos == t.grad_pos and most_neg == t.grad_neg  # the canvas's gradient colours
    assert _pixel(view, (0, 2)) not in (zero, most_pos)  # +0.5 sits between 0 and +2
    assert view.scale == 2.0


def test_uniform_arrays_look_uniform(qtbot):
    for arr in (np.full((4, 3), 0.02, np.float32), np.zeros(7), np.full((2, 2), -5.0)):
        view = _view(qtbot, arr)
        assert len({_pixel(view, ix).name() for ix in np.ndindex(arr.shape)}) == 1
    assert _pixel(view, (0, 0)) == theme.current().grad_neg
    zeros = _view(qtbot, np.zeros((2, 3)))
    assert _pixel(zeros, (1, 2)) == neutral(theme.current())


def test_nan_and_inf_are_drawn_without_crashing(qtbot):
    view = _view(qtbot, [[np.nan, 1.0], [np.inf, -np.inf]])
    assert view.scale == 1.0  # the scale comes from the finite entries
    view.grab()
    assert view.tooltip_at(view.cell_rect((0, 0)).center()) == "[0, 0] = nan"
    assert view.tooltip_at(view.cell_rect((1, 1)).center()) == "[1, 1] = -inf"
    assert "non-finite" in view.note
    all_nan = _view(qtbot, np.full(3, np.nan))
    all_nan.grab()


def test_tooltip_gives_index_and_value(qtbot):
    view = _view(qtbot, np.arange(12, dtype=np.float32).reshape(3, 4) / 8)
    assert view.tooltip_at(view.cell_rect((2, 1)).center()) == "[2, 1] = 1.1250"
    vec = _view(qtbot, np.array([0.12345678, -3.0], np.float32))
    assert vec.tooltip_at(vec.cell_rect((0,)).center()) == "[0] = 0.1235  (0.12345678)"
    assert vec.tooltip_at(QPoint(-5, -5)) is None
    event = QHelpEvent(QEvent.Type.ToolTip, vec.cell_rect((1,)).center(), QPoint(0, 0))
    vec.event(event)  # the real hover path
    cube = _view(qtbot, np.arange(24.0).reshape(2, 3, 4))
    assert "slice [0, :, :]" in cube.note
    assert cube.tooltip_at(cube.cell_rect((0, 2, 3)).center()) == "[0, 2, 3] = 11.0000"


def test_heatmap_in_the_dark_theme(qtbot, qapp):
    theme.apply(qapp, dark=True)
    try:
        view = _view(qtbot, [[-1.0, 0.0, 1.0]])
        assert _pixel(view, (0, 1)) == neutral(theme.DARK)
        assert _pixel(view, (0, 2)) == theme.DARK.grad_pos
    finally:
        theme.apply(qapp, dark=False)


def test_inspector_fits_a_narrow_dock(window):
    _open(window, "06_mean_matmul.json")
    for name in ("matmul", "w", "x"):
        _inspect(window, name)
        assert window.inspector.widget().minimumSizeHint().width() <= 280
    value_map = window.inspector.value_map
    value_map.resize(260, 200)  # x is 10×20: every column still fits, in cells of 6 px or more
    assert value_map.note == ""
    right = value_map.cell_rect((9, 19))
    assert right.right() < 260 and right.width() >= 6


def test_inspector_title_reads_name_dash_op(window):
    assert window.open_example(lesson("quadratic"))
    x = window.controller.doc.by_name("x")
    window.controller.select_only([x.id])
    assert window.inspector.title.text() == "x — variable"


def test_an_empty_matrix_keeps_its_shape_in_the_value_editor(window):
    """A (0, 3) value showed as `[]`, which reads back as shape (0,): committing the field,
    or changing the dtype, silently made it a different value."""
    type_expression(window, "sum(w)")
    w = _node(window, "w").id
    assert window.controller.push("set_value", w, np.zeros((0, 3), np.float32))
    _inspect(window, "w")
    edit = window.inspector.value_edit
    assert edit.text() == "empty (0, 3)"
    assert window.inspector.table.isHidden()  # no grid of zero rows
    window.controller.evaluate_now()
    assert window.inspector.grad_view.toPlainText() == "[], size=(0, 3)"
    depth = window.controller.undo_stack.count()
    _type_into(edit, "empty (0, 3)")  # the same text: no edit
    assert window.controller.undo_stack.count() == depth
    _type_into(edit, "[1.0, 2.0]")
    assert _node(window, "w").value.shape == (2,)
    _type_into(edit, "empty(0,3)")  # typed back: the shape, in the node's dtype
    v = _node(window, "w").value
    assert v.shape == (0, 3) and v.dtype == np.float32
    window.inspector.dtype.setCurrentText("float64")
    window.inspector._commit_dtype(0)
    v = _node(window, "w").value
    assert v.shape == (0, 3) and v.dtype == np.float64


def test_an_empty_text_for_a_shape_with_elements_is_refused_with_a_reason(window):
    type_expression(window, "sum(w)")
    _inspect(window, "w")
    before = np.array(_node(window, "w").value, copy=True)
    depth = window.controller.undo_stack.count()
    _type_into(window.inspector.value_edit, "empty (2, 3)")
    np.testing.assert_array_equal(_node(window, "w").value, before)
    assert window.controller.undo_stack.count() == depth
    assert "6 elements" in window.statusBar().currentMessage()


def test_an_all_zero_heatmap_reads_as_a_grid_of_zeros_in_the_light_theme(qtbot):
    """All-zero cells are the pale zero colour; with background-coloured separators on the
    light theme the heatmap looked like an empty box (only "all 0" below said otherwise).
    Its cells are now separated by the frame's colour, at any cell size."""
    t = theme.current()
    for arr, width in ((np.zeros((3, 4)), 280), (np.zeros((4, 30)), 200), (np.zeros(9), 280)):
        view = _view(qtbot, arr)
        view.resize(width, 200)
        img = view.grab().toImage()
        first, last = view.cell_rect((0,) * arr.ndim), view.cell_rect(tuple(n - 1 for n in
                                                                           arr.shape))
        inside = [img.pixelColor(x, y) for x in range(first.left(), last.right())
                  for y in range(first.top(), last.bottom())]
        lines = sum(c == t.node_border for c in inside)
        assert lines >= 0.03 * len(inside), (arr.shape, lines, len(inside))
        assert _pixel(view, (0,) * arr.ndim) == neutral(t)  # the cells stay the zero colour
