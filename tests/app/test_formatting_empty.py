"""An empty matrix gradient (seen when the monkey sliced a 2-D tensor to nothing) has a label."""

import numpy as np

from app.application import formatting


def test_grad_label_of_empty_arrays():
    assert formatting.grad_label(np.zeros((2, 0), np.float32)).endswith("[]")
    assert formatting.grad_label(np.zeros((0, 3, 1), np.float32)).endswith("[]")
    assert formatting.grad_label(np.zeros((0,), np.float32)) == formatting._row(
        np.zeros((0,), np.float32), 4)
