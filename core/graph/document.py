"""The graph document: operation nodes wired together, edited safely, observed cheaply.

How the app uses it (no Qt in here; the app wraps commands in QUndoCommands)::

    from core.graph import Document, GraphError, OPS, History

    doc = Document()
    unsubscribe = doc.subscribe(scene.on_change)   # called with one Change per edit step

    # Direct edits apply at once (scripts, tests, loading):
    x = doc.add_node("variable", name="x", value=3.0, requires_grad=True, pos=(0, 0))
    sq = doc.add_node("pow", pos=(150, 0))          # params default from the catalog
    doc.connect(x, sq, "base")                      # wire: output of x -> port "base" of sq
    doc.set_output(sq)

    # Undoable edits: build a command with commands.make_command (this validates and
    # raises GraphError with a message for the status bar if the edit is impossible),
    # then push it.
    try:
        cmd = make_command(doc, "connect", x, sq, "exponent")
    except GraphError as e:
        status_bar.showMessage(str(e))
    else:
        undo_stack.push(QtCommand(cmd))   # QUndoCommand.redo/undo call cmd.redo/undo,
                                          # id()/mergeWith() call cmd.merge_id/merge_with

    # Every edit either applies whole or raises GraphError and changes nothing.

Observers receive `Change` events: node_added, node_removed, wire_added, wire_removed,
node_changed (with `field` = "value" | "requires_grad" | "params" | "name" | "pos"),
output_changed, frame_added / frame_removed / frame_changed (with `frame` = its id; see
`core/graph/frames.py`) and reset (after `replace_with`, e.g. on load). Removing a node first
reports the removal of each of its wires, so a scene can delete wire items before the
node item.

Design notes: the wiring lives in a `networkx.DiGraph` (node id -> `Node` under attr
"node"; an edge src -> dst carries the set of input ports of dst fed by src, since
`x*x` feeds both ports of one node from the same source). An input port holds at most
one wire; a wire never closes a cycle; values are read-only numpy arrays so nobody
mutates a node behind the document's back.
"""

from __future__ import annotations

import copy
import itertools
import keyword
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import networkx as nx
import numpy as np

from core.graph.catalog import OPS, OpSpec, ParamError
from core.graph.frames import Frame, FrameError, check_color, check_title, frame_of
from core.graph.script_names import BUILTIN_NAMES
from core.graph.values import DTYPES, ValueParseError, dtype_name, parse_value

#: Names a node may not take: they would shadow what the exported scripts need.
#: `slice` is written into index keys; `__debug__` cannot be assigned in Python at all. (The
#: scripts' helpers bind the other builtins they use when they are defined, so a node named
#: `any` or `tuple` cannot break them.)
RESERVED_NAMES = frozenset({"torch", "core", "print", "np", "gradient", "float", "_unindex",
                            "_index_put", "slice", "__debug__"})
#: Node ids like n12 are the document's own; longer digit runs are never generated.
_MAX_ID_DIGITS = 18


class GraphError(ValueError):
    """An edit (or a file) that cannot be applied; the message says exactly why."""


@dataclass(frozen=True)
class Wire:
    """A wire from the (single) output of node `src` into input `port` of node `dst`."""

    src: str
    dst: str
    port: str


@dataclass
class Node:
    """One node. Read it freely; change it only through the document's edits.

    `value` is set for variable/constant nodes only (computed values live in the
    evaluator, not here). `requires_grad` is meaningful for variables only.
    """

    id: str
    op: str
    name: str
    pos: tuple[float, float] = (0.0, 0.0)
    params: dict[str, Any] = field(default_factory=dict)
    value: np.ndarray | None = None
    requires_grad: bool = False

    @property
    def spec(self) -> OpSpec:
        """The catalog entry for this node's op."""
        return OPS[self.op]

    @property
    def dtype(self) -> str | None:
        """The value's dtype name ("float32", ...), or None for op nodes."""
        return None if self.value is None else dtype_name(self.value)

    def clone(self) -> Node:
        """An independent copy (values are read-only, so they may be shared)."""
        return replace(self, params=dict(self.params))


@dataclass(frozen=True)
class Change:
    """What changed, small enough for the app to redraw just that."""

    kind: str
    node: str | None = None
    wire: Wire | None = None
    field: str | None = None
    frame: str | None = None


