"""The inspector (right dock): edit the selected node and read its numbers.

Edits go through the controller as undoable document commands (rename, set_value, dtype,
requires_grad, params, output), so the inspector is just another way to make the same edits as the
canvas. Readouts — value, `.grad`, `grad_fn` — come from the last evaluation; the local derivative
formula comes from the catalog.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.application import formatting, theme
from app.document import node_text
from app.document.controller import GraphController
from app.panels.array_view import ArrayView
from app.panels.frame_inspector import FramePanel, selected_frame
from app.panels.value_table import ValueTable
from app.panels.value_text import editor_text, read_editor_text
from core.graph import DTYPES, GraphError
from core.graph.catalog import Param

MAX_TABLE_CELLS = 400  # bigger values are edited as text
UNWRAPPED = 1 << 20  # a repr line width no matrix row reaches


class Inspector(QScrollArea):
    """Shows one node (or a hint when nothing / several are selected)."""

    def __init__(self, controller: GraphController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.node_id: str | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self)
        self.setWidget(body)
        self.lay = QVBoxLayout(body)
        self.lay.setContentsMargins(12, 10, 12, 12)
        self.lay.setSpacing(8)

        self.placeholder = QLabel("Select a node to inspect it.\n\nDrag ops from the palette, "
                                  "press Tab on the canvas, or type an expression above.")
        self.placeholder.setObjectName("hint")
        self.placeholder.setWordWrap(True)
        self.lay.addWidget(self.placeholder)

        self.panel = QWidget(body)
        pl = QVBoxLayout(self.panel)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.setSpacing(8)
        self.title = QLabel()
        self.title.setFont(theme.ui_font(12, bold=True))
        self.description = QLabel()
        self.description.setObjectName("hint")
        self.description.setWordWrap(True)
        pl.addWidget(self.title)
        pl.addWidget(self.description)

        self._build_edits(pl)
        self._build_param_section(pl, controller)
        self._build_readouts(pl)
        self.lay.addWidget(self.panel)
        self.frame_panel = FramePanel(controller, body)  # a selected frame (its box or title)
        self.lay.addWidget(self.frame_panel)
        self.lay.addStretch(1)
        self.panel.hide()
        self._param_widgets: dict[str, QWidget] = {}

        self.name_edit.editingFinished.connect(self._commit_name)
        self.value_edit.editingFinished.connect(self._commit_value_text)
        self.table.itemChanged.connect(lambda _i: self._commit_value(self.table.text_value()))
        self.dtype.activated.connect(self._commit_dtype)
        self.requires_grad.toggled.connect(self._commit_requires_grad)
        self.output_btn.clicked.connect(self._commit_output)
        controller.scene.selectionChanged.connect(self._selection_changed)
        controller.evaluated.connect(lambda _r: self.refresh())
        controller.documentReplaced.connect(lambda: self.show_node(None))

    def _build_edits(self, pl: QVBoxLayout) -> None:
        """What a person types into: name, value (text or table), dtype, requires_grad."""
        form = QFormLayout()
        form.setContentsMargins(0, 4, 0, 0)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form
        self.name_edit = QLineEdit()
        form.addRow("Name", self.name_edit)
        self.value_edit = QLineEdit()
        self.value_edit.setFont(theme.mono_font(9.5))
        self.value_edit.setPlaceholderText("3.0  or  [1, 2, 3]  or  [[1, 0], [0, 1]]")
        form.addRow("Value", self.value_edit)
        self.table = ValueTable()
        self.table.setFont(theme.mono_font(9))
        form.addRow("", self.table)
        self.dtype = QComboBox()
        self.dtype.addItems(list(DTYPES))
        form.addRow("dtype", self.dtype)
        self.requires_grad = QCheckBox("requires_grad")
        form.addRow("", self.requires_grad)
        pl.addLayout(form)

    def _build_param_section(self, pl: QVBoxLayout, controller: GraphController) -> None:
        """The op's parameters (rows made per node), Set as output, the gradient editor."""
        self.params_title = _section("Parameters")
        pl.addWidget(self.params_title)
        self.params_form = QFormLayout()
        self.params_form.setHorizontalSpacing(10)
        self.params_form.setVerticalSpacing(6)
        pl.addLayout(self.params_form)

        self.output_btn = QPushButton("Set as output (backward starts here)")
        pl.addWidget(self.output_btn)
        from app.panels.gradient_editor import GradientEditor

        self.gradient_editor = GradientEditor(controller, self.panel)
        pl.addWidget(self.gradient_editor)

    def _build_readouts(self, pl: QVBoxLayout) -> None:
        """What core computed: value, .grad (and how it accumulated), grad_fn, the local
        derivative, the error."""
        pl.addWidget(_section("Value"))
        self.value_map = ArrayView()
        self.value_map.hide()
        pl.addWidget(self.value_map)
        self.value_view = Readout()
        pl.addWidget(self.value_view)
        self.grad_title = _section(".grad")
        self.grad_title.setWordWrap(True)  # '∂out/∂name (.grad is None: not a leaf)' is long
        pl.addWidget(self.grad_title)
        self.grad_map = ArrayView()
        self.grad_map.hide()
        pl.addWidget(self.grad_map)
        self.grad_view = Readout()
        pl.addWidget(self.grad_view)
        self.grad_history = QLabel()  # how an accumulated .grad was reached: 8 + 8 = 16
        self.grad_history.setFont(theme.mono_font(9.5))
        self.grad_history.setWordWrap(True)
        pl.addWidget(self.grad_history)
        self.grad_fn = QLabel()
        self.grad_fn.setFont(theme.mono_font(9.5))
        pl.addWidget(self.grad_fn)
        pl.addWidget(_section("Local derivative"))
        self.derivative = QLabel()
        self.derivative.setWordWrap(True)
        self.derivative.setFont(theme.ui_font(10.5))
        self.derivative.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        pl.addWidget(self.derivative)
        self.error = QLabel()
        self.error.setObjectName("errorLine")
        self.error.setWordWrap(True)
        pl.addWidget(self.error)

    # ---- which node ----------------------------------------------------------------------------
    def _selection_changed(self) -> None:
        try:
            nodes = self.controller.scene.selected_nodes()
        except RuntimeError:  # scene torn down during shutdown
            return
        frame_id = selected_frame(self.controller.scene)
        self.frame_panel.show_frame(frame_id)
        self.show_node(nodes[0].node_id if len(nodes) == 1 and frame_id is None else None)

    def show_node(self, node_id: str | None) -> None:
        self.node_id = node_id
        self.refresh()

    def edit_node(self, node_id: str) -> None:
        """Double-click on a node: its value field (a variable or constant), else its name,
        focused with the text selected, so typing retypes it at once."""
        self.show_node(node_id)
        if self.node_id is None:
            return
        field = self.value_edit if not self.value_edit.isHidden() else self.name_edit
        self.ensureWidgetVisible(field)
        field.setFocus()
        field.selectAll()

    # ---- readouts ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the node from the document and the last evaluation."""
        doc = self.controller.doc
        if self.node_id is None or self.node_id not in doc:
            self.node_id = None
            self.panel.hide()
            self.placeholder.setVisible(self.frame_panel.frame_id is None)
            return
        self.placeholder.hide()
        self.panel.show()
        node = doc.node(self.node_id)
        self._refresh_edits(node)
        self._refresh_readouts(node)

    def _refresh_edits(self, node: Any) -> None:
        """The fields a person types into, the op's parameters and the output button."""
        spec = node.spec
        self.title.setText(_title(node.name, spec.name))
        self.description.setText(spec.description)
        _set_text(self.name_edit, node.name)
        holds = node.value is not None
        for w in (self.value_edit, self.dtype):
            w.setVisible(holds)
            self.form.labelForField(w).setVisible(holds)
        self.requires_grad.setVisible(node.op == "variable")
        if holds:
            self._refresh_value_fields(node.value, node.dtype)
        else:
            self.table.hide()
        self.requires_grad.blockSignals(True)
        self.requires_grad.setChecked(node.requires_grad)
        self.requires_grad.blockSignals(False)
        self._build_params(spec.params, node.params)
        is_out = self.controller.doc.output == node.id
        self.output_btn.setText("Output: backward starts here" if is_out
                                else "Set as output (backward starts here)")
        self.output_btn.setEnabled(not is_out)

    def _refresh_value_fields(self, arr: np.ndarray, dtype: str | None) -> None:
        """The value as text, the dtype, and the grid for a small vector or matrix."""
        _set_text(self.value_edit, editor_text(arr))
        self.dtype.blockSignals(True)
        self.dtype.setCurrentText(dtype or "float32")
        self.dtype.blockSignals(False)
        small = 1 <= arr.ndim <= 2 and 0 < arr.size <= MAX_TABLE_CELLS
        if small and not self.table.hasFocus():
            self.table.set_array(arr)
        self.table.setVisible(small)

    def _refresh_readouts(self, node: Any) -> None:
        """What the last evaluation computed: value, .grad, grad_fn, the local derivative
        (from the catalog), the error."""
        doc = self.controller.doc
        r = self.controller.result
        tensor = r.tensor(node.id) if r else None
        value = tensor if tensor is not None else (r.values.get(node.id) if r else None)
        self.value_view.setPlainText(_row_text(value) if value is not None else "—")
        self.value_map.set_value(value)
        self._refresh_grad(node, r)
        fn = r.grad_fn_name(node.id) if r else None
        self.grad_fn.setText(f"grad_fn = <{fn}>" if fn else "grad_fn = None")
        self.derivative.setText(node_text.derivative_line(doc, node.id))
        err = (r.errors.get(node.id) or self.controller.refusal.get(node.id)
               or r.warnings.get(node.id)) if r else None
        self.error.setText(err or "")
        self.error.setVisible(bool(err))

    def _refresh_grad(self, node: Any, r: Any) -> None:
        """`.grad` — or, for a node that is not a leaf, ∂output/∂node, titled as such — how
        an accumulated one was reached, and the gradient editor."""
        doc = self.controller.doc
        grad = r.grads.get(node.id) if r else None
        if grad is None and r is not None and r.node_grads.get(node.id) is not None:
            out = doc.node(doc.output).name if doc.output in doc else "output"
            self.grad_title.setText(f"∂{out}/∂{node.name}  (.grad is None: not a leaf)")
            grad = r.node_grads[node.id]
        else:
            self.grad_title.setText(".grad")
        self.grad_view.setPlainText(_row_text(grad) if grad is not None else "None")
        self.grad_map.set_value(grad)
        how = self.controller.session.grads.history(node.id) if r is not None else ""
        self.grad_history.setText(f"accumulated: {how}" if how else "")
        self.grad_history.setVisible(bool(how))
        self.gradient_editor.show_for(node.id)

    def _build_params(self, params: tuple[Param, ...], values: dict[str, Any]) -> None:
        keys = [p.name for p in params]
        if keys != list(self._param_widgets):
            while self.params_form.rowCount():
                self.params_form.removeRow(0)
            self._param_widgets = {}
            for p in params:
                w = self._param_widget(p)
                w.setToolTip(p.description)
                self._param_widgets[p.name] = w
                self.params_form.addRow(p.name, w)
        self.params_title.setVisible(bool(params))
        for p in params:
            w = self._param_widgets[p.name]
            v = values.get(p.name, p.default)
            w.blockSignals(True)
            if isinstance(w, QComboBox):
                w.setCurrentText(str(v))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(v))
            elif isinstance(w, QLineEdit):
                _set_text(w, _param_text(v))
            w.blockSignals(False)

    def _param_widget(self, p: Param) -> QWidget:
        if p.type == "choice":
            w = QComboBox()
            w.addItems(list(p.choices))
            w.activated.connect(lambda _i, n=p.name, w=w: self._commit_param(n, w.currentText()))
            return w
        if p.type == "bool":
            w = QCheckBox()
            w.toggled.connect(lambda on, n=p.name: self._commit_param(n, on))
            return w
        w = QLineEdit()
        w.setFont(theme.mono_font(9.5))
        w.setPlaceholderText({"int?": "None or an integer", "ints": "e.g. 2, 3"}.get(p.type, ""))
        w.editingFinished.connect(lambda n=p.name, w=w: self._commit_param(n, w.text()))
        return w

    # ---- edits ---------------------------------------------------------------------------------
    def _commit_name(self) -> None:
        node = self._node()
        if node is not None and self.name_edit.text() != node.name:
            if not self.controller.push("rename", node.id, self.name_edit.text().strip()):
                _set_text(self.name_edit, node.name)

    def _commit_value_text(self) -> None:
        node = self._node()
        if node is not None and node.value is not None:
            if self.value_edit.text() != editor_text(node.value):
                self._commit_value(self.value_edit.text())

    def _commit_value(self, text: str) -> None:
        node = self._node()
        if node is None:
            return
        try:
            value = read_editor_text(text, node.value.dtype if node.value is not None
                                     else np.dtype(np.float32))
        except GraphError as e:
            self.controller.statusMessage.emit(str(e))
            self.refresh()
            return
        # an empty array keeps the node's dtype; text follows the parser's rules
        dtype = node.dtype if isinstance(value, np.ndarray) else None
        if not self.controller.push("set_value", node.id, value, dtype):
            self.refresh()

    def _commit_dtype(self, _index: int) -> None:
        node = self._node()
        if node is None or node.value is None or self.dtype.currentText() == node.dtype:
            return
        # an empty value as itself: its list, [], would lose a shape like (0, 3)
        value = node.value if node.value.size == 0 else node.value.tolist()
        if not self.controller.push("set_value", node.id, value, self.dtype.currentText()):
            self.refresh()

    def _commit_requires_grad(self, on: bool) -> None:
        node = self._node()
        if node is not None and on != node.requires_grad:
            if not self.controller.push("set_requires_grad", node.id, on):
                self.refresh()

    def _commit_param(self, name: str, value: Any) -> None:
        node = self._node()
        if node is None:
            return
        try:
            same = node.spec.param(name).coerce(value) == node.params.get(name)
        except ValueError:
            same = False
        if not same and not self.controller.push("set_param", node.id, name, value):
            self.refresh()

    def _commit_output(self) -> None:
        node = self._node()
        if node is not None:
            self.controller.push("set_output", node.id)

    def _node(self):
        doc = self.controller.doc
        return doc.node(self.node_id) if self.node_id in doc else None


