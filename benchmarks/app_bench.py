"""App speed: start to visible window; 500-node value edit → re-evaluate → repaint; pan repaint.

Run: `QT_QPA_PLATFORM=offscreen python benchmarks/app_bench.py` (prints the figures; the targets
are an edit under 50 ms and a pan repaint under 16 ms). Repaints are forced synchronously with
`viewport().repaint()` so the time includes painting, not just scheduling it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STARTUP_PROBE = r"""
import time, sys
t0 = time.perf_counter()
from PySide6.QtCore import QTimer
from app.__main__ import create_app
app = create_app()
from app.application import theme
from app.application.main_window import MainWindow
theme.apply(app)
w = MainWindow(restore_settings=False)
w.show()
def shown():
    print(f"{(time.perf_counter() - t0) * 1000:.1f}")
    w.files.discard_recovery()
    app.exit(0)
QTimer.singleShot(0, shown)
app.exec()
"""


def startup_ms(runs: int = 3) -> float:
    """Fresh interpreter each time: imports + window construction + first show."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", STARTUP_PROBE], cwd=ROOT, text=True,
                             capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def chain_document(n: int):
    """A 500-node graph: 50 variables each feeding a chain of 9 ops, summed pairwise."""
    from core.graph import Document

    doc = Document()
    per = 10
    chains = n // per
    tails = []
    for c in range(chains):
        prev = doc.add_node("variable", name=f"v{c}", value=[0.5, -1.0, 2.0],
                            requires_grad=True, pos=(0, c * 90))
        for k in range(1, per - 1):
            op = ("tanh", "sin", "exp", "neg", "sigmoid", "cos", "abs", "relu")[k % 8]
            nid = doc.add_node(op, pos=(k * 220, c * 90))
            doc.connect(prev, nid, "x")
            prev = nid
        s = doc.add_node("sum", pos=((per - 1) * 220, c * 90))
        doc.connect(prev, s, "x")
        tails.append(s)
    while len(tails) > 1:
        nxt = []
        for i in range(0, len(tails) - 1, 2):
            a = doc.add_node("add", pos=(0, 0))
            doc.connect(tails[i], a, "a")
            doc.connect(tails[i + 1], a, "b")
            nxt.append(a)
        if len(tails) % 2:
            nxt.append(tails[-1])
        tails = nxt
    doc.set_output(tails[0])
    return doc


def _edit_times(w: Any, first: str, backward: bool, full: bool) -> list[float]:
    """20 value edits of `first`, each re-evaluated and painted; ms each."""
    from PySide6.QtWidgets import QApplication

    w.controller.auto_backward = backward
    out = []
    for i in range(20):
        t0 = time.perf_counter()
        w.controller.push("set_value", first, [0.5 + 0.01 * i, -1.0, 2.0])
        w.controller.evaluate_now()
        if full:
            w.view.viewport().repaint()  # worst case: repaint every visible item
        else:
            QApplication.processEvents()  # Qt repaints just the items that changed
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _pan_times(w: Any, full: bool) -> list[float]:
    """60 small pans back and forth; ms each."""
    from PySide6.QtWidgets import QApplication

    out = []
    for i in range(60):
        t0 = time.perf_counter()
        w.view.pan_by(12 if i % 20 < 10 else -12, 5 if i % 2 else -5)
        if full:
            w.view.viewport().repaint()  # worst case: repaint every visible item
        else:
            QApplication.processEvents()  # what a drag does: Qt scrolls, paints the strip
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from app.__main__ import create_app
    from app.application import theme
    from app.application.main_window import MainWindow

    print(f"start to visible window: {startup_ms():.0f} ms (median of 3, fresh process)")

    app = create_app()
    theme.apply(app, dark=False)
    w = MainWindow(restore_settings=False)
    w.resize(1440, 900)
    w.show()
    doc = chain_document(500)
    w.controller.set_document(doc)
    w.view.fit_all()
    w.view.set_zoom(0.6)
    for _ in range(3):
        QApplication.processEvents()
    print(f"graph: {len(doc)} nodes, {len(doc.wires)} wires, auto backward on")

    first = doc.by_name("v0").id
    for backward in (True, False):
        for full in (False, True):
            t = _edit_times(w, first, backward, full)
            what = "forward+backward" if backward else "forward only"
            paint = "full-viewport repaint" if full else "repaint of changed items"
            print(f"value edit -> re-evaluate ({what}) -> {paint}: median "
                  f"{statistics.median(t):.1f} ms, max {max(t):.1f} ms (target < 50 ms)")

    for full, what in ((False, "pan step (scroll + paint exposed strip)"),
                       (True, "pan step with full-viewport repaint")):
        pans = _pan_times(w, full)
        print(f"{what}: median {statistics.median(pans):.2f} ms, "
              f"p95 {sorted(pans)[int(len(pans) * 0.95)]:.2f} ms (target < 16 ms)")
    w.files.discard_recovery()
    w.controller.undo_stack.setClean()
    w.close()


if __name__ == "__main__":
    main()
