"""Speed of loss landscapes (issue 10): python benchmarks/landscape_bench.py

Targets: a 200×200 grid of a 20-node graph (two scalar parameters) in under 200 ms,
batched (one forward of the whole grid) — the point-by-point figure beside it is what
the batching saves (measured on a 20×20 grid and scaled, as 40,000 forwards would take
minutes); and playback of a 2-parameter race with 4 optimizers at 60 frames per second
on the offscreen renderer (QT_QPA_PLATFORM=offscreen is set here): frames drawn per
second possible (each frame = every runner's path, point and loss curve updated, then
what changed painted by Qt), and the frame rate the Player's 16 ms timer actually
achieves over 3 s of playback. Other programs' load shows directly in these figures:
print `uptime` beside them.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.graph import Document  # noqa: E402
from core.graph.evaluate import Evaluator  # noqa: E402
from core.graph.landscape import loss_grid  # noqa: E402
from core.graph.parser import parse  # noqa: E402

#: 20 nodes: two parameters, a data vector, 16 ops, the output
TEXT = "L = mean((tanh(w*xs + b) - ys)**2) + 0.1*sin(w*b) + 0.01*w**2"


def doc20() -> Document:
    rng = np.random.default_rng(0)
    xs = np.linspace(-2, 2, 32).astype(np.float32)
    ys = np.tanh(1.5 * xs - 0.5).astype(np.float32) + 0.05 * rng.standard_normal(32).astype(
        np.float32)
    return parse(TEXT, values={"w": 0.0, "b": 0.0, "xs": xs, "ys": ys}, requires_grad=False)


def main() -> None:
    doc = doc20()
    for n in ("w", "b"):
        doc.set_requires_grad(doc.by_name(n).id, True)
    w, b = doc.by_name("w").id, doc.by_name("b").id
    print(f"graph: {len(doc.nodes)} nodes")
    coords = [(w, 0), (b, 0)]
    ranges = [(-3.0, 3.0), (-3.0, 3.0)]
    loss_grid(doc, coords, ranges, 20)  # warm up
    times = []
    for _ in range(7):
        t = time.perf_counter()
        g = loss_grid(doc, coords, ranges, 200)
        times.append((time.perf_counter() - t) * 1e3)
    print(f"200x200 grid, batched: median {statistics.median(times):.1f} ms, "
          f"min {min(times):.1f} ms (target < 200 ms); nodes point by point: {g.pointwise}")
    ev = Evaluator(doc.copy())
    d = ev.doc
    t = time.perf_counter()
    for x in np.linspace(-3, 3, 20):
        for y in np.linspace(-3, 3, 20):
            d.set_value(w, x)
            d.set_value(b, y)
            ev.value(d.output)
    per = (time.perf_counter() - t) / 400
    print(f"point by point (Evaluator): {per * 1e3:.2f} ms/point -> "
          f"{per * 40000:.1f} s for 200x200")


def fps() -> None:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.panels.plots.landscape_plots import LandscapePlots
    from app.panels.plots.race_job import compute
    from app.panels.plots.race_panel import Player

    app = QApplication.instance() or QApplication([])
    doc = parse("z = (1 - x)**2 + 100*(y - x**2)**2", values={"x": -1.5, "y": 2.0},
                requires_grad=True)
    settings = {"sgd": {"optimizer": "sgd", "lr": 0.0005},
                "momentum": {"optimizer": "momentum", "lr": 0.0002},
                "adam": {"optimizer": "adam", "lr": 0.05},
                "rmsprop": {"optimizer": "rmsprop", "lr": 0.01}}
    t = time.perf_counter()
    res = compute(doc, settings, 1000, [0, 1])
    print(f"race of 4 optimizers x 1000 steps + 160x160 grid: "
          f"{(time.perf_counter() - t) * 1e3:.0f} ms (computed once, on a worker thread)")
    plots = LandscapePlots()
    plots.resize(760, 330)
    plots.show()
    plots.show_result(res)
    app.processEvents()
    n = 200
    costs, cpu = [], []
    for k in range(n):
        t, c = time.perf_counter(), time.process_time()
        plots.show_step(k * 5)
        app.processEvents()  # Qt paints what changed: the frame is really drawn
        costs.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    med, cmed = float(np.median(costs)), float(np.median(cpu))
    print(f"frame cost (update + paint), median {med * 1e3:.1f} ms wall -> {1 / med:.0f} fps "
          f"possible (p95 {np.percentile(costs, 95) * 1e3:.1f} ms; target 60 fps); "
          f"CPU time {cmed * 1e3:.1f} ms/frame -> {1 / max(cmed, 1e-9):.0f} fps on an idle core")
    from PySide6.QtCore import QEvent, QObject

    class Painted(QObject):
        """Counts the surface's paints: a frame is what Qt actually drew."""

        def eventFilter(self, obj, event):  # noqa: N802, ANN001, ANN201 - Qt's hook
            if event.type() == QEvent.Type.Paint:
                frames.append(time.perf_counter())
            return False

    player = Player()
    player.reset(1000)
    frames: list[float] = []
    counter = Painted()
    plots.surface_view.viewport().installEventFilter(counter)
    player.stepChanged.connect(plots.show_step)  # as the page does; Qt paints when idle
    player.speed = 300.0
    player.play()
    end = time.perf_counter() + 3.0
    while time.perf_counter() < end and player.playing:
        app.processEvents()
    player.pause()
    if len(frames) > 1:
        span = frames[-1] - frames[0]
        gaps = np.diff(frames) * 1e3
        print(f"playback through the Player's 16 ms timer: {(len(frames) - 1) / span:.0f} fps "
              f"(frame gap median {np.median(gaps):.1f} ms, p95 {np.percentile(gaps, 95):.1f} "
              "ms)")


if __name__ == "__main__":
    main()
    fps()
