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
        self._add_stops(row, stop)
        # what goes first when the bar is narrow, in that order; a single speed is no choice
        self._optional: list[QWidget] = [self.hint, self.title, self.stop, self.slider]
        if len(speeds) > 1:
            self._optional.insert(3, self.speed)
        else:
            self.speed.hide()
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

    def _add_stops(self, row: QHBoxLayout, stop: QAction) -> None:
        """Stop with its label, and the same Stop icon only, which takes the labelled one's
        place when the bar is narrow."""
        self.stop = self._button(stop)
        self.stop.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        row.addWidget(self.stop)
        self.stop_icon = self._button(stop)
        self.stop_icon.setAutoRaise(True)
        self.stop_icon.hide()
        row.addWidget(self.stop_icon)

    # ---- width -------------------------------------------------------------------------------
    # The bar sits in the central column, so its minimum width is the window's minimum minus the
    # docks'. Its full minimum (title, transport, scrubber, speed, hint, labelled Stop) was wider
    # than the canvas at the default size, and even without its words it held the window at
    # ~1100 px while stepping. It asks only for the transport buttons, the step number and an
    # icon-only Stop, and shows the rest as room allows: "Esc to stop" goes first, then the
    # title, Stop's label, the speed, the scrubber (F10/←/Home/End still move through steps).
    def _extra_width(self, widget: QWidget) -> int:
        """What showing `widget` adds to the row: its minimum (a set minimum, else its hint),
        plus the row's spacing."""
        own = widget.minimumWidth() or widget.minimumSizeHint().width()
        if isinstance(widget, QLabel):
            own = max(own, widget.sizeHint().width())
        return own + self.layout().spacing()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        full = self._full_minimum()
        compact = (full.width() - sum(self._extra_width(w) for w in self._optional)
                   + self._extra_width(self.stop_icon))
        return QSize(compact, full.height())

    def _full_minimum(self) -> QSize:
        """The layout's minimum with every optional part shown and the icon-only Stop hidden
        (however they are shown right now)."""
        size = QSize(self.layout().minimumSize())
        width = size.width()
        for widget in self._optional:
            if widget.isHidden():
                width += self._extra_width(widget)
        if not self.stop_icon.isHidden():
            width -= self._extra_width(self.stop_icon)
        size.setWidth(width)
        return size

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.fit_width(event.size().width())

    def fit_width(self, width: int) -> None:
        """Show the optional parts, in the order they are dropped, while they fit in `width`."""
        need = self._full_minimum().width()
        hidden: set[int] = set()
        for widget in self._optional:
            if width >= need:
                break
            hidden.add(id(widget))
            need -= self._extra_width(widget)
            if widget is self.stop:
                need += self._extra_width(self.stop_icon)
        for widget in self._optional:
            widget.setVisible(id(widget) not in hidden)
        self.stop_icon.setVisible(id(self.stop) in hidden)

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
