"""A small window and back, in a real X window (Xvfb): only there does the dock layout
settle over several event-loop passes, as it does on a desktop.

Opening a lesson squashed the Plots dock to its minimum for good (the lesson banner's
minimum followed a passing narrow width), and after 800 × 600 and back the docks kept what
the small window took. Skipped where Xvfb isn't installed (CI installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import missing_xcb_libs, start_xvfb

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, sys
from PySide6.QtCore import QTimer
from app.__main__ import create_app
from app.application import theme
from app.application.main_window import MainWindow
from app.application.resources import EXAMPLES

app = create_app()
theme.apply(app, dark=False)
w = MainWindow(restore_settings=False)
w.resize(1380, 860)
w.show()
seen = {}

def note(name):
    seen[name] = {"plots": w.plots_dock.height(), "right": w.step_dock.width(),
                  "banner": w.banner.height(), "banner_needs":
                  w.banner.heightForWidth(w.banner.width()), "view": w.view.height(),
                  "window": [w.width(), w.height()]}

steps = [
    (1500, lambda: note("start")),
    (0, lambda: w.open_example(EXAMPLES / "01_quadratic.json")),
    (800, lambda: note("lesson")),
    (0, lambda: w.stepper.start()),
    (800, lambda: note("stepping")),
    (0, lambda: w.resize(1200, 800)), (60, lambda: w.resize(1000, 700)),
    (60, lambda: w.resize(800, 600)),
    (1000, lambda: note("small")),
    (0, lambda: w.resize(1000, 700)), (60, lambda: w.resize(1200, 800)),
    (60, lambda: w.resize(1380, 860)),
    (1000, lambda: note("back")),
]

def run(i=0):
    if i == len(steps):
        print("SEEN" + json.dumps(seen), flush=True)
        w.files.discard_recovery()
        app.exit(0)
        return
    delay, act = steps[i]
    def go():
        act()
        run(i + 1)
    QTimer.singleShot(delay, go)

run()
sys.exit(app.exec())
"""


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb not installed")
def test_docks_keep_their_room_through_stepping_and_a_small_window(tmp_path):
    missing = missing_xcb_libs()
    if missing:
        pytest.skip("Qt's xcb plugin needs system libraries that are missing: "
                    + ", ".join(missing))
    xvfb, display = start_xvfb()
    try:
        env = dict(os.environ)
        env.pop("QT_QPA_PLATFORM", None)
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", HOME=str(tmp_path),
                   XDG_CONFIG_HOME=str(tmp_path / "config"),
                   XDG_DATA_HOME=str(tmp_path / "data"),
                   PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
        proc = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("SEEN"))
    seen = json.loads(line[4:])
    start, lesson, stepping, small, back = (
        seen[k] for k in ("start", "lesson", "stepping", "small", "back"))
    assert abs(lesson["plots"] - start["plots"]) <= 4, seen  # a lesson's banner squashes
    assert abs(stepping["plots"] - lesson["plots"]) <= 4, seen  # nothing, nor does stepping
    assert small["window"] == [800, 600], seen
    assert small["banner"] >= small["banner_needs"] and small["view"] >= 150, seen
    assert back["window"] == [1380, 860], seen
    assert abs(back["right"] - stepping["right"]) <= 4, seen  # the docks got their room back
    assert abs(back["plots"] - stepping["plots"]) <= 4, seen
