#!/usr/bin/env bash
# Build the PyInstaller onedir bundle: dist/chainrule/chainrule (the app) and
# dist/chainrule/chainrule-demo (the engine alone). Then check it with
#   python packaging/smoke_test.py
# Run from anywhere; uses the current Python environment (which must have the app's
# dependencies: `pip install -e .`).
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1

python -m pip install -q 'pyinstaller>=6.5'

start=$(date +%s)
python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller \
  packaging/chainrule.spec
end=$(date +%s)

echo "built dist/chainrule in $((end - start)) s, $(du -sh dist/chainrule | cut -f1)"
