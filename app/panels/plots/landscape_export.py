"""Exports of the Landscape page: the picture people put in slides, and the numbers.

PNG/SVG of the landscape with the trajectories (pyqtgraph's exporters, on the surface
plot), the trajectories as CSV (one row per runner and step: every parameter, the loss,
the gradient), and the race as an animated GIF (Pillow), a frame per shown step. Every
file is written atomically (a temporary file in the same folder, then renamed), so a
failed export never leaves half a file where a good one was.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtWidgets import QFileDialog, QGraphicsItem

from app.application import theme
from app.panels.plots.race_panel import runner_title

if TYPE_CHECKING:
    from app.panels.plots.landscape_view import LandscapePage

#: an animated GIF has at most this many frames (evenly spaced steps) …
GIF_MAX_FRAMES = 60
#: … shown this long each (ms)
GIF_FRAME_MS = 80
FILTERS = {"png": "PNG image (*.png)", "svg": "SVG image (*.svg)",
           "csv": "CSV table (*.csv)", "gif": "Animated GIF (*.gif)"}


def _atomic(path: Path, write) -> None:  # noqa: ANN001 - a callable taking a temp path
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes it private; an export is not
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def _svg_close_path_tolerated() -> Iterator[None]:
    """pyqtgraph 0.14's SVG exporter reads each path point as "x,y" and fails on the "Z"
    (close path) that Qt 6's SVG generator now writes for a rectangle (the view box's
    outline). Drop the Z while exporting: those paths already end at their start."""
    import sys

    from pyqtgraph.exporters import SVGExporter

    mod = sys.modules[SVGExporter.__module__]
    original = mod.correctCoordinates

    def tolerant(node, defs, item, options):  # noqa: ANN001, ANN202 - pyqtgraph's hook
        for path in node.getElementsByTagName("path"):
            d = path.getAttribute("d")
            if "Z" in d:
                path.setAttribute("d", " ".join(c for c in d.split() if c not in "Zz"))
        return original(node, defs, item, options)

    mod.correctCoordinates = tolerant
    try:
        yield
    finally:
        mod.correctCoordinates = original


def export_image(page: LandscapePage, path: str | Path, kind: str) -> None:
    """The landscape with its trajectories, as pyqtgraph draws it, with a legend in the
    picture (the page's legend line is outside the plot; a slide needs it inside)."""
    import pyqtgraph as pg
    from pyqtgraph.exporters import ImageExporter, SVGExporter

    plots = page.plots
    item = plots.surface_view.scene()  # the plot and its colour bar
    legend = pg.LegendItem(offset=(-10, 10), labelTextColor=theme.current().text,
                           brush=pg.mkBrush(theme.current().canvas_bg),
                           pen=pg.mkPen(theme.current().node_border))
    legend.setParentItem(plots.surface.vb)
    for title, color in plots.legend:
        legend.addItem(pg.PlotDataItem([0, 1], [0, 0], pen=pg.mkPen(color, width=3)), title)
    try:
        if kind == "svg":
            with _svg_close_path_tolerated():
                _atomic(Path(path), lambda tmp: SVGExporter(item).export(tmp))
            return
        exporter = ImageExporter(item)
        exporter.parameters()["width"] = max(900, int(plots.surface_view.width()))
        _atomic(Path(path), lambda tmp: exporter.export(tmp))
    finally:
        # pyqtgraph's LegendItem.setParentItem re-anchors (and fails on None): detach
        # it as a plain QGraphicsItem, then take it out of the scene
        scene = legend.scene()
        QGraphicsItem.setParentItem(legend, None)
        if scene is not None:
            scene.removeItem(legend)


def export_csv(page: LandscapePage, path: str | Path) -> int:
    """One row per runner and recorded step; returns the number of data rows."""
    res = page.result
    assert res is not None
    names = res.names
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["optimizer", "lr", "step", *names, "loss", *(f"grad {n}" for n in names)])
    rows = 0
    for label, tr in res.race.trajectories.items():
        lr = tr.settings.get("lr")
        for k in range(tr.steps + 1):
            w.writerow([runner_title(label), lr, k, *(repr(float(v)) for v in tr.params[k]),
                        repr(float(tr.loss[k])), *(repr(float(v)) for v in tr.grads[k])])
            rows += 1
    _atomic(Path(path), lambda tmp: Path(tmp).write_text(buf.getvalue(), encoding="utf-8"))
    return rows


def gif_steps(total: int, frames: int = GIF_MAX_FRAMES) -> list[int]:
    """The steps a GIF shows: all of them when few, else evenly spaced, ending at the end."""
    if total + 1 <= frames:
        return list(range(total + 1))
    return sorted({int(round(v)) for v in np.linspace(0, total, frames)})


def export_gif(page: LandscapePage, path: str | Path) -> int:
    """The race played as an animated GIF of the plots; returns the frame count."""
    from PIL import Image

    res = page.result
    assert res is not None
    total = max(t.steps for t in res.race.trajectories.values())
    at = page.plots.step
    frames = []
    try:
        for k in gif_steps(total):
            page.plots.show_step(k)
            img = page.figure.grab().toImage()
            buf = QBuffer()
            buf.open(QIODevice.OpenModeFlag.WriteOnly)
            img.save(buf, "PNG")
            frames.append(Image.open(io.BytesIO(bytes(buf.data()))).convert("RGB"))
    finally:
        page.plots.show_step(at)
    pal = [f.quantize(colors=255, method=Image.Quantize.MEDIANCUT) for f in frames]
    durations = [GIF_FRAME_MS] * (len(pal) - 1) + [GIF_FRAME_MS * 15]  # hold the end

    def write(tmp: str) -> None:
        pal[0].save(tmp, format="GIF", save_all=True, append_images=pal[1:],
                    duration=durations, loop=0, optimize=False, disposal=1)

    _atomic(Path(path), write)
    return len(pal)


def ask_path(page: LandscapePage, kind: str) -> str:
    """The file to write (empty if the person cancelled); tests replace this."""
    title = "Export the landscape" if kind in ("png", "svg") else (
        "Export the trajectories" if kind == "csv" else "Export the race")
    path, _ = QFileDialog.getSaveFileName(page, title, f"race.{kind}", FILTERS[kind])
    if path and not path.lower().endswith(f".{kind}"):
        path += f".{kind}"
    return path


def export_interactive(page: LandscapePage, kind: str) -> None:
    """Ask where, write, and say what was written (or why not) in the status bar."""
    if page.result is None:
        page.statusMessage.emit("Nothing to export yet: press Race first.")
        return
    path = ask_path(page, kind)
    if not path:
        return
    try:
        if kind in ("png", "svg"):
            export_image(page, path, kind)
            what = "the landscape"
        elif kind == "csv":
            what = f"{export_csv(page, path)} rows"
        else:
            what = f"{export_gif(page, path)} frames"
    except OSError as e:
        page.statusMessage.emit(f"Cannot export to {path}: {e.strerror or e}")
        return
    page.statusMessage.emit(f"Exported {what} to {path}")
