#!/usr/bin/env bash
# Build the one-folder bundle: packaging/dist/companion/{companion,companion-cli}.
# Needs only pip packages: the app's dependencies and pyinstaller
# (python -m pip install '.[package]'). No C compiler, no network at build time
# beyond what pip itself needed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath packaging/dist --workpath packaging/build packaging/companion.spec
end=$(date +%s)
echo "built packaging/dist/companion in $((end - start)) s," \
  "$(du -sh packaging/dist/companion | cut -f1) on disk"
echo "left out: $(wc -l < packaging/build/companion/dropped.txt) files (list: packaging/build/companion/dropped.txt)"
