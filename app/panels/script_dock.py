"""The Script dock: PyTorch code in, the graph autograd recorded out (issue 9).

An editor (line numbers, Python colouring, the failing line underlined with the error's
message beside it), Run (Ctrl+Enter) and Stop, and the printed output below. Scripts run
on a worker thread through `core.graph.script.run_script` (an interpreter, never exec),
so the window stays responsive and Stop ends a run at its next statement. A finished run
replaces the canvas with the recorded graph as ONE undo step, shows the control-flow
note in the lesson banner, and presets the Train dock from the script's optimizer.

`install(window)` builds the dock and wires it into the main window (menus, File ▸ Open
of .py, paste of Python text, the Examples menu), so main_window.py needs one call.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRect, QSize, Qt, QThread, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
    QUndoCommand,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.application import theme
from app.panels.python_highlighter import PythonHighlighter
from core.graph import Document
from core.graph.script import (
    OptimizerPreset,
    ScriptError,
    ScriptRun,
    parse_script,
    run_script,
)

if TYPE_CHECKING:
    from app.application.main_window import MainWindow

#: Train dock optimizer keys for the script's optimizer classes
_TRAIN_KEYS = {"Adam": "adam", "AdamW": "adamw", "RMSprop": "rmsprop", "Adagrad": "adagrad"}


def train_key(preset: OptimizerPreset) -> str:
    """The Train dock's optimizer choice for a script's optimizer."""
    if preset.cls == "SGD":
        if preset.hyper.get("nesterov"):
            return "nesterov"
        return "momentum" if preset.hyper.get("momentum") else "sgd"
    return _TRAIN_KEYS.get(preset.cls, "sgd")


def looks_like_python(text: str) -> bool:
    """Pasted text that is a script (parses, and uses torch), not a graph or a number."""
    if "torch" not in text or text.lstrip().startswith("{"):
        return False
    try:
        parse_script(text)
    except ScriptError:
        return False
    return True


class ReplaceDocument(QUndoCommand):
    """The canvas replaced by a script's graph: one undo step back to the graph before."""

    def __init__(self, doc: Document, new: Document, text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.before = doc.copy()
        self.after = new.copy()

    def redo(self) -> None:
        self.doc.replace_with(self.after)

    def undo(self) -> None:
        self.doc.replace_with(self.before)


class _LineNumbers(QWidget):
    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        self.editor.paint_gutter(event)


class CodeEditor(QPlainTextEdit):
    """A plain-text Python editor with line numbers and an error marker."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(theme.mono_font(10))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(4 * self.fontMetrics().horizontalAdvance(" "))
        self.highlighter = PythonHighlighter(self.document())
        self.gutter = _LineNumbers(self)
        self.error: ScriptError | None = None
        self.blockCountChanged.connect(self._update_margins)
        self.updateRequest.connect(self._scroll_gutter)
        self.textChanged.connect(self.clear_error)
        self._update_margins()

    # line numbers
    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 12 + self.fontMetrics().horizontalAdvance("9") * max(2, digits)

    def _update_margins(self, *_args: Any) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        r = self.contentsRect()
        self.gutter.setGeometry(QRect(r.left(), r.top(), self.gutter_width(), r.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        t = theme.current()
        p = QPainter(self.gutter)
        p.fillRect(event.rect(), t.node_header)
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            line = block.blockNumber() + 1
            bad = self.error is not None and self.error.line == line
            p.setPen(t.error if bad else t.subtext)
            p.drawText(0, top, self.gutter.width() - 6, height,
                       Qt.AlignmentFlag.AlignRight, str(line))
            block = block.next()
            top += round(self.blockBoundingRect(block).height()) if block.isValid() else 0
        p.end()

    # the error marker
    def show_error(self, error: ScriptError | None) -> None:
        """Underline the failing line from the error's column and write the message after
        it (or clear both)."""
        self.error = error
        sels: list[QTextEdit.ExtraSelection] = []
        if error is not None and error.line > 0:
            block = self.document().findBlockByNumber(error.line - 1)
            if block.isValid():
                sel = QTextEdit.ExtraSelection()
                fmt = QTextCharFormat()
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(theme.current().error)
                line_bg = QColor(theme.current().error_bg)
                sel.format = fmt
                cur = QTextCursor(block)
                text = block.text()
                col = max(0, min(len(text), error.col - 1))
                if col >= len(text.rstrip()):
                    col = len(text) - len(text.lstrip())
                cur.setPosition(block.position() + col)
                cur.setPosition(block.position() + len(text.rstrip()),
                                QTextCursor.MoveMode.KeepAnchor)
                sel.cursor = cur
                whole = QTextEdit.ExtraSelection()
                wf = QTextCharFormat()
                wf.setBackground(line_bg)
                wf.setProperty(QTextFormat.Property.FullWidthSelection, True)
                whole.format = wf
                whole.cursor = QTextCursor(block)
                sels = [whole, sel]
        self.setExtraSelections(sels)
        self.viewport().update()
        self.gutter.update()

    def clear_error(self) -> None:
        if self.error is not None:
            self.show_error(None)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        err = self.error
        if err is None or err.line <= 0:
            return
        block = self.document().findBlockByNumber(err.line - 1)
        if not block.isValid() or not block.isVisible():
            return
        geo = self.blockBoundingGeometry(block).translated(self.contentOffset())
        fm = self.fontMetrics()
        x = int(self.contentOffset().x() + self.document().documentMargin()
                + fm.horizontalAdvance(block.text().rstrip()) + 3 * fm.horizontalAdvance(" "))
        p = QPainter(self.viewport())
        f = QFont(self.font())
        f.setItalic(True)
        p.setFont(f)
        p.setPen(theme.current().error)
        p.drawText(x, int(geo.top()), 4000, int(geo.height()),
                   Qt.AlignmentFlag.AlignVCenter, "← " + err.message)
        p.end()


class _Runner(QThread):
    """Runs one script on a worker thread; `done` carries the ScriptRun."""

    done = Signal(object)

    def __init__(self, source: str, stop: threading.Event, parent: Any = None) -> None:
        super().__init__(parent)
        self.source = source
        self.stop = stop

    def run(self) -> None:
        self.done.emit(run_script(self.source, should_stop=self.stop.is_set))


class ScriptPanel(QWidget):
    """Editor, Run/Stop and output. Emits `finished(ScriptRun)` after every run."""

    finished = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = CodeEditor(self)
        self.editor.setPlaceholderText(
            "Paste or type PyTorch code, e.g.\n\nimport torch\n"
            "x = torch.tensor(2.0, requires_grad=True)\ny = x ** 3\ny.backward()\n"
            "print(x.grad)\n\nthen Run (Ctrl+Enter) to see the graph autograd records.")
        self.output = QPlainTextEdit(self)
        self.output.setReadOnly(True)
        self.output.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # tensor reprs
        self.output.setFont(theme.mono_font(9.5))
        self.output.setPlaceholderText("What the script prints appears here.")
        self.run_button = QPushButton("Run", self)
        self.run_button.setToolTip("Run the script and show its graph (Ctrl+Enter)")
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setToolTip("End the run at its next statement")
        self.stop_button.setEnabled(False)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.run_button)
        row.addWidget(self.stop_button)
        row.addWidget(self.status, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.editor)
        split.addWidget(self.output)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(row)
        lay.addWidget(split, 1)
        self.run_button.clicked.connect(self.run)
        self.stop_button.clicked.connect(self.stop)
        self._stop = threading.Event()
        self._runner: _Runner | None = None

    @property
    def running(self) -> bool:
        return self._runner is not None

    def set_source(self, text: str) -> None:
        self.editor.setPlainText(text)

    def run(self) -> bool:
        """Start a run of the editor's text (False if one is already running)."""
        if self._runner is not None:
            return False
        self._stop = threading.Event()
        self.editor.show_error(None)
        self.status.setText("Running…")
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self._runner = _Runner(self.editor.toPlainText(), self._stop, self)
        self._runner.done.connect(self._done)
        self._runner.finished.connect(self._runner.deleteLater)
        self._runner.start()
        return True

    def stop(self) -> None:
        self._stop.set()

    def shutdown(self) -> None:
        """End a running script and wait for its thread (closing the window mid-run must
        not destroy a running QThread)."""
        runner = self._runner
        if runner is not None:
            self._stop.set()
            runner.wait(10_000)

    def _done(self, result: ScriptRun) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.wait()
        self.run_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        text = result.stdout
        if result.error is not None:
            text += ("" if not text or text.endswith("\n") else "\n") + f"✗ {result.error}\n"
        self.output.setPlainText(text)
        self.output.moveCursor(QTextCursor.MoveOperation.End)
        self.editor.show_error(result.error)
        ms = result.seconds * 1000
        if result.error is not None:
            self.status.setText(f"Stopped at line {result.error.line}: {result.error.message}"
                                if result.error.line else str(result.error))
        else:
            self.status.setText(f"Ran {result.statements} statements in {ms:.0f} ms")
        self.finished.emit(result)


def _script_title(path: Path) -> str:
    """An example script's title: the first line of its docstring."""
    try:
        doc = ast.get_docstring(parse_script(path.read_bytes().decode("utf-8", "replace")))
    except (ScriptError, OSError):
        doc = None
    return (doc or path.stem).splitlines()[0].rstrip(".")


class ScriptDock:
    """The dock and its glue to the window (canvas, Train dock, banner, files)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.panel = ScriptPanel(window)
        self.dock = QDockWidget("Script", window)
        self.dock.setObjectName("scriptDock")
        self.dock.setWidget(self.panel)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                              | QDockWidget.DockWidgetFeature.DockWidgetClosable
                              | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        window.splitDockWidget(window.plots_dock, self.dock, Qt.Orientation.Horizontal)
        # code needs room: more height than the plots alone (widths stay as the window's)
        window.resizeDocks([self.dock], [300], Qt.Orientation.Vertical)
        # hidden until code arrives (Run Script, a .py opened, Python pasted, View ▸ Script):
        # a first look at a lesson gets the plots at full width (the landscape needs it)
        self.dock.hide()
        self.panel.finished.connect(self.show_run)
        self.last_run: ScriptRun | None = None

    def run(self) -> None:
        """Run Script: the dock comes forward; with nothing typed yet the editor takes the
        focus and the status bar says what to do, instead of running an empty script."""
        self.dock.show()
        self.dock.raise_()
        if not self.panel.editor.toPlainText().strip():
            self.panel.editor.setFocus()
            self.window.show_status("Type or paste PyTorch code in the Script dock, then "
                                    "Ctrl+Enter runs it.")
            return
        self.panel.run()

    def open_script(self, path: Path) -> bool:
        """Load a .py file into the editor and run it (File ▸ Open, Examples)."""
        try:  # undecodable bytes become U+FFFD: the run then says where the text is bad
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError as e:
            self.window.show_status(f"Could not open {path.name}: {e}")
            return False
        self.panel.set_source(text)
        self.window.show_status(f"Opened {path.name} in the Script dock")
        self.run()
        return True

    def paste_python(self, text: str | None) -> bool:
        """Pasted Python on the canvas: into the editor and run (False: not a script)."""
        if text is None or not looks_like_python(text):
            return False
        self.panel.set_source(text)
        self.run()
        return True

    def show_run(self, result: ScriptRun) -> None:
        """The run's graph on the canvas (one undo step), its note, the Train preset."""
        self.last_run = result
        w = self.window
        doc = result.document
        if result.error is not None:  # a failed run changes nothing on the canvas
            w.show_status(f"Script error, the canvas is unchanged: {result.error}")
            return
        if len(doc) == 0:
            w.show_status("The script recorded no graph: no tensor with a grad_fn.")
            return
        controller = w.controller
        cmd = ReplaceDocument(controller.doc, doc, f"run script: {doc.meta.get('title')}")
        controller.undo_stack.push(cmd)
        from app.document.arrange import arrange_document

        for node_id, pos in arrange_document(controller.doc, w.scene).items():
            controller.doc.move(node_id, pos)
        cmd.after = controller.doc.copy()  # redo shows it arranged, as now
        meta = controller.doc.meta
        note = str(meta.get("control_flow") or "")
        w.banner.show_lesson(str(meta.get("title") or "Script"),
                             str(meta.get("explanation") or ""))
        w.view.fit_all()
        if result.optimizer is not None and result.optimizer.steps > 0:
            self.preset_training(result.optimizer)
        w.show_status("The canvas shows the graph the script recorded" +
                      (" (control flow: see the note above the canvas)" if note else ""))

    def preset_training(self, preset: OptimizerPreset) -> None:
        panel = self.window.train_panel
        panel.set_optimizer(train_key(preset))
        panel.lr.setValue(preset.lr)
        panel.steps.setValue(max(1, preset.steps))
        if "momentum" in preset.hyper and hasattr(panel, "momentum"):
            panel.momentum.setValue(float(preset.hyper["momentum"]))


def install(window: MainWindow) -> ScriptDock:
    """Build the Script dock into `window`: the dock, Run Script (Ctrl+Enter) in the
    Graph menu, the dock's toggle in View, .py files in File ▸ Open and the Examples
    menu, and paste of Python text onto the canvas."""
    from app.application.resources import EXAMPLES

    sd = ScriptDock(window)
    act = QAction("Run &Script", window)
    act.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
    act.setToolTip("Run the Script dock's code and show the graph it records")
    act.triggered.connect(sd.run)
    window.addAction(act)
    sd.act_run = act
    window.add_menu_actions("Graph", [act], separator=True)
    window.add_menu_actions("View", [sd.dock.toggleViewAction()])
    window.files.script_opener = sd.open_script
    scripts = sorted(EXAMPLES.glob("*.py")) if EXAMPLES.exists() else []
    if scripts:
        window.examples_menu.addSeparator()
        sub = window.examples_menu.addMenu("As Python scripts")
        for path in scripts:
            a = sub.addAction(_script_title(path))
            a.setToolTip(path.name)
            a.triggered.connect(lambda _c=False, p=path: sd.open_script(p))
    return sd


__all__ = ["CodeEditor", "ReplaceDocument", "ScriptDock", "ScriptPanel", "install",
           "looks_like_python", "train_key"]
