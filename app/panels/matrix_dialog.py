"""Graph ▸ Jacobian / Graph ▸ Hessian: a derivative matrix as a heatmap table.

The numbers come from `core.graph.matrices` (core.autograd.functional); this window only
shows them: the inspector's heatmap (`ArrayView`, same colour map: neutral zero, the
canvas's gradient colours by sign) as an overview, and a table with every number, its
cell tinted with that same colour and its row and column named (k[0], x[1]…), so that
"row i is ∂kᵢ, column j is ∂xⱼ" reads off the headers. One window, reused and updated
each time the action runs; a failure (no output, a vector output for the Hessian) is a
status-bar message and leaves the window as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.application import theme
from app.panels.array_view import ArrayView
from core.graph import GraphError
from core.graph.matrices import DerivativeMatrix, hessian_matrix, jacobian_matrix

if TYPE_CHECKING:
    from app.application.main_window import MainWindow

#: larger matrices keep the heatmap but list only this many rows/columns of numbers
MAX_TABLE = 60
#: the most of the screen (each way) the dialog takes to show a big matrix whole
SCREEN_SHARE = 0.9


class MatrixDialog(QDialog):
    """The last Jacobian or Hessian computed, heatmap + table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("matrixDialog")
        self.setWindowTitle("Derivative matrix")
        self.matrix: DerivativeMatrix | None = None
        self.title = QLabel(self)
        self.title.setFont(theme.mono_font(10))
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.heatmap = ArrayView(self)
        self.table = QTableWidget(self)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setFont(theme.mono_font(10))
        self.table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.table.horizontalHeader().setMinimumSectionSize(72)
        self.table.verticalHeader().setDefaultSectionSize(30)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.note)
        lay.addWidget(self.heatmap)
        lay.addWidget(self.table, 1)
        self.resize(460, 320)

    def show_matrix(self, m: DerivativeMatrix) -> None:
        self.matrix = m
        self.setWindowTitle("Jacobian" if m.kind == "jacobian" else "Hessian")
        self.title.setText(m.title)
        r, c = m.matrix.shape
        what = ("row i: output element i; column j: ∂ by variable element j"
                if m.kind == "jacobian" else "entry (i, j): ∂² by elements i and j (symmetric)")
        cut = f" — numbers of the first {MAX_TABLE} rows/columns" if max(r, c) > MAX_TABLE else ""
        self.note.setText(f"{r}×{c}, from torch.autograd.functional.{m.kind} — {what}{cut}")
        shown = self.heatmap.set_value(m.matrix)
        self.heatmap.setVisible(shown and max(r, c) > 1)
        rr, cc = min(r, MAX_TABLE), min(c, MAX_TABLE)
        self.table.clear()
        self.table.setRowCount(rr)
        self.table.setColumnCount(cc)
        self.table.setVerticalHeaderLabels(m.rows[:rr])
        self.table.setHorizontalHeaderLabels(m.cols[:cc])
        for i in range(rr):
            for j in range(cc):
                v = float(m.matrix[i, j])
                item = QTableWidgetItem(_number(v))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                bg = self.heatmap.color_of(v)
                item.setBackground(bg)
                item.setForeground(theme.TEXT_ON_DARK if _is_dark(bg) else theme.TEXT_ON_LIGHT)
                item.setToolTip(f"∂{m.rows[i]}/∂{m.cols[j]} = {v!r}" if m.kind == "jacobian"
                                else f"∂²/∂{m.rows[i]}∂{m.cols[j]} = {v!r}")
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.fit_to_contents()

    def fit_to_contents(self) -> None:
        """As large as the table needs to show every number, up to SCREEN_SHARE of the
        screen, with scrollbars beyond (`adjustSize` stops at two thirds of the screen, which
        showed 6 of a 10×20 Jacobian's columns in a window a third of the screen wide)."""
        t = self.table
        # the table's own hint reads its headers' current widths, stale until it is laid out
        # (12 px for a row header that needs 36): ask the headers what they need instead
        frame = 2 * t.frameWidth()
        need = QSize(t.verticalHeader().sizeHint().width() + t.horizontalHeader().length(),
                     t.horizontalHeader().sizeHint().height() + t.verticalHeader().length())
        want = self.sizeHint() + (need + QSize(frame, frame) - t.sizeHint()).expandedTo(
            QSize(0, 0))
        avail = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        limit = QSize(int(avail.width() * SCREEN_SHARE), int(avail.height() * SCREEN_SHARE))
        if self.heatmap.isVisibleTo(self):  # its cells grow with the width it will get
            m = self.layout().contentsMargins()
            inner = min(want.width(), limit.width()) - m.left() - m.right()
            want.setHeight(want.height() + self.heatmap.height_for_width(inner)
                           - self.heatmap.sizeHint().height())
        if want.width() > limit.width():  # room for the scrollbar the cut will need
            want.setHeight(want.height() + t.horizontalScrollBar().sizeHint().height())
        if want.height() > limit.height():
            want.setWidth(want.width() + t.verticalScrollBar().sizeHint().width())
        size = want.boundedTo(limit)
        self.resize(size.expandedTo(self.minimumSizeHint()))
        if self.isVisible():
            self._keep_on_screen()

    def _keep_on_screen(self) -> None:
        """A grown window is moved back inside the screen (centred on the main window, a big
        matrix's window would stick out of it)."""
        avail = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        frame = self.frameGeometry()
        x = max(min(frame.x(), avail.right() + 1 - frame.width()), avail.left())
        y = max(min(frame.y(), avail.bottom() + 1 - frame.height()), avail.top())
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._keep_on_screen()


