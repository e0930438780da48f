"""The bar above the canvas while stepping through backward: says which mode the window is in
and holds the debugger-style transport (first, previous, play, next, last, a scrubber, speed).

The buttons are the window's own actions (so shortcuts, menus, toolbar and bar stay in step);
the bar only shows where the stepper is.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QToolButton,
    QWidget,
)

from app.application import theme
from app.canvas.items.wire_item import step_color


class StepBar(QWidget):
    """"Stepping through backward — Esc to stop" with the transport controls."""

    indexRequested = Signal(int)  # the scrubber moved to this step
    speedChosen = Signal(str)

    def __init__(self, actions: list[QAction | None], speeds: list[str], stop: QAction,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title = QLabel("Stepping through backward", self)
        self.title.setObjectName("stepBarTitle")
        self.title.setFont(theme.ui_font(10.0, bold=True))
        self.hint = QLabel("Esc to stop", self)
        self.hint.setObjectName("hint")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 10, 4)
        row.setSpacing(4)
        self.dot = QLabel("●", self)
        row.addWidget(self.dot)
        row.addWidget(self.title)
        row.addSpacing(6)
        self.buttons = self._add_buttons(row, actions)
        self._add_position(row, speeds)
        row.addStretch(0)
        row.addWidget(self.hint)
        self.stop = self._button(stop)
        self.stop.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        row.addWidget(self.stop)
        self._updating = False
        self.hide()

    def _button(self, act: QAction) -> QToolButton:
        """A button for `act` that never takes the focus (the canvas keeps the arrow keys)."""
        b = QToolButton(self)
        b.setDefaultAction(act)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return b

    def _add_buttons(self, row: QHBoxLayout, actions: list[QAction | None]) -> list[QToolButton]:
        """The transport buttons, flat; None in `actions` is a gap."""
        buttons: list[QToolButton] = []
        for act in actions:
            if act is None:
                row.addSpacing(6)
                continue
            b = self._button(act)
            b.setAutoRaise(True)
            row.addWidget(b)
            buttons.append(b)
        return buttons

    def _add_position(self, row: QHBoxLayout, speeds: list[str]) -> None:
        """The scrubber, "step i of n" and the play speed."""
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setMinimumWidth(60)
        self.slider.setMaximumWidth(260)
        self.slider.setPageStep(1)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.valueChanged.connect(self._slid)
        self.position = QLabel(self)
        self.position.setMinimumWidth(92)
        self.position.setFont(theme.ui_font(9.5, bold=True))
        self.speed = QComboBox(self)
        self.speed.addItems(speeds)
        self.speed.setToolTip("Play speed")
        self.speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed.currentTextChanged.connect(self.speedChosen)
        row.addSpacing(8)
        row.addWidget(self.slider, 1)
        row.addSpacing(6)
        row.addWidget(self.position)
        row.addWidget(self.speed)

    # ---- width -------------------------------------------------------------------------------
    # The bar sits in the central column. Its full minimum (title, transport, hint, Stop) was
    # wider than the canvas at the default window size, so showing it made QMainWindow take the
    # width from the docks: the palette narrowed and elided op names. The bar instead asks only
    # for its controls and drops the words ("Esc to stop", then the title) when it is narrow.
    def _extra_width(self, label: QLabel) -> int:
        return label.sizeHint().width() + self.layout().spacing()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        full = self._full_minimum()
        compact = full.width() - self._extra_width(self.hint) - self._extra_width(self.title)
        return QSize(compact, full.height())

    def _full_minimum(self) -> QSize:
        """The layout's minimum with every label shown (hidden ones counted back in)."""
        size = QSize(self.layout().minimumSize())
        for label in (self.hint, self.title):
            if label.isHidden():
                size.setWidth(size.width() + self._extra_width(label))
        return size

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.fit_width(event.size().width())

    def fit_width(self, width: int) -> None:
        """Show the hint and the title only when the bar has room for them."""
        full = self._full_minimum().width()
        self.hint.setVisible(width >= full)
        self.title.setVisible(width >= full - self._extra_width(self.hint))

    def show_position(self, index: int, count: int, node_name: str) -> None:
        """Step `index` (0-based) of `count`, on node `node_name`."""
        self._updating = True
        self.slider.setRange(0, max(count - 1, 0))
        self.slider.setValue(index)
        self._updating = False
        self.position.setText(f"Step {index + 1} / {count}")
        self.position.setToolTip(node_name)

    def set_speed(self, speed: str) -> None:
        self.speed.setCurrentText(speed)

    def _slid(self, value: int) -> None:
        if not self._updating:
            self.indexRequested.emit(value)

    def apply_theme(self) -> None:
        t = theme.current()
        tint = step_color()
        bg = _mix(tint, t.canvas_bg.name(), 0.8 if t.is_dark else 0.86)
        self.setStyleSheet(f"#stepBar {{ background: {bg.name()}; "
                           f"border-bottom: 1px solid {t.node_border.name()}; }}")
        self.dot.setStyleSheet(f"color: {tint.name()};")


def _mix(c: QColor, towards: str, amount: float) -> QColor:
    """`c` blended `amount` of the way to `towards`: a tint of the step colour on the canvas's
    background, readable in both themes."""
    w = QColor(towards)
    return QColor(round(c.red() + (w.red() - c.red()) * amount),
                  round(c.green() + (w.green() - c.green()) * amount),
                  round(c.blue() + (w.blue() - c.blue()) * amount))
