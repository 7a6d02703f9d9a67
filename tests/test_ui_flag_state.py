"""Red flags tell a screen reader their state: a raised flag is a checked button."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from tests.ui_helpers import loaded, open_window
from tests.ui_live_support import start_round


def test_a_raised_flag_is_checked_and_an_off_flag_is_not(qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        window.open_engine(start_round(data_dir).engine)
        view = window.live_view
        assert view is not None
        flag = view.flags.flags[0]
        button = view.findChild(QPushButton, f"flag.{flag.id}")
        assert button is not None

        def reported() -> tuple[bool, bool, str]:
            face = QAccessible.queryAccessibleInterface(button)
            state = face.state()
            return state.checkable, state.checked, face.text(QAccessible.Text.Description)

        assert reported()[:2] == (True, False)
        view.action(f"action.flag.{flag.id}").trigger()
        checkable, checked, said = reported()
        assert checkable and checked and "probed once" in said
        view.action(f"action.flag.{flag.id}").trigger()
        assert reported()[1] and "confirmed" in reported()[2]
        view.action(f"action.flag.{flag.id}").trigger()
        assert reported()[:2] == (True, False)
