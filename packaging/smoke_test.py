"""Smoke test of the built bundle: does the frozen app start, find its files and draw?

    python packaging/smoke_test.py [path/to/bundle]      (default: dist/chainrule)

1. The engine alone: `chainrule-demo` prints the tutorial's derivatives (f' = -2, f'' = 2).
2. The bundled resources: every icon and example of the checkout is inside the bundle.
3. The app: `chainrule --screenshot OUT EXAMPLE` on the bundled 01_quadratic.json, with
   QT_QPA_PLATFORM=offscreen, from a scratch directory and with scratch settings; exit code
   0, and OUT is a PNG of the requested size, over 20 KB, with many colours (not a blank or
   black window).

Exits 1 with the reason on the first failure. Needs nothing but the standard library; if
PySide6 is importable here it also decodes the PNG and counts its colours.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = "01_quadratic.json"
SIZE = (1440, 880)
MIN_BYTES = 20_000
TIMEOUT = 180


class SmokeFailure(Exception):
    pass


def check(ok: bool, message: str) -> None:
    if not ok:
        raise SmokeFailure(message)


def program(bundle: Path, name: str) -> Path:
    for candidate in (bundle / name, bundle / f"{name}.exe"):
        if candidate.is_file():
            return candidate
    raise SmokeFailure(f"{bundle / name} not found: build the bundle with packaging/build.sh")


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    print("$", " ".join(args), flush=True)
    try:
        done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        raise SmokeFailure(f"{Path(args[0]).name} did not finish in {TIMEOUT} s") from e
    for stream in (done.stdout, done.stderr):
        if stream.strip():
            print("  " + stream.strip().replace("\n", "\n  "))
    check(done.returncode == 0, f"{Path(args[0]).name} exited with {done.returncode}")
    return done


def bundled_resources(bundle: Path) -> Path:
    """The bundle's chainrule_resources/ folder (under _internal/ since PyInstaller 6)."""
    found = sorted(bundle.rglob(f"chainrule_resources/examples/{EXAMPLE}"))
    check(bool(found), f"no chainrule_resources/examples/{EXAMPLE} inside {bundle}")
    return found[0].parent.parent


def check_resources(resources: Path) -> None:
    shipped = REPO / "resources"
    if not shipped.is_dir():  # bundle tested away from the checkout
        return
    for sub in ("icons", "examples"):
        want = {p.name for p in (shipped / sub).iterdir() if p.is_file()}
        folder = resources / sub
        have = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        check(want <= have, f"bundle lacks chainrule_resources/{sub}: {sorted(want - have)}")
    for name in ("chainrule.desktop", "__init__.py"):
        check((resources / name).is_file(), f"bundle lacks chainrule_resources/{name}")
    print(f"  resources: {len(list((resources / 'icons').iterdir()))} icons, "
          f"{len(list((resources / 'examples').iterdir()))} examples, chainrule.desktop")


def png_size(data: bytes) -> tuple[int, int]:
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG")
    check(data[12:16] == b"IHDR", "the screenshot's PNG has no IHDR header")
    return struct.unpack(">II", data[16:24])


def count_colours(png: Path) -> tuple[int, float] | None:
    """Distinct colours on a 64 x 64 grid of the image, and the share of near-black samples,
    via PySide6's QImage (None when PySide6 is not importable here)."""
    try:
        from PySide6.QtGui import QImage
    except ImportError:
        return None
    img = QImage(str(png))
    check(not img.isNull(), "QImage cannot read the screenshot")
    colours, dark, n = set(), 0, 0
    for i in range(64):
        for j in range(64):
            rgb = img.pixel(i * img.width() // 64, j * img.height() // 64) & 0xFFFFFF
            colours.add(rgb)
            dark += sum((rgb >> s) & 0xFF for s in (0, 8, 16)) < 3 * 24
            n += 1
    return len(colours), dark / n


def main(argv: list[str]) -> int:
    bundle = Path(argv[1]) if len(argv) > 1 else REPO / "dist" / "chainrule"
    bundle = bundle.resolve()
    try:
        check(bundle.is_dir(), f"{bundle} is not a directory: build it with packaging/build.sh")
        app, demo = program(bundle, "chainrule"), program(bundle, "chainrule-demo")
        with tempfile.TemporaryDirectory(prefix="chainrule-smoke-") as tmp:
            scratch = Path(tmp)
            env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
            env.update(QT_QPA_PLATFORM="offscreen", HOME=str(scratch),
                       XDG_CONFIG_HOME=str(scratch / "config"),
                       XDG_DATA_HOME=str(scratch / "data"),
                       XDG_CACHE_HOME=str(scratch / "cache"))

            print("1. engine: chainrule-demo")
            out = run([str(demo)], env, scratch).stdout
            for line in ("f' = tensor(-2., grad_fn=", "f''= tensor(2.)"):
                check(line in out, f"chainrule-demo did not print {line!r}")

            print("2. bundled resources")
            resources = bundled_resources(bundle)
            check_resources(resources)

            print(f"3. app: chainrule --screenshot on the bundled {EXAMPLE}")
            shot = scratch / "smoke.png"
            run([str(app), "--screenshot", str(shot), "--size", "x".join(map(str, SIZE)),
                 str(resources / "examples" / EXAMPLE)], env, scratch)
            check(shot.is_file(), f"the app exited 0 but wrote no {shot.name}")
            data = shot.read_bytes()
            size = png_size(data)
            check(size == SIZE, f"the screenshot is {size[0]}x{size[1]}, not {SIZE[0]}x{SIZE[1]}")
            check(len(data) > MIN_BYTES,
                  f"the screenshot is only {len(data)} bytes (a blank window?)")
            summary = f"  PNG {size[0]}x{size[1]}, {len(data) // 1024} KB"
            colours = count_colours(shot)
            if colours is not None:
                distinct, dark = colours
                check(distinct >= 8, f"the screenshot has {distinct} colours (blank window?)")
                check(dark < 0.5, f"{dark:.0%} of the screenshot is black")
                summary += f", {distinct} colours on a 64x64 grid, {dark:.0%} black"
            print(summary)
            keep = os.environ.get("CHAINRULE_SMOKE_PNG")
            if keep:  # keep the picture to look at it
                Path(keep).write_bytes(data)
                print(f"  copied to {keep}")
    except SmokeFailure as e:
        print(f"SMOKE TEST FAILED: {e}", file=sys.stderr)
        return 1
    print(f"smoke test passed: {bundle}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
