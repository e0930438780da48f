"""Code export: the document as a standalone script a user can run and keep.

`to_pytorch(doc)` writes a script for real PyTorch; `to_core(doc)` the same script on
our engine (`import core as torch`). Both build the graph line by line in topological
order (one variable per node, named as the node — a built-in's name gets a trailing `_`,
see `core.graph.script_names`), print every node's value, run
backward from the chosen output (with its gradient argument) and print the gradients
of the variables that require grad — the numbers the document shows.

Only validated data reaches the code: names are identifiers (the document enforces
it), params are typed by the catalog, values are written as numeric literals.
"""

from __future__ import annotations

import os

from core.graph.atomic import write_atomic
from core.graph.document import RESERVED_NAMES, Document
from core.graph.export_frames import framed_order
from core.graph.node_inputs import port_sources
from core.graph.script_lines import (
    HELPERS,
    docstring_text,
    helper_sources,
    literal,
    node_code,
    tensor_code,
)
from core.graph.script_names import renaming_note, variable_names

# kept for callers of the old private names
_HELPERS = HELPERS
_literal = literal
_tensor_code = tensor_code


def script(doc: Document, flavor: str = "torch") -> str:
    """The document as Python source. `flavor` is "torch" or "core"."""
    if flavor not in ("torch", "core"):
        raise ValueError(f"flavor must be 'torch' or 'core', got {flavor!r}")
    order = doc.topo_order()
    var = script_variables(doc)
    body, used_helpers, missing = _body(doc, order, flavor, var)
    done = [nid for nid in order if doc.node(nid).name not in missing]
    prints = ["", "# values"] + [f'print("{doc.node(nid).name} =", {var[nid]}.detach())'
                                 for nid in done]
    prints += _backward_lines(doc, done, var)
    helpers = helper_sources(used_helpers, flavor)
    note = renaming_note(doc, var)
    return "\n".join(_head(doc, flavor) + note + helpers + [""] + body + prints) + "\n"


def script_variables(doc: Document) -> dict[str, str]:
    """node id -> the variable an exported script holds its value in."""
    return variable_names(doc, RESERVED_NAMES)


def _head(doc: Document, flavor: str) -> list[str]:
    """The docstring (title, how to run it) and the import."""
    title = docstring_text(str(doc.meta.get("title", "a Chainrule graph")))
    head = [f'"""{title} — exported from Chainrule.', ""]
    if flavor == "torch":
        return head + ["Runs with PyTorch: python this_file.py", '"""', "", "import torch"]
    return head + ["Runs on Chainrule's engine, which mirrors PyTorch: python this_file.py",
                   '"""', "", "import core as torch"]


def _body(doc: Document, order: list[str], flavor: str,
          names: dict[str, str]) -> tuple[list[str], set[str], list[str]]:
    """A line per node in topological order (each frame's lines as one commented block),
    the ops whose helper functions the script needs, and the nodes left out (unwired)."""
    body: list[str] = []
    used_helpers: set[str] = set()
    missing: list[str] = []
    for nid, comment in framed_order(doc, order):
        if nid is None:
            body.append(comment)
            continue
        node = doc.node(nid)
        spec = node.spec
        if spec.has_value:
            assert node.value is not None
            body.append(f"{names[nid]} = {tensor_code(node.value, node.requires_grad)}")
            continue
        sources, problem = port_sources(spec, doc.inputs_of(nid))
        if problem is not None:
            missing.append(node.name)
            body.append(f"# {node.name} ({node.op}): an input is not wired; left out")
            continue
        args = {p: _names_of(s, names) for p, s in sources.items() if s is not None}
        used_helpers.add(node.op)
        body.append(f"{names[nid]} = {node_code(spec, args, node.params, flavor)}")
    return body, used_helpers, missing


def _backward_lines(doc: Document, done: list[str], names: dict[str, str]) -> list[str]:
    """Backward from the output (with its gradient= if it has one; a non-scalar output
    without one says why it cannot) and a print of every .grad it fills."""
    out = doc.output
    if out is None or out not in done:
        return []
    feeding = doc.ancestors(out) | {out}
    if not any(doc.node(v).requires_grad for v in feeding):
        return []
    o, label = names[out], doc.node(out).name
    lines = ["", "# backward from the chosen output"]
    pad = ""
    if doc.output_gradient is not None:
        lines.append(f"{o}.backward(gradient={tensor_code(doc.output_gradient)})")
    else:
        lines += [f"if {o}.numel() != 1:",
                  f'    print("{label} is not a scalar: backward needs a gradient argument")',
                  "else:",
                  f"    {o}.backward()"]
        pad = "    "
    lines.append(f"{pad}# gradients")
    for nid in done:
        node = doc.node(nid)
        if node.requires_grad and nid in feeding:
            lines.append(f'{pad}print("{node.name}.grad =", {names[nid]}.grad)')
    return lines


def _names_of(src: str | list[str], names: dict[str, str]) -> str | list[str]:
    return [names[s] for s in src] if isinstance(src, list) else names[src]


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


__all__ = ["save_script", "script", "script_variables", "to_core", "to_pytorch"]
