"""Edit ▸ Frame ▸ Colour swatches follow the theme they are shown in."""

from __future__ import annotations

from PySide6.QtGui import QColor

from app.application import theme
from core.graph.frames import FRAME_COLORS


def _swatch_colours(window) -> dict[str, str]:
    menu = window.frames.colour_menu
    menu.aboutToShow.emit()  # what showing the menu does
    out = {}
    for act in menu.actions():
        img = act.icon().pixmap(14, 14).toImage()
        out[act.text().lower().replace("&", "")] = img.pixelColor(7, 7).name()
    return out


def test_colour_swatches_follow_a_theme_switch(window):
    light = {n: QColor(theme.FRAME_SHADES[n][0]).name() for n in FRAME_COLORS}
    dark = {n: QColor(theme.FRAME_SHADES[n][1]).name() for n in FRAME_COLORS}
    assert _swatch_colours(window) == light
    try:
        window.set_theme_choice("dark")
        assert _swatch_colours(window) == dark
        window.set_theme_choice("light")
        assert _swatch_colours(window) == light
    finally:
        window.set_theme_choice("light")
