"""Open the window with its AT-SPI bridge on and read it as a screen reader would.

Run by tests/test_ui_atspi.py as ``dbus-run-session -- python -m tests.atspi_driver
DATA_DIR`` on an X server (Qt's offscreen platform has no AT-SPI bridge). The
private session bus starts the accessibility bus on demand; Qt joins it because
``QT_LINUX_ACCESSIBILITY_ALWAYS_ON`` is set (no desktop asks it to here).

At each state the window keeps serving D-Bus while ``tests/atspi_walk.py``, under
Debian's Python with ``pyatspi``, reads the whole tree. States: the start screen,
the live view of a design round with the cues open and the first red flag raised
by F5 (and, to compare, an untouched flag), the panel, calibration, loops and
practice pages. Before the first walk a round is opened and left, so that the start screen lists an
unfinished round whose rows must stop showing once the live view is up. Prints one
JSON object ``{"flags": [titles], state: [node, ...]}``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

WALKER = Path(__file__).with_name("atspi_walk.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # where Debian's python3-pyatspi lives


def read_tree() -> list[dict[str, object]]:
    """The tree as ``atspi_walk.py`` reads it; the event loop runs meanwhile, so the
    window can answer the walker's calls. The walker writes to a file: a pipe would
    fill up while nobody reads it."""
    with tempfile.TemporaryFile("w+") as out:
        walker = subprocess.Popen([SYSTEM_PYTHON, str(WALKER), str(os.getpid())], stdout=out,
                                  env={k: v for k, v in os.environ.items()
                                       if k not in ("PYTHONPATH", "PYTHONHOME")})
        # An event loop, not a polling one: each of the walker's calls is answered
        # the moment it arrives.
        loop = QEventLoop()
        poll = QTimer(interval=20)
        poll.timeout.connect(lambda: walker.poll() is None or loop.quit())
        poll.start()
        QTimer.singleShot(60_000, loop.quit)
        loop.exec()
        poll.stop()
        if walker.poll() is None:
            walker.kill()
            raise SystemExit("the AT-SPI walk took over 60 s")
        if walker.returncode != 0:
            raise SystemExit(f"the AT-SPI walk failed with exit code {walker.returncode}")
        out.seek(0)
        nodes: list[dict[str, object]] = json.loads(out.read())
    return nodes


def settle(seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.005)


def run(data: Path) -> dict[str, object]:
    os.environ["QT_LINUX_ACCESSIBILITY_ALWAYS_ON"] = "1"
    from companion.content.loader import builtin_pack
    from companion.content.planner import PlannedRound
    from companion.live.engine import RoundEngine
    from companion.store import Store
    from companion.ui.app import build_window, create_app

    app = create_app()
    window = build_window(data, app)
    window.show()
    pack = builtin_pack()
    store = Store.open(data)
    window.set_sources(store, pack, data)
    template = pack.find_template("technical")
    assert template is not None
    designs = tuple(s.id for s in pack.scenarios)

    def open_round(candidate: str) -> None:
        window.open_engine(RoundEngine.start(
            store, pack, PlannedRound(template, designs), candidate=candidate,
            interviewer="Zofia Nowak", archetype="data", level="staff"))

    open_round("Ana Ruiz")  # left unfinished: the start screen lists it
    window.close_engine()
    window.show_start()
    settle()
    found: dict[str, object] = {"flags": [f.title for f in pack.red_flags],
                                "start": read_tree()}
    open_round("Kim Min-jun")
    view = window.live_view
    assert view is not None
    view.toggle_cues()
    view.notes.fields["said"].setFocus()
    settle()
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F5)  # the first flag
    settle()
    found["live"] = read_tree()
    window.close_engine()
    window.show_panel()
    settle()
    found["panel"] = read_tree()
    window.show_calibration()
    end = time.monotonic() + 30
    while window.pages.calibration_page.calibration is None and time.monotonic() < end:
        settle(0.05)
    settle()
    found["calibration"] = read_tree()
    window.show_loops()
    settle()
    found["loops"] = read_tree()
    window.show_practice()
    settle()
    found["practice"] = read_tree()
    window.close()
    store.close()
    return found


def main() -> None:
    print(json.dumps(run(Path(sys.argv[1]))), flush=True)
    # The window and the store are closed; skip the interpreter's slow tear-down of Qt's
    # objects (about a second of the test's time).
    os._exit(0)


if __name__ == "__main__":
    main()
