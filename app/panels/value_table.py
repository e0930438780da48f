"""The grid editor for a vector or matrix value: the inspector's Value and the gradient
editor's `gradient=` both edit through it (its own module, so neither imports the other)."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem

from core.graph import value_to_text


class ValueTable(QTableWidget):
    """Grid editor for a vector (one row) or matrix; `array()` reads it back as floats/text."""

    def set_array(self, arr: np.ndarray) -> None:
        self.blockSignals(True)
        a2 = arr.reshape(1, -1) if arr.ndim == 1 else arr
        self.setRowCount(a2.shape[0])
        self.setColumnCount(a2.shape[1])
        for i in range(a2.shape[0]):
            for j in range(a2.shape[1]):
                self.setItem(i, j, QTableWidgetItem(value_to_text(np.asarray(a2[i, j]))))
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setVerticalHeaderLabels([str(i) for i in range(a2.shape[0])])
        self.setHorizontalHeaderLabels([str(j) for j in range(a2.shape[1])])
        h = self.horizontalHeader().height() + 2 + sum(
            self.rowHeight(i) for i in range(min(a2.shape[0], 6)))
        self.setFixedHeight(int(h) + 4)
        self._ndim = arr.ndim
        self.blockSignals(False)

    def text_value(self) -> str:
        """The grid as value text (`[[1, 2], [3, 4]]`) for the document's parser."""
        rows = ["[" + ", ".join((self.item(i, j).text().strip() if self.item(i, j) else "0")
                                for j in range(self.columnCount())) + "]"
                for i in range(self.rowCount())]
        return rows[0] if self._ndim == 1 else "[" + ", ".join(rows) + "]"


__all__ = ["ValueTable"]
