"""``Optimizer`` base class with torch's param-group / state / state_dict behaviour.

Updates run directly on the numpy storage (``p._data``, ``p.grad._data``) — an optimizer step is
not part of any graph, and going through Tensor ops would be slow and would record nodes.
Each subclass follows the single-tensor code path of ``torch/optim/<name>.py`` operation by
operation, so trajectories match PyTorch to float rounding.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, MutableMapping
from itertools import chain
from typing import Any

import numpy as np

from core.autograd.zero_grad import clear_grad

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Singleton marking a hyper-parameter that has no default (torch's ``required``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _is_tensor(x: object) -> bool:
    from core.tensor import Tensor

    return isinstance(x, Tensor)


def _listed_params(params: Any) -> list[Any]:
    """A group's params as a list: one tensor, or an ordered collection (a set's order changes
    between runs, so torch refuses it)."""
    if _is_tensor(params):
        return [params]
    if isinstance(params, set):
        raise TypeError(
            "optimizer parameters need to be organized in ordered collections, but the "
            "ordering of tensors in sets will change between runs. Please use a list instead."
        )
    return list(params)


def _named_params(params: list[Any]) -> tuple[list[Any], list[str]]:
    """The tensors and, of those given as ``(name, tensor)`` pairs, their names."""
    tensors: list[Any] = []
    names: list[str] = []
    for p in params:
        if isinstance(p, tuple):
            names.append(p[0])
            tensors.append(p[1])
        else:
            tensors.append(p)
    return tensors, names


def _cast_state(param: Any, value: Any, key: Any = None) -> Any:
    """A loaded state value for `param`: tensors copied and cast to its dtype (a float
    param's `step` stays as saved), containers walked, the rest deep-copied."""
    if _is_tensor(value):
        arr = value._data
        if key != "step" and param.dtype.is_floating_point:
            arr = arr.astype(param._data.dtype)
        return _make_tensor(np.array(arr, copy=True))
    if isinstance(value, dict):
        return {k: _cast_state(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(param, v) for v in value)
    return copy.deepcopy(value)


def _make_tensor(arr: np.ndarray) -> Any:
    """Wrap optimizer state as a core Tensor, as torch stores tensors in ``optimizer.state``."""
    from core.tensor import Tensor

    return Tensor._from_array(arr)


def _scalar(value: Any) -> Any:
    """Hyper-parameters may be given as 1-element tensors (torch allows ``lr=tensor(0.1)``)."""
    if _is_tensor(value):
        return value._data.item()
    return value


def _lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """In-place ``start.lerp_(end, weight)`` with ATen's two-branch formula (keeps rounding)."""
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


class _StateDict(MutableMapping):
    """``defaultdict(dict)`` keyed by tensor identity.

    Tensors overload ``==`` elementwise, so they can't be plain dict keys unless hashed by id;
    keying on ``id`` here makes the optimizer independent of how the Tensor class hashes.
    """

    def __init__(self) -> None:
        self._items: dict[Any, tuple[Any, Any]] = {}

    @staticmethod
    def _key(key: Any) -> Any:
        return ("tensor", id(key)) if _is_tensor(key) else ("value", key)

    def __getitem__(self, key: Any) -> Any:
        k = self._key(key)
        if k not in self._items:
            self._items[k] = (key, {})
        return self._items[k][1]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._items[self._key(key)] = (key, value)

    def __delitem__(self, key: Any) -> None:
        del self._items[self._key(key)]

    def __contains__(self, key: object) -> bool:
        return self._key(key) in self._items

    def __iter__(self) -> Iterator[Any]:
        return (key for key, _ in list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return repr({id(k) if _is_tensor(k) else k: v for k, v in self._items.values()})


class Optimizer:
    """Base class: ``param_groups`` (``params`` + hyper-parameters) and per-param ``state``."""

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if _is_tensor(params):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {type(params).__name__}"
            )
        self.state: _StateDict = _StateDict()
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(dict(group))

    # -- groups -----------------------------------------------------------------------------------

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group (e.g. to unfreeze layers mid-training); missing options take defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        tensors, names = _named_params(_listed_params(param_group["params"]))
        param_group["params"] = tensors  # (as torch: set before a missing name is refused)
        if names:
            if len(names) != len(tensors):
                raise ValueError(
                    "all optimizer params should be with/without names. "
                    "Some param names are missing"
                )
            param_group["param_names"] = names
        self._check_optimizable(tensors)
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            param_group.setdefault(name, default)

        if len({id(p) for p in tensors}) != len(tensors):
            import warnings

            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; "
                "in future, this will cause an error",
                stacklevel=3,
            )
        seen: set[int] = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
        if any(id(p) in seen for p in tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def _check_optimizable(self, tensors: list[Any]) -> None:
        """Only tensors, and (unless the optimizer is differentiable) leaves, as torch says."""
        for p in tensors:
            if not _is_tensor(p):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + type(p).__name__
                )
            if not self.defaults.get("differentiable", None) and not (
                p.is_leaf or getattr(p, "retains_grad", False)
            ):
                raise ValueError("can't optimize a non-leaf Tensor")

    # -- stepping ---------------------------------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop (default) or zero every ``.grad`` so the next backward starts from scratch."""
        for group in self.param_groups:
            for p in group["params"]:
                clear_grad(p, set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one update; ``closure`` re-evaluates the loss (with grad enabled)."""
        raise NotImplementedError

    @staticmethod
    def _run_closure(closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        from core.autograd.grad_mode import enable_grad

        with enable_grad():
            return closure()

    @staticmethod
    def _params_with_grad(group: dict[str, Any]) -> list[Any]:
        params = [p for p in group["params"] if p.grad is not None]
        for p in params:
            if getattr(p.grad, "is_sparse", False):
                raise RuntimeError("sparse gradients are not supported")
        return params

    # -- (de)serialisation ------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {...}}, "param_groups": [...]}`` with params replaced by indices."""
        mapping: dict[int, int] = {}
        start = 0

        def pack(group: dict[str, Any]) -> dict[str, Any]:
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        groups = [pack(g) for g in self.param_groups]
        state = {(mapping[id(k)] if _is_tensor(k) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output; tensors are copied and cast to the param dtype."""
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in groups),
            )
        )

        state = _StateDict()
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = _cast_state(param, v)
            else:
                state[k] = v
        for group, new_group in zip(groups, saved_groups):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
        self.state = state
        self.param_groups = saved_groups

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"
