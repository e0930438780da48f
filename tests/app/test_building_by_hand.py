"""Building from the palette behaves like typing an expression (issue 11, "Building by hand"):
variables require grad, the first output node is the output, the Train status and the
inspector read right."""

from __future__ import annotations

import pytest
from helpers import drop_op
from PySide6.QtCore import QPointF

from app.application.resources import EXAMPLES

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _drop(window, op: str, x: float, y: float = 0.0) -> str:
    before = set(window.controller.doc.nodes)
    drop_op(window, op, QPointF(x, y))
    (new,) = [i for i in window.controller.doc.nodes if i not in before]
    return new


def _connect(window, src: str, dst: str, port: str) -> None:
    window.controller.request_connect(src, None, dst, port)


def _centre(window) -> QPointF:
    window.view.set_zoom(1.0)
    return window.view.mapToScene(window.view.viewport().rect().center())


def test_palette_variable_requires_grad_and_constant_never(window, qtbot):
    c = _centre(window)
    doc = window.controller.doc
    x = _drop(window, "variable", c.x() - 300, c.y())
    k = _drop(window, "constant", c.x() - 300, c.y() + 120)
    assert doc.node(x).requires_grad
    assert not doc.node(k).requires_grad
    assert window.controller.undo_stack.count() == 2  # each drop is one undo step
    # the gradient marker shows as soon as an output is wired: sin(x) by hand
    s = _drop(window, "sin", c.x(), c.y())
    o = _drop(window, "output", c.x() + 300, c.y())
    _connect(window, x, s, "x")
    _connect(window, s, o, "value")
    qtbot.wait(10)
    assert doc.output == o
    assert window.scene.nodes[x].grad_text  # ∇ cos(0) = 1 on x, no checkbox needed
    assert window.controller.result.grads[x] == pytest.approx(1.0)


def test_first_output_node_becomes_the_output(window, qtbot):
    c = _centre(window)
    doc = window.controller.doc
    stack = window.controller.undo_stack
    x = _drop(window, "variable", c.x() - 300, c.y())
    o1 = _drop(window, "output", c.x(), c.y())
    assert doc.output == o1  # chosen with the add, as one undo step
    _connect(window, x, o1, "value")
    qtbot.wait(10)
    assert window.statusBar().currentMessage() != "Choose an output to see gradients."
    o2 = _drop(window, "output", c.x(), c.y() + 150)
    assert doc.output == o1  # a second one does not steal the role
    _connect(window, x, o2, "value")
    # deleting the output hands the role to the remaining one, in the same undo step
    window.controller.select_only([o1])
    n = stack.count()
    window.controller.delete_selection()
    assert o1 not in doc and doc.output == o2
    assert stack.count() == n + 1
    stack.undo()
    assert o1 in doc and doc.output == o1
    stack.redo()
    assert doc.output == o2
    # undoing the add of the first output leaves no output and no stray node
    while stack.canUndo():
        stack.undo()
    assert len(doc) == 0 and doc.output is None


def test_wiring_into_an_output_node_chooses_it_when_none_is(window):
    doc = window.controller.doc
    x = doc.add_node("variable", name="x", value=1.0, requires_grad=True)
    o = doc.add_node("output", name="out", pos=(300, 0))  # e.g. pasted, or from an old file
    assert doc.output is None
    _connect(window, x, o, "value")
    assert doc.output == o
    window.controller.undo_stack.undo()
    assert doc.output is None and not doc.wires


def test_train_status_reads_once(window, qtbot):
    assert window.open_example(EXAMPLES / "01_quadratic.json")
    panel = window.train_panel
    panel.steps.setValue(100000)
    panel.lr.setValue(1e-6)
    panel.toggle_run()
    qtbot.waitUntil(lambda: panel.trainer.step_count >= 3, timeout=5000)
    text = panel.status.text()
    status = window.statusBar().currentMessage()
    panel.toggle_run()
    assert "Step step" not in text and "Step step" not in status
    assert text.startswith("Running: step ")
    assert status.startswith("Training: step ")


def test_inspector_derivative_of_an_output_names_its_port(window):
    assert window.open_example(EXAMPLES / "01_quadratic.json")
    doc = window.controller.doc
    out = doc.output
    window.inspector.show_node(out)
    text = window.inspector.derivative.text()
    assert "∂x/∂x" not in text
    assert text.startswith("∂out/∂value = 1")
    # a variable and a constant are named as they are called, not "x" and "c"
    doc.rename(doc.by_name("x").id, "w")
    window.inspector.show_node(doc.by_name("w").id)
    assert window.inspector.derivative.text() == "∂w/∂w = 1"
    window.inspector.show_node(doc.by_name("a").id)
    assert window.inspector.derivative.text() == "∂a/∂a = 1"
    k = doc.add_node("constant", name="k", value=2.0)
    window.inspector.show_node(k)
    assert window.inspector.derivative.text().startswith("∂k/∂(anything) = 0")


def _elided_op_names(window) -> list[str]:
    """Op names whose palette cell is narrower than the text (Qt draws them as "vari…")."""
    tree = window.palette_widget.tree
    fm = tree.fontMetrics()
    out = []
    if tree.header().length() > tree.viewport().width():  # symbols scrolled out of sight
        out.append("(the symbol column is cut off)")
    for g in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(g)
        for i in range(group.childCount()):
            item = group.child(i)
            rect = tree.visualItemRect(item)
            # the cell's text area: the cell less the style's text margins (3 px a side)
            if fm.horizontalAdvance(item.text(0)) > rect.width() - 6:
                out.append(item.text(0))
    return out


