"""The script interpreter: walks a script's `ast` and runs it on `core`, nothing else.

Why an interpreter and not `exec` with a restricted namespace: Python offers no safe
subset — ``().__class__.__bases__`` and friends reach everything from any object. Here
every name, attribute and call is looked up in the allow-list (core/graph/script_allow),
every value a script can hold is one of a few known types (`admit`), and every step is
counted against `Limits`, so a tutorial cell runs exactly as under PyTorch and anything
else ends in a `ScriptError` with its line and column.

While it runs, the interpreter also notes what the document needs: which script name
holds which tensor / grad_fn (names name the nodes), which tensor backward or
`autograd.grad` last ran from (the result), the gradient each of those gave the named
leaves, the optimizer and its steps, and the loops and branches that shaped the graph.
"""

from __future__ import annotations

import ast
import builtins
import operator
import re
import string
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import numpy as np

from core.autograd.grad_mode import STATE as GRAD_STATE
from core.dtypes import dtype as DType
from core.graph.script_access import ValueAccess, kind
from core.graph.script_allow import (
    CONTEXT_TYPES,
    Allowed,
    BoundMethod,
    GradFn,
    Namespace,
    broadcast_numel,
    build_math,
    build_numpy,
    build_torch,
    count_leaves,
    matmul_numel,
    refuse,
)
from core.graph.script_builtins import ScriptBuiltins
from core.graph.script_limits import Limits, ScriptError, limit_error
from core.graph.script_record import RecordHooks
from core.nn.module import Module
from core.optim.optimizer import Optimizer
from core.random import Generator
from core.tensor import Tensor

#: exceptions a script may name in ``except`` / ``raise``
EXCEPTIONS: dict[str, type[Exception]] = {e.__name__: e for e in (
    Exception, RuntimeError, ValueError, TypeError, IndexError, KeyError, ZeroDivisionError,
    ArithmeticError, LookupError, AssertionError, OverflowError, NotImplementedError)}
_PY_BUILTINS = frozenset(dir(builtins))


class _Flow(Exception):  # noqa: N818 - control flow, not an error
    """break / continue / return unwinding through the walker (never leaves it)."""


class _Break(_Flow):
    pass


class _Continue(_Flow):
    pass


class _Return(_Flow):
    def __init__(self, value: Any) -> None:
        self.value = value


class ScriptFunction:
    """A ``def`` of the script. Calling it (also from engine code, e.g. an optimizer's
    closure) runs its body in the interpreter."""

    def __init__(self, interp: Interpreter, node: ast.FunctionDef, defaults: list[Any],
                 kw_defaults: list[Any], scopes: list[dict[str, Any]]) -> None:
        self.interp = interp
        self.node = node
        self.name = node.name
        self.defaults = defaults
        self.kw_defaults = kw_defaults
        self.scopes = scopes

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.interp.call_function(self, args, kwargs)

    def __repr__(self) -> str:
        return f"<function {self.name}>"


_OPAQUE = (Namespace, Allowed, BoundMethod, ScriptFunction, Optimizer, Module, GradFn, DType,
           Generator, range, slice, type(Ellipsis), Exception, *CONTEXT_TYPES)
_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.MatMult: operator.matmul, ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_, ast.BitXor: operator.xor, ast.LShift: operator.lshift,
    ast.RShift: operator.rshift}
_IOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.iadd, ast.Sub: operator.isub, ast.Mult: operator.imul,
    ast.Div: operator.itruediv, ast.FloorDiv: operator.ifloordiv, ast.Mod: operator.imod,
    ast.Pow: operator.ipow, ast.MatMult: operator.imatmul, ast.BitAnd: operator.iand,
    ast.BitOr: operator.ior, ast.BitXor: operator.ixor, ast.LShift: operator.ilshift,
    ast.RShift: operator.irshift}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_,
    ast.IsNot: operator.is_not, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b}
_UNOPS: dict[type, Callable[[Any], Any]] = {
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
    ast.Invert: operator.invert}
_MODULES = {"torch": "torch", "torch.autograd": "torch.autograd", "torch.nn": "torch.nn",
            "torch.nn.functional": "torch.nn.functional", "torch.optim": "torch.optim",
            "numpy": "numpy", "math": "math"}
_NUMBERS = re.compile(r"\d+")


def _is_exception_class(v: Any) -> bool:
    return any(v is e for e in EXCEPTIONS.values())


def describe(node: ast.AST) -> str:
    """What a refused syntax node is, in words."""
    words = {ast.Lambda: "lambda", ast.ClassDef: "a class", ast.Global: "global",
             ast.Nonlocal: "nonlocal", ast.AsyncFunctionDef: "async def",
             ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield from",
             ast.Set: "a set", ast.SetComp: "a set comprehension", ast.AsyncFor: "async for",
             ast.AsyncWith: "async with", ast.Match: "match"}
    return words.get(type(node), type(node).__name__)


