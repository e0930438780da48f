"""A compact heatmap of a 1-D or 2-D value or gradient, for the inspector.

The torch-style text repr gives exact numbers but hides structure: that every column of
`w.grad` is the same, or that `y.grad` is 0.02 everywhere, reads at a glance from colour. One cell
per entry, painted with QPainter (no plot machinery); the colour map diverges from a neutral
zero to the canvas's gradient colours (`grad_pos`, `grad_neg`), on a scale symmetric about 0
set by the largest |entry|, so equal entries always get equal colours and a sign flip always
changes hue. NaN and ±inf are hatched so they never pass for a large finite number.

Layout: 1-D values are one row of cells (wrapped into lines when longer than the width allows),
2-D values keep their rows and columns, and values with more dimensions show the last two
dimensions of their first slice (`[0, 0, :, :]`) with a note saying so. Cells are square,
6-28 px, sized to fit the width; what does not fit even at 6 px is left out and the note says how
much is shown. Hovering a cell shows its full index and value.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.application import formatting, theme

MIN_CELL = 6
MAX_CELL = 28
MAX_GRID_HEIGHT = 180  # cells shrink (down to MIN_CELL) to keep tall matrices this compact
MAX_LINES = 40  # rows (or wrapped vector lines) drawn at most
WRAP_GAP = 3  # extra space between the lines of a wrapped vector


def shows(value: Any) -> bool:
    """Whether a value gets a heatmap: a numeric array with at least one dimension and more than
    one entry (a single number reads better as text)."""
    arr = formatting.as_array(value)
    return (arr is not None and arr.ndim >= 1 and arr.size > 1
            and arr.dtype.kind in "biuf")


def lerp(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t,
                           a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t)


def neutral(t: theme.Theme) -> QColor:
    """The colour of 0: a quiet surface colour, so small entries fade and big ones stand out."""
    return t.node_header


class ArrayView(QWidget):
    """Heatmap of one array. `set_value` returns whether there is anything to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setFont(theme.mono_font(8.5))
        self.data = np.zeros((0, 0))  # the 2-D float grid drawn
        self.vector = False  # 1-D: indices are [k], lines may wrap
        self.prefix: tuple[int, ...] = ()  # index of the slice drawn, for >2-D values
        self.shape: tuple[int, ...] = ()
        self.kind = "f"
        self.dtype = np.dtype(np.float64)
        self.scale = 0.0  # max |finite entry|
        self.note = ""
        self._layout = _Layout(0, 0, 0, 0, 0)
        self._last_width = -1

    # ---- data ----------------------------------------------------------------------------------
    def set_value(self, value: Any) -> bool:
        if not shows(value):
            self.data = np.zeros((0, 0))
            self.shape = ()
            self.hide()
            return False
        arr = formatting.as_array(value)
        self.shape = tuple(arr.shape)
        self.kind = arr.dtype.kind
        self.dtype = arr.dtype
        self.vector = arr.ndim == 1
        self.prefix = (0,) * max(arr.ndim - 2, 0)
        grid = arr[self.prefix] if self.prefix else arr
        grid = grid.reshape(1, -1) if self.vector else grid
        self.data = np.asarray(grid, dtype=np.float64)
        with np.errstate(all="ignore"):
            finite = self.data[np.isfinite(self.data)]
        self.scale = float(np.max(np.abs(finite))) if finite.size else 0.0
        self._last_width = -1
        self._relayout()
        self.update()
        self.show()
        return True

    def zero_field(self) -> bool:
        """Every entry is 0 (drawn as a grid of zero cells, see paintEvent)."""
        return self.scale == 0 and bool(self.data.size) and bool(np.isfinite(self.data).all())

    def color_of(self, v: float) -> QColor:
        """The fill for one entry (NaN/inf cells are hatched on top of this in paint)."""
        t = theme.current()
        if math.isnan(v):
            return QColor(t.error_bg)
        if math.isinf(v):
            return QColor(t.grad_pos if v > 0 else t.grad_neg)
        if self.scale == 0 or v == 0:
            return neutral(t)
        f = min(abs(v) / self.scale, 1.0)
        return lerp(neutral(t), t.grad_pos if v > 0 else t.grad_neg, f)

    # ---- geometry ------------------------------------------------------------------------------
    def _relayout(self) -> None:
        self._layout, self.note = self._layout_for(self.width())
        h = self._grid_height() + self._legend_height()
        if self.minimumHeight() != h or self.maximumHeight() != h:
            self.setFixedHeight(h)

    def height_for_width(self, width: int) -> int:
        """The height the view takes once it is `width` wide (cells grow with the width),
        for a window that sizes itself to its contents before it is laid out."""
        lay, note = self._layout_for(width)
        return self._grid_height(lay) + self._legend_height(note)

    def _layout_for(self, width: int) -> tuple[_Layout, str]:
        """The cells' layout and the note at a width (see the module docstring)."""
        w = max(width, 40) - 2  # 1 px frame each side
        rows, cols = self.data.shape
        note = ""
        if rows * cols == 0:
            lay = _Layout(0, 0, 0, 0, 0)
        elif self.vector:
            n = cols
            cell = max(MIN_CELL, min(MAX_CELL, w // n))
            per_line = max(1, min(n, w // cell))
            lines = -(-n // per_line)
            shown_lines = min(lines, MAX_LINES)
            lay = _Layout(cell, shown_lines, per_line, WRAP_GAP if lines > 1 else 0, n)
            shown = min(n, shown_lines * per_line)
            note = f"wrapped, {per_line} a line" if lines > 1 else ""
            if shown < n:
                note = f"first {shown} of {n} entries, wrapped {per_line} a line"
        else:
            cell = max(MIN_CELL, min(MAX_CELL, w // cols, MAX_GRID_HEIGHT // rows))
            shown_cols = max(1, min(cols, w // cell))
            shown_rows = min(rows, MAX_LINES)
            lay = _Layout(cell, shown_rows, shown_cols, 0, rows * cols)
            parts = []
            if shown_rows < rows:
                parts.append(f"rows 0–{shown_rows - 1} of {rows}")
            if shown_cols < cols:
                parts.append(f"cols 0–{shown_cols - 1} of {cols}")
            note = ", ".join(parts)
            if self.prefix:
                idx = ", ".join(str(i) for i in self.prefix)
                note = (f"slice [{idx}, :, :] of {'×'.join(map(str, self.shape))}"
                        + (f"; {note}" if note else ""))
            elif parts:
                note = "showing " + note
        bad = int(np.count_nonzero(~np.isfinite(self.data)))
        if bad:
            note = (note + "; " if note else "") + f"{bad} non-finite (hatched)"
        return lay, note

    def _grid_height(self, lay: _Layout | None = None) -> int:
        lay = lay or self._layout
        if not lay.cell:
            return 0
        return lay.lines * lay.cell + max(lay.lines - 1, 0) * lay.gap + 2 + _sep(lay.cell)

    def _legend_height(self, note: str | None = None) -> int:
        fm = self.fontMetrics()
        return 6 + fm.height() + (fm.height() + 1 if (self.note if note is None else note)
                                  else 0)

    def _cells(self):
        """(grid row, grid col, rect) of every drawn cell, in drawing order."""
        lay = self._layout
        if not lay.cell:
            return
        c = lay.cell
        o = 1 + _sep(c)  # inside the frame and the first separator
        if self.vector:
            for k in range(min(lay.count, lay.lines * lay.per_line)):
                line, pos = divmod(k, lay.per_line)
                yield 0, k, QRect(o + pos * c, o + line * (c + lay.gap), c - o + 1, c - o + 1)
        else:
            for i in range(lay.lines):
                for j in range(lay.per_line):
                    yield i, j, QRect(o + j * c, o + i * c, c - o + 1, c - o + 1)

    def cell_rect(self, index: tuple[int, ...]) -> QRect | None:
        """Where the entry at `index` (an index into the value, as in the tooltip) is drawn."""
        if self.prefix and tuple(index[:len(self.prefix)]) != self.prefix:
            return None
        idx = tuple(index[len(self.prefix):])
        target = (0, idx[0]) if self.vector else idx
        for i, j, rect in self._cells():
            if (i, j) == target:
                return rect
        return None

    def index_at(self, pos: QPoint) -> tuple[int, ...] | None:
        """The value's index under a point, or None between/outside the cells."""
        for i, j, rect in self._cells():
            if rect.contains(pos):
                return self.prefix + ((j,) if self.vector else (i, j))
        return None

    def tooltip_at(self, pos: QPoint) -> str | None:
        index = self.index_at(pos)
        if index is None:
            return None
        v = self.data[0, index[-1]] if self.vector else self.data[index[-2], index[-1]]
        return f"[{', '.join(map(str, index))}] = {self._number(v)}"

    def _number(self, v: float) -> str:
        """4 decimals like the repr, then the exact stored number when those 4 lose some."""
        if self.kind == "b":
            return "True" if v else "False"
        if self.kind in "iu":
            return str(int(v))
        if not math.isfinite(v):
            return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
        big_or_tiny = v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e5)
        short = f"{v:.4e}" if big_or_tiny else f"{v:.4f}"
        stored = self.dtype.type(v)
        return short if self.dtype.type(short) == stored else f"{short}  ({str(stored)})"

    # ---- Qt ------------------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(200, self._grid_height() + self._legend_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(60, self._grid_height() + self._legend_height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.size().width() != self._last_width:
            self._last_width = event.size().width()
            self._relayout()
        super().resizeEvent(event)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(e.pos())
            if text:
                QToolTip.showText(e.globalPos(), text, self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        lay = self._layout
        if not lay.cell:
            return
        t = theme.current()
        p = QPainter(self)
        # a frame round each line (the whole grid for a matrix), so neutral cells still read as
        # cells against the dock's background
        c, s = lay.cell, _sep(lay.cell)
        bg = self.palette().window().color()
        if self.vector:
            widths = [min(lay.per_line, lay.count - line * lay.per_line) * c
                      for line in range(lay.lines)]
            boxes = [QRect(0, line * (c + lay.gap), w + 2 + s, c + 2 + s)
                     for line, w in enumerate(widths)]
        else:
            boxes = [QRect(0, 0, lay.per_line * c + 2 + s, self._grid_height())]
        # all zeros: every cell is the pale zero colour, which on the light theme's pale
        # background read as an empty box; separators in the frame's colour make it a grid,
        # a field of equal cells (small cells give up a pixel to have a separator at all)
        zeros = self.zero_field()
        for box in boxes:
            p.fillRect(box, t.node_border)
            if not zeros:
                p.fillRect(box.adjusted(1, 1, -1, -1), bg)  # shows between the cells
        shrink = 1 if zeros and not s else 0
        for i, j, r in self._cells():
            v = float(self.data[i, j])
            p.fillRect(r.adjusted(0, 0, -shrink, -shrink), self.color_of(v))
            if not math.isfinite(v):
                hatch = t.error if math.isnan(v) else t.canvas_bg
                pattern = (Qt.BrushStyle.DiagCrossPattern if math.isnan(v)
                           else Qt.BrushStyle.BDiagPattern)
                p.fillRect(r, QBrush(hatch, pattern))
        self._paint_legend(p, t, self._grid_height() + 4)
        p.end()

    def _paint_legend(self, p: QPainter, t: theme.Theme, top: int) -> None:
        fm = self.fontMetrics()
        h = fm.height()
        m = formatting.fmt_number(self.scale, 3) if self.scale else "0"
        lo, hi = ("−" + m, "+" + m) if self.scale else ("", "")
        p.setPen(t.subtext)
        width = min(self.width() - 2, 220)
        if self.scale == 0:
            sw = QRect(1, top + 2, h - 4, h - 4)
            p.fillRect(sw, neutral(t))
            p.setPen(QPen(t.node_border))
            p.drawRect(sw)
            p.setPen(t.subtext)
            p.drawText(QRect(h + 2, top, width, h), Qt.AlignmentFlag.AlignVCenter,
                       "all 0" if not np.isnan(self.data).all() else "no finite entries")
        else:
            lw, hw = fm.horizontalAdvance(lo), fm.horizontalAdvance(hi)
            p.drawText(QRect(1, top, lw, h), Qt.AlignmentFlag.AlignVCenter, lo)
            bar = QRect(lw + 6, top + 3, max(width - lw - hw - 12, 20), h - 6)
            p.drawText(QRect(bar.right() + 6, top, hw + 2, h), Qt.AlignmentFlag.AlignVCenter, hi)
            grad = QLinearGradient(bar.left(), 0, bar.right(), 0)
            grad.setColorAt(0.0, t.grad_neg)
            grad.setColorAt(0.5, neutral(t))
            grad.setColorAt(1.0, t.grad_pos)
            p.fillRect(bar, grad)
            p.setPen(QPen(t.node_border))
            p.drawRect(bar.adjusted(0, 0, -1, -1))
            p.setPen(QPen(t.subtext))
            mid = bar.center().x()
            p.drawLine(mid, bar.top() - 2, mid, bar.bottom() + 2)
        if self.note:
            p.setPen(t.subtext)
            text = fm.elidedText(self.note, Qt.TextElideMode.ElideRight, self.width() - 2)
            p.drawText(QRect(1, top + h + 1, self.width() - 2, h),
                       Qt.AlignmentFlag.AlignVCenter, text)


def _sep(cell: int) -> int:
    """Background between cells: 1 px once cells are big enough to spare it."""
    return 1 if cell >= 10 else 0


class _Layout:
    """Cell size, number of lines (rows), cells per line, gap between lines, entry count."""

    __slots__ = ("cell", "lines", "per_line", "gap", "count")

    def __init__(self, cell: int, lines: int, per_line: int, gap: int, count: int) -> None:
        self.cell, self.lines, self.per_line, self.gap, self.count = (
            cell, lines, per_line, gap, count)
