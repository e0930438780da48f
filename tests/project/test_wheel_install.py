"""`pip install .` gives a complete app: build the wheel, install it into a fresh venv and, from
there (away from the checkout), load every icon and every example with the app's own functions.

Before, `resources/` sat outside the packages, so an installed app had no icons (the toolbar fell
back to text) and no lessons (no Examples menu, no lesson links on the empty canvas). The venv
borrows this interpreter's site-packages for PySide6/numpy (no downloads), but the chainrule
packages must come from the wheel: the probe runs from a scratch folder and reports where they live.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "resources"

PROBE = r"""
import json, sys
from PySide6.QtWidgets import QApplication
import app, core
from app.application import icons, resources
from app.application.main_window import MainWindow
from core.graph import serialize

qapp = QApplication([sys.argv[0]])
names = resources.icon_names()
blank = [n for n in names if icons.icon(n).pixmap(24, 24).isNull()]
loaded = [p.name for p in resources.example_paths() if len(serialize.load(p)) > 0]
w = MainWindow(restore_settings=False)
menu = [a.text() for a in w.examples_menu.actions() if a.isEnabled()]
w.files.discard_recovery()
print(json.dumps({
    "app": app.__file__, "core": core.__file__, "resources": str(resources.ROOT),
    "icons": names, "blank_icons": blank, "examples": loaded, "menu": menu,
    "desktop": resources.DESKTOP_FILE.read_text(encoding="utf-8"),
}))
"""


def _run(args: list[str], **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, **kw)
    assert done.returncode == 0, f"{' '.join(map(str, args))}\n{done.stdout}\n{done.stderr}"
    return done


def _build_wheel(out: Path) -> Path:
    """The wheel of a copy of the tree (a build writes build/ and *.egg-info beside the
    sources), with the setuptools already installed (no download for an isolated build)."""
    src = out / "src"
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"))
    offline = ["--no-build-isolation", "--no-index"] if _setuptools_builds_wheels() else []
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", *offline, "-q",
          "-w", str(out / "wheels"), str(src)])
    (wheel,) = (out / "wheels").glob("chainrule-*.whl")
    return wheel


def _setuptools_builds_wheels() -> bool:
    """Whether the installed setuptools can build our wheel without an isolated build (which
    downloads setuptools): pyproject.toml asks for >= 68, and bdist_wheel needs the `wheel`
    package below setuptools 70.1."""
    try:
        from importlib.metadata import version

        major, minor = (int(x) for x in version("setuptools").split(".")[:2])
    except (ImportError, ValueError):
        return False
    if (major, minor) >= (70, 1):
        return True
    return major >= 68 and importlib.util.find_spec("wheel") is not None


def _borrow_site_packages(python: Path) -> None:
    """Let the venv import what this interpreter has installed (PySide6, numpy, pip...) after
    its own site-packages, where the wheel goes. A .pth of plain paths, not
    --system-site-packages: this interpreter may itself be a venv (then the system's
    site-packages lack PySide6), and the .pth files of those folders (an editable install of
    the checkout) are not run."""
    own = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    borrowed = [p for p in (*site.getsitepackages(), site.getusersitepackages())
                if Path(p).is_dir()]
    Path(own.stdout.strip(), "_chainrule_test_borrowed.pth").write_text(
        "\n".join(borrowed) + "\n", encoding="utf-8")


def _shipped_files() -> set[str]:
    return {p.relative_to(SHIPPED).as_posix() for p in SHIPPED.rglob("*")
            if p.is_file() and p.suffix in (".svg", ".json", ".desktop")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("wheel"))


def test_wheel_carries_every_icon_example_and_the_desktop_file(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    inside = {n.removeprefix("chainrule_resources/") for n in names
              if n.startswith("chainrule_resources/")}
    assert _shipped_files() <= inside, sorted(_shipped_files() - inside)
    assert len(_shipped_files()) >= 30
    assert "chainrule_resources/__init__.py" in names
    assert not any(n.startswith(("tests/", "resources/", "tools/", "benchmarks/"))
               for n in names)


def test_installed_app_loads_every_icon_and_example(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _borrow_site_packages(python)
    # the venv's python runs the borrowed pip, which installs into the venv
    _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)])

    scratch = tmp_path / "elsewhere"
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(scratch),
               XDG_CONFIG_HOME=str(scratch / "config"), XDG_DATA_HOME=str(scratch / "data"),
               XDG_CACHE_HOME=str(scratch / "cache"))
    done = _run([str(python), "-c", PROBE], cwd=scratch, env=env)
    report = json.loads(done.stdout.strip().splitlines()[-1])

    for key in ("app", "core", "resources"):  # the wheel's copy, not the checkout's
        assert Path(report[key]).resolve().is_relative_to(venv.resolve()), report[key]
    icon_files = sorted(p.stem for p in (SHIPPED / "icons").glob("*.svg"))
    assert report["icons"] == icon_files
    assert report["blank_icons"] == []
    examples = sorted(p.name for p in (SHIPPED / "examples").glob("*.json"))
    assert report["examples"] == examples
    assert len(report["menu"]) == len(examples)
    assert report["desktop"] == (SHIPPED / "chainrule.desktop").read_text(encoding="utf-8")
