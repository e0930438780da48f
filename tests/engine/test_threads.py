"""Grad mode and backward recording are per thread, as in PyTorch: a worker thread (the
Landscape view's race, the Script dock's interpreter) cannot switch them for the UI thread's
evaluation, and a script's no_grad on its worker must not switch off gradients for the
canvas."""

from __future__ import annotations

import threading

import core
from core.autograd.trace import record_backward


def _in_thread(fn):
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("v", fn()))
    t.start()
    t.join()
    return out["v"]


def test_no_grad_on_another_thread_does_not_stop_recording_here():
    entered, release = threading.Event(), threading.Event()

    def worker():
        with core.no_grad():
            entered.set()
            release.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    entered.wait(5)
    try:
        x = core.tensor(2.0, requires_grad=True)
        assert core.is_grad_enabled()
        assert (x * x).requires_grad  # recorded, though the worker is inside no_grad
    finally:
        release.set()
        t.join()


def test_no_grad_in_one_thread_leaves_another_recording():
    seen = []
    inside = threading.Event()
    leave = threading.Event()

    def worker():
        with core.no_grad():
            inside.set()
            leave.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    x = core.tensor(2.0, requires_grad=True)
    seen.append(core.is_grad_enabled())
    y = x * x
    leave.set()
    t.join()
    assert seen == [True] and y.grad_fn is not None


def test_a_new_thread_starts_with_grad_enabled():
    with core.no_grad():
        assert _in_thread(core.is_grad_enabled) is True


def test_a_new_thread_started_inside_no_grad_reports_grad_enabled():
    out = []
    with core.no_grad():
        t = threading.Thread(target=lambda: out.append(core.is_grad_enabled()))
        t.start()
        t.join()
    assert out == [True]


def test_a_backward_on_another_thread_is_not_recorded_in_this_threads_trace():
    def worker():
        x = core.tensor(3.0, requires_grad=True)
        (x * x * x).backward()
        return float(x.grad)

    with record_backward() as trace:
        assert _in_thread(worker) == 27.0
        y = core.tensor(1.0, requires_grad=True)
        (y * 2).backward()
    assert [s.name for s in trace.steps] == ["MulBackward0", "torch::autograd::AccumulateGrad"]
