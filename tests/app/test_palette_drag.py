"""After a palette drag drops a node on the canvas, no palette entry stays highlighted."""

from __future__ import annotations

from helpers import drop_op
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCursor
from PySide6.QtTest import QTest


def _entry(tree, op: str):
    return next(tree.topLevelItem(g).child(i) for g in range(tree.topLevelItemCount())
                for i in range(tree.topLevelItem(g).childCount())
                if tree.topLevelItem(g).child(i).text(0) == op)


def test_the_dragged_entry_is_not_left_highlighted(window, qtbot):
    tree = window.palette_widget.tree
    item = _entry(tree, "exp")
    rect = tree.visualItemRect(item)
    viewport = tree.viewport()
    QTest.mouseMove(viewport, rect.center())  # hovered, then pressed: current and selected
    tree.setCurrentItem(item)
    assert tree.selectedItems() == [item]
    before = len(window.controller.doc)

    def drop_on_canvas(drag):
        QCursor.setPos(window.view.mapToGlobal(window.view.rect().center()))
        drop_op(window, "exp", QPointF(0, 0))
        return Qt.DropAction.CopyAction

    tree.run_drag = drop_on_canvas
    tree.startDrag(Qt.DropAction.CopyAction)
    qtbot.wait(10)
    assert len(window.controller.doc) == before + 1  # the drop made its node
    assert tree.selectedItems() == [] and tree.currentItem() is None
    shot = viewport.grab()
    shot.save("/tmp/r4-polish-palette.png")
    row = rect.center().y()
    other = tree.visualItemRect(_entry(tree, "log")).center().y()  # an entry never touched
    x = tree.columnWidth(0) - 6  # right of the names, left of the symbols
    assert shot.toImage().pixelColor(x, row) == shot.toImage().pixelColor(x, other)
