"""Drive the real window on one screen size and report what is off screen or cut.

Run as ``python -m tests.window_driver --data DIR [--shots DIR --theme dark]`` in a
process whose Qt platform has the screen to test (the offscreen platform with a
``configfile`` naming the screen, and ``QT_SCALE_FACTOR`` for scaling): the
screen size and the scale are fixed when the QApplication starts, so each size
needs its own process. It opens the window at its default size on that screen,
starts a round of every built-in question and scenario, and checks, on each item
with the cues folded and open, in compact mode, on the finish page, in the help
overlay and on the start screen, that

* every control of the page (buttons, check boxes, fields, the timers, the probe
  rows, the flags, both notes fields) lies wholly inside the visible window,
  without scrolling (``QWidget.visibleRegion`` is its rectangle);
* nothing is cut: a button, check box or one-line label is at least as wide as
  its text needs, a wrapped label as tall, a list shows no sideways scroll bar;
* the window itself lies inside the screen's available area.

It prints one JSON object: ``{"checked": {state: n}, "problems": [...], "screen": ...}``.
With ``--shots`` it also saves a PNG of each state (for a person to look at).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QScrollBar,
    QWidget,
)

CONTROLS = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox)


def settle() -> None:
    for _ in range(4):  # wrapped labels settle their heights over a few passes
        QApplication.processEvents()


def _part_of_another(widget: QWidget) -> bool:
    """A widget's own internals (a field's clear button, a scroll bar): checked with it."""
    if isinstance(widget, QScrollBar) or widget.objectName().startswith("qt_"):
        return True
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QLineEdit, QComboBox, QAbstractScrollArea)) and not isinstance(
                parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def cut(widget: QWidget) -> str:
    """Why ``widget`` shows less than its content needs, or ""."""
    size, hint = widget.size(), widget.sizeHint()
    if isinstance(widget, QLabel):
        if not widget.text():
            return ""
        if widget.wordWrap():
            need = widget.heightForWidth(widget.width())
            return f"wrapped text needs {need}px, has {size.height()}" if need > size.height() \
                else ""
        if size.width() < hint.width():
            return f"text needs {hint.width()}px, has {size.width()}"
        return ""
    if isinstance(widget, (QAbstractButton, QComboBox)):
        if size.width() < hint.width() or size.height() < hint.height() - 2:
            return f"needs {hint.width()}x{hint.height()}, has {size.width()}x{size.height()}"
        return ""
    if isinstance(widget, QPlainTextEdit):
        lines = 2 * widget.fontMetrics().lineSpacing()
        return f"{size.height()}px tall: fewer than two lines" if size.height() < lines else ""
    if isinstance(widget, QAbstractScrollArea) and not isinstance(widget, QScrollArea):
        bar = widget.horizontalScrollBar()
        return "scrolls sideways" if bar is not None and bar.isVisible() else ""
    return ""


def off_screen(widget: QWidget) -> str:
    """Why ``widget`` is not wholly visible in its window, or ""."""
    if not widget.isVisible():
        return "hidden"
    shown = widget.visibleRegion().boundingRect()
    if shown != widget.rect():
        return f"only {shown.width()}x{shown.height()} of {widget.width()}x{widget.height()} shown"
    return ""


class Checker:
    def __init__(self, window: QWidget, shots: Path | None, tag: str) -> None:
        self.window = window
        self.shots = shots
        self.tag = tag
        self.checked: dict[str, int] = {}
        self.problems: list[str] = []

    def window_fits(self, state: str) -> None:
        screen = self.window.screen()
        area = screen.availableGeometry()
        frame = self.window.frameGeometry()
        if not area.contains(frame):
            self.problems.append(f"{state}: window {_rect(frame)} outside screen {_rect(area)} "
                                 f"(minimum {self.window.minimumHeight()} px high)")

    def page(self, state: str, page: QWidget, must_see: tuple[QWidget, ...] = ()) -> None:
        """Check every visible control and label of ``page``."""
        settle()
        self.window_fits(state)
        n = 0
        for widget in (page, *page.findChildren(QWidget)):
            if not widget.isVisible() or _part_of_another(widget):
                continue
            name = widget.objectName() or type(widget).__name__
            why = cut(widget)
            if why:
                self.problems.append(f"{state}: {name} cut: {why}")
            control = isinstance(widget, CONTROLS) or widget in must_see or (
                isinstance(widget, QFrame) and widget.objectName().startswith(
                    ("probe.", "timer.", "flags.")))
            if control:
                n += 1
                why = off_screen(widget)
                if why:
                    self.problems.append(f"{state}: {name} not on screen: {why}")
        self.checked[state] = n
        self.shot(state)

    def no_scroll(self, state: str, area: QScrollArea) -> None:
        """A page that must fit without scrolling at this size."""
        for bar in (area.horizontalScrollBar(), area.verticalScrollBar()):
            if bar.isVisible():
                self.problems.append(f"{state}: {area.objectName()} scrolls")

    def whole_titles(self, state: str, buttons: dict[str, QAbstractButton],
                     titles: dict[str, str]) -> None:
        """Each red-flag button shows its key and whole title (wrapped, never shortened)."""
        for i, (flag_id, button) in enumerate(buttons.items()):
            shown = " ".join(button.text().split())
            if shown != f"F{5 + i} {titles[flag_id]}":
                self.problems.append(f"{state}: flag {flag_id} reads {shown!r}")

    def shot(self, state: str) -> None:
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.window.grab().save(str(self.shots / f"{self.tag}-{state}.png"))


def _rect(r: QRect) -> str:
    return f"{r.x()},{r.y()} {r.width()}x{r.height()}"


def run(data: Path, shots: Path | None, theme: str) -> dict[str, object]:
    from companion.ui.app import build_window
    from companion.ui.compact import COMPACT_WIDTH
    from tests.driver_setup import open_every_item, show_window

    shown = show_window(data, theme, settle)
    window, store, pack, app = shown.window, shown.store, shown.pack, shown.app
    check = Checker(window, shots, shown.tag)
    check.page("start", window.start_screen)
    check.no_scroll("start", window.start_screen.page_scroll)

    engine = open_every_item(shown, candidate="王芳 (Wang Fang) 🙂",
                             interviewer="Сергей Παπαδόπουλος", archetype="distributed",
                             level="senior")
    view = window.live_view
    assert view is not None
    engine.start_listen_timer()
    flags = [f.id for f in pack.red_flags]
    titles = {f.id: f.title for f in pack.red_flags}
    engine.cycle_flag(flags[0], "named four tools and no service")
    engine.cycle_flag(flags[1], "I was responsible for the payments service")
    engine.cycle_flag(flags[1])
    round_page = view.stack.currentWidget()
    for index, item in enumerate(engine.items):
        engine.jump(index)
        engine.rate("mid")
        for cues in (False, True):
            if view.item_panel.cues_visible() != cues:
                view.toggle_cues()
            state = f"{item.id}-cues-{'open' if cues else 'closed'}"
            check.page(state, round_page)
            check.whole_titles(state, dict(view.flags.buttons), titles)
    if view.item_panel.cues_visible():
        view.toggle_cues()

    window.toggle_help()
    overlay = window.pages.help_overlay
    settle()
    check.window_fits("help")
    scroll = overlay.findChild(QScrollArea, "helpScroll")
    assert scroll is not None
    for bar in (scroll.verticalScrollBar(), scroll.horizontalScrollBar()):
        if bar.isVisible():
            check.problems.append("help: the list scrolls")
    n = 0
    for label in overlay.findChildren(QLabel):
        if label.isVisible():
            n += 1
            why = cut(label) or off_screen(label)
            if why:
                check.problems.append(f"help: {label.text()!r} {why}")
    check.checked["help"] = n
    check.shot("help")
    window.toggle_help()

    window.actions_.compact.setChecked(True)
    for index in (0, len(engine.items) - 1):
        engine.jump(index)
        for cues in (False, True):
            if view.item_panel.cues_visible() != cues:
                view.toggle_cues()
            state = f"compact-{engine.items[index].id}-cues-{'open' if cues else 'closed'}"
            check.page(state, round_page)
            if window.width() > COMPACT_WIDTH:
                check.problems.append(f"{state}: compact window {window.width()} px wide")
            check.whole_titles(state, dict(view.flags.buttons), titles)
    window.actions_.compact.setChecked(False)
    if view.item_panel.cues_visible():
        view.toggle_cues()

    view.toggle_finish()
    check.page("finish", view.finish)
    view.toggle_finish()

    # Compact mode chosen and remembered across a restart: the start screen keeps the
    # full-size window all the same.
    window.actions_.compact.setChecked(True)
    window.show_start()
    full = window.size()
    window.close()
    again = build_window(data, app)
    again.show()
    again.set_sources(store, pack, data)
    settle()
    if not again.actions_.compact.isChecked():
        check.problems.append("compact mode was not remembered")
    if again.size() != full:
        check.problems.append(f"start screen {again.width()}x{again.height()} after a "
                              f"restart in compact mode, not {full.width()}x{full.height()}")
    check.window = again
    check.page("start-compact-remembered", again.start_screen)
    check.no_scroll("start-compact-remembered", again.start_screen.page_scroll)
    again.close()
    store.close()
    return {"screen": shown.tag, "checked": check.checked, "problems": check.problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="an empty data folder")
    parser.add_argument("--shots", type=Path, help="save a PNG of each state here")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.data, args.shots, args.theme)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
