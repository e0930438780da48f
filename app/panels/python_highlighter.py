"""Python syntax colouring for the Script dock (a `QSyntaxHighlighter`).

Regular expressions per line, plus one block state for triple-quoted strings that span
lines (docstrings are how the example scripts open). Colours come from the app theme, so
the editor follows a light/dark switch with `rehighlight()`.
"""

from __future__ import annotations

import keyword
import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from app.application import theme

_KEYWORDS = re.compile(r"\b(" + "|".join(keyword.kwlist) + r")\b")
_BUILTINS = re.compile(r"\b(print|len|range|abs|min|max|sum|float|int|str|bool|list|tuple|"
                       r"dict|enumerate|zip|sorted|reversed|isinstance|round|any|all|"
                       r"format|repr)\b(?=\s*\()")
_TORCH = re.compile(r"\b(torch|np|nn|optim|F|Variable)\b")
_NUMBER = re.compile(r"\b(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)\b")
_STRING = re.compile(r"""[rbfuRBFU]{0,2}("([^"\\\n]|\\.)*"|'([^'\\\n]|\\.)*')""")
_COMMENT = re.compile(r"#[^\n]*")
_DEF = re.compile(r"\b(def|class)\s+(\w+)")
_TRIPLE = ('"""', "'''")
_IN_TRIPLE = {'"""': 1, "'''": 2}


def _fmt(color: QColor, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    f = QTextCharFormat()
    f.setForeground(color)
    if bold:
        f.setFontWeight(QFont.Weight.Bold)
    f.setFontItalic(italic)
    return f


class PythonHighlighter(QSyntaxHighlighter):
    """Keywords, builtins, torch names, numbers, strings, comments, def names."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        self.apply_theme()

    def apply_theme(self) -> None:
        t = theme.current()
        c = theme.syntax_color
        self.formats = {
            "keyword": _fmt(c("keyword"), bold=True),
            "builtin": _fmt(c("builtin")),
            "torch": _fmt(t.accent),
            "number": _fmt(c("number")),
            "string": _fmt(c("string")),
            "comment": _fmt(t.subtext, italic=True),
            "def": _fmt(c("def"), bold=True),
        }
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        for rx, name in ((_KEYWORDS, "keyword"), (_BUILTINS, "builtin"), (_TORCH, "torch"),
                         (_NUMBER, "number")):
            for m in rx.finditer(text):
                self.setFormat(m.start(), m.end() - m.start(), self.formats[name])
        for m in _DEF.finditer(text):
            self.setFormat(m.start(2), m.end(2) - m.start(2), self.formats["def"])
        strings = [(m.start(), m.end()) for m in _STRING.finditer(text)]
        for a, b in strings:
            self.setFormat(a, b - a, self.formats["string"])
        for m in _COMMENT.finditer(text):
            if not any(a <= m.start() < b for a, b in strings):
                self.setFormat(m.start(), len(text) - m.start(), self.formats["comment"])
                break
        self._triple_quotes(text)

    def _triple_quotes(self, text: str) -> None:
        """Strings in triple quotes, which may open on one line and close lines later."""
        self.setCurrentBlockState(0)
        start, quote = 0, None
        prev = self.previousBlockState()
        if prev in (1, 2):
            quote = _TRIPLE[prev - 1]
        else:
            found = [(text.find(q), q) for q in _TRIPLE if text.find(q) >= 0]
            if not found:
                return
            start, quote = min(found)
        while quote is not None:
            skip = 0 if prev in (1, 2) and start == 0 else 3
            end = text.find(quote, start + skip)
            if end < 0:
                self.setCurrentBlockState(_IN_TRIPLE[quote])
                self.setFormat(start, len(text) - start, self.formats["string"])
                return
            self.setFormat(start, end + 3 - start, self.formats["string"])
            prev = 0
            found = [(text.find(q, end + 3), q) for q in _TRIPLE if text.find(q, end + 3) >= 0]
            if not found:
                return
            start, quote = min(found)


__all__ = ["PythonHighlighter"]
