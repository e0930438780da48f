"""Speed of the graph document (issue 3): python benchmarks/graph_bench.py

Targets on a developer machine: a 500-node document's full forward + backward under
50 ms, re-evaluation after one value edit under 10 ms; a 5,000-node document must
still load, lay out and evaluate.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.graph import Document  # noqa: E402
from core.graph.evaluate import Evaluator  # noqa: E402
from core.graph.layout import apply_layout, layered_layout  # noqa: E402
from core.graph.serialize import load, save  # noqa: E402

UNARY = ("tanh", "sin", "sigmoid", "exp", "neg", "relu")
BINARY = ("add", "mul", "sub", "maximum")


def random_doc(n_nodes: int, n_vars: int = 20, width: int = 8, seed: int = 0) -> Document:
    """A random DAG of elementwise ops over `n_vars` vectors, summed into one output.

    Inputs are drawn mostly from recent nodes (like a real expression), so an edit
    reaches part of the graph, not all of it."""
    rng = random.Random(seed)
    doc = Document()
    ids = [doc.add_node("variable", name=f"v{i}", value=[rng.uniform(-1, 1)
                                                          for _ in range(width)],
                        requires_grad=True) for i in range(n_vars)]
    n_ops = int((n_nodes - n_vars) * 0.7)
    for _ in range(n_ops):
        def pick() -> str:
            if rng.random() < 0.85:
                return ids[max(0, len(ids) - 1 - int(rng.expovariate(1 / 12)))]
            return rng.choice(ids[:n_vars])

        if rng.random() < 0.4:
            nid = doc.add_node(rng.choice(UNARY))
            doc.connect(pick(), nid, "x")
        else:
            nid = doc.add_node(rng.choice(BINARY))
            doc.connect(pick(), nid, "a")
            doc.connect(pick(), nid, "b")
        ids.append(nid)
    # every result reaches the output: sinks are added up pairwise, then summed
    sinks = [i for i in ids if not doc.wires_from(i)]
    while len(sinks) > 1 and len(doc) < n_nodes - 2:
        a, b = sinks.pop(0), sinks.pop(0)
        nid = doc.add_node("add")
        doc.connect(a, nid, "a")
        doc.connect(b, nid, "b")
        sinks.append(nid)
    while len(sinks) > 1:  # budget spent: fold the rest into the last add
        a, b = sinks.pop(0), sinks.pop(0)
        nid = doc.add_node("add")
        doc.connect(a, nid, "a")
        doc.connect(b, nid, "b")
        sinks.append(nid)
    while len(doc) < n_nodes - 2:
        nid = doc.add_node(rng.choice(UNARY))
        doc.connect(sinks[0], nid, "x")
        sinks = [nid]
    s = doc.add_node("sum")
    doc.connect(sinks[0], s, "x")
    out = doc.add_node("output")
    doc.connect(s, out, "value")
    doc.set_output(out)
    return doc


def timeit(fn: Callable[[], object], repeat: int = 15) -> float:
    """Median wall time in ms."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    bench_500()
    bench_5000()


def bench_500() -> None:
    """The interactive figures: a full pass and re-evaluation after one edit."""
    doc = random_doc(500)
    n_edges = len(doc.wires)

    def full() -> None:
        ev = Evaluator(doc)
        ev.forward()
        r = ev.backward()
        assert r.error is None, r.error
        ev.close()

    t_full = timeit(full)
    ev = Evaluator(doc)
    ev.forward()
    t_fwd = timeit(lambda: (ev._dirty.update(doc.nodes), ev.forward()))
    t_bwd = timeit(lambda: ev.backward())
    var = doc.by_name("v10").id
    reach = len(doc.descendants(var)) + 1
    vals = [[0.1 * k] * 8 for k in range(30)]
    k = iter(range(10**9))

    def edit() -> None:
        doc.set_value(var, vals[next(k) % 30])
        ev.forward()

    t_edit = timeit(edit, repeat=30)
    last = doc.by_name("v19").id
    reach_last = len(doc.descendants(last)) + 1

    def edit_last() -> None:
        doc.set_value(last, vals[next(k) % 30])
        ev.forward()

    t_edit_last = timeit(edit_last, repeat=30)
    print(f"500-node document ({len(doc)} nodes, {n_edges} wires, vectors of 8):")
    print(f"  full forward + backward (fresh evaluator): {t_full:7.2f} ms  (target < 50)")
    print(f"    forward only {t_fwd:.2f} ms, backward (trace, wire grads, steps) {t_bwd:.2f} ms")
    print(f"  re-evaluate after one value edit:           {t_edit:7.2f} ms  (target < 10; "
          f"{reach} nodes depend on the edited one)")
    print(f"  re-evaluate after an edit with {reach_last:3d} dependents: {t_edit_last:7.2f} ms")


def _ms_since(t: float) -> float:
    return (time.perf_counter() - t) * 1000


def bench_5000() -> None:
    """The large-file figures: save, load, layout, forward, backward, once each."""
    big = random_doc(5000, n_vars=100, seed=1)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "big.json"
        t = time.perf_counter()
        save(big, p)
        t_save = _ms_since(t)
        t = time.perf_counter()
        big2 = load(p)
        t_load = _ms_since(t)
    t = time.perf_counter()
    apply_layout(big2, layered_layout(big2))
    t_layout = _ms_since(t)
    t = time.perf_counter()
    ev2 = Evaluator(big2)
    ev2.forward()
    t_eval = _ms_since(t)
    t = time.perf_counter()
    r = ev2.backward()
    t_back = _ms_since(t)
    assert not ev2.errors and r.error is None
    print(f"5,000-node document ({len(big2)} nodes, {len(big2.wires)} wires):")
    print(f"  save {t_save:.0f} ms, load {t_load:.0f} ms, layout {t_layout:.0f} ms, "
          f"forward {t_eval:.0f} ms, backward {t_back:.0f} ms")


if __name__ == "__main__":
    main()
