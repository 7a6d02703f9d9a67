"""The layers of docs/architecture.md hold, and the contract that holds them can fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())"]


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LINT, str(cwd / "pyproject.toml"), "--no-cache", "--no-logo"],
                          cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"})


def test_the_layer_contracts_are_kept() -> None:
    out = _lint(REPO)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stderr == ""
    assert "3 kept, 0 broken" in out.stdout


def test_an_import_up_the_layers_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(REPO / "companion", tmp_path / "companion",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    names = tmp_path / "companion" / "record" / "names.py"
    names.write_text(names.read_text(encoding="utf-8") + "\nimport companion.store.db\n",
                     encoding="utf-8")
    bundled_qt = tmp_path / "companion" / "live" / "clock.py"
    bundled_qt.write_text(bundled_qt.read_text(encoding="utf-8") + "\nimport PySide6.QtCore\n",
                          encoding="utf-8")
    out = _lint(tmp_path)
    assert out.returncode != 0
    assert "companion.record.names -> companion.store.db" in out.stdout
    assert "companion.live.clock -> PySide6" in out.stdout
    assert "1 kept, 2 broken" in out.stdout


def test_the_top_of_the_package_holds_only_entry_points() -> None:
    top = sorted(p.name for p in (REPO / "companion").glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "cli.py"]
    undocumented = [p.parent.name for p in (REPO / "companion").glob("*/__init__.py")
                    if not p.read_text(encoding="utf-8").lstrip().startswith('"""')]
    assert undocumented == []
