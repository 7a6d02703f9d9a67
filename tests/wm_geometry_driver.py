"""Walk the live round on a real X server with a window manager and report what leaves the screen.

Run by tests/test_ui_geometry_wm.py as ``python -m tests.wm_geometry_driver DATA_DIR``
with ``QT_QPA_PLATFORM=xcb`` and ``DISPLAY`` pointing at an Xvfb server that runs
openbox, one process per screen size (``QT_SCALE_FACTOR`` is fixed when Qt starts).
Unlike the offscreen driver it compares with the *screen*, not with the window:

* the window's frame (title bar and borders, as the window manager drew them) lies
  inside the screen's available geometry;
* every control of the round (buttons, check boxes, fields, probe rows, timers,
  flags, both notes fields, the "Saved" indicator) has its global rectangle inside
  the available geometry and is wholly visible in its window (not scrolled away).

States: the start screen; every built-in question and scenario with the cues folded
and open and all five red flags on; the same in compact mode; then zoom pressed in
until the window says it is at its largest step, every design scenario with the cues
open in full and compact mode, the help overlay and the finish page at that zoom, and
the help over the practice page (which lists the practice keys too) without scrolling.

Prints one JSON object: ``{"checked": {state: n}, "problems": [...], "screen": ...,
"zoom": largest zoom reached}``. With ``--shots DIR`` it saves a PNG of each state.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFrame,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)

from companion.ui.screen_fit import settle_layouts
from tests.driver_setup import open_every_item, show_window
from tests.window_driver import _part_of_another

CONTROLS = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox)
SETTLE_S = 0.12  # geometry unchanged this long: the window manager has answered
# A state that looks wrong is looked at again after this long a stillness, so that only
# what stays wrong fails: on a machine busy with the rest of the suite a deferred fit can
# come after SETTLE_S of stillness; what recovered is printed to stderr. (The probe row
# once caught cut by 12-19 px in one run of three stayed cut: a scroll bar the controls
# kept, mended in companion/ui/live/page.py and tested in tests/test_ui_live.py.)
RECHECK_SETTLE_S = 1.0


def wait_for(condition: Callable[[], bool], timeout: float = 6.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def settle(window: QWidget, still_s: float = SETTLE_S) -> None:
    """Process events until the frame geometry, and every shown widget's, has been still
    for ``SETTLE_S``.

    A resize goes to the X server, the window manager answers with a configure
    notify, and only then does Qt know the frame where it really is; the layouts inside
    then follow in posted events, which on a busy machine can come after the frame is
    still (a probe row was once caught mid-reflow, 34 of its 46 pixels shown).
    """
    last, still_since, end = None, time.monotonic(), time.monotonic() + 5
    while time.monotonic() < end:
        QApplication.processEvents()
        settle_layouts()
        now = (window.frameGeometry(), window.geometry(), window.minimumSize(),
               [w.geometry() for w in window.findChildren(QWidget) if w.isVisible()])
        if now != last:
            last, still_since = now, time.monotonic()
        elif time.monotonic() - still_since >= still_s:
            return
        time.sleep(0.01)


def global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def _rect(r: QRect) -> str:
    return f"{r.x()},{r.y()} {r.width()}x{r.height()}"


class ScreenChecker:
    def __init__(self, window: QWidget, shots: Path | None, tag: str) -> None:
        self.window = window
        self.shots = shots
        self.tag = tag
        self.checked: dict[str, int] = {}
        self.problems: list[str] = []

    def check(self, state: str, page: QWidget, also: tuple[QWidget, ...] = ()) -> None:
        settle(self.window)
        n, problems = self._examine(state, page, also)
        if problems:
            print(f"{state}: looked again after {RECHECK_SETTLE_S:g} s still: "
                  + "; ".join(problems), file=sys.stderr)
            settle(self.window, RECHECK_SETTLE_S)
            n, problems = self._examine(state, page, also)
        self.problems += problems
        self.checked[state] = n
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.window.grab().save(str(self.shots / f"{self.tag}-{state}.png"))

    def _examine(self, state: str, page: QWidget,
                 also: tuple[QWidget, ...]) -> tuple[int, list[str]]:
        """How many controls were looked at, and what is wrong with them or the frame."""
        problems: list[str] = []
        area = self.window.screen().availableGeometry()
        frame = self.window.frameGeometry()
        if frame == self.window.geometry():
            problems.append(f"{state}: no frame: is a window manager running?")
        if not area.contains(frame):
            problems.append(f"{state}: frame {_rect(frame)} outside {_rect(area)} "
                            f"(minimum {self.window.minimumHeight()} px high)")
        n = 0
        for widget in dict.fromkeys((*page.findChildren(QWidget), *also)):
            if not widget.isVisible() or _part_of_another(widget):
                continue
            if not (isinstance(widget, CONTROLS) or widget in also or (
                    isinstance(widget, QFrame) and widget.objectName().startswith(
                        ("probe.", "timer.", "flags.")))):
                continue
            n += 1
            name = widget.objectName() or type(widget).__name__
            rect = global_rect(widget)
            if not area.contains(rect):
                problems.append(f"{state}: {name} at {_rect(rect)} outside {_rect(area)}")
            shown = widget.visibleRegion().boundingRect()
            if shown != widget.rect():
                problems.append(f"{state}: {name} only {shown.width()}x{shown.height()} "
                                f"of {widget.width()}x{widget.height()} shown")
        return n, problems


def run(data: Path, shots: Path | None, theme: str) -> dict[str, object]:
    from companion.content.model import Scenario

    shown = show_window(data, theme, settle=lambda: None)
    window, store, pack = shown.window, shown.store, shown.pack
    wait_for(window.isActiveWindow)  # the window manager has placed and activated it
    check = ScreenChecker(window, shots, shown.tag)
    check.check("start", window.start_screen)

    engine = open_every_item(shown, candidate="Kim Min-jun 김민준",
                             interviewer="Zofia Łukasiewicz", archetype="data", level="staff")
    view = window.live_view
    assert view is not None
    for flag in pack.red_flags:  # every flag on, the longer state (confirmed, evidence)
        engine.cycle_flag(flag.id, "said so twice, in different words")
        engine.cycle_flag(flag.id)
    saved = view.notes.findChild(QWidget, "notes.status")
    extra = (saved,) if saved is not None else ()
    round_page = view.stack.currentWidget()

    def walk(prefix: str, which: list[int], cue_states: tuple[bool, ...]) -> None:
        for index in which:
            engine.jump(index)
            for cues in cue_states:
                if view.item_panel.cues_visible() != cues:
                    view.toggle_cues()
                state = f"{prefix}{engine.items[index].id}-cues-{'open' if cues else 'closed'}"
                check.check(state, round_page, extra)

    everything = list(range(len(engine.items)))
    designs = [i for i, it in enumerate(engine.items) if isinstance(it, Scenario)]
    walk("", everything, (False, True))
    window.actions_.compact.setChecked(True)
    walk("compact-", everything, (True,))
    window.actions_.compact.setChecked(False)

    # Zoom in as far as the window lets it (the action stops at the largest step that fits).
    zoom_in = window.actions_.zoom_in
    for _ in range(30):
        before = window.theme.zoom
        if not zoom_in.isEnabled():
            break
        zoom_in.trigger()
        settle(window)
        if window.theme.zoom == before:
            break
    zoom = window.theme.zoom
    walk(f"zoom{zoom:g}-", designs, (True,))
    window.actions_.compact.setChecked(True)
    walk(f"zoom{zoom:g}-compact-", designs, (True,))
    window.actions_.compact.setChecked(False)
    if view.item_panel.cues_visible():
        view.toggle_cues()

    window.toggle_help()
    check.check(f"zoom{zoom:g}-help", window.pages.help_overlay)
    window.toggle_help()
    view.toggle_finish()
    check.check(f"zoom{zoom:g}-finish", view.finish)
    view.toggle_finish()
    window.close_engine()
    # The practice page adds its own keys to the help: at the same zoom it fits too.
    window.show_practice()
    window.set_zoom(zoom)
    window.toggle_help()
    overlay = window.pages.help_overlay
    check.check(f"zoom{zoom:g}-practice-help", overlay)
    scroll = overlay.findChild(QScrollArea, "helpScroll")
    if scroll is None or scroll.verticalScrollBar().isVisible():
        check.problems.append("practice help: the list scrolls")
    if "Publish practice" not in {name for _g, _k, name, _h in overlay.rows}:
        check.problems.append("practice help: the practice keys are not listed")
    window.toggle_help()
    window.set_zoom(1.0)
    window.close()
    store.close()
    return {"screen": shown.tag, "checked": check.checked, "problems": check.problems, "zoom": zoom}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--shots", type=Path, help="save a PNG of each state here")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.data, args.shots, args.theme)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
