"""Run fixture scripts under real PyTorch, all in one subprocess (importing torch takes
seconds), and report per script what it printed, the exception it ended with, and the
values and gradients of its top-level tensors.

The scripts are this repository's own fixtures (seed programs, resources/examples/*.py),
run by Python itself as the reference the interpreter is compared with.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HAVE_TORCH = importlib.util.find_spec("torch") is not None

_RUNNER = r'''
import contextlib, io, json, sys
import torch
out = {}
for name, path in json.load(open(sys.argv[1])).items():
    buf = io.StringIO()
    err = None
    g = {"__name__": "script"}
    torch.manual_seed(0)
    try:
        with contextlib.redirect_stdout(buf):  # the fixture file, run by Python itself
            exec(compile(open(path, encoding="utf-8").read(), path, "exec"), g)
    except BaseException as e:
        err = type(e).__name__
    tensors = {k: [v.detach().tolist(), None if v.grad is None else v.grad.tolist()]
               for k, v in g.items() if isinstance(v, torch.Tensor)}
    out[name] = {"stdout": buf.getvalue(), "error": err, "tensors": tensors}
json.dump(out, open(sys.argv[2], "w"))
'''


def torch_reference(scripts: dict[str, str]) -> dict[str, dict]:
    """name -> {"stdout", "error" (exception type name or None), "tensors"}."""
    with tempfile.TemporaryDirectory() as d:
        paths = {}
        for i, (name, src) in enumerate(scripts.items()):
            p = Path(d) / f"s{i}.py"
            p.write_text(src, encoding="utf-8")
            paths[name] = str(p)
        index, result = Path(d) / "index.json", Path(d) / "out.json"
        index.write_text(json.dumps(paths))
        subprocess.run([sys.executable, "-c", _RUNNER, str(index), str(result)], check=True,
                       timeout=300, cwd=d)
        return json.loads(result.read_text(encoding="utf-8"))
