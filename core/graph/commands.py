"""Undoable edits of a Document, shaped like QUndoCommand so the app can wrap them.

Each command validates when it is built (raising `GraphError`, so the app can show the
message and push nothing), applies in `redo()` and reverts exactly in `undo()`.
`merge_id`/`merge_with` mirror QUndoCommand.id()/mergeWith(): consecutive moves of the
same nodes collapse into one undo step while dragging. `History` is a plain undo stack
with the same semantics for scripts and tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.graph.document import Document, GraphError, Node, Wire, _pos
from core.graph.frames import DEFAULT_TITLE, FRAME_COLORS, Frame

MERGE_NONE = -1
MERGE_MOVE = 1


@dataclass(frozen=True)
class Edit:
    """One step of a macro: an edit kind ("add_node", "connect", ...) with the arguments
    `make_command` takes. The parser, Differentiate and the clipboard hand these over;
    it still unpacks as the (kind, args, kwargs) tuple it replaces."""

    kind: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.kind, self.args, self.kwargs))

    @classmethod
    def of(cls, step: Edit | Sequence[Any]) -> Edit:
        """An Edit from an Edit or a (kind, args, kwargs) tuple."""
        if isinstance(step, Edit):
            return step
        kind, args, kwargs = step
        return cls(kind, tuple(args), dict(kwargs))


class Command:
    """Base: `text` for the undo menu; `redo()` applies; `undo()` reverts."""

    text = "edit"
    merge_id = MERGE_NONE

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def redo(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def undo(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def merge_with(self, other: Command) -> bool:
        """Absorb `other` (a later command) into this one; False if they don't merge."""
        return False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.text!r}>"


class AddNode(Command):
    """Add one node; its id is fixed at construction so redo after undo reuses it."""

    def __init__(self, doc: Document, op: str, name: str | None = None,
                 pos: tuple[float, float] = (0, 0), params: Mapping[str, Any] | None = None,
                 value: Any = None, dtype: str | None = None, requires_grad: bool = False,
                 node_id: str | None = None) -> None:
        super().__init__(doc)
        self.node = doc.prepare_node(op, name, pos, params, value, dtype, requires_grad,
                                     node_id)
        self.node_id = self.node.id
        self.text = f"add {self.node.name}"

    def redo(self) -> None:
        self.doc.insert_node(self.node.clone())

    def undo(self) -> None:
        self.doc.remove_node(self.node_id)


class RemoveNodes(Command):
    """Remove nodes with their wires; undo puts back nodes, wires and the output choice."""

    def __init__(self, doc: Document, node_ids: str | Iterable[str]) -> None:
        super().__init__(doc)
        ids = [node_ids] if isinstance(node_ids, str) else list(dict.fromkeys(node_ids))
        if not ids:
            raise GraphError("nothing to remove")
        for i in ids:
            doc.node(i)
        self.ids = ids
        self.text = "remove " + ", ".join(doc.node(i).name for i in ids[:3]) + (
            "…" if len(ids) > 3 else "")
        self._nodes: list[Node] = []
        self._wires: list[Wire] = []
        self._output: tuple[str | None, np.ndarray | None] = (None, None)
        self._order = doc._order()
        self._frames = doc._frames_state()

    def redo(self) -> None:
        self._output = (self.doc.output, self.doc.output_gradient)
        self._order = self.doc._order()
        self._frames = self.doc._frames_state()  # removed nodes leave their frames
        nodes: list[Node] = []
        wires: dict[Wire, None] = {}
        for i in self.ids:
            n, ws = self.doc.remove_node(i)
            nodes.append(n.clone())
            wires.update(dict.fromkeys(ws))
        self._nodes, self._wires = nodes, list(wires)

    def undo(self) -> None:
        for n in self._nodes:
            self.doc.insert_node(n.clone())
        for w in self._wires:
            self.doc._link(w)
        self.doc._restore_order(self._order)  # where they were, not appended
        self.doc._restore_frames(self._frames)
        if self._output[0] is not None and self.doc.output != self._output[0]:
            self.doc.set_output(*self._output)


class Connect(Command):
    """Wire src's output into dst.port."""

    def __init__(self, doc: Document, src: str, dst: str, port: str) -> None:
        super().__init__(doc)
        doc.check_connect(src, dst, port)
        self.wire = Wire(src, dst, port)
        self.text = f"connect {doc.node(src).name} → {doc.node(dst).name}.{port}"

    def redo(self) -> None:
        self.doc.connect(self.wire.src, self.wire.dst, self.wire.port)

    def undo(self) -> None:
        self.doc.disconnect(self.wire.dst, self.wire.port)


class Disconnect(Command):
    """Remove the wire into dst.port."""

    def __init__(self, doc: Document, dst: str, port: str) -> None:
        super().__init__(doc)
        self.wire = doc.check_disconnect(dst, port)
        self.text = f"disconnect {doc.node(dst).name}.{port}"
        self._order = doc._order()

    def redo(self) -> None:
        self._order = self.doc._order()
        self.doc.disconnect(self.wire.dst, self.wire.port)

    def undo(self) -> None:
        self.doc.connect(self.wire.src, self.wire.dst, self.wire.port)
        self.doc._restore_order(self._order)  # the wire where it was, not appended


