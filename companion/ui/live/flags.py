"""The five red-flag toggles: off -> probed once -> confirmed, each with time and evidence."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from companion.content.model import RedFlag
from companion.record.scorecard import FlagRecord
from companion.ui.live.common import (
    SMALL_PT,
    Zoomable,
    describe,
    short_time,
    sized_font,
    tap_button,
)
from companion.ui.theme import set_look

STATE_TEXT: dict[str, str] = {"off": "Off", "probed": "Probed once", "confirmed": "Confirmed"}
FLAG_KEYS: tuple[str, ...] = ("F5", "F6", "F7", "F8", "F9")
MIN_WRAP_WIDTH = 120  # below this the panel has not been laid out yet


def state_line(record: FlagRecord | None, brief: bool = False) -> str:
    """"Probed once 12:03", "Confirmed 12:05 (probed 12:03)" or "Off";
    ``brief`` leaves out the earlier step ("Confirmed 12:05")."""
    if record is None or record.state == "off":
        return STATE_TEXT["off"]
    when = {e.state: e.at for e in record.events}
    text = f"{STATE_TEXT.get(record.state, record.state)} {short_time(when.get(record.state))}"
    if record.state == "confirmed" and "probed" in when and not brief:
        text += f" (probed {short_time(when['probed'])})"
    return text.strip()


def wrap_to_width(text: str, metrics: QFontMetrics, width: int) -> str:
    """``text`` with line breaks between words so that no line is wider than ``width``
    (a single word wider than that keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


class FlagsPanel(QFrame, Zoomable):
    """One row per red flag; ``cycle_requested`` and ``evidence_edited`` carry the intent.

    A raised flag shows its state and time beside an evidence field, on one line
    under its button. Titles wrap onto a second line in a narrow (compact) column
    instead of being cut.
    """

    cycle_requested = Signal(str)
    evidence_edited = Signal(str, str)
    evidence_done = Signal()  # Return in an evidence field: back to the notes

    def __init__(self, flags: tuple[RedFlag, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("flags.panel")
        # Always as tall as its rows need; the notes below take what is left.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.flags = flags[: len(FLAG_KEYS)]
        self._compact = False
        self.buttons: dict[str, QPushButton] = {}
        self.states: dict[str, QLabel] = {}
        self.evidence: dict[str, QLineEdit] = {}
        self.header = QLabel("Red flags", self)
        self.header.setObjectName("flags.header")
        grid = self._grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        for i, flag in enumerate(self.flags):
            key = FLAG_KEYS[i]
            # Checkable: a screen reader says "checked" for a raised flag, not only the
            # description (which says probed once or confirmed).
            btn = tap_button(self, f"{key}  {flag.title}", f"flag.{flag.id}", checkable=True,
                             style="flag")
            btn.setProperty("flagstate", "off")
            btn.setToolTip(f"Sounds like: {flag.sounds_like}\nProbe first: {flag.probe_first}\n"
                           f"{key} cycles off → probed once → confirmed → off")
            btn.clicked.connect(lambda _c=False, f=flag.id: self.cycle_requested.emit(f))
            state = QLabel(STATE_TEXT["off"], self)
            state.setObjectName(f"flag.{flag.id}.state")
            state.hide()
            ev = QLineEdit(self)
            ev.setObjectName(f"flag.{flag.id}.evidence")
            ev.setPlaceholderText("evidence: type it, or select notes first")
            ev.setClearButtonEnabled(True)
            for clear in ev.findChildren(QToolButton):  # the field's own clear button
                describe(clear, f"Clear the evidence: {flag.title}",
                         "Empties the evidence field.")
            describe(ev, f"Evidence: {flag.title}",
                     "What the candidate said that raised this flag. Words selected in the "
                     "notes when the flag key is pressed land here. Return goes back to "
                     "the notes.")
            describe(btn, flag.title, f"Red flag, off. Sounds like: {flag.sounds_like} "
                     "Each press steps off, probed once, confirmed.", key)
            ev.editingFinished.connect(lambda f=flag.id, e=ev: self._evidence_done(f, e))
            ev.returnPressed.connect(self.evidence_done.emit)
            ev.hide()
            grid.addWidget(btn, 2 * i, 0, 1, 2)
            grid.addWidget(state, 2 * i + 1, 0)
            grid.addWidget(ev, 2 * i + 1, 1)
            self.buttons[flag.id] = btn
            self.states[flag.id] = state
            self.evidence[flag.id] = ev
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(4)
        lay.addWidget(self.header)
        lay.addLayout(grid)
        self._shown: dict[str, str] = {}
        self._apply_fonts()

    def flag_at(self, index: int) -> RedFlag | None:
        return self.flags[index] if 0 <= index < len(self.flags) else None

    def show_flags(self, records: tuple[FlagRecord, ...]) -> None:
        by_id = {r.flag_id: r for r in records}
        for flag in self.flags:
            rec = by_id.get(flag.id)
            state = rec.state if rec else "off"
            btn = self.buttons[flag.id]
            set_look(btn, "flagstate", state)
            btn.setChecked(state != "off")
            label = self.states[flag.id]
            label.setText(state_line(rec, brief=True))
            label.setToolTip(state_line(rec))
            describe(btn, flag.title, f"Red flag, {state_line(rec).lower()}. Sounds like: "
                     f"{flag.sounds_like} Each press steps off, probed once, confirmed.",
                     FLAG_KEYS[self.flags.index(flag)])
            label.setVisible(state != "off" and not self._compact)
            ev = self.evidence[flag.id]
            ev.setVisible(state != "off")
            evidence = rec.evidence if rec else ""
            # Never overwrite what the interviewer is typing right now.
            if not ev.hasFocus() and ev.text() != evidence:
                ev.setText(evidence)
                ev.setCursorPosition(0)  # show how it starts, not how it ends
            self._shown[flag.id] = evidence

    def _evidence_done(self, flag_id: str, field: QLineEdit) -> None:
        text = field.text().strip()
        if text != self._shown.get(flag_id, ""):
            self._shown[flag_id] = text
            self.evidence_edited.emit(flag_id, text)

    def set_compact(self, compact: bool) -> None:
        """Compact: the column is narrow; titles wrap to fit it (see ``resizeEvent``), and a
        raised flag's time gives its room to the evidence (the button's colour says the
        state; its tool tip and accessible description say the time)."""
        self._compact = compact
        for fid, label in self.states.items():
            label.setVisible(not compact and self.evidence[fid].isVisibleTo(self))
        # The F5-F9 keys on the buttons say what the panel is; its height goes to the notes.
        self.header.setVisible(not compact)
        self._grid.setVerticalSpacing(1 if compact else 2)
        for btn in self.buttons.values():
            btn.setStyleSheet("padding: 1px 10px;" if compact else "")
        self._wrap_titles()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._wrap_titles()

    def _wrap_titles(self) -> None:
        """Break each title onto as many lines as the panel's width needs; never cut it."""
        # The button's padding and border (style sheet) plus the panel's margins.
        room = self.contentsRect().width() - 16 - 2 * 12
        for i, flag in enumerate(self.flags):
            btn = self.buttons[flag.id]
            text = f"{FLAG_KEYS[i]}  {flag.title}"
            if room >= MIN_WRAP_WIDTH:  # not before the panel has its real width
                text = wrap_to_width(text, btn.fontMetrics(), room)
            if btn.text() != text:
                btn.setText(text)
            # As tall as its lines need: the layout must not squeeze a wrapped title.
            btn.setMinimumHeight(max(int(30 * self._zoom), btn.sizeHint().height()))

    def _apply_fonts(self) -> None:
        base = self.font()
        z = self._zoom
        self.header.setFont(sized_font(base, SMALL_PT, z, bold=True))
        for fid, btn in self.buttons.items():
            btn.setFont(sized_font(base, SMALL_PT + 0.5, z, bold=True))
            self.states[fid].setFont(sized_font(base, SMALL_PT, z))
            self.evidence[fid].setFont(sized_font(base, SMALL_PT, z))
        self._wrap_titles()
