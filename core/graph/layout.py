"""The layered left-to-right layout: one for the parser, Differentiate, scripts, the example
lessons and the app's Arrange.

Layers come from networkx's topological generations (longest path from the inputs), then inputs
are pulled right next to their first consumer so a constant does not sit far away at the left
edge. Each layer is ordered to avoid crossings, port by port (`core.graph.layout_order`), its
rows placed so that wires run level (`core.graph.layout_rows`), and the layers spaced by their
widest node plus room for a wire's gradient pill. Frames are kept whole afterwards
(`core.graph.frame_layout`). Node sizes are an input: the app passes the boxes it draws (and the
widths of the pills its wires show); without them every node gets the nominal box
(`core.graph.layout_boxes`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

import networkx as nx

from core.graph.document import Document
from core.graph.frame_layout import keep_frames_apart
from core.graph.layout_boxes import NODE_SIZE, Box, default_box, document_boxes
from core.graph.layout_order import is_dummy, order, with_dummies
from core.graph.layout_rows import V_GAP, rows

if TYPE_CHECKING:
    from core.graph.commands import Move

H_GAP = 84.0  # between layers: room for a gradient pill on every wire
LABEL_ROOM = 44.0  # a pill plus some wire either side of it

Point = tuple[float, float]

__all__ = ["H_GAP", "LABEL_ROOM", "NODE_SIZE", "V_GAP", "Box", "apply_layout", "crossings",
           "layered_layout", "layers", "layout", "layout_command", "order_layers"]


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


def _boxes_for(g: nx.DiGraph, boxes: Mapping[str, Box] | None) -> dict[str, Box]:
    """`boxes`, with the nominal box (ports in name order) for any node it lacks."""
    out = dict(boxes or {})
    for n in g:
        if n not in out:
            ports = sorted({p for _u, _v, d in g.in_edges(n, data=True)
                            for p in d.get("ports") or ()})
            out[n] = default_box(ports)
    return out


def order_layers(g: nx.DiGraph, lays: list[list[str]],
                 boxes: Mapping[str, Box] | None = None) -> None:
    """Reorder each layer in place as the layout does (long wires' dummies used, then dropped)."""
    work = [list(lay) for lay in lays]
    bx = _boxes_for(g, boxes)
    order(work, with_dummies(g, work, bx), bx)
    lays[:] = [[n for n in lay if not is_dummy(n)] for lay in work]


def crossings(g: nx.DiGraph, lays: list[list[str]]) -> int:
    """Number of crossings between wires joining adjacent layers, whole nodes (for tests)."""
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


def layout(g: nx.DiGraph, boxes: Mapping[str, Box] | None = None,
           origin: Point = (0.0, 0.0),
           labels: Mapping[tuple[str, str], float] | None = None,
           frames: Iterable[Collection[str]] = ()) -> dict[str, Point]:
    """Top-left positions for every node of `g` (edges carry core's `ports` sets); the first
    layer starts at origin x and the drawing is centred vertically on origin y. `boxes` are
    the nodes as drawn (a missing one gets the nominal box); `labels` gives the width of the
    gradient pill on a wire (u, v): the gap before v's layer widens to fit it. Each of
    `frames` (members' ids) keeps its members together and every other node out of its
    rectangle (`core.graph.frame_layout`)."""
    if not len(g):
        return {}
    lays = layers(g)
    bx = _boxes_for(g, boxes)
    edges = with_dummies(g, lays, bx)
    order(lays, edges, bx)
    ys = rows(lays, edges, bx)
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
        x += max(bx[n].w for n in lay) + gaps[k]
    real = list(g)
    frames = list(frames)
    if frames:
        moved = keep_frames_apart({n: (xs[n], ys[n]) for n in real},
                                  {n: (bx[n].w, bx[n].h) for n in real}, frames, V_GAP)
        ys.update({n: p[1] for n, p in moved.items()})
    top = min(ys[n] for n in real)
    bottom = max(ys[n] + bx[n].h for n in real)
    dy = origin[1] - (top + bottom) / 2
    # whole pixels: saved files read well and the boxes' gaps stay (they are whole numbers)
    return {n: (float(round(xs[n])), float(round(ys[n] + dy))) for n in real}


def layered_layout(doc: Document, origin: Point = (0.0, 0.0),
                   boxes: Mapping[str, Box] | None = None,
                   labels: Mapping[tuple[str, str], float] | None = None) -> dict[str, Point]:
    """Positions for every node of `doc` (see `layout`), each frame kept whole; nodes
    without a box in `boxes` get the nominal one, ports in the order their op declares."""
    bx = document_boxes(doc)
    bx.update(boxes or {})
    return layout(doc.graph, bx, origin, labels, [f.members for f in doc.frames.values()])


def apply_layout(doc: Document, pos: Mapping[str, Point]) -> None:
    """Move nodes to `pos` directly (not undoable; for fresh documents)."""
    for n, p in pos.items():
        doc.move(n, p)


def layout_command(doc: Document) -> Move:
    """An undoable "tidy up" of the whole document (one Move command)."""
    from core.graph.commands import Move

    return Move(doc, layered_layout(doc))
