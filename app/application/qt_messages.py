"""Qt's log messages, minus the known harmless ones, so stderr says only what matters.

`chainrule --screenshot` draws on Qt's offscreen platform. Showing a top-level window whose
layout gives it a minimum size makes Qt pass that size to the platform window
(`QPlatformWindow::propagateSizeHints`); the offscreen plugin has no window manager to tell and
keeps the base implementation, which only warns "This plugin does not support
propagateSizeHints()". The minimum size itself is wanted (it is what keeps a real window from
shrinking below its docks), so the call stays and exactly that message is dropped. Every other
message goes out as Qt would print it (QT_MESSAGE_PATTERN included).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QMessageLogContext, QtMsgType, qFormatLogMessage, qInstallMessageHandler

#: Messages that carry no information for a user of this app, matched whole.
HARMLESS = frozenset({
    "This plugin does not support propagateSizeHints()",
})

Handler = Callable[[QtMsgType, QMessageLogContext, str], None]

_previous: Handler | None = None


def _handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if message in HARMLESS:
        return
    if _previous is not None:
        _previous(mode, context, message)
        return
    sys.stderr.write(qFormatLogMessage(mode, context, message) + "\n")
    sys.stderr.flush()


def install() -> None:
    """Filter Qt's messages for the rest of the process (once; a previous handler still gets
    everything that is not filtered)."""
    global _previous
    previous = qInstallMessageHandler(_handler)
    if previous is not _handler:
        _previous = previous
