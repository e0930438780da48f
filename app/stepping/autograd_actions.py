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

from dataclasses import dataclass
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


@dataclass(frozen=True)
class AutogradActions:
    """The four actions, for the window to keep (`window.act_zero_grad`, ...)."""

    backward_again: QAction
    zero_grad: QAction
    keep_graph: QAction
    backward_selected: QAction


def install(window: MainWindow) -> AutogradActions:
    """Create the actions and place them after Run Backward / Auto Backward, through the
    window's public hooks."""
    c = window.controller
    a = window.add_action
    fresh = "Run backward from the output now: fresh gradients, as zero_grad(); y.backward()"
    window.act_backward.setToolTip(f"{fresh}  (Ctrl+B)")
    window.act_backward.setStatusTip(fresh)
    acts = AutogradActions(
        backward_again=a(
            "Backward &Again", c.backward_again, "Ctrl+Shift+B", "backward-again",
            "y.backward() once more: every .grad adds this pass's gradient (refused when the "
            "last pass freed the graph: tick Keep graph)"),
        zero_grad=a(
            "&Zero Grad", c.zero_grad, "Ctrl+Shift+Backspace", "zero-grad",
            "x.grad.zero_() for every variable: clear the accumulated gradients"),
        keep_graph=a(
            "&Keep Graph (retain_graph)", c.set_keep_graph, "Ctrl+Shift+K", "keep-graph",
            "backward(retain_graph=True): keep the graph's saved values so Backward again can "
            "run through it", checkable=True),
        backward_selected=a(
            "Backward from &Selected", lambda: backward_selected(window), "Ctrl+Alt+B",
            "backward-selected",
            "autograd.backward([y1, y2]) from the selected outputs: gradients sum over them"),
    )
    acts.keep_graph.setChecked(c.keep_graph)
    on_toolbar = [acts.backward_again, acts.zero_grad, acts.keep_graph]
    window.add_menu_actions("Graph", [*on_toolbar, acts.backward_selected],
                            after=window.act_auto)
    window.add_toolbar_actions(on_toolbar, after=window.act_auto)
    return acts
