"""The document of a script run: the graph autograd recorded for the script's result.

The engine graph is turned into nodes by Differentiate's translation
(`differentiate.document_of`), so code → graph and ∂/∂x → graph read engine nodes the
same way. This module only chooses the result, names the nodes after the script's
names, sets the output (with backward's gradient argument), lays the graph out and
writes a note on what control flow did (a loop shows unrolled, only the branch taken
is in the graph).
"""

from __future__ import annotations

from typing import Any

from core.graph.differentiate import document_of
from core.graph.document import Document
from core.graph.layout import apply_layout, layered_layout
from core.graph.script_interp import Interpreter
from core.tensor import Tensor


def result_tensors(interp: Interpreter) -> list[Tensor]:
    """What the document shows: the tensor(s) backward / autograd.grad last ran from,
    else the last tensor assigned that has a grad_fn. (After ``grad(...,
    create_graph=True)`` the derivatives it returned are shown too, as the output.)"""
    if interp.result:
        return list(interp.result)
    return [] if interp.last_assigned is None else [interp.last_assigned]


def _names(interp: Interpreter) -> dict[int, str]:
    return {key: name for key, (ref, name) in interp.names.items() if ref() is not None}


def control_flow_note(interp: Interpreter, lines: list[str]) -> str:
    """In words, how loops and branches shaped the recorded graph."""
    parts = []
    for line, n in sorted(interp.loops.items()):
        head = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        if head.startswith("while"):
            parts.append(f"the loop on line {line} ran {n} time{'s' * (n != 1)}: the graph "
                         "shows it unrolled, one set of nodes per iteration")
        elif n > 1:
            parts.append(f"the loop on line {line} ran {n} times; the graph is what its "
                         "last iteration recorded")
    for line, branch in sorted(interp.branches.items()):
        parts.append(f"the if on line {line} took its {branch!r} branch, so only that "
                     "branch is in the graph")
    if not parts:
        return ""
    return "Python control flow is not recorded, only the ops it ran: " + "; ".join(
        parts) + "."


def _start_parameters(interp: Interpreter, doc: Document) -> str:
    """After an optimizer loop, its parameters hold their values from before the first
    step, so the Train dock (preset with the same optimizer, lr and steps) replays the
    loop; returns the note saying so ("" if there was no loop)."""
    if interp.optimizer is None or interp.optimizer_steps == 0:
        return ""
    names = _names(interp)
    moved = []
    for p, start in interp.optimizer_start:
        name = names.get(id(p))
        node = doc.by_name(name) if name else None
        if node is None or node.op != "variable":
            continue
        doc.set_value(node.id, start, node.dtype)
        moved.append(f"{name} (the script ended with {name} = {str(p.detach())})")
    if not moved:
        return ""
    opt = type(interp.optimizer).__name__
    lr = interp.optimizer.param_groups[0]["lr"]
    return (f"The optimizer's parameters show their values before its first step: "
            f"{', '.join(moved)}; Train ▸ Run ({opt}, lr {lr:g}, "
            f"{interp.optimizer_steps} steps) replays the loop.")


def build_document(interp: Interpreter, source: str) -> Document:
    """The laid-out document of the run's result (empty if no tensor has a graph)."""
    roots = result_tensors(interp)
    derivatives = list(interp.derivatives) if interp.result else []
    if not roots:
        doc = Document()
    else:
        doc, all_ids = document_of(roots + derivatives, _names(interp), interp.saved_inputs)
        ids = all_ids[:len(roots)]
        gradient = interp.result_gradient if interp.result else None
        root_value = roots[0].detach().numpy()
        if gradient is not None and gradient.shape != root_value.shape:
            gradient = None
        if gradient is None and root_value.size != 1:
            gradient = None  # backward needs one: the app asks for it
        out = ids[0]
        if len(ids) > 1 and interp.result and all(
                tuple(t.shape) == tuple(roots[0].shape) for t in roots):
            # grad(outputs=[y1, y2]) sums the outputs' gradients: backward from y1 + y2
            for nid in ids[1:]:
                name = doc.unique_name(f"{doc.node(out).name}_plus_{doc.node(nid).name}")
                add = doc.add_node("add", name=name)
                doc.connect(out, add, "a")
                doc.connect(nid, add, "b")
                out = add
        if derivatives:  # as Graph ▸ Differentiate: the derivative is the output
            out, gradient = all_ids[len(roots)], None
        doc.set_output(out, gradient)
        apply_layout(doc, layered_layout(doc))
    train_note = _start_parameters(interp, doc)
    lines = source.splitlines()
    title = f"Script: {doc.node(doc.output).name}" if doc.output is not None else "Script"
    meta: dict[str, Any] = {"title": title, "source": "script"}
    note = control_flow_note(interp, lines)
    explanation = (f"The graph autograd recorded for {doc.node(doc.output).name} while "
                   "the script ran." if doc.output is not None else
                   "The script recorded no graph (no tensor with a grad_fn).")
    meta["explanation"] = explanation + "".join(" " + n for n in (note, train_note) if n)
    if note:
        meta["control_flow"] = note
    doc.meta = meta
    return doc


__all__ = ["build_document", "control_flow_note", "result_tensors"]
