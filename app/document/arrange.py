"""Feeding core's layered layout (`core.graph.layout`) with node geometry: measured items or
estimates.

The layout is pure arithmetic on boxes; this module knows where the boxes come from. For nodes on
the canvas it measures the items (so a matrix preview's height counts); for an expression's nodes,
planned before any item exists, it estimates a box from the op's ports with the same constants
the node item lays out with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import networkx as nx
from PySide6.QtCore import QRectF

from app.canvas.items.node_item import HEADER_H, MIN_W, ROW_H
from app.canvas.scene import CanvasScene
from core.graph import Document
from core.graph.catalog import spec
from core.graph.commands import Edit
from core.graph.layout import Box, layered_layout, layout

EST_BLOCK_H = 2 * 15.0 + 8  # a value line and a gradient line


def item_boxes(scene: CanvasScene) -> dict[str, Box]:
    """Boxes of the node items as drawn."""
    out: dict[str, Box] = {}
    for node_id, item in scene.nodes.items():
        rect = item.shape().boundingRect()
        out_y = item.output.pos().y() if item.output is not None else rect.height() / 2
        out[node_id] = Box(rect.width(), rect.height(), out_y,
                           {str(p.key): p.pos().y() for p in item.inputs})
    return out


def estimate_box(op: str, ports: Sequence[str]) -> Box:
    """A node's box before its item exists (as NodeItem lays out a scalar with a gradient)."""
    n = max(len(ports), 1)
    ports_h = max(n * ROW_H, EST_BLOCK_H) + 6
    top = HEADER_H + (ports_h - n * ROW_H) / 2
    in_y = {p: top + ROW_H * (i + 0.5) for i, p in enumerate(ports)}
    return Box(MIN_W + (20 if op == "output" else 0), HEADER_H + ports_h, HEADER_H + ports_h / 2,
               in_y)


def arrange_document(doc: Document, scene: CanvasScene,
                     origin: tuple[float, float] = (0.0, 0.0)) -> dict[str, tuple[float, float]]:
    """Positions for every node of the document, measured from the canvas items, with room
    for the gradient pills the wires show now."""
    labels: dict[tuple[str, str], float] = {}
    for key, wire in scene.wires.items():
        w = wire.label_width()
        if w:
            pair = (key.src, key.dst)
            labels[pair] = max(labels.get(pair, 0.0), w)
    return layered_layout(doc, origin, item_boxes(scene), labels)


def arrange_steps(steps: Sequence[Edit], origin: tuple[float, float]
                  ) -> dict[str, tuple[float, float]]:
    """Positions for the nodes an expression plans to add (parser steps), estimated boxes."""
    g = nx.DiGraph()
    ops: dict[str, str] = {}
    for s in steps:
        if s.kind == "add_node":
            g.add_node(s.kwargs["node_id"])
            ops[s.kwargs["node_id"]] = s.kwargs.get("op", "")
        elif s.kind == "connect" and s.args[0] in ops and s.args[1] in ops:
            src, dst, port = s.args[0], s.args[1], str(s.args[2])
            if g.has_edge(src, dst):
                g[src][dst]["ports"].add(port)
            else:
                g.add_edge(src, dst, ports={port})
    boxes = {}
    for n, op in ops.items():
        wired = {p for _u, _v, d in g.in_edges(n, data=True) for p in d["ports"]}
        declared = [p.name for p in spec(op).inputs if not p.variadic] if op else []
        ports = declared + sorted(wired - set(declared))
        boxes[n] = estimate_box(op, ports)
    return layout(g, boxes, origin)


BELOW_GAP = 80.0  # between the drawn graph and a block of new nodes placed under it


def place_below(steps: Sequence[Edit], scene: CanvasScene) -> list[Edit]:
    """`steps` with their added nodes laid out for the sizes our nodes are drawn with (and
    room for the gradient pills) as a block under the graph drawn on `scene`, left
    edges aligned. Differentiate's nodes came with core's grid positions, made for smaller
    boxes: the new graph was drawn crowded, its wires and pills squashed between nodes."""
    rect = QRectF()
    for item in scene.nodes.values():
        rect = rect.united(item.sceneBoundingRect())
    pos = arrange_steps(steps, (0.0, 0.0))
    if not pos:
        return list(steps)
    left = min(x for x, _y in pos.values())
    top = min(y for _x, y in pos.values())
    x0 = rect.left() if not rect.isNull() else 0.0
    y0 = rect.bottom() + BELOW_GAP if not rect.isNull() else 0.0
    out: list[Edit] = []
    for s in steps:
        if s.kind == "add_node" and s.kwargs.get("node_id") in pos:
            x, y = pos[s.kwargs["node_id"]]
            s = replace(s, kwargs={**s.kwargs, "pos": (x - left + x0, y - top + y0)})
        out.append(s)
    return out
