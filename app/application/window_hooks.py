"""The window's public sockets: how a room plugs a dock, an action or a bar into the window.

Stepping, training, frames, the autograd controls, the landscape and the Script dock each
build their own widgets and actions, then hand them to the window through these methods and
return what they made; the window keeps the references (`window.stepper = install(window)`).
So no room sets attributes on the window or calls its privates, and no room imports
`main_window` (it only needs these methods, which `MainWindow` inherits).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar, QWidget

from app.application import icons, shortcuts

Shortcut = str | QKeySequence | list[str | QKeySequence] | None


class WindowHooks:
    """Mixed into `MainWindow` (a QMainWindow with a `toolbar`, a `view` in a central layout)."""

    toolbar: QToolBar

    # ---- docks --------------------------------------------------------------------------------
    def add_dock(self, title: str, object_name: str, widget: QWidget,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea, *,
                 tab_with: QDockWidget | None = None, hidden: bool = False) -> QDockWidget:
        """A movable, closable, floatable dock; `object_name` is what saveState remembers it by.
        `tab_with` puts it as a tab beside another dock; `hidden` starts it closed."""
        win = self._main()
        dock = QDockWidget(title, win)
        dock.setObjectName(object_name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        win.addDockWidget(area, dock)
        if tab_with is not None:
            win.tabifyDockWidget(tab_with, dock)
        if hidden:
            dock.hide()
        return dock

    # ---- actions ------------------------------------------------------------------------------
    def add_action(self, text: str, slot: Callable, shortcut: Shortcut = None,
                   icon: str | None = None, tip: str | None = None,
                   checkable: bool = False) -> QAction:
        """A window-wide action: its shortcuts (made unique, see `shortcuts.unique`), icon name
        (kept in `data()` so the theme can recolour it) and a tooltip that shows the key."""
        win = self._main()
        act = QAction(text, win)
        if icon:
            act.setIcon(icons.icon(icon))
            act.setData(icon)
        if shortcut is not None:
            seqs = shortcut if isinstance(shortcut, list) else [shortcut]
            act.setShortcuts(shortcuts.unique(seqs))
        tip = tip or text.replace("&", "").replace("…", "")
        if act.shortcut().toString():
            tip += f"  ({act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        act.setToolTip(tip)
        act.setStatusTip(tip)
        act.setCheckable(checkable)
        if checkable:
            act.toggled.connect(slot)
        else:
            act.triggered.connect(lambda _checked=False: slot())
        win.addAction(act)
        return act

    def menu(self, title: str) -> QMenu | None:
        """A top-level menu by its visible title ("Graph", "Edit", "View"), `&` ignored."""
        for act in self._main().menuBar().actions():
            if act.text().replace("&", "") == title and act.menu() is not None:
                return act.menu()
        return None

    def add_menu_actions(self, title: str, actions: Sequence[QAction], *,
                         after: QAction | None = None, separator: bool = False) -> None:
        """Put `actions` into the menu `title`: right after `after` if it is there, else at
        the end (behind a separator if asked). A missing menu is no error: nothing to show."""
        menu = self.menu(title)
        if menu is None:
            return
        if after is None or after not in menu.actions():
            if separator:
                menu.addSeparator()
            menu.addActions(list(actions))
            return
        _insert_after(menu, after, actions)

    def add_toolbar_actions(self, actions: Sequence[QAction], *,
                            before: QAction | None = None, after: QAction | None = None,
                            separator: bool = False) -> None:
        """Put `actions` on the toolbar, before `before` or after `after` when present there
        (a separator between them and `before` if asked), else at the end."""
        tb = self.toolbar
        present = tb.actions()
        if before is not None and before in present:
            tb.insertActions(before, list(actions))
            if separator:
                tb.insertSeparator(before)
        elif after is not None and after in present:
            _insert_after(tb, after, actions)
        else:
            tb.addActions(list(actions))

    # ---- the central column -------------------------------------------------------------------
    def add_above_canvas(self, widget: QWidget) -> None:
        """A bar directly above the canvas (the step bars), below the expression bar."""
        win = self._main()
        lay = win.centralWidget().layout()
        lay.insertWidget(max(lay.indexOf(self.view), 0), widget)

    def _main(self) -> QMainWindow:
        assert isinstance(self, QMainWindow)
        return self


def _insert_after(target: QMenu | QToolBar, anchor: QAction, actions: Sequence[QAction]) -> None:
    present = target.actions()
    i = present.index(anchor)
    before = present[i + 1] if i + 1 < len(present) else None
    target.insertActions(before, list(actions))
