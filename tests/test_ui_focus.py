"""Nothing the window does on its own moves the caret out of the notes being typed.

An interviewer types while the round runs: autosaves, a failed save and its
recovery, timers, a section change, a switch of the desktop's colour scheme and
taps on the rubric, flag and probe buttons all happen meanwhile. After each one
the keyboard focus must still be in the notes field, with the caret where it was,
and the next keystroke must land there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton

from tests.test_ui_shell_rounds import _fill_form
from tests.ui_helpers import loaded, open_window


def _still_typing_in(qtbot, field: QPlainTextEdit, what: str) -> None:  # type: ignore[no-untyped-def]
    assert QApplication.focusWidget() is field, f"focus moved after {what}"
    before = field.toPlainText()
    assert field.textCursor().position() == len(before), f"caret moved after {what}"
    # Typed at whatever has the focus, as a keyboard would.
    qtbot.keyClicks(QApplication.focusWidget(), "x")
    assert field.toPlainText() == before + "x", f"a keystroke went elsewhere after {what}"


def test_background_events_leave_the_caret_in_the_notes(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
        engine = window.bridge.engine
        said = window.live_view.findChild(QPlainTextEdit, "notes.said")
        said.setFocus()
        qtbot.keyClicks(said, "Chose a queue per tenant")
        _still_typing_in(qtbot, said, "typing")

        hints = QGuiApplication.styleHints()
        events: list[tuple[str, Callable[[], object]]] = [
            ("autosave ticks", lambda: [window.bridge.tick() for _ in range(4)]),
            ("starting the clock", engine.start_round),
            ("the next section", engine.next_section),
            ("a failed save", lambda: window.bridge.save_failed.emit("disk full")),
            ("a save going through again", window.bridge.saved.emit),
            ("an error banner", lambda: window.banner.show_error("packs could not be read")),
            ("the desktop turning dark", lambda: hints.colorSchemeChanged.emit(
                Qt.ColorScheme.Dark)),
            ("the desktop turning light", lambda: hints.colorSchemeChanged.emit(
                Qt.ColorScheme.Light)),
        ]
        for what, event in events:
            event()
            qtbot.wait(20)  # let queued refreshes and repaints run
            _still_typing_in(qtbot, said, what)
        assert window.banner.isVisible()  # the banner is up, and still the caret stayed

        view = window.live_view
        for name in ("rubric.mid", "rubric.strong"):
            qtbot.mouseClick(view.findChild(QPushButton, name), Qt.MouseButton.LeftButton)
            _still_typing_in(qtbot, said, f"a tap on {name}")
        assert engine.record().rating == "strong"
        taps = [b for b in view.findChildren(QPushButton)
                if b.isVisible() and b.objectName().startswith(("flag.", "probe."))]
        assert taps, "the round shows flag and probe buttons"
        for button in taps[:3]:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            _still_typing_in(qtbot, said, f"a tap on {button.objectName()}")

        engine.flush()
        assert engine.notes(None)[0].startswith("Chose a queue per tenant")
