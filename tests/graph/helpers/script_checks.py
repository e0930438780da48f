"""Checks a script's recorded document must pass, shared by the seed programs' tests and
the example scripts' tests: its gradients are the script's, and an optimizer loop replays
in the Train dock's trainer."""

from __future__ import annotations

import numpy as np

from core.graph.evaluate import Evaluator


def check_document_grads(run, atol: float = 1e-6) -> None:
    """Backward through the recorded document gives what the script's last backward /
    autograd.grad gave each named leaf."""
    doc = run.document
    assert doc.output is not None
    ev = Evaluator(doc)
    res = ev.backward()
    assert res.error is None, res.error
    by_name = {doc.node(nid).name: g for nid, g in res.leaf_grads.items()}
    assert run.grads
    for name, g in run.grads.items():
        if name in by_name:
            np.testing.assert_allclose(by_name[name], g, atol=atol)
    assert set(run.grads) & set(by_name)


def check_training_replays_the_loop(run) -> None:
    """An optimizer loop's document starts its parameters where the script did, and the
    Train dock's preset (optimizer, lr, steps) run on it ends where the script ended."""
    from core.graph.train import Trainer

    doc, opt = run.document, run.optimizer
    assert "replays the loop" in doc.meta["explanation"]
    x = doc.by_name("x")
    assert x.op == "variable" and x.requires_grad and float(x.value) == 0.0
    tr = Trainer(doc, opt.cls.lower(), lr=opt.lr)
    assert tr.run(opt.steps) == opt.steps
    np.testing.assert_allclose(tr.values()[x.id], run.variables["x"].detach().numpy(),
                               rtol=1e-6, atol=1e-7)
