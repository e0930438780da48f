"""Elementwise ops, each forward followed by its derivative rule (written with engine
ops, so the rules themselves can be differentiated)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes as _dt
from ..tensor import Tensor
from ._operands import as_tensor_like, broadcast_message, elementwise, sum_to, tensors, to_dtype
from .registry import defop, defvjp, record


def const(arr: np.ndarray, like: Tensor) -> Tensor:
    """A constant (never differentiated) in ``like``'s dtype, e.g. a mask."""
    return Tensor._from_array(np.asarray(arr, dtype=like._data.dtype))


# ------------------------------------------------------------------ arithmetic
ADD = defop("add", "AddBackward0")


def add(a: Any, b: Any, alpha: float = 1) -> Tensor:
    if alpha != 1:
        b = mul(b, alpha)
    a, b = tensors(a, b)
    try:
        out = a._data + b._data
    except ValueError:
        out = elementwise(np.add, a, b)  # raises PyTorch's broadcasting error
    return record(ADD, (a, b), out)


defvjp(ADD,
       lambda g, ans, a, b: sum_to(g, a._data.shape),
       lambda g, ans, a, b: sum_to(g, b._data.shape))

SUB = defop("sub", "SubBackward0")


def sub(a: Any, b: Any, alpha: float = 1) -> Tensor:
    if alpha != 1:
        b = mul(b, alpha)
    name = None if isinstance(a, Tensor) else "RsubBackward1"
    a, b = tensors(a, b)
    return record(SUB, (a, b), elementwise(np.subtract, a, b), name=name)


defvjp(SUB,
       lambda g, ans, a, b: sum_to(g, a._data.shape),
       lambda g, ans, a, b: sum_to(neg(g), b._data.shape))

MUL = defop("mul", "MulBackward0", saves=(0, 1), reads=((1,), (0,)))


def mul(a: Any, b: Any) -> Tensor:
    a, b = tensors(a, b)
    try:
        out = a._data * b._data
    except ValueError:
        out = elementwise(np.multiply, a, b)  # raises PyTorch's broadcasting error
    return record(MUL, (a, b), out)


defvjp(MUL,
       lambda g, ans, a, b: sum_to(mul(g, b), a._data.shape),
       lambda g, ans, a, b: sum_to(mul(g, a), b._data.shape))

DIV = defop("div", "DivBackward0", saves=(0, 1), reads=((1,), (0, 1)))


def div(a: Any, b: Any) -> Tensor:
    if not isinstance(a, Tensor) and isinstance(b, Tensor) and isinstance(a, (int, float)):
        # c / x is recorded as torch records it: reciprocal(x) * c
        return mul(reciprocal(b), a)
    a, b = tensors(a, b)
    if not a.dtype.is_floating_point:  # true division of integers gives floats
        a, b = to_dtype(a, _dt.float32), to_dtype(b, _dt.float32)
    return record(DIV, (a, b), elementwise(np.true_divide, a, b))


defvjp(DIV,
       lambda g, ans, a, b: sum_to(div(g, b), a._data.shape),
       lambda g, ans, a, b: sum_to(mul(neg(g), div(div(a, b), b)), b._data.shape))

RECIPROCAL = defop("reciprocal", "ReciprocalBackward0", saves_output=True)


def reciprocal(x: Tensor) -> Tensor:
    x = _float(x)
    one = x._data.dtype.type(1)
    return record(RECIPROCAL, (x,), one / x._data)


defvjp(RECIPROCAL, lambda g, ans, x: mul(neg(g), mul(ans, ans)))

NEG = defop("neg", "NegBackward0")


def neg(x: Tensor) -> Tensor:
    return record(NEG, (x,), np.negative(x._data))


defvjp(NEG, lambda g, ans, x: neg(g))

# x ** p with a Python-number exponent
POW_SCALAR = defop("pow_scalar", "PowBackward0", saves=(0,))
# x ** y with a tensor exponent
POW = defop("pow", "PowBackward1", saves=(0, 1), saves_output=True)
# c ** y with a Python-number base
RPOW = defop("rpow", "PowBackward2", saves_output=True)


