"""The app starts and shows its main window under a real X server (Xvfb), as in CI.

Runs `python -m app` in a subprocess on a private Xvfb display with the xcb platform plugin;
skipped where Xvfb isn't installed (CI installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import missing_xcb_libs, start_xvfb

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.__main__ import create_app
from app.application import theme
from app.application.main_window import MainWindow

app = create_app()
assert QApplication.platformName() == "xcb", QApplication.platformName()
theme.apply(app)
w = MainWindow(restore_settings=False)
w.show()
def check():
    ok = w.isVisible() and w.windowHandle() is not None and w.windowHandle().isExposed()
    print("VISIBLE" if ok else "NOT-VISIBLE", w.width(), w.height(), flush=True)
    w.files.discard_recovery()
    app.exit(0 if ok else 3)
QTimer.singleShot(1500, check)
sys.exit(app.exec())
"""


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb not installed")
def test_main_window_shows_under_xvfb(tmp_path):
    missing = missing_xcb_libs()
    if missing:
        pytest.skip("Qt's xcb plugin needs system libraries that are missing: "
                    + ", ".join(missing)
                    + " (apt-get install libxcb-icccm4 libxcb-keysyms1 and friends)")
    xvfb, display = start_xvfb()
    try:
        env = dict(os.environ)
        env.pop("QT_QPA_PLATFORM", None)
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", HOME=str(tmp_path),
                   XDG_CONFIG_HOME=str(tmp_path / "config"),
                   XDG_DATA_HOME=str(tmp_path / "data"),
                   PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
        proc = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=90)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "VISIBLE" in proc.stdout
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