def _number(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        return f"{v:.4g}"
    return f"{v:.4f}".rstrip("0").rstrip(".")


def _is_dark(c: QColor) -> bool:
    return c.lightnessF() < 0.45


def show(window: MainWindow, kind: str, dlg: MatrixDialog | None = None) -> MatrixDialog | None:
    """Compute the output's Jacobian or Hessian (over the selected variables, else those
    requiring grad) and show it in `dlg` (a new dialog if None); a reason in the status bar
    if it cannot be computed."""
    doc = window.controller.doc
    chosen = [it.node_id for it in window.scene.selected_nodes()
              if doc.node(it.node_id).op == "variable"]
    fn = jacobian_matrix if kind == "jacobian" else hessian_matrix
    try:
        m = fn(doc, wrt=chosen or None)
    except GraphError as e:
        window.show_status(f"Cannot compute the {kind.capitalize()}: {e}")
        return None
    if dlg is None:
        dlg = MatrixDialog(window)
    dlg.show_matrix(m)
    dlg.show()
    dlg.raise_()
    return dlg


class MatrixActions:
    """Graph ▸ Jacobian and Graph ▸ Hessian, and the one dialog they share (made on first use,
    so a window that never shows a matrix has none)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.dialog: MatrixDialog | None = None
        self.jacobian = QAction("&Jacobian of the Output", window)
        self.jacobian.setStatusTip("J = ∂output/∂x for a vector output, as a heatmap table")
        self.jacobian.triggered.connect(lambda: self.show("jacobian"))
        self.hessian = QAction("&Hessian of the Output", window)
        self.hessian.setStatusTip("second derivatives of a scalar output, as a heatmap table")
        self.hessian.triggered.connect(lambda: self.show("hessian"))

    def show(self, kind: str) -> MatrixDialog | None:
        dlg = show(self.window, kind, self.dialog)
        self.dialog = dlg or self.dialog
        return dlg


def install(window: MainWindow) -> MatrixActions:
    """The two actions, after Differentiate in the Graph menu (through the window's hooks)."""
    acts = MatrixActions(window)
    window.add_menu_actions("Graph", [acts.jacobian, acts.hessian],
                            after=window.act_differentiate)
    return acts