def pow(x: Any, p: Any) -> Tensor:  # noqa: A001 - torch.pow
    if isinstance(x, Tensor) and not isinstance(p, Tensor):
        if not x.dtype.is_floating_point and isinstance(p, float):
            x = to_dtype(x, _dt.float32)
        elif not x.dtype.is_floating_point and p < 0 and x.dtype is not _dt.bool_:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return record(POW_SCALAR, (x,), np.power(x._data, p), {"exponent": p})
    if not isinstance(x, Tensor):
        (p,) = tensors(p)
        if isinstance(x, float) and not p.dtype.is_floating_point:
            p = to_dtype(p, _dt.float32)
        base = np.asarray(x, dtype=p._data.dtype)
        return record(RPOW, (p,), _power(base, p._data), {"base": x})
    x, p = tensors(x, p)
    if x._data.dtype.kind in "iu" and p._data.dtype.kind in "iu":
        try:
            return record(POW, (x, p), _power(x._data, p._data))
        except ValueError:
            raise RuntimeError(broadcast_message(x._data.shape, p._data.shape)) from None
    return record(POW, (x, p), elementwise(np.power, x, p))


def _power(base: np.ndarray, exp: np.ndarray) -> np.ndarray:
    """np.power, except that integer ** negative integer is what PyTorch's integer kernel
    gives (1 for 1, ±1 for -1, else 0) where numpy raises."""
    if exp.dtype.kind not in "iu" or base.dtype.kind not in "iu" or not (exp < 0).any():
        return np.power(base, exp)
    neg = exp < 0
    out = np.power(base, np.where(neg, 0, exp))
    odd = (exp % 2) != 0
    small = np.where(base == 1, 1, np.where(base == -1, np.where(odd, -1, 1), 0))
    return np.where(neg, small, out).astype(out.dtype)


def _pow_scalar_vjp(g: Tensor, ans: Any, x: Tensor, exponent: float) -> Tensor:
    p = exponent
    if p == 0:
        return mul(g, 0)
    return mul(g, mul(pow(x, p - 1), p))


def _pow_base_vjp(g: Tensor, ans: Tensor, x: Tensor, y: Tensor) -> Tensor:
    # torch masks y == 0 (where 0 ** -1 would turn the masked product into nan)
    return sum_to(where(y._data == 0, 0, mul(g, mul(y, pow(x, sub(y, 1))))), x._data.shape)


def _pow_exponent_vjp(g: Tensor, ans: Tensor, x: Tensor, y: Tensor) -> Tensor:
    # PyTorch masks 0 ** y (y >= 0), where log(0) would give nan
    keep = const(~((x._data == 0) & (y._data >= 0)), g)
    safe_x = where(keep._data != 0, x, 1)
    return sum_to(mul(mul(g, mul(ans, log(safe_x))), keep), y._data.shape)


defvjp(POW_SCALAR, _pow_scalar_vjp)
defvjp(POW, _pow_base_vjp, _pow_exponent_vjp)
defvjp(RPOW, lambda g, ans, y, base: mul(g, mul(ans, float(np.log(base)))))


def square(x: Tensor) -> Tensor:
    return pow(x, 2)


# ------------------------------------------------------------------ unary functions
EXP = defop("exp", "ExpBackward0", saves_output=True)


def exp(x: Tensor) -> Tensor:
    return record(EXP, (x,), np.exp(_float(x)._data))


defvjp(EXP, lambda g, ans, x: mul(g, ans))

LOG = defop("log", "LogBackward0", saves=(0,))


def log(x: Tensor) -> Tensor:
    x = _float(x)
    return record(LOG, (x,), np.log(x._data))


defvjp(LOG, lambda g, ans, x: div(g, x))

SQRT = defop("sqrt", "SqrtBackward0", saves_output=True)


def sqrt(x: Tensor) -> Tensor:
    x = _float(x)
    return record(SQRT, (x,), np.sqrt(x._data))


defvjp(SQRT, lambda g, ans, x: div(g, mul(ans, 2)))

ABS = defop("abs", "AbsBackward0", saves=(0,))


def abs(x: Tensor) -> Tensor:  # noqa: A001
    return record(ABS, (x,), np.abs(x._data))


SIGN = defop("sign", "SignBackward0")


def sign(x: Tensor) -> Tensor:
    return record(SIGN, (x,), np.sign(x._data))


defvjp(SIGN, lambda g, ans, x: mul(g, 0))
# abs' rule is g·sgn(x) with sgn recorded (torch's SgnBackward0): under create_graph the
# gradient depends on x, and its own derivative is a zero, not a "does not require grad"
defvjp(ABS, lambda g, ans, x: mul(g, record(SIGN, (x,), np.sign(x._data), name="SgnBackward0")))

