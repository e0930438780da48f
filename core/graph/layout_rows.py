"""Where each node of an ordered layer goes up and down: every wire as level as it can be.

A fixed grid (one row every 90 px) draws a wire from a node's output to a lower input port
slanted even when nothing is in the way, and crowds tall nodes (a matrix preview) into their
neighbours. Here each layer keeps its order and the gaps between the nodes' boxes, and each node
goes as close as those allow to where its wires want it (the mean height of its neighbours'
ports), alternately from the previous layers and from the next: the closest such placement
of a whole layer is an isotonic regression, solved by pooling adjacent violators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from core.graph.layout_boxes import Box
from core.graph.layout_order import Edge, sweeps

V_GAP = 30.0  # between the boxes of one layer

Want = Callable[[str], float | None]


def rows(lays: list[list[str]], edges: list[Edge], boxes: Mapping[str, Box]) -> dict[str, float]:
    """y of each node's top: every wire as level as the order and the node heights allow."""
    ys: dict[str, float] = {}
    for lay in lays:
        y = 0.0
        for n in lay:
            ys[n] = y
            y += boxes[n].h + V_GAP
    # each node's neighbours with the offset that levels the wire between them, made once
    preds: dict[str, list[tuple[str, float]]] = {}
    succs: dict[str, list[tuple[str, float]]] = {}
    for u, v, p in edges:
        d = boxes[u].out_y - boxes[v].in_y.get(p, boxes[v].out_y)
        preds.setdefault(v, []).append((u, d))
        succs.setdefault(u, []).append((v, -d))

    def from_preds(n: str) -> float | None:
        es = preds.get(n)
        return sum(ys[u] + d for u, d in es) / len(es) if es else None

    def from_succs(n: str) -> float | None:
        es = succs.get(n)
        return sum(ys[v] + d for v, d in es) / len(es) if es else None

    for _ in range(sweeps(len(ys))):
        for lay in lays[1:]:
            place(lay, boxes, ys, from_preds)
        for lay in lays[-2::-1]:
            place(lay, boxes, ys, from_succs)
    return ys


def place(lay: list[str], boxes: Mapping[str, Box], ys: dict[str, float], want: Want) -> None:
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
