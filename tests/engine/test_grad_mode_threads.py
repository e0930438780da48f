"""Grad mode is per thread (as in PyTorch): a script's no_grad on the Script dock's worker
thread must not switch off gradients for the canvas on the UI thread."""

import threading

import core as torch


def test_no_grad_in_one_thread_leaves_another_recording():
    seen = []
    inside = threading.Event()
    leave = threading.Event()

    def worker():
        with torch.no_grad():
            inside.set()
            leave.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    x = torch.tensor(2.0, requires_grad=True)
    seen.append(torch.is_grad_enabled())
    y = x * x
    leave.set()
    t.join()
    assert seen == [True] and y.grad_fn is not None


def test_a_new_thread_starts_with_grad_enabled():
    out = []
    with torch.no_grad():
        t = threading.Thread(target=lambda: out.append(torch.is_grad_enabled()))
        t.start()
        t.join()
    assert out == [True]
