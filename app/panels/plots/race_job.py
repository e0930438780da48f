"""A race and the landscape under it, computed off the UI thread.

`compute` is the whole computation of one race: every runner (`core.graph.race.Race`,
each a `Trainer`) and then the loss grid over the range their paths cover
(`core.graph.landscape.loss_grid`), with the variables not on the axes held at their start
values. `RaceJob` runs it on a daemon thread over a copy of the document (edits on the UI
thread cannot race it; core's grad mode and backward recording are thread-local) and
delivers the result through a queued Qt signal. Nothing here draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.panels.plots.worker_job import WorkerJob
from core.graph import Document
from core.graph.landscape import LossGrid, loss_grid
from core.graph.race import Race

#: grid points per axis (2-D) and along the curve (1-D)
GRID_2D = 160
GRID_1D = 400


@dataclass
class RaceResult:
    """A computed race and the landscape under it."""

    race: Race
    grid: LossGrid | None
    axes: list[int]  # trajectory columns on the x (and y) axis
    names: list[str]  # every column's name
    error: str | None = None
    held: list[str] = field(default_factory=list)  # columns held at their start value


def grid_ranges(race: Race, axes: list[int]) -> list[tuple[float, float]]:
    """Around every runner's path on the chosen columns, with a margin, never empty."""
    out = []
    for a in axes:
        vals = np.concatenate([t.params[:, a] for t in race.trajectories.values()])
        vals = vals[np.isfinite(vals)]
        lo, hi = (float(vals.min()), float(vals.max())) if vals.size else (-1.0, 1.0)
        span = hi - lo
        pad = max(0.2 * span, 0.5 if span < 1e-9 else 0.05 * span, 1e-3 * max(abs(lo), abs(hi)))
        out.append((lo - pad, hi + pad))
    return out


def compute(doc: Document, settings: dict[str, dict[str, Any]], steps: int,
            axes: list[int] | None, race: Race | None = None) -> RaceResult:
    """The race (unless given) and the grid under it: what the worker thread runs."""
    if race is None:
        race = Race(doc, settings)
        race.run(steps)
    names = race.names
    axes = [a for a in (axes or [0, 1]) if 0 <= a < len(names)][:2] or [0]
    if len(axes) == 2 and axes[0] == axes[1]:
        axes = axes[:1]
    cols = race.columns
    res = GRID_1D if len(axes) == 1 else GRID_2D
    grid = loss_grid(race.doc, [cols[a] for a in axes], grid_ranges(race, axes), res,
                     values=race.start_values())
    held = [n for i, n in enumerate(names) if i not in axes]
    return RaceResult(race, grid, axes, names, held=held)


class RaceJob(WorkerJob):
    """`compute` on a daemon thread; `done(result or message)` arrives on the UI thread.
    The document is a copy taken on the UI thread, so edits meanwhile cannot race it."""

    failure = "the race failed (see the log)"
    thread_name = "chainrule-race"

    def __init__(self, doc: Document, settings: dict[str, dict[str, Any]], steps: int,
                 axes: list[int] | None, race: Race | None = None) -> None:
        super().__init__(compute, doc, settings, steps, axes, race)

