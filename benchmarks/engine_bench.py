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
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
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
    ours = best_of(small_chain(core, n_ops), repeat=7, number=5) / n_ops
    print(f"small-op overhead (fwd+bwd, 4 elements): core {ours * 1e6:.2f} µs/op", end="")
    try:
        import torch
    except ImportError:
        print("  (torch not installed: no reference)")
        return
    torch.set_num_threads(1)
    ref = best_of(small_chain(torch, n_ops), repeat=7, number=5) / n_ops
    print(f", torch {ref * 1e6:.2f} µs/op, ratio {ours / ref:.2f}x")


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
    ref = best_of(numpy_step, repeat=7, number=3)
    ours = best_of(core_step, repeat=7, number=3)
    print(f"MLP step 784-512-512-10, batch 256: numpy {ref * 1e3:.2f} ms, core "
          f"{ours * 1e3:.2f} ms, ratio {ours / ref:.3f}x")


def bench_chain() -> None:
    per_op = []
    for n in (10_000, 50_000, 100_000):
        x = core.tensor(1.0, requires_grad=True)

        def run(n: int = n, x: core.Tensor = x) -> None:
            y = x
            for _ in range(n):
                y = y * 1.0000001
            y.backward()

        t = best_of(run, repeat=2)
        per_op.append(t / n)
        print(f"scalar chain of {n:>7,} ops (fwd+bwd): {t * 1e3:8.1f} ms, "
              f"{t / n * 1e6:.2f} µs/op")
    print(f"  cost per op at 100k / at 10k: {per_op[-1] / per_op[0]:.2f}x (1.0 = linear)")


BENCHES = {"small": bench_small, "mlp": bench_mlp, "chain": bench_chain}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(BENCHES):
        BENCHES[name]()
