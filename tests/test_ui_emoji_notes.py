"""An emoji typed in the notes is legible where the shipped Symbola draws it.

Symbola's emoji are thin outlines; the notes draw them bold and a size larger
(``companion/ui/live/emoji_marks.py``). The test counts the dark pixels of one
emoji in the real notes field against the same emoji in a plain field of the same
font, and checks that the saved text is what was typed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontDatabase, QImage, QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from companion.ui.fonts import EMOJI_FAMILY, register_fallback_fonts
from companion.ui.live.emoji_marks import symbola_draws_emoji
from companion.ui.live.notes import NotesPanel

TEXT = "Calm 🙂 under pressure"


@pytest.fixture
def symbola_first(qapp: QApplication) -> Iterator[None]:
    """The shipped fonts registered, Symbola the emoji font (as on a laptop without a
    colour emoji font); the list as it was afterwards."""
    register_fallback_fonts(qapp)
    before = QFontDatabase.applicationEmojiFontFamilies()
    QFontDatabase.setApplicationEmojiFontFamilies([EMOJI_FAMILY])
    yield
    QFontDatabase.setApplicationEmojiFontFamilies(before)


def _ink(edit: QPlainTextEdit) -> int:
    """Dark pixels drawn for the emoji (the two UTF-16 units after "Calm ")."""
    start, end = QTextCursor(edit.document()), QTextCursor(edit.document())
    start.setPosition(5)
    end.setPosition(7)
    left, right = edit.cursorRect(start), edit.cursorRect(end)
    image = edit.viewport().grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    ratio = image.devicePixelRatio()
    dark = 0
    for x in range(int(left.left() * ratio) + 1, int(right.left() * ratio)):
        for y in range(int(min(left.top(), right.top()) * ratio),
                       int(max(left.bottom(), right.bottom()) * ratio)):
            dark += image.pixelColor(x, y).lightness() < 128
    return dark


def test_an_emoji_in_the_notes_is_drawn_heavier_and_saved_as_typed(
        qtbot: QtBot, symbola_first: None) -> None:
    assert symbola_draws_emoji()
    host = QWidget()
    qtbot.addWidget(host)
    notes = NotesPanel(host)
    plain = QPlainTextEdit(host)
    host.resize(700, 400)
    notes.setGeometry(0, 0, 700, 200)
    plain.setGeometry(0, 210, 700, 100)
    edited: list[tuple[str, str]] = []
    notes.edited.connect(lambda field, text: edited.append((field, text)))
    said = notes.fields["said"]
    plain.setFont(said.font())
    plain.setPlainText(TEXT)
    for part in TEXT.split("🙂"):  # QTest types ASCII only: the emoji comes as its key event
        if part.startswith(" "):
            QApplication.sendEvent(said, QKeyEvent(QEvent.Type.KeyPress, 0,
                                                   Qt.KeyboardModifier.NoModifier, "🙂"))
        qtbot.keyClicks(said, part)
    host.show()
    qtbot.waitExposed(host)
    marked, bare = _ink(said), _ink(plain)
    assert bare > 0
    assert marked >= 1.6 * bare, (marked, bare)
    # The drawing changed, not the text: every edit carried what was typed, no more.
    assert notes.text("said") == TEXT
    assert edited[-1] == ("said", TEXT)
    assert len(edited) == len(TEXT)  # one per key typed (the emoji is one), none more


def test_no_change_where_a_colour_emoji_font_comes_first(qtbot: QtBot,
                                                        symbola_first: None) -> None:
    QFontDatabase.setApplicationEmojiFontFamilies(["Noto Color Emoji", EMOJI_FAMILY])
    assert not symbola_draws_emoji()
    notes = NotesPanel()
    qtbot.addWidget(notes)
    notes.load(TEXT, "")
    layout = notes.fields["said"].document().firstBlock().layout()
    assert layout.formats() == []