def _title(name: str, op: str) -> str:
    """`x — variable`; a node still named after its op (`pow`) needs no repeat."""
    return name if name == op else f"{name} — {op}"


def _section(text: str) -> QLabel:
    label = QLabel(text.upper() if not text.startswith(".") else text)
    label.setObjectName("sectionTitle")
    return label


def _row_text(value: Any) -> str:
    """`formatting.full_text` with one matrix row per line: the repr's hard wrap at 80 (torch) or
    72 (numpy) columns is lifted, since the readout scrolls sideways instead of breaking a row."""
    if hasattr(value, "_data"):
        try:
            from core._tensor_str import PRINT_OPTS
        except ImportError:  # no torch-style repr: full_text falls back to numpy's anyway
            return formatting.full_text(value)
        old = PRINT_OPTS.linewidth
        PRINT_OPTS.linewidth = UNWRAPPED
        try:
            return formatting.full_text(value)
        finally:
            PRINT_OPTS.linewidth = old
    arr = formatting.as_array(value)
    if arr is None:
        return formatting.full_text(value)
    if arr.size == 0 and arr.shape != (0,):  # numpy prints every empty array as []
        return f"[], size=({', '.join(map(str, arr.shape))})"
    with np.printoptions(precision=4, suppress=True, linewidth=UNWRAPPED, threshold=400):
        return np.array2string(arr, separator=", ")


