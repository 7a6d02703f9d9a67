#!/usr/bin/env bash
# Build the one-folder bundle: packaging/dist/companion/{companion,companion-cli}.
#
# The build runs in a fresh virtual environment (packaging/build/venv) that holds only
# the app's dependencies and PyInstaller, installed by pip: nothing else of the build
# machine's Python (a desktop's GTK bindings, test tools, other projects' packages)
# can be picked up by PyInstaller's analysis. No C compiler; the network only for pip.
# BUILD_PYTHON=path/to/python skips the fresh environment (the tests reuse theirs).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
start=$(date +%s)
if [ -z "${BUILD_PYTHON:-}" ]; then
  venv=packaging/build/venv
  "$PYTHON" -m venv --clear "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check '.[package]'
  BUILD_PYTHON="$venv/bin/python"
fi
"$BUILD_PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath packaging/dist --workpath packaging/build packaging/companion.spec
end=$(date +%s)
echo "built packaging/dist/companion in $((end - start)) s," \
  "$(du -sh packaging/dist/companion | cut -f1) on disk"
echo "left out: $(wc -l < packaging/build/companion/dropped.txt) files (list: packaging/build/companion/dropped.txt)"
