"""The core stays Qt-free: only companion/ui may import PySide6."""

from __future__ import annotations

import ast
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


def _ui_sources() -> dict[str, ast.Module]:
    root = REPO / "companion" / "ui"
    return {str(p.relative_to(REPO)): ast.parse(p.read_text(encoding="utf-8"))
            for p in sorted(root.rglob("*.py"))}


def test_the_window_holds_typed_engine_store_and_pack_not_any() -> None:
    sources = _ui_sources()
    assert "companion/ui/live/live_view.py" in sources
    offenders = []
    for path, tree in sources.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "typing":
                offenders += [f"{path}: imports Any" for a in node.names if a.name == "Any"]
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "getattr" and not path.endswith("app.py")):
                offenders.append(f"{path}:{node.lineno}: getattr lookup")
    assert offenders == []


def test_only_the_bridge_listens_to_the_engine_and_ticks() -> None:
    """One route from core to window: no widget subscribes or runs a clock of its own."""
    subscribers, timers = [], []
    for path, tree in _ui_sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "subscribe":
                subscribers.append(path)
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "QTimer" and "/live/" in path):
                timers.append(path)
    assert sorted(set(subscribers)) == ["companion/ui/bridge.py"]
    assert timers == []
