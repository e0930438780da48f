"""Run an exported script in a subprocess and read back the numbers it computed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from core.graph import Document
from core.graph.evaluate import Evaluator
from core.graph.export import script_variables, to_core, to_pytorch

ROOT = Path(__file__).resolve().parents[3]

# runs the script, then prints each node variable's value and .grad as JSON (nan/inf as text)
_DUMP = r'''
import json, runpy, sys
g = runpy.run_path(sys.argv[1], run_name="__main__")
names = json.loads(sys.argv[2])
def plain(t):
    return None if t is None else [str(v) for v in t.detach().reshape(-1).tolist()]
out = {n: {"value": plain(g[v]), "shape": list(g[v].shape),
           "grad": plain(getattr(g[v], "grad", None))} for v, n in names.items()}
print("@@" + json.dumps(out))
'''


def run_export(doc: Document, flavor: str, tmp_path: Path) -> dict[str, Any]:
    """Run the exported script of `flavor` ("torch"/"core"); name -> value/shape/grad (read
    from the variable the script holds the node in: `pow_` for a node named pow)."""
    src = (to_pytorch if flavor == "torch" else to_core)(doc)
    compile(src, "exported.py", "exec")  # a SyntaxError is a failure, not a skip
    path = tmp_path / f"exported_{flavor}.py"
    path.write_text(src, encoding="utf-8")
    var = script_variables(doc)
    names = {var[n.id]: n.name for n in doc if n.op != "output"}
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, "-c", _DUMP, str(path), json.dumps(names)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180)
    assert res.returncode == 0, res.stderr[-3000:]
    lines = res.stdout.splitlines()
    out = json.loads(lines[-1][2:])
    out["@printed"] = lines[:-1]  # what the script itself printed
    return out


def _number(text: str) -> float:
    """A printed element as a float (a bool tensor prints True/False)."""
    bools = {"True": 1.0, "False": 0.0}
    return bools[text] if text in bools else float(text)


def assert_export_matches_document(doc: Document, tmp_path: Path,
                                   flavors: tuple[str, ...] = ("torch", "core")) -> None:
    """Both scripts compute the document's values and gradients, node by node."""
    ev = Evaluator(doc)
    ev.forward()
    assert not ev.errors, ev.errors
    grads: dict = {}
    if doc.output is not None:
        r = ev.backward()
        assert r.error is None, r.error
        grads = r.leaf_grads
    printed = {}
    for flavor in flavors:
        got = run_export(doc, flavor, tmp_path)
        printed[flavor] = got.pop("@printed")
        for n in doc:
            if n.op == "output":
                continue
            want = np.asarray(ev.values[n.id])
            g = got[n.name]
            assert tuple(g["shape"]) == want.shape, (flavor, n.name)
            np.testing.assert_allclose(np.array([_number(v) for v in g["value"]]),
                                       want.astype(np.float64).reshape(-1), rtol=1e-5,
                                       err_msg=f"{flavor}: {n.name}")
            if n.id in grads:
                np.testing.assert_allclose(
                    np.array([_number(v) for v in g["grad"]]),
                    np.asarray(grads[n.id], dtype=np.float64).reshape(-1), rtol=1e-5,
                    err_msg=f"{flavor}: {n.name}.grad")
    if len(printed) == 2:  # and both print the same text: the numbers a person reads
        assert printed["torch"] == printed["core"]