class SetValue(Command):
    """Give a variable or constant a new value (text, number, list or array)."""

    def __init__(self, doc: Document, node_id: str, value: Any, dtype: str | None = None) -> None:
        super().__init__(doc)
        self.node_id = node_id
        self.new = doc.prepare_value(node_id, value, dtype)
        self.old = doc.node(node_id).value
        self.text = f"set {doc.node(node_id).name}"

    def redo(self) -> None:
        self.doc._store_value(self.node_id, self.new)

    def undo(self) -> None:
        self.doc._store_value(self.node_id, self.old)  # type: ignore[arg-type]


class SetRequiresGrad(Command):
    """Switch gradient tracking of a variable."""

    def __init__(self, doc: Document, node_id: str, flag: bool) -> None:
        super().__init__(doc)
        doc.check_requires_grad(node_id, bool(flag))
        self.node_id, self.new = node_id, bool(flag)
        self.old = doc.node(node_id).requires_grad
        self.text = f"{'track' if flag else 'untrack'} gradient of {doc.node(node_id).name}"

    def redo(self) -> None:
        self.doc.set_requires_grad(self.node_id, self.new)

    def undo(self) -> None:
        self.doc.set_requires_grad(self.node_id, self.old)


class SetParam(Command):
    """Set one parameter (text accepted, coerced to the parameter's type)."""

    def __init__(self, doc: Document, node_id: str, name: str, value: Any) -> None:
        super().__init__(doc)
        self.node_id, self.name = node_id, name
        self.new = doc.prepare_param(node_id, name, value)
        self.old = doc.node(node_id).params.get(name)
        self.text = f"set {doc.node(node_id).name}.{name}"

    def redo(self) -> None:
        self.doc.set_param(self.node_id, self.name, self.new)

    def undo(self) -> None:
        self.doc.set_param(self.node_id, self.name, self.old)


class Rename(Command):
    """Rename a node."""

    def __init__(self, doc: Document, node_id: str, name: str) -> None:
        super().__init__(doc)
        doc.check_name(name, doc.node(node_id).id)
        self.node_id, self.new = node_id, name
        self.old = doc.node(node_id).name
        self.text = f"rename {self.old} → {name}"

    def redo(self) -> None:
        self.doc.rename(self.node_id, self.new)

    def undo(self) -> None:
        self.doc.rename(self.node_id, self.old)


class Move(Command):
    """Move nodes: `Move(doc, {id: (x, y), ...})` or `Move(doc, id, (x, y))`.

    Consecutive moves of the same set of nodes merge (one undo step per drag).
    """

    merge_id = MERGE_MOVE

    def __init__(self, doc: Document, positions: Mapping[str, Any] | str,
                 pos: Any = None) -> None:
        super().__init__(doc)
        if isinstance(positions, str):
            positions = {positions: pos}
        self.new = {i: _pos(p) for i, p in positions.items()}
        self.old = {i: doc.node(i).pos for i in self.new}
        self.text = "move " + ", ".join(doc.node(i).name for i in list(self.new)[:3])

    def redo(self) -> None:
        for i, p in self.new.items():
            self.doc.move(i, p)

    def undo(self) -> None:
        for i, p in self.old.items():
            self.doc.move(i, p)

    def merge_with(self, other: Command) -> bool:
        if not isinstance(other, Move) or other.doc is not self.doc:
            return False
        if set(other.new) != set(self.new):
            return False
        self.new = dict(other.new)
        return True


class SetOutput(Command):
    """Choose the output backward starts from (and its gradient argument)."""

    def __init__(self, doc: Document, node_id: str | None, gradient: Any = None) -> None:
        super().__init__(doc)
        self.new = (node_id, doc.prepare_output(node_id, gradient))
        self.old = (doc.output, doc.output_gradient)
        self.text = "choose output" if node_id is None else f"output {doc.node(node_id).name}"

    def redo(self) -> None:
        self.doc.set_output(*self.new)

    def undo(self) -> None:
        self.doc.set_output(*self.old)


class Group(Command):
    """Group nodes into a new frame (Ctrl+G). The colour defaults to the next one of the
    palette, so neighbouring frames tell apart without a choice."""

    def __init__(self, doc: Document, node_ids: str | Iterable[str],
                 title: str = DEFAULT_TITLE, color: str | None = None,
                 collapsed: bool = False, frame_id: str | None = None) -> None:
        super().__init__(doc)
        if color is None:
            color = FRAME_COLORS[len(doc.frames) % len(FRAME_COLORS)]
        self.frame = doc.prepare_frame(frame_id, title, color, node_ids, collapsed)
        self.frame_id = self.frame.id
        self.text = f"group {self.frame.title}"

    def redo(self) -> None:
        self.doc.insert_frame(self.frame)

    def undo(self) -> None:
        self.doc.remove_frame(self.frame_id)


