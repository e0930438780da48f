"""The backward engine: ``backward`` and ``grad`` are one loop over the graph.

The graph is walked iteratively (a 100,000-op chain needs no recursion), nodes run in
dependency order with the most recently created first (as PyTorch's engine does), each
node's derivative rules come from the op table, and — when a recorder is active — each
processed node is written to the trace the app's stepper replays."""

from __future__ import annotations

import gc
import heapq
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..tensor import Tensor
from . import trace as _trace
from .grad_mode import STATE
from .node import EDITS, FREED_MESSAGE, AccumulateGrad, Node

UNUSED_MESSAGE = ("The differentiated Tensor at index {} appears to not have been used in the "
                  "graph. Set allow_unused=True if this is the desired behavior.")

_TYPE_NAMES = {"float32": "Float", "float64": "Double", "int64": "Long", "bool": "Bool"}


def _as_tuple(x: Any) -> tuple[Any, ...]:
    if x is None:
        return ()
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _root_grads(outputs: tuple[Tensor, ...], grads: tuple[Any, ...]) -> list[Tensor]:
    """Check the outputs and make the implicit ``ones`` gradient for scalar ones."""
    if grads and len(grads) != len(outputs):
        raise RuntimeError(f"grad can be implicitly created only for scalar outputs; got "
                           f"{len(grads)} gradients for {len(outputs)} outputs")
    result = []
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise TypeError(f"backward expects tensors, got {type(out).__name__}")
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have "
                               "a grad_fn")
        g = grads[i] if grads else None
        if g is None:
            if out._data.size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs (this output has "
                    f"shape {list(out._data.shape)}: pass gradient= a tensor of that shape, "
                    "or reduce it to a scalar first, e.g. y.sum().backward())")
            g = Tensor._from_array(np.ones_like(out._data))
        else:
            if not isinstance(g, Tensor):
                g = Tensor._from_array(np.asarray(g, dtype=out._data.dtype))
            if g._data.shape != out._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                    f"output[{i}] has a shape of {out.shape}.")
            if g._data.dtype != out._data.dtype:
                g = g.to(out.dtype)
        result.append(g)
    return result


