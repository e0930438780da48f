"""Layered left-to-right layout for parsed and imported graphs.

Layers come from networkx's topological generations (longest path from the inputs),
then inputs are pulled right next to their first consumer so a constant does not sit
far away at the left edge; wire crossings are reduced by barycenter sweeps (each node
ordered by the mean position of its neighbours in the previous layers, then the next).
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from core.graph.document import Document
from core.graph.frame_layout import keep_frames_apart

LAYER_GAP = 180.0
ROW_GAP = 90.0
SWEEPS = 4
#: The box a node is assumed to take on this grid (top-left at its position): what keeps an
#: outside node out of a frame's rectangle (`core.graph.frame_layout`) is measured with it.
NODE_SIZE = (130.0, 60.0)


def layers(g: nx.DiGraph) -> list[list[str]]:
    """Nodes grouped by layer, inputs pulled next to their earliest consumer."""
    level: dict[str, int] = {}
    for i, gen in enumerate(nx.topological_generations(g)):
        for n in gen:
            level[n] = i
    for n in g:
        succ = list(g.successors(n))
        if g.in_degree(n) == 0 and succ:
            level[n] = max(0, min(level[s] for s in succ) - 1)
    out: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for n in g:  # insertion order is the initial in-layer order
        out[level[n]].append(n)
    return out


def order_layers(g: nx.DiGraph, lays: list[list[str]], sweeps: int = SWEEPS) -> None:
    """Reorder each layer in place to reduce crossings (barycenter heuristic)."""
    rank = {n: i for lay in lays for i, n in enumerate(lay)}

    def sweep(seq: list[list[str]], neighbours) -> None:  # type: ignore[no-untyped-def]
        for lay in seq:
            def key(n: str) -> float:
                ns = [rank[m] for m in neighbours(n)]
                return sum(ns) / len(ns) if ns else rank[n]

            lay.sort(key=key)
            for i, n in enumerate(lay):
                rank[n] = i

    for _ in range(sweeps):
        sweep(lays[1:], g.predecessors)
        sweep(lays[-2::-1], g.successors)


def crossings(g: nx.DiGraph, lays: list[list[str]]) -> int:
    """Number of crossings between wires joining adjacent layers (for tests/tuning)."""
    rank = {n: i for lay in lays for i, n in enumerate(lay)}
    layer_of = {n: k for k, lay in enumerate(lays) for n in lay}
    total = 0
    for k in range(len(lays) - 1):
        edges = sorted((rank[u], rank[v]) for u in lays[k] for v in g.successors(u)
                       if layer_of[v] == k + 1)
        for i in range(len(edges)):
            for j in range(i + 1, len(edges)):
                if edges[i][0] < edges[j][0] and edges[i][1] > edges[j][1]:
                    total += 1
    return total


def layered_layout(doc: Document, origin: tuple[float, float] = (0.0, 0.0)
                   ) -> dict[str, tuple[float, float]]:
    """Positions for every node: layer -> x, order within the layer -> y (centred); each
    frame's members kept together and other nodes out of its rectangle."""
    g = doc.graph
    lays = layers(g)
    order_layers(g, lays)
    pos: dict[str, tuple[float, float]] = {}
    for k, lay in enumerate(lays):
        top = -(len(lay) - 1) * ROW_GAP / 2
        for i, n in enumerate(lay):
            pos[n] = (origin[0] + k * LAYER_GAP, origin[1] + top + i * ROW_GAP)
    if doc.frames:
        pos = keep_frames_apart(pos, dict.fromkeys(pos, NODE_SIZE),
                                [f.members for f in doc.frames.values()],
                                ROW_GAP - NODE_SIZE[1])
    return pos


def apply_layout(doc: Document, pos: Mapping[str, tuple[float, float]]) -> None:
    """Move nodes to `pos` directly (not undoable; for fresh documents)."""
    for n, p in pos.items():
        doc.move(n, p)


def layout_command(doc: Document):  # type: ignore[no-untyped-def]
    """An undoable "tidy up" of the whole document (one Move command)."""
    from core.graph.commands import Move

    return Move(doc, layered_layout(doc))
