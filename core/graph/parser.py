"""Expressions to graphs: `a*x**2 + b*x + c` becomes a document.

Text is parsed with Python's `ast` and walked with a whitelist of node types; nothing
is ever evaluated. Unknown names become variables (one node per name, however often
it is used); numbers become constants; calls must name catalog functions; a bad
expression raises `ParseError` whose message and `.col` point at the column.

Accepted: + - * / ** @, unary -, calls like `exp(x)`, `sum(x, dim=0)`,
`torch.dot(x, x)`, methods like `x.sum()`, `x.T`, indexing `x[0, 1]`, lists
`[a, b]` (stacked), and several lines of `name = expr` assignments; each bare
expression (or else the last assignment) gets an output node, the last one chosen.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from core.graph.catalog import FUNCTIONS, OPS, ParamError
from core.graph.commands import Edit, Macro
from core.graph.document import RESERVED_NAMES, Document, GraphError
from core.graph.layout import apply_layout, layered_layout
from core.graph.script_names import BUILTIN_NAMES

_BINOPS: dict[type, str] = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div",
                            ast.Pow: "pow", ast.MatMult: "matmul"}
_ALIASES = {"torch", "core", "F", "np", "nn", "functional"}
_EXTRA_FUNCS = {"pow": "pow", "neg": "neg", "add": "add", "sub": "sub", "mul": "mul",
                "div": "div", "max": "maximum", "stack": "stack", "mm": "matmul"}
MAX_EXPRESSION_CHARS = 100_000


class ParseError(GraphError):
    """A bad expression; `.line` and `.col` (1-based) say where."""

    def __init__(self, msg: str, line: int = 1, col: int = 1, multiline: bool = False) -> None:
        where = f"line {line}, column {col}" if multiline else f"column {col}"
        super().__init__(f"{where}: {msg}")
        self.line, self.col, self.reason = line, col, msg


@dataclass
class _Plan:
    """Nodes and wires to create, in order; ids are provisional until applied."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    wires: list[tuple[str, str, str]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # variable/assigned name -> id
    outputs: list[str] = field(default_factory=list)


