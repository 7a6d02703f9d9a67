"""Where the app finds its fonts, styles and icons when run from a source checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from companion.base.assets import resource_dir, resource_path

REPO = Path(__file__).resolve().parent.parent


def test_a_source_checkout_uses_its_own_resources_folder() -> None:
    assert resource_dir() == REPO / "resources"
    assert resource_path("styles", "app.qss").is_file()


def test_a_checkout_run_without_installing_finds_its_resources(tmp_path: Path) -> None:
    # A copy of the package with no install behind it (PYTHONPATH only), as a developer
    # runs a second checkout: it must find the copy's own folder, not another's.
    copy = tmp_path / "checkout"
    (copy / "resources" / "styles").mkdir(parents=True)
    (copy / "resources" / "styles" / "app.qss").write_text("/* copy */", encoding="utf-8")
    (copy / "companion" / "base").mkdir(parents=True)
    for name in ("companion/__init__.py", "companion/base/__init__.py",
                 "companion/base/assets.py"):
        (copy / name).write_bytes((REPO / name).read_bytes())
    env = {**os.environ, "PYTHONPATH": str(copy)}
    out = subprocess.run(
        [sys.executable, "-c", "from companion.base.assets import resource_dir; "
         "print(resource_dir())"], capture_output=True, text=True, env=env, cwd=tmp_path,
        check=True, timeout=60)
    assert Path(out.stdout.strip()) == copy / "resources"
