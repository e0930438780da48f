"""Export the canvas as PNG or SVG, and the graph as a PyTorch script (core writes the code).

Images render the graph's bounding rect (not the viewport), with the theme background and a
margin, at 2× for PNG so they stay crisp in slides and READMEs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from app.application import theme
from app.canvas.scene import CanvasScene
from core.graph import Document

MARGIN = 30.0


def _source_rect(scene: CanvasScene) -> QRectF:
    rect = scene.graph_rect()
    if rect.isNull():
        rect = QRectF(0, 0, 200, 120)
    return rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


def _render(scene: CanvasScene, painter: QPainter, target: QRectF, source: QRectF) -> None:
    selected = scene.selectedItems()
    for it in selected:  # exports show the graph, not the user's selection
        it.setSelected(False)
    try:
        painter.fillRect(target, theme.current().canvas_bg)
        scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
    finally:
        for it in selected:
            it.setSelected(True)


def render_image(scene: CanvasScene, scale: float = 2.0) -> QImage:
    source = _source_rect(scene)
    size = QSize(int(source.width() * scale), int(source.height() * scale))
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(theme.current().canvas_bg)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    _render(scene, painter, QRectF(0, 0, size.width(), size.height()), source)
    painter.end()
    return image


def export_png(scene: CanvasScene, path: str | Path, scale: float = 2.0) -> bool:
    return render_image(scene, scale).save(str(path), "PNG")


def export_svg(scene: CanvasScene, path: str | Path, title: str = "Chainrule graph") -> bool:
    source = _source_rect(scene)
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QSize(int(source.width()), int(source.height())))
    gen.setViewBox(QRectF(0, 0, source.width(), source.height()))
    gen.setTitle(title)
    gen.setDescription("Exported from Chainrule")
    painter = QPainter(gen)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    _render(scene, painter, QRectF(0, 0, source.width(), source.height()), source)
    return painter.end()


def pytorch_script(doc: Document) -> str:
    """The PyTorch script for the document, written by core's exporter."""
    from core.graph import export as code_export

    return code_export.to_pytorch(doc)


def export_script(doc: Document, path: str | Path,
                  ask_read_only: Callable[[Path], bool] | None = None) -> bool:
    """Write the script (core writes it atomically, through symlinks); a read-only file is
    replaced only if `ask_read_only(path)` (default: a question) says yes. False if not."""
    from app.document.files import ask_overwrite_read_only
    from core.graph import export as code_export
    from core.graph.atomic import ReadOnlyFileError

    try:
        code_export.save_script(doc, path)
    except ReadOnlyFileError as e:
        ask = ask_read_only or (lambda p: ask_overwrite_read_only(None, p))
        if not ask(e.path):
            return False
        code_export.save_script(doc, path, overwrite_readonly=True)
    return True
