"""The plots dock (bottom): the output after each edit, and a training run converging.

Two pages, switched by the buttons on the header row:

- "Edits": the history of the output's value across edits, which already answers "did my
  change make the loss go down?" (`append(name, y)` / `set_series(name, ys)`).
- "Training": the loss per step (log scale on request: convergence is exponential, so a
  straight line there is what "converging" looks like) next to the parameters per step,
  one curve per scalar parameter or per element of a small vector, drawn by the Train
  panel through `start_training` / `set_training`.

Legends are a list beside their plot (`CurveLegend`), never a box inside it: the dock is
short, and a box in the corner sat exactly where a converging curve ends. Axes print plain
numbers (no "×0.001" SI prefix that turned 0.7 into 700), whole steps on the x axis, and an
empty plot says why it is empty instead of showing a meaningless 0…1 range. Colours follow
the theme.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.application import formatting, theme

EDITS_TITLE = "Output value after each edit"
#: curve colours for parameters (after the accent): the theme's
PARAM_COLORS = theme.SERIES_COLORS
#: what an empty plot says, centred in it
NO_EDITS = "The output's value appears here after each edit"
NO_RUN = "No run yet: Run or Step once in the Train dock"
LOG_HIDDEN = "log scale: loss ≤ 0 not shown"
#: the view of an empty plot: x in steps, y linear, y on a log scale (log10: 10⁻³ … 10)
EMPTY_X = (0.0, 10.0)
EMPTY_Y = (0.0, 1.0)
EMPTY_LOG_Y = (-3.0, 1.0)
#: the widest a legend gets before it scrolls sideways (the plot keeps the rest)
LEGEND_MAX_WIDTH = 300


# ---- axes --------------------------------------------------------------------------------------
def format_ticks(values: Sequence[float], spacing: float) -> list[str]:
    """Tick labels as plain numbers at any magnitude: 0.0005, 12000, 1e-6, 2.5e-6, 1.2e5.

    Fixed point while that stays short (spacing ≥ 1e-4 and |v| < 1e5), with just enough
    decimals to tell neighbouring ticks apart; otherwise compact scientific notation."""
    if not len(values):
        return []
    top = max(abs(float(v)) for v in values)
    spacing = abs(float(spacing)) if spacing else (top or 1.0)
    if spacing >= 1e-4 and top < 1e5:
        places = max(0, math.ceil(-math.log10(spacing) - 1e-9))
        while places < 12 and abs(round(spacing, places) - spacing) > spacing * 1e-6:
            places += 1  # a spacing of 0.25 needs two decimals, not one
        out = []
        for v in values:
            s = f"{float(v):.{places}f}"
            out.append(s[1:] if s.startswith("-") and float(s) == 0 else s)  # no "-0.0"
        return out
    digits = min(6, max(0, math.floor(math.log10(top or spacing))
                        - math.floor(math.log10(spacing))))
    nonzero = [float(v) for v in values if abs(float(v)) >= spacing * 1e-6]
    # the same number of decimals on every label, as few as tell them apart: 1.0e-6, 1.5e-6
    while digits > 0 and all(float(f"{v:.{digits - 1}e}") == float(f"{v:.{digits}e}")
                             for v in nonzero):
        digits -= 1
    out = []
    for v in values:
        if abs(float(v)) < spacing * 1e-6:
            out.append("0")
            continue
        mantissa, exponent = f"{float(v):.{digits}e}".split("e")
        out.append(f"{mantissa}e{int(exponent)}")
    return out


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(e: int, mantissa: int = 1) -> str:
    """10**e (times a one-digit mantissa) as a label: 0.001, 0.5, 1, 20, 10000, 10⁻⁵, 2·10⁶."""
    if -3 <= e <= 4:
        return format_ticks([mantissa * 10.0 ** e], 10.0 ** e)[0]
    power = f"10{str(e).translate(_SUPERSCRIPT)}"
    return power if mantissa == 1 else f"{mantissa}·{power}"


class PlotAxis(pg.AxisItem):
    """An axis without pyqtgraph's automatic SI prefix, labelled by `format_ticks`.

    `whole=True` (the x axes: edits, steps) puts ticks at whole numbers ≥ 0 only, so one
    point is not framed by ticks at 0.2, 0.4… On a log scale the labels sit on the decades,
    and on 2 and 5 too when less than 1.5 decades are in view; the other
    sub-decade ticks are drawn without text (the default labelled all of 2…9, a smudge)."""

    def __init__(self, orientation: str, whole: bool = False) -> None:
        super().__init__(orientation)
        self.enableAutoSIPrefix(False)
        self.whole = whole
        #: with `whole`, the last index that has data (no tick past it), or None
        self.last: float | None = None
        self._few_decades = False

    def setLabel(self, *args, **kwargs) -> None:  # noqa: N802 (pyqtgraph's name)
        super().setLabel(*args, **kwargs)
        self._fit_label()

    def resizeEvent(self, ev=None) -> None:  # noqa: N802 (pyqtgraph's name)
        super().resizeEvent(ev)
        self._fit_label()

    def label_fits(self) -> bool:
        """Whether the axis' title fits along it: a side axis' title runs up the plot's
        height, and in a Plots dock at its minimum height "parameters" ran past both ends of
        the plot, over the header and the tick labels."""
        if self.label is None or not self.labelText:
            return True
        length = self.size().height() if self.orientation in ("left", "right") else \
            self.size().width()
        return self.label.boundingRect().width() <= length

    def _fit_label(self) -> None:
        """Show the title only where it fits (the whole of it is the axis' tooltip then)."""
        if self.label is None or not self.labelText:
            return
        fits = self.label_fits()
        if fits != self.label.isVisible():
            self.showLabel(fits)
        self.setToolTip("" if fits else self.labelText)

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph's name)
        levels = super().tickValues(minVal, maxVal, size)
        if not self.whole or self.logMode:
            return levels
        lo, hi = sorted((minVal, maxVal))
        if self.last is not None:
            hi = min(hi, self.last)
        kept = [(sp, [v for v in vals if 0 <= v <= hi and abs(v - round(v)) < 1e-6])
                for sp, vals in levels if sp is not None and sp >= 1]
        if not kept:  # zoomed in to less than one step per tick: every whole number
            kept = [(1.0, [float(v) for v in range(max(0, math.ceil(lo)), math.floor(hi) + 1)])]
        return kept

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        if self.logMode:
            return self.logTickStrings(values, scale, spacing)
        return format_ticks([v * scale for v in values], (spacing or 0) * scale)

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802
        lo, hi = sorted((minVal, maxVal))
        levels = [(sp, [float(round(v)) for v in t]) for sp, t in stdTicks
                  if sp is not None and sp >= 1.0]
        if not levels:  # less than a couple of decades in view: every decade in it
            levels = [(1.0, [float(e) for e in range(math.ceil(lo), math.floor(hi) + 1)])]
        self._few_decades = hi - lo < 1.5
        sub = [e + math.log10(m) for e in range(math.floor(lo), math.ceil(hi))
               for m in range(2, 10)]
        levels.append((None, [v for v in sub if lo < v < hi]))
        return levels

    def logTickStrings(self, values, scale, spacing):  # noqa: N802
        out: list[str | None] = []
        for v in values:
            e = math.floor(v + 1e-9)
            mantissa = round(10 ** (v - e))
            if mantissa in (1, 10):
                out.append(_power_of_ten(e + (mantissa == 10)))
            elif self._few_decades and mantissa in (2, 5):
                out.append(_power_of_ten(e, mantissa))
            else:
                out.append(None)  # a tick without text
        return out


def _plot_widget(parent: QWidget) -> pg.PlotWidget:
    plot = pg.PlotWidget(parent, axisItems={"left": PlotAxis("left"),
                                            "bottom": PlotAxis("bottom", whole=True)})
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.setMenuEnabled(False)  # pyqtgraph's menu (FFT, downsampling…) is not for this dock
    plot.hideButtons()  # the "A" auto-range corner button would sit on the data
    plot.plotItem.layout.setContentsMargins(2, 4, 8, 2)
    return plot


class _Placeholder:
    """A sentence centred in an empty plot (kept centred as the view changes)."""

    def __init__(self, plot: pg.PlotWidget, text: str) -> None:
        self.plot = plot
        self.item = pg.TextItem(text, anchor=(0.5, 0.5))
        plot.addItem(self.item, ignoreBounds=True)
        self.item.setZValue(10)
        plot.plotItem.vb.sigRangeChanged.connect(self._centre)
        self.hide()

    def show(self, text: str) -> None:
        self.item.setText(text, theme.current().subtext)
        self.item.show()
        self._centre()

    def hide(self) -> None:
        self.item.hide()

    def visible(self) -> bool:
        return self.item.isVisible()

    def text(self) -> str:
        return self.item.toPlainText()

    def _centre(self, *_args) -> None:
        (x0, x1), (y0, y1) = self.plot.plotItem.vb.viewRange()
        self.item.setPos((x0 + x1) / 2, (y0 + y1) / 2)


# ---- legend ------------------------------------------------------------------------------------
class CurveLegend(QListWidget):
    """The curves' names beside a plot, never over it: a column of entries, then more columns
    as the height runs out (12 parameters in a short dock are 2-3 columns, all visible).
    Hovering an entry brings its curve forward; clicking hides or shows the curve."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("curveLegend")
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setIconSize(QSize(16, 8))
        self.setToolTip("Hover a name to bring its curve forward; click to hide or show it")
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._colors: dict[str, QColor] = {}
        self._hidden: set[str] = set()
        self._hot: str | None = None
        self.itemEntered.connect(lambda item: self._set_hot(item.text()))
        self.itemClicked.connect(lambda item: self.toggle(item.text()))
        self.hide()

    # the curves
    def add(self, label: str, curve: pg.PlotDataItem, color: QColor) -> None:
        self._curves[label] = curve
        self._colors[label] = QColor(color)
        self.addItem(QListWidgetItem(label))
        self._restyle()
        self.setVisible(True)
        self._fit()

    def remove_all(self) -> None:
        self._curves.clear()
        self._colors.clear()
        self._hidden.clear()
        self._hot = None
        self.clear()
        self.hide()

    def set_color(self, label: str, color: QColor) -> None:
        self._colors[label] = QColor(color)
        self._restyle()

    def labels(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def toggle(self, label: str) -> None:
        """Hide or show a curve (the user's choice; nothing else ever hides one)."""
        self._hidden ^= {label}
        self._restyle()

    def is_hidden(self, label: str) -> bool:
        return label in self._hidden

    # drawing
    def _set_hot(self, label: str | None) -> None:
        if label != self._hot:
            self._hot = label
            self._restyle()

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._set_hot(None)
        super().leaveEvent(event)

    def _restyle(self) -> None:
        t = theme.current()
        for i in range(self.count()):
            item = self.item(i)
            label = item.text()
            color = self._colors.get(label, t.accent)
            hidden = label in self._hidden
            curve = self._curves.get(label)
            if curve is not None:
                pen_color = QColor(color)
                if self._hot is not None and label != self._hot:
                    pen_color.setAlpha(70)
                curve.setPen(pg.mkPen(pen_color, width=3 if label == self._hot else 2))
                curve.setZValue(5 if label == self._hot else 0)
                curve.setVisible(not hidden)
            item.setIcon(_swatch(color, faded=hidden, size=self.iconSize()))
            item.setForeground(t.subtext if hidden else t.text)
            item.setToolTip(f"{label} (hidden: click to show)" if hidden else
                            f"{label}: click to hide")

    def _fit(self) -> None:
        """As many columns as the height needs, all of the same width; as wide as those
        columns (up to LEGEND_MAX_WIDTH, then it scrolls sideways)."""
        n = self.count()
        if n == 0:
            return
        fm = self.fontMetrics()
        row_h = max(fm.height(), self.iconSize().height()) + 4
        col_w = (max(fm.horizontalAdvance(self.item(i).text()) for i in range(n))
                 + self.iconSize().width() + 18)
        self.setGridSize(QSize(col_w, row_h))
        frame = 2 * self.frameWidth()
        rows = max(1, (self.height() - frame) // row_h)
        width = math.ceil(n / rows) * col_w + frame + 2
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        if width > LEGEND_MAX_WIDTH:  # too many to show at once: scroll sideways
            policy = Qt.ScrollBarPolicy.ScrollBarAsNeeded
            width = LEGEND_MAX_WIDTH
        # (QListView lays wrapped items out in the height left by a possible scroll bar:
        # AlwaysOff when they all fit, or the columns would need one more row than it shows)
        self.setHorizontalScrollBarPolicy(policy)
        if self.width() != width or self.minimumWidth() != width:
            self.setFixedWidth(width)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.oldSize().height() != event.size().height():
            self._fit()


def _swatch(color: QColor, faded: bool, size: QSize) -> QIcon:
    """A short line in the curve's colour, as a legend shows it."""
    pm = QPixmap(size * 2)
    pm.setDevicePixelRatio(2)
    pm.fill(Qt.GlobalColor.transparent)
    c = QColor(color)
    if faded:
        c.setAlpha(60)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(c, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    y = size.height() / 2
    p.drawLine(2, int(y), size.width() - 2, int(y))
    p.end()
    return QIcon(pm)


def _beside(parent: QWidget, plot: pg.PlotWidget, legend: CurveLegend) -> QWidget:
    box = QWidget(parent)
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(2)
    row.addWidget(plot, 1)
    row.addWidget(legend, 0)
    return box


# ---- the panel ---------------------------------------------------------------------------------
class PlotsPanel(QWidget):
    """The bottom dock's plots: edit history and training curves (see module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._series: dict[str, list[float]] = {}  # edits page: name -> values
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._param_curves: dict[str, pg.PlotDataItem] = {}  # training page
        self._loss: list[float] = []
        self._params: dict[str, list[float]] = {}
        self._training_caption = ""
        self._log_note = ""
        self._extra_pages: dict[str, int] = {}  # add_page: name -> page index
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_edits_page())
        self.pages.addWidget(self._build_training_page())
        head = self._build_header()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 6)
        lay.setSpacing(2)
        lay.addLayout(head)
        lay.addWidget(self.pages, 1)
        self._page_changed(0)
        self._show_edits_range()
        self._show_training_ranges()
        self.apply_theme()

    def _build_edits_page(self) -> QWidget:
        """The output's value after each edit, its legend beside it."""
        self.plot = _plot_widget(self)
        self.edits_legend = CurveLegend(self)
        self._edits_empty = _Placeholder(self.plot, NO_EDITS)
        return _beside(self, self.plot, self.edits_legend)

    def _build_training_page(self) -> QWidget:
        """Loss | parameters, the parameters' legend beside them."""
        self.loss_plot = _plot_widget(self)
        self.loss_curve = self.loss_plot.plot([], [], connect="finite")
        self._loss_empty = _Placeholder(self.loss_plot, NO_RUN)
        self.param_plot = _plot_widget(self)
        self.param_legend = CurveLegend(self)
        self._param_empty = _Placeholder(self.param_plot, NO_RUN)
        training = QWidget(self)
        row = QHBoxLayout(training)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.loss_plot, 1)
        row.addWidget(self.param_plot, 1)  # the two plots equally wide, the legend beside
        row.addSpacing(-4)
        row.addWidget(self.param_legend, 0)
        return training

    def _build_header(self) -> QHBoxLayout:
        """The page switch (Edits, Training, then `add_page`'s), what is shown, the log
        toggle."""
        self.edits_button = QPushButton("Edits", self)
        self.training_button = QPushButton("Training", self)
        self._page_buttons = QButtonGroup(self)
        for i, b in enumerate((self.edits_button, self.training_button)):
            _page_button(b)
            self._page_buttons.addButton(b, i)
        self.edits_button.setChecked(True)
        self._page_buttons.idClicked.connect(self.pages.setCurrentIndex)
        self.pages.currentChanged.connect(self._page_changed)
        self.log_loss = QCheckBox("Log-scale loss", self)
        self.log_loss.setToolTip("Plot the loss on a log scale: steady convergence is a "
                                 "straight line (zero and negative losses are left out)")
        self.log_loss.toggled.connect(self._set_log)
        self.caption = QLabel(EDITS_TITLE, self)
        self.caption.setObjectName("hint")
        head = QHBoxLayout()
        self._head = head
        head.setContentsMargins(0, 0, 0, 0)
        head.setSpacing(2)
        head.addWidget(self.edits_button)
        head.addWidget(self.training_button)
        head.addSpacing(10)
        head.addWidget(self.caption, 1)
        head.addWidget(self.log_loss)
        return head

    def add_page(self, name: str, title: str, widget: QWidget) -> int:
        """Another page with its header button after Training (the Landscape view, issue
        10); `show_page(name)` switches to it. The page brings its own caption, and its
        `apply_theme()`, if it has one, is called with the panel's."""
        index = self.pages.addWidget(widget)
        button = _page_button(QPushButton(title, self))
        self._page_buttons.addButton(button, index)
        self._head.insertWidget(index, button)
        self._extra_pages[name] = index
        return index

    # ---- theme ---------------------------------------------------------------------------------
    def apply_theme(self) -> None:
        for i in getattr(self, "_extra_pages", {}).values():
            page = self.pages.widget(i)
            if hasattr(page, "apply_theme"):
                page.apply_theme()
        t = theme.current()
        for plot in (self.plot, self.loss_plot, self.param_plot):
            plot.setBackground(t.canvas_bg)
            for axis in ("left", "bottom"):
                ax = plot.getAxis(axis)
                ax.setPen(pg.mkPen(t.node_border))
                ax.setTextPen(pg.mkPen(t.subtext))
        _label(self.loss_plot, "loss")
        _label(self.param_plot, "parameters")
        self._label_edits_axis()
        for i, (name, curve) in enumerate(self._curves.items()):
            self._style_edit_curve(curve, i)
            self.edits_legend.set_color(name, _param_color(i))
        self.loss_curve.setPen(pg.mkPen(t.accent, width=2))
        for i, label in enumerate(self._param_curves):
            self.param_legend.set_color(label, _param_color(i))
        for placeholder in (self._edits_empty, self._loss_empty, self._param_empty):
            if placeholder.visible():
                placeholder.show(placeholder.text())
        checked = t.accent.name()
        self.setStyleSheet(
            "QPushButton { padding: 2px 10px; border-radius: 4px; }"
            f"QPushButton:checked {{ background: {_alpha(t.accent, 40).name(_ARGB)}; "
            f"color: {checked}; }}"
            "QListWidget#curveLegend { background: transparent; }"
            "QListWidget#curveLegend::item { border-radius: 3px; padding-left: 2px; }"
            f"QListWidget#curveLegend::item:hover {{ background: "
            f"{_alpha(t.accent, 28).name(_ARGB)}; }}")

    # ---- edits page ----------------------------------------------------------------------------
    def set_series(self, name: str, ys: list[float]) -> None:
        self._series[name] = list(ys)
        curve = self._curves.get(name)
        if curve is None:
            curve = self.plot.plot([], [])
            index = len(self._curves)
            self._style_edit_curve(curve, index)
            self._curves[name] = curve
            self.edits_legend.add(name, curve, _param_color(index))
            # one series is named by the axis; a legend only tells several apart
            self.edits_legend.setVisible(len(self._curves) > 1)
            self._label_edits_axis()
        curve.setData(list(range(len(ys))), ys)
        self._show_edits_range()

    def append(self, name: str, y: float, limit: int = 500) -> None:
        ys = self._series.get(name, [])[-(limit - 1):] + [y]
        self.set_series(name, ys)

    def record_edit(self, name: str, value: object) -> None:
        """After an edit's evaluation: the output's value joins its series if it is one float
        and differs from the last point (re-evaluating an unchanged graph adds nothing). The
        caller leaves out a training run's ticks: those are the Training page's curves."""
        arr = formatting.as_array(value)
        if arr is None or arr.size != 1 or arr.dtype.kind != "f":
            return
        y = float(arr.reshape(-1)[0])
        series = self._series.get(name)
        if not series or series[-1] != y:
            self.append(name, y)

    def clear(self) -> None:
        for curve in self._curves.values():
            self.plot.removeItem(curve)
        self._curves.clear()
        self._series.clear()
        self.edits_legend.remove_all()
        self._label_edits_axis()
        self._show_edits_range()

    def series(self, name: str) -> list[float]:
        return list(self._series.get(name, []))

    def _style_edit_curve(self, curve: pg.PlotDataItem, index: int) -> None:
        t = theme.current()
        color = _param_color(index)
        curve.setPen(pg.mkPen(color, width=2))
        curve.setSymbol("o")
        curve.setSymbolSize(7)
        curve.setSymbolBrush(pg.mkBrush(color))
        curve.setSymbolPen(pg.mkPen(t.canvas_bg, width=1))

    def _label_edits_axis(self) -> None:
        names = list(self._curves)
        label = names[0] if len(names) == 1 else "value" if names else ""
        _label(self.plot, label)

    def _show_edits_range(self) -> None:
        """x: the edits there are, a lone point centred (not at the left end of 0…10)."""
        n = max((len(s) for s in self._series.values()), default=0)
        self.plot.getAxis("bottom").last = n - 1 if n else None
        _show_axes(self.plot, n > 0)
        if n == 0:
            self.plot.setXRange(*EMPTY_X, padding=0)
            self.plot.setYRange(*EMPTY_Y, padding=0.05)
            self._edits_empty.show(NO_EDITS)
            return
        self._edits_empty.hide()
        last = n - 1
        pad = 1.0 if last == 0 else max(0.3, 0.02 * last)
        self.plot.setXRange(-pad, last + pad, padding=0)
        self.plot.enableAutoRange(axis="y")

    # ---- training page -------------------------------------------------------------------------
    def show_page(self, name: str) -> None:
        """Switch to "edits", "training" or a page added by `add_page`."""
        index = self._extra_pages.get(name, 1 if name == "training" else 0)
        self.pages.setCurrentIndex(index)
        self._page_buttons.button(index).setChecked(True)
        self._page_changed(index)  # the caption may be new even if the page is not

    def start_training(self, caption: str = "") -> None:
        """Forget the previous run's curves and show the training page."""
        self.clear_training()
        self._training_caption = f"{caption} · per step" if caption else ""
        self.show_page("training")

    def clear_training(self) -> None:
        for curve in self._param_curves.values():
            self.param_plot.removeItem(curve)
        self._param_curves.clear()
        self.param_legend.remove_all()
        self._loss = []
        self._params = {}
        self.loss_curve.setData([], [])
        self._training_caption = ""
        self._log_note = ""
        if self.pages.currentIndex() == 1:
            self.caption.setText("")
        self._show_training_ranges()

    def set_training(self, loss: Sequence[float], params: Mapping[str, Sequence[float]]) -> None:
        """The run so far: `loss[i]` is step i+1's loss, `params[label][i]` the value after
        i steps (index 0 is the start)."""
        self._loss = [float(v) for v in loss]
        ys = np.asarray(self._loss, dtype=float)
        self._log_note = ""
        if self.log_loss.isChecked():
            if (ys <= 0).any():
                self._log_note = LOG_HIDDEN
            ys = np.where(ys > 0, ys, np.nan)
        if self.pages.currentIndex() == 1:
            self.caption.setText(self._caption_text())
        self.loss_curve.setData(np.arange(1, len(ys) + 1), ys)
        for label, values in params.items():
            curve = self._param_curves.get(label)
            if curve is None:
                color = _param_color(len(self._param_curves))
                curve = self.param_plot.plot([], [], pen=pg.mkPen(color, width=2))
                self._param_curves[label] = curve
                self.param_legend.add(label, curve, color)
            self._params[label] = [float(v) for v in values]
            curve.setData(np.arange(len(values)), np.asarray(self._params[label]))
        self._show_training_ranges()

    def loss_series(self) -> list[float]:
        return list(self._loss)

    def param_series(self, label: str) -> list[float]:
        return list(self._params.get(label, []))

    def param_labels(self) -> list[str]:
        return list(self._param_curves)

    def _show_training_ranges(self) -> None:
        """Autorange what has data; a clean fixed view and a sentence for what has none
        (on a log scale that includes a run whose losses are all ≤ 0)."""
        log = self.log_loss.isChecked()
        ys = np.asarray(self._loss, dtype=float)
        _show_axes(self.loss_plot, bool(self._loss))  # all ≤ 0 on a log scale: steps still
        _show_axes(self.param_plot, bool(self._param_curves))
        drawable = np.isfinite(ys) & (ys > 0) if log else np.isfinite(ys)
        if drawable.any():
            self._loss_empty.hide()
            self.loss_plot.enableAutoRange()
        else:
            self.loss_plot.setXRange(*(EMPTY_X if not self._loss else (1, max(len(self._loss), 2))),
                                     padding=0.02 if self._loss else 0)
            # a little padding: the end labels (0.001, 10) sit inside the view
            self.loss_plot.setYRange(*(EMPTY_LOG_Y if log else EMPTY_Y), padding=0.05)
            self._loss_empty.show(LOG_HIDDEN if self._loss else NO_RUN)
        if self._param_curves:
            self._param_empty.hide()
            self.param_plot.enableAutoRange()
        else:
            self.param_plot.setXRange(*EMPTY_X, padding=0)
            self.param_plot.setYRange(*EMPTY_Y, padding=0.05)
            self._param_empty.show(NO_RUN)

    def _set_log(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)
        self.set_training(self._loss, self._params)

    def _caption_text(self) -> str:
        return " · ".join(s for s in (self._training_caption, self._log_note) if s)

    def _page_changed(self, index: int) -> None:
        self.log_loss.setVisible(index == 1)
        extra = index in self._extra_pages.values()
        self.caption.setText("" if extra else self._caption_text() if index == 1
                             else EDITS_TITLE)


_ARGB = QColor.NameFormat.HexArgb


def _page_button(button: QPushButton) -> QPushButton:
    """A flat, checkable page switch of the header."""
    button.setCheckable(True)
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


def _label(plot: pg.PlotWidget, text: str) -> None:
    """The left axis' title, without showing a hidden axis (PlotItem.setLabel shows it)."""
    plot.getAxis("left").setLabel(text, color=theme.current().subtext.name())


def _show_axes(plot: pg.PlotWidget, on: bool) -> None:
    """Axes (and the grid they draw) only with data: an empty plot's 0…1 frame of ticks
    read as a plot of something; its sentence alone says what will appear."""
    for name in ("left", "bottom"):
        if plot.getAxis(name).isVisible() != on:
            plot.showAxis(name, on)


def _alpha(color: QColor, a: int) -> QColor:
    c = QColor(color)
    c.setAlpha(a)
    return c


def _param_color(i: int) -> QColor:
    """The first parameter takes the accent (as the loss does), then a fixed cycle."""
    t = theme.current()
    return t.accent if i == 0 else QColor(PARAM_COLORS[(i - 1) % len(PARAM_COLORS)])
