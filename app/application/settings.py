"""Persistent preferences (QSettings): window layout, recent files, theme choice, the autograd
toggles (Auto Backward, Keep Graph).

Always the INI format so tests can point QSettings at a temporary folder and leave the user's real
settings alone.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

ORG = "Chainrule"
APP = "Chainrule"
MAX_RECENT = 10


def settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG, APP)


def recent_files() -> list[str]:
    """Recent files that still exist, most recent first."""
    value = settings().value("recentFiles", [])
    if isinstance(value, str):
        value = [value]
    return [p for p in (value or []) if Path(p).exists()]


def add_recent(path: str) -> list[str]:
    path = str(Path(path).resolve())
    files = [path] + [p for p in recent_files() if p != path]
    files = files[:MAX_RECENT]
    s = settings()
    s.setValue("recentFiles", files)
    s.sync()
    return files


def clear_recent() -> None:
    s = settings()
    s.setValue("recentFiles", [])
    s.sync()


def flag(key: str, default: bool) -> bool:
    """A stored on/off preference. The INI format gives booleans back as the strings "true" /
    "false", so they are read here, once, rather than compared at every caller."""
    value = settings().value(key, default)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)
