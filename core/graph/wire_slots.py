"""Where each input wire's gradient will appear in the engine's trace (a "slot").

A wire's gradient is what the node it enters sent back along it. It is read from the
engine step of that node (input slot i of its grad_fn), or — when a catalog op is several
engine ops, or the engine converted an input — from a `clone` put on that input, whose
step receives exactly that wire's contribution. The evaluator finds the slots once per
forward of a node (`map_wires`); backward only reads them (`core.graph.backward_pass`).

A slot is a `Slot(kind, fn, index)` named tuple. One is made per wire on every forward, so it
is made with `tuple.__new__` (C code, ~0.12 µs) rather than the named tuple's own `__new__`
(Python code, ~0.2-0.4 µs; 2.8-3.5% of the 500-node forward in benchmarks/graph_bench.py, as
measured on 2026-12-04), and the kinds without a grad_fn are two shared slots.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from core.graph.catalog import OpSpec

STEP = "step"  # grad_inputs[index] of fn's step
ALIAS = "alias"  # grad_output of the step of fn, a clone's grad_fn
PASS = "pass"  # the node forwards this input unchanged: wire grad = node's total
NONE = "none"  # no gradient can flow (constant, detach, integer input)


class Slot(NamedTuple):
    """Where one wire's gradient appears: `kind` (STEP, ALIAS, PASS, NONE), the engine node
    `fn` whose step holds it, and for STEP which of that step's inputs (`index`)."""

    kind: str
    fn: Any = None
    index: int = 0


_make = tuple.__new__  # Slot(...) without the named tuple's Python-level __new__ (see above)
NO_SLOT = Slot(NONE)
PASS_SLOT = Slot(PASS)


def map_wires(lib: Any, spec: OpSpec, args: dict[str, Any], params: dict[str, Any],
              out: Any) -> tuple[dict[str, Slot], list[Any], Any]:
    """The slot of each input port of a node whose call on `args` gave `out`.

    Returns (slots by port, the node's internal engine nodes, the output to keep): the
    last two differ from ([], out) only when the node had to be re-run on clones."""
    ports = flat_ports(spec, args)  # [(port name, tensor)] in call order
    slots: dict[str, Slot] = {p: NO_SLOT for p, t in ports if not t.requires_grad}
    grad_ports = [(p, t) for p, t in ports if t.requires_grad]
    if not grad_ports:
        return slots, [], out
    passing = [p for p, t in grad_ports if t is out]
    if passing:  # the op returned an input unchanged (output node, no-op reshape...)
        for p, _ in grad_ports:
            slots[p] = PASS_SLOT if p in passing else NO_SLOT
        return slots, [], out
    g = out.grad_fn
    if g is None:  # detach, integer results: nothing flows back
        for p, _ in grad_ports:
            slots[p] = NO_SLOT
        return slots, [], out
    nf = g.next_functions
    if len(nf) == len(ports) and all(_feeds(nf[i][0], t) for i, (_, t) in enumerate(ports)):
        for i, (p, t) in enumerate(ports):
            if t.requires_grad:
                slots[p] = _make(Slot, (STEP, g, i))
        return slots, [], out
    return _on_clones(lib, spec, args, params, grad_ports, slots)


def _on_clones(lib: Any, spec: OpSpec, args: dict[str, Any], params: dict[str, Any],
               grad_ports: list[tuple[str, Any]], slots: dict[str, Slot]
               ) -> tuple[dict[str, Slot], list[Any], Any]:
    """A composite op or a converted input: re-run on clones, one per input wire, so each
    clone's step receives exactly its wire's gradient."""
    clones = {p: lib.clone(t) for p, t in grad_ports}
    new_args = dict(args)
    for port in spec.inputs:
        if port.variadic:
            new_args[port.name] = [clones.get(f"{port.name}.{i}", t)
                                   for i, t in enumerate(args[port.name])]
        elif args.get(port.name) is not None and port.name in clones:
            new_args[port.name] = clones[port.name]
    out2 = spec.call(new_args, params, lib)
    for p, c in clones.items():
        slots[p] = _make(Slot, (ALIAS, c.grad_fn, 0))
    owned = _internal_nodes(out2.grad_fn, {id(c.grad_fn) for c in clones.values()})
    return slots, owned, out2


def flat_ports(spec: OpSpec, args: dict[str, Any]) -> list[tuple[str, Any]]:
    """(port name, tensor) in call order; a variadic port's items as "name.i"."""
    out: list[tuple[str, Any]] = []
    for port in spec.inputs:
        v = args.get(port.name)
        if port.variadic:
            out += [(f"{port.name}.{i}", t) for i, t in enumerate(v or [])]
        elif v is not None:
            out.append((port.name, v))
    return out


def _feeds(engine_node: Any, t: Any) -> bool:
    """Whether `engine_node` (a next_functions entry) is where `t`'s gradient goes."""
    if t.grad_fn is not None:
        return engine_node is t.grad_fn
    if t.requires_grad:
        return getattr(engine_node, "variable", None) is t
    return engine_node is None


def _internal_nodes(root: Any, stop: set[int]) -> list[Any]:
    """Engine nodes from `root` down to (not including) the nodes in `stop`."""
    seen: set[int] = set()
    out: list[Any] = []
    stack = [root] if root is not None else []
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen or id(n) in stop or hasattr(n, "variable"):
            continue
        seen.add(id(n))
        out.append(n)
        stack.extend(nf for nf, _ in n.next_functions)
    return out


__all__ = ["ALIAS", "NONE", "NO_SLOT", "PASS", "PASS_SLOT", "STEP", "Slot", "flat_ports",
           "map_wires"]
