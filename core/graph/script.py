"""Code → graph: run a PyTorch-style script on `core` and get the graph it recorded.

    run = run_script(source)
    run.stdout      # what the script printed, as PyTorch prints it
    run.variables   # top-level names holding tensors (with their .grad)
    run.document    # the recorded graph of the result, laid out, names from the script
    run.error       # None, or the ScriptError (line, column) that ended it

The script is never given to `eval`/`exec`/`compile`: `ast.parse` turns it into a tree
and `script_interp.Interpreter` walks the tree with an allow-list (see that module for
why), within `Limits`. Any failure — a refusal, a limit, the engine's own error — ends
the run with `error` set; what was printed until then is kept.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.graph.document import Document, GraphError
from core.graph.script_limits import Limits, ScriptError, limit_error
from core.tensor import Tensor

DEFAULT_LIMITS = Limits()


@dataclass
class OptimizerPreset:
    """The script's optimizer as the Train dock takes it: class name, lr, steps run."""

    cls: str
    lr: float
    steps: int
    hyper: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScriptRun:
    """The outcome of `run_script` (see the module docstring). `grads` holds, per named
    leaf, the gradient the last backward / autograd.grad produced (not accumulated)."""

    stdout: str = ""
    variables: dict[str, Tensor] = field(default_factory=dict)
    document: Document = field(default_factory=Document)
    error: ScriptError | None = None
    grads: dict[str, np.ndarray] = field(default_factory=dict)
    optimizer: OptimizerPreset | None = None
    statements: int = 0
    seconds: float = 0.0  # wall time of the run, document included


def parse_script(source: str, limits: Limits = DEFAULT_LIMITS) -> ast.Module:
    """The syntax tree of `source`, or a ScriptError (syntax errors, over-long or
    over-nested text)."""
    from core.graph.script_interp import check_nesting

    if not isinstance(source, str):
        raise ScriptError("a script is text")
    if len(source) > limits.source_chars:
        raise limit_error("source_chars", f"the script is {len(source)} characters long")
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError as e:
        raise ScriptError(f"SyntaxError: {e.msg}", e.lineno or 0, e.offset or 0) from None
    except RecursionError:
        raise limit_error("nesting", "the code nests too deeply to be read") from None
    except (ValueError, MemoryError, OverflowError) as e:
        raise ScriptError(f"the script cannot be read: {type(e).__name__}: {e}") from None
    check_nesting(tree, limits.nesting)
    return tree


def _preset(interp: Any) -> OptimizerPreset | None:
    opt = interp.optimizer
    if opt is None:
        return None
    group = opt.param_groups[0]
    hyper = {k: v for k, v in group.items() if k in ("momentum", "weight_decay", "betas",
                                                    "alpha", "nesterov")}
    return OptimizerPreset(type(opt).__name__, float(group["lr"]), interp.optimizer_steps,
                           hyper)


def run_script(source: str, *, limits: Limits = DEFAULT_LIMITS,
               should_stop: Callable[[], bool] | None = None) -> ScriptRun:
    """Run `source` (see the module docstring). Never raises for a bad script: the
    error is in `ScriptRun.error`. `should_stop` is polled at every statement."""
    from core.graph.script_document import build_document
    from core.graph.script_interp import Interpreter

    t0 = time.perf_counter()
    run = ScriptRun()
    try:
        tree = parse_script(source, limits)
    except ScriptError as e:
        run.error = e
        return run
    interp = Interpreter(limits, should_stop)
    try:
        interp.run(tree)
    except ScriptError as e:
        run.error = e
    except RecursionError:
        run.error = limit_error("recursion", "the script nests or recurses too deeply")
    except Exception as e:  # noqa: BLE001 - the contract: nothing but ScriptError escapes
        run.error = ScriptError(f"internal error: {type(e).__name__}: {e}")
    run.stdout = "".join(interp.out)
    run.statements = interp.statements
    run.variables = {k: v for k, v in interp.globals.items() if isinstance(v, Tensor)}
    run.grads = dict(interp.grads)
    try:
        run.optimizer = _preset(interp)
        run.document = build_document(interp, source)
    except GraphError as e:
        if run.error is None:
            run.error = ScriptError(f"the recorded graph cannot be shown: {e}")
    except Exception as e:  # noqa: BLE001
        if run.error is None:
            run.error = ScriptError(f"the recorded graph cannot be shown: "
                                    f"{type(e).__name__}: {e}")
    run.seconds = time.perf_counter() - t0
    return run


__all__ = ["Limits", "OptimizerPreset", "ScriptError", "ScriptRun", "parse_script",
           "run_script"]
