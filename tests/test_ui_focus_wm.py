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
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[dict[str, str]]:
    """An Xvfb server (1366x768) with openbox running on it; yields the environment."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1366x768x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = ":" + pipe.readline().strip()
    env = dict(os.environ, DISPLAY=display, HOME=str(tmp_path), QT_QPA_PLATFORM="xcb",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("WAYLAND_DISPLAY", None)
    wm = subprocess.Popen(["openbox", "--sm-disable"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # openbox is up once it has set the EWMH desktop properties on the root window.
        deadline = time.monotonic() + 20
        while subprocess.run(["xdotool", "get_desktop"], env=env, capture_output=True
                             ).returncode != 0:
            assert time.monotonic() < deadline, "openbox did not start"
            assert wm.poll() is None, "openbox exited"
            time.sleep(0.05)
        yield env
    finally:
        for proc in (wm, xvfb):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


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
