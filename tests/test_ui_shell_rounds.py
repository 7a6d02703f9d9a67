"""The shell with the real store, planner, engine and live view: start, leave, resume, finish."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QTreeWidget

from companion.store import Store
from tests.ui_helpers import loaded, open_window


def _fill_form(qtbot, window, candidate: str = "Ada Lovelace") -> None:  # type: ignore[no-untyped-def]
    start = window.start_screen
    # QTest types ASCII only; insert() puts other names in as if typed at the caret.
    start.findChild(QLineEdit, "candidateInput").insert(candidate)
    qtbot.keyClicks(start.findChild(QLineEdit, "interviewerInput"), "Grace Hopper")
    arch = start.findChild(QComboBox, "archetypeCombo")
    arch.setCurrentIndex(arch.findData("distributed"))
    level = start.findChild(QComboBox, "levelCombo")
    level.setCurrentIndex(level.findData("senior"))
    rounds = start.findChild(QComboBox, "roundCombo")
    rounds.setCurrentIndex(rounds.findText("Technical interview", Qt.MatchFlag.MatchStartsWith))


def _run_and_submit(qtbot, window, candidate: str, recommendation: str) -> None:  # type: ignore[no-untyped-def]
    """Start a round from the form, rate the first item, pick a side and submit it."""
    _fill_form(qtbot, window, candidate=candidate)
    qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
    view = window.live_view
    view.action("action.rate.mid").trigger()
    view.action("action.finish").trigger()
    view.action(f"action.rec.{recommendation}").trigger()
    with qtbot.waitSignal(window.bridge.submitted, timeout=3000):
        view.action("action.submit").trigger()
        view.action("action.submit").trigger()  # the first press asks to confirm


def test_start_screen_shows_plan_warnings_before_the_round(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        start = window.start_screen
        assert not start.warnings.isVisible()
        base = start.findChild(QLineEdit, "baseInput")
        qtbot.keyClicks(base, "120000")
        qtbot.keyClick(base, Qt.Key.Key_Return)
        assert start.warnings.isVisible()
        assert "$120,000" in start.warnings_text.text()
        titles = [start.round.itemText(i) for i in range(start.round.count())]
        assert any(t.startswith("System design scenario") for t in titles)
        # The take-home is in the loop plan, but done off the clock: never offered live.
        take_home = window.pack.template("take-home-review").title
        assert any(r.offline and r.template.title == take_home for r in start._plan.rounds)
        assert not any(t.startswith(take_home) for t in titles)


def test_start_creates_a_round_then_resume_it(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        start = window.start_screen
        qtbot.mouseClick(start.findChild(QPushButton, "startRoundButton"),
                         Qt.MouseButton.LeftButton)
        assert start.form_error.isVisible() and "candidate" in start.form_error.text()

        _fill_form(qtbot, window)
        qtbot.mouseClick(start.findChild(QPushButton, "startRoundButton"),
                         Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.live_host
        view = window.live_view
        assert view is not None and view.objectName() == "live.view"
        assert window.bridge.timer.isActive()
        round_id = window.bridge.engine.round_id

        # The tick drives the engine: a rating reaches the database within a tick or two.
        with qtbot.waitSignal(window.bridge.ticked, timeout=2000):
            pass
        view.action("action.rate.strong").trigger()
        qtbot.waitUntil(lambda: window.bridge.engine.record().rating == "strong")

        # Help lists the live view's shortcuts too.
        window.actions_.help.trigger()
        listed = {name for _g, _k, name, _h in window.pages.help_overlay.rows}
        for action in view.actions():
            if not action.shortcut().isEmpty():
                assert action.text() in listed
        window.pages.help_overlay.close_overlay()

        window.actions_.back_to_start.trigger()
        assert window.stack.currentWidget() is start
        assert window.live_view is None and not window.bridge.timer.isActive()
        unfinished = start.findChild(QTreeWidget, "unfinishedRounds")
        assert unfinished.topLevelItemCount() == 1
        assert unfinished.topLevelItem(0).text(0) == "Ada Lovelace"

        # The interviewer's name is kept for the next round; the candidate's is not.
        assert start.interviewer.text() == "Grace Hopper" and start.candidate.text() == ""

        qtbot.mouseClick(start.findChild(QPushButton, "resumeButton"), Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.live_host
        assert window.bridge.engine.round_id == round_id
        assert window.bridge.engine.record().rating == "strong"

    store = Store.open(data_dir)
    try:
        (summary,) = store.list_rounds()
        assert summary.candidate == "Ada Lovelace" and summary.round_title.startswith("Technical")
        sc = store.load_scorecard(round_id)
        assert sc.items[0].rating == "strong"
    finally:
        store.close()


def test_submit_shows_finish_page_and_exports_pdf_off_the_gui_thread(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _run_and_submit(qtbot, window, "Zoë Ngata", "yes")
        page = window.pages.finish_page
        assert window.stack.currentWidget() is page
        assert "Zoë Ngata" in page.details.text() and "Yes" in page.details.text()

        with qtbot.waitSignal(page.export_status.finished, timeout=30000) as blocker:
            qtbot.mouseClick(page.findChild(QPushButton, "submittedExportButton"),
                             Qt.MouseButton.LeftButton)
            assert page.export_status.bar.isVisible()  # busy while the worker renders
        pdf = Path(blocker.args[0])
        assert pdf.parent == data_dir / "exports" and pdf.suffix == ".pdf"
        text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert "Zoë Ngata" in text
        assert page.export_status.open_folder.isVisible()

        qtbot.mouseClick(page.findChild(QPushButton, "submittedBackButton"),
                         Qt.MouseButton.LeftButton)
        start = window.start_screen
        assert window.stack.currentWidget() is start
        past = start.past
        assert past.rounds.rowCount() == 1 and past.cell(0, 0) == "Zoë Ngata"
        assert start.unfinished.topLevelItemCount() == 0
        pdf.unlink()
        with qtbot.waitSignal(start.export_status.finished, timeout=30000):
            qtbot.mouseClick(start.findChild(QPushButton, "exportPdfButton"),
                             Qt.MouseButton.LeftButton)
        assert pdf.exists()


def test_tick_drives_timers_and_note_saves_on_an_injected_clock(
        qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPlainTextEdit

    from companion.content.planner import plan_loop
    from companion.live.clock import ManualClock
    from companion.live.engine import RoundEngine

    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        clock = ManualClock()
        plan = plan_loop(window.pack, "api", "senior")
        engine = RoundEngine.start(window.store, window.pack, plan.rounds[1],
                                   candidate="Ada", interviewer="Grace", archetype="api",
                                   level="senior", clock=clock)
        window.open_engine(engine)
        assert 200 <= window.bridge.timer.interval() <= 300  # about four ticks a second
        engine.start_round()
        said = window.live_view.findChild(QPlainTextEdit, "notes.said")
        said.setFocus()
        qtbot.keyClicks(said, "Sharded by tenant")
        assert engine.has_unsaved_notes
        # Nothing is written until the clock moves: the shell's tick is what flushes.
        clock.advance(2.0)
        with qtbot.waitSignal(window.bridge.saved, timeout=2000):
            pass
        assert not engine.has_unsaved_notes
        assert window.store.load_scorecard(engine.round_id).items[0].said == "Sharded by tenant"
        clock.advance(60.0)
        with qtbot.waitSignal(window.bridge.ticked, timeout=2000):
            pass
        assert engine.timers().round_elapsed_s >= 62.0


def test_live_keys_work_after_opening_and_are_dead_while_blank(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from companion.content.planner import plan_loop
    from companion.live.engine import RoundEngine

    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        plan = plan_loop(window.pack, "api", "senior")
        engine = RoundEngine.start(window.store, window.pack, plan.rounds[1], candidate="Ada",
                                   interviewer="Grace", archetype="api", level="senior")
        window.open_engine(engine)
        focus = window.focusWidget()
        assert focus is not None and window.live_view.isAncestorOf(focus)  # keys reach it

        qtbot.keyClick(window, Qt.Key.Key_F12)
        assert window.blanked
        qtbot.keyClick(window.pages.blank_page, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
        assert engine.record().rating is None  # nothing happens behind a blank screen

        qtbot.keyClick(window.pages.blank_page, Qt.Key.Key_F12)
        focus = window.focusWidget()
        assert focus is not None and window.live_view.isAncestorOf(focus)
        qtbot.keyClick(focus, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
        assert engine.record().rating == "strong"


def test_close_window_mid_round_then_reopen_and_resume(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPlainTextEdit

    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
        said = window.live_view.findChild(QPlainTextEdit, "notes.said")
        said.setFocus()
        qtbot.keyClicks(said, "Retries with jitter")
        window.live_view.action("action.rate.thin").trigger()
        window.close()  # writes what is pending and releases the round at once
        assert window.bridge.engine is None

    again = open_window(qtbot, data_dir)
    with loaded(again, data_dir):
        start = again.start_screen
        assert start.interviewer.text() == "Grace Hopper"  # remembered across restarts
        assert start.unfinished.topLevelItemCount() == 1
        qtbot.mouseClick(start.resume_button, Qt.MouseButton.LeftButton)
        engine = again.bridge.engine
        assert engine.notes(None)[0] == "Retries with jitter"
        assert engine.record().rating == "thin"
        notes = again.live_view.findChild(QPlainTextEdit, "notes.said")
        assert notes.toPlainText() == "Retries with jitter"


def test_resume_after_the_pack_lost_an_item_opens_and_says_so(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from PySide6.QtWidgets import QPlainTextEdit

    from companion.content.loader import builtin_pack

    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
        engine = window.bridge.engine
        gone = engine.current_id
        said = window.live_view.findChild(QPlainTextEdit, "notes.said")
        said.setFocus()
        qtbot.keyClicks(said, "Talked through the outbox table")
        window.live_view.action("action.rate.mid").trigger()
        window.close()

    pack = builtin_pack()
    newer = replace(pack, questions=tuple(q for q in pack.questions if q.id != gone),
                    scenarios=tuple(s for s in pack.scenarios if s.id != gone))
    again = open_window(qtbot, data_dir)
    store = Store.open(data_dir)
    try:
        again.set_sources(store, newer, data_dir)
        qtbot.mouseClick(again.start_screen.resume_button, Qt.MouseButton.LeftButton)
        engine = again.bridge.engine
        assert engine is not None and engine.stand_ins == (gone,)
        assert again.banner.isVisible() and gone in again.banner.text
        assert "kept" in again.banner.text
        assert engine.record(gone).rating == "mid"
        notes = again.live_view.findChild(QPlainTextEdit, "notes.said")
        assert notes.toPlainText() == "Talked through the outbox table"
    finally:
        again.close_engine()
        store.close()


def test_the_next_round_is_never_drawn_over_the_last_one(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from companion.live.engine import RoundEngine

    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
        first = window.live_view
        planned = window.start_screen._plan.rounds[0]
        engine = RoundEngine.start(window.store, window.pack, planned, candidate="Second",
                                   interviewer="Grace Hopper", archetype="api", level="mid")
        # No event loop turn in between: the old view still exists (deleteLater) but
        # must already be out of sight.
        window.open_engine(engine)
        assert window.live_view is not first
        assert not first.isVisible()
        qtbot.waitUntil(window.live_view.isVisible)


def test_compact_mode_is_narrow_with_a_design_round_open(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from companion.ui.compact import COMPACT_WIDTH

    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        rounds = window.start_screen.findChild(QComboBox, "roundCombo")
        rounds.setCurrentIndex(rounds.findText("System design", Qt.MatchFlag.MatchStartsWith))
        qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
        assert window.live_view is not None
        wide = window.width()
        assert wide > COMPACT_WIDTH  # the normal live view of a design round is wider
        window.actions_.compact.trigger()
        # Narrowed at once, not one layout level per event loop turn.
        assert window.width() <= COMPACT_WIDTH
        qtbot.wait(50)
        assert window.width() <= COMPACT_WIDTH
        window.actions_.compact.trigger()
        assert window.width() == wide
