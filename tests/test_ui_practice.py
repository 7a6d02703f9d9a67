"""A practice set in the real window, by keyboard alone: reached with Ctrl+Shift+E, started
with Return, rated with the live round's Alt+1..4, revealed only after the rating,
summed up at the end and stored apart from every round.

All three states are saved at 1366x768 in screenshots/; with ``COMPANION_DOC_IMAGES=1``
the reveal is also written to docs/images/practice-reveal.png (the README shows it).
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea
from pytestqt.qtbot import QtBot

from companion.content.model import CUE_LEVELS
from companion.practice import history
from companion.practice.text import LEVEL_NAME
from tests.conftest import REPO
from tests.test_ui_accessibility import unnamed_controls
from tests.ui_helpers import loaded, open_window, screenshot

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
KEYS = {"strong": Qt.Key.Key_1, "mid": Qt.Key.Key_2, "thin": Qt.Key.Key_3,
        "very_thin": Qt.Key.Key_4}
DOCS = REPO / "docs" / "images"


def _shot(window, name: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        QApplication.processEvents()
    path = screenshot(window, name)
    if os.environ.get("COMPANION_DOC_IMAGES") == "1" and name == "practice_reveal":
        shutil.copyfile(path, DOCS / f"{name.replace('_', '-')}.png")


def _two_off(level: str) -> str:
    """A level two steps from ``level``."""
    i = CUE_LEVELS.index(level)
    return CUE_LEVELS[i + 2] if i < 2 else CUE_LEVELS[i - 2]


def test_a_whole_practice_set_by_keyboard(qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    window.settings.interviewer = "Ana Ruiz"
    window.resize(1366, 768)
    with loaded(window, data_dir):
        qtbot.keyClick(window, Qt.Key.Key_E, CTRL_SHIFT)
        page = window.pages.practice_page
        assert window.stack.currentWidget() is page
        assert QApplication.focusWidget() is page.archetype
        assert page.past.text() == "No practice sets yet (Ana Ruiz)."
        page.rng = random.Random(7)
        qtbot.keyClick(page.archetype, Qt.Key.Key_Down)  # the second role: distributed
        assert page.archetype.currentData() == "distributed"
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        session = page.session
        assert session is not None and len(session.items) == 12
        assert {i.level for i in session.items} == set(CUE_LEVELS)
        view = page.item_view
        given: list[str] = []
        saw_failure = False
        for n in range(12):
            item = session.current
            assert item is not None
            assert view.isVisible() and not view.reveal.isVisible()  # nothing told yet
            assert view.progress.text() == f"Sample answer {n + 1} of 12"
            assert view.answer.text() == item.answer
            if item.target is not None:
                if not saw_failure:
                    screenshot(window, "practice_failure_item")
                saw_failure = True
                assert view.probe_row is not None
                assert view.probe_row.probe_id == f"failure.{item.target}"
                assert "(failure probe)" in view.rubric.target.text()
            else:
                assert view.probe_row is None
            if n == 0:
                _shot(window, "practice_item")
                count, problems = unnamed_controls(page)
                assert count >= 6 and problems == []
            level = item.level if n % 3 else _two_off(item.level)
            given.append(level)
            qtbot.keyClick(QApplication.focusWidget(), KEYS[level], ALT)
            assert view.reveal.isVisible()
            assert view.verdict.accessibleName().startswith(
                f"Written to show {view.verdict.text().split(': ')[1].split('<')[0]}")
            assert view.why.text() == f"Why: {item.why}"
            if item.target is not None:
                assert view.anchor.text().startswith("A complete answer to the failure probe")
                screenshot(window, "practice_failure_reveal")
            else:
                assert view.anchor.text().startswith(f"The {LEVEL_NAME[item.level].lower()} "
                                                     "anchor: ")
            # A second key does not change a revealed rating.
            qtbot.keyClick(QApplication.focusWidget(), KEYS[_two_off(level)], ALT)
            assert session.ratings[-1].rating == level and len(session.ratings) == n + 1
            if n == 0:
                _shot(window, "practice_reveal")
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right, ALT)
        assert session.finished
        summary = page.summary_view
        assert page.views.currentWidget() is summary
        assert "12 sample answers rated." in summary.figures.text()
        assert "67% (95%" in summary.figures.text()  # 8 of 12 exact
        assert "Missed by two steps or more (4)" in summary.misses.text()
        assert summary.misses.text().count("<li>") == 4
        _shot(window, "practice_summary")
        count, problems = unnamed_controls(page)
        assert problems == []
        (stored,) = history.sets(window.store)
        assert (stored.interviewer, stored.archetype, stored.tally.n) == ("Ana Ruiz",
                                                                          "distributed", 12)
        assert stored.tally.exact == 8 and stored.finished_at is not None
        assert "1 set, 12 answers rated, exact agreement 67%" in page.past.text()
        assert saw_failure  # this seed draws failure-probe answers too
        # Return on the summary starts another set.
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert page.session is not session and page.views.currentWidget() is view
        # And the rounds list has no trace of practice.
        assert window.store.list_rounds() == []


def test_the_help_lists_the_practice_keys_on_the_practice_page(qtbot: QtBot,
                                                                data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    window.resize(1280, 690)
    with loaded(window, data_dir):
        qtbot.keyClick(window, Qt.Key.Key_F1)
        overlay = window.pages.help_overlay
        on_start = {(group, keys) for group, keys, _n, _h in overlay.rows}
        assert ("Window", "Ctrl+Shift+E") in on_start  # the way to the page, from anywhere
        assert not any(group == "Practice" for group, _k in on_start)
        qtbot.keyClick(overlay, Qt.Key.Key_Escape)

        qtbot.keyClick(window, Qt.Key.Key_E, CTRL_SHIFT)
        qtbot.keyClick(window, Qt.Key.Key_F1)
        listed = {keys: name for group, keys, name, _h in overlay.rows if group == "Practice"}
        assert listed == {"Alt+1": "Rate Strong", "Alt+2": "Rate Mid", "Alt+3": "Rate Thin",
                          "Alt+4": "Rate Very thin", "Alt+Right / Ctrl+Return": "Next answer",
                          "Ctrl+Shift+U": "Publish practice",
                          "Return / Enter": "Start a set, or the next answer"}
        # Every row on screen, without scrolling.
        scroll = overlay.findChild(QScrollArea, "helpScroll")
        assert scroll is not None and not scroll.verticalScrollBar().isVisible()
        keys_on_screen = [w.accessibleName() for w in overlay.findChildren(QLabel, "helpKey")
                          if w.isVisible()]
        assert keys_on_screen == [keys for _g, keys, _n, _h in overlay.rows]
