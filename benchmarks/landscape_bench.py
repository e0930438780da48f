"""Speed of loss landscapes (issue 10): python benchmarks/landscape_bench.py

Target: a 200×200 grid of a 20-node graph (two scalar parameters) in under 200 ms,
batched (one forward of the whole grid); the point-by-point figure beside it is what
the batching saves (measured on a 20×20 grid and scaled, as 40,000 forwards would take
minutes).
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


if __name__ == "__main__":
    main()