SIN = defop("sin", "SinBackward0", saves=(0,))


def sin(x: Tensor) -> Tensor:
    x = _float(x)
    return record(SIN, (x,), np.sin(x._data))


defvjp(SIN, lambda g, ans, x: mul(g, cos(x)))

COS = defop("cos", "CosBackward0", saves=(0,))


def cos(x: Tensor) -> Tensor:
    x = _float(x)
    return record(COS, (x,), np.cos(x._data))


defvjp(COS, lambda g, ans, x: mul(g, neg(sin(x))))

TAN = defop("tan", "TanBackward0", saves_output=True)


def tan(x: Tensor) -> Tensor:
    x = _float(x)
    return record(TAN, (x,), np.tan(x._data))


defvjp(TAN, lambda g, ans, x: mul(g, add(mul(ans, ans), 1)))

TANH = defop("tanh", "TanhBackward0", saves_output=True)


def tanh(x: Tensor) -> Tensor:
    x = _float(x)
    return record(TANH, (x,), np.tanh(x._data))


# The rule is itself an op (as in PyTorch): one fused step instead of three, and its
# own rule below keeps create_graph working.
TANH_BACKWARD = defop("tanh_backward", "TanhBackwardBackward0", saves=(0, 1))


def tanh_backward(g: Tensor, y: Tensor) -> Tensor:
    """g · (1 − y²), the gradient of tanh given its output y."""
    yd = y._data
    return record(TANH_BACKWARD, (g, y), g._data * (1 - yd * yd))


defvjp(TANH, lambda g, ans, x: tanh_backward(g, ans))
# sum_to: a catalog node may wire g and y with broadcasting shapes (a no-op otherwise)
defvjp(TANH_BACKWARD,
       lambda gg, ans, g, y: sum_to(tanh_backward(gg, y), g._data.shape),
       lambda gg, ans, g, y: sum_to(mul(mul(mul(gg, g), y), -2), y._data.shape))

SIGMOID = defop("sigmoid", "SigmoidBackward0", saves_output=True)


def sigmoid(x: Tensor) -> Tensor:
    x = _float(x)
    one = x._data.dtype.type(1)
    return record(SIGMOID, (x,), one / (one + np.exp(-x._data)))


SIGMOID_BACKWARD = defop("sigmoid_backward", "SigmoidBackwardBackward0", saves=(0, 1))


def sigmoid_backward(g: Tensor, y: Tensor) -> Tensor:
    """g · (1 − y) · y, the gradient of sigmoid given its output y (one fused op)."""
    yd = y._data
    return record(SIGMOID_BACKWARD, (g, y), g._data * (1 - yd) * yd)


defvjp(SIGMOID, lambda g, ans, x: sigmoid_backward(g, ans))
defvjp(SIGMOID_BACKWARD,
       lambda gg, ans, g, y: sum_to(sigmoid_backward(gg, y), g._data.shape),
       lambda gg, ans, g, y: sum_to(mul(mul(gg, g), sub(1, mul(y, 2))), y._data.shape))

RELU = defop("relu", "ReluBackward0", saves_output=True)


def relu(x: Tensor) -> Tensor:
    return record(RELU, (x,), np.maximum(x._data, x._data.dtype.type(0)))


# relu's rule is an op of its own, as torch's threshold_backward: one step, and a gradient
# that (under create_graph) depends on the output, with a zero derivative of its own
_SAME_WIDTH_INT = {2: np.int16, 4: np.int32, 8: np.int64}
THRESHOLD_BACKWARD = defop("threshold_backward", "ThresholdBackwardBackward0", saves=(1,))


def threshold_backward(g: Tensor, y: Tensor, threshold: float = 0.0) -> Tensor:
    """g where y > threshold, else 0 (+0, as torch: a masked negative g isn't −0)."""
    gd = g._data
    mask = np.asarray(y._data > threshold)
    bits = _SAME_WIDTH_INT.get(gd.dtype.itemsize) if gd.dtype.kind == "f" else None
    if mask.shape == gd.shape and bits is not None:
        # relu's case, in one pass: g's bit pattern times 1 or 0 is g or +0.0, where a
        # float product would give −0 for a negative g (0·(−g))
        out = np.multiply(gd.view(bits), mask).view(gd.dtype)
    else:  # the catalog node wired with broadcasting shapes
        out = elementwise(np.multiply, g, Tensor._from_array(mask))
        out += 0  # 0·(−g) is −0
    return record(THRESHOLD_BACKWARD, (g, y), out, {"threshold": threshold})


