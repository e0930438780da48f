"""Work around a shiboken6 6.12 bug on CPython < 3.12: Qt calls drop references to None (and bools).

Every call of a Qt method that returns nothing (`item.update()`, `widget.setPos(...)`, …) returns
`None` without taking a new reference, so None's reference count falls by one per call; after some
tens of thousands of calls CPython aborts with "none_dealloc: deallocating None". The same happens
to True/False through Python overrides Qt calls (seen as "bool_dealloc" at exit after the
benchmark). CPython 3.12+ makes these singletons immortal, which hides the bug there. We detect the
None leak at import time and, only if it is present, give None, True and False the same
effectively-immortal reference count 3.12 gives them.
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
    """Make the singletons' refcounts unreachable by the leak (as CPython 3.12 does)."""
    global _PINNED
    if _PINNED or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return _PINNED
    if not leaks_none():
        return False
    for singleton in (None, True, False):
        refcnt = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt: the first field
        refcnt.value += _HEADROOM
    _PINNED = True
    return True