class Ungroup(Command):
    """Remove a frame; its nodes stay where they are (Ctrl+Shift+G)."""

    def __init__(self, doc: Document, frame_id: str) -> None:
        super().__init__(doc)
        self.frame = doc.frame(frame_id)
        self.text = f"ungroup {self.frame.title}"
        self._state = doc._frames_state()

    def redo(self) -> None:
        self._state = self.doc._frames_state()
        self.doc.remove_frame(self.frame.id)

    def undo(self) -> None:
        self.doc._restore_frames(self._state)  # back in its place among the frames


class SetFrame(Command):
    """Rename, recolour, collapse/expand a frame or change its members (None keeps a field)."""

    def __init__(self, doc: Document, frame_id: str, title: str | None = None,
                 color: str | None = None, collapsed: bool | None = None,
                 members: Iterable[str] | None = None) -> None:
        super().__init__(doc)
        old = doc.frame(frame_id)
        self.old: Frame = old
        self.new: Frame = doc.prepare_frame(
            frame_id, old.title if title is None else title,
            old.color if color is None else color,
            old.members if members is None else members,
            old.collapsed if collapsed is None else collapsed, replacing=frame_id)
        if collapsed is not None and self.new.collapsed != old.collapsed:
            verb = "collapse" if self.new.collapsed else "expand"
        elif self.new.title != old.title:
            verb = "rename frame"
        elif self.new.color != old.color:
            verb = "recolour"
        else:
            verb = "edit frame"
        self.text = f"{verb} {self.new.title}"

    def redo(self) -> None:
        self.doc.replace_frame(self.new)

    def undo(self) -> None:
        self.doc.replace_frame(self.old)


class Macro(Command):
    """Several commands as one undo step, applied all-or-nothing.

    The sub-commands are built lazily by `steps`, a sequence of `Edit`s (or their
    (kind, args, kwargs) tuples) for `make_command`, because later steps may refer to nodes added by
    earlier ones. Construction does a silent trial run (apply, then revert) so an
    impossible macro raises GraphError before anything is pushed.
    """

    def __init__(self, doc: Document, text: str,
                 steps: Sequence[Edit | tuple[str, Sequence[Any], Mapping[str, Any]]]) -> None:
        super().__init__(doc)
        self.text = text
        self.steps = [Edit.of(s) for s in steps]
        self._done: list[Command] = []
        self._built: list[Command] | None = None
        with doc.muted():
            self.redo()
            self.undo()

    def redo(self) -> None:
        done: list[Command] = []
        try:
            if self._built is None:
                built = []
                for step in self.steps:
                    cmd = make_command(self.doc, step.kind, *step.args, **step.kwargs)
                    cmd.redo()
                    done.append(cmd)
                    built.append(cmd)
                self._built = built
            else:
                for cmd in self._built:
                    cmd.redo()
                    done.append(cmd)
        except Exception:
            for cmd in reversed(done):
                cmd.undo()
            raise
        self._done = done

    def undo(self) -> None:
        for cmd in reversed(self._done):
            cmd.undo()
        self._done = []


COMMANDS: dict[str, type[Command]] = {
    "add_node": AddNode,
    "remove_node": RemoveNodes,
    "remove_nodes": RemoveNodes,
    "connect": Connect,
    "disconnect": Disconnect,
    "set_value": SetValue,
    "set_requires_grad": SetRequiresGrad,
    "set_param": SetParam,
    "rename": Rename,
    "move": Move,
    "set_output": SetOutput,
    "group": Group,
    "ungroup": Ungroup,
    "set_frame": SetFrame,
    "macro": Macro,
}

def make_command(doc: Document, kind: str, *args: Any, **kwargs: Any) -> Command:
    """An undoable command for edit `kind` ("add_node", "remove_node", "connect",
    "disconnect", "set_value", "set_requires_grad", "set_param", "rename", "move",
    "set_output", "macro") on `doc`, validated now: raises GraphError if the edit is
    impossible."""
    try:
        cls = COMMANDS[kind]
    except KeyError:
        raise GraphError(f"unknown edit {kind!r}; known: {', '.join(COMMANDS)}") from None
    return cls(doc, *args, **kwargs)


class History:
    """A QUndoStack-like stack for scripts and tests: push applies, undo/redo walk it."""

    def __init__(self) -> None:
        self._stack: list[Command] = []
        self._index = 0

    def push(self, cmd: Command) -> None:
        """Apply `cmd` and record it (merging with the previous one when allowed)."""
        cmd.redo()
        del self._stack[self._index:]
        top = self._stack[-1] if self._stack else None
        if (top is not None and cmd.merge_id != MERGE_NONE and top.merge_id == cmd.merge_id
                and top.merge_with(cmd)):
            return
        self._stack.append(cmd)
        self._index = len(self._stack)

    def can_undo(self) -> bool:
        return self._index > 0

    def can_redo(self) -> bool:
        return self._index < len(self._stack)

    def undo(self) -> None:
        if not self.can_undo():
            raise GraphError("nothing to undo")
        self._index -= 1
        self._stack[self._index].undo()

    def redo(self) -> None:
        if not self.can_redo():
            raise GraphError("nothing to redo")
        self._stack[self._index].redo()
        self._index += 1

    def __len__(self) -> int:
        return len(self._stack)
