"""The start screen by keyboard: focus from the first key, Tab in reading order, no
unnamed stop, and an export's message on a line of its own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.test_ui_shell_rounds import _run_and_submit
from tests.ui_helpers import loaded, open_window


def _tab_walk(qtbot: QtBot, start: QWidget, limit: int = 40) -> list[QWidget]:
    stops: list[QWidget] = []
    for _ in range(limit):
        focus = QApplication.focusWidget()
        assert focus is not None, "Tab left every control"
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        assert focus is not None
        if focus is start:
            return stops
        stops.append(focus)
    raise AssertionError("Tab never came back to the candidate field")


def test_typing_at_launch_lands_in_the_form_and_tab_reads_left_to_right(
        qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        start = window.start_screen
        assert QApplication.focusWidget() is start.candidate
        qtbot.keyClicks(start.candidate, "Ada")
        assert start.candidate.text() == "Ada"
        start.candidate.clear()
        _run_and_submit(qtbot, window, "Mei Lin", "yes")
        window.show_start()
        start.past.select_row(0)
        start.candidate.setFocus()
        stops = _tab_walk(qtbot, start.candidate)
        for stop in stops:  # every stop is visible and says what it is
            assert stop.isVisible(), stop.objectName()
            assert stop.accessibleName() or getattr(stop, "text", lambda: "")(), \
                stop.objectName()
        buttons = [start.panel_button, start.save_as_button, start.export_button]
        order = [stops.index(b) for b in buttons]
        assert order == sorted(order)
        xs = [b.mapTo(window, b.rect().topLeft()).x() for b in buttons]
        assert xs == sorted(xs)  # the order they are read in
        assert stops[-1] is start.calibration_button

        with qtbot.waitSignal(start.export_status.finished, timeout=30000):
            qtbot.mouseClick(start.export_button, Qt.MouseButton.LeftButton)
        label = start.export_status.label
        assert str(data_dir / "exports") in label.text()
        card = start.findChild(QWidget, "pastCard")
        assert card is not None
        assert label.width() >= card.width() // 2  # a line of its own, not a column
        for button in (start.start_button, start.calibration_button, *buttons):
            shown = button.visibleRegion().boundingRect()
            assert shown == button.rect(), button.objectName()
