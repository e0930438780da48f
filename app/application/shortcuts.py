"""Key sequences for the window's actions, without duplicates.

Qt refuses a shortcut that is bound twice in the same window ("QAction::event: Ambiguous
shortcut overload") and then fires *neither* binding. A standard key's first binding depends
on the platform's keyboard scheme (Redo is Ctrl+Y on Windows but Ctrl+Shift+Z under X11), so a
list like ``[StandardKey.Redo, "Ctrl+Shift+Z"]`` is fine on one platform and dead on another:
every action's list goes through `unique` first.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QKeySequence

Spec = QKeySequence | QKeySequence.StandardKey | str

#: Redo's usual keys on every platform: the standard one comes first (it is what menus show),
#: then whichever of these the platform's standard binding does not already cover.
REDO_EXTRA = ("Ctrl+Y", "Ctrl+Shift+Z")


def unique(specs: Iterable[Spec]) -> list[QKeySequence]:
    """The sequences of `specs` in order, each once, without empty ones (a standard key the
    platform leaves unbound, e.g. Quit under the offscreen platform, is an empty sequence)."""
    seen: set[str] = set()
    out: list[QKeySequence] = []
    for spec in specs:
        seq = spec if isinstance(spec, QKeySequence) else QKeySequence(spec)
        key = seq.toString(QKeySequence.SequenceFormat.PortableText)
        if key and key not in seen:
            seen.add(key)
            out.append(seq)
    return out


def redo() -> list[QKeySequence]:
    """The platform's standard Redo plus Ctrl+Y and Ctrl+Shift+Z where they differ from it."""
    return unique([QKeySequence(QKeySequence.StandardKey.Redo), *REDO_EXTRA])
