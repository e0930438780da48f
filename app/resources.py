"""Where the app finds its shipped files (icons, example lessons) relative to the checkout."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
EXAMPLES = ROOT / "resources" / "examples"
