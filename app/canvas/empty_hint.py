"""The canvas's first screen: what to do when there is nothing on it yet.

A card in the middle of the empty canvas with three ways in — type an expression, drag or
Tab-search an op, open a lesson — whose links do it (an expression link builds that
expression, a lesson link opens it). It hides as soon as the graph has a node and comes back
when the last one is deleted. The card only emits `linkActivated`; the window acts on it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QGraphicsView, QLabel

from app.application import theme

#: the expression the card offers to build
SAMPLE_EXPRESSION = "a*x**2 + b*x + c"


class EmptyHint(QLabel):
    """Centred over the view's viewport; `set_lessons` fills in the lesson links."""

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view.viewport())
        self.setObjectName("emptyHint")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._view = view
        self._lessons: list[tuple[str, str]] = []
        view.viewport().installEventFilter(self)
        self.apply_theme()

    def set_lessons(self, lessons: list[tuple[str, str]]) -> None:
        """(key, title) pairs: a link `lesson:key` per lesson, in order."""
        self._lessons = list(lessons)
        self._fill()

    def apply_theme(self) -> None:
        t = theme.current()
        bg = t.node_bg
        self.setStyleSheet(
            f"#emptyHint {{ background: {bg.name()}; color: {t.text.name()}; "
            f"border: 1px solid {t.node_border.name()}; border-radius: 10px; "
            "padding: 16px 22px; }")
        self._fill()

    def _fill(self) -> None:
        t = theme.current()
        a, sub = t.accent.name(), t.subtext.name()

        def link(href: str, text: str) -> str:
            return (f"<a href='{escape(href, quote=True)}' style='color:{a}; "
                    f"text-decoration:none'>{escape(text)}</a>")

        lessons = "".join(f"<br>&nbsp;&nbsp;→ {link(f'lesson:{key}', title)}"
                          for key, title in self._lessons[:4])
        rows = [
            "<p style='font-size:13pt; font-weight:600; margin:0 0 8px 0'>Build a graph</p>",
            f"<p style='margin:0 0 6px 0'>Type an expression in the bar above and press Enter, "
            f"e.g. {link('expr:' + SAMPLE_EXPRESSION, SAMPLE_EXPRESSION)}</p>",
            "<p style='margin:0 0 6px 0'>Drag an op from the palette, or press "
            "<b>Tab</b> here and type its name.</p>",
        ]
        if lessons:
            rows.append(f"<p style='margin:0'>Or open a lesson <span style='color:{sub}'>"
                        f"(all {len(self._lessons)} are in the Examples menu)</span>:"
                        f"{lessons}</p>")
        self.setText("".join(rows))
        self._place()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        vp = self._view.viewport()
        width = max(240, min(560, vp.width() - 48))
        self.setFixedWidth(width)
        height = self.heightForWidth(width)
        self.resize(width, height if height > 0 else self.sizeHint().height())
        self.move((vp.width() - self.width()) // 2, max(16, (vp.height() - self.height()) // 2))
