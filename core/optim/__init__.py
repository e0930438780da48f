"""``core.optim``: PyTorch's optimizers, updating parameter storage in place."""

from core.optim.adagrad import Adagrad
from core.optim.adam import Adam
from core.optim.adamw import AdamW
from core.optim.optimizer import Optimizer
from core.optim.rmsprop import RMSprop
from core.optim.sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop"]
