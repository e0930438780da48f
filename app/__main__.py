"""Entry point: `chainrule [FILE]`, `python -m app`, and `chainrule --screenshot OUT FILE`.

`--screenshot` renders the window offscreen after running backward and exits; the README's
screenshot is made this way, so it always shows what the app really draws.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="chainrule", description="Computational-graph explorer")
    p.add_argument("file", nargs="?", help="a graph (.json) to open")
    p.add_argument("--screenshot", metavar="PNG",
                   help="render the window with FILE (after backward) to PNG offscreen and exit")
    p.add_argument("--theme", choices=("system", "light", "dark"), default=None,
                   help="colour theme (default: the saved choice, else the system's)")
    p.add_argument("--size", default="1440x880", help="window size for --screenshot (WxH)")
    return p.parse_args(argv)


def create_app(argv: list[str] | None = None):
    """The QApplication with our identity (QSettings paths depend on it)."""
    from PySide6.QtWidgets import QApplication

    from app.application import settings

    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName(settings.ORG)
    app.setApplicationName(settings.APP)
    app.setApplicationDisplayName("Chainrule")
    return app


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.screenshot and "QT_QPA_PLATFORM" not in os.environ:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    t0 = time.perf_counter()
    from app.application import qt_messages

    qt_messages.install()
    app = create_app()

    from app.application import errors, settings, theme
    from app.application.main_window import MainWindow

    choice = args.theme or str(settings.settings().value("theme", "system"))
    theme.apply(app, None if choice == "system" else choice == "dark")
    errors.install()
    window = MainWindow(restore_settings=not args.screenshot)
    if args.screenshot:
        return screenshot(window, args)
    if args.file:
        window.files.open(args.file)
    else:
        window.files.offer_recovery()
    window.show()
    if os.environ.get("CHAINRULE_TRACE_ACTIONS"):  # test mode: see app/application/action_trace.py
        from app.application import action_trace

        action_trace.install(window)
    if os.environ.get("CHAINRULE_STARTUP_TIME"):
        print(f"startup {1000 * (time.perf_counter() - t0):.0f} ms", file=sys.stderr)
    return app.exec()


def screenshot(window, args: argparse.Namespace) -> int:
    """Open FILE, run backward, frame it, save the window to PNG."""
    from PySide6.QtWidgets import QApplication

    w, _, h = args.size.partition("x")
    window.resize(int(w), int(h))
    if args.file:
        path = Path(args.file)
        is_example = path.resolve().parent.name == "examples"
        ok = window.open_example(path) if is_example else window.files.load(path)
        if not ok:
            print(f"could not open {path}", file=sys.stderr)
            return 1
    window.controller.run_backward()
    doc = window.controller.doc
    leaf = next((n.id for n in doc if n.requires_grad), None)
    if leaf is not None:  # show a leaf's .grad in the inspector
        window.controller.select_only([leaf])
    window.show()
    for _ in range(3):
        QApplication.processEvents()
    window.view.fit_all()
    QApplication.processEvents()
    ok = window.grab().save(args.screenshot, "PNG")
    window.files.discard_recovery()
    print(f"wrote {args.screenshot}" if ok else f"failed to write {args.screenshot}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
