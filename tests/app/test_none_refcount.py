"""Guard for app/application/_none_refcount.py: thousands of void Qt calls must not run
None's count down."""

from __future__ import annotations

import sys

from PySide6.QtCore import QRectF

import app  # noqa: F401 - importing the app applies the workaround


def test_void_qt_calls_do_not_exhaust_none():
    r = QRectF(0, 0, 1, 1)
    for _ in range(200_000):  # more than None's natural count on CPython 3.11
        r.adjust(0, 0, 0, 0)
    assert sys.getrefcount(None) > 0
