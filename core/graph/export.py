"""Code export: the document as a standalone script a user can run and keep.

`to_pytorch(doc)` writes a script for real PyTorch; `to_core(doc)` the same script on
our engine (`import core as torch`). Both build the graph line by line in topological
order (one variable per node, named as the node), print every node's value, run
backward from the chosen output (with its gradient argument) and print the gradients
of the variables that require grad — the numbers the document shows.

Only validated data reaches the code: names are identifiers (the document enforces
it), params are typed by the catalog, values are written as numeric literals.
"""

from __future__ import annotations

import math
import os
import unicodedata
from typing import Any

import numpy as np

from core.graph.atomic import write_atomic
from core.graph.catalog import source_value
from core.graph.document import Document
from core.graph.values import dtype_name

_UNINDEX_TORCH = '''
def _unindex(g, key, shape, any=any, all=all, isinstance=isinstance, int=int, tuple=tuple):
    """zeros(shape) with g added at key: how an index sends its gradient back (an
    integer-array key may repeat a position: index_put with accumulate adds those up).
    Builtins are bound at definition, so a node named like one cannot break this."""
    z = torch.zeros(shape, dtype=g.dtype)
    if any(isinstance(k, torch.Tensor) for k in key) and all(
            isinstance(k, (int, torch.Tensor)) for k in key):
        idx = tuple(torch.as_tensor(k) for k in key)
        return z.index_put(idx, g.expand(z[key].shape), accumulate=True)
    z[key] = g
    return z
'''
_UNINDEX_CORE = '''
def _unindex(g, key, shape):
    """zeros(shape) with g added at key: how an index sends its gradient back (the
    engine's own op for it, which adds up repeated positions)."""
    ix = torch.ops.indexing
    return ix.index_into_zeros(g, ix.normalize_key(key), shape)
'''
_INDEX_PUT = '''
def _index_put(x, key, value):
    """x with value written at key, out of place (what x[key] = value records)."""
    y = x.clone()
    y[key] = value
    return y
'''
#: helper functions an exported script defines when a node needs them: op -> flavor -> text
_HELPERS = {
    "unindex": {"torch": _UNINDEX_TORCH, "core": _UNINDEX_CORE},
    "index_put": {"torch": _INDEX_PUT, "core": _INDEX_PUT},
}


def _literal(v: Any) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_literal(e) for e in v) + "]"
    if isinstance(v, float):
        if math.isnan(v):
            return "float('nan')"
        if math.isinf(v):
            return "float('inf')" if v > 0 else "-float('inf')"
        return repr(v)
    return repr(v)


def _tensor_code(arr: np.ndarray, requires_grad: bool = False) -> str:
    rg = ", requires_grad=True" if requires_grad else ""
    if arr.size == 0:  # [] would lose the shape: a (0, 3) value is not a (0,) one
        return f"torch.zeros({tuple(arr.shape)!r}, dtype=torch.{dtype_name(arr)}{rg})"
    return f"torch.tensor({_literal(arr.tolist())}, dtype=torch.{dtype_name(arr)}{rg})"

def _docstring_text(text: str) -> str:
    r"""Text that reads back as itself inside a non-raw triple-quoted string: backslashes
    doubled, control characters and lone surrogates as escapes (a NUL, a lone surrogate or
    a stray \x or \N{ in a title would make the script a SyntaxError or unsavable)."""
    out = []
    for ch in text.replace('"""', "'''"):
        if ch == "\\":
            out.append("\\\\")
        elif ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cs") or ch in "\u2028\u2029\ufeff":
            out.append(ascii(ch)[1:-1])
        else:
            out.append(ch)
    return "".join(out)



def script(doc: Document, flavor: str = "torch") -> str:
    """The document as Python source. `flavor` is "torch" or "core"."""
    if flavor not in ("torch", "core"):
        raise ValueError(f"flavor must be 'torch' or 'core', got {flavor!r}")
    title = _docstring_text(str(doc.meta.get("title", "a Chainrule graph")))
    head = [f'"""{title} — exported from Chainrule.', ""]
    if flavor == "torch":
        head += ["Runs with PyTorch: python this_file.py", '"""', "", "import torch"]
    else:
        head += ["Runs on Chainrule's engine, which mirrors PyTorch: python this_file.py",
                 '"""', "", "import core as torch"]
    body: list[str] = []
    used_helpers: set[str] = set()
    names = {n.id: n.name for n in doc}
    order = doc.topo_order()
    missing: list[str] = []
    for nid in order:
        node = doc.node(nid)
        spec = node.spec
        if spec.has_value:
            assert node.value is not None
            body.append(f"{node.name} = {_tensor_code(node.value, node.requires_grad)}")
            continue
        wired = doc.inputs_of(nid)
        args: dict[str, Any] = {}
        ok = True
        for port in spec.inputs:
            if port.variadic:
                idx = sorted((int(p.split(".")[1]), s) for p, s in wired.items()
                             if p.startswith(port.name + "."))
                args[port.name] = [names[s] for _, s in idx]
                ok = ok and bool(idx)
            elif port.name in wired:
                args[port.name] = names[wired[port.name]]
            elif not port.optional:
                ok = False
        if not ok:
            missing.append(node.name)
            body.append(f"# {node.name} ({node.op}): an input is not wired; left out")
            continue
        if node.op in _HELPERS:
            used_helpers.add(node.op)
        code = spec.code(args, node.params)
        if flavor == "core" and "core_template" in spec.extra:
            code = spec.extra["core_template"].format(
                **{k: repr(source_value(v)) for k, v in node.params.items()}, **args)
        body.append(f"{node.name} = {code}")
    prints = ["", "# values"]
    done = [nid for nid in order if doc.node(nid).name not in missing]
    for nid in done:
        n = names[nid]
        prints.append(f'print("{n} =", {n}.detach())')
    out = doc.output
    if out is not None and out in done and any(
            doc.node(v).requires_grad for v in doc.ancestors(out) | {out}):
        o = names[out]
        prints += ["", "# backward from the chosen output"]
        pad = ""
        if doc.output_gradient is not None:
            prints.append(f"{o}.backward(gradient={_tensor_code(doc.output_gradient)})")
        else:
            prints += [f"if {o}.numel() != 1:",
                       f'    print("{o} is not a scalar: backward needs a gradient argument")',
                       "else:",
                       f"    {o}.backward()"]
            pad = "    "
        prints.append(f"{pad}# gradients")
        for nid in done:
            node = doc.node(nid)
            if node.requires_grad and nid in doc.ancestors(out) | {out}:
                prints.append(f'{pad}print("{node.name}.grad =", {node.name}.grad)')
    helpers = [_HELPERS[h][flavor] for h in sorted(used_helpers)]
    return "\n".join(head + helpers + [""] + body + prints) + "\n"


def to_pytorch(doc: Document) -> str:
    """A standalone PyTorch script for the document."""
    return script(doc, "torch")


def to_core(doc: Document) -> str:
    """The same script on Chainrule's engine (`import core as torch`)."""
    return script(doc, "core")


def save_script(doc: Document, path: str | os.PathLike[str], flavor: str = "torch", *,
                overwrite_readonly: bool = False) -> None:
    """Write the script atomically, as documents are saved (see `core.graph.atomic`)."""
    write_atomic(path, script(doc, flavor), overwrite_readonly=overwrite_readonly)


__all__ = ["save_script", "script", "to_core", "to_pytorch"]
