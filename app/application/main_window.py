"""The main window: palette | canvas (with expression bar) | inspector, plots below.

It only assembles widgets and actions; editing goes through `GraphController`, files through
`FileManager`, and every number through `app.document.session` (i.e. core).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QPointF, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.application import document_state, icons, narrow, settings, shortcuts, theme
from app.application.lesson_banner import LessonBanner
from app.application.narrow import scrolling
from app.application.resources import EXAMPLES
from app.application.status_bar import StatusBar
from app.application.window_hooks import WindowHooks
from app.canvas.empty_hint import EmptyHint
from app.canvas.scene import CanvasScene
from app.canvas.view import CanvasView
from app.document import clipboard
from app.document import script_export as export
from app.document.arrange import arrange_document, arrange_steps, place_below
from app.document.controller import GraphController
from app.document.files import FileManager
from app.panels.expression_bar import ExpressionBar
from app.panels.inspector import Inspector
from app.panels.palette import PaletteWidget
from app.panels.plots.dock import PlotsPanel
from app.panels.quick_add import QuickAddPopup
from app.panels.script_dock import install as install_script_dock
from core.graph import GraphError
from core.graph.commands import Edit

STATUS_MS = 6000


class MainWindow(WindowHooks, QMainWindow):
    """The Chainrule window."""

    def __init__(self, restore_settings: bool = True) -> None:
        super().__init__()
        self.setObjectName("ChainruleMainWindow")
        self.resize(1380, 860)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                            | QMainWindow.DockOption.AllowTabbedDocks)

        # canvas + controller
        self.scene = CanvasScene(self)
        self.view = CanvasView(self.scene, self)
        self.controller = GraphController(self.scene, self)
        self.files = FileManager(self.controller, self)
        self.expression_bar = ExpressionBar(self)
        self.banner = LessonBanner(self)
        central = QWidget(self)
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.expression_bar)
        lay.addWidget(self.banner)
        lay.addWidget(self.view, 1)
        self.setCentralWidget(central)

        # docks
        self.palette_widget = PaletteWidget(self)
        self.inspector = Inspector(self.controller, self)
        self.plots = PlotsPanel(self)
        self.palette_dock = self.add_dock("Palette", "paletteDock", self.palette_widget,
                                          Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector_dock = self.add_dock("Inspector", "inspectorDock", self.inspector,
                                            Qt.DockWidgetArea.RightDockWidgetArea)
        self.plots_dock = self.add_dock("Plots", "plotsDock", scrolling(self.plots),
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.resizeDocks([self.palette_dock, self.inspector_dock], [210, 320],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.plots_dock], [170], Qt.Orientation.Vertical)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        self.quick_add = QuickAddPopup(self)
        self._eval_message = ""  # the last evaluation's status message, to take down when fixed
        self._quick_add_pos = QPointF()

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_statusbar()
        self._connect()
        self._build_train_dock()
        self._build_stepper()
        self._build_frames()
        self._build_autograd_controls()
        self.script_dock = install_script_dock(self)  # the Script dock (code → graph)
        self.act_run_script = self.script_dock.act_run
        self._build_landscape()
        self.dock_regrowth = narrow.install(self)  # small windows (every dock is in by now)
        document_state.install(self)
        self.apply_theme()
        self._update_title()
        if restore_settings:
            self.restore_layout()
        QTimer.singleShot(0, self.view.fit_all)

    # ---- construction --------------------------------------------------------------------------
    def _build_actions(self) -> None:
        std = QKeySequence.StandardKey
        a = self.add_action
        stack = self.controller.undo_stack
        self.act_new = a("&New", self.files.new, std.New, "new", "New graph")
        self.act_open = a("&Open…", self.files.open, std.Open, "open", "Open a graph file")
        self.act_save = a("&Save", self.files.save, std.Save, "save", "Save the graph")
        self.act_save_as = a("Save &As…", self.files.save_as, std.SaveAs)
        self.act_export_png = a("Canvas as &PNG…", lambda: self._export_image("png"),
                                icon="export")
        self.act_export_svg = a("Canvas as &SVG…", lambda: self._export_image("svg"))
        self.act_export_py = a("PyTorch &script…", self._export_script, icon="python")
        self.act_quit = a("&Quit", self.close, std.Quit)

        self.act_undo = stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(std.Undo)
        self.act_undo.setIcon(icons.icon("undo"))
        self.act_undo.setData("undo")
        self.act_redo = stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts(shortcuts.redo())
        self.act_redo.setIcon(icons.icon("redo"))
        self.act_redo.setData("redo")
        self.addAction(self.act_undo)
        self.addAction(self.act_redo)
        self.act_copy = a("&Copy", self.copy, std.Copy)
        self.act_cut = a("Cu&t", self.cut, std.Cut)
        self.act_paste = a("&Paste", self.paste, std.Paste)
        self.act_duplicate = a("&Duplicate", self.duplicate, "Ctrl+D")
        self.act_delete = a("De&lete", self.controller.delete_selection,
                            [QKeySequence(Qt.Key.Key_Delete), QKeySequence(Qt.Key.Key_Backspace)],
                            "delete", "Delete the selection")
        self.act_dissolve = a("Dissol&ve", self.controller.dissolve_selection, "Ctrl+Delete",
                              tip="Remove the selected one-input node (neg, detach…) and wire "
                                  "its input to what it fed")
        self.act_select_all = a("Select &All", self.select_all, std.SelectAll)
        self.act_quick_add = a("&Add Node…", self.open_quick_add_at_cursor, "Tab",
                               tip="Add a node by name (Tab, or double-click the canvas)")
        self.act_expression = a("Build from &Expression", self.focus_expression, "Ctrl+E")

        self.act_fit = a("&Fit All", self.view.fit_all, "F", "fit", "Frame the whole graph")
        self.act_zoom_in = a("Zoom &In", lambda: self.view.zoom_by(1.25), std.ZoomIn, "zoom-in")
        self.act_zoom_out = a("Zoom &Out", lambda: self.view.zoom_by(0.8), std.ZoomOut,
                              "zoom-out")
        self.act_zoom_reset = a("&Actual Size", self._actual_size, "Ctrl+0")
        self.act_layout = a("Auto &Layout", self.auto_layout, "Ctrl+L", "layout",
                            "Arrange the graph in layers")

        self.act_backward = a("Run &Backward", self.controller.run_backward, "Ctrl+B",
                              "backward", "Run backward from the output now")
        self.act_auto = a("A&uto Backward", self._set_auto_backward, None, "auto",
                          "Re-run backward after every edit", checkable=True)
        self.act_auto.setChecked(True)
        self.act_set_output = a("Set as &Output", self.set_selected_as_output,
                                "Ctrl+Shift+O")
        self.act_differentiate = a(
            "&Differentiate (create_graph)", self.differentiate, "Ctrl+Shift+D", "differentiate",
            "Add ∂output/∂x as a graph over the same variables and make it the output: "
            "backward then gives the next derivative")
        self.act_shortcuts = a("&Keyboard Shortcuts", self.show_shortcuts, "F1", "help")
        self.act_about = a("&About Chainrule", self.show_about)

        # Single-key shortcuts must not fire while typing in a field; Qt gives line edits
        # the key first (ShortcutOverride), so window-wide context is safe for F/Del/Tab.
        self.act_quick_add.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.view.addAction(self.act_quick_add)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        m.addActions([self.act_new, self.act_open])
        self.recent_menu = m.addMenu("Open &Recent")
        m.addSeparator()
        m.addActions([self.act_save, self.act_save_as])
        ex = m.addMenu("&Export")
        ex.addActions([self.act_export_png, self.act_export_svg, self.act_export_py])
        m.addSeparator()
        m.addAction(self.act_quit)
        self._fill_recent(settings.recent_files())

        m = mb.addMenu("&Edit")
        m.addActions([self.act_undo, self.act_redo])
        m.addSeparator()
        m.addActions([self.act_cut, self.act_copy, self.act_paste, self.act_duplicate,
                      self.act_delete, self.act_dissolve])
        m.addSeparator()
        m.addActions([self.act_select_all, self.act_quick_add, self.act_expression])

        m = mb.addMenu("&View")
        m.addActions([self.act_fit, self.act_zoom_in, self.act_zoom_out, self.act_zoom_reset])
        m.addSeparator()
        m.addAction(self.act_layout)
        m.addSeparator()
        for dock in (self.palette_dock, self.inspector_dock, self.plots_dock):
            m.addAction(dock.toggleViewAction())
        tm = m.addMenu("&Theme")
        self.theme_actions: dict[str, QAction] = {}
        for key, label in (("system", "Follow &System"), ("light", "&Light"), ("dark", "&Dark")):
            act = QAction(label, self, checkable=True)
            act.triggered.connect(lambda _c=False, k=key: self.set_theme_choice(k))
            tm.addAction(act)
            self.theme_actions[key] = act

        m = mb.addMenu("&Graph")
        m.addActions([self.act_backward, self.act_auto, self.act_set_output])
        m.addSeparator()
        m.addAction(self.act_differentiate)

        self.examples_menu = mb.addMenu("E&xamples")
        self._fill_examples()

        m = mb.addMenu("&Help")
        m.addActions([self.act_shortcuts, self.act_about])

    def _build_toolbar(self) -> None:
        tb = QToolBar("Main", self)
        tb.setObjectName("mainToolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        tb.addActions([self.act_new, self.act_open, self.act_save])
        tb.addSeparator()
        tb.addActions([self.act_undo, self.act_redo, self.act_delete])
        tb.addSeparator()
        tb.addActions([self.act_backward, self.act_auto, self.act_differentiate])
        tb.addSeparator()
        tb.addActions([self.act_layout, self.act_fit, self.act_zoom_in, self.act_zoom_out])
        tb.addSeparator()
        tb.addActions([self.act_export_png, self.act_export_py])
        self.toolbar = tb
        self.addToolBar(tb)

    def _build_statusbar(self) -> None:
        self.setStatusBar(StatusBar(self))  # long messages end in "…", whole in the tooltip
        sb = self.statusBar()
        self.count_label = QLabel()
        self.eval_label = QLabel()
        self.zoom_label = QLabel("100%")
        for w in (self.count_label, self.eval_label, self.zoom_label):
            w.setObjectName("hint")
            w.setContentsMargins(8, 0, 8, 0)
            sb.addPermanentWidget(w)
        sb.showMessage(document_state.BLANK_STATUS)

    def _build_stepper(self) -> None:
        """The backward stepper (app/stepping/stepper.py): its actions, step bar and dock."""
        from app.stepping.stepper import install

        self.stepper = install(self)
        self.step_bar, self.step_panel = self.stepper.bar, self.stepper.panel
        self.step_dock = self.stepper.dock

    def _build_frames(self) -> None:
        """Frames (document/frame_layer.py): Ctrl+G groups, collapse to one box, Edit ▸ Frame."""
        from app.document.frame_layer import install

        self.frames = install(self, self.stepper)

    def _build_autograd_controls(self) -> None:
        """Backward again, Zero Grad, Keep graph, Backward from selected (autograd_actions)."""
        from app.stepping import forward_stepper
        from app.stepping.autograd_actions import install

        acts = install(self)
        self.act_backward_again, self.act_zero_grad = acts.backward_again, acts.zero_grad
        self.act_keep_graph, self.act_backward_selected = acts.keep_graph, acts.backward_selected
        fs = self.forward_stepper = forward_stepper.install(self, self.stepper)
        self.forward_bar, self.forward_panel, self.forward_dock = fs.bar, fs.panel, fs.dock

    def _build_landscape(self) -> None:
        """Graph ▸ Jacobian / Hessian (`app/panels/matrix_dialog.py`) and the Landscape page of
        the Plots dock with its optimizer race (`app/panels/plots/landscape_view.py`)."""
        from app.panels import matrix_dialog
        from app.panels.plots import landscape_view

        self.matrices = matrix_dialog.install(self)
        self.act_jacobian, self.act_hessian = self.matrices.jacobian, self.matrices.hessian
        self.landscape = landscape_view.install(self)
        self.act_race = self.landscape.act_race

    @property
    def matrix_dialog(self) -> Any:
        """The Jacobian/Hessian dialog, None until one was shown."""
        return self.matrices.dialog

    def _build_train_dock(self) -> None:
        """The Train dock (gradient descent on the output, `app/panels/train_panel.py`) below the
        inspector, with its actions in the Graph menu and its toggle in the View menu."""
        from app.panels.train_panel import TrainPanel

        self.train_panel = TrainPanel(self.controller, self.plots, self)
        self.train_dock = self.add_dock("Train", "trainDock", scrolling(self.train_panel),
                                        Qt.DockWidgetArea.RightDockWidgetArea)
        self.splitDockWidget(self.inspector_dock, self.train_dock, Qt.Orientation.Vertical)
        # the Train dock needs its form's height; the inspector (value heatmaps) gets the rest
        self.resizeDocks([self.inspector_dock, self.train_dock],
                         [560, self.train_panel.sizeHint().height() + 24], Qt.Orientation.Vertical)
        self.train_panel.statusMessage.connect(self.show_status)

        def run_or_pause() -> None:
            self.train_dock.show()
            self.train_panel.toggle_run()

        self.act_train = self.add_action("&Train: Run / Pause", run_or_pause, "Ctrl+R",
                                         tip="Run or pause gradient descent on the output")
        self.act_train_step = self.add_action("Train: &Step Once", self.train_panel.step_once,
                                              "Ctrl+Shift+R", tip="One optimizer step")
        graph, view = self.menu("Graph"), self.menu("View")
        if graph is not None:
            graph.addSeparator()
            graph.addActions([self.act_train, self.act_train_step])
        if view is not None:
            view.insertAction(self.plots_dock.toggleViewAction(),
                              self.train_dock.toggleViewAction())

    def _connect(self) -> None:
        c = self.controller
        c.statusMessage.connect(self.show_status)
        c.evaluated.connect(self._after_evaluation)
        # after the first evaluation, so the gradient labels are part of what gets framed
        c.documentReplaced.connect(lambda: QTimer.singleShot(0, self.view.fit_all))
        c.undo_stack.cleanChanged.connect(self._update_title)
        c.undo_stack.indexChanged.connect(self._update_title)
        self.files.pathChanged.connect(self._update_title)
        self.files.recentChanged.connect(self._fill_recent)
        self.palette_widget.opActivated.connect(
            lambda op: c.add_op(op, self.view.mapToScene(self.view.viewport().rect().center())))
        self.scene.quickAddRequested.connect(self.open_quick_add)
        self.scene.nodeDoubleClicked.connect(self.edit_node)
        self.view.quickAddRequested.connect(self.open_quick_add)
        self.view.zoomChanged.connect(self._show_zoom)
        self.empty_hint = EmptyHint(self.view)
        self.empty_hint.set_lessons([(p.stem, _lesson_title(p)) for p in (
            sorted(EXAMPLES.glob("*.json")) if EXAMPLES.exists() else [])])
        self.empty_hint.linkActivated.connect(self._empty_hint_link)
        c.evaluated.connect(lambda _r: self._update_empty_hint())
        c.documentReplaced.connect(self._update_empty_hint)
        self._update_empty_hint()
        self.quick_add.opChosen.connect(lambda op: c.drop_op(op, self._quick_add_pos))
        self.quick_add.closed.connect(self.scene.wire_drop.clear)
        self.expression_bar.submitted.connect(self.build_expression)
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._system_scheme_changed)

    # ---- theme ---------------------------------------------------------------------------------
    def theme_choice(self) -> str:
        return str(settings.settings().value("theme", "system"))

    def set_theme_choice(self, key: str) -> None:
        s = settings.settings()
        s.setValue("theme", key)
        s.sync()
        theme.apply(QApplication.instance(), None if key == "system" else key == "dark")
        self.apply_theme()

    def _system_scheme_changed(self, *_args) -> None:
        if self.theme_choice() == "system":
            self.set_theme_choice("system")

    def apply_theme(self) -> None:
        """Re-tint icons and repaint canvas items after a theme switch."""
        for act in self.findChildren(QAction):
            name = act.data()
            if isinstance(name, str) and name:
                act.setIcon(icons.icon(name))
        for key, act in getattr(self, "theme_actions", {}).items():
            act.setChecked(key == self.theme_choice())
        self.banner.apply_theme()
        self.plots.apply_theme()
        if hasattr(self, "empty_hint"):
            self.empty_hint.apply_theme()
        if hasattr(self, "script_dock"):
            self.script_dock.panel.editor.highlighter.apply_theme()
        for item in self.scene.items():
            item.update()
        self.view.resetCachedContent()
        self.view.viewport().update()

    def _update_empty_hint(self) -> None:
        self.empty_hint.setVisible(len(self.controller.doc) == 0)

    def _empty_hint_link(self, href: str) -> None:
        kind, _, arg = href.partition(":")
        if kind == "expr":
            self.build_expression(arg)
        elif kind == "lesson":
            self.open_example(EXAMPLES / f"{arg}.json")

    # ---- canvas commands -----------------------------------------------------------------------
    def open_quick_add(self, scene_pos: QPointF) -> None:
        self._quick_add_pos = QPointF(scene_pos)
        self.scene.wire_drop.show_at(scene_pos)  # the wire a choice would go into glows
        global_pos = self.view.viewport().mapToGlobal(self.view.mapFromScene(scene_pos))
        self.quick_add.popup(global_pos)

    def edit_node(self, node_id: str) -> None:
        """Double-click on a node: the inspector comes forward with its value (or name)
        ready to retype; a newcomer double-clicks a variable to change it."""
        self.controller.select_only([node_id])
        self.inspector_dock.show()
        self.inspector_dock.raise_()
        self.inspector.edit_node(node_id)

    def open_quick_add_at_cursor(self) -> None:
        self.open_quick_add(self.view.cursor_scene_pos())

    def _actual_size(self) -> None:
        self.view.auto_fit = False
        self.view.set_zoom(1.0, self.view.mapToScene(self.view.viewport().rect().center()))

    def focus_expression(self) -> None:
        self.expression_bar.edit.setFocus()
        self.expression_bar.edit.selectAll()

    def select_all(self) -> None:
        for item in self.scene.nodes.values():
            item.setSelected(True)

    def copy(self) -> None:
        n = clipboard.copy(self.controller)
        self.statusBar().showMessage(f"Copied {n} node(s)" if n else "Nothing selected",
                                     STATUS_MS)

    def cut(self) -> None:
        if clipboard.copy(self.controller):
            self.controller.delete_selection()

    def paste(self) -> None:
        if clipboard.clipboard_text() is None and self.script_dock.paste_python(
                QGuiApplication.clipboard().text()):
            return  # Python code: into the Script dock, run, its graph on the canvas
        clipboard.paste(self.controller)

    def duplicate(self) -> None:
        clipboard.duplicate(self.controller)

    def set_selected_as_output(self) -> None:
        nodes = self.scene.selected_nodes()
        if len(nodes) != 1:
            self.statusBar().showMessage("Select one node to make it the output.", STATUS_MS)
            return
        self.controller.push("set_output", nodes[0].node_id)

    def _set_auto_backward(self, on: bool) -> None:
        self.controller.auto_backward = on
        self.controller.evaluate_now()

    def differentiate(self) -> None:
        """torch's ``grad(y, x, create_graph=True)`` on the canvas: add ∂output/∂x, built by
        the engine, over the same variables (the selected ones, else every one that requires
        grad), as one undo step, and make it the output — backward from it then puts the
        next derivative in x.grad, and differentiating again adds that one."""
        from core.graph.differentiate import differentiate_into
        from core.graph.evaluate import Evaluator

        doc = self.controller.doc
        chosen = [it.node_id for it in self.scene.selected_nodes()
                  if doc.node(it.node_id).op == "variable"]
        try:
            plan = differentiate_into(Evaluator(doc), wrt=chosen or None)
        except GraphError as e:
            self.statusBar().showMessage(f"Cannot differentiate: {e}", STATUS_MS)
            return
        steps = place_below(plan.steps, self.scene)  # laid out for our nodes (document/arrange.py)
        if not self.controller.push_macro(f"differentiate: {plan.title}", steps):
            return
        self.controller.select_only(plan.new_nodes)
        self.view.fit_all()
        names = ", ".join(doc.node(o).name for o in plan.outputs)
        self.statusBar().showMessage(
            f"Added {plan.title} as {names}, now the output: backward from it gives the "
            "next derivative in .grad (Ctrl+Shift+D again adds it as a graph).", STATUS_MS)

    def auto_layout(self) -> None:
        """Tidy up: the app's layered layout (one undoable move) for the nodes as drawn."""
        positions = arrange_document(self.controller.doc, self.scene)
        if positions and self.controller.push("move", positions):
            self.view.fit_all()

    def build_expression(self, text: str) -> None:
        """Add the graph of an expression as one undo step, laid out, made the output."""
        from core.graph.parser import ParseError, insert_command

        doc = self.controller.doc
        try:
            origin = None if len(doc) else (0.0, 0.0)
            planned = insert_command(doc, text, origin=origin)
        except ParseError as e:
            self.expression_bar.show_error(e.reason, e.col)
            return
        except GraphError as e:
            self.expression_bar.show_error(str(e))
            return
        steps = _expression_steps(planned.steps, doc.output is None)
        self.expression_bar.clear_error()
        before = set(doc.nodes)
        if not self.controller.push_macro(planned.text, steps):
            return
        self.controller.select_only([i for i in doc.nodes if i not in before])
        self.view.fit_all()
        self.statusBar().showMessage(f"Built {text}", STATUS_MS)

    # ---- files ---------------------------------------------------------------------------------
    def _fill_recent(self, files: list[str]) -> None:
        self.recent_menu.clear()
        for path in files:
            act = self.recent_menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.triggered.connect(lambda _c=False, p=path: self.files.open(p))
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear Menu", lambda: (settings.clear_recent(),
                                                              self._fill_recent([])))
        self.recent_menu.setEnabled(bool(files))

    def _fill_examples(self) -> None:
        self.examples_menu.clear()
        files = sorted(EXAMPLES.glob("*.json")) if EXAMPLES.exists() else []
        for path in files:
            act = self.examples_menu.addAction(_lesson_title(path))
            act.setIcon(icons.icon("example"))
            act.setData("example")
            act.triggered.connect(lambda _c=False, p=path: self.open_example(p))
        if not files:
            self.examples_menu.addAction("(no examples found)").setEnabled(False)

    def open_example(self, path: Path) -> bool:
        """Open a seed lesson (as an untitled copy) and show its explanation."""
        if not self.files.maybe_save():
            return False
        if not self.files.load(path, remember=False):
            return False
        # The lesson files carry core's grid positions; show them laid out for our nodes (like
        # the overlap spreading on open, this is how the file is shown, not an undoable edit).
        for node_id, pos in arrange_document(self.controller.doc, self.scene).items():
            self.controller.doc.move(node_id, pos)
        meta = self.controller.doc.meta
        title = str(meta.get("title") or _example_title(path))
        text = str(meta.get("explanation") or meta.get("description") or "")
        self.banner.show_lesson(title, text)
        self.view.fit_all()
        return True

    def _export_image(self, kind: str) -> None:
        base = self.files.path.with_suffix("") if self.files.path else Path.home() / "graph"
        path, _ = QFileDialog.getSaveFileName(self, f"Export canvas as {kind.upper()}",
                                              f"{base}.{kind}", f"{kind.upper()} (*.{kind})")
        if not path:
            return
        ok = (export.export_png if kind == "png" else export.export_svg)(self.scene, path)
        self.statusBar().showMessage(f"Exported {path}" if ok else f"Export failed: {path}",
                                     STATUS_MS)

    def _export_script(self) -> None:
        base = self.files.path.with_suffix("") if self.files.path else Path.home() / "graph"
        path, _ = QFileDialog.getSaveFileName(self, "Export PyTorch script", f"{base}.py",
                                              "Python (*.py)")
        if not path:
            return
        try:
            if not export.export_script(self.controller.doc, path):
                return  # a read-only file the person chose not to overwrite
        except (GraphError, RuntimeError, OSError) as e:
            QMessageBox.warning(self, "Export failed", str(e))
            return
        self.statusBar().showMessage(f"Exported {path}", STATUS_MS)

    # ---- status --------------------------------------------------------------------------------
    def _after_evaluation(self, result) -> None:
        doc = self.controller.doc
        # an evaluation's complaint ("Backward did not run: … 'value' is not wired") is stale
        # once an edit fixed it: take it down instead of leaving it up beside a working graph
        if (not result.message and self._eval_message
                and self.statusBar().currentMessage() == self._eval_message):
            self.statusBar().clearMessage()
        self._eval_message = result.message
        self.count_label.setText(f"{len(doc)} nodes · {len(doc.wires)} wires")
        self.eval_label.setText(f"eval {self.controller.last_eval_ms:.1f} ms")
        out = doc.output
        # a training run's ticks are not edits: the Train dock draws them as its own curves
        if out is not None and out in result.values and not self.train_panel.running:
            self.plots.record_edit(doc.node(out).name, result.values[out])

    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_MS)

    def _show_zoom(self, z: float) -> None:
        self.zoom_label.setText(f"{z * 100:.0f}%")

    def _update_title(self, *_args) -> None:
        self.setWindowTitle(self.files.title())
        self.setWindowModified(self.files.modified)

    # ---- help ----------------------------------------------------------------------------------
    def shortcut_rows(self) -> list[tuple[str, str]]:
        rows = []
        for act in self.actions() + [self.act_undo, self.act_redo]:
            seq = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText)
                            for s in act.shortcuts())
            if seq:
                rows.append((act.text().replace("&", ""), seq))
        rows += [("Pan", "Middle drag, or Space + drag"), ("Zoom", "Mouse wheel (around cursor)"),
                 ("Connect", "Drag from a port to a port"),
                 ("Disconnect", "Drag a wire's input end away"),
                 ("Add node", "Double-click empty canvas"),
                 ("Retype a node", "Double-click it"),
                 ("Insert into a wire", "Drop an op on it, or Tab over it"),
                 ("Cancel gesture", "Esc")]
        return list(dict.fromkeys(rows))

    def show_shortcuts(self) -> None:
        dlg = QDialog(self)
        dlg.setWindowTitle("Keyboard shortcuts")
        rows = self.shortcut_rows()
        table = QTableWidget(len(rows), 2, dlg)
        table.setHorizontalHeaderLabels(["Action", "Shortcut"])
        table.verticalHeader().hide()
        for i, (name, seq) in enumerate(rows):
            table.setItem(i, 0, QTableWidgetItem(name))
            table.setItem(i, 1, QTableWidgetItem(seq))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        lay = QVBoxLayout(dlg)
        lay.addWidget(table)
        dlg.resize(460, 520)
        dlg.exec()

    def show_about(self) -> None:
        QMessageBox.about(self, "About Chainrule",
                          "<b>Chainrule</b><br>See every value and every gradient of a "
                          "computational graph, computed by a small PyTorch-compatible engine.")

    # ---- persistence ---------------------------------------------------------------------------
    def restore_layout(self) -> None:
        s = settings.settings()
        geo = s.value("geometry")
        state = s.value("windowState")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        auto = s.value("autoBackward", True)
        self.act_auto.setChecked(auto in (True, "true", "1", 1))
        self.controller.set_keep_graph(settings.flag("keepGraph", False), announce=False)
        self.act_keep_graph.setChecked(self.controller.keep_graph)

    def save_layout(self) -> None:
        s = settings.settings()
        s.setValue("geometry", self.saveGeometry())
        s.setValue("windowState", self.saveState())
        s.setValue("autoBackward", self.act_auto.isChecked())
        s.setValue("keepGraph", self.act_keep_graph.isChecked())
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if not self.files.maybe_save():
            event.ignore()
            return
        self.save_layout()
        self.files.discard_recovery()
        self.files.autosave_timer.stop()
        self.script_dock.panel.shutdown()  # a script still running ends first
        event.accept()


