"""packaging/chainrule.spec still names files that exist (the bundle build itself is slow and
is not run here: `bash packaging/build.sh && python packaging/smoke_test.py`)."""

from __future__ import annotations

import ast
from pathlib import Path

from app import resources

REPO = Path(__file__).resolve().parent.parent
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


def test_bundle_layout_matches_the_apps_lookup():
    """Frozen, app/resources.py's ROOT is the bundle's top folder: each folder the app reads
    must be bundled at the same path relative to it."""
    bundled = {Path(dest) / Path(src).name if Path(src).is_file() else Path(dest)
               for src, dest in ((REPO / s, d) for s, d in _spec_value("DATA"))}
    for folder in (resources.ICONS, resources.EXAMPLES):
        assert folder.relative_to(resources.ROOT) in bundled
