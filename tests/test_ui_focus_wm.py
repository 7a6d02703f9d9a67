"""The blank key and every shortcut keep working under a real window manager.

Compact mode re-creates the native window, a screen move re-places it, a dialog
and the help overlay take the keyboard for a moment. Under Xvfb with openbox (a
small window manager from Debian), keys pressed with ``xdotool`` go where the X
server sends a keyboard's keys; ``tests/focus_driver.py`` checks after each of
those moments that F12 blanks and restores the window and that typing reaches
the notes. (``.ci/run`` installs xvfb, openbox and xdotool.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.x_server import x_with_window_manager


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[dict[str, str]]:
    """An Xvfb server (1366x768) with openbox running on it; yields the environment."""
    with x_with_window_manager(tmp_path) as env:
        yield env


def test_f12_and_typing_work_after_compact_mode_a_move_a_dialog_and_the_help(
        x_display: dict[str, str], data_dir: Path) -> None:
    env = dict(x_display, COMPANION_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
    res = subprocess.run([sys.executable, "-m", "tests.focus_driver", str(data_dir)],
                         capture_output=True, text=True, cwd=REPO, env=env, timeout=240)
    assert res.returncode == 0, res.stderr[-3000:]
    steps = json.loads(res.stdout.splitlines()[-1])["steps"]
    names = [name for name, _ok, _detail in steps]
    for moment in ("opening the round", "compact mode on", "compact mode off",
                   "a move to a screen", "a dialog", "the help overlay"):
        assert f"F12 after {moment}" in names and f"typing after {moment}" in names
    failed = [step for step in steps if not step[1]]
    assert failed == [], "\n".join(map(str, steps))
