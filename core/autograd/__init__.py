"""``core.autograd``: backward, grad, grad modes, Variable, functional and gradcheck."""

from . import functional
from .engine import backward, grad
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .trace import BackwardStep, BackwardTrace, record_backward
from .variable import Variable

__all__ = [
    "BackwardStep", "BackwardTrace", "GradcheckError", "Variable", "backward", "enable_grad",
    "functional", "grad", "gradcheck", "gradgradcheck", "is_grad_enabled", "no_grad",
    "record_backward", "set_grad_enabled",
]
