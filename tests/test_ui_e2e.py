"""A whole round through the real live view: keys and clicks in, stored scorecard out.

Real store (a SQLite file in the test's data folder), real built-in pack, real
engine on a ManualClock the test advances; every widget is found by its object
name. The window is closed mid-round and reopened from the store.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from companion.record.changes import Rate
from companion.store import Store
from companion.ui.bridge import EngineBridge
from companion.ui.live import LiveView
from tests.ui_live_support import Round, reopen_round, start_round, wired_view

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def find(view: QWidget, cls: type, name: str):  # type: ignore[no-untyped-def]
    widget = view.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name!r}"
    assert widget.objectName() == name
    return widget


def open_view(qtbot: QtBot, rnd: Round) -> LiveView:
    view, _bridge = wired_view(rnd.engine)
    qtbot.addWidget(view)
    view.resize(1280, 860)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.focus_notes("said")
    return view


def tick(rnd: Round, view: LiveView, seconds: float) -> None:
    """What the window's 250 ms timer does, on the test's clock."""
    rnd.clock.advance(seconds)
    view.findChild(EngineBridge).tick()
    # Autosaves are written on a worker thread and reported by a later tick; wait for
    # them here so the test reads a settled state.
    rnd.engine.wait_for_autosaves()
    view.refresh_timers()


NONE = Qt.KeyboardModifier.NoModifier


def key(qtbot: QtBot, view: LiveView, k: Qt.Key, mods: Qt.KeyboardModifier = NONE) -> None:
    """Press a key where the caret is (shortcuts go through Qt's shortcut map)."""
    target = QApplication.focusWidget() or view
    qtbot.keyClick(target, k, mods)


def close_round(view: LiveView, rnd: Round) -> None:
    view.findChild(EngineBridge).detach()
    view.close()
    assert rnd.engine.close()
    rnd.store.close()


# The jump list's popup asks the offscreen platform for things it cannot do.
@pytest.mark.qt_log_ignore("does not support grabbing the keyboard", r"does not support raise\(\)")
@pytest.mark.slow
def test_whole_round_close_reopen_finish(qtbot: QtBot, data_dir: Path) -> None:
    rnd = start_round(data_dir)
    eng = rnd.engine
    view = open_view(qtbot, rnd)
    said = find(view, QPlainTextEdit, "notes.said")
    read = find(view, QPlainTextEdit, "notes.read")
    opener, second, third, scenario = (it.id for it in eng.items)
    assert find(view, QLabel, "nav.progress").text() == "1 / 4"
    assert find(view, QLabel, "item.prompt").text() == eng.current.prompt

    # Start the clock; the opener section starts its three-minute listening timer.
    qtbot.mouseClick(find(view, QPushButton, "timer.toggle"), Qt.MouseButton.LeftButton)
    assert eng.timers().running
    assert said.hasFocus(), "a tap never takes the caret out of the notes"
    tick(rnd, view, 60)
    assert find(view, QLabel, "timer.listen").text() == "02:00"
    assert find(view, QLabel, "timer.round").text() == "01:00"

    # Typing, digits included, never fires a shortcut.
    qtbot.keyClicks(said, "Go service on Postgres 1234, pool ran out at 4k rps")
    assert said.toPlainText() == "Go service on Postgres 1234, pool ran out at 4k rps"
    assert eng.record(opener).rating is None
    status = find(view, QLabel, "notes.status")
    assert status.text() == "Saving…"
    tick(rnd, view, 1.0)
    assert status.text().startswith("Saved ")

    # Rate with Alt+2, then re-rate with a tap on the rubric button.
    key(qtbot, view, Qt.Key.Key_2, ALT)
    assert eng.record(opener).rating == "mid"
    assert find(view, QPushButton, "rubric.mid").isChecked()
    assert said.hasFocus()
    qtbot.mouseClick(find(view, QPushButton, "rubric.strong"), Qt.MouseButton.LeftButton)
    assert eng.record(opener).rating == "strong"
    assert find(view, QPushButton, "rubric.strong").isChecked()
    assert not find(view, QPushButton, "rubric.mid").isChecked()
    assert said.hasFocus()
    assert find(view, QLabel, "rubric.cue").text().startswith("Current: Strong")

    # A follow-up probe ticked with Ctrl+2.
    key(qtbot, view, Qt.Key.Key_2, CTRL)
    first_probe = eng.current.probes[1].id
    assert find(view, QCheckBox, f"probe.{first_probe}.asked").isChecked()

    # Red flag: select words in the notes, F5 marks "probed once" with them as evidence;
    # a second F5 confirms it.
    cursor = said.textCursor()
    start = said.toPlainText().index("pool")
    cursor.setPosition(start)
    cursor.setPosition(start + len("pool ran out"), cursor.MoveMode.KeepAnchor)
    said.setTextCursor(cursor)
    key(qtbot, view, Qt.Key.Key_F5)
    flag_id = rnd.pack.red_flags[0].id
    flag_state = find(view, QLabel, f"flag.{flag_id}.state")
    assert flag_state.text().startswith("Probed once")
    assert find(view, QLineEdit, f"flag.{flag_id}.evidence").text() == "pool ran out"
    tick(rnd, view, 30)
    key(qtbot, view, Qt.Key.Key_F5)
    assert flag_state.text().startswith("Confirmed")
    assert "(probed" in flag_state.toolTip()  # the first step, in the tool tip
    assert find(view, QPushButton, f"flag.{flag_id}").property("flagstate") == "confirmed"
    assert said.hasFocus()

    # Next item; its notes start empty; "My read" by shortcut.
    key(qtbot, view, Qt.Key.Key_Right, ALT)
    assert eng.index == 1
    assert find(view, QLabel, "nav.progress").text() == "2 / 4"
    assert said.toPlainText() == ""
    key(qtbot, view, Qt.Key.Key_R, CTRL | SHIFT)
    assert read.hasFocus()
    qtbot.keyClicks(read, "Knows cursors beat offsets")
    key(qtbot, view, Qt.Key.Key_3, ALT)
    assert eng.record(second).rating == "thin"
    assert read.hasFocus()

    # Section countdown: the opener (15 min) warns at 2 minutes left, then runs over.
    section = find(view, QLabel, "timer.section")
    box = find(view, QFrame, "timer.section.box")
    tick(rnd, view, 15 * 60 - 91.0 - 125)  # 125 s left in the opener
    assert box.property("timerstate") == "ok"
    tick(rnd, view, 10)
    assert box.property("timerstate") == "warning"
    assert section.text() == "01:55 left"
    tick(rnd, view, 115 + 83)
    assert box.property("timerstate") == "over"
    assert section.text() == "+01:23 over"
    key(qtbot, view, Qt.Key.Key_F4)  # next section
    assert eng.timers().section_index == 1
    assert box.property("timerstate") == "ok"

    # Jump list: pick the scenario (the jump list shows each item's state).
    combo = find(view, QComboBox, "nav.jump")
    assert "Strong" in combo.itemText(0) and "1 flag" in combo.itemText(0)
    assert "Thin" in combo.itemText(1)
    combo.showPopup()
    popup = combo.view()
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton,
                     pos=popup.visualRect(popup.model().index(3, 0)).center())
    qtbot.waitUntil(lambda: eng.index == 3)
    assert find(view, QLabel, "nav.progress").text() == "4 / 4"
    # The caret goes back to the notes field last typed in ("My read"). Offscreen, a closed
    # popup leaves no active window, so ask the window for its focus widget, then re-activate.
    qtbot.waitUntil(lambda: view.focusWidget() is read)
    view.activateWindow()
    qtbot.waitUntil(read.hasFocus)

    # The three failure probes, each rated its own way: keys, a chip tap, keys.
    view.focus_notes("said")
    for target in ("database", "queue", "downstream"):
        assert find(view, QFrame, f"probe.failure.{target}") is not None
    key(qtbot, view, Qt.Key.Key_1, CTRL)
    assert "Database" in find(view, QLabel, "rubric.target").text()
    key(qtbot, view, Qt.Key.Key_1, ALT)
    qtbot.mouseClick(find(view, QPushButton, "probe.failure.queue.mid"),
                     Qt.MouseButton.LeftButton)
    key(qtbot, view, Qt.Key.Key_3, CTRL)
    key(qtbot, view, Qt.Key.Key_4, ALT)
    answers = {a.probe_id: (a.asked, a.rating) for a in eng.record(scenario).probes}
    assert answers["failure.database"] == (True, "strong")
    assert answers["failure.queue"] == (True, "mid")
    assert answers["failure.downstream"] == (True, "very_thin")
    assert eng.record(scenario).rating is None, "probe ratings never rate the scenario"
    assert find(view, QPushButton, "probe.failure.database.strong").isChecked()
    assert find(view, QLabel, "rubric.target").text() == "Rating: this item"
    key(qtbot, view, Qt.Key.Key_2, ALT)
    assert eng.record(scenario).rating == "mid"

    # The sketch timer on the design scenario.
    key(qtbot, view, Qt.Key.Key_F3)
    tick(rnd, view, 90)
    assert find(view, QLabel, "timer.sketch").text() == "01:30"
    qtbot.keyClicks(said, "Reads p99 first")
    tick(rnd, view, 1)
    # On to the last section: its countdown shows, and there is no section after it.
    next_section = find(view, QPushButton, "timer.next_section")
    key(qtbot, view, Qt.Key.Key_F4)
    assert eng.timers().section_index == 2
    assert not next_section.isEnabled()
    assert find(view, QLabel, "timer.section.caption").text().startswith("3/3")
    elapsed = eng.timers().round_elapsed_s
    round_text = find(view, QLabel, "timer.round").text()

    # Close the window mid-round, then reopen from the store.
    round_id = eng.round_id
    close_round(view, rnd)
    rnd2 = reopen_round(data_dir, round_id, rnd.clock)
    view2 = open_view(qtbot, rnd2)
    eng2 = rnd2.engine
    assert eng2.index == 3
    assert find(view2, QLabel, "nav.progress").text() == "4 / 4"
    assert find(view2, QPlainTextEdit, "notes.said").toPlainText() == "Reads p99 first"
    assert find(view2, QPushButton, "rubric.mid").isChecked()
    assert find(view2, QPushButton, "probe.failure.database.strong").isChecked()
    assert find(view2, QPushButton, "probe.failure.queue.mid").isChecked()
    assert find(view2, QPushButton, "probe.failure.downstream.very_thin").isChecked()
    assert find(view2, QLabel, f"flag.{flag_id}.state").text().startswith("Confirmed")
    assert find(view2, QLineEdit, f"flag.{flag_id}.evidence").text() == "pool ran out"
    combo2 = find(view2, QComboBox, "nav.jump")
    assert "Strong" in combo2.itemText(0) and "Thin" in combo2.itemText(1)
    assert find(view2, QLabel, "timer.round").text() == round_text
    assert eng2.timers().round_elapsed_s == pytest.approx(elapsed, abs=0.01)
    assert find(view2, QLabel, "timer.sketch").text() == "01:29"
    assert not eng2.timers().running, "a reopened round waits for the interviewer"
    assert "Resume" in find(view2, QPushButton, "timer.toggle").text()
    key(qtbot, view2, Qt.Key.Key_P, CTRL | SHIFT)
    assert eng2.timers().running
    tick(rnd2, view2, 30)
    assert find(view2, QLabel, "timer.sketch").text() == "00:59"
    key(qtbot, view2, Qt.Key.Key_Left, ALT)
    key(qtbot, view2, Qt.Key.Key_Left, ALT)
    assert find(view2, QLabel, "nav.progress").text() == "2 / 4"
    assert find(view2, QPlainTextEdit, "notes.read").toPlainText() == (
        "Knows cursors beat offsets")

    # Finish: a submit without a recommendation is refused at once, saying why.
    key(qtbot, view2, Qt.Key.Key_F, CTRL | SHIFT)
    finish_summary = find(view2, QPlainTextEdit, "finish.summary")
    assert finish_summary.hasFocus()
    key(qtbot, view2, Qt.Key.Key_Return, CTRL)
    assert not find(view2, QFrame, "finish.confirm_box").isVisible()
    message = find(view2, QLabel, "finish.rec.message")
    assert message.isVisible() and "recommendation" in message.text()
    assert not eng2.submitted
    key(qtbot, view2, Qt.Key.Key_3, ALT)  # on the finish page Alt+3 means "Yes"
    assert eng2.recommendation == "yes"
    assert find(view2, QPushButton, "finish.rec.yes").isChecked()
    assert eng2.record(second).rating == "thin", "rubric keys are off on the finish page"
    qtbot.keyClicks(finish_summary, "Solid on diagnosis, thin on pagination.")
    qtbot.mouseClick(find(view2, QPushButton, "finish.submit"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find(view2, QPushButton, "finish.confirm"), Qt.MouseButton.LeftButton)
    assert eng2.submitted
    status = find(view2, QLabel, "finish.status")
    assert status.text().startswith("Submitted")
    assert not find(view2, QPushButton, "finish.submit").isEnabled()

    # After submission a change is an amendment, listed on the finish page.
    key(qtbot, view2, Qt.Key.Key_F, CTRL | SHIFT)
    locked = find(view2, QLabel, "live.locked")
    assert locked.isVisible() and "amendments" in locked.text()
    key(qtbot, view2, Qt.Key.Key_1, ALT)
    assert eng2.record(second).rating == "strong"
    key(qtbot, view2, Qt.Key.Key_F, CTRL | SHIFT)
    amendments = find(view2, QLabel, "finish.amendments")
    assert f"Rating of {eng2.pack.item(second).title}: Thin -> Strong" in amendments.text()
    submitted_at = eng2.submitted_at
    close_round(view2, rnd2)

    # What the store holds, read back through a fresh connection.
    store = Store.open(data_dir)
    try:
        sc = store.load_scorecard(round_id)
    finally:
        store.close()
    assert sc.submitted_at == submitted_at
    assert sc.recommendation == "yes"
    assert sc.summary == "Solid on diagnosis, thin on pagination."
    assert sc.item(opener).rating == "strong"
    assert sc.item(opener).said == "Go service on Postgres 1234, pool ran out at 4k rps"
    # The change after submission reads back as the current value, with the original kept
    # in an amendment (checked below).
    assert sc.item(second).rating == "strong"
    assert sc.item(second).read == "Knows cursors beat offsets"
    assert sc.item(third).rating is None
    assert sc.item(scenario).rating == "mid"
    assert sc.item(scenario).said == "Reads p99 first"
    probes = {p.probe_id: (p.asked, p.rating) for p in sc.item(scenario).probes}
    assert probes["failure.database"] == (True, "strong")
    assert probes["failure.queue"] == (True, "mid")
    assert probes["failure.downstream"] == (True, "very_thin")
    assert {p.probe_id for p in sc.item(opener).probes if p.asked} == {first_probe}
    flag = next(f for f in sc.flags if f.flag_id == flag_id)
    assert flag.state == "confirmed"
    assert flag.evidence == "pool ran out"
    assert [e.state for e in flag.events] == ["probed", "confirmed"]
    assert flag.item_id == opener
    assert any(isinstance(a.change, Rate) and isinstance(a.undo, Rate)
               and a.change.item_id == second and (a.undo.rating, a.change.rating)
               == ("thin", "strong") for a in sc.amendments)
    assert sc.sections[0].elapsed_s == pytest.approx(15 * 60 + 83, abs=0.01)
