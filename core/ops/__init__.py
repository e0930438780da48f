"""Every differentiable op of the engine. Each module pairs forwards with their
derivative rules (see ``registry``); this namespace is what ``Tensor`` methods call."""

import warnings

from ._operands import as_tensor_like, expand, sum_to, tensors, to_dtype
from .activation import log_softmax, softmax
from .elementwise import (
                          abs,
                          add,
                          bitwise_and,
                          bitwise_or,
                          clamp,
                          clone,
                          cos,
                          div,
                          eq,
                          exp,
                          floor_divide,
                          ge,
                          gt,
                          isclose,
                          le,
                          log,
                          logical_and,
                          logical_not,
                          logical_or,
                          lt,
                          maximum,
                          minimum,
                          mul,
                          ne,
                          neg,
                          pow,
                          reciprocal,
                          relu,
                          remainder,
                          sigmoid,
                          sign,
                          sin,
                          softplus,
                          sqrt,
                          square,
                          sub,
                          tan,
                          tanh,
                          where,
)
from .indexing import getitem, index_put
from .linalg import addmm, dot, matmul, mm, mv, outer
from .loss import mse_loss, nll_loss_plain
from .reduction import amax, amin, argmax, argmin, max, mean, min, norm, prod, std, sum, var
from .registry import REGISTRY, OpDef, defop, defvjp, defvjp_all, record
from .shape import cat, flatten, permute, reshape, squeeze, stack, t, transpose, unsqueeze, view

# log(-1) is nan and 1/0 is inf, as in PyTorch: silently, not with numpy's warnings
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"core\.ops")

__all__ = [
    "REGISTRY", "OpDef", "abs", "add", "addmm", "mse_loss", "nll_loss_plain", "amax", "amin",
    "argmax", "argmin", "as_tensor_like",
    "bitwise_and", "bitwise_or", "cat", "clamp", "clone", "cos", "defop", "defvjp",
    "defvjp_all", "div", "dot", "eq", "exp", "expand", "flatten", "floor_divide", "ge",
    "getitem", "gt", "index_put", "isclose", "le", "log", "log_softmax", "logical_and",
    "logical_not", "logical_or", "lt", "matmul", "max", "maximum", "mean", "min", "minimum",
    "mm", "mul", "mv", "ne", "neg", "norm", "outer", "permute", "pow", "prod",
    "reciprocal", "record",
    "relu", "remainder", "reshape", "sigmoid", "sign", "sin", "softmax", "softplus", "sqrt",
    "square", "squeeze", "stack", "std", "sub", "sum", "sum_to", "t", "tan", "tanh",
    "tensors", "to_dtype", "transpose", "unsqueeze", "var", "view", "where",
]
