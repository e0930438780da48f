"""Frames in the window: the canvas items that show the document's frames, and the actions.

`FrameLayer` keeps one `FrameItem` per document frame. It listens to the document after the
controller (so node and wire items exist when it looks) and re-syncs after every change and
evaluation: an expanded frame surrounds its nodes; a collapsed one hides its nodes and inner
wires, and the wires that cross its border attach to the box's ports (their node ports'
anchors are redirected, so the wire items — one per document wire — never change). The
layer edits nothing itself: grouping, renaming, recolouring, collapsing and ungrouping are
`core.graph` commands pushed through the controller, so each is one undo step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import QGraphicsProxyWidget, QLineEdit, QMenu

from app.application import theme
from app.canvas.items.frame_item import TITLE_H, FrameItem, exit_row
from app.canvas.items.node_item import NodeItem
from app.canvas.items.port_item import PortItem
from app.canvas.items.wire_item import WireItem
from core.graph import Change
from core.graph.frames import FRAME_COLORS, MAX_TITLE, border

if TYPE_CHECKING:
    from app.application.main_window import MainWindow
    from app.document.controller import GraphController
    from app.stepping.stepper import StepPicture


class FrameLayer(QObject):
    """Document frames → canvas items (see the module docstring)."""

    def __init__(self, controller: GraphController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.scene = controller.scene
        self.items: dict[str, FrameItem] = {}
        self._hidden: list[NodeItem | WireItem] = []
        self._redirected: list[PortItem] = []
        self._editor: QGraphicsProxyWidget | None = None
        self._unsubscribe: Callable[[], None] = controller.doc.subscribe(self._on_change)
        controller.documentReplaced.connect(self._document_replaced)
        controller.evaluated.connect(lambda _r: self.sync())
        self.scene.node_moved_hooks.append(self._node_moved)
        self.sync()

    # ---- staying in step -----------------------------------------------------------------------
    def _document_replaced(self) -> None:
        self.finish_rename(None)  # a title editor of the previous document's frame
        self._unsubscribe()
        self._unsubscribe = self.controller.doc.subscribe(self._on_change)
        self.sync()

    def _on_change(self, change: Change) -> None:
        if change.kind == "node_changed" and change.field not in ("pos", "name"):
            return  # a value or flag: the evaluation that follows re-syncs the numbers
        self.sync()

    def _node_moved(self, node_id: str) -> None:
        """A node item moved (dragging): its frame follows at once."""
        f = self.controller.doc.frame_of(node_id) if node_id in self.controller.doc else None
        if f is not None and f.id in self.items:
            self._place(f.id, f.members)

    def sync(self) -> None:
        """Make the frame items, hidden items and redirected ports match the document."""
        doc, scene = self.controller.doc, self.scene
        touched = self._reset_hidden()
        for fid in [i for i in self.items if i not in doc.frames]:
            item = self.items.pop(fid)
            if item.scene() is scene:
                scene.removeItem(item)
        for f in doc.frames.values():
            item = self.items.get(f.id)
            if item is None:
                item = self.items[f.id] = FrameItem(f.id)
                scene.addItem(item)
            item.set_frame(f.title, f.color, f.collapsed)
            item.members = [m for m in f.members if m in scene.nodes and m in doc]
            tip = (f"{f.title}: {', '.join(doc.node(m).name for m in item.members)}\n"
                   "Drag the title to move it; double-click the title to rename; right-click "
                   "for colour, collapse and ungroup")
            if item.toolTip() != tip:
                item.setToolTip(tip)
            if f.collapsed:
                touched |= self._collapse(item)
            self._place(f.id, item.members)
        for wire in touched:
            if wire.scene() is scene:
                wire.update_path()

    def _reset_hidden(self) -> set[WireItem]:
        for it in self._hidden:
            it.setVisible(True)
        touched = {it for it in self._hidden if isinstance(it, WireItem)}
        for port in self._redirected:
            port.anchor_override = None
            touched.update(port.wires)
        self._hidden, self._redirected = [], []
        return touched

    def _collapse(self, item: FrameItem) -> set[WireItem]:
        """Hide the members and inner wires; crossing wires attach to the box's ports."""
        doc, scene = self.controller.doc, self.scene
        f = replace(doc.frame(item.frame_id), members=tuple(item.members))  # items that exist
        b = border(doc, f)
        b.exits = [i for i in b.exits if i in scene.nodes]
        inputs = []
        for w in b.inputs:
            port_item = scene.nodes[w.dst].input_port(w.port)
            label = f"{doc.node(w.dst).name}.{port_item.label if port_item else w.port}"
            inputs.append((w, label))
        exits = [self._exit_row(i) for i in b.exits]
        self._hide_inside(item)
        touched = self._redirect(item, b)
        item.inputs, item.exits = inputs, exits
        return touched

    def _exit_row(self, node_id: str) -> Any:
        """An exit port's row on the box: the node's name, value and gradient (if any)."""
        result = self.controller.result
        value = grad = None
        if result is not None:
            value = result.values.get(node_id)
            grad = result.grads.get(node_id)
            if grad is None:
                grad = result.node_grads.get(node_id)
        return exit_row(node_id, self.controller.doc.node(node_id).name, value, grad)

    def _hide_inside(self, item: FrameItem) -> None:
        """The members and the wires between them disappear (remembered to show again)."""
        scene = self.scene
        inside = set(item.members)
        for m in item.members:
            node = scene.nodes[m]
            node.setSelected(False)
            node.setVisible(False)
            self._hidden.append(node)
        for key, wire in scene.wires.items():
            if key.src in inside and key.dst in inside:
                wire.setVisible(False)
                self._hidden.append(wire)

    def _redirect(self, item: FrameItem, b: Any) -> set[WireItem]:
        """The ports of wires crossing the border anchor on the box; the wires to redraw."""
        scene = self.scene
        touched: set[WireItem] = set()
        for w in b.inputs:
            port = scene.nodes[w.dst].input_port(w.port)
            if port is not None:
                port.anchor_override = partial(item.input_anchor, w)
                self._redirected.append(port)
                touched.update(port.wires)
        for i in b.exits:
            port = scene.nodes[i].output
            if port is not None:
                port.anchor_override = partial(item.exit_anchor, i)
                self._redirected.append(port)
                touched.update(port.wires)
        return touched

    def _place(self, frame_id: str, members: list[str]) -> None:
        item = self.items[frame_id]
        nodes = [self.scene.nodes[m] for m in members if m in self.scene.nodes]
        item.setVisible(bool(nodes))
        if not nodes:
            return
        rect = QRectF()
        for n in nodes:
            rect = rect.united(n.mapRectToScene(n.shape().boundingRect()))
        if not item.collapsed:
            item.fit_members(rect)
            return
        old = QPointF(item.pos())
        item.set_box(rect.center(), item.inputs, item.exits)
        if item.pos() != old:
            for n in nodes:
                for port in n.ports():
                    for wire in port.wires:
                        wire.update_path()

    # ---- what the actions act on ---------------------------------------------------------------
    def selected_frame_ids(self) -> list[str]:
        """Frames picked by the selection: selected frame items, and frames of selected nodes."""
        doc = self.controller.doc
        ids = [it.frame_id for it in self.scene.selected_frames()]
        for n in self.scene.selected_nodes():
            f = doc.frame_of(n.node_id) if n.node_id in doc else None
            if f is not None:
                ids.append(f.id)
        return [i for i in dict.fromkeys(ids) if i in doc.frames]

    def group_selection(self) -> bool:
        """Ctrl+G: the selected nodes become a frame (then rename it in place)."""
        ids = [n.node_id for n in self.scene.selected_nodes()]
        if not ids:
            self.controller.statusMessage.emit("Select the nodes to group first.")
            return False
        frame_id = self.controller.doc.new_frame_id()
        if not self.controller.push("group", ids, frame_id=frame_id):
            return False
        self.controller.statusMessage.emit(
            "Grouped into a frame: double-click its title to rename it; Ctrl+Shift+G ungroups.")
        return True

    def ungroup_selection(self) -> None:
        ids = self.selected_frame_ids()
        if not ids:
            self.controller.statusMessage.emit("Select a frame (or a node in one) to ungroup.")
            return
        self._push_each("ungroup", [(i,) for i in ids], {})

    def toggle_selection(self) -> None:
        """Collapse the selected frames, or expand them if they all are collapsed."""
        ids = self.selected_frame_ids()
        if not ids:
            self.controller.statusMessage.emit("Select a frame (or a node in one) first.")
            return
        frames = [self.controller.doc.frame(i) for i in ids]
        collapse = not all(f.collapsed for f in frames)
        self._push_each("set_frame", [(i,) for i in ids], {"collapsed": collapse})

    def toggle(self, frame_id: str) -> None:
        f = self.controller.doc.frame(frame_id)
        self.controller.push("set_frame", frame_id, collapsed=not f.collapsed)

    def set_color(self, frame_ids: list[str], color: str) -> None:
        self._push_each("set_frame", [(i,) for i in frame_ids], {"color": color})

    def _push_each(self, kind: str, args: list[tuple[Any, ...]], kwargs: dict) -> None:
        if len(args) == 1:
            self.controller.push(kind, *args[0], **kwargs)
        else:
            self.controller.push_macro(f"{kind} {len(args)} frames",
                                       [(kind, a, kwargs) for a in args])

    # ---- renaming in place ---------------------------------------------------------------------
    def start_rename(self, frame_id: str) -> QLineEdit | None:
        """A line edit over the frame's title: Enter renames (one undo step), Esc cancels."""
        item = self.items.get(frame_id)
        if item is None or frame_id not in self.controller.doc.frames:
            return None
        self.finish_rename(None)
        edit = _TitleEdit(self.controller.doc.frame(frame_id).title)
        edit.setMaxLength(MAX_TITLE)
        edit.setFrame(False)
        proxy = self.scene.addWidget(edit)
        proxy.setZValue(20)
        rect = item.title_rect()
        proxy.setPos(item.mapToScene(QPointF(6, 3)))
        proxy.resize(max(120.0, rect.width() - 36), TITLE_H - 6)
        self._editor = proxy
        edit.done.connect(lambda ok: self.finish_rename(frame_id if ok else None))
        edit.selectAll()
        edit.setFocus()
        return edit

    def finish_rename(self, frame_id: str | None) -> None:
        """Close the editor; with a frame id, push its text as the new title."""
        proxy, self._editor = self._editor, None
        if proxy is None:
            return
        text = proxy.widget().text()
        proxy.widget().blockSignals(True)
        self.scene.removeItem(proxy)
        proxy.deleteLater()
        if frame_id is not None and frame_id in self.controller.doc.frames and \
                text.strip() != self.controller.doc.frame(frame_id).title:
            self.controller.push("set_frame", frame_id, title=text)

    # ---- menu ----------------------------------------------------------------------------------
    def frame_menu(self, frame_id: str, parent: Any = None) -> QMenu:
        """Rename, colour, collapse/expand and ungroup one frame (its context menu)."""
        f = self.controller.doc.frame(frame_id)
        menu = QMenu(parent)
        menu.addAction("Rename…", lambda: self.start_rename(frame_id))
        colors = menu.addMenu("Colour")
        for name in FRAME_COLORS:
            act = colors.addAction(swatch(name), name.capitalize(),
                                   lambda n=name: self.set_color([frame_id], n))
            act.setCheckable(True)
            act.setChecked(name == f.color)
        menu.addAction("Expand" if f.collapsed else "Collapse", lambda: self.toggle(frame_id))
        menu.addAction("Ungroup", lambda: self.controller.push("ungroup", frame_id))
        return menu

    def show_frame_menu(self, frame_id: str, screen_pos: QPoint) -> None:
        if frame_id in self.controller.doc.frames:
            self.frame_menu(frame_id, self.scene.views()[0] if self.scene.views() else None
                            ).exec(screen_pos)

    # ---- stepping ------------------------------------------------------------------------------
    def show_step(self, pic: StepPicture | None) -> None:
        """A collapsed frame takes the state of its member the stepper reaches (the one its
        folded step is named after); None: back to the normal picture."""
        for item in self.items.values():
            if pic is None or not item.collapsed:
                item.set_step_state(None)
                continue
            states = [pic.nodes.get(m, "off") for m in item.members]
            item.set_step_state(next((s for s in states if s != "off"), "off"))