defvjp(RELU, lambda g, ans, x: threshold_backward(g, ans))
defvjp(THRESHOLD_BACKWARD,
       lambda gg, ans, g, y, threshold: sum_to(threshold_backward(gg, y, threshold),
                                               g._data.shape),
       lambda gg, ans, g, y, threshold: const(np.zeros(y._data.shape), gg))

SOFTPLUS = defop("softplus", "SoftplusBackward0", saves=(0,))


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    x = _float(x)
    bx = x._data * beta
    out = np.where(bx > threshold, x._data, np.log1p(np.exp(bx)) / beta)
    return record(SOFTPLUS, (x,), out.astype(x._data.dtype), {"beta": beta,
                                                              "threshold": threshold})


# softplus' rule is one op, as torch's softplus_backward: g·sigmoid(βx), or g where βx
# is past the threshold (there softplus is x itself)
SOFTPLUS_BACKWARD = defop("softplus_backward", "SoftplusBackwardBackward0", saves=(0, 1))


def softplus_backward(g: Tensor, x: Tensor, beta: float, threshold: float) -> Tensor:
    bx = x._data * beta
    with np.errstate(over="ignore"):
        s = 1 / (1 + np.exp(-bx))
    out = np.where(bx > threshold, g._data, g._data * s)
    return record(SOFTPLUS_BACKWARD, (g, x), out.astype(g._data.dtype),
                  {"beta": beta, "threshold": threshold})


def _softplus_backward_x(gg: Tensor, ans: Any, g: Tensor, x: Tensor, beta: float,
                         threshold: float) -> Tensor:
    # d/dx of g·σ(βx) = g·β·σ(1−σ); zero where the linear branch was taken
    linear = x._data * beta > threshold
    s = sigmoid(mul(x, beta))
    return where(linear, 0, mul(mul(mul(gg, g), beta), sigmoid_backward(const(
        np.ones(x._data.shape), gg), s)))


defvjp(SOFTPLUS, lambda g, ans, x, beta, threshold: softplus_backward(g, x, beta, threshold))
defvjp(SOFTPLUS_BACKWARD,
       lambda gg, ans, g, x, beta, threshold: sum_to(softplus_backward(gg, x, beta, threshold),
                                                     g._data.shape),
       lambda gg, ans, g, x, beta, threshold: sum_to(
           _softplus_backward_x(gg, ans, g, x, beta, threshold), x._data.shape))

CLONE = defop("clone", "CloneBackward0")


def clone(x: Tensor) -> Tensor:
    return record(CLONE, (x,), x._data.copy())


defvjp(CLONE, lambda g, ans, x: g)


def _float(x: Any) -> Tensor:
    """Functions like exp and log of integer tensors compute in the default float dtype."""
    if not isinstance(x, Tensor):
        x = Tensor._from_array(np.asarray(x, dtype=np.float32))
    return x if x._data.dtype.kind == "f" else to_dtype(x, _dt.float32)


# ------------------------------------------------------------------ two-argument choices
MAXIMUM = defop("maximum", "MaximumBackward0", saves=(0, 1))
MINIMUM = defop("minimum", "MinimumBackward0", saves=(0, 1))


def maximum(a: Tensor, b: Tensor) -> Tensor:
    a, b = tensors(a, b)
    return record(MAXIMUM, (a, b), elementwise(np.maximum, a, b))


def minimum(a: Tensor, b: Tensor) -> Tensor:
    a, b = tensors(a, b)
    return record(MINIMUM, (a, b), elementwise(np.minimum, a, b))


def _choice_mask(win: np.ndarray, tie: np.ndarray, like: Tensor) -> Tensor:
    """1 where this input won, ½ on ties (PyTorch splits the gradient evenly)."""
    return const(np.where(win, 1.0, np.where(tie, 0.5, 0.0)), like)


defvjp(MAXIMUM,
       lambda g, ans, a, b: sum_to(mul(g, _choice_mask(a._data > b._data, a._data == b._data,
                                                       g)), a.shape),
       lambda g, ans, a, b: sum_to(mul(g, _choice_mask(b._data > a._data, a._data == b._data,
                                                       g)), b.shape))
