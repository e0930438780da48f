"""Work around a shiboken6 6.12 bug on CPython < 3.12: void Qt calls drop a reference to None.

Every call of a Qt method that returns nothing (`item.update()`, `widget.setPos(...)`, …) returns
`None` without taking a new reference, so None's reference count falls by one per call; after some
tens of thousands of calls CPython aborts with "none_dealloc: deallocating None". CPython 3.12+
makes None immortal, which hides the bug there. We detect the leak at import time and, only if it
is present, give None the same effectively-immortal reference count 3.12 gives it.
"""

from __future__ import annotations

import ctypes
import sys

_PINNED = False
_HEADROOM = 1 << 60  # void calls needed to exhaust it: never


def leaks_none() -> bool:
    """Measure: does a void Qt call lower None's reference count?"""
    from PySide6.QtCore import QRectF

    r = QRectF(0, 0, 1, 1)
    before = sys.getrefcount(None)
    for _ in range(64):
        r.adjust(0, 0, 0, 0)
    return sys.getrefcount(None) < before - 32


def pin_none() -> bool:
    """Make None's refcount unreachable by the leak (as CPython 3.12 does); True if applied."""
    global _PINNED
    if _PINNED or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return _PINNED
    if not leaks_none():
        return False
    refcnt = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is the object's first field
    refcnt.value += _HEADROOM
    _PINNED = True
    return True
