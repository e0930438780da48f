"""Helpers shared by the app tests (imported by name: tests/app is on sys.path)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF


def view_point(window, scene_pos: QPointF) -> QPoint:
    """Viewport pixel of a scene position (for QTest mouse events)."""
    return window.view.mapFromScene(scene_pos)
