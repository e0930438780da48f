"""An ordinary node type's forward call and export line, derived from its mapping.

The engine names its public functions and their parameters as PyTorch does (see
engine_map.py), so a node type that is one such function needs neither a hand-written
engine call nor an export template: its ports are the function's positional inputs in
order (a variadic port is one list), its parameters are keywords by name, and

    call:  getattr(lib, name)(*ports, **params)    (lib = core, or torch)
    line:  torch.name(port, ..., param=<literal>)

`name` is the spec's `function` path under torch (`nn.functional.mse_loss`), by default
its own name. The catalog fills `OpSpec.engine` and `OpSpec.template` with these when an
entry leaves them out; entries that keep their own say why next to them, and
tests/graph/test_default_call.py lists them so the restating cannot creep back.

The function is looked up once per library, not on every forward (each node's forward
goes through this call).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from core.graph.script_lines import literal

if TYPE_CHECKING:
    from core.graph.catalog import OpSpec


def function_path(spec: OpSpec) -> tuple[str, ...]:
    """The public function a node calls, as attribute names under torch (or core)."""
    return tuple((spec.function or spec.name).split("."))


class DefaultCall:
    """`engine(lib, args, params)` for a node that is one public function."""

    __slots__ = ("_fns", "_runs", "params", "path", "ports", "variadic")

    def __init__(self, spec: OpSpec) -> None:
        if any(p.optional for p in spec.inputs) or (
                any(p.variadic for p in spec.inputs) and len(spec.inputs) != 1):
            raise TypeError(f"{spec.name}: an optional port, or a variadic port beside "
                            "others, has no default call; give the spec its own engine=")
        self.path = function_path(spec)
        self.ports = tuple(p.name for p in spec.inputs)
        self.variadic = bool(spec.inputs) and spec.inputs[0].variadic
        self.params = tuple(p.name for p in spec.params)
        self._fns: dict[Any, Any] = {}
        self._runs: dict[Any, Callable[[Mapping[str, Any], Mapping[str, Any]], Any]] = {}

    def function(self, lib: Any) -> Any:
        """The function in `lib`, resolved once per library."""
        fn = self._fns.get(lib)
        if fn is None:
            fn = lib
            for part in self.path:
                fn = getattr(fn, part)
            self._fns[lib] = fn
        return fn

    def __call__(self, lib: Any, a: Mapping[str, Any], p: Mapping[str, Any]) -> Any:
        run = self._runs.get(lib)
        if run is None:
            run = self._runs[lib] = self._bind(lib)
        return run(a, p)

    def _bind(self, lib: Any) -> Callable[[Mapping[str, Any], Mapping[str, Any]], Any]:
        """(args, params) -> result with `lib`'s function and the port names bound: the
        common shapes (one or two ports, no parameters) get a closure as direct as a
        hand-written lambda, as the forward of every node goes through here."""
        fn, ports, params = self.function(lib), self.ports, self.params
        if self.variadic:
            (k,) = ports
            return lambda a, p: fn(list(a[k]), **{n: p[n] for n in params})
        if not params and len(ports) == 1:
            (k,) = ports
            return lambda a, p: fn(a[k])
        if not params and len(ports) == 2:
            k0, k1 = ports
            return lambda a, p: fn(a[k0], a[k1])
        if len(ports) == 1:
            (k,) = ports
            return lambda a, p: fn(a[k], **{n: p[n] for n in params})
        return lambda a, p: fn(*[a[k] for k in ports], **{n: p[n] for n in params})

    def __repr__(self) -> str:
        return f"DefaultCall(torch.{'.'.join(self.path)})"


class DefaultLine:
    """`template(args, params)` for the same node: the exported PyTorch expression."""

    __slots__ = ("params", "path", "ports", "variadic")

    def __init__(self, call: DefaultCall) -> None:
        self.path, self.ports = call.path, call.ports
        self.variadic, self.params = call.variadic, call.params

    def __call__(self, args: Mapping[str, Any], params: Mapping[str, Any]) -> str:
        def port(k: str) -> str:
            v = args[k]
            return "[" + ", ".join(v) + "]" if isinstance(v, list) else str(v)

        parts = [port(k) for k in self.ports]
        parts += [f"{k}={literal(params[k])}" for k in self.params]
        return f"torch.{'.'.join(self.path)}({', '.join(parts)})"

    def __repr__(self) -> str:
        return f"DefaultLine(torch.{'.'.join(self.path)})"


__all__ = ["DefaultCall", "DefaultLine", "function_path"]
