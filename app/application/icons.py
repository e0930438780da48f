"""Toolbar and menu icons, tinted for the current theme.

The SVGs in resources/icons draw with `currentColor`; we substitute the theme's text colour before
rendering, so one set of files serves the light and the dark theme.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.application import theme
from app.application.resources import ICONS


@lru_cache(maxsize=128)
def _icon(name: str, color: str) -> QIcon:
    path = ICONS / f"{name}.svg"
    if not path.exists():
        return QIcon()
    svg = path.read_text(encoding="utf-8").replace("currentColor", color)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    icon = QIcon()
    for size in (16, 20, 24, 32, 48):
        pm = QPixmap(size, size)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        renderer.render(p, QRectF(0, 0, size, size))
        p.end()
        icon.addPixmap(pm)
    return icon


def icon(name: str) -> QIcon:
    """The named icon in the current theme's text colour (empty icon if the file is missing)."""
    return _icon(name, theme.current().text.name())
