"""The one op catalog: every node type the document knows, described once.

The palette (names, categories, symbols, descriptions), the expression parser (which
names are functions), the evaluator (which engine call a node maps to), the code
exporter (which PyTorch line a node becomes) and the teaching panel (the local
derivative as text) all read this table, so adding a node type is one `OpSpec` entry.

Engine calls take the tensor library as their first argument (`core` normally, real
`torch` in tests and exports) so the same entry is checked against PyTorch itself.
The catalog never imports the engine at module import time: the app can build its
palette before (and without) loading it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.graph import script_lines
from core.graph.default_call import DefaultCall, DefaultLine
from core.graph.engine_map import (
    EngineOp,
    read_as_reshape,
    read_index,
    read_nll_loss,
    read_permute,
    read_reciprocal,
    read_reduction,
    read_rpow,
    read_to_dtype,
)
from core.graph.params import (  # re-exported: node types declare their ports and params
    PARAM_TYPES,
    Param,
    ParamError,
    Port,
    index_from_key,
    index_key,
    nested_list,
)
from core.graph.script_lines import source_value

CATEGORIES: tuple[str, ...] = (
    "inputs",
    "arithmetic",
    "functions",
    "reductions",
    "linear algebra",
    "losses",
    "outputs",
)

Args = Mapping[str, Any]
EngineCall = Callable[[Any, Args, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class OpSpec:
    """One node type.

    `engine(lib, args, params)` computes the node from its wired inputs: `lib` is the
    tensor library (`core`, or `torch`), `args` maps port name to tensor (a list for a
    variadic port, None for an unwired optional port), `params` maps parameter name to
    value. `template` is the PyTorch expression the exporter writes, with `{port}` and
    `{param}` placeholders filled with variable names and `repr`s (or a callable
    `(args, params) -> str` when the line depends on a parameter value).

    Left out, both follow from the mapping (default_call.py): the call is
    `lib.<function>(*ports, **params)` and the line `torch.<function>(port, ..., param=...)`,
    `function` being a path under torch ("nn.functional.mse_loss"), by default `name`.
    Entries that give their own say why (tests/graph/test_default_call.py lists them).

    `derivatives` is the local derivative as teaching text, one per input port in port
    order (a node without inputs has one, about itself); tests/graph/test_local_derivatives.py
    checks each against the engine. `engine_ops` says which engine op(s) the node is
    recorded as (see engine_map.py); None means the engine op of the same name, its inputs
    the ports in order and its parameters the node's by name.
    """

    name: str
    category: str
    symbol: str
    description: str
    derivatives: tuple[str, ...]
    inputs: tuple[Port, ...] = ()
    params: tuple[Param, ...] = ()
    engine: EngineCall | None = None
    template: Any = ""
    has_value: bool = False  # variable / constant: the node holds a value, not an op
    passthrough: bool = False  # output: forwards its input unchanged
    palette: bool = True  # False: engine building blocks, shown but not offered
    extra: Mapping[str, Any] = field(default_factory=dict)
    engine_ops: tuple[EngineOp, ...] | None = None
    function: str = ""

    def __post_init__(self) -> None:
        if not self.has_value and (self.engine is None or self.template == ""):
            call = DefaultCall(self)  # frozen: the derived call and line are set once, here
            if self.engine is None:
                object.__setattr__(self, "engine", call)
            if self.template == "":
                object.__setattr__(self, "template", DefaultLine(call))
        if isinstance(self.derivatives, str):  # one text written as a string: one port's
            object.__setattr__(self, "derivatives", (self.derivatives,))
        if self.engine_ops is None:  # frozen: the default is set once, here
            same = () if self.has_value or self.passthrough else (EngineOp(self.name),)
            object.__setattr__(self, "engine_ops", same)

    @property
    def derivative_text(self) -> str:
        """All the local derivatives in one line (the inspector and palette show it)."""
        return ",  ".join(self.derivatives)

    def local_derivative(self, port: str) -> str:
        """The local derivative for input `port` ("b", or "xs.2" of a variadic port)."""
        base = port.split(".", 1)[0]
        names = [p.name for p in self.inputs]
        if base in names and len(self.derivatives) == len(names):
            return self.derivatives[names.index(base)]
        return self.derivative_text

    def port(self, name: str) -> Port | None:
        """The port declaration for a concrete port name ("b", or "xs.2" for variadic)."""
        base, _, idx = name.partition(".")
        for p in self.inputs:
            if p.name == base:
                if p.variadic:
                    ok = idx.isascii() and idx.isdigit() and len(idx) <= 9  # not "²"
                    return p if ok and str(int(idx)) == idx else None
                return p if not idx else None
        return None

    def param(self, name: str) -> Param | None:
        """The declaration of parameter `name`, or None."""
        for p in self.params:
            if p.name == name:
                return p
        return None

    def default_params(self) -> dict[str, Any]:
        """Fresh parameter dict with every default filled in."""
        return {p.name: p.default for p in self.params}

    def required_ports(self) -> tuple[str, ...]:
        """Names of the fixed ports that must be wired before the node can evaluate."""
        return tuple(p.name for p in self.inputs if not p.optional and not p.variadic)

    def call(self, args: Args, params: Mapping[str, Any] | None = None, lib: Any = None) -> Any:
        """Run the engine call; `lib` defaults to our engine (`core`), imported lazily."""
        if self.engine is None:
            raise TypeError(f"{self.name} has no engine call (it holds a value)")
        if lib is None:
            import core as lib  # lazy: the catalog must load without the engine
        full = self.default_params()
        if params:
            full.update(params)
        return self.engine(lib, args, full)

    def code(self, args: Mapping[str, str], params: Mapping[str, Any] | None = None) -> str:
        """The PyTorch expression for this node, given the variable names of its inputs."""
        full = self.default_params()
        if params:
            full.update(params)
        full = {k: source_value(v) for k, v in full.items()}
        if callable(self.template):
            return self.template(args, full)
        fill = {k: repr(v) for k, v in full.items()}
        fill.update({k: (", ".join(v) if isinstance(v, list) else v) for k, v in args.items()})
        return self.template.format(**fill)


# --------------------------------------------------------------------------- engine calls
# Each takes (lib, args, params). They use only PyTorch's public API so the same
# function runs on `core` and on `torch`.



def _pow(lib: Any, a: Args, p: Mapping[str, Any]) -> Any:
    e = a.get("exponent")
    return lib.pow(a["base"], p["exponent"] if e is None else e)


def _reduce(fn_name: str) -> EngineCall:
    def call(lib: Any, a: Args, p: Mapping[str, Any]) -> Any:
        x = a["x"]
        if p["dim"] is None:
            return getattr(lib, fn_name)(x)
        return getattr(lib, fn_name)(x, dim=p["dim"], keepdim=p["keepdim"])

    call.__name__ = f"call_{fn_name}"
    return call


def _reduce_code(fn_name: str) -> Callable[[Mapping[str, str], Mapping[str, Any]], str]:
    def code(a: Mapping[str, str], p: Mapping[str, Any]) -> str:
        if p["dim"] is None:
            return f"torch.{fn_name}({a['x']})"
        return f"torch.{fn_name}({a['x']}, dim={p['dim']!r}, keepdim={p['keepdim']!r})"

    return code


def _lib_key(lib: Any, parts: tuple[Any, ...]) -> Any:
    """The indexing key for `lib`: integer arrays as int64 tensors of that library (both
    engines take them; a bare numpy array is not PyTorch's public API)."""
    key = tuple(lib.tensor(k.tolist(), dtype=lib.int64) if isinstance(k, np.ndarray) else k
                for k in index_key(parts))
    return key[0] if len(key) == 1 else key


def _index(lib: Any, a: Args, p: Mapping[str, Any]) -> Any:
    return a["x"][_lib_key(lib, p["index"])]


def _part_code(part: Any) -> str:
    return repr(nested_list(part)) if isinstance(part, tuple) else str(part)


def _index_code(a: Mapping[str, str], p: Mapping[str, Any]) -> str:
    return f"{a['x']}[{', '.join(_part_code(i) for i in p['index']) or '()'}]"


def _is_core(lib: Any) -> bool:
    return getattr(lib, "__name__", "") == "core"


def _expand(lib: Any, a: Args, p: Mapping[str, Any]) -> Any:
    return a["x"].expand(*p["shape"])


def _sum_to(lib: Any, a: Args, p: Mapping[str, Any]) -> Any:
    if _is_core(lib):
        return lib.ops.sum_to(a["x"], tuple(p["shape"]))
    return a["x"].sum_to_size(*p["shape"])


def _to_dtype(lib: Any, a: Args, p: Mapping[str, Any]) -> Any:
    return a["x"].to(getattr(lib, p["dtype"]))


def _unindex(lib: Any, a: Args, p: Mapping[str, Any]) -> Any:
    if _is_core(lib):
        from core.ops.indexing import index_into_zeros  # engine internal: see report

        return index_into_zeros(a["x"], index_key(p["index"]), tuple(p["shape"]))
    # the exported script's helper itself, so the catalog test checks what scripts run
    return script_lines.bound(script_lines._unindex, lib)(
        a["x"], _lib_key(lib, p["index"]), tuple(p["shape"]))


def _index_put(lib: Any, a: Args, p: Mapping[str, Any]) -> Any:
    """x with value written at index (what `x[i] = v` records: PyTorch's CopySlices)."""
    key = _lib_key(lib, p["index"])
    if _is_core(lib):
        return lib.ops.index_put(a["x"], key, a["value"])
    return script_lines.bound(script_lines._index_put, lib)(a["x"], key, a["value"])


def _unindex_code(a: Mapping[str, str], p: Mapping[str, Any]) -> str:
    # the exported script defines `_unindex` (zeros, then assign at the index)
    return f"_unindex({a['x']}, {_key_code(p['index'])}, {tuple(p['shape'])!r})"


def _key_code(parts: tuple[Any, ...]) -> str:
    """Python source for an index key tuple, e.g. (0, slice(None, None)); integer arrays
    become int64 tensors."""
    items = []
    for k in index_key(parts):
        if isinstance(k, slice):
            items.append(f"slice({k.start!r}, {k.stop!r}, {k.step!r})")
        elif isinstance(k, np.ndarray):
            items.append(f"torch.tensor({k.tolist()!r}, dtype=torch.int64)")
        elif k is Ellipsis:
            items.append("...")  # the literal: a node may be named Ellipsis
        else:
            items.append(repr(k))
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _index_put_code(a: Mapping[str, str], p: Mapping[str, Any]) -> str:
    # the exported script defines `_index_put` (clone, then assign at the index)
    return f"_index_put({a['x']}, {_key_code(p['index'])}, {a['value']})"


def _dims_code(dims: tuple[int, ...]) -> str:
    """An `ints` dim parameter as PyTorch reads it: () means every dimension (None)."""
    return repr(tuple(dims)) if dims else "None"


def _dims_arg(dims: tuple[int, ...]) -> Any:
    return tuple(dims) if dims else None


def _moment(fn_name: str) -> EngineCall:
    def call(lib: Any, a: Args, p: Mapping[str, Any]) -> Any:
        return getattr(lib, fn_name)(a["x"], dim=_dims_arg(p["dim"]),
                                     correction=p["correction"], keepdim=p["keepdim"])

    call.__name__ = f"call_{fn_name}"
    return call


def _moment_code(fn_name: str) -> Callable[[Mapping[str, str], Mapping[str, Any]], str]:
    def code(a: Mapping[str, str], p: Mapping[str, Any]) -> str:
        return (f"torch.{fn_name}({a['x']}, dim={_dims_code(p['dim'])}, "
                f"correction={p['correction']!r}, keepdim={p['keepdim']!r})")

    return code


def _norm(lib: Any, a: Args, p: Mapping[str, Any]) -> Any:
    if _is_core(lib):
        return lib.norm(a["x"], p=p["p"], dim=_dims_arg(p["dim"]), keepdim=p["keepdim"])
    return lib.linalg.vector_norm(a["x"], ord=p["p"], dim=_dims_arg(p["dim"]),
                                  keepdim=p["keepdim"])






def _kernel(module: str, fn_name: str, ports: tuple[str, ...], params: tuple[str, ...],
            torch_kernel: EngineCall) -> EngineCall:
    """An engine op that is a derivative rule (torch's *_backward kernels), called as the
    library's own kernel: on `core` the engine's fused op (so a derivative graph evaluates
    and differentiates as the engine recorded it), on `torch` the matching ATen kernel.
    Neither is written again here."""

    def call(lib: Any, a: Args, p: Mapping[str, Any]) -> Any:
        if _is_core(lib):
            import importlib

            fn = getattr(importlib.import_module(f"core.ops.{module}"), fn_name)
            return fn(*(a[k] for k in ports), *(p[k] for k in params))
        return torch_kernel(lib, a, p)

    call.__name__ = f"call_{fn_name}"
    return call


def _softmax_bwd_code(g: str, y: str, dim: int) -> str:
    return f"{y} * ({g} - ({g} * {y}).sum(dim={dim!r}, keepdim=True))"


_REDUCTION = Param("reduction", "choice", "mean", "how the per-element losses are combined",
                   ("mean", "sum", "none"))
_X = (Port("x"),)
_AB = (Port("a"), Port("b"))


def _spec_list() -> list[OpSpec]:
    unary = [
        ("exp", "exp", "eˣ, elementwise", "∂eˣ/∂x = eˣ"),
        ("log", "log", "natural logarithm, elementwise (nan below 0)", "∂log x/∂x = 1/x"),
        ("sqrt", "√", "square root, elementwise", "∂√x/∂x = 1/(2√x)"),
        ("abs", "|x|", "absolute value, elementwise", "∂|x|/∂x = sign(x)"),
        ("sin", "sin", "sine, elementwise", "∂sin x/∂x = cos x"),
        ("cos", "cos", "cosine, elementwise", "∂cos x/∂x = −sin x"),
        ("tanh", "tanh", "hyperbolic tangent, elementwise", "∂tanh x/∂x = 1 − tanh²x"),
        ("sigmoid", "σ", "logistic sigmoid 1/(1+e⁻ˣ), elementwise", "∂σ(x)/∂x = σ(x)(1 − σ(x))"),
        ("relu", "ReLU", "max(x, 0), elementwise", "∂relu(x)/∂x = 1 if x > 0 else 0"),
    ]
    specs: list[OpSpec] = [
        OpSpec("variable", "inputs", "x", "a value you choose; tick requires_grad to get its "
               "gradient", ("∂x/∂x = 1",), has_value=True,
               template="torch.tensor({value}, dtype={dtype}, requires_grad={requires_grad})"),
        OpSpec("constant", "inputs", "c", "a fixed value; no gradient flows into it",
               ("∂c/∂x = 0",), has_value=True, template="torch.tensor({value}, dtype={dtype})"),
        OpSpec("add", "arithmetic", "+", "a + b, elementwise with broadcasting",
               ("∂(a+b)/∂a = 1", "∂(a+b)/∂b = 1"), _AB,
               template="{a} + {b}"),  # an operator, as Python writes it
        OpSpec("sub", "arithmetic", "−", "a − b, elementwise with broadcasting",
               ("∂(a−b)/∂a = 1", "∂(a−b)/∂b = −1"), _AB,
               template="{a} - {b}"),  # an operator, as Python writes it
        OpSpec("mul", "arithmetic", "×", "a · b, elementwise with broadcasting",
               ("∂(a·b)/∂a = b", "∂(a·b)/∂b = a"), _AB,
               template="{a} * {b}"),  # an operator, as Python writes it
        OpSpec("div", "arithmetic", "÷", "a / b, elementwise with broadcasting",
               ("∂(a/b)/∂a = 1/b", "∂(a/b)/∂b = −a/b²"), _AB,
               template="{a} / {b}",  # an operator, as Python writes it
               engine_ops=(EngineOp("div"), EngineOp("reciprocal", read=read_reciprocal))),
        OpSpec("neg", "arithmetic", "−x", "−x, elementwise", ("∂(−x)/∂x = −1",), _X,
               template="-{x}"),  # an operator, as Python writes it
        OpSpec("pow", "arithmetic", "xⁿ",
               "base raised to exponent (the wired input, else the exponent parameter)",
               ("∂(aⁿ)/∂a = n·aⁿ⁻¹", "∂(aⁿ)/∂n = aⁿ·log a"),
               (Port("base"), Port("exponent", optional=True,
                                   description="wire a tensor here to override the parameter")),
               (Param("exponent", "float", 2.0, "used when the exponent port is unwired"),),
               # the exponent port, unwired, falls back to the parameter
               engine=_pow, engine_ops=(EngineOp("pow"), EngineOp("pow_scalar", ("base",)),
                                        EngineOp("rpow", read=read_rpow)),
               template=lambda a, p: (f"torch.pow({a['base']}, {a['exponent']})"
                                      if a.get("exponent") else
                                      f"torch.pow({a['base']}, {p['exponent']!r})")),
    ]
    for name, sym, desc, deriv in unary:
        specs.append(OpSpec(name, "functions", sym, desc, (deriv,), _X))
    specs += [
        OpSpec("maximum", "functions", "max", "elementwise maximum of a and b",
               ("∂max(a,b)/∂a = 1 where a > b (½ where equal)",
                "∂max(a,b)/∂b = 1 where b > a (½ where equal)"), _AB),
        OpSpec("softmax", "functions", "softmax", "exp(x) / Σ exp(x) along dim",
               ("∂sᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ)",), _X,
               (Param("dim", "int", -1, "the dimension that sums to one"),)),
        OpSpec("log_softmax", "functions", "log softmax", "log(softmax(x)) along dim, "
               "computed stably", ("∂(log sᵢ)/∂xⱼ = δᵢⱼ − sⱼ",), _X,
               (Param("dim", "int", -1),)),
        OpSpec("detach", "functions", "detach", "the same value, cut off from the graph: "
               "no gradient flows back through it", ("∂detach(x)/∂x = 0 (by decree)",), _X,
               # a method, and no engine op: it records nothing
               engine=lambda lib, a, p: a["x"].detach(), template="{x}.detach()",
               engine_ops=()),
        OpSpec("sum", "reductions", "Σ", "sum of all elements (or along dim)",
               ("∂(Σx)/∂xᵢ = 1",), _X,
               (Param("dim", "int?", None, "None sums everything"),
                Param("keepdim", "bool", False, "keep the summed dimension with size 1")),
               # dim None reduces everything, written torch.sum(x): not a keyword default
               engine=_reduce("sum"), template=_reduce_code("sum"),
               engine_ops=(EngineOp("sum", read=read_reduction),)),
        OpSpec("mean", "reductions", "mean", "mean of all elements (or along dim)",
               ("∂mean(x)/∂xᵢ = 1/n",), _X,
               (Param("dim", "int?", None, "None averages everything"),
                Param("keepdim", "bool", False, "keep the averaged dimension with size 1")),
               # dim None reduces everything, written torch.mean(x): not a keyword default
               engine=_reduce("mean"), template=_reduce_code("mean"),
               engine_ops=(EngineOp("mean", read=read_reduction),)),
        OpSpec("dot", "linear algebra", "·", "dot product of two vectors",
               ("∂(a·b)/∂a = b", "∂(a·b)/∂b = a"), _AB,
               engine_ops=(EngineOp("matmul"),)),  # matmul's node reads it back
        OpSpec("matmul", "linear algebra", "@", "matrix product a @ b",
               ("∂(A@B)/∂A = G@Bᵀ", "∂(A@B)/∂B = Aᵀ@G"), _AB,
               template="{a} @ {b}"),  # an operator, as Python writes it
        OpSpec("transpose", "linear algebra", "ᵀ", "swap two dimensions",
               ("∂(xᵀ)/∂x: the gradient is transposed back",), _X,
               (Param("dim0", "int", 0), Param("dim1", "int", 1))),
        OpSpec("reshape", "linear algebra", "reshape", "the same elements in a new shape",
               ("∂reshape(x)/∂x: the gradient is reshaped back",), _X,
               (Param("shape", "ints", (-1,), "new shape; one entry may be -1"),),
               engine_ops=tuple(EngineOp(n, read=read_as_reshape)
                                for n in ("reshape", "squeeze", "unsqueeze"))),
        OpSpec("index", "linear algebra", "x[i]", "one element (or row) picked by index",
               ("∂x[i]/∂x = 1 at i, 0 elsewhere",), _X,
               (Param("index", "index", (0,), "one entry per dimension: 0, -1, ':', '1:3'"),),
               # the index parameter is a Python key x[...], not a keyword
               engine=_index, template=_index_code,
               engine_ops=(EngineOp("getitem", read=read_index),)),
        OpSpec("stack", "linear algebra", "[…]", "join tensors of equal shape along a new dim",
               ("∂stack(x₀…)/∂xᵢ = slice i of the gradient",),
               (Port("xs", variadic=True, description="xs.0, xs.1, ... in order"),),
               (Param("dim", "int", 0),)),
        OpSpec("mse_loss", "losses", "MSE", "mean squared error between input and target",
               ("∂MSE/∂input = 2(input − target)/n", "∂MSE/∂target = −2(input − target)/n"),
               (Port("input"), Port("target")),
               (_REDUCTION,), function="nn.functional.mse_loss"),
        OpSpec("cross_entropy", "losses", "CE",
               "cross-entropy of logits against class indices (or probabilities)",
               ("∂CE/∂logits = softmax(logits) − onehot(target) (÷ n for the mean)",
                "∂CE/∂target = −log softmax(logits) (÷ n for the mean; class indices get "
                "none)"),
               (Port("input"), Port("target")),
               (_REDUCTION,), function="nn.functional.cross_entropy",
               engine_ops=()),  # log_softmax then nll_loss: their nodes read them back
        # Ops that appear in derivative graphs (Differentiate): the engine's own
        # building blocks for derivative rules. Shown, but not offered in the palette.
        OpSpec("expand", "linear algebra", "expand", "broadcast x to a larger shape",
               ("∂expand(x)/∂x: the gradient is summed back to x's shape",), _X,
               # a method taking the shape unpacked
               (Param("shape", "ints", (1,)),), engine=_expand,
               template="{x}.expand({shape})", palette=False),
        OpSpec("sum_to", "reductions", "Σ→", "sum a broadcast tensor down to shape",
               ("∂sum_to(x)/∂x: the gradient is broadcast back",), _X,
               # torch's is a method (sum_to_size), core's an engine op
               (Param("shape", "ints", (1,)),), engine=_sum_to,
               template="{x}.sum_to_size({shape})", palette=False,
               extra={"core_template": "torch.ops.sum_to({x}, {shape})"}),
        OpSpec("to_dtype", "functions", "dtype", "convert to another dtype",
               ("∂x.to(d)/∂x = 1 (converted back)",), _X,
               (Param("dtype", "choice", "float32", choices=("float32", "float64", "int64",
                                                             "bool")),),
               # the dtype parameter is a name; the call takes the library's dtype object
               engine=_to_dtype, template=lambda a, p: f"{a['x']}.to(torch.{p['dtype']})",
               engine_ops=(EngineOp("to_dtype", read=read_to_dtype),),
               palette=False),
        OpSpec("where", "functions", "where", "a where condition holds, else b",
               ("∂/∂condition: none (a mask)", "∂where(c,a,b)/∂a = c", "∂/∂b = 1 − c"),
               (Port("condition"), Port("a"), Port("b")), palette=False),
        OpSpec("unindex", "linear algebra", "→x[i]", "zeros of shape with x placed at index "
               "(how an index passes its gradient back)",
               ("∂unindex(x)/∂x = x[i] of the gradient",), _X,
               (Param("index", "index", (0,)), Param("shape", "ints", (1,))),
               # no public torch function: a helper the script defines
               engine=_unindex, template=_unindex_code, palette=False,
               engine_ops=(EngineOp("index_add_zeros", read=read_index),)),
        OpSpec("tanh_backward", "functions", "tanh′", "grad · (1 − y²): how tanh passes a "
               "gradient back, given its output y", ("∂/∂grad = 1 − y²", "∂/∂y = −2·grad·y"),
               (Port("grad"), Port("y")),
               # a derivative kernel (see _kernel); the line writes its formula
               engine=_kernel("elementwise", "tanh_backward", ("grad", "y"), (),
                              lambda t, a, p: t.ops.aten.tanh_backward(a["grad"], a["y"])),
               template="{grad} * (1 - {y} * {y})", palette=False),
        OpSpec("sigmoid_backward", "functions", "σ′", "grad · y · (1 − y): how sigmoid "
               "passes a gradient back, given its output y",
               ("∂/∂grad = y(1 − y)", "∂/∂y = grad·(1 − 2y)"), (Port("grad"), Port("y")),
               # a derivative kernel (see _kernel); the line writes its formula
               engine=_kernel("elementwise", "sigmoid_backward", ("grad", "y"), (),
                              lambda t, a, p: t.ops.aten.sigmoid_backward(a["grad"], a["y"])),
               template="{grad} * {y} * (1 - {y})", palette=False),
        # Engine ops a derivative graph (or its own derivative) may hold that have no
        # node of their own above: one hidden entry each, so Differentiate can show them.
        OpSpec("permute", "linear algebra", "perm", "reorder the dimensions",
               ("∂permute(x)/∂x: the gradient is permuted back",), _X,
               (Param("dims", "ints", (1, 0), "the new order of the dimensions"),),
               engine_ops=(EngineOp("permute", read=read_permute),), palette=False),
        OpSpec("minimum", "functions", "min", "elementwise minimum of a and b",
               ("∂min(a,b)/∂a = 1 where a < b (½ where equal)",
                "∂min(a,b)/∂b = 1 where b < a (½ where equal)"), _AB, palette=False),
        OpSpec("clamp", "functions", "clamp", "x limited to [min, max] (None: no limit)",
               ("∂clamp(x)/∂x = 1 inside the limits, 0 outside",), _X,
               (Param("min", "float?", None), Param("max", "float?", None)), palette=False),
        OpSpec("softplus", "functions", "softplus", "log(1 + e^(βx))/β, linear above the "
               "threshold", ("∂softplus(x)/∂x = σ(βx)",), _X,
               (Param("beta", "float", 1.0), Param("threshold", "float", 20.0)),
               function="nn.functional.softplus", palette=False),
        OpSpec("sign", "functions", "sgn", "−1, 0 or 1 by the sign of x, elementwise",
               ("∂sign(x)/∂x = 0",), _X, palette=False),
        OpSpec("tan", "functions", "tan", "tangent, elementwise", ("∂tan x/∂x = 1 + tan²x",),
               _X, palette=False),
        OpSpec("cat", "linear algebra", "cat", "join tensors along an existing dim",
               ("∂cat(x₀…)/∂xᵢ = the slice of the gradient where xᵢ sits",),
               (Port("xs", variadic=True, description="xs.0, xs.1, ... in order"),),
               (Param("dim", "int", 0),), palette=False),
        OpSpec("index_put", "linear algebra", "x[i]=v", "x with value written at index "
               "(what x[i] = v records)", ("∂/∂x = 1 except at i", "∂/∂value = the gradient at i"),
               (Port("x"), Port("value")), (Param("index", "index", (0,)),),
               # x[i] = v out of place: a helper the script defines
               engine=_index_put, template=_index_put_code, palette=False,
               engine_ops=(EngineOp("index_put", read=read_index),)),
        OpSpec("prod", "reductions", "Π", "product of all elements (or along dim)",
               ("∂(Πx)/∂xᵢ = Π_{j≠i} xⱼ",), _X,
               (Param("dim", "int?", None), Param("keepdim", "bool", False)),
               # dim None reduces everything; torch.prod takes no dim=None
               engine=_reduce("prod"), template=_reduce_code("prod"), palette=False),
        OpSpec("amax", "reductions", "max", "largest element over dims (() = all)",
               ("∂max(x)/∂xᵢ = 1 at the maximum (shared between ties)",), _X,
               (Param("dim", "ints", ()), Param("keepdim", "bool", False)),
               palette=False),
        OpSpec("amin", "reductions", "min", "smallest element over dims (() = all)",
               ("∂min(x)/∂xᵢ = 1 at the minimum (shared between ties)",), _X,
               (Param("dim", "ints", ()), Param("keepdim", "bool", False)),
               palette=False),
        OpSpec("max_dim", "reductions", "max", "largest element along dim (the values of "
               "torch.max(x, dim))", ("∂max/∂xᵢ = 1 at the first maximum",), _X,
               (Param("dim", "int", 0), Param("keepdim", "bool", False)),
               # the values of the (values, indices) pair torch.max(x, dim) returns
               engine=lambda lib, a, p: lib.max(a["x"], dim=p["dim"],
                                                keepdim=p["keepdim"]).values,
               template="torch.max({x}, dim={dim}, keepdim={keepdim}).values", palette=False),
        OpSpec("min_dim", "reductions", "min", "smallest element along dim (the values of "
               "torch.min(x, dim))", ("∂min/∂xᵢ = 1 at the first minimum",), _X,
               (Param("dim", "int", 0), Param("keepdim", "bool", False)),
               # the values of the (values, indices) pair torch.min(x, dim) returns
               engine=lambda lib, a, p: lib.min(a["x"], dim=p["dim"],
                                                keepdim=p["keepdim"]).values,
               template="torch.min({x}, dim={dim}, keepdim={keepdim}).values", palette=False),
        OpSpec("norm", "reductions", "‖x‖", "vector p-norm over dims (() = all)",
               ("∂‖x‖₂/∂x = x/‖x‖₂",), _X,
               (Param("p", "float", 2.0), Param("dim", "ints", ()),
                Param("keepdim", "bool", False)),
               # torch's is linalg.vector_norm(ord=), core's norm(p=); dim () means None
               engine=_norm, template=lambda a, p: (
                   f"torch.linalg.vector_norm({a['x']}, ord={p['p']!r}, "
                   f"dim={_dims_code(p['dim'])}, keepdim={p['keepdim']!r})"),
               palette=False,
               extra={"core_template": "torch.norm({x}, p={p}, dim={dim}, keepdim={keepdim})"}),
        OpSpec("var", "reductions", "var", "variance over dims (() = all), divided by "
               "n − correction", ("∂var/∂xᵢ = 2(xᵢ − mean)/(n − correction)",), _X,
               (Param("dim", "ints", ()), Param("correction", "int", 1),
                Param("keepdim", "bool", False)),
               # dim () means every dim, which torch writes as None
               engine=_moment("var"), template=_moment_code("var"), palette=False),
        OpSpec("std", "reductions", "std", "standard deviation over dims (() = all)",
               ("∂std/∂xᵢ = (xᵢ − mean)/((n − correction)·std)",), _X,
               (Param("dim", "ints", ()), Param("correction", "int", 1),
                Param("keepdim", "bool", False)),
               # dim () means every dim, which torch writes as None
               engine=_moment("std"), template=_moment_code("std"), palette=False),
        OpSpec("nll_loss", "losses", "NLL", "negative log-likelihood of class indices, "
               "input holding log-probabilities",
               ("∂NLL/∂input = −onehot(target) (÷ n for the mean)",
                "∂/∂target: none (class indices)"),
               (Port("input"), Port("target")), (_REDUCTION,),
               function="nn.functional.nll_loss",
               engine_ops=(EngineOp("nll_loss", read=read_nll_loss),), palette=False),
        OpSpec("softmax_backward_data", "functions", "softmax′", "y · (grad − Σ grad·y) "
               "along dim: how softmax passes a gradient back, given its output y",
               ("∂/∂grad = y(δ − y)", "∂/∂y = grad·(G − Σ G·y) − G·Σ grad·y (G: upstream)"),
               (Port("grad"), Port("y")),
               # a derivative kernel (see _kernel); the line writes its formula
               (Param("dim", "int", -1),), engine=_kernel(
                   "activation", "softmax_backward_data", ("grad", "y"), ("dim",),
                   lambda t, a, p: t._softmax_backward_data(a["grad"], a["y"], p["dim"],
                                                            a["y"].dtype)),
               template=lambda a, p: _softmax_bwd_code(a["grad"], a["y"], p["dim"]),
               palette=False, extra={"core_template": "torch.ops.activation."
                                     "softmax_backward_data({grad}, {y}, {dim})"}),
        OpSpec("log_softmax_backward_data", "functions", "log softmax′", "grad − exp(y) · Σ "
               "grad along dim: how log_softmax passes a gradient back, given its output y",
               ("∂/∂grad = δ − exp(y)", "∂/∂y = −exp(y)·Σ grad"), (Port("grad"), Port("y")),
               (Param("dim", "int", -1),),
               # a derivative kernel (see _kernel); the line writes its formula
               engine=_kernel("activation", "log_softmax_backward_data", ("grad", "y"),
                              ("dim",), lambda t, a, p: t._log_softmax_backward_data(
                                  a["grad"], a["y"], p["dim"], a["y"].dtype)),
               template=lambda a, p: (f"{a['grad']} - torch.exp({a['y']}) * {a['grad']}"
                                      f".sum(dim={p['dim']!r}, keepdim=True)"),
               palette=False, extra={"core_template": "torch.ops.activation."
                                     "log_softmax_backward_data({grad}, {y}, {dim})"}),
        OpSpec("softplus_backward", "functions", "softplus′", "grad · σ(βx), or grad where "
               "βx > threshold: how softplus passes a gradient back",
               ("∂/∂grad = σ(βx) (1 past the threshold)",
                "∂/∂x = grad·β·σ(βx)(1 − σ(βx)) (0 past the threshold)"),
               (Port("grad"), Port("x")),
               (Param("beta", "float", 1.0), Param("threshold", "float", 20.0)),
               # a derivative kernel (see _kernel); the line writes its formula
               engine=_kernel("elementwise", "softplus_backward", ("grad", "x"),
                              ("beta", "threshold"), lambda t, a, p: t.ops.aten.softplus_backward(
                                  a["grad"], a["x"], p["beta"], p["threshold"])),
               template="torch.where({x} * {beta} > {threshold}, {grad}, "
                        "{grad} * torch.sigmoid({x} * {beta}))", palette=False,
               extra={"core_template": "torch.ops.elementwise.softplus_backward({grad}, {x}, "
                                       "{beta}, {threshold})"}),
        OpSpec("threshold_backward", "functions", "relu′", "grad where y > threshold, else 0: "
               "how relu passes a gradient back, given its output y",
               ("∂/∂grad = 1 where y > threshold", "∂/∂y = 0"), (Port("grad"), Port("y")),
               (Param("threshold", "float", 0.0),),
               # a derivative kernel (see _kernel); the line writes its formula
               engine=_kernel("elementwise", "threshold_backward", ("grad", "y"),
                              ("threshold",), lambda t, a, p: t.ops.aten.threshold_backward(
                                  a["grad"], a["y"], p["threshold"])),
               template="torch.where({y} > {threshold}, {grad}, 0.0)",
               palette=False, extra={"core_template": "torch.ops.elementwise."
                                     "threshold_backward({grad}, {y}, {threshold})"}),
        OpSpec("addmm", "linear algebra", "+@", "bias + a @ b in one step (what a Linear "
               "layer runs)", ("∂/∂bias = 1", "∂/∂a = G@bᵀ", "∂/∂b = aᵀ@G"),
               (Port("bias"), Port("a"), Port("b")),
               # core has no top-level addmm yet (core.ops.addmm)
               engine=lambda lib, a, p: (lib.ops if _is_core(lib) else lib).addmm(
                   a["bias"], a["a"], a["b"]),  # core has no top-level addmm yet
               template="torch.addmm({bias}, {a}, {b})", palette=False,
               extra={"core_template": "torch.ops.addmm({bias}, {a}, {b})"}),
        OpSpec("output", "outputs", "→", "marks a result; backward starts from the chosen one",
               ("∂out/∂value = 1 (the output passes its input through)",), (Port("value"),),
               passthrough=True,
               # passes its input through: no engine op
               engine=lambda lib, a, p: a["value"], template="{value}"),
    ]
    return specs


OPS: dict[str, OpSpec] = {s.name: s for s in _spec_list()}

#: Functions the expression parser accepts as calls: name -> op name.
FUNCTIONS: dict[str, str] = {
    name: name for name, s in OPS.items()
    if s.category in ("functions", "reductions", "linear algebra", "losses")
}


def ops_in(category: str, palette_only: bool = True) -> list[OpSpec]:
    """The palette section for `category`, in catalog order."""
    return [s for s in OPS.values() if s.category == category and (s.palette or not
                                                                     palette_only)]


def spec(op: str) -> OpSpec:
    """The spec for op name `op`; raises KeyError naming the known ops."""
    try:
        return OPS[op]
    except KeyError:
        raise KeyError(f"unknown op {op!r}; known: {', '.join(OPS)}") from None


__all__ = ["CATEGORIES", "FUNCTIONS", "OPS", "PARAM_TYPES", "OpSpec", "Param", "ParamError",
           "Port", "index_from_key", "index_key", "ops_in", "spec"]
