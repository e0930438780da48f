"""Light and dark themes that follow the system colour scheme.

Colours live in one frozen dataclass so the canvas items never hard-code a colour: switching the
theme (the system flips to dark at sunset) only swaps the `Theme` object and repaints.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Theme:
    """Every colour the app paints with, for one scheme."""

    name: str
    canvas_bg: QColor
    grid_minor: QColor
    grid_major: QColor
    node_bg: QColor
    node_header: QColor
    node_border: QColor
    node_selected: QColor
    node_output: QColor
    text: QColor
    subtext: QColor
    badge_bg: QColor
    badge_text: QColor
    error: QColor
    error_bg: QColor
    wire: QColor
    wire_hover: QColor
    grad_pos: QColor
    grad_neg: QColor
    grad_zero: QColor
    label_bg: QColor
    port_in: QColor
    port_out: QColor
    accent: QColor
    #: the steppers' "this step" colour: a green no other state uses (selection is blue,
    #: the output purple, gradient signs blue and orange)
    step: QColor

    @property
    def is_dark(self) -> bool:
        return self.name == "dark"


LIGHT = Theme(
    name="light",
    canvas_bg=QColor("#f6f7f9"),
    grid_minor=QColor("#eceef2"),
    grid_major=QColor("#dde1e7"),
    node_bg=QColor("#ffffff"),
    node_header=QColor("#f1f3f6"),
    node_border=QColor("#c9ced6"),
    node_selected=QColor("#2f6fde"),
    node_output=QColor("#7a4fd6"),
    text=QColor("#1d2330"),
    subtext=QColor("#5b6475"),
    badge_bg=QColor("#e4e9f2"),
    badge_text=QColor("#2b3445"),
    error=QColor("#d63a3a"),
    error_bg=QColor("#fdecec"),
    wire=QColor("#8c95a6"),
    wire_hover=QColor("#2f6fde"),
    grad_pos=QColor("#1f78c8"),
    grad_neg=QColor("#e0701b"),
    grad_zero=QColor("#9aa3b2"),
    label_bg=QColor("#ffffff"),
    port_in=QColor("#6b7689"),
    port_out=QColor("#2f6fde"),
    accent=QColor("#2f6fde"),
    step=QColor("#12a150"),
)

DARK = Theme(
    name="dark",
    canvas_bg=QColor("#1c1f26"),
    grid_minor=QColor("#23272f"),
    grid_major=QColor("#2c313b"),
    node_bg=QColor("#2a2f39"),
    node_header=QColor("#323844"),
    node_border=QColor("#454d5c"),
    node_selected=QColor("#5b9cff"),
    node_output=QColor("#a985ff"),
    text=QColor("#e6e9ef"),
    subtext=QColor("#a3abba"),
    badge_bg=QColor("#3d4452"),
    badge_text=QColor("#e6e9ef"),
    error=QColor("#ff6b6b"),
    error_bg=QColor("#4a2a2e"),
    wire=QColor("#6f7889"),
    wire_hover=QColor("#5b9cff"),
    grad_pos=QColor("#58a6ff"),
    grad_neg=QColor("#ffa657"),
    grad_zero=QColor("#7d8696"),
    label_bg=QColor("#2a2f39"),
    port_in=QColor("#9aa3b2"),
    port_out=QColor("#5b9cff"),
    accent=QColor("#5b9cff"),
    step=QColor("#3ddc84"),
)

_current: Theme = LIGHT


def current() -> Theme:
    """The theme in force; canvas items read it at paint time so a switch needs only a repaint."""
    return _current


def system_prefers_dark() -> bool:
    """Ask Qt for the platform's colour scheme; falls back to the palette's window lightness."""
    app = QGuiApplication.instance()
    if app is None:
        return False
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def _qt_palette(theme: Theme) -> QPalette:
    """A Fusion palette matching the canvas so docks and canvas read as one surface."""
    pal = QPalette()
    if theme.is_dark:
        window, base, alt = QColor("#23272f"), QColor("#1c1f26"), QColor("#262a33")
        text, button = theme.text, QColor("#2c313b")
        disabled = QColor("#6b7280")
    else:
        window, base, alt = QColor("#eef0f3"), QColor("#ffffff"), QColor("#f6f7f9")
        text, button = theme.text, QColor("#f4f5f7")
        disabled = QColor("#9aa1ad")
    role = QPalette.ColorRole
    pal.setColor(role.Window, window)
    pal.setColor(role.WindowText, text)
    pal.setColor(role.Base, base)
    pal.setColor(role.AlternateBase, alt)
    pal.setColor(role.Text, text)
    pal.setColor(role.Button, button)
    pal.setColor(role.ButtonText, text)
    pal.setColor(role.ToolTipBase, theme.node_bg)
    pal.setColor(role.ToolTipText, text)
    pal.setColor(role.PlaceholderText, theme.subtext)
    pal.setColor(role.Highlight, theme.accent)
    pal.setColor(role.HighlightedText, QColor("#ffffff"))
    pal.setColor(role.Link, theme.accent)
    pal.setColor(role.Mid, theme.node_border)
    pal.setColor(role.Midlight, theme.grid_major)
    pal.setColor(role.Dark, theme.node_border.darker(130))
    for r in (role.Text, role.WindowText, role.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, r, disabled)
    return pal


def _stylesheet(theme: Theme) -> str:
    """Small touches the palette can't express: dock titles, the error line, flat toolbars."""
    border = theme.node_border.name()
    sub = theme.subtext.name()
    err = theme.error.name()
    return f"""
QDockWidget::title {{ padding: 6px 8px; font-weight: 600; }}
QToolBar {{ border: none; spacing: 2px; padding: 3px 6px; }}
QToolButton {{ padding: 4px; border-radius: 5px; }}
QLabel#sectionTitle {{ color: {sub}; font-weight: 600; padding-top: 6px; }}
QLabel#errorLine {{ color: {err}; font-family: monospace; padding: 0 4px; }}
QLabel#hint {{ color: {sub}; }}
QLineEdit, QPlainTextEdit, QTextEdit, QTableWidget {{
    border: 1px solid {border}; border-radius: 5px; padding: 3px 5px; }}
QTreeWidget {{ border: none; }}
QTreeWidget::item {{ padding: 2px 0; }}
QListWidget::item {{ padding: 3px 2px; }}
QStatusBar {{ color: {sub}; }}
"""


