"""Keeping frames whole in a layered layout: members together, everyone else out of the box.

A frame is drawn as its members' bounding box plus a margin and a title bar. A layered layout
that knows nothing of frames places nodes by wires only, so an outside node (the neuron's `b`,
pulled next to `add`) lands between members and the drawn frame seems to hold it. Here a laid
out drawing (nodes in columns: one x per layer) is corrected: each frame becomes one tall block
in every column its rectangle covers, the members keeping their places relative to each other;
blocks and outside nodes are ordered in each column by their current height on the page (a
frame by its members' mean, the same in every column, so two frames never swap order from one
column to the next and the constraints stay acyclic); then everything is pushed apart just
enough (a pass downwards and one upwards, averaged: both are legal, so is their mean). Only y
changes, so the layers, and with them the wires' left-to-right flow, stay as laid out.

The layered layout (`core.graph.layout`) uses it, with the sizes the app draws the nodes with
or, without a drawing, the nominal box.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

Point = tuple[float, float]
Size = tuple[float, float]
Unit = tuple[str, object]  # what is stacked in a column: ("f", frame index) or ("n", node id)

#: The frame's outline around its members, as the app draws it (app/canvas/items/frame_item.py).
FRAME_MARGIN = 18.0
FRAME_TITLE = 26.0


def frame_rect(pos: Mapping[str, Point], sizes: Mapping[str, Size], members: Iterable[str],
               margin: float = FRAME_MARGIN, title: float = FRAME_TITLE
               ) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) of a frame drawn around `members`; None without members."""
    ms = [m for m in members if m in pos]
    if not ms:
        return None
    left = min(pos[m][0] for m in ms)
    top = min(pos[m][1] for m in ms)
    right = max(pos[m][0] + sizes[m][0] for m in ms)
    bottom = max(pos[m][1] + sizes[m][1] for m in ms)
    return left - margin, top - margin - title, right + margin, bottom + margin


def keep_frames_apart(pos: Mapping[str, Point], sizes: Mapping[str, Size],  # noqa: C901, PLR0912 - one algorithm, step by step
                      frames: Iterable[Collection[str]], gap: float,
                      margin: float = FRAME_MARGIN, title: float = FRAME_TITLE
                      ) -> dict[str, Point]:
    """`pos` (top-left corners, nodes of a layer share their x) with y moved so that every
    frame's members sit together and no other node's box meets a frame's rectangle; frames do
    not overlap each other either. `gap` is the vertical room kept between neighbours."""
    out = dict(pos)
    groups = [[m for m in dict.fromkeys(f) if m in pos] for f in frames]
    groups = [g for g in groups if g]
    if not groups:
        return out
    owner = {m: i for i, g in enumerate(groups) for m in g}

    # columns: nodes sharing an x, and how far right the widest reaches
    columns: dict[float, list[str]] = {}
    for n, (x, _y) in pos.items():
        columns.setdefault(x, []).append(n)
    reach = {x: x + max(sizes[n][0] for n in ns) for x, ns in columns.items()}

    # each frame as a block: where its members sit inside it, how tall it is, where it wants to be
    height: dict[Unit, float] = {}
    want: dict[Unit, float] = {}
    key: dict[Unit, float] = {}
    inner: dict[str, float] = {}
    spans: list[tuple[float, float]] = []
    for i, g in enumerate(groups):
        top = min(pos[m][1] for m in g)
        bottom = max(pos[m][1] + sizes[m][1] for m in g)
        for m in g:
            inner[m] = pos[m][1] - top + margin + title
        u: Unit = ("f", i)
        height[u] = bottom - top + 2 * margin + title
        want[u] = top - margin - title
        key[u] = sum(pos[m][1] + sizes[m][1] / 2 for m in g) / len(g)
        spans.append((min(pos[m][0] for m in g) - margin,
                      max(pos[m][0] + sizes[m][0] for m in g) + margin))
    for n in pos:
        if n not in owner:
            u = ("n", n)
            height[u] = sizes[n][1]
            want[u] = pos[n][1]
            key[u] = pos[n][1] + sizes[n][1] / 2

    def order(u: Unit) -> tuple[float, int, str]:
        return (key[u], 0 if u[0] == "f" else 1, str(u[1]))

    # in each column: its outside nodes and every frame whose rectangle it crosses, in order
    preds: dict[Unit, list[tuple[Unit, float]]] = {u: [] for u in height}
    succs: dict[Unit, list[tuple[Unit, float]]] = {u: [] for u in height}
    for x, ns in columns.items():
        units: set[Unit] = {("n", n) for n in ns if n not in owner}
        units |= {("f", owner[n]) for n in ns if n in owner}
        units |= {("f", i) for i, (lo, hi) in enumerate(spans) if lo < reach[x] and x < hi}
        seq = sorted(units, key=order)
        for a, b in zip(seq, seq[1:], strict=False):
            d = height[a] + gap
            succs[a].append((b, d))
            preds[b].append((a, d))

    y = _push_apart(sorted(height, key=order), want, preds, succs)

    for n, (x, _y) in pos.items():
        if n in owner:
            out[n] = (x, y[("f", owner[n])] + inner[n])
        else:
            out[n] = (x, y[("n", n)])
    return out


def _push_apart(every: list[Unit], want: Mapping[Unit, float],
                preds: Mapping[Unit, list[tuple[Unit, float]]],
                succs: Mapping[Unit, list[tuple[Unit, float]]]) -> dict[Unit, float]:
    """y for each unit closest to its wish with every (a above b by at least d) kept: `every`
    is in the one order all columns share, hence a topological order of the constraints.
    Pushing down and pushing up give two legal answers; their mean is legal too and moves
    both sides of a clash half way."""
    down: dict[Unit, float] = {}
    for u in every:
        down[u] = max([want[u]] + [down[p] + d for p, d in preds[u]])
    up: dict[Unit, float] = {}
    for u in reversed(every):
        up[u] = min([want[u]] + [up[s] - d for s, d in succs[u]])
    return {u: (down[u] + up[u]) / 2 for u in every}


def rects_meet(a: tuple[float, float, float, float], b: tuple[float, float, float, float]
               ) -> bool:
    """Whether two (left, top, right, bottom) rectangles overlap (touching edges do not)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


__all__ = ["FRAME_MARGIN", "FRAME_TITLE", "frame_rect", "keep_frames_apart", "rects_meet"]
