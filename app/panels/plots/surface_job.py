"""The landscape before any race: the loss over the current parameters, off the UI thread.

A newcomer opening a landscape lesson saw an empty Landscape page until the first race.
The surface does not need one: `core.graph.landscape.loss_grid` evaluates the output over
a grid of one or two parameters (1-4 ms for 160×160 on the lessons, but a document the
batch rules cannot batch is evaluated point by point, which can take seconds), so
`SurfaceJob` computes it on a daemon thread over a copy of the document, as `RaceJob`
does for races. The grid is centred on the current point (`preview_ranges`), twice as
wide when the minimum is beyond it; the race then draws its own, fitted to the runners'
paths, over it. Nothing here draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.application import formatting
from app.panels.plots.race_job import GRID_1D, GRID_2D
from app.panels.plots.worker_job import WorkerJob
from core.graph import Document, GraphError
from core.graph.landscape import LossGrid, loss_grid
from core.graph.train import trainable

#: a preview is drawn for this many parameter elements at most (the lessons' one or two)
MAX_COLUMNS = 2
#: half the width of the preview's range: at least this, and 1.5 × |value| for big values
MIN_HALF_WIDTH = 3.0
Column = tuple[str, int]  # (variable id, flat index), as `loss_grid` takes them


@dataclass(frozen=True)
class Surface:
    """The loss over the current point's neighbourhood and where that point is."""

    grid: LossGrid
    names: tuple[str, ...]  # the axes' names
    point: tuple[float, ...]  # the current value on each axis
    loss: float  # the output at the point


def float_columns(doc: Document) -> list[tuple[Column, str]]:
    """Every element of the floating-point variables training would move, in document
    order, named as the race names them (`w`, or `w[2]` for an element)."""
    try:
        ids = trainable(doc)
    except GraphError:  # an output being removed: nothing to show for now
        return []
    out: list[tuple[Column, str]] = []
    for i in ids:
        v = doc.node(i).value
        if v is None or v.dtype.kind != "f":
            continue
        name = doc.node(i).name
        out += [((i, 0), name)] if v.size == 1 else [((i, k), f"{name}[{k}]")
                                                     for k in range(v.size)]
    return out


def previewable(doc: Document, output_value: object) -> list[tuple[Column, str]]:
    """The columns of a document whose landscape can be drawn before a race (one
    floating-point scalar output, one or two float parameter elements), else []."""
    arr = formatting.as_array(output_value)
    if doc.output is None or arr is None or arr.size != 1 or arr.dtype.kind != "f":
        return []
    cols = float_columns(doc)
    return cols if 1 <= len(cols) <= MAX_COLUMNS else []


def preview_ranges(point: Sequence[float],
                   keep: Sequence[tuple[float, float]] | None = None
                   ) -> list[tuple[float, float]]:
    """Ranges centred on the point, wide enough to show the shape around it; `keep` (the
    ranges drawn now) are kept while the point stays well inside them, so a point moved by
    training or an edit moves on a still surface instead of dragging the view along."""
    if keep is not None and len(keep) == len(point) and all(
            lo + 0.1 * (hi - lo) <= p <= hi - 0.1 * (hi - lo)
            for p, (lo, hi) in zip(point, keep)):
        return list(keep)
    return [(p - h, p + h) for p in point
            for h in (max(MIN_HALF_WIDTH, 1.5 * abs(p)),)]


def compute_surface(doc: Document, columns: Sequence[Column], names: Sequence[str],
                    ranges: Sequence[tuple[float, float]]) -> Surface:
    """The grid over `columns` (one or two) in `ranges`, the other variables at their
    values, and the loss at the current point: what the worker thread runs."""
    point = tuple(float(np.asarray(doc.node(i).value).reshape(-1)[k]) for i, k in columns)
    res = GRID_1D if len(columns) == 1 else GRID_2D
    grid = loss_grid(doc, list(columns), list(ranges), res)
    if not _interior_minimum(grid):
        # all uphill from the edge (Himmelblau's hilltop): a view twice as wide, if that one
        # reaches down to a minimum (a saddle has none: its first view stays)
        wide = loss_grid(doc, list(columns), [((lo + hi) / 2 - (hi - lo), (lo + hi) / 2
                                               + (hi - lo)) for lo, hi in ranges], res)
        grid = wide if _interior_minimum(wide) else grid
    # the loss at the point itself (a 2-point grid starting there), exact, not interpolated
    at = loss_grid(doc, list(columns), [(p, p + 1e-3 * max(1.0, abs(p))) for p in point], 2)
    loss = float(at.z.reshape(-1)[0])
    return Surface(grid, tuple(names), point, loss)


def _interior_minimum(g: LossGrid) -> bool:
    """Whether the grid's lowest point lies inside it (on the edge, the loss only goes on
    falling past where the grid stops)."""
    low = g.minimum()
    if not np.isfinite(low[-1]):
        return False
    inside = g.xs[0] < low[0] < g.xs[-1]
    return bool(inside and (g.ys is None or g.ys[0] < low[1] < g.ys[-1]))


class SurfaceJob(WorkerJob):
    """`compute_surface` on a daemon thread; `done(Surface or message)` arrives on the UI
    thread. The document is a copy taken on the UI thread: edits meanwhile cannot race it."""

    failure = "the landscape could not be computed"
    thread_name = "chainrule-surface"

    def __init__(self, doc: Document, columns: Sequence[Column], names: Sequence[str],
                 ranges: Sequence[tuple[float, float]]) -> None:
        super().__init__(compute_surface, doc, list(columns), list(names), list(ranges))
