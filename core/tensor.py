"""``Tensor``: a numpy array plus what autograd needs (requires_grad, grad, grad_fn).

Arithmetic and methods delegate to ``core.ops``, where each op's derivative rule sits
beside its forward. This file holds the tensor's state, its PyTorch-shaped attribute
surface and in-place semantics (version counter, leaf checks).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from . import dtypes as _dt
from ._size import Size

LEAF_INPLACE_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."


def _to_array(data: Any, dtype: _dt.dtype | None) -> np.ndarray:
    """Python scalars, nested lists, numpy arrays or tensors → an ndarray of our dtypes."""
    if isinstance(data, Tensor):
        arr = data._data
    elif isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        arr = np.array(_unwrap(data))
    else:
        arr = np.asarray(data)
    if dtype is None:
        if arr.dtype.kind == "f" and not isinstance(data, (np.ndarray, Tensor)):
            dtype = _dt.float32  # Python floats default to float32, as in PyTorch
        elif isinstance(data, np.ndarray) or isinstance(data, Tensor):
            dtype = _dt.from_numpy_dtype(arr.dtype)
        elif arr.dtype.kind == "O":
            raise TypeError(f"can't build a tensor from {type(data).__name__} {data!r}")
        else:
            dtype = _dt.from_numpy_dtype(arr.dtype)
    return np.array(arr, dtype=dtype.np, copy=True)


def _flat(data: Any) -> Iterator[Any]:
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _unwrap(data: Any) -> Any:
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)):
        return [_unwrap(x) for x in data]
    return data


class Tensor:
    """A multi-dimensional array that can record the operations applied to it."""

    # Hot attributes are slots; rarely-set ones are class defaults shadowed per instance
    # (in __dict__) only when used, which keeps creating a tensor cheap.
    __slots__ = ("_data", "_requires_grad", "_grad_fn", "_grad", "_vbox", "__weakref__",
                 "__dict__")
    _acc_ref: weakref.ref | None = None
    _hooks: list[Callable[..., Any]] | None = None
    _retains_grad = False
    _base: Tensor | None = None
    __array_priority__ = 1000
    __array_ufunc__ = None  # numpy defers to our reflected operators

    # ------------------------------------------------------------------ creation
    def __new__(cls, *args: Any, **kwargs: Any) -> Tensor:
        """Legacy ``torch.Tensor(data)`` / ``torch.Tensor(2, 3)``: float32."""
        if kwargs:
            raise TypeError(f"Tensor() got unexpected keyword arguments {sorted(kwargs)}")
        if not args:
            arr = np.zeros((0,), dtype=np.float32)
        elif all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
            arr = np.zeros(tuple(int(a) for a in args), dtype=np.float32)
        elif len(args) == 1:
            arr = _to_array(args[0], _dt.float32)
        else:
            raise TypeError("Tensor() takes sizes as ints or one sequence of data")
        return cls._from_array(arr)

    @classmethod
    def _from_array(cls, arr: np.ndarray, requires_grad: bool = False,
                    grad_fn: Node | None = None) -> Tensor:
        t = object.__new__(cls)
        t._data = arr
        t._requires_grad = requires_grad
        t._grad_fn = grad_fn
        t._grad = None
        t._vbox = [0]
        return t

    # ------------------------------------------------------------------ autograd state
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if self._grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach().")
            return self
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point and complex dtype can require "
                               f"gradients (this one is {self.dtype})")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad_fn(self) -> Node | None:
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got "
                                f"{type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"assigned grad has data of a different size: {value.shape} "
                                   f"vs {self.shape}")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    @property
    def _version(self) -> int:
        return self._vbox[0]

    def _bump(self) -> None:
        """Count an in-place change: saved-for-backward checks compare versions."""
        self._vbox[0] += 1
        EDITS[0] += 1

    def _accumulator(self) -> AccumulateGrad:
        """The leaf's AccumulateGrad node, shared by every op that consumes it."""
        acc = self._acc_ref() if self._acc_ref is not None else None
        if acc is None:
            acc = AccumulateGrad(self)
            self._acc_ref = weakref.ref(acc)
        return acc

    def retain_grad(self) -> None:
        """Keep ``.grad`` of a non-leaf after backward (leaves keep theirs anyway)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is not None and not self._retains_grad:
            self._grad_fn.retain_ref = weakref.ref(self)
            self._retains_grad = True

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """``hook(grad)`` runs when the gradient w.r.t. this tensor is computed; it may
        return a replacement gradient."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            return self._grad_fn.register_hook(hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return RemovableHandle(self._hooks, hook)

    def backward(self, gradient: Tensor | None = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Sequence[Tensor] | Tensor | None = None
                 ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (see autograd.backward)."""
        from .autograd.engine import backward
        backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph,
                 inputs=inputs)

    def detach(self) -> Tensor:
        """The same data (shared memory and version counter), cut from the graph."""
        t = Tensor._from_array(self._data)
        t._vbox = self._vbox
        return t

    def detach_(self) -> Tensor:
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        """The values without history; changes through it are not seen by autograd."""
        return Tensor._from_array(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data if isinstance(value, Tensor) else _to_array(value, self.dtype)

    # ------------------------------------------------------------------ shape and type
    @property
    def shape(self) -> Size:
        return tuple.__new__(Size, self._data.shape)  # numpy's shape is already ints

    def size(self, dim: int | None = None) -> Size | int:
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    def dim(self) -> int:
        return self._data.ndim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    def nelement(self) -> int:
        return int(self._data.size)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    @property
    def dtype(self) -> _dt.dtype:
        return _dt.from_numpy_dtype(self._data.dtype)

    @property
    def device(self) -> str:
        return "cpu"

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def element_size(self) -> int:
        return self._data.itemsize

    def item(self) -> float | int | bool:
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.reshape(()).item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def numpy(self, force: bool = False) -> np.ndarray:
        """The underlying array, shared (as torch does for CPU tensors)."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = self.numpy()
        return arr.astype(dtype) if dtype is not None else arr

    def clone(self) -> Tensor:
        return _F.clone(self)

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """``to(dtype)``; devices other than cpu are not available here."""
        dtype = kwargs.get("dtype")
        for a in args:
            if isinstance(a, _dt.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            elif a not in ("cpu", None):
                raise RuntimeError(f"Chainrule's engine runs on the CPU only (asked for {a!r})")
        if dtype is None or dtype is self.dtype:
            return self
        return _F.to_dtype(self, dtype)

    def type(self, dtype: Any = None) -> Any:
        if dtype is None:
            return {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor",
                    "int64": "torch.LongTensor", "bool": "torch.BoolTensor"}[self.dtype.name]
        return self.to(_dt.to_dtype(dtype))

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def float(self) -> Tensor:
        return self.to(_dt.float32)

    def double(self) -> Tensor:
        return self.to(_dt.float64)

    def long(self) -> Tensor:
        return self.to(_dt.int64)

    def int(self) -> Tensor:
        return self.to(_dt.int64)

    def bool(self) -> Tensor:
        return self.to(_dt.bool_)

    def cpu(self) -> Tensor:
        return self

    def contiguous(self) -> Tensor:
        return self

    # ------------------------------------------------------------------ printing
    def __repr__(self) -> str:
        try:
            from ._tensor_str import tensor_repr
        except ImportError:  # pragma: no cover - during bootstrap only
            return f"tensor({self._data!r})"
        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:  # as torch: a 0-d tensor formats as its number
            return format(self.item(), spec)
        return format(repr(self), spec)

    __hash__ = object.__hash__

    # ------------------------------------------------------------------ conversions
    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous "
                               f"(shape {list(self._data.shape)})")
        return bool(self._data.reshape(()))

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    # ------------------------------------------------------------------ operators
    def __add__(self, o: Any) -> Tensor:
        return _F.add(self, o)

    def __radd__(self, o: Any) -> Tensor:
        return _F.add(o, self)

    def __sub__(self, o: Any) -> Tensor:
        return _F.sub(self, o)

    def __rsub__(self, o: Any) -> Tensor:
        return _F.sub(o, self)

    def __mul__(self, o: Any) -> Tensor:
        return _F.mul(self, o)

    def __rmul__(self, o: Any) -> Tensor:
        return _F.mul(o, self)

    def __truediv__(self, o: Any) -> Tensor:
        return _F.div(self, o)

    def __rtruediv__(self, o: Any) -> Tensor:
        return _F.div(o, self)

    def __floordiv__(self, o: Any) -> Tensor:
        return _F.floor_divide(self, o)

    def __mod__(self, o: Any) -> Tensor:
        return _F.remainder(self, o)

    def __pow__(self, o: Any) -> Tensor:
        return _F.pow(self, o)

    def __rpow__(self, o: Any) -> Tensor:
        return _F.pow(o, self)

    def __matmul__(self, o: Any) -> Tensor:
        return _F.matmul(self, o)

    def __rmatmul__(self, o: Any) -> Tensor:
        return _F.matmul(o, self)

    def __neg__(self) -> Tensor:
        return _F.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _F.abs(self)

    def __eq__(self, o: Any) -> Tensor:  # type: ignore[override]
        return _F.eq(self, o)

    def __ne__(self, o: Any) -> Tensor:  # type: ignore[override]
        return _F.ne(self, o)

    def __lt__(self, o: Any) -> Tensor:
        return _F.lt(self, o)

    def __le__(self, o: Any) -> Tensor:
        return _F.le(self, o)

    def __gt__(self, o: Any) -> Tensor:
        return _F.gt(self, o)

    def __ge__(self, o: Any) -> Tensor:
        return _F.ge(self, o)

    def __and__(self, o: Any) -> Tensor:
        return _F.logical_and(self, o) if self.dtype is _dt.bool_ else _F.bitwise_and(self, o)

    def __or__(self, o: Any) -> Tensor:
        return _F.logical_or(self, o) if self.dtype is _dt.bool_ else _F.bitwise_or(self, o)

    def __invert__(self) -> Tensor:
        return _F.logical_not(self)

    def __getitem__(self, key: Any) -> Tensor:
        return _F.getitem(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._inplace(lambda s, v: _F.index_put(s, key, v), value, copy=False)

    # ------------------------------------------------------------------ in-place
    def _inplace(self, fn: Callable[..., Tensor], *args: Any, copy: bool = True) -> Tensor:
        """Run ``fn`` out of place, then write the result into this tensor's memory.

        Under grad mode the tensor takes the result's ``grad_fn`` (so ``n[0] = m**2``
        makes ``n`` differentiable w.r.t. ``m``, as PyTorch's CopySlices does); ``copy``
        snapshots the old values for rules that read them."""
        tracking = STATE.enabled and (
            self._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args))
        if tracking:
            if self._requires_grad and self._grad_fn is None:
                raise RuntimeError(LEAF_INPLACE_MESSAGE)
            if self._base is not None and self._base._requires_grad:
                raise RuntimeError(
                    "in-place operation on a view of a tensor that requires grad: Chainrule's "
                    "engine doesn't rebase views; clone() the view first")
            src = Tensor._from_array(self._data.copy() if copy else self._data,
                                     self._requires_grad, self._grad_fn)
            result = fn(src, *args)
        else:
            with no_grad():
                result = fn(Tensor._from_array(self._data), *args)
        out = result._data
        if out.shape != self._data.shape:
            raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the "
                               f"broadcast shape {list(out.shape)}")
        if _dt.from_numpy_dtype(out.dtype).category > self.dtype.category:
            raise RuntimeError(f"result type {_dt.from_numpy_dtype(out.dtype).name} can't be cast "
                               f"to the desired output type {self.dtype.name}")
        np.copyto(self._data, out, casting="unsafe")
        self._bump()
        if tracking:
            node = result._grad_fn
            self._grad_fn = node
            self._requires_grad = result._requires_grad
            if node is not None and node.op.saves_output:
                node.out_box = self._vbox
                node.out_version = self._vbox[0]
            self._retains_grad = False
        return self

    def __iadd__(self, o: Any) -> Tensor:
        return self._inplace(_F.add, o, copy=False)

    def __isub__(self, o: Any) -> Tensor:
        return self._inplace(_F.sub, o, copy=False)

    def __imul__(self, o: Any) -> Tensor:
        return self._inplace(_F.mul, o)

    def __itruediv__(self, o: Any) -> Tensor:
        return self._inplace(_F.div, o)

    def add_(self, o: Any, alpha: float = 1) -> Tensor:
        return self._inplace(lambda s, v: _F.add(s, v, alpha=alpha), o, copy=False)

    def sub_(self, o: Any, alpha: float = 1) -> Tensor:
        return self._inplace(lambda s, v: _F.sub(s, v, alpha=alpha), o, copy=False)

    def mul_(self, o: Any) -> Tensor:
        return self._inplace(_F.mul, o)

    def div_(self, o: Any) -> Tensor:
        return self._inplace(_F.div, o)

    def pow_(self, o: Any) -> Tensor:
        return self._inplace(_F.pow, o)

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        return self._inplace(lambda s: _F.clamp(s, min, max))

    def neg_(self) -> Tensor:
        return self._inplace(_F.neg, copy=False)

    def exp_(self) -> Tensor:
        return self._inplace(_F.exp)

    def zero_(self) -> Tensor:
        return self.fill_(0)

    def fill_(self, value: Any) -> Tensor:
        if not (STATE.enabled and self._requires_grad):
            if self._requires_grad and self._grad_fn is None and STATE.enabled:
                raise RuntimeError(LEAF_INPLACE_MESSAGE)
            self._data.fill(value.item() if isinstance(value, Tensor) else value)
            self._bump()
            return self
        return self._inplace(lambda s: _F.add(_F.mul(s, 0), value), copy=False)

    def copy_(self, src: Any) -> Tensor:
        return self._inplace(
            lambda s, v: _F.expand(_F.to_dtype(_F.as_tensor_like(v, s), s.dtype), s.shape),
            src, copy=False)

    # ------------------------------------------------------------------ methods → ops
    def add(self, o: Any, alpha: float = 1) -> Tensor:
        return _F.add(self, o, alpha=alpha)

    def sub(self, o: Any, alpha: float = 1) -> Tensor:
        return _F.sub(self, o, alpha=alpha)

    def mul(self, o: Any) -> Tensor:
        return _F.mul(self, o)

    def div(self, o: Any) -> Tensor:
        return _F.div(self, o)

    def pow(self, o: Any) -> Tensor:
        return _F.pow(self, o)

    def neg(self) -> Tensor:
        return _F.neg(self)

    def exp(self) -> Tensor:
        return _F.exp(self)

    def log(self) -> Tensor:
        return _F.log(self)

    def sqrt(self) -> Tensor:
        return _F.sqrt(self)

    def abs(self) -> Tensor:
        return _F.abs(self)

    def sin(self) -> Tensor:
        return _F.sin(self)

    def cos(self) -> Tensor:
        return _F.cos(self)

    def tan(self) -> Tensor:
        return _F.tan(self)

    def tanh(self) -> Tensor:
        return _F.tanh(self)

    def sigmoid(self) -> Tensor:
        return _F.sigmoid(self)

    def relu(self) -> Tensor:
        return _F.relu(self)

    def sign(self) -> Tensor:
        return _F.sign(self)

    def reciprocal(self) -> Tensor:
        return _F.reciprocal(self)

    def square(self) -> Tensor:
        return _F.pow(self, 2)

    def maximum(self, o: Tensor) -> Tensor:
        return _F.maximum(self, o)

    def minimum(self, o: Tensor) -> Tensor:
        return _F.minimum(self, o)

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        return _F.clamp(self, min, max)

    clip = clamp

    def matmul(self, o: Tensor) -> Tensor:
        return _F.matmul(self, o)

    def mm(self, o: Tensor) -> Tensor:
        return _F.mm(self, o)

    def mv(self, o: Tensor) -> Tensor:
        return _F.mv(self, o)

    def dot(self, o: Tensor) -> Tensor:
        return _F.dot(self, o)

    def sum(self, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
        return _F.sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
        return _F.mean(self, dim, keepdim, dtype=dtype)

    def var(self, dim: Any = None, unbiased: bool = True, keepdim: bool = False) -> Tensor:
        return _F.var(self, dim, unbiased=unbiased, keepdim=keepdim)

    def std(self, dim: Any = None, unbiased: bool = True, keepdim: bool = False) -> Tensor:
        return _F.std(self, dim, unbiased=unbiased, keepdim=keepdim)

    def prod(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        return _F.prod(self, dim, keepdim)

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        return _F.max(self, dim, keepdim)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        return _F.min(self, dim, keepdim)

    def amax(self, dim: Any = (), keepdim: bool = False) -> Tensor:
        return _F.amax(self, dim, keepdim)

    def amin(self, dim: Any = (), keepdim: bool = False) -> Tensor:
        return _F.amin(self, dim, keepdim)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return _F.argmax(self, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return _F.argmin(self, dim, keepdim)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
        return _F.norm(self, p, dim, keepdim)

    def reshape(self, *shape: Any) -> Tensor:
        return _F.reshape(self, _shape_arg(shape))

    def view(self, *shape: Any) -> Tensor:
        if len(shape) == 1 and isinstance(shape[0], _dt.dtype):
            raise RuntimeError("view(dtype) is not supported by Chainrule's engine")
        return _F.reshape(self, _shape_arg(shape))

    def view_as(self, other: Tensor) -> Tensor:
        return _F.reshape(self, other.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return _F.reshape(self, other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return _F.flatten(self, start_dim, end_dim)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        return _F.transpose(self, dim0, dim1)

    def t(self) -> Tensor:
        return _F.t(self)

    @property
    def T(self) -> Tensor:  # noqa: N802
        # torch records x.T as a permute for every ndim (PermuteBackward0, not TBackward0)
        return _F.permute(self, tuple(reversed(range(self._data.ndim))))

    @property
    def mT(self) -> Tensor:  # noqa: N802
        return _F.transpose(self, -2, -1)

    def permute(self, *dims: Any) -> Tensor:
        return _F.permute(self, _shape_arg(dims))

    def squeeze(self, dim: int | None = None) -> Tensor:
        return _F.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> Tensor:
        return _F.unsqueeze(self, dim)

    def expand(self, *sizes: Any) -> Tensor:
        return _F.expand(self, _shape_arg(sizes))

    def expand_as(self, other: Tensor) -> Tensor:
        return _F.expand(self, other.shape)

    def softmax(self, dim: int) -> Tensor:
        return _F.softmax(self, dim)

    def log_softmax(self, dim: int) -> Tensor:
        return _F.log_softmax(self, dim)

    def where(self, condition: Tensor, other: Any) -> Tensor:
        return _F.where(condition, self, other)

    def masked_fill(self, mask: Tensor, value: Any) -> Tensor:
        return _F.where(mask, _F.as_tensor_like(value, self), self)

    def eq(self, o: Any) -> Tensor:
        return _F.eq(self, o)

    def ne(self, o: Any) -> Tensor:
        return _F.ne(self, o)

    def lt(self, o: Any) -> Tensor:
        return _F.lt(self, o)

    def le(self, o: Any) -> Tensor:
        return _F.le(self, o)

    def gt(self, o: Any) -> Tensor:
        return _F.gt(self, o)

    def ge(self, o: Any) -> Tensor:
        return _F.ge(self, o)

    def all(self) -> Tensor:
        return Tensor._from_array(np.asarray(self._data.all()))

    def any(self) -> Tensor:
        return Tensor._from_array(np.asarray(self._data.any()))

    def allclose(self, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08) -> bool:
        return bool(np.allclose(self._data, other._data, rtol=rtol, atol=atol))

    def equal(self, other: Tensor) -> bool:
        return self.shape == other.shape and bool((self._data == other._data).all())


def _wrap_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim % n


def _shape_arg(args: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept ``f(2, 3)`` as well as ``f((2, 3))`` / ``f([2, 3])`` / ``f(Size)``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    return tuple(int(a) for a in args)


# Bound after the class because these modules import Tensor themselves.
from . import ops as _F  # noqa: E402
from .autograd.grad_mode import STATE, no_grad  # noqa: E402
from .autograd.node import EDITS, AccumulateGrad, Node, RemovableHandle  # noqa: E402