def backward(tensors: Tensor | Sequence[Tensor], grad_tensors: Any = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             inputs: Tensor | Sequence[Tensor] | None = None) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves (or of
    ``inputs`` only, when given)."""
    outputs = _as_tuple(tensors)
    grads = _root_grads(outputs, _as_tuple(grad_tensors) if not isinstance(
        grad_tensors, Tensor) else (grad_tensors,))
    ins = _as_tuple(inputs) if inputs is not None else None
    if ins is not None and not ins:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run(outputs, grads, retain_graph=create_graph if retain_graph is None else retain_graph,
        create_graph=create_graph, inputs=ins, accumulate=True)


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor],
         grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False
         ) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` w.r.t. ``inputs`` (summed over outputs), returned
    rather than accumulated into ``.grad``."""
    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    if not ins:
        raise RuntimeError("grad requires at least one input")
    go = grad_outputs
    go = (go,) if isinstance(go, Tensor) else _as_tuple(go)
    grads = _root_grads(outs, go)
    for t in ins:
        if not isinstance(t, Tensor) or not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if allow_unused is None:
        allow_unused = materialize_grads
    result = run(outs, grads, retain_graph=create_graph if retain_graph is None else retain_graph,
                 create_graph=create_graph, inputs=ins, accumulate=False)
    final: list[Tensor | None] = []
    for i, (t, g) in enumerate(zip(ins, result)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(UNUSED_MESSAGE.format(i))
            if materialize_grads:
                g = Tensor._from_array(np.zeros_like(t._data))
        final.append(g)
    return tuple(final)


def _target_node(t: Tensor) -> Node | AccumulateGrad:
    return t._grad_fn if t._grad_fn is not None else t._accumulator()


def _postorder(roots: list[Any]) -> list[Any]:
    """Nodes reachable from ``roots``, each after everything it leads to (iterative)."""
    order: list[Any] = []
    visited: set[Any] = set()
    for r in roots:
        if r in visited:
            continue
        visited.add(r)
        stack = [(r, iter(r.next_functions))]
        while stack:
            node, it = stack[-1]
            for nxt, _ in it:
                if nxt is not None and nxt not in visited:
                    visited.add(nxt)
                    stack.append((nxt, iter(nxt.next_functions)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def _check_saved(node: Node, wanted: list[bool] | None) -> None:
    op = node.op
    if wanted is None:
        wanted = [nxt is not None for nxt, _ in node.next_functions]
    if node.released and (op.saves or op.saves_output):
        raise RuntimeError(FREED_MESSAGE)
    inputs = node.inputs
    for i, v in zip(op.saves, node.versions):
        t = inputs[i]
        if t._vbox[0] != v:
            reads = op.reads
            if reads is not None and not any(w and i in r for w, r in zip(wanted, reads)):
                continue  # only the rules of inputs not differentiated here read it (x * c)
            _version_error(t, v)
    if op.saves_output and node.out_box[0] != node.out_version:
        raise RuntimeError(
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [torch.{_TYPE_NAMES.get(str(node.out_data.dtype), 'Float')}"
            f"Tensor {list(node.out_data.shape)}], which is output 0 of {node.name()}, is at "
            f"version {node.out_box[0]}; expected version {node.out_version} instead. Hint: "
            "clone() the tensor before modifying it in place, or don't modify it until after "
            "backward.")


def _version_error(t: Tensor, expected: int) -> None:
    producer = (f", which is output 0 of {t._grad_fn.name()}," if t._grad_fn is not None
                else "")
    raise RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [torch.{_TYPE_NAMES.get(t.dtype.name, 'Float')}Tensor {list(t.shape)}]"
        f"{producer} is at version {t._vbox[0]}; expected version {expected} instead. Hint: "
        "clone() the tensor before modifying it in place, or don't modify it until after "
        "backward.")


def _sum(a: Tensor, b: Tensor, create_graph: bool) -> Tensor:
    if create_graph:
        from ..ops import add
        return add(a, b)
    return Tensor._from_array(np.asarray(a._data + b._data))  # 0-d + 0-d is a numpy scalar


def _store_grad(var: Tensor, g: Tensor, create_graph: bool, owned: bool = False) -> None:
    """``.grad`` accumulation, PyTorch's way: the first gradient is stored (copied unless
    the engine made it and nothing else can see it), later ones are added in place (or
    out of place, with graph)."""
    if g._data.dtype != var._data.dtype:
        g = g.to(var.dtype)
        owned = True
    if var._grad is None:
        if create_graph:
            var._grad = g
        elif owned and g._data.flags.writeable:
            var._grad = Tensor._from_array(g._data)
        else:
            var._grad = Tensor._from_array(np.array(g._data, copy=True))
    elif create_graph or var._grad._requires_grad:
        from ..ops import add
        var._grad = add(var._grad, g)
    else:
        try:
            var._grad._data += g._data
        except ValueError:  # read-only or broadcast .grad assigned by the user
            var._grad._data = var._grad._data + g._data
        var._grad._bump()


def _apply_hooks(hooks: list[Any] | None, g: Tensor) -> Tensor:
    if hooks:
        for hook in list(hooks):
            new = hook(g)
            if new is not None:
                g = new
    return g


def run(outputs: Sequence[Tensor], grads: list[Tensor], *, retain_graph: bool,  # noqa: C901, PLR0912, PLR0915 - hot path inlined, see below
        create_graph: bool, inputs: Sequence[Tensor] | None, accumulate: bool
        ) -> list[Tensor | None]:
    """Propagate ``grads`` from ``outputs`` through the graph.

    With ``accumulate`` leaves' ``.grad`` are updated (backward); otherwise the
    gradients arriving at ``inputs`` are returned (grad). This loop is the hot path of
    every backward pass, hence its flat, inlined style: ruff's complexity rules are
    waived here rather than split it, since each helper call per node costs ~0.11 µs
    (timeit, this machine), 2% of the ~5 µs per op (forward + backward) that
    `benchmarks/engine_bench.py small` measures — a few helpers per node would be 5-10%."""
    roots = [_target_node(t) for t in outputs]
    targets: dict[Any, int] = {}
    prune = inputs is not None
    deps: dict[Any, int] = {}
    if prune:
        order = _postorder(roots)
        for k, t in enumerate(inputs):
            targets.setdefault(_target_node(t), k)
        needed: set[Any] | dict[Any, int] = set()
        for node in order:  # children come first in post-order
            if node in targets or any(
                    nxt is not None and nxt in needed for nxt, _ in node.next_functions):
                needed.add(node)
        for node in order:
            if node in needed:
                for nxt, _ in node.next_functions:
                    if nxt is not None and nxt in needed:
                        deps[nxt] = deps.get(nxt, 0) + 1
        n_nodes = len(order)
    else:
        # one walk counts every edge: a node's dependencies are the edges into it
        seen = set(roots)
        stack = list(seen)
        while stack:
            for nxt, _ in stack.pop().next_functions:
                if nxt is not None:
                    if nxt in deps:
                        deps[nxt] += 1
                    else:
                        deps[nxt] = 1
                        if nxt not in seen:
                            seen.add(nxt)
                            stack.append(nxt)
        needed = deps  # every reachable node but the roots; roots are handled below
        n_nodes = len(seen)

    buffer: dict[Any, Tensor] = {}
    ready: list[tuple[int, Any]] = []
    for node, g in zip(roots, grads):
        if prune and node not in needed:
            continue
        if node in buffer:
            buffer[node] = _sum(buffer[node], g, create_graph)
        else:
            buffer[node] = g
            if deps.get(node, 0) == 0:
                heapq.heappush(ready, (-node.seq, node))

    captured: list[Tensor | None] = [None] * (len(inputs) if inputs is not None else 0)
    fresh: set[int] = set()  # ids of gradients (alive in `buffer`) made in this pass
    recorders = _trace.active()
    prev_mode = STATE.enabled
    STATE.enabled = create_graph
    # Python's cycle collector rescans every live node as the pass allocates; a big graph
    # makes that quadratic-looking. Nothing here creates cycles, so pause it.
    pause_gc = n_nodes > 2000 and gc.isenabled()
    if pause_gc:
        gc.disable()
    pop, push = heapq.heappop, heapq.heappush
    node_next: Any = None  # the only node made ready by the last step: no heap round trip
    try:
        while ready or node_next is not None:
            if node_next is None:
                node = pop(ready)[1]
            elif ready and ready[0][0] < -node_next.seq:  # _skip readied a later node
                node = heapq.heappushpop(ready, (-node_next.seq, node_next))[1]
                node_next = None
            else:
                node, node_next = node_next, None
            g = buffer.pop(node)
            target = targets.get(node) if prune else None
            if type(node) is AccumulateGrad:
                var = node.variable
                if var._hooks:
                    g = _apply_hooks(var._hooks, g)
                step_acc: list[tuple[Tensor, Tensor]] = []
                if target is not None and not accumulate:
                    captured[target] = g
                elif accumulate and (not prune or target is not None):
                    # a gradient a rule or a sum just made can become .grad without a copy;
                    # a passed-through, viewed, hooked or recorded one could be aliased
                    _store_grad(var, g, create_graph,
                                owned=id(g) in fresh and not recorders and not var._hooks)
                    step_acc.append((var, g))
                for rec in recorders:
                    rec.steps.append(_trace.BackwardStep(node, g, (), step_acc))
                continue

            if node.hooks:
                g = _apply_hooks(node.hooks, g)
            step_acc = []
            if node.retain_ref is not None:
                kept = node.retain_ref()
                if kept is not None and kept._grad_fn is node:
                    _store_grad(kept, g, create_graph)
            if target is not None:
                if accumulate:
                    _store_grad(inputs[target], g, create_graph)
                    step_acc.append((inputs[target], g))
                else:
                    captured[target] = g
            edges = node.next_functions
            op = node.op
            if prune:
                wanted = [nxt is not None and nxt in needed for nxt, _ in edges]
                live = True in wanted
            else:
                wanted = None  # every edge with a node at its end
                live = True
            grads_in: list[Tensor | None] | None = [] if recorders else None
            if live:
                if (op.saves or op.saves_output) and (node.released or node.edits != EDITS[0]):
                    _check_saved(node, wanted)
                ans = Tensor._from_array(node.out_data, True, node) if op.saves_output else None
                params = node.params
                ins = node.inputs
                if op.vjp_all is None:
                    results = None
                elif params:
                    results = op.vjp_all(g, ans, *ins, **params)
                else:
                    results = op.vjp_all(g, ans, *ins)
                rules = op.vjps
                for i, (nxt, _) in enumerate(edges):
                    if nxt is None or (prune and not wanted[i]):  # type: ignore[index]
                        if grads_in is not None:
                            grads_in.append(None)
                        continue
                    if results is not None:
                        gi = results[i]
                    else:
                        rule = rules[i]
                        if rule is None:
                            gi = None
                        elif params:
                            gi = rule(g, ans, *ins, **params)
                        else:
                            gi = rule(g, ans, *ins)
                    if grads_in is not None:
                        grads_in.append(gi)
                    if gi is not None:
                        prev = buffer.get(nxt)
                        if prev is None:
                            buffer[nxt] = gi
                            if gi is not g and gi._data.base is None and gi._data is not g._data:
                                fresh.add(id(gi))
                        else:
                            buffer[nxt] = summed = _sum(prev, gi, create_graph)
                            fresh.add(id(summed))
                    left = deps[nxt] - 1
                    deps[nxt] = left
                    if left == 0:
                        if nxt not in buffer:
                            _skip(nxt, deps, needed, buffer, ready)
                        elif node_next is None and not ready:
                            node_next = nxt  # nothing else is ready: it runs next either way
                        else:
                            if node_next is not None:
                                push(ready, (-node_next.seq, node_next))
                                node_next = None
                            push(ready, (-nxt.seq, nxt))
            elif grads_in is not None:
                grads_in = [None] * len(edges)
            if grads_in is not None:
                for rec in recorders:
                    rec.steps.append(_trace.BackwardStep(node, g, tuple(grads_in), step_acc))
            if not retain_graph and (op.saves or op.saves_output) and not node.released:
                # free the saved values; shape-only nodes keep theirs and can run again
                node.released = True
                node.inputs = None
                node.out_data = None
    finally:
        STATE.enabled = prev_mode
        if pause_gc:
            gc.enable()
    return captured


_NO_PARAMS: dict[str, Any] = {}


def _skip(node: Any, deps: dict[Any, int], needed: Any, buffer: dict[Any, Tensor],
          ready: list[tuple[int, Any]]) -> None:
    """A node no gradient reached (every rule gave None): release its dependants."""
    stack = [node]
    while stack:
        n = stack.pop()
        for nxt, _ in n.next_functions:
            if nxt is None or nxt not in needed:
                continue
            deps[nxt] -= 1
            if deps[nxt] == 0:
                if nxt in buffer:
                    heapq.heappush(ready, (-nxt.seq, nxt))
                else:
                    stack.append(nxt)
