"""Two note fields, "What they said" and "My read", with a visible save state.

Each keystroke is forwarded at once (the engine decides when to write); the
indicator says Saving…, Saved HH:MM:SS or Not saved! so a lost note is never silent.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from companion.ui.live.common import (
    BODY_PT,
    SMALL_PT,
    Zoomable,
    clock_time,
    describe,
    sized_font,
)
from companion.ui.live.emoji_marks import EmojiMarks
from companion.ui.theme import set_look

FIELDS: tuple[str, ...] = ("said", "read")
FIELD_TITLE: dict[str, str] = {"said": "What they said", "read": "My read"}
FIELD_KEY: dict[str, str] = {"said": "Ctrl+Shift+S", "read": "Ctrl+Shift+R"}
FIELD_CHROME = 12  # the document's margins and the style's padding around the text


class NotesPanel(QWidget, Zoomable):
    """Emits ``edited(field, text)`` on every change the user makes (not on loads)."""

    edited = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notes.panel")
        self._loading = False
        self.fields: dict[str, QPlainTextEdit] = {}
        self.titles: dict[str, QLabel] = {}
        self.marks: list[EmojiMarks] = []
        # What each field held when last loaded or forwarded: re-drawing the emoji marks
        # signals a change with the same text, which is no edit.
        self._last: dict[str, str] = dict.fromkeys(FIELDS, "")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        for name in FIELDS:
            title = QLabel(f"{FIELD_TITLE[name]}  ({FIELD_KEY[name]})", self)
            title.setObjectName(f"notes.{name}.title")
            edit = QPlainTextEdit(self)
            edit.setObjectName(f"notes.{name}")
            edit.setTabChangesFocus(True)
            edit.setPlaceholderText("the candidate's words, as close as you can" if name == "said"
                                    else "your interpretation, kept apart from the evidence")
            edit.textChanged.connect(lambda n=name: self._changed(n))
            title.setBuddy(edit)
            self.marks.append(EmojiMarks(edit.document()))
            describe(edit, FIELD_TITLE[name],
                     "The candidate's own words, as close as you can." if name == "said" else
                     "Your interpretation, kept apart from the evidence.", FIELD_KEY[name])
            box.addWidget(title)
            box.addWidget(edit, 1)
            self.fields[name] = edit
            self.titles[name] = title
        self.status = QLabel(self)
        self.status.setObjectName("notes.status")
        self.status.setWordWrap(True)
        box.addWidget(self.status)
        self._apply_fonts()

    def hasHeightForWidth(self) -> bool:
        # The wrapped status line would make the side column lay out by height-for-width,
        # and QBoxLayout then shares the height evenly, squeezing the red flags above.
        return False

    def set_compact(self, compact: bool) -> None:
        """Compact: the field names alone (the keys are in the help and tool tips)."""
        for name, title in self.titles.items():
            title.setText(FIELD_TITLE[name] if compact
                          else f"{FIELD_TITLE[name]}  ({FIELD_KEY[name]})")

    def load(self, said: str, read: str) -> None:
        """Show stored notes without echoing them back as edits."""
        self._loading = True
        try:
            for name, text in (("said", said), ("read", read)):
                edit = self.fields[name]
                if edit.toPlainText() != text:
                    edit.setPlainText(text)
                self._last[name] = text
        finally:
            self._loading = False

    def text(self, name: str) -> str:
        return self.fields[name].toPlainText()

    def _changed(self, name: str) -> None:
        text = self.fields[name].toPlainText()
        if not self._loading and text != self._last[name]:
            self._last[name] = text
            self.edited.emit(name, text)

    # -- save indicator -------------------------------------------------------------------
    def show_saving(self) -> None:
        self._set_status("Saving…", "saving")

    def show_saved(self, at: datetime | None) -> None:
        stamp = clock_time(at) or datetime.now().strftime("%H:%M:%S")
        self._set_status(f"Saved {stamp}", "saved")

    def show_failed(self, message: str) -> None:
        detail = f" {message}" if message else ""
        self._set_status(f"Not saved!{detail} Your text stays here until it can be saved.",
                         "failed")

    def save_state(self) -> str:
        return str(self.status.property("savestate") or "")

    def _set_status(self, text: str, state: str) -> None:
        self.status.setText(text)
        set_look(self.status, "savestate", state)

    def _apply_fonts(self) -> None:
        base = self.font()
        for name in FIELDS:
            self.titles[name].setFont(sized_font(base, SMALL_PT, self._zoom, bold=True))
            edit = self.fields[name]
            edit.setFont(sized_font(base, BODY_PT, self._zoom))
            # Two lines at least, not Qt's default of about four: on a 720-pixel laptop
            # with five red flags raised, the spare height is what the notes get.
            margins = edit.contentsMargins()
            edit.setMinimumHeight(2 * edit.fontMetrics().lineSpacing() + FIELD_CHROME
                                  + margins.top() + margins.bottom())
        self.status.setFont(sized_font(base, SMALL_PT, self._zoom, bold=True))
        for marks in self.marks:  # emoji follow the new size
            marks.rehighlight()
