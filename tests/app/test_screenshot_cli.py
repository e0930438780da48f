"""`chainrule --screenshot OUT FILE` says only what it means to: the PNG's path on stdout and
nothing on stderr (Qt's offscreen plugin warned "This plugin does not support
propagateSizeHints()" on every run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    return env


def test_screenshot_prints_nothing_on_stderr(tmp_path):
    out = tmp_path / "shot.png"
    lesson = ROOT / "resources" / "examples" / "01_quadratic.json"
    done = subprocess.run([sys.executable, "-m", "app", "--screenshot", str(out),
                           "--size", "900x600", str(lesson)],
                          cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.strip() == f"wrote {out}"
    assert out.stat().st_size > 10_000


PROBE = r"""
from app.application import qt_messages
from PySide6.QtCore import qWarning
qt_messages.install()
qt_messages.install()  # twice is harmless: no handler calls itself
qWarning("This plugin does not support propagateSizeHints()")
qWarning("a real problem")
"""


def test_only_the_known_harmless_message_is_dropped(tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "a real problem\n"
