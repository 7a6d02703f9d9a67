"""Finish the round: a recommendation with no neutral option, a summary, submit with confirm.

After submission the page says it is locked; later changes still go through the
engine, which keeps them as amendments, and they are listed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from companion.content.model import Pack
from companion.record import change_text
from companion.record.changes import Amendment
from companion.record.scorecard import RECOMMENDATION_LABEL, RECOMMENDATIONS
from companion.ui.live.common import (
    BODY_PT,
    PROMPT_PT,
    SMALL_PT,
    TITLE_PT,
    Zoomable,
    clock_time,
    describe,
    sized_font,
    tap_button,
)
from companion.ui.live.page import ReadingScroll
from companion.ui.theme import set_look

REC_KEYS: dict[str, str] = {
    "strong_no": "Alt+1",
    "no": "Alt+2",
    "yes": "Alt+3",
    "strong_yes": "Alt+4",
}


class FinishView(QWidget, Zoomable):
    """Emits intent: ``recommend(value)``, ``summary_edited(text)``, ``submit_asked`` (the
    first press: the view asks the engine whether a submission would go through, then
    calls ``ask_confirm`` or ``show_blocker``), ``submit`` (confirmed) and ``back``."""

    recommend = Signal(str)
    summary_edited = Signal(str)
    submit_asked = Signal()
    submit = Signal()
    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("finish.page")
        self._loading = False
        self.title = QLabel("Finish the round", self)
        self.title.setObjectName("finish.title")
        self.overview = QLabel(self)
        self.overview.setObjectName("finish.overview")
        self.overview.setWordWrap(True)
        self.rec_caption = QLabel("Overall recommendation (pick a side)", self)
        self.rec_caption.setObjectName("finish.rec.caption")
        self.rec_buttons: dict[str, QPushButton] = {}
        rec_row = QHBoxLayout()
        rec_row.setSpacing(8)
        for value in RECOMMENDATIONS:
            btn = tap_button(self, f"{RECOMMENDATION_LABEL[value]}\n{REC_KEYS[value]}",
                             f"finish.rec.{value}", checkable=True, style="rubric")
            btn.clicked.connect(lambda _c=False, v=value: self._picked(v))
            describe(btn, RECOMMENDATION_LABEL[value],
                     f"Recommend {RECOMMENDATION_LABEL[value].lower()}; there is no neutral "
                     "option.", REC_KEYS[value])
            rec_row.addWidget(btn)
            self.rec_buttons[value] = btn
        # Said at once, beside the buttons, when Submit is pressed before a side is picked.
        self.rec_message = QLabel(self)
        self.rec_message.setObjectName("finish.rec.message")
        self.rec_message.setProperty("live_role", "alert")
        self.rec_message.setWordWrap(True)
        self.rec_message.hide()
        self.summary_caption = QLabel("Summary: the evidence behind your call", self)
        self.summary_caption.setObjectName("finish.summary.caption")
        self.summary = QPlainTextEdit(self)
        self.summary.setObjectName("finish.summary")
        self.summary.setTabChangesFocus(True)
        self.summary.setPlaceholderText("Two or three sentences a panel lead can act on.")
        self.summary.textChanged.connect(self._summary_changed)

        self.submit_btn = QPushButton("Submit scorecard… (Ctrl+Return)", self)
        self.submit_btn.setObjectName("finish.submit")
        self.back_btn = QPushButton("Back to the round (Ctrl+Shift+F)", self)
        self.back_btn.setObjectName("finish.back")
        self.confirm_box = QFrame(self)
        self.confirm_box.setObjectName("finish.confirm_box")
        self.confirm_box.setProperty("live_role", "confirm")
        self.confirm_text = QLabel("Submit now? Later changes are kept as amendments.",
                                   self.confirm_box)
        self.confirm_text.setWordWrap(True)
        self.confirm_btn = QPushButton("Yes, submit (Ctrl+Return)", self.confirm_box)
        self.confirm_btn.setObjectName("finish.confirm")
        self.cancel_btn = QPushButton("Not yet", self.confirm_box)
        self.cancel_btn.setObjectName("finish.cancel")
        c_lay = QHBoxLayout(self.confirm_box)
        c_lay.setContentsMargins(8, 4, 8, 4)
        c_lay.addWidget(self.confirm_text, 1)
        c_lay.addWidget(self.confirm_btn)
        c_lay.addWidget(self.cancel_btn)
        self.confirm_box.hide()
        for btn in (self.submit_btn, self.back_btn, self.confirm_btn, self.cancel_btn):
            btn.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # see tap_button
        describe(self.summary, "Summary",
                 "Two or three sentences of evidence behind your recommendation.")
        describe(self.submit_btn, "Submit scorecard",
                 "Asks to confirm, then locks the scorecard.", "Ctrl+Return")
        describe(self.back_btn, "Back to the round", "Return to the live round.",
                 "Ctrl+Shift+F")
        describe(self.confirm_btn, "Yes, submit", "Submit and lock the scorecard now.",
                 "Ctrl+Return")
        describe(self.cancel_btn, "Not yet", "Keep the scorecard open.")
        self.submit_btn.clicked.connect(self.submit_asked.emit)
        self.confirm_btn.clicked.connect(self._confirmed)
        self.cancel_btn.clicked.connect(lambda: self.confirm_box.hide())
        self.back_btn.clicked.connect(self.back.emit)

        self.status = QLabel(self)
        self.status.setObjectName("finish.status")
        self.status.setWordWrap(True)
        self.amendments = QLabel(self)
        self.amendments.setObjectName("finish.amendments")
        self.amendments.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.back_btn)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_btn)
        # The overview and the amendments are read, not used: they scroll on their own
        # when a long round does not fit, so the controls below never leave the screen.
        self.reading = ReadingScroll("finish.reading", self)
        self.reading.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.reading.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        describe(self.reading, "Round overview",
                 "Each item with its rating and red flags, and any amendments. Scroll with the "
                 "arrow keys.")
        body = QWidget(self.reading)
        body.setObjectName("finish.reading.body")
        body_lay = QVBoxLayout(body)
        body_lay.setContentsMargins(0, 0, 0, 0)
        for label in (self.overview, self.amendments):
            label.setParent(body)
            body_lay.addWidget(label)
        body_lay.addStretch(1)
        self.reading.setWidget(body)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(28, 16, 28, 16)
        lay.setSpacing(8)
        lay.addWidget(self.title)
        lay.addWidget(self.reading, 1)
        lay.addWidget(self.rec_caption)
        lay.addLayout(rec_row)
        lay.addWidget(self.rec_message)
        lay.addWidget(self.summary_caption)
        lay.addWidget(self.summary)
        lay.addLayout(buttons)
        lay.addWidget(self.confirm_box)
        lay.addWidget(self.status)
        self._apply_fonts()

    # -- display -----------------------------------------------------------------------
    def show_state(self, recommendation: str | None, summary: str,
                   submitted_at: datetime | None,
                   amendments: Sequence[Amendment], overview: str,
                   pack: Pack | None = None, unrated: str = "") -> None:
        for value, btn in self.rec_buttons.items():
            btn.setChecked(value == recommendation)
        if recommendation:
            self.rec_message.hide()  # no longer true once a side is picked
        if not self.summary.hasFocus() and self.summary.toPlainText() != summary:
            self._loading = True
            self.summary.setPlainText(summary)
            self._loading = False
        self.overview.setText(overview)
        locked = submitted_at is not None
        if locked:
            when = clock_time(submitted_at)
            self.status.setText(f"Submitted {when}. Locked: any change from now on is kept "
                                "as an amendment beside the original.")
            self.confirm_box.hide()
        else:
            # The engine decides what a submission needs; this only prompts the obvious.
            text = "Ready to submit." if recommendation else "Pick a side to submit."
            if unrated:
                text += f" {unrated}"
            if not summary.strip():
                text += " A sentence or two of summary helps the panel lead."
            self.status.setText(text)
        set_look(self.status, "locked", locked)
        self.submit_btn.setEnabled(not locked)
        self.submit_btn.setText("Submitted" if locked else "Submit scorecard… (Ctrl+Return)")
        lines = [f"Amended {clock_time(a.at)}: {change_text.describe(a, pack)}"
                 for a in amendments]
        self.amendments.setText("\n".join(lines))
        self.amendments.setVisible(bool(lines))

    def ask_confirm(self) -> None:
        if self.submit_btn.isEnabled():
            self.rec_message.hide()
            self.confirm_box.show()

    def show_blocker(self, message: str) -> None:
        """Why submitting cannot go through yet, beside the recommendation buttons."""
        self.confirm_box.hide()
        self.rec_message.setText(f"{message[:1].upper()}{message[1:]}: "
                                 f"Alt+1 … Alt+4, or a button above.")
        self.rec_message.show()

    def confirming(self) -> bool:
        return not self.confirm_box.isHidden()

    def _confirmed(self) -> None:
        self.confirm_box.hide()
        self.submit.emit()

    def confirm_or_ask(self) -> None:
        """Ctrl+Return: first press asks, second press submits."""
        if self.confirming():
            self._confirmed()
        else:
            self.submit_asked.emit()

    def _picked(self, value: str) -> None:
        self.rec_buttons[value].setChecked(False)
        self.recommend.emit(value)

    def _summary_changed(self) -> None:
        if not self._loading:
            self.summary_edited.emit(self.summary.toPlainText())

    def _apply_fonts(self) -> None:
        base = self.font()
        z = self._zoom
        self.title.setFont(sized_font(base, PROMPT_PT, z, bold=True))
        self.overview.setFont(sized_font(base, BODY_PT, z))
        for cap in (self.rec_caption, self.summary_caption):
            cap.setFont(sized_font(base, TITLE_PT, z, bold=True))
        for btn in self.rec_buttons.values():
            btn.setFont(sized_font(base, TITLE_PT, z, bold=True))
            btn.setMinimumHeight(int(56 * z))
        self.summary.setFont(sized_font(base, BODY_PT, z))
        self.summary.setFixedHeight(int(120 * z))
        for w in (self.submit_btn, self.back_btn, self.confirm_btn, self.cancel_btn,
                  self.confirm_text):
            w.setFont(sized_font(base, BODY_PT, z))
        self.status.setFont(sized_font(base, BODY_PT, z, bold=True))
        self.rec_message.setFont(sized_font(base, BODY_PT, z, bold=True))
        self.amendments.setFont(sized_font(base, SMALL_PT, z))