def _expression_steps(steps: list[Edit], choose_output: bool) -> list[Edit]:
    """The parser's planned edits placed by the app's layout (where the parser put them, sized
    for our nodes), plus choosing the new output node when the document has none yet (so
    backward runs right away)."""
    adds = {s.kwargs["node_id"]: s.kwargs["pos"] for s in steps if s.kind == "add_node"}
    xs = [p[0] for p in adds.values()]
    ys = [p[1] for p in adds.values()]
    origin = (min(xs), (min(ys) + max(ys)) / 2) if adds else (0.0, 0.0)
    moved = arrange_steps(steps, origin)
    out: list[Edit] = []
    output_id = None
    for s in steps:
        if s.kind == "add_node":
            s = replace(s, kwargs={**s.kwargs, "pos": moved[s.kwargs["node_id"]]})
            if s.kwargs.get("op") == "output":
                output_id = s.kwargs["node_id"]
        out.append(s)
    if choose_output and output_id is not None:
        out.append(Edit("set_output", (output_id,)))
    return out


def _example_title(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").strip().capitalize()


def _lesson_title(path: Path) -> str:
    """A lesson's own title (its file's meta.title), else one made from the file name."""
    import json

    try:
        with open(path, encoding="utf-8") as f:
            title = json.load(f).get("meta", {}).get("title")
    except (OSError, ValueError, AttributeError):
        title = None
    return title if isinstance(title, str) and title.strip() else _example_title(path)


def menu_of(window: MainWindow, title: str) -> QMenu | None:
    """Find a top-level menu by its visible title (tests and scripting): `window.menu`."""
    return window.menu(title)
