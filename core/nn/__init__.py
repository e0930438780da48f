"""``core.nn``: modules, parameters, losses and ``functional``, mirroring ``torch.nn``."""

from core.nn import functional, init
from core.nn.activation import LogSoftmax, ReLU, Sigmoid, Softmax, Softplus, Tanh
from core.nn.container import ModuleList, Sequential
from core.nn.linear import Identity, Linear
from core.nn.loss import CrossEntropyLoss, MSELoss, NLLLoss
from core.nn.module import Module
from core.nn.parameter import Parameter

__all__ = [
    "CrossEntropyLoss",
    "Identity",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softplus",
    "Softmax",
    "Tanh",
    "functional",
    "init",
]
