"""Fixtures for driving the real widgets offscreen, isolated from the user's settings."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings(tmp_path_factory):
    """QSettings and the recovery file go to a temporary folder, never the user's."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QStandardPaths.setTestModeEnabled(True)
    yield


@pytest.fixture
def errors_seen(monkeypatch):
    """Capture what the excepthook would show instead of opening a modal dialog."""
    from app.application import errors

    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(errors, "show_dialog", lambda s, d: seen.append((s, d)))
    return seen


@pytest.fixture
def window(qtbot, errors_seen):
    """A shown main window with the light theme; closing never prompts."""
    from app.__main__ import create_app
    from app.application import theme
    from app.application.main_window import MainWindow

    app = create_app()
    before = set(app.topLevelWidgets())
    theme.apply(app, dark=False)
    w = MainWindow(restore_settings=False)
    w.files.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
    w.resize(1200, 800)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.files.discard_recovery()
    _delete_now([w] + [t for t in app.topLevelWidgets() if t not in before])


@pytest.fixture
def app_window(window, errors_seen, monkeypatch):
    """The window with the app's own excepthook, failing the test if anything reached the
    "unexpected error" dialog: an exception escaping a Qt slot shows up in `errors_seen`
    as in the real app, not only on stderr (how the crashes test_monkey.py found are
    replayed, each next to the feature it broke)."""
    import sys

    from app.application import errors

    monkeypatch.setattr(sys, "excepthook", errors.excepthook)
    yield window
    assert not errors_seen, errors_seen[0][1]


def _delete_now(widgets) -> None:
    """Really delete the window, its ~500 widgets and the parentless menus and popups it made
    (pyqtgraph's plot menus...). qtbot only closes the window: closed windows piled up, and
    every later theme change re-polished all of them (setup went from 0.1 s to 8 s a test)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for t in widgets:
        t.close()
        t.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