class Readout(QPlainTextEdit):
    """Read-only monospace text of a value that never soft-wraps: a matrix row stays one line
    (scroll sideways for wide ones), and the box grows with the text up to MAX_LINES lines."""

    MAX_LINES = 12

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFont(theme.mono_font(9))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.horizontalScrollBar().rangeChanged.connect(self._fit)
        self._fit()

    def setPlainText(self, text: str) -> None:  # noqa: N802 - Qt override
        if text != self.toPlainText():
            super().setPlainText(text)
        self._fit()

    def _fit(self, *_args: object) -> None:
        """Height for min(lines, MAX_LINES) lines, plus the sideways scrollbar when a line is
        wider than the box (Qt's own verdict when it has one: the bar's range)."""
        fm = self.fontMetrics()
        lines = self.toPlainText().split("\n")
        margin = self.document().documentMargin()
        cm = self.contentsMargins()
        bar = self.horizontalScrollBar()
        widest = max(fm.horizontalAdvance(line) for line in lines) + 2 * margin
        wide = bar.maximum() > 0 or widest > self.viewport().width()
        h = int(min(len(lines), self.MAX_LINES) * fm.lineSpacing() + 2 * margin + 1
                + cm.top() + cm.bottom() + (bar.sizeHint().height() if wide else 0))
        if h != self.minimumHeight() or h != self.maximumHeight():
            self.setFixedHeight(h)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()


def _set_text(edit: QLineEdit, text: str) -> None:
    if edit.text() != text and not edit.hasFocus():
        edit.blockSignals(True)
        edit.setText(text)
        edit.setCursorPosition(0)
        edit.blockSignals(False)


def _param_text(v: Any) -> str:
    if v is None:
        return "None"
    if isinstance(v, tuple):
        return ", ".join(str(i) for i in v)
    return str(v)
