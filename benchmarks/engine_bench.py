"""Engine speed, side by side with references measured in the same run.

Reported as ratios (ours / reference), never asserted: timed tests flake.

    python benchmarks/engine_bench.py            # all
    python benchmarks/engine_bench.py small mlp  # some

small  — per-op overhead, forward + backward, on a chain of mul, add, tanh over
         4-element tensors; reference: torch CPU (skipped when torch is absent).
mlp    — one training step of a 784-512-512-10 ReLU MLP, batch 256, float32
         (forward, cross-entropy-free MSE loss, backward, SGD); reference: the same
         step written by hand in numpy.
chain  — backward through scalar chains of 10k/50k/100k ops: time per op should
         stay flat (linear cost) and there is no recursion limit.
rng    — a million torch-exact random numbers (randn, rand); reference: torch.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))

import core  # noqa: E402


def best_of(fn: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """Best wall time of ``repeat`` runs of ``number`` calls, in seconds per call."""
    return side_by_side([fn], repeat, number)[0]


def side_by_side(fns: list[Callable[[], object]], repeat: int = 5, number: int = 1,
                 warmup: int = 0) -> list[float]:
    """Best time per call of each function, runs interleaved so that load from other
    processes hits ours and the reference alike.

    ``warmup`` untimed calls precede each timed run: switching between two programs that
    allocate megabytes makes the allocator hand pages back to the system and fault them in
    again, a cost that belongs to the switch, not to either program."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            for _ in range(warmup):
                fn()
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            best[i] = min(best[i], (time.perf_counter() - t0) / number)
    return best


def small_chain(lib: object, n_ops: int = 300) -> Callable[[], None]:
    x = lib.tensor([0.1, 0.2, 0.3, 0.4], requires_grad=True)
    c = lib.tensor([0.9, 1.1, 0.95, 1.05])

    def step() -> None:
        y = x
        for _ in range(n_ops // 3):
            y = (y * c + 0.01).tanh()
        y.sum().backward()
        x.grad = None

    return step


def bench_small() -> None:
    n_ops = 300
    torch = _torch()
    if torch is None:
        ours = best_of(small_chain(core, n_ops), repeat=7, number=5) / n_ops
        print(f"small-op overhead (fwd+bwd, 4 elements): core {ours * 1e6:.2f} µs/op "
              "(torch not installed: no reference)")
        return
    ours, ref = (t / n_ops for t in side_by_side(
        [small_chain(core, n_ops), small_chain(torch, n_ops)], repeat=15, number=5))
    print(f"small-op overhead (fwd+bwd, 4 elements): core {ours * 1e6:.2f} µs/op, "
          f"torch {ref * 1e6:.2f} µs/op, ratio {ours / ref:.2f}x")


def _torch() -> object | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def bench_mlp() -> None:
    rng = np.random.default_rng(0)
    sizes = [784, 512, 512, 10]
    batch = 256
    xs = rng.standard_normal((batch, 784)).astype(np.float32)
    ys = rng.standard_normal((batch, 10)).astype(np.float32)
    ws = [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32)
          for a, b in zip(sizes, sizes[1:])]
    bs = [np.zeros(b, dtype=np.float32) for b in sizes[1:]]
    lr = np.float32(0.01)

    # --- hand-written numpy reference
    nw = [w.copy() for w in ws]
    nb = [b.copy() for b in bs]

    def numpy_step() -> None:
        acts = [xs]
        pre = []
        h = xs
        for i, (w, b) in enumerate(zip(nw, nb)):
            z = h @ w + b
            pre.append(z)
            h = np.maximum(z, 0) if i < len(nw) - 1 else z
            acts.append(h)
        diff = h - ys
        g = (2.0 / diff.size) * diff
        g = g.astype(np.float32)
        for i in reversed(range(len(nw))):
            if i < len(nw) - 1:
                g = g * (pre[i] > 0)
            gw = acts[i].T @ g
            gb = g.sum(0)
            if i > 0:
                g = g @ nw[i].T
            nw[i] -= lr * gw
            nb[i] -= lr * gb

    # --- the same with core
    params = []
    for w, b in zip(ws, bs):
        params += [core.tensor(w, requires_grad=True), core.tensor(b, requires_grad=True)]
    opt = core.optim.SGD(params, lr=0.01)
    cx, cy = core.tensor(xs), core.tensor(ys)

    def core_step() -> None:
        h = cx
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i < len(params) - 2:
                h = h.relu()
        loss = ((h - cy) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    numpy_step()
    core_step()
    # each round times the two back to back, so the ratio of a round compares them under
    # the same load from the rest of the machine; the median round is the figure
    rounds = [side_by_side([numpy_step, core_step], repeat=1, number=5, warmup=3)
              for _ in range(15)]
    ref = min(r[0] for r in rounds)
    ours = min(r[1] for r in rounds)
    ratio = float(np.median([r[1] / r[0] for r in rounds]))
    print(f"MLP step 784-512-512-10, batch 256: numpy {ref * 1e3:.2f} ms, core "
          f"{ours * 1e3:.2f} ms (best of 15 rounds), ratio {ratio:.3f}x (median round; "
          f"best-to-best {ours / ref:.3f}x)")


def scalar_chain(lib: object, n: int) -> Callable[[], None]:
    x = lib.tensor(1.0, requires_grad=True)

    def run() -> None:
        y = x
        for _ in range(n):
            y = y * 1.0000001
        y.backward()

    return run


def bench_chain() -> None:
    torch = _torch()
    libs = [core] + ([torch] if torch is not None else [])
    per_op: list[list[float]] = []
    for n in (10_000, 50_000, 100_000):
        times = side_by_side([scalar_chain(lib, n) for lib in libs], repeat=2)
        per_op.append([t / n for t in times])
        ref = f", torch {times[1] / n * 1e6:.2f} µs/op" if torch is not None else ""
        print(f"scalar chain of {n:>7,} ops (fwd+bwd): core {times[0] * 1e3:8.1f} ms, "
              f"{times[0] / n * 1e6:.2f} µs/op{ref}")
    growth = [per_op[-1][i] / per_op[0][i] for i in range(len(libs))]
    ref = f"; torch {growth[1]:.2f}x" if torch is not None else ""
    print(f"  cost per op at 100k / at 10k: core {growth[0]:.2f}x{ref} (1.0 = linear)")


def bench_rng() -> None:
    """torch-exact random numbers (core/random.py) drawn in bulk with numpy."""
    torch = _torch()
    fns = [lambda: core.randn(1000, 1000), lambda: core.rand(1000, 1000)]
    if torch is not None:
        fns += [lambda: torch.randn(1000, 1000), lambda: torch.rand(1000, 1000)]
    times = side_by_side(fns, repeat=3)
    for i, name in enumerate(("randn", "rand")):
        ref = (f", torch {times[i + 2] * 1e3:.1f} ms, ratio {times[i] / times[i + 2]:.1f}x"
               if torch is not None else "")
        print(f"{name}(1000, 1000) float32: core {times[i] * 1e3:.1f} ms{ref}")


BENCHES = {"small": bench_small, "mlp": bench_mlp, "chain": bench_chain, "rng": bench_rng}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(BENCHES):
        BENCHES[name]()