class _TitleEdit(QLineEdit):
    """The in-place title editor: `done(True)` on Enter or focus loss, `done(False)` on Esc."""

    done = Signal(bool)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.done.emit(True)
            return
        if event.key() == Qt.Key.Key_Escape:
            self.done.emit(False)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().focusOutEvent(event)
        self.done.emit(True)


def swatch(name: str) -> QIcon:
    """A small filled square of a frame colour, for menus."""
    pix = QPixmap(14, 14)
    pix.fill(QColor(theme.frame_color(name)))
    return QIcon(pix)


def retint_swatches(menu: QMenu) -> None:
    """Repaint the swatches of a colour menu (actions with a "frame_colour" property) in the
    current theme's shades: a menu built under the light theme kept light ones."""
    for act in menu.actions():
        name = act.property("frame_colour")
        if isinstance(name, str):
            act.setIcon(swatch(name))


# ---------------------------------------------------------------------------------- window
def install(window: MainWindow, stepper: Any = None) -> FrameLayer:
    """Give the window frames: the layer, Edit ▸ Frame actions (Ctrl+G, Ctrl+Shift+G,
    collapse/expand, rename, colour), the canvas gestures and `stepper`'s picture (a collapsed
    frame lights up as one step). The window keeps the layer (`window.frames`)."""
    layer = FrameLayer(window.controller, window)
    scene = window.scene
    a = window.add_action
    layer.act_group = a("&Group into Frame", layer.group_selection, "Ctrl+G",
                        tip="Group the selected nodes into a titled frame")
    layer.act_ungroup = a("&Ungroup Frame", layer.ungroup_selection, "Ctrl+Shift+G",
                          tip="Remove the selected frame; its nodes stay")
    layer.act_collapse = a("&Collapse / Expand Frame", layer.toggle_selection, "Ctrl+Alt+G",
                           tip="Show a frame as one box (its crossing wires, the value and "
                               "gradient of what leaves it), or open it again")

    def rename_selected() -> None:
        ids = layer.selected_frame_ids()
        if ids:
            layer.start_rename(ids[0])

    layer.act_rename = a("&Rename Frame…", rename_selected, tip="Rename the selected frame")
    menu = window.menu("Edit")
    if menu is not None:
        sub = menu.addMenu("&Frame")
        sub.addActions([layer.act_group, layer.act_ungroup, layer.act_collapse,
                        layer.act_rename])
        colors = sub.addMenu("C&olour")
        for name in FRAME_COLORS:
            act = colors.addAction(swatch(name), name.capitalize(),
                                   lambda n=name: layer.set_color(layer.selected_frame_ids(), n))
            act.setProperty("frame_colour", name)  # not data(): apply_theme reads that as an icon
        # the swatches are painted for a theme: repaint them for the one shown now
        colors.aboutToShow.connect(lambda m=colors: retint_swatches(m))
        layer.colour_menu = colors
    scene.frameToggleRequested.connect(layer.toggle)
    scene.frameRenameRequested.connect(layer.start_rename)
    scene.frameMenuRequested.connect(layer.show_frame_menu)
    if stepper is not None:
        stepper.stepChanged.connect(lambda _i: layer.show_step(stepper.picture()))
        stepper.activeChanged.connect(lambda on: None if on else layer.show_step(None))
    return layer
