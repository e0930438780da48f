"""The order of the nodes inside each layer of the layered layout: few crossings, port-aware.

Whole-node barycenters know neither which input port a wire enters (so `b → mul.a` could cross
`x → mul.b` right at the inputs) nor that a wire skipping a layer runs behind that layer's nodes.
Here long wires get placeholder (dummy) nodes in every layer they skip, each layer is ordered by
port-aware barycenters (a wire into a lower port pulls its source lower), the best of a few
sweeps is kept, and small graphs then get adjacent swaps that lower a crossing count (a crossing
at a shared consumer weighs more: it is the one the eye trips on).

Large graphs stay fast: crossings are counted in O(E log E) per layer (inversions, as Barth,
Jünger and Mutzel count them), the quadratic swap refinement is for small graphs only, and the
dummies have a budget: past it the longest wires go without them (drawn through the layers they
skip), which a 5,000-node random graph needs and a lesson never does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import networkx as nx

from core.graph.layout_boxes import Box

#: A wire as (source, target, port); ports of a dummy are "".
Edge = tuple[str, str, str]
Frac = Callable[[str, str], float]

DUMMY_H = 14.0  # the room a wire skipping a layer keeps free
SWEEPS = 6
SAME_TARGET_WEIGHT = 1.5
MAX_SWAP_EDGES = 400  # the swap refinement is quadratic in wires; big graphs keep barycenters
MIN_DUMMY_BUDGET = 2000  # dummies allowed at least, and per node beyond that:
DUMMIES_PER_NODE = 2
BIG = 3000  # nodes and dummies past which two sweeps do (each is linear; 5,000 nodes in ~1 s)


def sweeps(size: int) -> int:
    """How many up-and-down sweeps ordering and row placement make for `size` laid out items."""
    return SWEEPS if size <= BIG else 2


def is_dummy(n: str) -> bool:
    return n.startswith("\0")


def with_dummies(g: nx.DiGraph, lays: list[list[str]],
                 boxes: dict[str, Box]) -> list[Edge]:
    """The wires of `g` (edges carry core's `ports` sets) one per port, each split at every
    layer it skips by a dummy appended to that layer (and to `boxes`), within the budget."""
    layer_of = {n: k for k, lay in enumerate(lays) for n in lay}
    wires = [(u, v, port) for u, v, data in g.edges(data=True)
             for port in sorted(data.get("ports") or {""})]
    longest = _longest_split(sorted(layer_of[v] - layer_of[u] for u, v, _p in wires),
                             max(MIN_DUMMY_BUDGET, DUMMIES_PER_NODE * len(g)))
    edges: list[Edge] = []
    for u, v, port in wires:
        prev = u
        if layer_of[v] - layer_of[u] <= longest:
            for k in range(layer_of[u] + 1, layer_of[v]):
                d = f"\0{u}>{v}.{port}@{k}"
                lays[k].append(d)
                boxes[d] = Box(0.0, DUMMY_H, DUMMY_H / 2, {"": DUMMY_H / 2})
                edges.append((prev, d, ""))
                prev = d
        edges.append((prev, v, port))
    return edges


def _longest_split(spans: list[int], budget: int) -> int:
    """The longest span (in layers, sorted ascending) whose wires still get dummies: all of
    them when the budget allows."""
    used = 0
    for s in spans:
        used += s - 1
        if used > budget:  # every shorter wire fitted
            return s - 1
    return spans[-1] if spans else 1


def port_fracs(edges: Iterable[Edge], boxes: Mapping[str, Box]) -> Frac:
    """Where each wire's port sits on its node, as a fraction of a rank step (-0.45 … 0.45)."""
    fracs: dict[tuple[str, str], float] = {}
    for _u, v, p in edges:
        box = boxes[v]
        fracs[(v, p)] = (box.in_y.get(p, box.out_y) / box.h - 0.5) * 0.9 if box.h else 0.0

    def frac(v: str, port: str) -> float:
        return fracs.get((v, port), 0.0)

    return frac


def order(lays: list[list[str]], edges: list[Edge], boxes: Mapping[str, Box]) -> None:
    """Reorder each layer in place: port-aware barycenter sweeps (the best kept), then, for a
    small graph, adjacent swaps while they lower the crossing cost."""
    frac = port_fracs(edges, boxes)
    preds, succs = _neighbours(edges, frac)
    rank = {n: float(i) for lay in lays for i, n in enumerate(lay)}

    def by_preds(n: str) -> float:
        es = preds.get(n)
        return sum(rank[u] + f for u, f in es) / len(es) if es else rank[n]

    def by_succs(n: str) -> float:
        es = succs.get(n)
        return sum(rank[v] + f for v, f in es) / len(es) if es else rank[n]

    def sort(lay: list[str], key: Callable[[str], float]) -> None:
        lay.sort(key=key)
        for i, n in enumerate(lay):
            rank[n] = float(i)

    counted = crossing_cost(lays, edges, frac)
    best = [list(lay) for lay in lays]
    best_cost = counted()
    for _ in range(sweeps(len(rank))):
        for lay in lays[1:]:
            sort(lay, by_preds)
        for lay in lays[-2::-1]:
            sort(lay, by_succs)
        c = counted()
        if c < best_cost:
            best, best_cost = [list(lay) for lay in lays], c
    lays[:] = best
    if len(edges) <= MAX_SWAP_EDGES:
        _swap_refine(lays, counted)


def _neighbours(edges: Iterable[Edge], frac: Frac
                ) -> tuple[dict[str, list[tuple[str, float]]], dict[str, list[tuple[str, float]]]]:
    """Each node's neighbours before and after it, with how far the wire's port sits off the
    node's middle (the barycenters' terms), made once for every sweep."""
    preds: dict[str, list[tuple[str, float]]] = {}
    succs: dict[str, list[tuple[str, float]]] = {}
    for u, v, p in edges:
        f = frac(v, p)
        preds.setdefault(v, []).append((u, -f))
        succs.setdefault(u, []).append((v, f))
    return preds, succs


class CrossingCost:
    """The crossing cost of the layers' current order, read after each reordering (the wires
    are grouped once; only ranks change): wires joining adjacent layers, counted port by port,
    each crossing 1, one between two wires into the same node `SAME_TARGET_WEIGHT`.

    Calling it counts every layer; `near(k)` counts only the wires a reordering of layer k can
    change (those into and out of it), which is what a swap needs: the swap refinement tries
    every adjacent pair, and recounting the whole graph each time made a 50-node layout take
    ~60 ms instead of a few."""

    def __init__(self, lays: list[list[str]], edges: Iterable[Edge], frac: Frac) -> None:
        self.lays = lays
        layer_of = {n: k for k, lay in enumerate(lays) for n in lay}
        by_target: dict[str, list[tuple[str, str, float]]] = {}
        self.by_layer: dict[int, list[tuple[str, str, float]]] = {}  # by the source's layer
        for u, v, p in edges:
            if layer_of[v] != layer_of[u] + 1:
                continue  # a long wire without dummies (over budget): not counted
            e = (u, v, frac(v, p))
            self.by_layer.setdefault(layer_of[u], []).append(e)
            if not is_dummy(v):
                by_target.setdefault(v, []).append(e)
        self.shared: dict[int, list[list[tuple[str, str, float]]]] = {}  # by the target's layer
        for v, es in by_target.items():
            if len(es) > 1:
                self.shared.setdefault(layer_of[v], []).append(es)

    def __call__(self) -> float:
        return self._cost(range(len(self.lays)), self.by_layer, self.shared)

    def near(self, k: int) -> float:
        """The cost of the wires that enter or leave layer k."""
        by_layer = {j: self.by_layer[j] for j in (k - 1, k) if j in self.by_layer}
        shared = {j: self.shared[j] for j in (k, k + 1) if j in self.shared}
        return self._cost(range(max(k - 1, 0), min(k + 2, len(self.lays))), by_layer, shared)

    def _cost(self, layers: range, by_layer: Mapping[int, list[tuple[str, str, float]]],
              shared: Mapping[int, list[list[tuple[str, str, float]]]]) -> float:
        rank = {n: i for j in layers for i, n in enumerate(self.lays[j])}
        total = sum(_discordant([(rank[u], rank[v] + f) for u, v, f in es])
                    for es in by_layer.values())
        same = sum(_discordant([(rank[u], rank[v] + f) for u, v, f in es])
                   for groups in shared.values() for es in groups)
        return total + (SAME_TARGET_WEIGHT - 1.0) * same


def crossing_cost(lays: list[list[str]], edges: Iterable[Edge], frac: Frac) -> CrossingCost:
    """The crossing cost of `lays` as they are reordered (see `CrossingCost`)."""
    return CrossingCost(lays, edges, frac)


def _discordant(pairs: list[tuple[float, float]]) -> int:
    """Pairs (a, b) with a0 < b0 and a1 > b1, i.e. wires that cross: sorted by the first end,
    an earlier wire whose second end is strictly lower crosses (a Fenwick tree counts them)."""
    n = len(pairs)
    if n < 2:
        return 0
    if n <= 24:  # a few wires: comparing every pair is cheaper than building the tree
        return sum(1 for i in range(n) for j in range(i + 1, n)
                   if (pairs[i][0] - pairs[j][0]) * (pairs[i][1] - pairs[j][1]) < 0)
    pairs = sorted(pairs)
    index = {y: i + 1 for i, y in enumerate(sorted({p[1] for p in pairs}))}
    size = len(index)
    tree = [0] * (size + 1)
    total = 0
    for seen, (_x, y) in enumerate(pairs):
        i = index[y]
        below = 0
        while i > 0:
            below += tree[i]
            i -= i & -i
        total += seen - below
        i = index[y]
        while i <= size:
            tree[i] += 1
            i += i & -i
    return total


def _swap_refine(lays: list[list[str]], cost: CrossingCost) -> None:
    """Swap neighbours in a layer while that lowers the crossing cost (a few passes); a swap
    in layer k changes only the crossings of the wires into and out of layer k."""
    for _ in range(4):
        improved = False
        for k, lay in enumerate(lays):
            here = cost.near(k)
            for i in range(len(lay) - 1):
                lay[i], lay[i + 1] = lay[i + 1], lay[i]
                new = cost.near(k)
                if new < here - 1e-9:
                    here, improved = new, True
                else:
                    lay[i], lay[i + 1] = lay[i + 1], lay[i]
        if not improved:
            return
