"""Independent scoring in the window: colleagues' scorecards of a candidate stay closed
(no export, no debrief, no resume) until your own scorecard of that candidate is in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton

from companion.content.planner import plan_loop
from companion.demo.pair import store_demo
from companion.demo.pair_script import ARCHETYPE, CANDIDATE, LEVEL
from companion.live.engine import RoundEngine
from tests.test_ui_panel import pdf_text
from tests.ui_helpers import loaded, open_window, screenshot

ME = "Riya Patel"


def _start_own_round(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Start a technical round of the demo candidate through the start screen's form."""
    start = window.start_screen
    start.findChild(QLineEdit, "candidateInput").insert(CANDIDATE)
    interviewer = start.findChild(QLineEdit, "interviewerInput")
    interviewer.clear()
    qtbot.keyClicks(interviewer, ME)
    for name, value in (("archetypeCombo", ARCHETYPE), ("levelCombo", LEVEL)):
        combo = start.findChild(QComboBox, name)
        combo.setCurrentIndex(combo.findData(value))
    rounds = start.findChild(QComboBox, "roundCombo")
    rounds.setCurrentIndex(rounds.findText("Technical interview", Qt.MatchFlag.MatchStartsWith))
    qtbot.mouseClick(start.start_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.live_host


def _select_past(window, interviewer: str) -> None:  # type: ignore[no-untyped-def]
    past = window.start_screen.past
    for i in range(past.rounds.rowCount()):
        if past.cell(i, 2) == interviewer:
            past.select_row(i)
            return
    raise AssertionError(f"no past round by {interviewer}")


def test_colleagues_cards_stay_closed_until_mine_is_submitted(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        store_demo(window.store, window.pack)  # Dana's and Marcus's submitted scorecards
        _start_own_round(qtbot, window)
        assert window.settings.interviewer == ME  # the viewer the rule is asked about
        exports = data_dir / "exports"

        # The debrief page lists the candidate but holds the export back, saying why.
        window.actions_.panel.trigger()
        page = window.pages.panel_page
        assert window.stack.currentWidget() is page
        assert window.live_view is None  # my round was saved and left, still unfinished
        assert page.candidate.itemText(0) == f"{CANDIDATE} · 2 scorecards"
        assert page.notice.isVisible()
        reason = page.notice.text()
        assert reason.startswith(f"Submit your own scorecard of {CANDIDATE} first")
        screenshot(window, "panel_blocked")
        qtbot.mouseClick(page.findChild(QPushButton, "panel.export"), Qt.MouseButton.LeftButton)
        assert page.export_status.label.text() == reason
        assert not page.export_status.running and not exports.exists()

        # Nor can a colleague's scorecard be exported from the rounds list.
        qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
        start = window.start_screen
        _select_past(window, "Dana Whitfield")
        qtbot.mouseClick(start.export_button, Qt.MouseButton.LeftButton)
        assert start.export_status.label.text() == reason
        assert not start.export_status.running and not exports.exists()

        # My own round opens as always; I score it and submit.
        assert start.unfinished.topLevelItemCount() == 1
        qtbot.mouseClick(start.resume_button, Qt.MouseButton.LeftButton)
        view: Any = window.live_view
        view.action("action.rate.mid").trigger()
        view.action("action.finish").trigger()
        view.action("action.rec.yes").trigger()
        with qtbot.waitSignal(window.bridge.submitted, timeout=3000):
            view.action("action.submit").trigger()
            view.action("action.submit").trigger()  # the first press asks to confirm
        qtbot.mouseClick(window.pages.finish_page.back_button, Qt.MouseButton.LeftButton)

        # Now the colleague's scorecard exports ...
        _select_past(window, "Dana Whitfield")
        with qtbot.waitSignal(start.export_status.finished, timeout=30000) as one:
            qtbot.mouseClick(start.export_button, Qt.MouseButton.LeftButton)
        text = pdf_text(Path(one.args[0]))
        assert "Dana Whitfield" in text and CANDIDATE in text

        # ... and so does the debrief, with my scorecard beside theirs.
        qtbot.keyClick(window, Qt.Key.Key_D,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert window.stack.currentWidget() is page
        assert page.candidate.itemText(0) == f"{CANDIDATE} · 3 scorecards"
        assert not page.notice.isVisible()
        with qtbot.waitSignal(page.export_status.finished, timeout=30000) as panel:
            qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
        text = pdf_text(Path(panel.args[0]))
        for name in ("Dana Whitfield", "Marcus Lee", ME):
            assert f"{name}: " in text  # each one's recommendation is listed
        assert f"{ME}: Yes" in text


def test_a_colleagues_unfinished_round_does_not_resume_while_mine_is_open(  # type: ignore[no-untyped-def]
        qtbot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        window.settings.interviewer = ME
        technical = plan_loop(window.pack, ARCHETYPE, LEVEL, rounds=["technical"]).rounds[0]
        ids = {}
        for who in (ME, "Tom Okafor"):  # two interviewers sharing this laptop
            engine = RoundEngine.start(window.store, window.pack, technical,
                                       candidate="Ana Ruiz", interviewer=who,
                                       archetype=ARCHETYPE, level=LEVEL)
            ids[who] = engine.round_id
            engine.close()

        window.resume_round(ids["Tom Okafor"])
        assert window.stack.currentWidget() is window.start_screen and window.live_view is None
        assert window.banner.isVisible()
        assert "Submit your own scorecard of Ana Ruiz first" in window.banner.text

        window.resume_round(ids[ME])
        assert window.stack.currentWidget() is window.live_host
        assert window.bridge.engine.round_id == ids[ME]
