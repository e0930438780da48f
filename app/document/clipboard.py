"""Copy / paste / duplicate: the selection travels as the document's own JSON on the clipboard.

Copy writes a sub-document (the selected nodes and the wires between them) with core's
serializer, so pasting into another window — or another Chainrule process — reads it back with the
same validation as opening a file. Paste becomes one undoable macro of add_node/connect edits.
"""

from __future__ import annotations

import atexit
import json
from collections.abc import Iterable

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from app.document import auto_output
from app.document.controller import GraphController
from core.graph import Document, GraphError, serialize
from core.graph.commands import Edit

GRAPH_MIME = "application/x-chainrule-graph+json"
PASTE_OFFSET = 30.0


def selection_json(doc: Document, node_ids: Iterable[str]) -> str:
    """The selected nodes and the wires among them, as document JSON."""
    keep = set(node_ids)
    sub = doc.copy()
    for f in list(sub.frames.values()):  # a frame is copied only with all of its nodes
        if not keep.issuperset(f.members):
            sub.remove_frame(f.id)
    for node in list(sub):
        if node.id not in keep:
            sub.remove_node(node.id)
    if sub.output is not None and sub.output not in keep:
        sub.output = None
    return serialize.dumps(sub)


def copy(controller: GraphController) -> int:
    """Put the selected nodes on the clipboard; returns how many."""
    ids = controller.scene.selected_node_ids()
    if not ids:
        return 0
    text = selection_json(controller.doc, ids)
    data = QMimeData()
    data.setData(GRAPH_MIME, text.encode("utf-8"))
    data.setText(text)
    QGuiApplication.clipboard().setMimeData(data)
    _release_at_exit()
    return len(ids)


_release_registered = False


def _release_at_exit() -> None:
    """The clipboard owns our QMimeData. Qt destroys its clipboard in a C++ static
    destructor, after Python has shut down, and deleting the mime data's Python wrapper
    then crashes the process (seen as a segfault at the end of the test run). So hand
    the clipboard's contents to the system (clear them from our side) while Python runs."""
    global _release_registered
    if not _release_registered:
        _release_registered = True
        atexit.register(_clear_clipboard)


def _clear_clipboard() -> None:
    app = QGuiApplication.instance()
    if app is not None:
        QGuiApplication.clipboard().clear()


def paste_steps(doc: Document, text: str, offset: tuple[float, float]
                ) -> tuple[list[Edit], list[str]]:
    """Edits that add the nodes of `text` (fresh ids, non-clashing names, shifted by `offset`)
    and their wires; returns (steps, new ids). Raises GraphError for text that isn't a graph."""
    src = serialize.loads(text)
    taken = {n.name for n in doc}
    ids: dict[str, str] = {}
    steps: list[Edit] = []
    for node in src:
        new_id = doc.new_id()
        ids[node.id] = new_id
        name = node.name
        k = 1
        while name in taken:
            name = f"{node.name}{k}"
            k += 1
        taken.add(name)
        kwargs = {"name": name, "pos": (node.pos[0] + offset[0], node.pos[1] + offset[1]),
                  "params": dict(node.params), "requires_grad": node.requires_grad,
                  "node_id": new_id}
        if node.value is not None:
            kwargs["value"] = node.value
            kwargs["dtype"] = node.dtype
        steps.append(Edit("add_node", (node.op,), kwargs))
    for w in src.wires:
        steps.append(Edit("connect", (ids[w.src], ids[w.dst], w.port)))
    for f in src.frames.values():  # frames whose nodes were all copied come along
        steps.append(Edit("group", ([ids[m] for m in f.members],),
                          {"title": f.title, "color": f.color, "collapsed": f.collapsed}))
    return steps, list(ids.values())


def clipboard_text() -> str | None:
    data = QGuiApplication.clipboard().mimeData()
    if data is None:
        return None
    if data.hasFormat(GRAPH_MIME):
        return bytes(data.data(GRAPH_MIME)).decode("utf-8")
    text = data.text()
    if text.lstrip().startswith("{"):
        try:
            if json.loads(text).get("format") == serialize.FORMAT:
                return text
        except (ValueError, AttributeError):
            return None
    return None


def paste_text(controller: GraphController, text: str,
               offset: tuple[float, float] = (PASTE_OFFSET, PASTE_OFFSET)) -> list[str]:
    """Paste graph JSON as one undo step and select the new nodes."""
    try:
        steps, new_ids = paste_steps(controller.doc, text, offset)
    except GraphError as e:
        controller.statusMessage.emit(f"Cannot paste: {e}")
        return []
    steps = auto_output.choose_added_output(controller.doc, steps)  # see auto_output.py
    if not steps or not controller.push_macro(f"paste {len(new_ids)} node(s)", steps):
        return []
    controller.select_only(new_ids)
    return new_ids


def paste(controller: GraphController) -> list[str]:
    text = clipboard_text()
    if text is None:
        controller.statusMessage.emit("Nothing to paste: the clipboard holds no graph.")
        return []
    return paste_text(controller, text)


def duplicate(controller: GraphController) -> list[str]:
    """Copy + paste the selection in one go, without touching the clipboard."""
    ids = controller.scene.selected_node_ids()
    if not ids:
        return []
    return paste_text(controller, selection_json(controller.doc, ids))
