"""The Loops page: a lead plans and assigns a loop from the keyboard and sees where it stands."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from companion.loop.status import clock
from companion.store.loops import find_loop, save_loop
from tests.scorecards import make_scorecard
from tests.ui_helpers import loaded, open_window


def test_a_lead_plans_and_assigns_a_loop_with_the_keyboard(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        window.actions_.loops.trigger()
        page = window.pages.loops_page
        assert window.stack.currentWidget() is page
        assert QApplication.focusWidget() is page.candidate  # no loops yet: plan one
        page.level.setCurrentIndex(page.level.findData("senior"))
        qtbot.keyClicks(page.candidate, "Ada Obi")
        qtbot.keyClick(page.candidate, Qt.Key.Key_Return)
        loop = find_loop(window.store, "Ada Obi")
        assert loop is not None and len(loop.rounds) == 4 and loop.created_by
        assert "Loop of Ada Obi planned: 4 rounds" in page.message.text()
        assert QApplication.focusWidget() is page.rounds
        assert "measured by one interviewer" in page.coverage.text()

        qtbot.keyClick(page.rounds, Qt.Key.Key_Down)  # round 2, the technical interview
        page.interviewer.setFocus()
        qtbot.keyClicks(page.interviewer, "Priya Raman")
        qtbot.keyClicks(page.when, "2026-12-01 10:00")
        qtbot.keyClick(page.when, Qt.Key.Key_Return)
        loop = find_loop(window.store, loop.id)
        assert loop is not None and loop.rounds[1].interviewer == "Priya Raman"
        assert loop.rounds[1].scheduled_at is not None
        assert page.rounds.topLevelItem(1).text(2) == "Priya Raman"
        assert page.rounds.currentItem() is page.rounds.topLevelItem(2)  # on to the next
        assert "waiting on Priya Raman, technical round" in page.summary.text()

        bad = page.rounds.topLevelItem(2)
        page.rounds.setCurrentItem(bad)
        page.interviewer.setText("Tom Ueda")
        page.when.setText("next tuesday")
        qtbot.keyClick(page.when, Qt.Key.Key_Return)
        assert "Cannot assign round 3" in page.message.text() and "YYYY-MM-DD" in \
            page.message.text()

        # Priya's scorecard comes in (here, imported): the state moves on.
        end = loop.rounds[1].scheduled_end
        assert end is not None
        sc = make_scorecard(window.pack, interviewer="Priya Raman", candidate="Ada Obi",
                            item_ids=loop.rounds[1].items)
        window.store.save_imported(replace(sc, started_at=end - timedelta(hours=1),
                                           ended_at=end, submitted_at=end + timedelta(hours=2)))
        page.refresh()
        assert page.rounds.topLevelItem(1).text(4) == "submitted"
        assert page.loops.topLevelItem(0).text(2).startswith("1 of 4 scorecards")

        # The team store heard Tom Ueda's app say "submitted" (a copy made by the
        # publisher), but his scorecard has not arrived: the page says so, with the time.
        heard = end + timedelta(hours=3)
        rounds = list(loop.rounds)
        rounds[3] = replace(rounds[3], interviewer="Tom Ueda", submitted_at=heard)
        save_loop(window.store, replace(loop, rounds=tuple(rounds)), "team")
        page.refresh()
        row = page.rounds.topLevelItem(3)
        assert row.text(4) == "not yet published"
        assert row.toolTip(4).startswith(f"submitted at {clock(heard)}, not yet published (")
        assert "not yet published: Tom Ueda, behavioural round" in page.summary.text()
        qtbot.keyClick(page.back_button, Qt.Key.Key_Space)
        assert window.stack.currentWidget() is window.start_screen
