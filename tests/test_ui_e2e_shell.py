"""The live view inside the real main window: leave a round, resume it from the start
screen, find it as it was, then finish and submit.

The window's own parts do the wiring (bridge tick, close_engine, the start screen's
resume list, the submitted page); the round itself runs on a ManualClock.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
)
from pytestqt.qtbot import QtBot

from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store
from tests.ui_helpers import loaded, open_window
from tests.ui_live_support import START, planned_round

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def press(qtbot: QtBot, key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
          ) -> None:
    target = QApplication.focusWidget()
    assert target is not None, "the window should have a focused widget"
    qtbot.keyClick(target, key, mods)


def test_leave_resume_and_submit_through_the_window(qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    window.resize(1400, 900)
    with loaded(window, data_dir):
        clock = ManualClock(START)
        engine = RoundEngine.start(window.store, window.pack, planned_round(window.pack),
                                   candidate="Dana Whitfield", interviewer="Sam Okafor",
                                   archetype="api", level="senior", clock=clock)
        round_id = engine.round_id
        window.open_engine(engine)
        view = window.live_view
        assert view is not None and view.objectName() == "live.view"
        said = view.findChild(QPlainTextEdit, "notes.said")
        assert said.hasFocus(), "the window puts the caret in the notes on open"

        press(qtbot, Qt.Key.Key_P, CTRL | SHIFT)  # start the clock
        qtbot.keyClicks(said, "Ran payments on Postgres")
        press(qtbot, Qt.Key.Key_2, ALT)
        press(qtbot, Qt.Key.Key_F8)
        press(qtbot, Qt.Key.Key_Right, ALT)
        qtbot.keyClicks(said, "Cursor pagination, opaque tokens")
        press(qtbot, Qt.Key.Key_1, ALT)
        clock.advance(240)
        engine.tick()
        flag_id = window.pack.red_flags[3].id

        # Back to the rounds list: the window writes what is pending and drops the view.
        window.actions_.back_to_start.trigger()
        assert window.live_view is None
        unfinished = window.start_screen.findChild(QTreeWidget, "unfinishedRounds")
        assert unfinished.topLevelItemCount() == 1
        unfinished.setCurrentItem(unfinished.topLevelItem(0))
        qtbot.mouseClick(window.start_screen.findChild(QPushButton, "resumeButton"),
                         Qt.MouseButton.LeftButton)
        view = window.live_view
        assert view is not None and window.stack.currentWidget() is window.live_host
        engine = window.bridge.engine
        assert engine.round_id == round_id

        # Everything as it was: item, ratings, flag, notes, clock.
        assert view.findChild(QLabel, "nav.progress").text() == "2 / 4"
        assert view.findChild(QPushButton, "rubric.strong").isChecked()
        said = view.findChild(QPlainTextEdit, "notes.said")
        assert said.toPlainText() == "Cursor pagination, opaque tokens"
        assert view.findChild(QLabel, f"flag.{flag_id}.state").text().startswith("Probed once")
        assert view.findChild(QLabel, "timer.round").text() == "04:00"
        assert "Resume" in view.findChild(QPushButton, "timer.toggle").text()
        press(qtbot, Qt.Key.Key_Left, ALT)
        assert said.toPlainText() == "Ran payments on Postgres"
        assert view.findChild(QPushButton, "rubric.mid").isChecked()

        # Evidence for the flag, then finish and submit from the keyboard.
        evidence = view.findChild(QLineEdit, f"flag.{flag_id}.evidence")
        qtbot.mouseClick(evidence, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(evidence, "talked over the follow-up twice")
        qtbot.keyClick(evidence, Qt.Key.Key_Return)
        assert said.hasFocus()
        press(qtbot, Qt.Key.Key_F, CTRL | SHIFT)
        press(qtbot, Qt.Key.Key_4, ALT)
        qtbot.keyClicks(QApplication.focusWidget(), "Clear owner of a real system.")
        press(qtbot, Qt.Key.Key_Return, CTRL)
        press(qtbot, Qt.Key.Key_Return, CTRL)
        assert engine.submitted
        assert window.stack.currentWidget() is window.pages.finish_page
        window.actions_.back_to_start.trigger()

    store = Store.open(data_dir)
    try:
        sc = store.load_scorecard(round_id)
    finally:
        store.close()
    assert sc.submitted and sc.recommendation == "strong_yes"
    assert sc.summary == "Clear owner of a real system."
    first, second = sc.items[0], sc.items[1]
    assert (first.rating, first.said) == ("mid", "Ran payments on Postgres")
    assert (second.rating, second.said) == ("strong", "Cursor pagination, opaque tokens")
    flag = next(f for f in sc.flags if f.flag_id == flag_id)
    assert (flag.state, flag.evidence) == ("probed", "talked over the follow-up twice")
