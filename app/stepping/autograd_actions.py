"""Autograd's own controls in the window: Backward again, Zero Grad, Keep graph, Backward from
selected.

Run Backward and Auto Backward give fresh gradients (`zero_grad(); y.backward()`); these
actions let a person do what a PyTorch program does between passes — call backward once more
and watch `.grad` accumulate, zero it, keep the graph with `retain_graph=True` or meet the
"backward through the graph a second time" error, and run one combined pass from several
outputs. The semantics live in `core.graph.grad_state`; this module only wires actions to the
controller and puts them in the Graph menu and toolbar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from app.application.main_window import MainWindow


def backward_selected(window: MainWindow) -> None:
    """Backward from the selected nodes (the output nodes among them, if any are)."""
    doc = window.controller.doc
    chosen = [it.node_id for it in window.scene.selected_nodes()]
    outs = [n for n in chosen if doc.node(n).op == "output"] or chosen
    if not outs:
        window.show_status("Select one or more output nodes (Ctrl+click) to run backward "
                           "from all of them at once.")
        return
    window.controller.backward_from(outs)


def install(window: MainWindow) -> None:
    """Create the actions (window.act_backward_again, act_zero_grad, act_keep_graph,
    act_backward_selected) and place them after Run Backward / Auto Backward."""
    from app.application.main_window import menu_of

    c = window.controller
    a = window._action
    fresh = "Run backward from the output now: fresh gradients, as zero_grad(); y.backward()"
    window.act_backward.setToolTip(f"{fresh}  (Ctrl+B)")
    window.act_backward.setStatusTip(fresh)
    window.act_backward_again = a(
        "Backward &Again", c.backward_again, "Ctrl+Shift+B", "backward-again",
        "y.backward() once more: every .grad adds this pass's gradient (refused when the "
        "last pass freed the graph: tick Keep graph)")
    window.act_zero_grad = a(
        "&Zero Grad", c.zero_grad, "Ctrl+Shift+Backspace", "zero-grad",
        "x.grad.zero_() for every variable: clear the accumulated gradients")
    window.act_keep_graph = a(
        "&Keep Graph (retain_graph)", c.set_keep_graph, "Ctrl+Shift+K", "keep-graph",
        "backward(retain_graph=True): keep the graph's saved values so Backward again can "
        "run through it", checkable=True)
    window.act_keep_graph.setChecked(c.keep_graph)
    window.act_backward_selected = a(
        "Backward from &Selected", lambda: backward_selected(window), "Ctrl+Alt+B",
        "backward-selected",
        "autograd.backward([y1, y2]) from the selected outputs: gradients sum over them")
    new = [window.act_backward_again, window.act_zero_grad, window.act_keep_graph,
           window.act_backward_selected]

    menu = menu_of(window, "Graph")
    if menu is not None:
        _insert_after(menu.actions(), window.act_auto, new, menu.insertActions)
    tb = window.toolbar
    _insert_after(tb.actions(), window.act_auto,
                  [window.act_backward_again, window.act_zero_grad, window.act_keep_graph],
                  tb.insertActions)


def _insert_after(actions: list[QAction], anchor: QAction, new: list[QAction],
                  insert) -> None:  # noqa: ANN001 - QMenu/QToolBar.insertActions
    i = actions.index(anchor) if anchor in actions else len(actions) - 1
    before = actions[i + 1] if i + 1 < len(actions) else None
    insert(before, new)
