"""Frames in an exported script: each frame's lines together, between two comment lines.

A frame says which nodes belong together ("neuron"); the script should say so too, or the
reader of the export loses the structure they built. A script runs in one order, so a frame
can be written as one block only when no computation outside it has to run between two of its
members (a path leaving the frame and coming back into it). Here every frame is contracted to
one node; the frames that would close a cycle that way are left spread out and get a comment
naming their members at their first line instead. The order stays topological and keeps the
document's own order wherever the frames allow, so the script prints what it printed before.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from core.graph.document import Document


def _blocks(doc: Document, order: Sequence[str]) -> tuple[dict[str, str], set[str]]:
    """node id -> the frame id it is written with, and the frames that cannot be one block."""
    owner = {m: f.id for f in doc.frames.values() for m in f.members if m in doc}
    split: set[str] = set()
    while True:
        rep = {n: owner.get(n, n) if owner.get(n) not in split else n for n in order}
        g = nx.DiGraph()
        g.add_nodes_from(rep.values())
        g.add_edges_from((rep[w.src], rep[w.dst]) for w in doc.wires
                         if rep[w.src] != rep[w.dst])
        cyclic = {r for comp in nx.strongly_connected_components(g) if len(comp) > 1
                  for r in comp if r in doc.frames}
        if not cyclic:
            return {n: r for n, r in rep.items() if r in doc.frames and r not in split}, split
        split |= cyclic


def framed_order(doc: Document, order: Sequence[str]) -> list[tuple[str | None, str]]:
    """`order` (a topological order of the nodes) rearranged so each frame that can be one
    block is, as (node id, "") for a node's line and (None, text) for a comment line."""
    block_of, split = _blocks(doc, order)
    index = {n: i for i, n in enumerate(order)}
    g = nx.DiGraph()
    rep = {n: block_of.get(n, n) for n in order}
    first: dict[str, int] = {}
    for n in order:
        first.setdefault(rep[n], index[n])
    g.add_nodes_from(first)
    g.add_edges_from((rep[w.src], rep[w.dst]) for w in doc.wires if rep[w.src] != rep[w.dst])
    out: list[tuple[str | None, str]] = []
    seen_split: set[str] = set()
    for r in nx.lexicographical_topological_sort(g, key=lambda r: first[r]):
        if r in doc.frames and r not in split:
            members = [n for n in order if block_of.get(n) == r]
            f = doc.frame(r)
            out.append((None, f'# ── frame "{f.title}": {_names(doc, members)} ──'))
            out.extend((n, "") for n in members)
            out.append((None, f'# ── end of frame "{f.title}" ──'))
            continue
        f = doc.frame_of(r)
        if f is not None and f.id in split and f.id not in seen_split:
            seen_split.add(f.id)
            members = [n for n in order if n in f.members]
            out.append((None, f'# ── frame "{f.title}": {_names(doc, members)} (spread out: '
                              "lines outside it need some of its values before the rest) ──"))
        out.append((r, ""))
    return out


def _names(doc: Document, ids: Sequence[str]) -> str:
    return ", ".join(doc.node(n).name for n in ids)


__all__ = ["framed_order"]
