"""The app's layered layout: core's layers, ordered and spaced for the nodes as the app draws them.

`core.graph.layout` assigns layers well but orders nodes by whole-node barycenters on a fixed
180 × 90 grid: it knows neither which input port a wire enters (so `b → mul1.a` could cross
`x → mul1.b` right at the inputs) nor how tall and wide a node is drawn, nor that a wire skipping a
layer runs behind that layer's nodes. Here long wires get placeholder (dummy) nodes, each layer is
ordered by port-aware barycenters and then by adjacent swaps that lower a crossing count (a
crossing at a shared consumer weighs more: it is the one the eye trips on), and rows are placed so
that each wire runs as straight as the node sizes allow (isotonic regression per layer).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx

H_GAP = 84.0  # between layers: room for a gradient pill on every wire
LABEL_ROOM = 44.0  # a pill plus some wire either side of it
V_GAP = 30.0  # between nodes of a layer
DUMMY_H = 14.0  # the room a wire skipping a layer keeps free
SWEEPS = 6
SAME_TARGET_WEIGHT = 1.5
MAX_SWAP_EDGES = 400  # the swap refinement is quadratic in wires; big graphs keep barycenters


@dataclass
class Box:
    """A node as drawn: size, and where its wires attach (y offsets from its top)."""

    w: float
    h: float
    out_y: float
    in_y: dict[str, float] = field(default_factory=dict)


def layout(g: nx.DiGraph, boxes: Mapping[str, Box],
           origin: tuple[float, float] = (0.0, 0.0),
           labels: Mapping[tuple[str, str], float] | None = None,
           frames: Iterable[Collection[str]] = ()
           ) -> dict[str, tuple[float, float]]:
    """Top-left positions for every node of `g` (edges carry core's `ports` sets); the first
    layer starts at origin x and the drawing is centred vertically on origin y. `labels` gives
    the width of the gradient pill on a wire (u, v): the gap before v's layer widens to fit it.
    Each of `frames` (members' ids) keeps its members together and every other node out of
    its rectangle (`core.graph.frame_layout`)."""
    if not len(g):
        return {}
    from core.graph.layout import layers

    lays = layers(g)
    edges, boxes = _with_dummies(g, lays, dict(boxes))
    _order(lays, edges, boxes)
    ys = _rows(lays, edges, boxes)
    layer_of = {n: k for k, lay in enumerate(lays) for n in lay}
    gaps = [H_GAP] * len(lays)
    for (u, v), w in (labels or {}).items():
        if u in layer_of and v in layer_of and layer_of[v] > layer_of[u]:
            k = layer_of[v] - 1
            gaps[k] = max(gaps[k], w + LABEL_ROOM)
    xs: dict[str, float] = {}
    x = origin[0]
    for k, lay in enumerate(lays):
        for n in lay:
            xs[n] = x
        x += max(boxes[n].w for n in lay) + gaps[k]
    real = [n for n in g]
    frames = list(frames)
    if frames:
        from core.graph.frame_layout import keep_frames_apart

        moved = keep_frames_apart({n: (xs[n], ys[n]) for n in real},
                                  {n: (boxes[n].w, boxes[n].h) for n in real}, frames, V_GAP)
        ys.update({n: p[1] for n, p in moved.items()})
    top = min(ys[n] for n in real)
    bottom = max(ys[n] + boxes[n].h for n in real)
    dy = origin[1] - (top + bottom) / 2
    return {n: (xs[n], ys[n] + dy) for n in real}


# ---- wires as (source, target, port) with long ones split at every layer they skip ---------
Edge = tuple[str, str, str]


def _with_dummies(g: nx.DiGraph, lays: list[list[str]],
                  boxes: dict[str, Box]) -> tuple[list[Edge], dict[str, Box]]:
    layer_of = {n: k for k, lay in enumerate(lays) for n in lay}
    edges: list[Edge] = []
    for u, v, data in g.edges(data=True):
        for port in sorted(data.get("ports") or {""}):
            prev = u
            for k in range(layer_of[u] + 1, layer_of[v]):
                d = f"\0{u}>{v}.{port}@{k}"
                lays[k].append(d)
                boxes[d] = Box(0.0, DUMMY_H, DUMMY_H / 2, {"": DUMMY_H / 2})
                edges.append((prev, d, ""))
                prev = d
            edges.append((prev, v, port))
    return edges, boxes


def _port_frac(boxes: Mapping[str, Box], v: str, port: str) -> float:
    """Where a port sits on its node, as a fraction of a rank step (-0.45 … 0.45)."""
    box = boxes[v]
    return (box.in_y.get(port, box.out_y) / box.h - 0.5) * 0.9 if box.h else 0.0


# ---- ordering ------------------------------------------------------------------------------
def _order(lays: list[list[str]], edges: list[Edge], boxes: Mapping[str, Box]) -> None:  # noqa: C901 - long today, to split (issue 13)
    preds: dict[str, list[Edge]] = {}
    succs: dict[str, list[Edge]] = {}
    for e in edges:
        succs.setdefault(e[0], []).append(e)
        preds.setdefault(e[1], []).append(e)
    fracs = {(v, p): _port_frac(boxes, v, p) for _u, v, p in edges}
    rank = {n: float(i) for lay in lays for i, n in enumerate(lay)}

    def frac(v: str, port: str) -> float:
        return fracs.get((v, port), 0.0)

    def sort(lay: list[str], key) -> None:  # type: ignore[no-untyped-def]
        lay.sort(key=key)
        for i, n in enumerate(lay):
            rank[n] = float(i)

    def by_preds(n: str) -> float:
        es = preds.get(n, [])
        return sum(rank[u] - frac(n, p) for u, _v, p in es) / len(es) if es else rank[n]

    def by_succs(n: str) -> float:
        es = succs.get(n, [])
        return sum(rank[v] + frac(v, p) for _u, v, p in es) / len(es) if es else rank[n]

    best = [list(lay) for lay in lays]
    best_cost = _cost(lays, edges, frac)
    for _ in range(SWEEPS):
        for lay in lays[1:]:
            sort(lay, by_preds)
        for lay in lays[-2::-1]:
            sort(lay, by_succs)
        cost = _cost(lays, edges, frac)
        if cost < best_cost:
            best, best_cost = [list(lay) for lay in lays], cost
    lays[:] = best
    if len(edges) <= MAX_SWAP_EDGES:
        _swap_refine(lays, edges, frac, best_cost)


def _cost(lays: list[list[str]], edges: Iterable[Edge], frac) -> float:  # type: ignore[no-untyped-def]
    """Weighted crossings of wires between adjacent layers, counted port by port."""
    rank = {n: i for lay in lays for i, n in enumerate(lay)}
    ends = [(rank[u], rank[v] + frac(v, p), v) for u, v, p in edges]
    by_layer: dict[int, list[tuple[int, float, str]]] = {}
    layer_of = {n: k for k, lay in enumerate(lays) for n in lay}
    for (u, _v, _p), end in zip(edges, ends, strict=True):
        by_layer.setdefault(layer_of[u], []).append(end)
    total = 0.0
    for es in by_layer.values():
        for i, (a0, a1, av) in enumerate(es):
            for b0, b1, bv in es[i + 1:]:
                if (a0 - b0) * (a1 - b1) < 0:
                    same = av == bv and not av.startswith("\0")
                    total += SAME_TARGET_WEIGHT if same else 1.0
    return total


def _swap_refine(lays: list[list[str]], edges: list[Edge], frac, cost: float) -> None:  # type: ignore[no-untyped-def]
    """Swap neighbours in a layer while that lowers the crossing cost (a few passes)."""
    for _ in range(4):
        improved = False
        for lay in lays:
            for i in range(len(lay) - 1):
                lay[i], lay[i + 1] = lay[i + 1], lay[i]
                c = _cost(lays, edges, frac)
                if c < cost - 1e-9:
                    cost, improved = c, True
                else:
                    lay[i], lay[i + 1] = lay[i + 1], lay[i]
        if not improved:
            return


# ---- rows ----------------------------------------------------------------------------------
def _rows(lays: list[list[str]], edges: list[Edge],  # noqa: C901 - long today, to split (issue 13)
          boxes: Mapping[str, Box]) -> dict[str, float]:
    """y of each node's top: every wire as level as the order and the node heights allow."""
    ys: dict[str, float] = {}
    for lay in lays:
        y = 0.0
        for n in lay:
            ys[n] = y
            y += boxes[n].h + V_GAP
    preds: dict[str, list[Edge]] = {}
    succs: dict[str, list[Edge]] = {}
    for e in edges:
        succs.setdefault(e[0], []).append(e)
        preds.setdefault(e[1], []).append(e)

    def from_preds(n: str) -> float | None:
        es = preds.get(n)
        if not es:
            return None
        return sum(ys[u] + boxes[u].out_y - boxes[n].in_y.get(p, boxes[n].out_y)
                   for u, _v, p in es) / len(es)

    def from_succs(n: str) -> float | None:
        es = succs.get(n)
        if not es:
            return None
        return sum(ys[v] + boxes[v].in_y.get(p, boxes[v].out_y) - boxes[n].out_y
                   for _u, v, p in es) / len(es)

    for _ in range(SWEEPS):
        for lay in lays[1:]:
            _place(lay, boxes, ys, from_preds)
        for lay in lays[-2::-1]:
            _place(lay, boxes, ys, from_succs)
    return ys


def _place(lay: list[str], boxes: Mapping[str, Box], ys: dict[str, float], want) -> None:  # type: ignore[no-untyped-def]
    """Closest y to each node's wish keeping the order and the gaps (pool adjacent violators
    on y minus the room the nodes above need)."""
    offsets: list[float] = []
    acc = 0.0
    for n in lay:
        offsets.append(acc)
        acc += boxes[n].h + V_GAP
    targets = []
    for n, off in zip(lay, offsets, strict=True):
        w = want(n)
        targets.append((ys[n] if w is None else w) - off)
    blocks: list[list[float]] = []  # [sum, count]
    for t in targets:
        blocks.append([t, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    i = 0
    for s, c in blocks:
        for _ in range(int(c)):
            ys[lay[i]] = s / c + offsets[i]
            i += 1
