"""The inspector's page for a frame: its title, its members, and what crosses its border.

A collapsed frame hides its nodes, so selecting its box selected no node and the inspector
went blank exactly when a learner wanted to read the unit they had built. This page reads the
frame off the document (`core.graph.frames.border`: the wires coming in, the members whose
value leaves) and the numbers off the last evaluation, like the box does; it edits nothing
(renaming and recolouring stay on the canvas and in Edit ▸ Frame, one undo step each).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.application import formatting, theme
from core.graph.frames import border

if TYPE_CHECKING:
    from app.canvas.scene import CanvasScene
    from app.document.controller import GraphController


def selected_frame(scene: CanvasScene) -> str | None:
    """The frame the selection shows: exactly one frame item selected, with no nodes besides
    its own members (a press on a frame's title selects its visible members too)."""
    frames = scene.selected_frames()
    if len(frames) != 1:
        return None
    members = set(frames[0].members)
    if any(n.node_id not in members for n in scene.selected_nodes()):
        return None
    return frames[0].frame_id


def _value_text(value: Any) -> str:
    if value is None:
        return "—"
    lines = formatting.preview(value).split("\n")
    return lines[0] + (" …" if len(lines) > 1 else "")


def _grad_text(result: Any, node_id: str) -> str:
    """`   ∇ g`: the node's .grad, or its gradient when it is not a leaf; "" before backward."""
    grad = None
    if result is not None:
        grad = result.grads.get(node_id)
        if grad is None:
            grad = result.node_grads.get(node_id)
    return "" if grad is None else f"   ∇ {formatting.grad_label(grad)}"


class FramePanel(QWidget):
    """Read-only description of one frame (see the module docstring)."""

    def __init__(self, controller: GraphController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.frame_id: str | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)
        self.title = QLabel()
        self.title.setFont(theme.ui_font(12, bold=True))
        self.title.setWordWrap(True)
        self.description = QLabel()
        self.description.setObjectName("hint")
        self.description.setWordWrap(True)
        lay.addWidget(self.title)
        lay.addWidget(self.description)
        self.sections: dict[str, QLabel] = {}
        for key, heading in (("members", "Members"), ("inputs", "Wires in"),
                             ("exits", "Leaves the frame")):
            head = QLabel(heading.upper())
            head.setObjectName("sectionTitle")
            body = QLabel()
            body.setFont(theme.mono_font(9.5))
            body.setWordWrap(True)
            lay.addWidget(head)
            lay.addWidget(body)
            self.sections[key] = body
        self.hide()
        self._pending = False
        self._unsubscribe: Callable[[], None] = controller.doc.subscribe(self._changed)
        controller.evaluated.connect(lambda _r: self.refresh())
        controller.documentReplaced.connect(self._document_replaced)

    def _document_replaced(self) -> None:
        self._unsubscribe()
        self._unsubscribe = self.controller.doc.subscribe(self._changed)
        self.show_frame(None)

    def _changed(self, _change: object) -> None:
        """Refresh once the edit is over: a change is announced mid-command (a removed node
        may still be listed in its frame until the command has updated the frames)."""
        if self.frame_id is not None and not self._pending:
            self._pending = True
            QTimer.singleShot(0, self._refresh_later)

    def _refresh_later(self) -> None:
        self._pending = False
        self.refresh()

    def show_frame(self, frame_id: str | None) -> None:
        self.frame_id = frame_id
        self.refresh()

    def refresh(self) -> None:
        """Re-read the frame from the document and the numbers from the last evaluation."""
        doc = self.controller.doc
        if self.frame_id is None or self.frame_id not in doc.frames:
            self.frame_id = None
            self.hide()
            return
        f = doc.frame(self.frame_id)
        members = [m for m in f.members if m in doc]
        self.title.setText(f"{f.title} — frame")
        state = "collapsed into one box" if f.collapsed else "expanded"
        self.description.setText(
            f"{len(members)} node{'s' if len(members) != 1 else ''}, {state}, {f.color}. A frame "
            "changes no number: it groups nodes, and the stepper steps over it as one unit "
            "while it is collapsed.")
        self.sections["members"].setText(
            "\n".join(f"{doc.node(m).name} ({doc.node(m).op})" for m in members) or "—")
        b = border(doc, f)
        r = self.controller.result
        values = r.values if r is not None else {}
        self.sections["inputs"].setText("\n".join(
            f"{doc.node(w.src).name} → {doc.node(w.dst).name}.{w.port} = "
            f"{_value_text(values.get(w.src))}{_grad_text(r, w.src)}" for w in b.inputs) or "none")
        lines = []
        for m in b.exits:
            g = _grad_text(r, m)
            to = sorted({doc.node(w.dst).name for w in b.outputs if w.src == m})
            where = f" → {', '.join(to)}" if to else (" (the output)" if m == doc.output else "")
            lines.append(f"{doc.node(m).name}{where} = {_value_text(values.get(m))}{g}")
        self.sections["exits"].setText("\n".join(lines) or "—")
        self.show()
