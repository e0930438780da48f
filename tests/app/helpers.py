"""Helpers shared by the app tests (imported as `helpers`: pytest puts tests/app on sys.path,
and tests/app is no package, so that its name cannot shadow the real `app`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF

from app.resources import EXAMPLES


def view_point(window, scene_pos: QPointF) -> QPoint:
    """Viewport pixel of a scene position (for QTest mouse events)."""
    return window.view.mapFromScene(scene_pos)


def lesson(name: str) -> Path:
    """The shipped lesson whose file name contains `name` (skips the test if none is)."""
    matches = [p for p in sorted(EXAMPLES.glob("*.json")) if name in p.stem]
    if not matches:
        pytest.skip(f"lesson {name} not shipped")
    return matches[0]
