"""Drive the window on a real X server and press keys the way a keyboard does.

Run by tests/test_ui_focus_wm.py as ``python -m tests.focus_driver DATA_DIR`` with
``QT_QPA_PLATFORM=xcb`` and ``DISPLAY`` pointing at an Xvfb server that runs a
window manager. Keys are sent with ``xdotool key`` (the XTEST extension): they go
to whichever window the X server gives the keyboard to, exactly as typed keys
do, so a window that has lost its activation shows up as a key that does
nothing. After each of the moments the issue names (compact mode on and off, a
move to a screen, a dialog, the help overlay) F12 must blank the window and F12
must bring it back, and a typed letter must still land in the notes.

Prints one JSON object: ``{"steps": [[name, ok, detail], ...]}``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

TIMEOUT_S = 6.0


def wait_for(condition: Callable[[], bool], timeout: float = TIMEOUT_S) -> bool:
    """Process events until ``condition()`` holds or ``timeout`` seconds pass."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    QApplication.processEvents()
    return condition()


def key(*keys: str) -> None:
    """Press keys on the X server's keyboard, e.g. ``key("ctrl+shift+t")``."""
    subprocess.run(["xdotool", "key", "--delay", "30", *keys], check=True, timeout=20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    args = parser.parse_args(argv)

    from companion.content.loader import builtin_pack
    from companion.content.planner import PlannedRound
    from companion.live.engine import RoundEngine
    from companion.store import Store
    from companion.ui.app import build_window, create_app

    app = create_app()
    window = build_window(args.data, app)
    window.show()
    steps: list[list[object]] = []

    def record(name: str, ok: bool, detail: str = "") -> None:
        steps.append([name, ok, detail])

    record("the window manager activates the new window", wait_for(window.isActiveWindow))
    store = Store.open(args.data)
    pack = builtin_pack()
    window.set_sources(store, pack, args.data)
    template = pack.find_template("technical")
    assert template is not None
    engine = RoundEngine.start(store, pack, PlannedRound(template, ("q-last-service",)),
                               candidate="Ines Duarte", interviewer="Sam", archetype="api",
                               level="senior")
    window.open_engine(engine)
    view = window.live_view
    assert view is not None
    said = view.notes.fields["said"]
    wait_for(said.hasFocus)

    def blank_key_works(moment: str) -> None:
        """F12 blanks, F12 brings back, and typing lands in the notes again."""
        key("F12")
        blanked = wait_for(lambda: window.blanked)
        key("F12")
        back = wait_for(lambda: not window.blanked)
        typed = said.toPlainText()
        if not said.hasFocus():
            said.setFocus()  # only where the window itself put the focus elsewhere
        key("x")
        landed = wait_for(lambda: said.toPlainText() == typed + "x")
        record(f"F12 after {moment}", blanked and back,
               f"blanked={blanked} back={back} active={window.isActiveWindow()}")
        record(f"typing after {moment}", landed, repr(said.toPlainText()[-20:]))

    blank_key_works("opening the round")

    key("ctrl+shift+t")
    compact = wait_for(lambda: window.actions_.compact.isChecked() and window.width() <= 720)
    record("Ctrl+Shift+T makes the window compact", compact, f"width={window.width()}")
    blank_key_works("compact mode on")
    key("ctrl+shift+t")
    record("Ctrl+Shift+T makes it full size again",
           wait_for(lambda: not window.actions_.compact.isChecked() and window.width() > 720),
           f"width={window.width()}")
    blank_key_works("compact mode off")

    window.move_to_screen(window.screen())  # View > Screen: the same code as for a second one
    blank_key_works("a move to a screen")

    # Help > About: a modal dialog runs its own event loop until it is closed, so the
    # key that closes it is pressed by a helper started beforehand, and timers look in.
    seen: list[bool] = []
    for ms in (400, 800, 1200):
        QTimer.singleShot(ms, lambda: seen.append(QApplication.activeModalWidget() is not None))
    closer = subprocess.Popen(["xdotool", "sleep", "1.6", "key", "Return"])
    key("ctrl+shift+F1")
    closed = wait_for(lambda: closer.poll() is not None and len(seen) == 3
                      and QApplication.activeModalWidget() is None)
    record("Ctrl+Shift+F1 opens the About dialog", any(seen), str(seen))
    record("Return closes it", closed)
    blank_key_works("a dialog")

    key("F1")
    overlay = wait_for(lambda: window.pages.help_overlay.isVisible())
    record("F1 opens the help overlay", overlay)
    key("F12")
    record("F12 over the help overlay blanks the window",
           wait_for(lambda: window.blanked and not window.pages.help_overlay.isVisible()))
    key("F12")
    wait_for(lambda: not window.blanked)
    key("F1")
    wait_for(lambda: window.pages.help_overlay.isVisible())
    key("Escape")
    help_overlay = window.pages.help_overlay
    record("Esc closes the help overlay", wait_for(lambda: not help_overlay.isVisible()))
    blank_key_works("the help overlay")

    window.close_engine()
    store.close()
    window.close()
    print(json.dumps({"steps": steps}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
