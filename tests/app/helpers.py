"""Helpers shared by the app tests (imported as `helpers`: pytest puts tests/app on sys.path,
and tests/app is no package, so that its name cannot shadow the real `app`)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF


def view_point(window, scene_pos: QPointF) -> QPoint:
    """Viewport pixel of a scene position (for QTest mouse events)."""
    return window.view.mapFromScene(scene_pos)
