"""Fit core's layered layout to the size of the app's node items.

`core.graph.layout` places layers 180 px apart and rows 90 px apart, chosen without knowing how
wide a node is drawn. Our nodes are 130–260 px wide and wires carry gradient labels between them,
so the app stretches those positions about the layout's origin; the ordering (the real work) is
core's.
"""

from __future__ import annotations

from collections.abc import Mapping

X_STRETCH = 1.5
Y_STRETCH = 1.2


def stretch(positions: Mapping[str, tuple[float, float]],
            origin: tuple[float, float] | None = None) -> dict[str, tuple[float, float]]:
    """Positions spread by (X_STRETCH, Y_STRETCH) around `origin` (default: their min x/mean y)."""
    if not positions:
        return {}
    if origin is None:
        xs = [p[0] for p in positions.values()]
        ys = [p[1] for p in positions.values()]
        origin = (min(xs), sum(ys) / len(ys))
    ox, oy = origin
    return {k: (ox + (x - ox) * X_STRETCH, oy + (y - oy) * Y_STRETCH)
            for k, (x, y) in positions.items()}