class _Builder:
    def __init__(self, doc: Document, values: Mapping[str, Any], requires_grad: bool,
                 multiline: bool, shift: int = 0) -> None:
        self.doc = doc
        self.shift = shift  # leading blanks stripped from a one-line expression
        self.values = values
        self.requires_grad = requires_grad
        self.multiline = multiline
        self.plan = _Plan()
        self._taken: set[str] = set()
        self._next: dict[str, int] = {}  # base -> first suffix not yet tried
        self._user: set[str] = set()  # names the text itself uses: never auto-generated
        self._by_id: dict[str, dict[str, Any]] = {}  # planned node id -> its entry

    def err(self, node: ast.AST, msg: str) -> ParseError:
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0) + 1 + (self.shift if line == 1 else 0)
        return ParseError(msg, line, col, self.multiline)

    def _name(self, base: str) -> str:
        """The first free name base, base1, base2, ...; the search resumes where the last
        one for this base stopped, so naming n nodes is linear, not quadratic (100,000
        characters of stack([1, 1, ...]) took 280 s). Never a built-in's name (pow1, not pow),
        as `Document.unique_name`."""
        i = self._next.get(base, 0)
        cand = base if i == 0 else f"{base}{i}"
        while cand in self._taken or cand in self._user or self.doc.by_name(cand) is not None or (
                cand in RESERVED_NAMES or cand in BUILTIN_NAMES):
            i += 1
            cand = f"{base}{i}"
        self._next[base] = i + 1
        self._taken.add(cand)
        return cand

    def add(self, op: str, name: str | None = None, **kw: Any) -> str:
        nid = self.doc.new_id()
        entry = {"op": op, "name": name or self._name(op), "node_id": nid, **kw}
        self.plan.nodes.append(entry)
        self._by_id[nid] = entry
        return nid

    # ------------------------------------------------------------------ statements
    def module(self, tree: ast.Module) -> None:
        if not tree.body:
            raise ParseError("empty expression", 1, 1, self.multiline)
        called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        self._user = {n.id for n in ast.walk(tree)
                      if isinstance(n, ast.Name) and id(n) not in called}
        last_assigned: str | None = None
        for stmt in tree.body:
            if isinstance(stmt, ast.Expr):
                self._output(self.expr(stmt.value))
            elif isinstance(stmt, ast.Assign):
                if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                    raise self.err(stmt, "only `name = expression` assignments are allowed")
                target = stmt.targets[0].id
                if target in self.plan.names:
                    raise self.err(stmt.targets[0], f"{target!r} is already defined")
                nid = self.expr(stmt.value)
                node = self._planned(nid)
                if node is not None and node["op"] not in ("variable",) and (
                        target not in self._taken):
                    self._taken.discard(node["name"])
                    try:
                        self.doc.check_name(target)
                    except GraphError as e:
                        raise self.err(stmt.targets[0], str(e)) from None
                    node["name"] = target
                    self._taken.add(target)
                self.plan.names[target] = nid
                last_assigned = nid
            else:
                raise self.err(stmt, f"{type(stmt).__name__.lower()} statements are not "
                                     "allowed; write an expression")
        if not self.plan.outputs and last_assigned is not None:
            self._output(last_assigned)

    def _output(self, nid: str) -> None:
        out = self.add("output", self._name("out"))
        self.plan.wires.append((nid, out, "value"))
        self.plan.outputs.append(out)

    def _planned(self, nid: str) -> dict[str, Any] | None:
        return self._by_id.get(nid)

    # ------------------------------------------------------------------ expressions
    def expr(self, node: ast.AST) -> str:
        """The id of the node computing `node` (added to the plan); a ParseError at the
        node's column for anything an expression may not hold. Dispatched on the node's
        type, as `ast.NodeVisitor` does."""
        handler = self._EXPRS.get(type(node))
        if handler is None:
            raise self.err(node, f"{type(node).__name__.lower()} is not allowed in an expression")
        return handler(self, node)

    def _unary_node(self, op: str, x: str, params: dict[str, Any] | None = None) -> str:
        """A one-input node `op` fed by `x` on its port "x"."""
        nid = self.add(op) if params is None else self.add(op, params=params)
        self.plan.wires.append((x, nid, "x"))
        return nid

    def _binop(self, node: ast.BinOp) -> str:
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise self.err(node, f"operator {type(node.op).__name__} is not supported")
        if op == "pow" and _number(node.right) is not None:
            base = self.expr(node.left)
            nid = self.add("pow", params={"exponent": self.float(node.right)})
            self.plan.wires.append((base, nid, "base"))
            return nid
        left, right = self.expr(node.left), self.expr(node.right)
        nid = self.add(op)
        ports = ("base", "exponent") if op == "pow" else ("a", "b")
        self.plan.wires += [(left, nid, ports[0]), (right, nid, ports[1])]
        return nid

    def _unaryop(self, node: ast.UnaryOp) -> str:
        num = _number(node)
        if num is not None:
            return self.constant(num, node)
        if isinstance(node.op, ast.UAdd):
            return self.expr(node.operand)
        if isinstance(node.op, ast.USub):
            return self._unary_node("neg", self.expr(node.operand))
        raise self.err(node, f"operator {type(node.op).__name__} is not supported")

    def _constant(self, node: ast.Constant) -> str:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise self.err(node, f"only numbers are allowed here, not {node.value!r:.30}")
        return self.constant(node.value, node)

    def _subscript(self, node: ast.Subscript) -> str:
        x = self.expr(node.value)
        idx = _ints(node.slice)
        if idx is None:
            raise self.err(node.slice, "index with integers only, like x[0] or x[0, 1]")
        return self._unary_node("index", x, {"index": idx})

    def _attribute(self, node: ast.Attribute) -> str:
        if node.attr != "T":
            raise self.err(node, "attribute is not allowed in an expression")
        return self._unary_node("transpose", self.expr(node.value))

    def _sequence(self, node: ast.List | ast.Tuple) -> str:
        return self.stack(node, list(node.elts), {})

    def constant(self, value: float, node: ast.AST | None = None) -> str:
        return self.add("constant", self._name("c"), value=self.float(node, value))

    def float(self, node: ast.AST | None, value: float | None = None) -> float:
        """A number literal as a float; one beyond float range (a 400-digit or a long hex
        integer) is a ParseError at its column, not a raw OverflowError."""
        v = _number(node) if value is None else value  # type: ignore[arg-type]
        try:
            return float(v)  # type: ignore[arg-type]
        except OverflowError:
            where = node if node is not None else ast.Constant(0, col_offset=0)
            raise self.err(where, "number too large (beyond float range)") from None

    def variable(self, node: ast.Name) -> str:
        name = node.id
        if name in self.plan.names:
            return self.plan.names[name]
        existing = self.doc.by_name(name)
        if existing is not None:
            self.plan.names[name] = existing.id
            return existing.id
        if name in FUNCTIONS or name in _EXTRA_FUNCS:
            raise self.err(node, f"{name!r} is a function: call it, like {name}(x)")
        try:
            self.doc.check_name(name)
        except GraphError as e:
            raise self.err(node, str(e)) from None
        value = self.values.get(name, 1.0)
        nid = self.add("variable", name, value=value, requires_grad=self.requires_grad)
        self._taken.add(name)
        self.plan.names[name] = nid
        return nid

    def call(self, node: ast.Call) -> str:
        fname, args = self._callee(node)
        op = FUNCTIONS.get(fname) or _EXTRA_FUNCS.get(fname)
        if op is None:
            raise self.err(node.func, f"unknown function {fname!r}; known: "
                                      f"{', '.join(sorted(set(FUNCTIONS) | set(_EXTRA_FUNCS)))}")
        kwargs = self._keywords(node)
        if op == "stack":
            if len(args) == 1 and isinstance(args[0], (ast.List, ast.Tuple)):
                args = list(args[0].elts)
            return self.stack(node, args, kwargs)
        spec = OPS[op]
        ports = [p for p in spec.inputs if not p.variadic]
        if len(args) > len(ports) + len(spec.params):
            raise self.err(node, f"{fname}() takes at most {len(ports) + len(spec.params)} "
                                 f"arguments ({len(args)} given)")
        params: dict[str, Any] = {}
        wired: list[tuple[str, str]] = []
        self._bind_positional(op, args, ports, params, wired)
        self._bind_keywords(op, fname, kwargs, ports, params, wired)
        for port in ports:
            if not port.optional and port.name not in {p for _, p in wired}:
                raise self.err(node, f"{fname}() is missing its {port.name!r} input")
        nid = self.add(op, params=params)
        self.plan.wires += [(src, nid, port) for src, port in wired]
        return nid

    def _callee(self, node: ast.Call) -> tuple[str, list[ast.AST]]:
        """The function's name and its arguments: ``x.sum()`` is ``sum(x)``, while
        ``torch.exp(x)`` (a module alias) is ``exp(x)``."""
        func = node.func
        args: list[ast.AST] = list(node.args)
        if isinstance(func, ast.Name):
            return func.id, args
        if not isinstance(func, ast.Attribute):
            raise self.err(node, "call a function by name, like exp(x)")
        inner = func.value
        while isinstance(inner, ast.Attribute) and inner.attr in _ALIASES:
            inner = inner.value
        if not (isinstance(inner, ast.Name) and inner.id in _ALIASES):
            args = [inner, *args]  # a method call: x.sum() is sum(x)
        return func.attr, args

    def _keywords(self, node: ast.Call) -> dict[str, ast.AST]:
        kwargs: dict[str, ast.AST] = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise self.err(kw, "**kwargs are not allowed")
            if kw.arg in kwargs:
                raise self.err(kw.value, f"{kw.arg!r} given twice")
            kwargs[kw.arg] = kw.value
        return kwargs

    def _bind_positional(self, op: str, args: list[ast.AST], ports: list[Any],
                         params: dict[str, Any], wired: list[tuple[str, str]]) -> None:
        """Positional arguments fill the input ports, then the parameters, in order; a
        number as pow's exponent is its parameter, not a wire."""
        spec = OPS[op]
        for i, a in enumerate(args):
            if i >= len(ports):
                pspec = spec.params[i - len(ports)]
                params[pspec.name] = self.literal(a, op, pspec.name)
            elif op == "pow" and ports[i].name == "exponent" and _number(a) is not None:
                params["exponent"] = self.float(a)
            else:
                wired.append((self.expr(a), ports[i].name))

    def _bind_keywords(self, op: str, fname: str, kwargs: dict[str, ast.AST],
                       ports: list[Any], params: dict[str, Any],
                       wired: list[tuple[str, str]]) -> None:
        """Keyword arguments name a parameter or an input port (``axis`` is ``dim``)."""
        spec = OPS[op]
        for k, v in kwargs.items():
            if k in ("dim", "axis") and op in ("sum", "mean", "softmax", "stack"):
                k = "dim"
            if k in params or any(p == k for _, p in wired):
                raise self.err(v, f"{fname}() got {k!r} twice")
            if spec.param(k) is not None:
                params[k] = self.literal(v, op, k)
            elif any(p.name == k for p in ports):
                wired.append((self.expr(v), k))
            else:
                raise self.err(v, f"{fname}() has no argument {k!r}")

    def stack(self, node: ast.AST, elts: list[ast.AST], kwargs: Mapping[str, ast.AST]) -> str:
        if not elts:
            raise self.err(node, "stack needs at least one element")
        srcs = [self.expr(e) for e in elts]
        params = {}
        for k, v in kwargs.items():
            if k not in ("dim", "axis"):
                raise self.err(v, f"stack() has no argument {k!r}")
            if "dim" in params:
                raise self.err(v, "stack() got 'dim' twice")
            params["dim"] = self.literal(v, "stack", "dim")
        nid = self.add("stack", params=params)
        self.plan.wires += [(s, nid, f"xs.{i}") for i, s in enumerate(srcs)]
        return nid

    def literal(self, node: ast.AST, op: str, pname: str) -> Any:
        pspec = OPS[op].param(pname)
        assert pspec is not None
        if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
            raw: Any = node.value
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            raw = node.value
        else:
            num = _number(node)
            raw = num if num is not None else _ints(node)
            if raw is None:
                raise self.err(node, f"{op}() argument {pname!r} must be a literal")
        try:
            return pspec.coerce(raw)
        except ParamError as e:
            raise self.err(node, str(e)) from None

    #: expression node type → the method that plans it
    _EXPRS: ClassVar[dict[type, Callable[[Any, Any], str]]] = {
        ast.BinOp: _binop, ast.UnaryOp: _unaryop, ast.Constant: _constant,
        ast.Name: variable, ast.Call: call, ast.Subscript: _subscript,
        ast.Attribute: _attribute, ast.List: _sequence, ast.Tuple: _sequence,
    }