class Interpreter(ValueAccess, RecordHooks, ScriptBuiltins):
    """One run of one script. `should_stop` (polled at every statement) lets the app's
    Stop button end a run from another thread."""

    def __init__(self, limits: Limits, should_stop: Callable[[], bool] | None = None) -> None:
        self.lim = limits
        self.should_stop = should_stop
        self.out: list[str] = []
        self.out_len = 0
        self.globals: dict[str, Any] = {}
        self.scopes: list[dict[str, Any]] = [self.globals]
        self.builtins = self._make_builtins()
        self.statements = 0
        self.deadline = 0.0
        self.depth = 0
        # naming and results, read by script_document
        self.names: dict[int, tuple[Any, str]] = {}  # id(tensor or grad_fn) -> (ref, name)
        self.result: list[Tensor] = []
        self.derivatives: list[Tensor] = []  # grad(..., create_graph=True)'s results
        self.result_gradient: Any = None
        self.last_assigned: Tensor | None = None
        self.grads: dict[str, np.ndarray] = {}
        self.saved_inputs: dict[int, Any] = {}  # id(grad_fn) -> inputs, before backward
        self.optimizer: Optimizer | None = None
        self.optimizer_steps = 0
        self.optimizer_start: list[tuple[Tensor, np.ndarray]] = []
        self.loops: dict[int, int] = {}  # line of a loop -> iterations (last run)
        self.branches: dict[int, str] = {}  # line of an if -> branch taken (last time)
        self._stmt: dict[type, Callable[[Any], None]] = {
            ast.Expr: lambda s: self.eval(s.value), ast.Assign: self._assign_stmt,
            ast.AugAssign: self._augassign, ast.AnnAssign: self._annassign, ast.If: self._if,
            ast.While: self._while, ast.For: self._for, ast.FunctionDef: self._def,
            ast.Return: self._return, ast.Break: self._break, ast.Continue: self._continue,
            ast.Pass: lambda s: None, ast.With: self._with, ast.Import: self._import,
            ast.ImportFrom: self._import_from, ast.Try: self._try, ast.Raise: self._raise,
            ast.Assert: self._assert, ast.Delete: self._delete}
        self._expr: dict[type, Callable[[Any], Any]] = {
            ast.Constant: self._constant, ast.Name: self._name, ast.Attribute: self._attribute,
            ast.Subscript: self._subscript, ast.Slice: self._slice, ast.Tuple: self._tuple,
            ast.List: self._list, ast.Dict: self._dict, ast.BinOp: self._binop_expr,
            ast.UnaryOp: self._unary, ast.BoolOp: self._boolop, ast.Compare: self._compare,
            ast.Call: self._call, ast.IfExp: self._ifexp, ast.JoinedStr: self._joined,
            ast.FormattedValue: self._formatted, ast.ListComp: self._listcomp,
            ast.GeneratorExp: self._listcomp, ast.DictComp: self._dictcomp,
            ast.NamedExpr: self._namedexpr}

    # ------------------------------------------------------------------ running
    def run(self, tree: ast.Module) -> None:
        self.deadline = time.monotonic() + self.lim.seconds
        grad_mode = GRAD_STATE.enabled
        try:
            self.exec_block(tree.body)
        except _Break as e:
            raise ScriptError("'break' outside a loop") from e
        except _Continue as e:
            raise ScriptError("'continue' outside a loop") from e
        except _Return as e:
            raise ScriptError("'return' outside a function") from e
        finally:
            GRAD_STATE.enabled = grad_mode  # a bare set_grad_enabled(False) ends here

    def tick(self) -> None:
        self.statements += 1
        if self.statements > self.lim.statements:
            raise limit_error("statements", f"the script ran more than {self.lim.statements} "
                              "statements")
        self.check_time()

    def check_time(self) -> None:
        """Wall time and Stop, also before every call and operator: one statement may
        chain many slow ops (``a @ a @ a @ ...``)."""
        if time.monotonic() > self.deadline:
            raise limit_error("seconds", f"the script ran longer than {self.lim.seconds:g} s")
        if self.should_stop is not None and self.should_stop():
            raise ScriptError("stopped", limit="stopped")

    def exec_block(self, body: list[ast.stmt]) -> None:
        for st in body:
            self.exec_stmt(st)

    def exec_stmt(self, st: ast.stmt) -> None:
        self.tick()
        handler = self._stmt.get(type(st))
        if handler is None:
            raise refuse(describe(st)).at(st)
        try:
            handler(st)
        except _Flow:
            raise
        except ScriptError as e:
            raise e.at(st) from None
        except RecursionError:
            raise limit_error("recursion", "the script nests or recurses too deeply").at(
                st) from None
        except MemoryError:
            raise limit_error("tensor_elements", "out of memory").at(st) from None
        except Exception as e:  # a failure of an allowed operation: Python's own message
            raise ScriptError(f"{type(e).__name__}: {e}", cause=e).at(st) from None

    def eval(self, node: ast.expr) -> Any:
        handler = self._expr.get(type(node))
        if handler is None:
            raise refuse(describe(node)).at(node)
        return handler(node)

    # ------------------------------------------------------------------ values
    def admit(self, v: Any, depth: int = 0, seen: set[int] | None = None) -> Any:
        """`v` if a script may hold it (a tensor, number, str, container of those, or an
        allow-listed object) within the limits; else a ScriptError. A container shared
        many times (``[[0] * 10**4] * 10**4``) is looked at once."""
        if v is None or isinstance(v, (bool, float)):
            return v
        if isinstance(v, (Tensor, int, str)):
            self._check_size(v)
            return v
        if isinstance(v, (list, tuple, dict)):
            return self._admit_container(v, depth, set() if seen is None else seen)
        if isinstance(v, _OPAQUE):
            return v
        if isinstance(v, Iterator) and not isinstance(v, (str, bytes)):  # parameters()
            return self.admit(self._drain(v), depth, seen)
        raise ScriptError(f"the result is {kind(v)}, which a script cannot hold")

    def _check_size(self, v: Tensor | int | str) -> None:
        """A tensor's elements, an int's bits, a string's characters within the limits."""
        if isinstance(v, Tensor):
            if v.numel() > self.lim.tensor_elements:
                raise limit_error("tensor_elements", f"a tensor of {v.numel()} elements")
        elif isinstance(v, int):
            if v.bit_length() > self.lim.int_bits:
                raise limit_error("int_bits", f"an integer of {v.bit_length()} bits")
        elif len(v) > self.lim.items:
            raise limit_error("items", f"a string of {len(v)} characters")

    def _admit_container(self, v: list | tuple | dict, depth: int, seen: set[int]) -> Any:
        if len(v) > self.lim.items:
            raise limit_error("items", f"a {type(v).__name__} of {len(v)} items")
        if depth > 32:
            raise limit_error("nesting", "containers nested too deeply")
        if id(v) in seen:
            return v
        seen.add(id(v))
        if isinstance(v, dict):
            for key, value in v.items():
                self.admit(key, depth + 1, seen)
                self.admit(value, depth + 1, seen)
            return v
        for e in v:
            # the common small items (numbers, tensors within the limit) are not recursed into
            if not (e is None or isinstance(e, (bool, int, float, Tensor)) and not (
                    isinstance(e, int) and e.bit_length() > 64)):
                self.admit(e, depth + 1, seen)
            elif isinstance(e, Tensor) and e.numel() > self.lim.tensor_elements:
                self.admit(e)
        return v

    def _drain(self, it: Iterator[Any]) -> list[Any]:
        """An iterator's items as a list, stopping as soon as it passes the item limit."""
        items = []
        for e in it:
            items.append(e)
            if len(items) > self.lim.items:
                raise limit_error("items", "a sequence over the item limit")
        return items

    def name_of(self, obj: Any) -> str | None:
        hit = self.names.get(id(obj))
        return hit[1] if hit is not None and hit[0]() is obj else None

    def _note_name(self, name: str, value: Any, alias: bool = False) -> None:
        """`name` names `value`'s node from now on (the last assignment wins: ``d =
        f(a)`` names what f returned), except that an alias (``out = y``) leaves a node
        that has a name alone."""
        if isinstance(value, Module):  # model = nn.Linear(...): model_weight, model_0_bias
            for path, p in value.named_parameters():
                if self.name_of(p) is None:
                    self.names[id(p)] = (weakref.ref(p), f"{name}_{path.replace('.', '_')}")
            return
        if not isinstance(value, Tensor):
            return
        key = value.grad_fn if value.grad_fn is not None else value
        if alias and self.name_of(key) is not None:
            return
        self.names[id(key)] = (weakref.ref(key), name)
        if value.grad_fn is not None:
            self.last_assigned = value

    # ------------------------------------------------------------------ names
    def lookup(self, name: str, node: ast.AST) -> Any:
        if name == "__name__":  # if __name__ == "__main__": a script runs as the main one
            return "__main__"
        if name.startswith("_") and name != "_":
            raise refuse(f"the name {name} (names starting with _)").at(node)
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in self.builtins:
            return self.builtins[name]
        if name in EXCEPTIONS:
            return EXCEPTIONS[name]
        if name in _PY_BUILTINS:
            raise refuse(f"{name}").at(node)
        err = NameError(f"name '{name}' is not defined")
        raise ScriptError(f"NameError: {err}", cause=err).at(node)

    def store(self, name: str, value: Any, node: ast.AST, alias: bool = False) -> None:
        if name.startswith("_") and name != "_":
            raise refuse(f"the name {name} (names starting with _)").at(node)
        self.scopes[-1][name] = value
        self._note_name(name, value, alias)

    def assign(self, target: ast.expr, value: Any, alias: bool = False) -> None:
        """Bind `target`. `alias`: a loop or comprehension variable walking over tensors
        that exist already (``for p in params``) does not rename their nodes."""
        if isinstance(target, ast.Name):
            self.store(target.id, value, target, alias)
        elif isinstance(target, (ast.Tuple, ast.List)):
            self._unpack(target, value, alias)
        elif isinstance(target, ast.Attribute):
            obj = self.eval(target.value)
            self.set_attr(obj, target.attr, value, target)
        elif isinstance(target, ast.Subscript):
            obj = self.eval(target.value)
            key = self.eval(target.slice)
            self.set_item(obj, key, value, target)
            if isinstance(target.value, ast.Name) and isinstance(obj, Tensor):
                self._note_name(target.value.id, obj)  # n[0, 0] = ...: n is a new node
        elif isinstance(target, ast.Starred):
            raise refuse("a starred assignment target here").at(target)
        else:
            raise refuse(f"assigning to {describe(target)}").at(target)

    def _unpack(self, target: ast.Tuple | ast.List, value: Any, alias: bool = False) -> None:
        self._check_unpackable(value)
        items = list(value)
        stars = [i for i, e in enumerate(target.elts) if isinstance(e, ast.Starred)]
        n = len(target.elts)
        if not stars:
            if len(items) != n:
                what = "too many" if len(items) > n else "not enough"
                raise ScriptError(f"ValueError: {what} values to unpack (expected {n}, got "
                                  f"{len(items)})")
            for t, v in zip(target.elts, items):
                self.assign(t, v, alias)
            return
        self._unpack_starred(target.elts, stars[0], items, alias)

    def _check_unpackable(self, value: Any) -> None:
        """What ``a, b = value`` may take apart, and not more items than the limit."""
        if isinstance(value, Tensor):
            if value.dim() == 0:
                raise ScriptError("TypeError: iteration over a 0-d tensor")
            if value.shape[0] > self.lim.items:
                raise limit_error("items", "unpacking a tensor that long")
        elif isinstance(value, range) and len(value) > self.lim.items:
            raise limit_error("items", "unpacking a range that long")
        elif not isinstance(value, (list, tuple, str, dict, range)):
            raise ScriptError(f"TypeError: cannot unpack {kind(value)}")

    def _unpack_starred(self, elts: list[ast.expr], s: int, items: list[Any],
                        alias: bool) -> None:
        """``a, *rest, z = items``: the starred target `elts[s]` takes what the others
        leave."""
        n = len(elts)
        after = n - s - 1
        if len(items) < n - 1:
            raise ScriptError(f"ValueError: not enough values to unpack (expected at least "
                              f"{n - 1}, got {len(items)})")
        for t, v in zip(elts[:s], items[:s]):
            self.assign(t, v, alias)
        star = elts[s]
        assert isinstance(star, ast.Starred)
        self.assign(star.value, items[s:len(items) - after], alias)
        for t, v in zip(elts[s + 1:], items[len(items) - after:]):
            self.assign(t, v, alias)

    # ------------------------------------------------------------------ statements
    def _assign_stmt(self, st: ast.Assign) -> None:
        value = self.eval(st.value)
        for t in st.targets:
            if isinstance(t, ast.Name) and isinstance(st.value, ast.Name):
                self.store(t.id, value, t, alias=True)
            else:
                self.assign(t, value)

    def _annassign(self, st: ast.AnnAssign) -> None:
        if st.value is not None:
            self.assign(st.target, self.eval(st.value))

    def _augassign(self, st: ast.AugAssign) -> None:
        t = st.target
        if isinstance(t, ast.Name):
            cur = self.lookup(t.id, t)
            self.store(t.id, self.binop(type(st.op), cur, self.eval(st.value), True), t)
        elif isinstance(t, ast.Attribute):
            obj = self.eval(t.value)
            cur = self.get_attr(obj, t.attr, t)
            self.set_attr(obj, t.attr, self.binop(type(st.op), cur, self.eval(st.value), True),
                          t)
        elif isinstance(t, ast.Subscript):
            obj = self.eval(t.value)
            key = self.eval(t.slice)
            cur = self.get_item(obj, key)
            self.set_item(obj, key, self.binop(type(st.op), cur, self.eval(st.value), True), t)
        else:
            raise refuse(f"assigning to {describe(t)}").at(t)

    def truth(self, v: Any) -> bool:
        return bool(v)

    def _if(self, st: ast.If) -> None:
        test = self.eval(st.test)
        taken = self.truth(test)
        if isinstance(test, Tensor):  # a branch on a value: the graph holds one side
            self.branches[st.lineno] = "if" if taken else "else"
        self.exec_block(st.body if taken else st.orelse)

    def _while(self, st: ast.While) -> None:
        def rounds() -> Iterator[None]:
            while self.truth(self.eval(st.test)):
                yield None

        self._loop(st, rounds(), lambda _: None)

    def iterate(self, v: Any) -> Iterator[Any]:
        if isinstance(v, (list, tuple, range, str)):
            return iter(v)
        if isinstance(v, dict):
            return iter(list(v))
        if isinstance(v, Tensor):
            if v.dim() == 0:
                raise ScriptError("TypeError: iteration over a 0-d tensor")
            return iter(v)
        raise ScriptError(f"TypeError: cannot loop over {kind(v)}")

    def _for(self, st: ast.For) -> None:
        it = self.iterate(self.eval(st.iter))
        self._loop(st, it, lambda v: self.assign(st.target, v, alias=True))

    def _loop(self, st: ast.While | ast.For, rounds: Iterator[Any],
              bind: Callable[[Any], None]) -> None:
        """Run `st`'s body once per item of `rounds` (bound by `bind` first), honouring
        break, continue and else, and note how many times it ran (the control-flow note)."""
        n = 0
        try:
            for v in rounds:
                n += 1
                self.tick()
                bind(v)
                try:
                    self.exec_block(st.body)
                except _Continue:
                    continue
                except _Break:
                    break
            else:
                self.exec_block(st.orelse)
        finally:
            self.loops[st.lineno] = n

    def _def(self, st: ast.FunctionDef) -> None:
        if st.decorator_list:
            raise refuse("a decorator").at(st.decorator_list[0])
        defaults = [self.eval(d) for d in st.args.defaults]
        kw_defaults = [None if d is None else self.eval(d) for d in st.args.kw_defaults]
        fn = ScriptFunction(self, st, defaults, kw_defaults, list(self.scopes))
        self.store(st.name, fn, st)

    def _return(self, st: ast.Return) -> None:
        raise _Return(None if st.value is None else self.eval(st.value))

    def _break(self, st: ast.Break) -> None:
        raise _Break()

    def _continue(self, st: ast.Continue) -> None:
        raise _Continue()

    def _with(self, st: ast.With) -> None:
        entered = []
        try:
            for item in st.items:
                ctx = self.eval(item.context_expr)
                if not isinstance(ctx, CONTEXT_TYPES):
                    raise refuse(f"'with' on {kind(ctx)} (only torch.no_grad(), "
                                 "enable_grad(), set_grad_enabled())").at(item.context_expr)
                ctx.__enter__()
                entered.append(ctx)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, None)
            self.exec_block(st.body)
        finally:
            for ctx in reversed(entered):
                ctx.__exit__(None, None, None)

    def _namespace(self, module: str, node: ast.AST) -> Any:
        if module not in _MODULES:
            raise refuse(f"import of {module}").at(node)
        if module == "numpy":
            return build_numpy()
        if module == "math":
            return build_math()
        ns: Any = self.torch
        for part in module.split(".")[1:]:
            ns = ns.members[part]
        return ns

    def _import(self, st: ast.Import) -> None:
        for alias in st.names:
            ns = self._namespace(alias.name, st)
            if alias.asname:
                self.store(alias.asname, ns, st)
            else:
                top = alias.name.split(".")[0]
                self.store(top, self._namespace(top, st), st)

    def _import_from(self, st: ast.ImportFrom) -> None:
        if st.level or st.module is None:
            raise refuse("a relative import").at(st)
        ns = self._namespace(st.module, st)
        for alias in st.names:
            if alias.name == "*":
                raise refuse("import *").at(st)
            if not isinstance(ns, Namespace) or alias.name not in ns.members \
                    or alias.name.startswith("_"):
                raise refuse(f"import of {st.module}.{alias.name}").at(st)
            self.store(alias.asname or alias.name, ns.members[alias.name], st)

    def _try(self, st: ast.Try) -> None:
        try:
            try:
                self.exec_block(st.body)
            except ScriptError as e:
                if e.cause is None or e.limit is not None:
                    raise
                for h in st.handlers:
                    if h.type is not None:
                        types = self.eval(h.type)
                        types = types if isinstance(types, tuple) else (types,)
                        if not all(_is_exception_class(t) for t in types):
                            raise refuse("this except clause (name exception classes such "
                                         "as RuntimeError)").at(h) from None
                        if not isinstance(e.cause, types):
                            continue
                    if h.name:
                        self.store(h.name, e.cause, h)
                    self.exec_block(h.body)
                    break
                else:
                    raise
            else:
                self.exec_block(st.orelse)
        finally:
            self.exec_block(st.finalbody)

    def _raise(self, st: ast.Raise) -> None:
        if st.exc is None:
            raise refuse("a bare raise").at(st)
        exc = self.eval(st.exc)
        if _is_exception_class(exc):
            exc = exc()
        if not isinstance(exc, Exception):
            raise refuse(f"raising {kind(exc)}").at(st)
        raise ScriptError(f"{type(exc).__name__}: {exc}", cause=exc)

    def _assert(self, st: ast.Assert) -> None:
        if not self.truth(self.eval(st.test)):
            msg = "" if st.msg is None else str(self.eval(st.msg))
            err = AssertionError(msg)
            raise ScriptError(f"AssertionError: {msg}", cause=err)

    def _delete(self, st: ast.Delete) -> None:
        for t in st.targets:
            if isinstance(t, ast.Name):
                if t.id not in self.scopes[-1]:
                    err = NameError(f"name '{t.id}' is not defined")
                    raise ScriptError(f"NameError: {err}", cause=err)
                del self.scopes[-1][t.id]
            elif isinstance(t, ast.Subscript):
                obj = self.eval(t.value)
                if not isinstance(obj, (list, dict)):
                    raise refuse(f"del on {kind(obj)}").at(t)
                del obj[self.eval(t.slice)]
            else:
                raise refuse(f"del of {describe(t)}").at(t)

    # ------------------------------------------------------------------ expressions
    def _constant(self, node: ast.Constant) -> Any:
        v = node.value
        if isinstance(v, (bytes, complex)):
            raise refuse(f"a {type(v).__name__} literal").at(node)
        return self.admit(v)

    def _name(self, node: ast.Name) -> Any:
        return self.lookup(node.id, node)

    def _attribute(self, node: ast.Attribute) -> Any:
        return self.get_attr(self.eval(node.value), node.attr, node)

    def _subscript(self, node: ast.Subscript) -> Any:
        return self.get_item(self.eval(node.value), self.eval(node.slice))

    def _slice(self, node: ast.Slice) -> Any:
        return slice(*(None if p is None else self.eval(p)
                       for p in (node.lower, node.upper, node.step)))

    def _elements(self, elts: list[ast.expr]) -> list[Any]:
        out: list[Any] = []
        for e in elts:
            if isinstance(e, ast.Starred):
                v = self.eval(e.value)
                out.extend(self.iterate(v))
            else:
                out.append(self.eval(e))
            if len(out) > self.lim.items:
                raise limit_error("items", "a list over the item limit")
        return out

    def _tuple(self, node: ast.Tuple) -> Any:
        return tuple(self._elements(node.elts))

    def _list(self, node: ast.List) -> Any:
        return self._elements(node.elts)

    def _dict(self, node: ast.Dict) -> Any:
        d: dict[Any, Any] = {}
        for k, v in zip(node.keys, node.values):
            if k is None:
                other = self.eval(v)
                if not isinstance(other, dict):
                    raise ScriptError(f"TypeError: ** needs a dict, not {kind(other)}")
                d.update(other)
            else:
                d[self.eval(k)] = self.eval(v)
        return self.admit(d)

    def _binop_expr(self, node: ast.BinOp) -> Any:
        return self.binop(type(node.op), self.eval(node.left), self.eval(node.right))

    def binop(self, op: type, a: Any, b: Any, inplace: bool = False) -> Any:
        self.check_time()
        fn = (_IOPS if inplace else _BINOPS).get(op)
        if fn is None:
            raise refuse(f"the operator {op.__name__}")
        self._precheck(op, a, b)
        return self.admit(fn(a, b))

    def _precheck(self, op: type, a: Any, b: Any) -> None:
        """Refuse, before computing it, a result over the limits: a tensor too big, an
        integer too long, a sequence too long, a format too wide."""
        if isinstance(a, Tensor) or isinstance(b, Tensor):
            self._precheck_tensor(op, a, b)
            return
        check = self._PRECHECKS.get(op)
        if check is not None:
            check(self, a, b)

    def _precheck_tensor(self, op: type, a: Any, b: Any) -> None:
        lim = self.lim
        n = matmul_numel(a, b) if op is ast.MatMult else broadcast_numel((a, b))
        if n > lim.tensor_elements:
            raise limit_error("tensor_elements", f"the result would have {n} elements")
        for v in (a, b):
            if isinstance(v, (list, tuple)):
                if count_leaves(v, lim.tensor_elements) > lim.tensor_elements:
                    raise limit_error("tensor_elements", "that list is too big")

    def _precheck_pow(self, a: Any, b: Any) -> None:
        if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
            if b * abs(a).bit_length() > self.lim.int_bits + abs(a).bit_length():
                raise limit_error("int_bits", "that power is too big an integer")

    def _precheck_mult(self, a: Any, b: Any) -> None:
        if isinstance(a, int) and isinstance(b, int):
            if abs(a).bit_length() + abs(b).bit_length() > self.lim.int_bits + 1:
                raise limit_error("int_bits", "that product is too big an integer")
        elif isinstance(a, int) or isinstance(b, int):
            seq, n = (a, b) if isinstance(b, int) else (b, a)
            if isinstance(seq, (str, list, tuple)) and len(seq) * max(n, 0) > self.lim.items:
                raise limit_error("items", f"a sequence of {len(seq) * n} items")

    def _precheck_lshift(self, a: Any, b: Any) -> None:
        if isinstance(a, int) and isinstance(b, int) and b > 0:
            if abs(a).bit_length() + b > self.lim.int_bits:
                raise limit_error("int_bits", "that shift is too big an integer")

    def _precheck_add(self, a: Any, b: Any) -> None:
        if isinstance(a, (str, list, tuple)) and isinstance(b, (str, list, tuple)):
            if len(a) + len(b) > self.lim.items:
                raise limit_error("items", "a sequence over the item limit")

    def _precheck_mod(self, a: Any, b: Any) -> None:
        if isinstance(a, str):
            self.check_format(a, "%")

    #: the size checks of the operators that can grow a Python value past the limits
    _PRECHECKS: ClassVar[dict[type, Callable[[Interpreter, Any, Any], None]]] = {
        ast.Pow: _precheck_pow, ast.Mult: _precheck_mult, ast.LShift: _precheck_lshift,
        ast.Add: _precheck_add, ast.Mod: _precheck_mod,
    }

    def check_format(self, fmt: str, kind: str) -> None:
        """Format strings: widths and precisions within the item limit; str.format
        fields are plain positions or names (``{0.__class__}`` would reach attributes)."""
        if any(int(m) > self.lim.items for m in _NUMBERS.findall(fmt)):
            raise limit_error("items", "a width or precision that large")
        if kind == "%" and "*" in fmt:
            raise refuse("a * width in % formatting")
        if kind == "{}":
            for _, field, spec, _ in string.Formatter().parse(fmt):
                if field and not re.fullmatch(r"\d+|[A-Za-z]\w*", field):
                    raise refuse(f"the format field {{{field}}}")
                if spec and "{" in spec:
                    raise refuse("a nested format field")

    def _unary(self, node: ast.UnaryOp) -> Any:
        v = self.eval(node.operand)
        if isinstance(node.op, ast.Not):
            return not self.truth(v)
        return self.admit(_UNOPS[type(node.op)](v))

    def _boolop(self, node: ast.BoolOp) -> Any:
        is_and = isinstance(node.op, ast.And)
        v: Any = None
        for e in node.values:
            v = self.eval(e)
            if self.truth(v) != is_and:
                return v
        return v

    def _compare(self, node: ast.Compare) -> Any:
        left = self.eval(node.left)
        result: Any = True
        for op, right_node in zip(node.ops, node.comparators):
            right = self.eval(right_node)
            result = self.admit(_CMPOPS[type(op)](left, right))
            if len(node.ops) > 1 and not self.truth(result):
                return result
            left = right
        return result

    def _ifexp(self, node: ast.IfExp) -> Any:
        return self.eval(node.body) if self.truth(self.eval(node.test)) else self.eval(
            node.orelse)

    def _joined(self, node: ast.JoinedStr) -> Any:
        parts = [self.eval(v) for v in node.values]
        return self.admit("".join(str(p) for p in parts))

    def _formatted(self, node: ast.FormattedValue) -> Any:
        v = self.eval(node.value)
        conv = {-1: None, 115: str, 114: repr, 97: ascii}[node.conversion]
        if conv is not None:
            v = conv(v)
        spec = "" if node.format_spec is None else self.eval(node.format_spec)
        self.check_format(spec, "spec")
        return self.admit(format(v, spec))

    def _comprehension(self, gens: list[ast.comprehension], emit: Callable[[], None]) -> None:
        def level(i: int) -> None:
            if i == len(gens):
                emit()
                return
            g = gens[i]
            if g.is_async:
                raise refuse("async comprehension").at(g.iter)
            for v in self.iterate(self.eval(g.iter)):
                self.tick()
                self.assign(g.target, v, alias=True)
                if all(self.truth(self.eval(c)) for c in g.ifs):
                    level(i + 1)

        self.scopes.append({})
        try:
            level(0)
        finally:
            self.scopes.pop()

    def _listcomp(self, node: ast.ListComp | ast.GeneratorExp) -> Any:
        out: list[Any] = []

        def emit() -> None:
            out.append(self.eval(node.elt))
            if len(out) > self.lim.items:
                raise limit_error("items", "a list over the item limit")

        self._comprehension(node.generators, emit)
        return out

    def _dictcomp(self, node: ast.DictComp) -> Any:
        out: dict[Any, Any] = {}

        def emit() -> None:
            out[self.eval(node.key)] = self.eval(node.value)
            if len(out) > self.lim.items:
                raise limit_error("items", "a dict over the item limit")

        self._comprehension(node.generators, emit)
        return out

    def _namedexpr(self, node: ast.NamedExpr) -> Any:
        v = self.eval(node.value)
        self.store(node.target.id, v, node.target)
        return v

    # ------------------------------------------------------------------ calls
    def _call(self, node: ast.Call) -> Any:
        fn = self.eval(node.func)
        args = self._elements(node.args)
        kwargs: dict[str, Any] = {}
        for kw in node.keywords:
            if kw.arg is None:
                more = self.eval(kw.value)
                if not isinstance(more, dict) or not all(isinstance(k, str) for k in more):
                    raise ScriptError("TypeError: ** needs a dict of names").at(kw.value)
                kwargs.update(more)
            else:
                kwargs[kw.arg] = self.eval(kw.value)
        if any(k.startswith("_") for k in kwargs):
            raise refuse("a keyword starting with _").at(node)
        try:
            return self.call(fn, tuple(args), kwargs)
        except ScriptError as e:
            raise e.at(node) from None
        except (_Flow, RecursionError, MemoryError):
            raise
        except Exception as e:
            raise ScriptError(f"{type(e).__name__}: {e}", cause=e).at(node) from None

    def call(self, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self.check_time()
        if isinstance(fn, ScriptFunction):
            return self.call_function(fn, args, kwargs)
        if isinstance(fn, (Allowed, BoundMethod)):
            if fn.check is not None:
                fn.check(self.lim, args, kwargs)
            hook = self._hooks.get(fn.name) if isinstance(fn, BoundMethod) else \
                self._hooks.get(fn.name)
            if hook is not None:
                return hook(self, fn, args, kwargs)
            return self.admit(fn.fn(*args, **kwargs))
        if isinstance(fn, Module):
            return self.admit(fn(*args, **kwargs))
        if _is_exception_class(fn):
            return fn(*(str(a) for a in args))
        raise ScriptError(f"TypeError: {kind(fn)} is not callable")

    def call_function(self, fn: ScriptFunction, args: tuple[Any, ...],
                      kwargs: dict[str, Any]) -> Any:
        if self.depth >= self.lim.recursion:
            raise limit_error("recursion", f"calls nested more than {self.lim.recursion} deep")
        local = self._bind(fn, args, kwargs)
        for k in local:
            if k.startswith("_") and k != "_":
                raise refuse(f"the name {k} (names starting with _)")
        saved = self.scopes
        self.scopes = [*fn.scopes, local]
        self.depth += 1
        try:
            self.exec_block(fn.node.body)
        except _Return as r:
            return r.value
        finally:
            self.depth -= 1
            self.scopes = saved
        return None

    def _bind(self, fn: ScriptFunction, args: tuple[Any, ...],
              kwargs: dict[str, Any]) -> dict[str, Any]:
        """The function's local names from the call's arguments, as Python binds them:
        positional, *args, keywords, **kwargs, then the defaults; Python's TypeErrors."""
        a = fn.node.args
        params = [p.arg for p in a.posonlyargs + a.args]
        if len(args) > len(params) and a.vararg is None:
            raise ScriptError(f"TypeError: {fn.name}() takes {len(params)} positional "
                              f"arguments but {len(args)} were given")
        local: dict[str, Any] = dict(zip(params, args))
        if a.vararg is not None:
            local[a.vararg.arg] = tuple(args[len(params):])
        kwonly = [p.arg for p in a.kwonlyargs]
        extra = self._bind_keywords(fn, local, params + kwonly, kwargs)
        self._bind_defaults(fn, local, params, kwonly)
        if a.kwarg is not None:
            local[a.kwarg.arg] = extra
        return local

    def _bind_keywords(self, fn: ScriptFunction, local: dict[str, Any], names: list[str],
                       kwargs: dict[str, Any]) -> dict[str, Any]:
        """Keyword arguments into `local`; returns those a ``**kwargs`` takes."""
        extra: dict[str, Any] = {}
        for k, v in kwargs.items():
            if k in local:
                raise ScriptError(f"TypeError: {fn.name}() got multiple values for '{k}'")
            if k in names:
                local[k] = v
            elif fn.node.args.kwarg is not None:
                extra[k] = v
            else:
                raise ScriptError(f"TypeError: {fn.name}() got an unexpected keyword "
                                  f"argument '{k}'")
        return extra

    def _bind_defaults(self, fn: ScriptFunction, local: dict[str, Any], params: list[str],
                       kwonly: list[str]) -> None:
        """Defaults for the parameters the call left out; a missing one without is an error."""
        first_default = len(params) - len(fn.defaults)
        for i, p in enumerate(params):
            if p not in local:
                if i < first_default:
                    raise ScriptError(f"TypeError: {fn.name}() missing argument '{p}'")
                local[p] = fn.defaults[i - first_default]
        for p, d in zip(kwonly, fn.kw_defaults):
            if p not in local:
                if d is None:
                    raise ScriptError(f"TypeError: {fn.name}() missing argument '{p}'")
                local[p] = d

    # ------------------------------------------------------------------ namespaces
    @property
    def torch(self) -> Namespace:
        ns = self.__dict__.get("_torch")
        if ns is None:
            ns = self.__dict__["_torch"] = build_torch()
        return ns


_REFUSED_SYNTAX = (ast.Lambda, ast.ClassDef, ast.Global, ast.Nonlocal, ast.AsyncFunctionDef,
                   ast.Await, ast.Yield, ast.YieldFrom, ast.AsyncFor, ast.AsyncWith,
                   ast.Match, ast.Set, ast.SetComp)


def check_nesting(tree: ast.AST, limit: int) -> None:
    """Refuse a syntax tree deeper than `limit` (a 10⁵-term sum would otherwise overflow
    Python's own stack in the walker), and syntax the interpreter never runs (lambda,
    class, yield, ...) even where it would not be reached, before anything runs."""
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, _REFUSED_SYNTAX):
            raise refuse(describe(node)).at(node)
        if d > limit:
            raise limit_error("nesting", f"the code nests more than {limit} levels deep").at(
                node)
        for child in ast.iter_child_nodes(node):
            stack.append((child, d + 1))


__all__ = ["EXCEPTIONS", "Interpreter", "ScriptFunction", "check_nesting", "describe"]
