"""A test mode that reports on stdout which actions fire, for tests that drive a real window.

With ``CHAINRULE_TRACE_ACTIONS=1`` the app prints one line per event, flushed at once:

- ``ready <window id>`` when the main window is on screen, once;
- ``bind <action>\\t<sequence>\\t<sequence>...`` for every action that has key sequences
  (PortableText, as bound on this platform), right before ``ready``;
- ``fired <action>`` each time an action triggers (after its slot ran: a modal dialog the
  action opens is closed by then);
- ``window <window id> <class>`` when another top-level window (dialog, popup) is on screen,
  so a driver can send it Escape, and ``hidden <window id>`` when it goes away;
- ``active <window id>`` when the window with keyboard focus changes (0: none of ours), since
  window shortcuts only fire in the active window.

Why: keys sent through the window system go through Qt's shortcut map, which QTest's key
clicks skip; only a real window shows a shortcut that is bound twice ("Ambiguous shortcut
overload") and so fires nothing. tests/app/test_xvfb_shortcuts.py reads these lines.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

ENV = "CHAINRULE_TRACE_ACTIONS"


def _say(*words: object) -> None:
    print(*words, file=sys.stdout, flush=True)


def action_name(act: QAction) -> str:
    """The action's menu text without mnemonics (Undo/Redo as first created, before a
    command name is appended)."""
    return act.text().replace("&", "").strip()


class _WindowWatcher(QObject):
    """Reports each top-level window other than the main one when it is shown."""

    def __init__(self, main: QMainWindow) -> None:
        super().__init__(main)
        self._main = main

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (event.type() == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow()
                and obj is not self._main):
            _when_exposed(obj, lambda w=obj: _say("window", int(w.winId()), type(w).__name__))
        elif (event.type() == QEvent.Type.Hide and isinstance(obj, QWidget) and obj.isWindow()
                and obj is not self._main):
            _say("hidden", int(obj.winId()))
        return False


def _when_exposed(widget: QWidget, then: Callable[[], None], tries: int = 200) -> None:
    """Call `then` once `widget`'s window is mapped on screen (a driver can send it keys
    then; at its Show event the native window may not exist yet)."""
    handle = widget.windowHandle()
    if handle is not None and handle.isExposed():
        then()
    elif tries > 0 and widget.isVisible():
        QTimer.singleShot(25, lambda: _when_exposed(widget, then, tries - 1))


def install(window: QMainWindow) -> None:
    """Trace `window`'s actions from now on and say ``ready`` once it is exposed."""
    bound: list[tuple[str, list[str]]] = []
    for act in window.findChildren(QAction):
        if not act.shortcuts():
            continue
        name = action_name(act)
        act.triggered.connect(lambda _checked=False, n=name: _say("fired", n))
        bound.append((name, [s.toString(QKeySequence.SequenceFormat.PortableText)
                             for s in act.shortcuts()]))
    qapp = QApplication.instance()
    qapp.installEventFilter(_WindowWatcher(window))
    qapp.focusWindowChanged.connect(
        lambda w: _say("active", int(w.winId()) if w is not None else 0))

    def ready() -> None:
        for name, seqs in bound:
            _say("bind", "\t".join([name, *seqs]))
        _say("ready", int(window.winId()))

    QTimer.singleShot(0, lambda: _when_exposed(window, ready, tries=10_000))
