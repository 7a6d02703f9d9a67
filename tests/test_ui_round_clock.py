"""The round clock cannot be forgotten: "Start round" starts it, F2 and F3 start a stopped one.

A probe asked ten seconds in must never sit beside "time spent 0 s": the clock and
the probes' times count from the same moment. The scorecard is read back from the
engine, which is what the PDF prints.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.test_ui_shell_rounds import _fill_form
from tests.ui_helpers import loaded, open_window


def test_start_round_starts_the_clock_and_time_spent_matches_the_probes(
        qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
        view, engine = window.live_view, window.bridge.engine
        assert view is not None and engine is not None
        assert engine.timers().running
        assert view.timers.round_caption.text() == "Round"
        assert view.timers.clock_btn.text().startswith("Pause clock")
        qtbot.waitUntil(lambda: engine.timers().round_elapsed_s >= 1.2, timeout=5000)
        first = engine.current.id
        probe = engine.current.probes[0].id if engine.current.probes else "failure.database"
        engine.answer_probe(probe)
        asked = next(p for p in engine.record(first).probes if p.probe_id == probe)
        view.action("action.next").trigger()
        card = engine.scorecard()
        spent = card.item(first).time_spent_s  # type: ignore[union-attr]
        into = (asked.at - card.started_at).total_seconds()  # type: ignore[operator]
        assert spent >= 1.0
        assert spent >= into - 0.5  # no earlier than the probe it records
        # F3 works on every item, so its button is there on a question that sets no
        # sketch length too (F2's is hidden only while its timer runs).
        assert view.timers.sketch_btn.isVisible(), engine.current.id


def test_f2_and_f3_start_a_stopped_clock_with_their_timer(qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
        view, engine = window.live_view, window.bridge.engine
        assert view is not None and engine is not None
        view.action("action.clock").trigger()
        assert not engine.timers().running
        assert view.timers.round_caption.text() == "Round (paused)"
        view.action("action.listen").trigger()
        state = engine.timers()
        assert state.running and state.listen_left_s is not None and state.listen_left_s > 0
        view.action("action.clock").trigger()
        view.action("action.sketch").trigger()
        state = engine.timers()
        assert state.running and state.sketch_left_s is not None and state.sketch_left_s > 0
