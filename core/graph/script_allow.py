"""The allow-list of the script interpreter: every object a script may reach, by name.

A script never touches a Python object through Python's own attribute lookup. It sees
namespaces (`torch`, `torch.nn.functional`, ...) whose members are listed here, tensor /
optimizer / module / str / list / dict attributes listed here, and builtins listed here.
Every callable is wrapped (`Allowed`, `BoundMethod`) with an optional pre-check that
refuses sizes over the limits *before* anything is allocated (``torch.ones(10**9)``).
Anything not in these tables is refused with a `ScriptError` that says what and where.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import core
import core.nn as nn
import core.nn.functional as nnf
import core.optim as optim
from core.autograd import Variable
from core.autograd.grad_mode import enable_grad, no_grad, set_grad_enabled
from core.autograd.node import Node as GradFn
from core.graph.script_limits import Limits, ScriptError, limit_error
from core.tensor import Tensor

Check = Callable[[Limits, tuple[Any, ...], dict[str, Any]], None]

#: the version a script reads from ``torch.__version__``: the PyTorch the engine mirrors
TORCH_VERSION = "2.13.0+cpu"


@dataclass(frozen=True)
class Allowed:
    """A whitelisted callable (torch function, class, builtin) with its pre-check."""

    name: str
    fn: Callable[..., Any]
    check: Check | None = None

    def __repr__(self) -> str:
        return f"<built-in function {self.name}>"


@dataclass(frozen=True)
class BoundMethod:
    """A whitelisted method of a value the script holds (``x.backward``)."""

    obj: Any
    name: str
    fn: Callable[..., Any]
    check: Check | None = None

    def __repr__(self) -> str:
        return f"<built-in method {self.name}>"


@dataclass
class Namespace:
    """A whitelisted module (``torch``, ``torch.optim``, ``np``): members by name."""

    name: str
    members: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<module '{self.name}'>"


# ------------------------------------------------------------------ size pre-checks
def _prod(sizes: Iterable[Any]) -> int:
    n = 1
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, int):
            return 0  # not a size: the engine itself will refuse it
        n *= max(s, 0)
    return n


def _need(lim: Limits, n: int, what: str) -> None:
    if n > lim.tensor_elements:
        raise limit_error("tensor_elements", f"{what} would have {n} elements, more than "
                          f"{lim.tensor_elements}")


def _sizes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if "size" in kwargs:
        return kwargs["size"]
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        return args[0]
    return [a for a in args if isinstance(a, int)]


def check_sizes(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """ones(3, 4), zeros((3, 4)), randn(size=(3,)), Tensor(2, 3)."""
    sizes = _sizes(args, kwargs)
    if isinstance(sizes, (list, tuple)):
        _need(lim, _prod(sizes), "this tensor")
    check_data(lim, args, kwargs)


def _check_full(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    size = kwargs.get("size", args[0] if args else ())
    if isinstance(size, (list, tuple)):
        _need(lim, _prod(size), "this tensor")


def _check_randint(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    size = kwargs.get("size", next((a for a in args if isinstance(a, (list, tuple))), ()))
    _need(lim, _prod(size), "this tensor")


def _number(v: Any) -> float | None:
    if isinstance(v, Tensor):
        return float(v.item()) if v.numel() == 1 else None
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _check_arange(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    nums = [_number(a) for a in args]
    start, end, step = 0.0, None, 1.0
    if len(nums) == 1:
        end = nums[0]
    elif len(nums) >= 2:
        start, end = nums[0], nums[1]
        if len(nums) > 2:
            step = nums[2]
    start = _number(kwargs.get("start", start)) if "start" in kwargs else start
    end = _number(kwargs["end"]) if "end" in kwargs else end
    step = _number(kwargs["step"]) if "step" in kwargs else step
    if start is None or end is None or not step or not all(
            math.isfinite(v) for v in (start, end, step)):
        return
    _need(lim, max(0, math.ceil((end - start) / step)), "this arange")


def _check_linspace(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    steps = kwargs.get("steps", args[2] if len(args) > 2 else 0)
    if isinstance(steps, int):
        _need(lim, steps, "this linspace")


def _check_eye(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    n = kwargs.get("n", args[0] if args else 0)
    m = kwargs.get("m", args[1] if len(args) > 1 else n)
    _need(lim, _prod([n, m]), "this eye")


def _check_randperm(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    _need(lim, _prod(args[:1]), "this randperm")


def count_leaves(data: Any, budget: int) -> int:
    """Numbers in a nested list/tuple, counting a shared sublist each time it appears
    (``[[0] * 10**6] * 10**6`` is 10**12) but walking it once; more than `budget` (or
    nesting deeper than a tensor can) counts as budget + 1."""
    memo: dict[int, int] = {}

    def count(d: Any, depth: int) -> int:
        if not isinstance(d, (list, tuple)):
            return d.numel() if isinstance(d, Tensor) else 1
        if id(d) in memo:
            return memo[id(d)]
        if depth > 64:
            return budget + 1
        n = 0
        for e in d:
            n += count(e, depth + 1)
            if n > budget:
                break
        memo[id(d)] = n = min(n, budget + 1)
        return n

    return count(data, 0)


def check_data(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """tensor([[...]]): the nested list must not hold more numbers than a tensor may."""
    data = kwargs.get("data", args[0] if args else None)
    if isinstance(data, (list, tuple)):
        _need(lim, count_leaves(data, lim.tensor_elements), "this tensor")


def _shape(v: Any) -> tuple[int, ...] | None:
    if isinstance(v, Tensor):
        return tuple(v.shape)
    if isinstance(v, (int, float, bool)):
        return ()
    return None


def broadcast_numel(values: Iterable[Any]) -> int:
    """Elements of the broadcast of the tensors among `values` (0 if they don't
    broadcast: the engine then says why)."""
    return _broadcast([s for s in (_shape(v) for v in values) if s is not None])


def _broadcast(shapes: list[tuple[int, ...]]) -> int:
    if not shapes:
        return 0
    nd = max(len(s) for s in shapes)
    out = []
    for i in range(nd):
        dims = {s[len(s) - nd + i] for s in shapes if len(s) - nd + i >= 0} - {1}
        if len(dims) > 1:
            return 0
        out.append(dims.pop() if dims else 1)
    return _prod(out)


def matmul_numel(a: Any, b: Any) -> int:
    """Elements of a @ b (0 when they don't fit: the engine says why)."""
    sa, sb = _shape(a), _shape(b)
    if not sa or not sb:
        return 0
    if len(sa) == 1 or len(sb) == 1:
        return max(_prod(sa[:-1]), _prod(sb[:-2]) * _prod(sb[-1:]), 1)
    return _broadcast([sa[:-2], sb[:-2]]) * sa[-2] * sb[-1]


def check_tensor_args(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Any op on tensors: its elementwise result must fit (``a[:, None] * b[None, :]``)."""
    vals = list(args) + list(kwargs.values())
    _need(lim, broadcast_numel(vals), "the result")
    for v in vals:
        if isinstance(v, (list, tuple)) and v and isinstance(v[0], (list, tuple, int, float)):
            _need(lim, count_leaves(v, lim.tensor_elements), "this tensor")


def _check_matmul(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if len(args) >= 2:
        _need(lim, matmul_numel(args[0], args[1]), "the product")


def _check_outer(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if len(args) >= 2 and all(isinstance(a, Tensor) for a in args[:2]):
        _need(lim, args[0].numel() * args[1].numel(), "the outer product")


def _check_cat(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    ts = kwargs.get("tensors", args[0] if args else ())
    if isinstance(ts, (list, tuple)):
        _need(lim, sum(t.numel() for t in ts if isinstance(t, Tensor)), "the result")


def _check_expand(lim: Limits, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    sizes = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args
    _need(lim, _prod(1 if s == -1 else s for s in sizes), "the expanded tensor")


# ------------------------------------------------------------------ the torch namespace
_TORCH_FUNCTIONS = (
    "abs add allclose amax amin argmax argmin as_tensor cat clamp clip clone concat cos div "
    "divide dot empty empty_like eq equal exp eye flatten full full_like ge gt initial_seed "
    "is_grad_enabled is_tensor isclose le linspace log log_softmax logical_and logical_not "
    "logical_or lt manual_seed matmul max maximum mean min minimum mm mul multiply mv ne neg "
    "negative norm numel ones ones_like outer permute pow prod rand rand_like randint "
    "randint_like randn randn_like randperm relu remainder reshape sigmoid sign sin softmax "
    "softplus sqrt square squeeze stack std sub subtract sum t tan tanh transpose true_divide "
    "unsqueeze var where zeros zeros_like arange broadcast_to"
).split()
_CHECKS: dict[str, Check] = {
    "ones": check_sizes, "zeros": check_sizes, "empty": check_sizes, "rand": check_sizes,
    "randn": check_sizes, "full": _check_full, "randint": _check_randint,
    "arange": _check_arange, "linspace": _check_linspace, "eye": _check_eye,
    "randperm": _check_randperm, "tensor": check_data, "as_tensor": check_data,
    "Tensor": check_sizes, "FloatTensor": check_sizes, "DoubleTensor": check_sizes,
    "LongTensor": check_sizes, "BoolTensor": check_sizes, "matmul": _check_matmul,
    "mm": _check_matmul, "mv": _check_matmul, "outer": _check_outer, "cat": _check_cat,
    "concat": _check_cat, "stack": _check_cat, "Variable": check_data,
    "broadcast_to": lambda lim, a, k: _check_expand(lim, tuple(a[1:2]), {}),
}
_DTYPES = "float32 float64 float double int64 long int bool".split()
_TENSOR_CLASSES = "Tensor FloatTensor DoubleTensor LongTensor BoolTensor".split()
_NNF = ("relu sigmoid tanh softplus softmax log_softmax linear mse_loss nll_loss "
        "cross_entropy").split()
_MODULES = ("Linear Sequential ReLU Sigmoid Tanh Softmax LogSoftmax Softplus Identity "
            "MSELoss CrossEntropyLoss NLLLoss").split()
_OPTIMIZERS = ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad")


def _allowed(name: str, fn: Callable[..., Any], default: Check | None = None) -> Allowed:
    return Allowed(name, fn, _CHECKS.get(name.rsplit(".", 1)[-1], default))


def build_torch() -> Namespace:
    """A fresh ``torch`` namespace (fresh per run: nothing a script does to it lasts)."""
    t = Namespace("torch")
    for name in _TORCH_FUNCTIONS:
        t.members[name] = _allowed(f"torch.{name}", getattr(core, name), check_tensor_args)
    t.members["tensor"] = _allowed("torch.tensor", core.tensor)
    for name in _TENSOR_CLASSES:
        t.members[name] = _allowed(f"torch.{name}", getattr(core, name))
    for name in _DTYPES:
        t.members[name] = getattr(core, name)
    for name, fn in (("no_grad", no_grad), ("enable_grad", enable_grad),
                     ("set_grad_enabled", set_grad_enabled)):
        t.members[name] = Allowed(f"torch.{name}", fn)
    t.members["Size"] = Allowed("torch.Size", core.Size)
    t.members["__version__"] = TORCH_VERSION
    ag = Namespace("torch.autograd")
    ag.members["grad"] = Allowed("torch.autograd.grad", core.autograd.grad)
    ag.members["backward"] = Allowed("torch.autograd.backward", core.autograd.backward)
    ag.members["Variable"] = _allowed("torch.autograd.Variable", Variable)
    for name in ("no_grad", "enable_grad", "set_grad_enabled"):
        ag.members[name] = t.members[name]
    t.members["autograd"] = ag
    op = Namespace("torch.optim", {n: Allowed(f"torch.optim.{n}", getattr(optim, n))
                                   for n in _OPTIMIZERS})
    t.members["optim"] = op
    f = Namespace("torch.nn.functional",
                  {n: _allowed(f"torch.nn.functional.{n}", getattr(nnf, n), check_tensor_args)
                   for n in _NNF})
    nn_ns = Namespace("torch.nn", {n: Allowed(f"torch.nn.{n}", getattr(nn, n))
                                   for n in _MODULES})
    nn_ns.members["Parameter"] = Allowed("torch.nn.Parameter", nn.Parameter)
    nn_ns.members["functional"] = f
    t.members["nn"] = nn_ns
    return t


def build_numpy() -> Namespace:
    """``import numpy as np`` names this: the seeds import it without using it."""
    return Namespace("numpy", {"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan})


def build_math() -> Namespace:
    fns = "sqrt exp log sin cos tan tanh fabs floor ceil isfinite isnan isclose".split()
    ns = Namespace("math", {n: Allowed(f"math.{n}", getattr(math, n)) for n in fns})
    ns.members.update(pi=math.pi, e=math.e, inf=math.inf, nan=math.nan)
    return ns


# ------------------------------------------------------------------ attributes by type
TENSOR_PROPS = frozenset("grad data shape T mT requires_grad is_leaf dtype ndim device "
                         "grad_fn".split())
TENSOR_SETTABLE = frozenset({"grad", "data", "requires_grad"})
TENSOR_METHODS = frozenset((
    "backward detach detach_ requires_grad_ retain_grad item tolist size dim numel nelement "
    "clone to type type_as float double long int bool cpu contiguous zero_ fill_ copy_ "
    "add_ sub_ mul_ div_ pow_ clamp_ neg_ exp_ add sub mul div pow neg exp log sqrt abs sin "
    "cos tan tanh sigmoid relu sign reciprocal square maximum minimum clamp matmul mm mv "
    "dot sum mean var std prod max min amax amin argmax argmin norm reshape view view_as "
    "reshape_as flatten transpose t permute squeeze unsqueeze expand expand_as softmax "
    "log_softmax where masked_fill eq ne lt le gt ge all any allclose equal is_floating_point"
).split())
_TENSOR_METHOD_CHECKS: dict[str, Check] = {"expand": _check_expand}
OPTIMIZER_METHODS = frozenset({"zero_grad", "step"})
OPTIMIZER_PROPS = frozenset({"param_groups", "defaults"})
MODULE_METHODS = frozenset({"parameters", "named_parameters", "zero_grad", "train", "eval",
                            "forward"})
MODULE_PROPS = frozenset({"weight", "bias", "training"})
GRADFN_METHODS = frozenset({"name"})
GRADFN_PROPS = frozenset({"next_functions"})
RESULT_PROPS = frozenset({"values", "indices"})
LIST_METHODS = frozenset({"append", "extend", "pop", "insert", "index", "count", "reverse",
                          "copy", "clear"})
DICT_METHODS = frozenset({"keys", "values", "items", "get", "copy", "pop", "update",
                          "setdefault"})
STR_METHODS = frozenset({"join", "upper", "lower", "strip", "lstrip", "rstrip", "split",
                         "startswith", "endswith", "format", "isdigit", "title"})
CONTEXT_TYPES = (no_grad, enable_grad, set_grad_enabled)


def tensor_method_check(obj: Tensor, name: str) -> Check | None:
    """The pre-check of tensor method `name` on `obj` (sizes it would allocate)."""
    if name in ("matmul", "mm", "mv", "dot"):
        return lambda lim, a, k: _need(lim, matmul_numel(obj, a[0]) if a else 0, "the product")
    if name == "tolist":
        def check(lim: Limits, a: tuple[Any, ...], k: dict[str, Any]) -> None:
            if obj.numel() > lim.items:
                raise limit_error("items", f"tolist() of {obj.numel()} numbers")
        return check
    if name in _TENSOR_METHOD_CHECKS:
        return _TENSOR_METHOD_CHECKS[name]
    return lambda lim, a, k: _need(lim, broadcast_numel((obj, *a, *k.values())), "the result")


def refuse(what: str) -> ScriptError:
    return ScriptError(f"{what} is not allowed in a script")


__all__ = ["Allowed", "BoundMethod", "CONTEXT_TYPES", "GradFn", "Namespace", "build_math",
           "build_numpy", "build_torch", "refuse"]
