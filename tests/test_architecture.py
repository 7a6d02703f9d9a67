"""The core stays Qt-free: only companion/ui may import PySide6."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import companion
from tests.conftest import REPO


def _non_ui_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(companion.__path__, "companion."):
        if info.name.startswith("companion.ui") or info.name == "companion.__main__":
            continue
        names.append(info.name)
    return names


def test_core_modules_do_not_load_qt() -> None:
    modules = _non_ui_modules()
    assert "companion.content.model" in modules  # the walk really found the core
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('PySide6'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True)
    assert json.loads(out.stdout) == []


def test_no_source_outside_ui_imports_pyside6() -> None:
    offenders = []
    for path in (REPO / "companion").rglob("*.py"):
        if "ui" in path.relative_to(REPO / "companion").parts[:1]:
            continue
        text = path.read_text(encoding="utf-8")
        if "import PySide6" in text or "from PySide6" in text:
            offenders.append(str(path))
    assert offenders == []