def test_docks_keep_their_widths_when_the_step_dock_opens(window, qtbot):
    window.resize(1380, 860)  # the default window size
    qtbot.wait(20)
    assert _elided_op_names(window) == []
    assert window.open_example(EXAMPLES / "01_quadratic.json")
    qtbot.wait(20)
    palette, inspector = window.palette_dock.width(), window.inspector_dock.width()
    assert window.stepper.start()
    qtbot.wait(50)
    assert window.step_dock.isVisible() and window.step_bar.isVisible()
    assert window.palette_dock.width() == palette
    assert window.inspector_dock.width() == inspector
    assert _elided_op_names(window) == []
    window.grab().save("/tmp/i11-hand-stepping.png")


def test_step_bar_drops_its_words_before_squeezing_the_docks(window, qtbot):
    bar = window.step_bar
    full = bar.layout().minimumSize().width()
    assert bar.minimumSizeHint().width() < full - 200  # the title and hint may go
    bar.fit_width(full - 10)
    assert bar.hint.isHidden() and not bar.title.isHidden()
    bar.fit_width(bar.minimumSizeHint().width())
    assert bar.hint.isHidden() and bar.title.isHidden()
    bar.fit_width(full + 50)
    assert not bar.hint.isHidden() and not bar.title.isHidden()


def test_palette_never_elides_an_op_name_when_squeezed(window, qtbot):
    from PySide6.QtCore import Qt

    window.resizeDocks([window.palette_dock], [60], Qt.Orientation.Horizontal)
    window.resize(760, 700)  # a small window: every dock gives up width
    qtbot.wait(20)
    assert _elided_op_names(window) == []


def test_a_fixed_complaint_leaves_the_status_bar(window, qtbot):
    """Adding the output before wiring it said "… 'value' is not wired"; the message stayed
    up after the wire was drawn, beside a graph showing its gradients."""
    c = _centre(window)
    x = _drop(window, "variable", c.x() - 300, c.y())
    o = _drop(window, "output", c.x(), c.y())
    qtbot.wait(10)
    assert "not wired" in window.statusBar().currentMessage()
    _connect(window, x, o, "value")
    qtbot.wait(10)
    assert "not wired" not in window.statusBar().currentMessage()
    # an unrelated message is left alone by a clean evaluation
    window.show_status("Saved somewhere")
    window.controller.evaluate_now()
    assert window.statusBar().currentMessage() == "Saved somewhere"


def test_pasting_a_graph_into_a_new_document_chooses_its_output(window, qtbot):
    """Copy a lesson, File ▸ New, paste: the pasted output is the output (gradients show)."""
    from app.document import clipboard

    assert window.open_example(EXAMPLES / "01_quadratic.json")
    window.select_all()
    assert clipboard.copy(window.controller)
    assert window.files.new()
    clipboard.paste(window.controller)
    doc = window.controller.doc
    assert doc.output is not None and doc.node(doc.output).op == "output"
    qtbot.wait(10)
    assert window.controller.result.backward_ran
    window.controller.undo_stack.undo()  # one undo step takes the paste and the choice back
    assert len(doc) == 0 and doc.output is None
    window.controller.undo_stack.redo()
    # pasting again keeps the chosen output
    first = doc.output
    clipboard.paste(window.controller)
    assert doc.output == first


def test_double_click_a_node_to_retype_it(window, qtbot):
    """A newcomer double-clicks a variable to change its value: nothing happened."""
    from helpers import view_point
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    assert window.open_example(EXAMPLES / "01_quadratic.json")
    doc = window.controller.doc
    x = doc.by_name("x").id
    window.stepper.start()  # the step dock covers the inspector: it must come forward
    qtbot.wait(20)
    centre = window.scene.nodes[x].sceneBoundingRect().center()
    QTest.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, view_point(window, centre))
    qtbot.wait(20)
    edit = window.inspector.value_edit
    assert window.inspector.node_id == x
    assert edit.isVisible() and edit.hasFocus() and edit.selectedText() == edit.text()
    QTest.keyClicks(edit, "3")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert float(doc.node(x).value) == 3.0
    # an op has no value: its name is ready to retype
    add = next(n.id for n in doc if n.op == "add")
    window.edit_node(add)
    assert window.inspector.name_edit.hasFocus()
    assert len(doc) == 10  # double-clicking a node never adds one (quick add is for empty canvas)


def test_choose_an_output_message_goes_once_one_is_chosen(window, qtbot):
    doc = window.controller.doc
    x = doc.add_node("variable", name="x", value=1.0, requires_grad=True)
    s = doc.add_node("sin", name="s", pos=(300, 0))
    doc.connect(x, s, "x")
    window.controller.evaluate_now()
    assert window.statusBar().currentMessage() == "Choose an output to see gradients."
    window.controller.select_only([s])
    window.set_selected_as_output()
    qtbot.wait(10)
    assert doc.output == s
    assert "Choose an output" not in window.statusBar().currentMessage()
