"""The layering, enforced: `lint-imports` checks the contracts in pyproject.toml
([tool.importlinter]) with the rest of the suite, so the README's test command and
.ci/run both run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint(*extra: str) -> subprocess.CompletedProcess[str]:
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(no_cache=True, no_logo=True, "
            f"config_filenames={extra!r} or ()))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_import_contracts_are_kept() -> None:
    r = _lint()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


def test_a_broken_contract_fails(tmp_path: Path) -> None:
    """The check can fail: core.graph does import the engine, so a contract forbidding
    that is reported broken."""
    cfg = tmp_path / "contracts.ini"
    cfg.write_text("[importlinter]\nroot_packages =\n    core\n\n"
                   "[importlinter:contract:x]\nname = graph without engine\ntype = forbidden\n"
                   "source_modules =\n    core.graph\nforbidden_modules =\n    core.ops\n")
    r = _lint(str(cfg))
    assert r.returncode != 0
    assert "BROKEN" in r.stdout
