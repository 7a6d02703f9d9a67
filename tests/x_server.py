"""An Xvfb server with openbox on it, for the tests that need a real window manager.

``.ci/run`` installs xvfb, openbox and xdotool. openbox draws a title bar and
borders, activates windows and keeps them inside the screen's work area, as a
desktop does; the offscreen platform does none of that.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def x_with_window_manager(home: Path, size: str = "1366x768") -> Iterator[dict[str, str]]:
    """Start Xvfb (``size``, 24-bit) and openbox; yield the environment to run Qt in."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{size}x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = ":" + pipe.readline().strip()
    env = dict(os.environ, DISPLAY=display, HOME=str(home), QT_QPA_PLATFORM="xcb",
               XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"))
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("QT_SCALE_FACTOR", None)
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
