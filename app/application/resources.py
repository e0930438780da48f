"""Where the app finds its shipped files: icons, example lessons and the ``.desktop`` file.

They live in the checkout's top-level ``resources/`` folder, which setup.py installs as the
package ``chainrule_resources`` (and the PyInstaller spec bundles under that name), so an
installed or frozen app finds them with ``importlib.resources`` wherever it was put. Run from a
checkout, the app reads the checkout's own folder instead: another checkout may be installed in
editable mode on the same machine, and a developer must see the files they are editing.
"""

from __future__ import annotations

from importlib import resources as _importlib_resources
from pathlib import Path

PACKAGE = "chainrule_resources"

_SOURCE_TREE = Path(__file__).resolve().parents[2]


def _shipped_folder() -> Path:
    """The folder holding icons/, examples/ and chainrule.desktop."""
    if (_SOURCE_TREE / "pyproject.toml").is_file() and (_SOURCE_TREE / "resources").is_dir():
        return _SOURCE_TREE / "resources"
    try:
        found = _importlib_resources.files(PACKAGE)
    except ModuleNotFoundError:  # a broken install: the app still runs, without icons/lessons
        return _SOURCE_TREE / "resources"
    # installed from a wheel or frozen by PyInstaller, the package is a folder on disk
    return Path(str(found))


ROOT = _shipped_folder()
ICONS = ROOT / "icons"
EXAMPLES = ROOT / "examples"
DESKTOP_FILE = ROOT / "chainrule.desktop"


def icon_names() -> list[str]:
    """The shipped icons' names (what `app.application.icons.icon` takes), sorted."""
    return sorted(p.stem for p in ICONS.glob("*.svg"))


def example_paths() -> list[Path]:
    """The shipped example lessons, in menu order (empty when none are installed)."""
    return sorted(EXAMPLES.glob("*.json"))
