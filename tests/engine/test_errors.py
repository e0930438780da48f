"""Each misuse fails as in PyTorch (RuntimeError, mostly) with a message that says what
went wrong and how to fix it; the matching legal uses work."""

from __future__ import annotations

import gc
import sys
import weakref

import numpy as np
import pytest

import core

FREED = "Trying to backward through the graph a second time"


# ============================================================ retain_graph
def test_backward_twice_without_retain_graph() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=FREED) as info:
        y.backward()
    assert "retain_graph=True" in str(info.value)
    assert x.grad.tolist() == [2.0, 4.0]  # the failed pass added nothing


def test_autograd_grad_twice_without_retain_graph() -> None:
    x = core.tensor(3.0, requires_grad=True)
    y = x.exp()
    core.autograd.grad(y, x)
    with pytest.raises(RuntimeError, match=FREED):
        core.autograd.grad(y, x)


def test_backward_twice_with_retain_graph() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.tolist() == [6.0, 12.0]
    with pytest.raises(RuntimeError, match=FREED):
        y.backward()


def test_shape_only_nodes_run_twice_as_in_pytorch() -> None:
    """add/sum/reshape save no values, so a second backward works even after release."""
    x = core.tensor([1.0, 2.0], requires_grad=True)
    y = (x + x).reshape(2, 1).sum()
    y.backward()
    y.backward()
    assert x.grad.tolist() == [4.0, 4.0]


def test_create_graph_retains_by_default() -> None:
    x = core.tensor(2.0, requires_grad=True)
    y = x ** 3
    (g,) = core.autograd.grad(y, x, create_graph=True)
    (g2,) = core.autograd.grad(y, x)  # the graph was kept
    assert g.item() == g2.item() == 12.0


# ============================================================ roots
def test_backward_on_non_scalar_without_gradient() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar "
                                           "outputs") as info:
        y.backward()
    assert "[2]" in str(info.value)  # says the shape


def test_backward_gradient_of_wrong_shape() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(core.ones(3))


def test_one_element_non_0d_output_needs_no_gradient() -> None:
    x = core.tensor([3.0], requires_grad=True)
    (x * x).backward()
    assert x.grad.tolist() == [6.0]


def test_backward_of_tensor_not_requiring_grad() -> None:
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and "
                                           "does not have a grad_fn"):
        core.tensor(1.0).backward()
    x = core.tensor(1.0, requires_grad=True)
    with core.no_grad():
        y = x * 2
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_grad_wrt_tensor_not_requiring_grad() -> None:
    x = core.tensor(1.0, requires_grad=True)
    c = core.tensor(1.0)
    with pytest.raises(RuntimeError, match="does not require grad"):
        core.autograd.grad(x * c, [x, c])


# ============================================================ allow_unused
def test_grad_unused_input() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    z = core.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="The differentiated Tensor at index 1 appears to "
                                           "not have been used in the graph. "
                                           "Set allow_unused=True"):
        core.autograd.grad((x * 2).sum(), [x, z])
    gx, gz = core.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gx.tolist() == [2.0, 2.0] and gz is None
    gx, gz = core.autograd.grad((x * 2).sum(), [x, z], materialize_grads=True)
    assert gz.item() == 0.0


# ============================================================ in-place
def test_inplace_on_leaf_requiring_grad() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    msg = "a leaf Variable that requires grad is being used in an in-place operation"
    for op in (lambda: x.add_(1), lambda: x.mul_(2), lambda: x.zero_(), lambda: x.fill_(1),
               lambda: x.copy_(core.ones(2)), lambda: x.__setitem__(0, 5.0),
               lambda: x.__iadd__(1), lambda: x.clamp_(0, 1)):
        with pytest.raises(RuntimeError, match=msg):
            op()
    assert x.tolist() == [1.0, 2.0] and x._version == 0


def test_inplace_on_leaf_inside_no_grad_is_allowed() -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    with core.no_grad():
        x.add_(1)
        x[0] = 10.0
        x *= 2
        x -= 1
    assert x.tolist() == [19.0, 5.0]
    assert x.is_leaf and x.requires_grad and x.grad_fn is None
    assert x._version == 4
    (x * x).sum().backward()
    assert x.grad.tolist() == [38.0, 10.0]


def test_modified_input_that_backward_needs() -> None:
    a = core.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    c = b * b  # saves b
    b.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation") as info:
        c.sum().backward()
    msg = str(info.value)
    assert "[torch.FloatTensor [2]]" in msg and "is at version 1; expected version 0" in msg
    assert "AddBackward0" in msg  # b is now the output of the in-place add


def test_modified_output_that_backward_needs() -> None:
    a = core.tensor([1.0, 2.0], dtype=core.float64, requires_grad=True)
    b = a.exp()  # exp's rule reads its output
    b.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation") as info:
        b.sum().backward()
    assert "DoubleTensor" in str(info.value)


def test_modification_not_needed_by_backward_is_fine() -> None:
    a = core.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    c = b + 1  # add saves nothing
    b.add_(1)
    c.sum().backward()
    assert a.grad.tolist() == [2.0, 2.0]


