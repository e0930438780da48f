"""The output's gradient argument in the inspector: `y.backward(gradient=...)`.

A non-scalar output needs one number per entry to start backward from (backward computes
∂ sum(y · gradient)/∂x); setting (1, 0) and then (0, 1) on a 2-vector reads the rows of the
Jacobian off x.grad. The editor is the one the variables use (a text field and a grid); an
edit is an undoable `set_output` of the document (saved in the file with it), checked
against the output's shape first so a wrong one changes nothing and says why. A scalar
output shows its implicit gradient, 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.application import theme
from app.document import undo_commands as uc
from app.document.controller import GraphController
from app.panels.value_table import ValueTable
from app.panels.value_text import editor_text, read_editor_text
from core.graph import GraphError
from core.graph.commands import make_command

MAX_GRID = 400  # entries; bigger gradients are edited as text only


class GradientEditor(QWidget):
    """`gradient=` of the chosen output; hidden for every other node."""

    def __init__(self, controller: GraphController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.node_id: str | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        self.title = QLabel("GRADIENT ARGUMENT")
        self.title.setObjectName("sectionTitle")
        lay.addWidget(self.title)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        lay.addWidget(self.hint)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.label = QLabel("gradient =")
        self.label.setFont(theme.mono_font(9.5))
        self.edit = QLineEdit()
        self.edit.setFont(theme.mono_font(9.5))
        self.ones = QPushButton("Ones")
        self.ones.setToolTip("gradient = torch.ones_like(output)")
        row.addWidget(self.label)
        row.addWidget(self.edit, 1)
        row.addWidget(self.ones)
        lay.addLayout(row)
        self.table = ValueTable()
        self.table.setFont(theme.mono_font(9))
        lay.addWidget(self.table)
        self.error = QLabel()
        self.error.setObjectName("errorLine")
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        self.edit.editingFinished.connect(self._commit_text)
        self.table.itemChanged.connect(lambda _i: self.commit(self.table.text_value()))
        self.ones.clicked.connect(self._commit_ones)
        self.hide()

    # ---- showing ---------------------------------------------------------------------------
    def show_for(self, node_id: str | None) -> None:
        """Show the editor when `node_id` is the document's output, else hide it."""
        doc = self.controller.doc
        self.node_id = node_id
        if node_id is None or node_id not in doc or doc.output != node_id:
            self.hide()
            return
        self.show()
        value = self._value()
        name = doc.node(node_id).name
        grad = doc.output_gradient
        scalar = value is not None and value.size == 1 and grad is None
        for w in (self.edit, self.ones, self.table):
            w.setVisible(not scalar)
        if scalar:
            self.label.setText("gradient = 1")
            self.hint.setText(f"{name} is a scalar: {name}.backward() starts from 1.")
            self.hint.show()
            self.error.hide()
            return
        self.label.setText("gradient =")
        self.hint.show()
        self.hint.setText(f"{name}.backward(gradient=g) gives ∂ sum({name}·g)/∂x: one number "
                          "per entry. (1, 0) then (0, 1) put the Jacobian's rows in x.grad.")
        shown = grad if grad is not None else (np.ones_like(value, dtype=np.float32)
                                               if value is not None else None)
        if grad is None:
            self.edit.setPlaceholderText("None — the engine needs one (Ones sets them)")
            _set_text(self.edit, "")
        else:
            _set_text(self.edit, editor_text(grad))
        grid = shown is not None and 1 <= shown.ndim <= 2 and 0 < shown.size <= MAX_GRID
        if grid and not self.table.hasFocus():
            self.table.set_array(np.asarray(shown))
        self.table.setVisible(grid)  # ones until set: editing a cell sets the rest to 1

    def _value(self) -> np.ndarray | None:
        r = self.controller.result
        v = r.values.get(self.node_id) if r is not None and self.node_id else None
        return None if v is None else np.asarray(v)

    # ---- editing ---------------------------------------------------------------------------
    def commit(self, text: Any) -> bool:
        """Set the output's gradient argument (undoable); a refused one changes nothing and
        its reason shows under the field and in the status bar."""
        c = self.controller
        out = self.node_id
        if out is None or out not in c.doc:
            return False
        try:
            arr = c.session.grads.check_gradient(out, text)
        except GraphError as e:
            self.error.setText(str(e))
            self.error.show()
            c.statusMessage.emit(str(e))
            self.show_for(out)
            return False
        old = c.doc.output_gradient
        if arr is not None and old is not None and arr.shape == old.shape and \
                np.array_equal(arr, old):
            return False
        self.error.hide()
        name = c.doc.node(out).name
        cmd = uc.DocCommand(make_command(c.doc, "set_output", out, gradient=arr),
                            f"gradient= of {name}")
        c.undo_stack.push(cmd)
        return True

    def _commit_text(self) -> None:
        text = self.edit.text().strip()
        grad = self.controller.doc.output_gradient
        if not text or grad is not None and text == editor_text(grad):
            return
        try:  # `empty (0, 3)`: the gradient of an empty output, which `[]` cannot spell
            self.commit(read_editor_text(text, np.dtype(np.float32)))
        except GraphError as e:
            self.error.setText(str(e))
            self.error.show()
            self.controller.statusMessage.emit(str(e))

    def _commit_ones(self) -> None:
        value = self._value()
        if value is not None:
            ones = np.ones_like(value, dtype=np.float32)
            self.commit(ones if ones.size == 0 else ones.tolist())  # ([] loses (0, 3))


def _set_text(edit: QLineEdit, text: str) -> None:
    if edit.text() != text and not edit.hasFocus():
        edit.blockSignals(True)
        edit.setText(text)
        edit.setCursorPosition(0)
        edit.blockSignals(False)
