"""Helpers shared by the app tests (imported as `helpers`: pytest puts tests/app on sys.path,
and tests/app is no package, so that its name cannot shadow the real `app`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.application.resources import EXAMPLES
from app.panels.palette import op_mime


def view_point(window, scene_pos: QPointF) -> QPoint:
    """Viewport pixel of a scene position (for QTest mouse events)."""
    return window.view.mapFromScene(scene_pos)


def lesson(name: str) -> Path:
    """The shipped lesson whose file name contains `name` (skips the test if none is)."""
    matches = [p for p in sorted(EXAMPLES.glob("*.json")) if name in p.stem]
    if not matches:
        pytest.skip(f"lesson {name} not shipped")
    return matches[0]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def drop_op(window, op: str, scene_pos: QPointF) -> None:
    """Send the drag-enter/move/drop sequence a palette drag produces."""
    vp = window.view.viewport()
    pos = QPointF(view_point(window, scene_pos))
    mime = op_mime(op)
    actions = Qt.DropAction.CopyAction
    for ev in (QDragEnterEvent(pos.toPoint(), actions, mime, Qt.MouseButton.LeftButton,
                               Qt.KeyboardModifier.NoModifier),
               QDragMoveEvent(pos.toPoint(), actions, mime, Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier),
               QDropEvent(pos, actions, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier, QEvent.Type.Drop)):
        QApplication.sendEvent(vp, ev)


def type_expression(window, text: str) -> None:
    """Type `text` into the expression bar and press Return, as a user does."""
    edit = window.expression_bar.edit
    edit.setFocus()
    edit.clear()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


def missing_xcb_libs() -> list[str]:
    """Shared libraries the xcb platform plugin needs but the system lacks (via ldd)."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    libs = [qt / "plugins" / "platforms" / "libqxcb.so", *sorted((qt / "lib").glob(
        "libQt6XcbQpa.so*"))[:1]]
    if shutil.which("ldd") is None:
        return []
    missing: set[str] = set()
    for lib in libs:
        if lib.exists():
            out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True).stdout
            missing |= {ln.split()[0] for ln in out.splitlines() if "not found" in ln}
    return sorted(missing)


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """An Xvfb on a display number it picks itself (`-displayfd`: free, however many other
    servers run on this machine, with no race between choosing a number and taking it), and
    that display's name once it accepts connections."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24",
                             "-nolisten", "tcp"], pass_fds=(write,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    if not number.isdigit():
        xvfb.kill()
        raise RuntimeError("Xvfb did not report its display")
    return xvfb, f":{number}"
