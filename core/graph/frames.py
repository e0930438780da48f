"""Frames: titled, coloured groups of nodes that can be collapsed into one box.

A frame is part of the document (saved in the file, edited only through undoable commands)
but it changes no number: it only says which nodes belong together. So the frame holds no
position of its own — its outline is wherever its members are — and the evaluator never
looks at it. What a collapsed frame shows (the wires crossing its border, the value and
gradient of what leaves it) is read off the document here and off the evaluator's results
by the app; the stepper folds the replay steps of its members into one step
(`core.graph.replay.collapse_steps`), so a learner can step over a "neuron" as one unit
and still read what happened inside.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.graph.document import Document, Wire

#: Colour names a frame may take; the app maps each to a shade that suits its theme.
FRAME_COLORS = ("blue", "green", "orange", "purple", "red", "grey")
MAX_TITLE = 80
DEFAULT_TITLE = "frame"


class FrameError(ValueError):
    """A frame field that is not allowed (the document turns it into a GraphError)."""


@dataclass(frozen=True)
class Frame:
    """One frame. Frozen: edits replace it whole, so undo can keep the old one."""

    id: str
    title: str
    color: str = FRAME_COLORS[0]
    members: tuple[str, ...] = ()
    collapsed: bool = False


def check_title(title: Any) -> str:
    """The title stripped; FrameError unless it is one line of 1..MAX_TITLE characters."""
    if not isinstance(title, str):
        raise FrameError(f"a frame title is text, got {type(title).__name__}")
    t = title.strip()
    if not t:
        raise FrameError("a frame needs a title")
    if len(t) > MAX_TITLE:
        raise FrameError(f"a frame title has at most {MAX_TITLE} characters (got {len(t)})")
    if any(c in t for c in "\n\r\t") or not t.isprintable():
        raise FrameError("a frame title is one line of printable text")
    return t


def check_color(color: Any) -> str:
    """The colour name; FrameError unless it is one of FRAME_COLORS."""
    if not isinstance(color, str) or color not in FRAME_COLORS:
        raise FrameError(f"unknown frame colour {color!r:.40}; use one of "
                         f"{', '.join(FRAME_COLORS)}")
    return color


@dataclass
class Border:
    """What crosses a frame's border: the wires into it from outside, the wires out of it,
    and its exits — the members whose value leaves the frame (sources of outgoing wires,
    and the document's output when it is a member), in document order."""

    inputs: list[Wire] = field(default_factory=list)
    outputs: list[Wire] = field(default_factory=list)
    exits: list[str] = field(default_factory=list)


def border(doc: Document, frame: Frame) -> Border:
    """The wires crossing `frame`'s border and the members whose value leaves it."""
    inside = set(frame.members)
    b = Border()
    for w in doc.wires:
        if w.dst in inside and w.src not in inside:
            b.inputs.append(w)
        elif w.src in inside and w.dst not in inside:
            b.outputs.append(w)
    leaving = {w.src for w in b.outputs}
    if doc.output in inside:
        leaving.add(doc.output)
    b.exits = [m for m in frame.members if m in leaving]
    if not b.exits and frame.members:  # nothing leaves: show the last member computed
        order = [n for n in doc.topo_order() if n in inside]
        b.exits = order[-1:]
    return b


def frame_of(frames: Mapping[str, Frame], node_id: str) -> Frame | None:
    """The frame `node_id` belongs to, if any (a node is in at most one frame)."""
    for f in frames.values():
        if node_id in f.members:
            return f
    return None


__all__ = ["Border", "DEFAULT_TITLE", "FRAME_COLORS", "Frame", "FrameError", "MAX_TITLE",
           "border", "check_color", "check_title", "frame_of"]