def apply(app: QApplication, dark: bool | None = None) -> Theme:
    """Install the theme on the application; `dark=None` follows the system."""
    global _current
    if dark is None:
        dark = system_prefers_dark()
    _current = DARK if dark else LIGHT
    app.setStyle("Fusion")
    app.setPalette(_qt_palette(_current))
    app.setStyleSheet(_stylesheet(_current))
    return _current


def ui_font(point_size: float = 9.5, bold: bool = False) -> QFont:
    """The canvas font: the system UI font at a fixed size so node layout doesn't depend on DPI."""
    f = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


def mono_font(point_size: float = 9.0) -> QFont:
    """Values are shown in a fixed-width font so digits line up in matrix previews."""
    f = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    f.setPointSizeF(point_size)
    return f


#: Frame colours (core.graph.frames.FRAME_COLORS) as (light theme, dark theme) shades: the
#: light ones are deep enough to read a white title on, the dark ones bright enough to see.
FRAME_SHADES: dict[str, tuple[str, str]] = {
    "blue": ("#3b73d9", "#5b8def"),
    "green": ("#2e9958", "#45b36f"),
    "orange": ("#d9822b", "#e8964a"),
    "purple": ("#8457d1", "#9f7aea"),
    "red": ("#cf4a4a", "#e06666"),
    "grey": ("#6b7280", "#8b93a1"),
}


def frame_color(name: str) -> QColor:
    """The shade of a frame colour for the current theme (unknown names: grey)."""
    light, dark = FRAME_SHADES.get(name, FRAME_SHADES["grey"])
    return QColor(dark if current().is_dark else light)


# ---- palettes that are the same in both schemes ------------------------------------------------
#: curve colours for the plotted parameters (after the accent), readable on both themes
SERIES_COLORS = ("#e0701b", "#2ca25f", "#c23b8a", "#8a6bd6", "#1fa3a3", "#b8860b", "#d64545",
                 "#6b8e23")
#: optimizer race runners: distinct from each other, on the viridis landscape (drawn with a
#: dark outline there) and on both themes' plot background
RUNNER_COLORS = ("#e6194b", "#f58231", "#f032e6", "#42d4f4", "#3cb44b", "#4363d8", "#9a6324")
#: landscape markers: a dark outline and a white fill read on every viridis shade
MARKER_EDGE = QColor("#111111")
MARKER_FILL = QColor("#ffffff")
#: a runner path's dark halo and the contour lines' faint white, over the viridis surface
PATH_OUTLINE = QColor(0, 0, 0, 170)
CONTOUR_LINE = QColor(255, 255, 255, 95)
#: the kind badge on a node in error: a white veil over the error red
ERROR_BADGE = QColor(255, 255, 255, 60)
#: ink on a fill: white on dark or saturated fills (heatmap cells, error nodes, frame
#: titles, step pulses), near-black on light ones
TEXT_ON_DARK = QColor("#ffffff")
TEXT_ON_LIGHT = QColor("#1b1b1b")

#: Python syntax colours (light, dark): One Dark's hues, deepened for the light scheme
SYNTAX_SHADES: dict[str, tuple[str, str]] = {
    "keyword": ("#8a2fb8", "#c678dd"),
    "builtin": ("#0f7c8c", "#56b6c2"),
    "number": ("#b35c00", "#d19a66"),
    "string": ("#2f7d32", "#98c379"),
    "def": ("#1d5fbf", "#61afef"),
}


def syntax_color(kind: str) -> QColor:
    """The current scheme's colour for a kind of Python token (`SYNTAX_SHADES`)."""
    light, dark = SYNTAX_SHADES[kind]
    return QColor(dark if current().is_dark else light)