def test_modified_through_data_is_invisible_as_in_pytorch() -> None:
    a = core.tensor([1.0, 2.0], requires_grad=True)
    b = a * 3
    c = b * b
    b.data.mul_(0)  # .data is outside autograd: no version bump, no error
    c.sum().backward()
    assert a.grad.tolist() == [0.0, 0.0]


# ============================================================ shapes
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "maximum", "pow"])
def test_shapes_that_cannot_broadcast(op: str) -> None:
    a, b = core.ones(2, 3), core.ones(4)
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(3\) must match the size of "
                                           r"tensor b \(4\) at non-singleton dimension 1") as info:
        getattr(core, op)(a, b)
    assert "[2, 3]" in str(info.value) and "[4]" in str(info.value)


def test_shapes_that_cannot_broadcast_in_place() -> None:
    a = core.ones(3)
    with pytest.raises(RuntimeError, match=r"\[3\]"):
        a += core.ones(2, 3)


@pytest.mark.parametrize(("sa", "sb", "pieces"), [
    ((2, 3), (2, 3), ["2x3", "2x3"]),
    ((5, 2, 3), (2, 3), ["[5, 2, 3]", "[2, 3]"]),
    ((2, 3), (2,), ["[2, 3]", "[2]"]),
    ((3,), (2,), ["[3]", "[2]"]),
    ((4,), (3, 2), ["[4]", "[3, 2]"]),
])
def test_matmul_shape_mismatch_names_both_shapes(sa: tuple[int, ...], sb: tuple[int, ...],
                                                 pieces: list[str]) -> None:
    with pytest.raises(RuntimeError) as info:
        core.ones(*sa) @ core.ones(*sb)
    for p in pieces:
        assert p in str(info.value)


def test_mm_mv_dot_dimension_errors() -> None:
    with pytest.raises(RuntimeError, match="2D"):
        core.mm(core.ones(3), core.ones(3, 2))
    with pytest.raises(RuntimeError, match="1D"):
        core.dot(core.ones(2, 2), core.ones(2))
    with pytest.raises(RuntimeError, match="0D"):
        core.matmul(core.tensor(2.0), core.ones(2))


def test_reshape_to_wrong_size() -> None:
    with pytest.raises(RuntimeError, match=r"shape '\[4\]' is invalid for input of size 6"):
        core.ones(2, 3).reshape(4)


# ============================================================ dtype
def test_requires_grad_on_integer_tensor() -> None:
    msg = "only Tensors of floating point and complex dtype can require gradients"
    with pytest.raises(RuntimeError, match=msg):
        core.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match=msg):
        core.tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match=msg):
        core.arange(3).requires_grad = True
    core.tensor([1, 2]).requires_grad_(False)  # turning it off is fine


def test_requires_grad_false_on_non_leaf() -> None:
    x = core.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf"):
        (x * 2).requires_grad_(False)


def test_numpy_of_tensor_requiring_grad() -> None:
    x = core.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"detach\(\).numpy\(\)"):
        x.numpy()


# ============================================================ deep graphs
def test_chain_of_100000_ops_has_no_recursion_error() -> None:
    assert sys.getrecursionlimit() < 100_000
    x = core.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(50_000):
        y = y * 1.0
        y = y + 0.0
    assert y.grad_fn.name() == "AddBackward0"
    y.backward()
    assert x.grad.item() == 1.0
    # the saved tensors were freed: the chain can't be differentiated again
    with pytest.raises(RuntimeError, match=FREED):
        y.backward()


@pytest.mark.parametrize("retain", [False, True])
def test_saved_tensors_are_freed_after_backward(retain: bool) -> None:
    x = core.tensor([1.0, 2.0], requires_grad=True)
    mid = x.exp()
    out = (mid * mid).sum()  # mul saves mid
    ref = weakref.ref(mid)
    del mid
    gc.collect()
    assert ref() is not None  # the graph holds it for backward
    out.backward(retain_graph=retain)
    gc.collect()
    assert (ref() is not None) == retain
    if retain:
        out.backward()
        np.testing.assert_allclose(x.grad.numpy(), 4 * np.exp(2 * np.array([1.0, 2.0])),
                                   rtol=1e-6)


def test_deep_graph_is_freed_by_gc_without_recursion() -> None:
    x = core.tensor(np.ones(3), requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y.tanh()
    del y  # dropping the last reference must not blow the C stack either
    assert x.grad is None


def test_modified_through_a_view_under_no_grad_is_still_caught() -> None:
    """Backward skips the version comparison when no in-place edit happened since a node
    was recorded; an edit through a view, under no_grad, must still count."""
    a = core.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 2
    c = (b * b).sum()
    with core.no_grad():
        b[1:][0] = 5.0
    with pytest.raises(RuntimeError, match="is at version 1; expected version 0"):
        c.backward()


def test_unrelated_inplace_edit_does_not_trip_the_check() -> None:
    a = core.tensor([1.0, 2.0], requires_grad=True)
    other = core.zeros(2)
    c = (a * a).sum()
    other.add_(1)  # an edit elsewhere: the full comparison runs and finds nothing wrong
    c.backward()
    assert a.grad.tolist() == [2.0, 4.0]