Observer = Callable[[Change], None]


class Document:
    """A computational graph being edited. See the module docstring for usage."""

    def __init__(self) -> None:
        self._g = nx.DiGraph()
        self._nodes: dict[str, Node] = {}  # id -> Node, insertion order
        self._inputs: dict[str, dict[str, str]] = {}  # dst -> port -> src
        self._names: dict[str, str] = {}  # name -> id
        self._ids = itertools.count(1)
        self._observers: list[Observer] = []
        self._muted = 0
        self.output: str | None = None
        self.output_gradient: np.ndarray | None = None
        #: Free-form metadata carried by files (title, explanation of an example lesson).
        self.meta: dict[str, Any] = {}
        self._frames: dict[str, Frame] = {}  # id -> Frame, in creation order

    # ------------------------------------------------------------------ reading
    @property
    def graph(self) -> nx.DiGraph:
        """Read-only view of the wiring (node attr "node", edge attr "ports")."""
        return self._g.copy(as_view=True)

    @property
    def nodes(self) -> Mapping[str, Node]:
        """id -> Node, in insertion order (a live read-only view)."""
        return MappingProxyType(self._nodes)

    def __len__(self) -> int:
        return self._g.number_of_nodes()

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._g

    def __iter__(self) -> Iterator[Node]:
        return iter(list(self._nodes.values()))

    def node(self, node_id: str) -> Node:
        """The node with this id; GraphError if there is none."""
        try:
            return self._nodes[node_id]
        except (KeyError, TypeError):
            raise GraphError(f"no node with id {node_id!r}") from None

    def by_name(self, name: str) -> Node | None:
        """The node called `name`, if any (names are unique)."""
        nid = self._names.get(name)
        return None if nid is None else self.node(nid)

    @property
    def wires(self) -> list[Wire]:
        """All wires, grouped by destination node in insertion order."""
        return [Wire(src, dst, port) for dst, ports in self._inputs.items()
                for port, src in ports.items()]

    def inputs_of(self, node_id: str) -> dict[str, str]:
        """port -> source id for the wired inputs of a node (a copy)."""
        self.node(node_id)
        return dict(self._inputs[node_id])

    def wires_into(self, node_id: str) -> list[Wire]:
        """Wires entering `node_id`."""
        return [Wire(s, node_id, p) for p, s in self.inputs_of(node_id).items()]

    def wires_from(self, node_id: str) -> list[Wire]:
        """Wires leaving `node_id` (one per fed port)."""
        self.node(node_id)
        return [Wire(node_id, dst, p) for dst in self._g.successors(node_id)
                for p in sorted(self._g.edges[node_id, dst]["ports"])]

    def topo_order(self) -> list[str]:
        """Node ids so that every node comes after the nodes feeding it."""
        return list(nx.topological_sort(self._g))

    def descendants(self, node_id: str) -> set[str]:
        """Ids of every node that depends on `node_id` (not including it)."""
        self.node(node_id)
        return nx.descendants(self._g, node_id)

    def ancestors(self, node_id: str) -> set[str]:
        """Ids of every node `node_id` depends on (not including it)."""
        self.node(node_id)
        return nx.ancestors(self._g, node_id)

    def outputs(self) -> list[str]:
        """Ids of the `output` nodes, in insertion order."""
        return [n.id for n in self if n.op == "output"]

    def unwired_ports(self, node_id: str) -> list[str]:
        """Required input ports of a node that have no wire yet."""
        n = self.node(node_id)
        wired = self._inputs[node_id]
        return [p for p in n.spec.required_ports() if p not in wired]

    # ------------------------------------------------------------------ observers
    def subscribe(self, callback: Observer) -> Callable[[], None]:
        """Call `callback(change)` after every change; returns the unsubscribe function."""
        self._observers.append(callback)

        def unsubscribe() -> None:
            if callback in self._observers:
                self._observers.remove(callback)

        return unsubscribe

    def _emit(self, change: Change) -> None:
        if self._muted:
            return
        first_error: BaseException | None = None
        for cb in list(self._observers):
            try:
                cb(change)
            except Exception as e:  # one broken observer must not starve the others
                first_error = first_error or e
        if first_error is not None:
            raise first_error

    @contextmanager
    def muted(self) -> Iterator[None]:
        """Suppress change events (for trial runs whose net effect is nothing)."""
        self._muted += 1
        try:
            yield
        finally:
            self._muted -= 1

    # ------------------------------------------------------------------ ids and names
    def new_id(self) -> str:
        """A fresh node id, never used in this document."""
        while True:
            nid = f"n{next(self._ids)}"
            if nid not in self._g:
                return nid

    def unique_name(self, base: str) -> str:
        """`base` if free, else base1, base2, ... (first free). Never a Python built-in's
        name (a new pow node is pow1): an exported script would have to rename it."""
        base = base if base.isidentifier() and not keyword.iskeyword(base) else "node"
        if base not in self._names and base not in RESERVED_NAMES and base not in BUILTIN_NAMES:
            return base
        for i in itertools.count(1):
            cand = f"{base}{i}"
            if cand not in self._names and cand not in RESERVED_NAMES:
                return cand
        raise AssertionError("unreachable")  # pragma: no cover

    def check_name(self, name: Any, node_id: str | None = None) -> None:
        """Raise GraphError unless `name` can name a node (other than `node_id` itself)."""
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise GraphError(f"{name!r} is not a valid name: use letters, digits and _, "
                             "not starting with a digit")
        plain = unicodedata.normalize("NFKC", name)
        if plain != name:  # Python reads identifiers NFKC-normalised: ℌ is H in a script
            raise GraphError(f"{name!r} reads as {plain!r} in Python, so an exported script "
                             f"would confuse them; call it {plain!r}")
        if name in RESERVED_NAMES:
            raise GraphError(f"{name!r} is reserved (exported scripts need it)")
        owner = self._names.get(name)
        if owner is not None and owner != node_id:
            raise GraphError(f"the name {name!r} is already used by another node")

    # ------------------------------------------------------------------ building nodes
    def prepare_node(self, op: str, name: str | None = None, pos: tuple[float, float] = (0, 0),
                     params: Mapping[str, Any] | None = None, value: Any = None,
                     dtype: str | None = None, requires_grad: bool = False,
                     node_id: str | None = None) -> Node:
        """Validate everything about a new node and return it, without adding it."""
        if op not in OPS:
            raise GraphError(f"unknown op {op!r}")
        spec = OPS[op]
        node_id = self._free_id(node_id)
        if name is None:
            name = self.unique_name(op if not spec.has_value else "x" if op == "variable"
                                    else "c")
        self.check_name(name)
        full = spec.default_params()
        for k, v in (params or {}).items():
            full[k] = self._coerce_param(spec, k, v)
        arr = self._node_value(spec, value, dtype)
        rg = bool(requires_grad)
        if rg and op != "variable":
            raise GraphError("only variables can require gradients")
        if rg and arr is not None and arr.dtype.kind != "f":
            raise GraphError("only floating point values can require gradients "
                             f"(this one is {dtype_name(arr)})")
        return Node(node_id, op, name, _pos(pos), full, arr, rg)

    def _free_id(self, node_id: str | None) -> str:
        """A new id, or the one asked for (undo re-adds a node under its old id) if free."""
        if node_id is None:
            return self.new_id()
        if not isinstance(node_id, str) or not node_id:
            raise GraphError(f"node id must be a non-empty string, got {node_id!r}")
        if node_id in self._g:
            raise GraphError(f"a node with id {node_id!r} already exists")
        return node_id

    def _node_value(self, spec: OpSpec, value: Any, dtype: str | None) -> np.ndarray | None:
        """A variable's or constant's value as an array (0.0 if none is given); other ops
        compute theirs and may not be given one."""
        if spec.has_value:
            return self._parse(0.0 if value is None else value, dtype)
        if value is not None:
            raise GraphError(f"a {spec.name} node computes its value; only variables and "
                             "constants hold one")
        return None

    @staticmethod
    def _coerce_param(spec: OpSpec, name: str, value: Any) -> Any:
        p = spec.param(name)
        if p is None:
            known = ", ".join(q.name for q in spec.params) or "none"
            raise GraphError(f"{spec.name} has no parameter {name!r} (parameters: {known})")
        try:
            return p.coerce(value)
        except ParamError as e:
            raise GraphError(str(e)) from None

    @staticmethod
    def _parse(value: Any, dtype: str | None) -> np.ndarray:
        try:
            return parse_value(value, dtype)
        except ValueParseError as e:
            raise GraphError(str(e)) from None

    # ------------------------------------------------------------------ edits
    def add_node(self, op: str, name: str | None = None, pos: tuple[float, float] = (0, 0),
                 params: Mapping[str, Any] | None = None, value: Any = None,
                 dtype: str | None = None, requires_grad: bool = False,
                 node_id: str | None = None) -> str:
        """Add a node and return its id. Values: number, nested list, array or text."""
        node = self.prepare_node(op, name, pos, params, value, dtype, requires_grad, node_id)
        self.insert_node(node)
        return node.id

    def insert_node(self, node: Node) -> None:
        """Add an already prepared (validated) node, e.g. on redo or load."""
        if node.id in self._g:
            raise GraphError(f"a node with id {node.id!r} already exists")
        self.check_name(node.name)
        self._g.add_node(node.id, node=node)
        self._nodes[node.id] = node
        self._inputs[node.id] = {}
        self._names[node.name] = node.id
        self._emit(Change("node_added", node.id))

    def remove_node(self, node_id: str) -> tuple[Node, list[Wire]]:
        """Remove a node and every wire touching it; returns both (for undo)."""
        node = self.node(node_id)
        wires = self.wires_into(node_id) + self.wires_from(node_id)
        for w in wires:
            self._unlink(w)
        self._g.remove_node(node_id)
        del self._nodes[node_id]
        del self._inputs[node_id]
        del self._names[node.name]
        self._emit(Change("node_removed", node_id))
        self._drop_member(node_id)
        if self.output == node_id:
            self.output = None
            self.output_gradient = None
            self._emit(Change("output_changed"))
        return node, wires

    def check_connect(self, src: str, dst: str, port: str, check_cycle: bool = True) -> None:
        """Raise GraphError unless wiring `src` into `dst.port` is allowed now (without
        `check_cycle`, the caller promises one `check_acyclic()` after many wires)."""
        self.node(src)
        d = self.node(dst)
        if d.spec.port(port) is None:
            names = ", ".join(p.name + (".0, .1, ..." if p.variadic else "")
                              for p in d.spec.inputs) or "none"
            raise GraphError(f"{d.name} ({d.op}) has no input port {port!r} (ports: {names})")
        if port in self._inputs[dst]:
            other = self.node(self._inputs[dst][port]).name
            raise GraphError(f"input {port!r} of {d.name} is already wired (from {other}); "
                             "disconnect it first")
        if src == dst or check_cycle and nx.has_path(self._g, dst, src):
            raise GraphError(f"wiring {self.node(src).name} into {d.name} would close a cycle")

    def check_acyclic(self) -> None:
        """Raise GraphError naming a cycle if the wires close one (linear time)."""
        if nx.is_directed_acyclic_graph(self._g):
            return
        cycle = [u for u, _ in nx.find_cycle(self._g)]
        names = " → ".join(self._nodes[n].name for n in cycle[:8])
        raise GraphError(f"the wires close a cycle: {names}{' → …' if len(cycle) > 8 else ''}"
                         f" → {self._nodes[cycle[0]].name}")

    def connect(self, src: str, dst: str, port: str, check_cycle: bool = True) -> Wire:
        """Wire the output of `src` into input `port` of `dst`. Loading many wires passes
        check_cycle=False and calls `check_acyclic()` once: a path search per wire made a
        10,000-node chain listed last-first take 30 s to load."""
        self.check_connect(src, dst, port, check_cycle)
        w = Wire(src, dst, port)
        self._link(w)
        return w

    def _link(self, w: Wire) -> None:
        if self._g.has_edge(w.src, w.dst):
            self._g.edges[w.src, w.dst]["ports"].add(w.port)
        else:
            self._g.add_edge(w.src, w.dst, ports={w.port})
        self._inputs[w.dst][w.port] = w.src
        self._emit(Change("wire_added", w.dst, w))

    def check_disconnect(self, dst: str, port: str) -> Wire:
        """The wire into `dst.port`; GraphError if there is none."""
        d = self.node(dst)
        src = self._inputs[dst].get(port)
        if src is None:
            raise GraphError(f"input {port!r} of {d.name} is not wired")
        return Wire(src, dst, port)

    def disconnect(self, dst: str, port: str) -> Wire:
        """Remove the wire into input `port` of `dst`; returns it (for undo)."""
        w = self.check_disconnect(dst, port)
        self._unlink(w)
        return w

    def _unlink(self, w: Wire) -> None:
        ports = self._g.edges[w.src, w.dst]["ports"]
        ports.discard(w.port)
        if not ports:
            self._g.remove_edge(w.src, w.dst)
        del self._inputs[w.dst][w.port]
        self._emit(Change("wire_removed", w.dst, w))

    def _order(self) -> tuple[list[str], dict[str, list[str]], list[tuple[str, str]]]:
        """Where nodes, each node's wired ports and the graph's edges sit in the document's
        order: removing a node or wire and putting it back appends it, so undo needs this to
        give back exactly the document it had (file, wires, topological order)."""
        return (list(self._nodes), {d: list(p) for d, p in self._inputs.items()},
                list(self._g.edges))

    def _restore_order(self, order: tuple[list[str], dict[str, list[str]],
                                          list[tuple[str, str]]]) -> None:
        """Put nodes, ports and edges back in an `_order()` (those it does not list keep
        their relative order after the ones it does). Content is unchanged: emits nothing."""
        nodes, inputs, edges = order

        def ranked(keys: Iterable[Any], before: list[Any]) -> list[Any]:
            rank = {k: i for i, k in enumerate(before)}
            return sorted(keys, key=lambda k: rank.get(k, len(rank)))

        for i in ranked(list(self._nodes), nodes):  # in place: `nodes` is a live view
            self._nodes[i] = self._nodes.pop(i)
            self._inputs[i] = self._inputs.pop(i)  # `wires` are grouped in this order
        for dst, ports in self._inputs.items():
            for port in ranked(list(ports), inputs.get(dst, [])):
                ports[port] = ports.pop(port)
        node_data = [(i, dict(self._g.nodes[i])) for i in self._nodes]
        edge_data = {(u, v): d for u, v, d in self._g.edges(data=True)}
        self._g.clear()
        self._g.add_nodes_from(node_data)
        self._g.add_edges_from((u, v, edge_data[u, v]) for u, v in ranked(edge_data, edges))

    def prepare_value(self, node_id: str, value: Any, dtype: str | None = None) -> np.ndarray:
        """Validate a new value for a node and return it as the array it would hold.

        With no dtype, a float node stays float when given whole numbers ("3" typed into
        a float32 variable stays float32), as a user expects from an editor.
        """
        n = self.node(node_id)
        if not n.spec.has_value:
            raise GraphError(f"{n.name} is a {n.op} node: it computes its value")
        if dtype is None and n.value is not None and n.value.dtype.kind == "f":
            arr = self._parse(value, None)
            if arr.dtype.kind in "iu":
                arr = self._parse(value, n.dtype)
        else:
            arr = self._parse(value, dtype)
        if n.requires_grad and arr.dtype.kind != "f":
            raise GraphError(f"{n.name} requires gradients, so its value must be floating "
                             f"point (got {dtype_name(arr)})")
        return arr

    def set_value(self, node_id: str, value: Any, dtype: str | None = None) -> np.ndarray:
        """Give a variable/constant a new value; returns the old one (for undo)."""
        arr = self.prepare_value(node_id, value, dtype)
        return self._store_value(node_id, arr)

    def _store_value(self, node_id: str, arr: np.ndarray) -> np.ndarray:
        n = self.node(node_id)
        old = n.value
        n.value = arr
        self._emit(Change("node_changed", node_id, field="value"))
        return old  # type: ignore[return-value]

    def check_requires_grad(self, node_id: str, flag: bool) -> None:
        """Raise GraphError unless `requires_grad` can be set to `flag` on this node."""
        n = self.node(node_id)
        if flag and n.op != "variable":
            raise GraphError(f"{n.name} is a {n.op}: only variables can require gradients")
        if flag and n.value is not None and n.value.dtype.kind != "f":
            raise GraphError(f"only floating point values can require gradients "
                             f"({n.name} is {n.dtype})")

    def set_requires_grad(self, node_id: str, flag: bool) -> bool:
        """Turn gradient tracking of a variable on or off; returns the old flag."""
        flag = bool(flag)
        self.check_requires_grad(node_id, flag)
        n = self.node(node_id)
        old = n.requires_grad
        n.requires_grad = flag
        self._emit(Change("node_changed", node_id, field="requires_grad"))
        return old

    def prepare_param(self, node_id: str, name: str, value: Any) -> Any:
        """Validate a parameter value (text accepted) and return it coerced."""
        n = self.node(node_id)
        return self._coerce_param(n.spec, name, value)

    def set_param(self, node_id: str, name: str, value: Any) -> Any:
        """Set one parameter of a node; returns the old value."""
        v = self.prepare_param(node_id, name, value)
        n = self.node(node_id)
        old = n.params.get(name)
        n.params[name] = v
        self._emit(Change("node_changed", node_id, field="params"))
        return old

    def rename(self, node_id: str, name: str) -> str:
        """Rename a node (names are unique identifiers); returns the old name."""
        n = self.node(node_id)
        self.check_name(name, node_id)
        old = n.name
        del self._names[old]
        n.name = name
        self._names[name] = node_id
        self._emit(Change("node_changed", node_id, field="name"))
        return old

    def move(self, node_id: str, pos: tuple[float, float]) -> tuple[float, float]:
        """Move a node on the canvas; returns the old position."""
        n = self.node(node_id)
        p = _pos(pos)
        old = n.pos
        n.pos = p
        self._emit(Change("node_changed", node_id, field="pos"))
        return old

    def prepare_output(self, node_id: str | None, gradient: Any = None) -> np.ndarray | None:
        """Validate a choice of output (and its backward gradient argument)."""
        if node_id is not None:
            self.node(node_id)
        if gradient is None:
            return None
        if node_id is None:
            raise GraphError("a gradient argument needs a chosen output")
        arr = self._parse(gradient, None)
        if arr.dtype.kind in "iub":
            arr = self._parse(gradient, "float32")
        return arr

    def set_output(self, node_id: str | None, gradient: Any = None) -> tuple[
            str | None, np.ndarray | None]:
        """Choose the node backward starts from, with an optional gradient argument
        (needed when that node's value is not a scalar, as `y.backward(gradient=...)`).
        Returns the old (output, gradient)."""
        arr = self.prepare_output(node_id, gradient)
        old = (self.output, self.output_gradient)
        self.output, self.output_gradient = node_id, arr
        self._emit(Change("output_changed", node_id))
        return old

    # ------------------------------------------------------------------ frames
    @property
    def frames(self) -> Mapping[str, Frame]:
        """frame id -> Frame, in creation order (a live read-only view)."""
        return MappingProxyType(self._frames)

    def frame(self, frame_id: str) -> Frame:
        """The frame with this id; GraphError if there is none."""
        try:
            return self._frames[frame_id]
        except (KeyError, TypeError):
            raise GraphError(f"no frame with id {frame_id!r}") from None

    def frame_of(self, node_id: str) -> Frame | None:
        """The frame a node belongs to, if any."""
        return frame_of(self._frames, node_id)

    def new_frame_id(self) -> str:
        """A frame id not used in this document."""
        i = len(self._frames) + 1
        while f"f{i}" in self._frames:
            i += 1
        return f"f{i}"

    def prepare_frame(self, frame_id: str | None, title: Any, color: Any,
                      members: Iterable[str], collapsed: bool = False,
                      replacing: str | None = None) -> Frame:
        """Validate a frame (a new one, or the new state of frame `replacing`): members are
        existing nodes, in no other frame, listed in document order."""
        if frame_id is None:
            frame_id = self.new_frame_id()
        if not isinstance(frame_id, str) or not frame_id:
            raise GraphError(f"frame id must be a non-empty string, got {frame_id!r}")
        if frame_id in self._frames and frame_id != replacing:
            raise GraphError(f"a frame with id {frame_id!r} already exists")
        try:
            title, color = check_title(title), check_color(color)
        except FrameError as e:
            raise GraphError(str(e)) from None
        ids = [members] if isinstance(members, str) else list(members)
        if not ids:
            raise GraphError("select the nodes to group first")
        for i in ids:
            n = self.node(i)
            other = self.frame_of(i)
            if other is not None and other.id != replacing:
                raise GraphError(f"{n.name} is already in the frame {other.title!r}: "
                                 "ungroup it first")
        chosen = set(ids)
        ordered = tuple(i for i in self._nodes if i in chosen)
        return Frame(frame_id, title, color, ordered, bool(collapsed))

    def insert_frame(self, frame: Frame) -> None:
        """Add a validated frame (see `prepare_frame`)."""
        if frame.id in self._frames:
            raise GraphError(f"a frame with id {frame.id!r} already exists")
        self._frames[frame.id] = frame
        self._emit(Change("frame_added", frame=frame.id))

    def remove_frame(self, frame_id: str) -> Frame:
        """Remove a frame (its nodes stay); returns it (for undo)."""
        f = self.frame(frame_id)
        del self._frames[frame_id]
        self._emit(Change("frame_removed", frame=frame_id))
        return f

    def replace_frame(self, frame: Frame) -> Frame:
        """Give an existing frame a new (validated) state; returns the old one."""
        old = self.frame(frame.id)
        self._frames[frame.id] = frame
        self._emit(Change("frame_changed", frame=frame.id))
        return old

    def _drop_member(self, node_id: str) -> None:
        """A removed node leaves its frame; a frame left empty goes too."""
        f = self.frame_of(node_id)
        if f is None:
            return
        rest = tuple(m for m in f.members if m != node_id)
        if rest:
            self.replace_frame(replace(f, members=rest))
        else:
            self.remove_frame(f.id)

    def _frames_state(self) -> dict[str, Frame]:
        """The frames as they are (frozen values), for an undo that must restore them."""
        return dict(self._frames)

    def _restore_frames(self, state: Mapping[str, Frame]) -> None:
        """Put back the frames of a `_frames_state()`, in their order, reporting each that
        differs (their nodes must exist again: undo restores nodes first)."""
        old = self._frames
        self._frames = dict(state)
        for fid in old:
            if fid not in state:
                self._emit(Change("frame_removed", frame=fid))
        for fid, f in state.items():
            if fid not in old:
                self._emit(Change("frame_added", frame=fid))
            elif old[fid] != f:
                self._emit(Change("frame_changed", frame=fid))

    # ------------------------------------------------------------------ whole document
    def copy(self) -> Document:
        """An independent deep copy (without observers)."""
        other = Document()
        other.replace_with(self)
        return other

    def replace_with(self, other: Document) -> None:
        """Become a copy of `other` (used by load); observers get one "reset"."""
        g = nx.DiGraph()
        for n in other:
            g.add_node(n.id, node=n.clone())
        for u, v, d in other._g.edges(data=True):
            g.add_edge(u, v, ports=set(d["ports"]))
        self._g = g
        self._nodes = {n: d["node"] for n, d in g.nodes(data=True)}
        self._inputs = {k: dict(v) for k, v in other._inputs.items()}
        self._names = dict(other._names)
        self.output, self.output_gradient = other.output, other.output_gradient
        self.meta = copy.deepcopy(other.meta)
        self._frames = dict(other._frames)  # frozen: sharing is safe
        start = max((int(i[1:]) for i in self._g if i[:1] == "n" and _is_digits(i[1:])),
                    default=0)
        self._ids = itertools.count(start + 1)
        self._emit(Change("reset"))

    def __repr__(self) -> str:
        return f"<Document {len(self)} nodes, {self._g.number_of_edges()} edges>"


def _is_digits(text: str) -> bool:
    """ASCII digits only, few enough for int(): "²" and "٣" pass str.isdigit() but not int()
    the way an id counter needs, and 5,000 digits exceed Python's int/str limit."""
    return 0 < len(text) <= _MAX_ID_DIGITS and text.isascii() and text.isdigit()


def _pos(pos: Any) -> tuple[float, float]:
    try:
        x, y = pos
        p = (float(x), float(y))
    except (TypeError, ValueError, OverflowError):
        raise GraphError(f"a position is two numbers (x, y), got {pos!r}") from None
    if not all(np.isfinite(p)):
        raise GraphError(f"a position must be finite, got {pos!r}")
    return p


__all__ = ["Change", "Document", "GraphError", "Node", "RESERVED_NAMES", "Wire", "DTYPES"]