def _number(node: ast.AST) -> float | int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not \
            isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _number(node.operand)
        if v is not None:
            return -v if isinstance(node.op, ast.USub) else v
    return None


def _ints(node: ast.AST) -> tuple[int, ...] | None:
    elts = node.elts if isinstance(node, (ast.Tuple, ast.List)) else [node]
    out = []
    for e in elts:
        v = _number(e)
        if not isinstance(v, int):
            return None
        out.append(v)
    return tuple(out)


def _plan(text: str, doc: Document, values: Mapping[str, Any] | None,
          requires_grad: bool) -> _Plan:
    if not isinstance(text, str):
        raise ParseError("the expression must be text")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ParseError(f"expression too long ({len(text)} characters)")
    multiline = "\n" in text.strip() or ";" in text
    shift = 0 if multiline else len(text) - len(text.lstrip())
    try:
        tree = ast.parse(text.strip(), mode="exec")
    except SyntaxError as e:
        why = e.msg if e.msg.startswith("invalid syntax") else f"invalid syntax: {e.msg}"
        raise ParseError(why, e.lineno or 1, (e.offset or 1) + shift,
                         multiline) from None
    except (RecursionError, MemoryError, ValueError) as e:
        raise ParseError(f"expression cannot be read ({type(e).__name__})") from None
    b = _Builder(doc, values or {}, requires_grad, multiline, shift)
    try:
        b.module(tree)
    except RecursionError:
        raise ParseError("expression nested too deeply") from None
    return b.plan