defvjp(MINIMUM,
       lambda g, ans, a, b: sum_to(mul(g, _choice_mask(a._data < b._data, a._data == b._data,
                                                       g)), a.shape),
       lambda g, ans, a, b: sum_to(mul(g, _choice_mask(b._data < a._data, a._data == b._data,
                                                       g)), b.shape))

CLAMP = defop("clamp", "ClampBackward1", saves=(0,))


def clamp(x: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = x
        if min is not None:
            out = maximum(out, as_tensor_like(min, x))
        if max is not None:
            out = minimum(out, as_tensor_like(max, x))
        return out
    out = np.clip(x._data, min, max)
    if out.dtype != x._data.dtype:
        out = out.astype(x._data.dtype if x.dtype.is_floating_point else np.float32)
    return record(CLAMP, (x,), out, {"min": min, "max": max})


def _clamp_vjp(g: Tensor, ans: Any, x: Tensor, min: Any, max: Any) -> Tensor:  # noqa: A002
    keep = np.ones(x._data.shape, dtype=bool)
    if min is not None:
        keep &= x._data >= min
    if max is not None:
        keep &= x._data <= max
    return mul(g, const(keep, g))


defvjp(CLAMP, _clamp_vjp)

WHERE = defop("where", "WhereBackward0", saves=(0,))


def where(condition: Tensor, x: Any, y: Any) -> Tensor:
    cond = condition if isinstance(condition, Tensor) else Tensor._from_array(
        np.asarray(condition, dtype=bool))
    if cond._data.dtype != np.bool_:
        cond = Tensor._from_array(cond._data.astype(bool))
    x, y = tensors(x, y)
    try:
        out = np.where(cond._data, x._data, y._data)
    except ValueError:
        raise RuntimeError(f"where: shapes {list(cond.shape)}, {list(x.shape)} and "
                           f"{list(y.shape)} can't be broadcast together") from None
    return record(WHERE, (cond, x, y), out)


defvjp(WHERE,
       None,
       lambda g, ans, c, x, y: sum_to(where(c, g, 0), x._data.shape),
       lambda g, ans, c, x, y: sum_to(where(c, 0, g), y._data.shape))


# ------------------------------------------------------------------ not differentiable
def _compare(fn: Any, a: Any, b: Any) -> Tensor:
    a, b = tensors(a, b)
    return Tensor._from_array(np.asarray(elementwise(fn, a, b)))


def eq(a: Any, b: Any) -> Tensor:
    return _compare(np.equal, a, b)


def ne(a: Any, b: Any) -> Tensor:
    return _compare(np.not_equal, a, b)


def lt(a: Any, b: Any) -> Tensor:
    return _compare(np.less, a, b)


def le(a: Any, b: Any) -> Tensor:
    return _compare(np.less_equal, a, b)


def gt(a: Any, b: Any) -> Tensor:
    return _compare(np.greater, a, b)


def ge(a: Any, b: Any) -> Tensor:
    return _compare(np.greater_equal, a, b)


def logical_and(a: Any, b: Any) -> Tensor:
    return _compare(np.logical_and, a, b)


def logical_or(a: Any, b: Any) -> Tensor:
    return _compare(np.logical_or, a, b)


def logical_not(a: Tensor) -> Tensor:
    if a.dtype is not _dt.bool_:
        return Tensor._from_array(np.invert(a._data))
    return Tensor._from_array(np.logical_not(a._data))


def bitwise_and(a: Any, b: Any) -> Tensor:
    return _compare(np.bitwise_and, a, b)


def bitwise_or(a: Any, b: Any) -> Tensor:
    return _compare(np.bitwise_or, a, b)


def floor_divide(a: Any, b: Any) -> Tensor:
    """Integer-valued, so its gradient is zero almost everywhere: not recorded."""
    a, b = tensors(a, b)
    return Tensor._from_array(np.asarray(elementwise(np.floor_divide, a, b)))


def remainder(a: Any, b: Any) -> Tensor:
    a, b = tensors(a, b)
    if a.requires_grad or b.requires_grad:
        return sub(a, mul(floor_divide(a, b), b))
    return Tensor._from_array(np.asarray(elementwise(np.remainder, a, b)))


def isclose(a: Tensor, b: Tensor, rtol: float = 1e-05, atol: float = 1e-08) -> Tensor:
    return Tensor._from_array(np.isclose(a._data, b._data, rtol=rtol, atol=atol))
