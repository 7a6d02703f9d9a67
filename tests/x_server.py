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
    """Start Xvfb (``size``, 24-bit) and openbox; yield the environment to run Qt in.

    openbox has been seen to exit at start-up once in a loaded full run, saying
    nothing the test could act on; a second X server and openbox are tried then, and
    a second failure names what openbox printed.
    """
    started = _start(home, size, last_try=False) or _start(home, size, last_try=True)
    assert started is not None  # the last try raises rather than return None
    env, procs = started
    try:
        yield env
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _start(home: Path, size: str, *, last_try: bool
           ) -> tuple[dict[str, str], list[subprocess.Popen[bytes]]] | None:
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
    log = home / f"openbox-{display[1:]}.log"
    with log.open("wb") as out:
        wm = subprocess.Popen(["openbox", "--sm-disable"], env=env,
                              stdout=out, stderr=subprocess.STDOUT)
    procs = [wm, xvfb]
    # openbox is up once it has set the EWMH desktop properties on the root window.
    deadline = time.monotonic() + 20
    while subprocess.run(["xdotool", "get_desktop"], env=env, capture_output=True
                         ).returncode != 0:
        if wm.poll() is not None or time.monotonic() > deadline:
            for proc in procs:
                proc.kill()
                proc.wait()
            said = log.read_text(errors="replace").strip()[-1000:]
            assert not last_try, (f"openbox on {display} did not start twice "
                                  f"(exit {wm.returncode}): {said or 'it printed nothing'}")
            return None
        time.sleep(0.05)
    return env, procs
