"""The document as a function of chosen variables: f(*tensors) -> the output's tensor.

Jacobian/Hessian (`core.graph.matrices`), Differentiate, training and gradient state all
need the output recomputed from other values of a few variables, through the engine, so
the engine's autograd (functional, create_graph) sees one differentiable function. It
recomputes only the output's ancestors, in topological order, from the catalog's calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from core.graph.document import Document, GraphError
from core.graph.node_inputs import Source, leaf_tensor, port_sources


def document_function(doc: Document, lib: Any, output: str, inputs: Sequence[str],
                      env: dict[str, Any] | None = None) -> Callable[..., Any]:
    """`Evaluator.function`: f(*tensors) -> output tensor, with the given tensors in place
    of `inputs` (variables or constants). If `env` is given, the last call leaves every
    node's tensor in it."""
    for i in inputs:
        if not doc.node(i).spec.has_value:
            raise GraphError(f"{doc.node(i).name} is not a variable or constant")
    needed = doc.ancestors(output) | {output}
    order = [n for n in doc.topo_order() if n in needed]
    out_env = env

    def f(*xs: Any) -> Any:
        env: dict[str, Any] = dict(zip(inputs, xs)) if out_env is None else out_env
        env.clear()
        env.update(zip(inputs, xs))
        for nid in order:
            if nid in env:
                continue
            node = doc.node(nid)
            spec = node.spec
            if spec.has_value:
                env[nid] = leaf_tensor(lib, node.value, node.requires_grad)
                continue
            sources, problem = port_sources(spec, doc.inputs_of(nid))
            if problem is not None:
                raise GraphError(f"{node.name}: {problem}")
            args = {p: _pick(env, s) for p, s in sources.items()}
            env[nid] = spec.call(args, node.params, lib)
        return env[output]

    return f


def _pick(tensors: dict[str, Any], src: Source) -> Any:
    """The tensor(s) of a port's source: a list for a variadic port, None if unwired."""
    if src is None:
        return None
    return [tensors[s] for s in src] if isinstance(src, list) else tensors[src]


__all__ = ["document_function"]
