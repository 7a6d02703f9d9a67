"""The test command enforces the lint and type checks, so CI does too."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_ruff_clean() -> None:
    res = subprocess.run([sys.executable, "-m", "ruff", "check", "companion", "tests", "bench",
                          "packaging"], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr


def test_mypy_clean() -> None:
    res = subprocess.run([sys.executable, "-m", "mypy"], capture_output=True, text=True,
                         cwd=REPO)
    assert res.returncode == 0, res.stdout + res.stderr