def parse(text: str, values: Mapping[str, Any] | None = None,
          requires_grad: bool = True) -> Document:
    """A new, laid-out document for `text`. `values` gives variables their values
    (default 1.0); variables require gradients unless `requires_grad=False`."""
    doc = Document()
    plan = _plan(text, doc, values, requires_grad)
    for n in plan.nodes:
        try:
            doc.add_node(**n)
        except GraphError as e:  # e.g. a value in `values` that does not parse
            raise ParseError(f"{n['name']}: {e}") from None
    for src, dst, port in plan.wires:  # a fresh plan is a DAG: no path search per wire
        doc.connect(src, dst, port, check_cycle=False)
    doc.check_acyclic()
    if plan.outputs:
        doc.set_output(plan.outputs[-1])
    apply_layout(doc, layered_layout(doc))
    return doc


def insert_command(doc: Document, text: str, values: Mapping[str, Any] | None = None,
                   requires_grad: bool = True, origin: tuple[float, float] | None = None
                   ) -> Macro:
    """An undoable command adding the graph of `text` to an existing document; names
    that already exist there are reused (wired to), new nodes are laid out at `origin`
    (default: right of the current content)."""
    plan = _plan(text, doc, values, requires_grad)
    scratch = Document()
    for n in plan.nodes:
        scratch.add_node(**{**n, "name": None})
    new_ids = {n["node_id"] for n in plan.nodes}
    for src, dst, port in plan.wires:
        if src in new_ids:
            scratch.connect(src, dst, port)
    pos = layered_layout(scratch)
    if origin is None:
        xs = [n.pos[0] for n in doc]
        origin = (max(xs) + 200.0 if xs else 0.0, 0.0)
    steps: list[Edit] = []
    for n in plan.nodes:
        x, y = pos[n["node_id"]]
        steps.append(Edit("add_node", (), {**n, "pos": (x + origin[0], y + origin[1])}))
    steps += [Edit("connect", tuple(w)) for w in plan.wires]
    return Macro(doc, f"insert {text.strip()[:40]}", steps)
