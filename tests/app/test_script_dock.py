"""The Script dock: a script runs off the UI thread, its output shows, its graph replaces
the canvas as one undo step, errors are underlined, Stop ends a run, .py files open into
it, pasted Python runs, and the SGD loop presets the Train dock."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication

from app.application.resources import EXAMPLES
from app.panels.script_dock import looks_like_python

QUADRATIC = """import torch
x = torch.tensor(0.0, requires_grad=True)
a, b, c = torch.tensor(1.0), torch.tensor(-2.0), torch.tensor(1.0)
y = a*torch.pow(x, 2) + b*x + c
dy_dx, = torch.autograd.grad(y, x, create_graph=True)
print(dy_dx)
"""


def _run(qtbot, window, source: str | None = None):
    panel = window.script_dock.panel
    if source is not None:
        panel.set_source(source)
    window.act_run_script.trigger()
    qtbot.waitUntil(lambda: not panel.running, timeout=15000)
    return window.script_dock.last_run


def _names(window):
    return {n.name for n in window.controller.doc}


def test_run_shows_output_and_replaces_the_canvas_as_one_undo_step(qtbot, window):
    window.build_expression("p * q")
    before = _names(window)
    depth = window.controller.undo_stack.count()
    run = _run(qtbot, window, QUADRATIC)
    assert run.error is None
    panel = window.script_dock.panel
    assert panel.output.toPlainText() == "tensor(-2., grad_fn=<AddBackward0>)\n"
    assert "Ran" in panel.status.text()
    names = _names(window)
    assert {"dy_dx", "y", "x"} <= names and not {"p", "q"} & names
    assert window.controller.doc.node(window.controller.doc.output).name == "dy_dx"
    assert window.controller.undo_stack.count() == depth + 1
    window.controller.undo_stack.undo()
    assert _names(window) == before
    window.controller.undo_stack.redo()
    assert _names(window) == names
    assert len(window.scene.nodes) == len(window.controller.doc)


def test_an_error_is_underlined_and_changes_nothing(qtbot, window):
    window.build_expression("p * q")
    before = _names(window)
    run = _run(qtbot, window, "import torch\nx = torch.ones(2)\nprint(x)\ny = x.foo()\n")
    assert run.error is not None and run.error.line == 4
    editor = window.script_dock.panel.editor
    assert editor.error is run.error
    sels = editor.extraSelections()
    assert sels and sels[-1].cursor.block().blockNumber() == 3
    assert sels[-1].cursor.selectedText() == "y = x.foo()"[4:]
    out = window.script_dock.panel.output.toPlainText()
    assert out.startswith("tensor([1., 1.])\n") and "not allowed" in out
    assert _names(window) == before
    editor.insertPlainText(" ")  # editing clears the marker
    assert editor.error is None and not editor.extraSelections()


def test_stop_ends_a_long_run_and_the_window_stays_responsive(qtbot, window):
    panel = window.script_dock.panel
    panel.set_source("i = 0\nwhile True:\n    i = i + 1\n")
    assert panel.run()
    assert panel.running and panel.stop_button.isEnabled()
    qtbot.wait(150)  # the UI thread keeps processing events meanwhile
    window.build_expression("u + v")
    assert "u" in _names(window)
    panel.stop_button.click()
    qtbot.waitUntil(lambda: not panel.running, timeout=5000)
    run = window.script_dock.last_run
    assert run.error is not None and run.error.limit == "stopped"
    assert panel.run_button.isEnabled() and not panel.stop_button.isEnabled()


def test_open_a_py_file_runs_it(qtbot, window, tmp_path):
    path = tmp_path / "cell.py"
    path.write_text(QUADRATIC, encoding="utf-8")
    assert window.files.load(path)
    panel = window.script_dock.panel
    qtbot.waitUntil(lambda: not panel.running, timeout=15000)
    assert panel.editor.toPlainText() == QUADRATIC
    assert "dy_dx" in _names(window)


def test_pasting_python_on_the_canvas_runs_it(qtbot, window):
    assert looks_like_python(QUADRATIC) and not looks_like_python("2 + 3")
    QGuiApplication.clipboard().setText(QUADRATIC)
    window.paste()
    panel = window.script_dock.panel
    qtbot.waitUntil(lambda: not panel.running, timeout=15000)
    assert panel.editor.toPlainText() == QUADRATIC and "dy_dx" in _names(window)


def test_sgd_loop_presets_the_train_dock_and_control_flow_shows_a_note(qtbot, window):
    window.script_dock.open_script(Path(EXAMPLES / "13_sgd_loop.py"))
    qtbot.waitUntil(lambda: not window.script_dock.panel.running, timeout=15000)
    tp = window.train_panel
    assert (tp.optimizer_name, tp.lr.value(), tp.steps.value()) == ("sgd", 0.01, 500)
    window.script_dock.open_script(Path(EXAMPLES / "12_control_flow.py"))
    qtbot.waitUntil(lambda: not window.script_dock.panel.running, timeout=15000)
    assert window.banner.isVisible()
    assert "took its 'if' branch" in window.banner.text.text()
    muls = [n for n in window.controller.doc if n.op == "mul"]
    assert len(muls) == 10


def test_examples_menu_lists_the_scripts(window):
    sub = [a for a in window.examples_menu.actions() if a.menu() is not None]
    assert sub and len(sub[0].menu().actions()) == len(list(EXAMPLES.glob("*.py")))


def test_closing_the_window_mid_run_ends_the_run_first(qtbot, window):
    panel = window.script_dock.panel
    panel.set_source("while True:\n    pass\n")
    assert panel.run()
    runner = panel._runner
    window.close()
    assert runner.isFinished()


def test_highlighter_colours_keywords_strings_comments_and_docstrings(qtbot, window):
    editor = window.script_dock.panel.editor
    editor.setPlainText('"""a\ndocstring"""\nimport torch  # note\nx = "s" + str(1)\n')
    fmts = editor.highlighter.formats
    doc = editor.document()

    def colour_at(line: int, col: int):
        block = doc.findBlockByNumber(line)
        for r in block.layout().formats():
            if r.start <= col < r.start + r.length:
                return r.format.foreground().color().name()
        return None

    assert colour_at(0, 1) == fmts["string"].foreground().color().name()
    assert colour_at(1, 2) == fmts["string"].foreground().color().name()  # still inside
    assert colour_at(2, 0) == fmts["keyword"].foreground().color().name()
    assert colour_at(2, 7) == fmts["torch"].foreground().color().name()
    assert colour_at(2, 15) == fmts["comment"].foreground().color().name()
    assert colour_at(3, 4) == fmts["string"].foreground().color().name()
    assert colour_at(3, 10) == fmts["builtin"].foreground().color().name()
    assert colour_at(3, 0) is None


def test_highlighter_follows_the_theme(qtbot, window):
    editor = window.script_dock.panel.editor
    light = editor.highlighter.formats["keyword"].foreground().color().name()
    window.set_theme_choice("dark")
    assert editor.highlighter.formats["keyword"].foreground().color().name() != light
    window.set_theme_choice("light")


def test_a_script_run_during_training_pauses_it_and_undo_walks_back(qtbot, window,
                                                                     errors_seen):
    window.script_dock.open_script(Path(EXAMPLES / "13_sgd_loop.py"))
    qtbot.waitUntil(lambda: not window.script_dock.panel.running, timeout=15000)
    window.train_panel.toggle_run()
    qtbot.wait(100)
    run = _run(qtbot, window, QUADRATIC)
    assert run.error is None and not window.train_panel.running
    stack = window.controller.undo_stack
    while stack.canUndo():
        stack.undo()
    assert len(window.controller.doc) == 0 and not errors_seen


def test_the_script_dock_waits_hidden_until_code_arrives(window):
    """A first look gets the plots at full width; Run Script with nothing typed brings the
    dock forward and says what to do instead of running an empty script."""
    sd = window.script_dock
    assert sd.dock.isHidden()
    window.act_run_script.trigger()
    assert not sd.dock.isHidden() and not sd.panel.running
    assert "Ctrl+Enter" in window.statusBar().currentMessage()
