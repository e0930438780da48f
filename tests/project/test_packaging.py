"""packaging/chainrule.spec still names files that exist (the bundle build itself is slow and
is not run here: `bash packaging/build.sh && python packaging/smoke_test.py`)."""

from __future__ import annotations

import ast
from pathlib import Path

from app.application import resources

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "packaging" / "chainrule.spec"


def _spec_value(name: str):
    """The literal assigned to `name` at the spec's top level (parsed, never executed)."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{SPEC.name} assigns no {name}")


def test_spec_data_paths_exist():
    data = _spec_value("DATA")
    assert data, "the spec bundles no data"
    missing = [src for src, _ in data if not (REPO / src).exists()]
    assert not missing, f"{SPEC.name} bundles paths that do not exist: {missing}"


def test_spec_entry_scripts_exist():
    scripts = _spec_value("SCRIPTS")
    assert set(scripts) == {"chainrule", "chainrule-demo"}
    missing = [path for path in scripts.values() if not (REPO / path).is_file()]
    assert not missing, f"{SPEC.name} builds from scripts that do not exist: {missing}"


def test_bundle_lays_out_the_resources_package_as_the_wheel_does():
    """Frozen, app/application/resources.py imports `chainrule_resources` from the bundle's
    top folder: every file setup.py ships in that package must be bundled at the same relative
    path."""
    bundled: set[Path] = set()
    for src, dest in _spec_value("DATA"):
        source = REPO / src
        if source.is_file():
            bundled.add(Path(dest) / source.name)
        else:
            bundled |= {Path(dest) / p.relative_to(source) for p in source.rglob("*")
                        if p.is_file() and "__pycache__" not in p.parts}
    shipped = REPO / "resources"
    wanted = {Path(resources.PACKAGE) / p.relative_to(shipped) for p in shipped.rglob("*")
              if p.is_file() and "__pycache__" not in p.parts}
    assert wanted == bundled
    assert Path(resources.PACKAGE) / "__init__.py" in bundled
