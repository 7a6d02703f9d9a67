"""The panel page records the panel's decision, and the debrief it exports prints it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton

from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.demo.pair import store_demo
from companion.demo.pair_script import CANDIDATE
from companion.loop.model import assign, loop_from_plan
from companion.store import Store
from companion.store.decisions import decision_for
from companion.store.loops import find_loop, save_loop
from tests.test_ui_panel import pdf_text
from tests.ui_helpers import loaded, open_window, screenshot


def test_the_lead_records_a_decision_and_the_debrief_prints_it(  # type: ignore[no-untyped-def]
        qtbot, data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store_demo(store, builtin_pack())
        # The candidate's loop: recording the decision closes it.
        plan = plan_loop(builtin_pack(), "distributed", "senior")
        save_loop(store, assign(loop_from_plan(plan, CANDIDATE, "Jo Park"), 3,
                                "Dana Whitfield"))
    window = open_window(qtbot, data_dir)
    window.settings.interviewer = "Jo Park"  # the panel lead's name, as the start screen keeps
    with loaded(window, data_dir):
        window.actions_.panel.trigger()
        page = window.pages.panel_page
        box = page.decision
        current = box.findChild(QLabel, "panel.decisionCurrent")
        assert box.isEnabled() and current.text() == "No decision recorded yet."
        outcome = box.findChild(QComboBox, "panel.decisionOutcome")
        level = box.findChild(QComboBox, "panel.decisionLevel")
        assert outcome.accessibleName() == "Outcome" and level.accessibleName() == "Level offered"
        outcome.setCurrentIndex(outcome.findData("no_hire"))
        assert not level.isEnabled()  # a level goes with a hire only
        outcome.setCurrentIndex(outcome.findData("hire"))
        assert level.isEnabled()
        level.setCurrentIndex(level.findData("staff"))
        qtbot.keyClicks(box.findChild(QLineEdit, "panel.decisionNote"), "top of band")
        with qtbot.waitSignal(box.recorded):
            qtbot.mouseClick(box.findChild(QPushButton, "panel.decisionRecord"),
                             Qt.MouseButton.LeftButton)
        assert current.text().startswith("On record: Hire at Staff, decided by Jo Park on ")
        assert current.text().endswith(" · top of band")
        stored = decision_for(window.store, CANDIDATE)
        assert stored is not None and (stored.outcome, stored.level) == ("hire", "staff")
        loop = find_loop(window.store, CANDIDATE)
        assert loop is not None and loop.closed
        screenshot(window, "panel_decision")

        with qtbot.waitSignal(page.export_status.finished, timeout=30000) as done:
            page.export_button.click()
        text = pdf_text(Path(done.args[0]))
        assert "Panel decision Hire at Staff · decided by Jo Park" in text
        assert "top of band" in text
        # Page 1 carries the loop: Dana's scenario round is in, the panel decided.
        assert "Loop 1 of 4 scorecards; decided" in text
        assert "Measured against the plan" in text


def test_the_choices_start_from_the_decision_on_record(  # type: ignore[no-untyped-def]
        qtbot, data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store_demo(store, builtin_pack())
    window = open_window(qtbot, data_dir)
    window.settings.interviewer = "Jo Park"
    with loaded(window, data_dir):
        window.actions_.panel.trigger()
        box = window.pages.panel_page.decision
        outcome = box.findChild(QComboBox, "panel.decisionOutcome")
        level = box.findChild(QComboBox, "panel.decisionLevel")
        outcome.setCurrentIndex(outcome.findData("hire"))
        level.setCurrentIndex(level.findData("senior"))
        with qtbot.waitSignal(box.recorded):
            box.findChild(QPushButton, "panel.decisionRecord").click()
        # Someone moves the boxes, then the candidate is shown again: the boxes say what
        # is on record, so the level is not overwritten by accident.
        level.setCurrentIndex(level.findData("mid"))
        outcome.setCurrentIndex(outcome.findData("no_hire"))
        box.show_candidate(CANDIDATE)
        assert box.findChild(QLabel, "panel.decisionCurrent").text().startswith(
            "On record: Hire at Senior")
        assert (outcome.currentData(), level.currentData()) == ("hire", "senior")
