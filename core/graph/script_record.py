"""What a script run records for its document, as the interpreter's call hooks.

backward / autograd.grad / optimizer calls pass through here: the tensor(s) a backward
ran from (the document's result) with its gradient argument, the inputs of every grad_fn
behind it saved before backward frees them (the document is built afterwards), the
gradient that call gave each named leaf (`ScriptRun.grads`), derivatives returned with
create_graph=True, and the optimizer with its start values and step count (the Train
dock preset). A mixin of `script_interp.Interpreter`, which holds the state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from core.graph.script_allow import Allowed, BoundMethod
from core.tensor import Tensor


class RecordHooks:
    """Call hooks by allow-list name (see the module docstring)."""

    scopes: list[dict[str, Any]]
    result: list[Tensor]
    derivatives: list[Tensor]
    result_gradient: Any
    grads: dict[str, np.ndarray]
    saved_inputs: dict[int, Any]
    optimizer: Any
    optimizer_steps: int
    optimizer_start: list[tuple[Tensor, np.ndarray]]

    def admit(self, v: Any, depth: int = 0, seen: set[int] | None = None) -> Any:
        raise NotImplementedError

    def name_of(self, obj: Any) -> str | None:
        raise NotImplementedError

    def _leaves(self) -> list[tuple[str, Tensor]]:
        """Named tensors that collect gradients (leaves requiring grad)."""
        seen: dict[int, tuple[str, Tensor]] = {}
        for scope in self.scopes:
            for k, v in scope.items():
                if isinstance(v, Tensor) and v.requires_grad and v.grad_fn is None:
                    seen[id(v)] = (self.name_of(v) or k, v)
        return list(seen.values())

    def _save_inputs(self, roots: Any) -> None:
        """Keep the inputs of every grad_fn behind `roots`: a backward pass without
        retain_graph frees them, and the document is built from them afterwards."""
        saved: dict[int, Any] = {}
        stack = [t.grad_fn for t in (roots if isinstance(roots, (list, tuple)) else [roots])
                 if isinstance(t, Tensor) and t.grad_fn is not None]
        while stack:
            g = stack.pop()
            if id(g) in saved:
                continue
            ins = getattr(g, "inputs", None)
            if ins is None:  # released by an earlier backward: what was saved then
                ins = self.saved_inputs.get(id(g))
            saved[id(g)] = (g, ins)
            for t in ins or ():
                if isinstance(t, Tensor) and t.grad_fn is not None:
                    stack.append(t.grad_fn)
        self.saved_inputs = {k: ins for k, (_, ins) in saved.items() if ins is not None}
        self._saved_nodes = [g for g, _ in saved.values()]  # keep ids valid

    def _backward(self, fn: BoundMethod, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self._save_inputs(fn.obj)
        leaves = self._leaves()
        before = {n: None if t.grad is None else t.grad.numpy().copy() for n, t in leaves}
        fn.fn(*args, **kwargs)
        self.result, self.derivatives = [fn.obj], []
        g = kwargs.get("gradient", args[0] if args else None)
        self.result_gradient = None if g is None else np.array(g.detach().numpy() if isinstance(
            g, Tensor) else g, copy=True)
        self.grads = {}
        for n, t in leaves:
            if t.grad is not None:
                after = t.grad.numpy().copy()
                self.grads[n] = after if before[n] is None else after - before[n]
        return None

    def _grad(self, fn: Allowed, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self.derivatives = []
        outs = kwargs.get("outputs", args[0] if args else None)
        self._save_inputs(outs)
        res = self.admit(fn.fn(*args, **kwargs))
        ins = kwargs.get("inputs", args[1] if len(args) > 1 else None)
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        ins = list(ins) if isinstance(ins, (list, tuple)) else [ins]
        self.result = [t for t in outs if isinstance(t, Tensor)]
        if kwargs.get("create_graph"):  # the derivative is a graph too: show it, as output
            self.derivatives = [g for g in res if isinstance(g, Tensor) and g.grad_fn]
        go = kwargs.get("grad_outputs", args[2] if len(args) > 2 else None)
        go = go[0] if isinstance(go, (list, tuple)) and go else go
        self.result_gradient = np.array(go.detach().numpy(), copy=True) if isinstance(
            go, Tensor) else None
        self.grads = {}
        for t, g in zip(ins, res):
            name = self.name_of(t) if isinstance(t, Tensor) else None
            if name and isinstance(g, Tensor):
                self.grads[name] = g.detach().numpy().copy()
        return res

    def _autograd_backward(self, fn: Allowed, args: tuple[Any, ...],
                           kwargs: dict[str, Any]) -> Any:
        ts = kwargs.get("tensors", args[0] if args else None)
        self._save_inputs(ts)
        res = fn.fn(*args, **kwargs)
        ts = list(ts) if isinstance(ts, (list, tuple)) else [ts]
        self.result = [t for t in ts if isinstance(t, Tensor)]
        return self.admit(res)

    def _optimizer(self, fn: Allowed, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        opt = self.admit(fn.fn(*args, **kwargs))
        self.optimizer, self.optimizer_steps = opt, 0
        # where the parameters start: the document puts them back there, so the Train
        # dock's Run replays the script's loop
        self.optimizer_start = [(p, p.detach().numpy().copy())
                                for g in opt.param_groups for p in g["params"]]
        return opt

    def _step(self, fn: BoundMethod, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        res = self.admit(fn.fn(*args, **kwargs))
        if fn.obj is self.optimizer:
            self.optimizer_steps += 1
        return res

    _hooks: dict[str, Callable[..., Any]] = {
        "backward": _backward, "torch.autograd.grad": _grad,
        "torch.autograd.backward": _autograd_backward, "step": _step,
        "torch.optim.SGD": _optimizer, "torch.optim.Adam": _optimizer,
        "torch.optim.AdamW": _optimizer, "torch.optim.RMSprop": _optimizer,
        "torch.optim.Adagrad": _optimizer}



__all__ = ["RecordHooks"]
