"""The five red-flag toggles: off -> probed once -> confirmed, each with time and evidence."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.content.model import RedFlag
from companion.scorecard import FlagRecord
from companion.ui.live.common import SMALL_PT, Zoomable, short_time, sized_font, tap_button
from companion.ui.theme import set_look

STATE_TEXT: dict[str, str] = {"off": "Off", "probed": "Probed once", "confirmed": "Confirmed"}
FLAG_KEYS: tuple[str, ...] = ("F5", "F6", "F7", "F8", "F9")
COMPACT_TITLE = 17  # characters of a flag's title shown in compact mode


def state_line(record: FlagRecord | None) -> str:
    """"Probed once 12:03", "Confirmed 12:05 (probed 12:03)" or "Off"."""
    if record is None or record.state == "off":
        return STATE_TEXT["off"]
    when = {e.state: e.at for e in record.events}
    text = f"{STATE_TEXT.get(record.state, record.state)} {short_time(when.get(record.state))}"
    if record.state == "confirmed" and "probed" in when:
        text += f" (probed {short_time(when['probed'])})"
    return text.strip()


class FlagsPanel(QFrame, Zoomable):
    """One row per red flag; ``cycle_requested`` and ``evidence_edited`` carry the intent."""

    cycle_requested = Signal(str)
    evidence_edited = Signal(str, str)
    evidence_done = Signal()  # Return in an evidence field: back to the notes

    def __init__(self, flags: tuple[RedFlag, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("flags.panel")
        self.flags = flags[: len(FLAG_KEYS)]
        self.buttons: dict[str, QPushButton] = {}
        self.states: dict[str, QLabel] = {}
        self.evidence: dict[str, QLineEdit] = {}
        self.header = QLabel("Red flags", self)
        self.header.setObjectName("flags.header")
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        for i, flag in enumerate(self.flags):
            key = FLAG_KEYS[i]
            btn = tap_button(self, f"{key}  {flag.title}", f"flag.{flag.id}", style="flag")
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
            ev.editingFinished.connect(lambda f=flag.id, e=ev: self._evidence_done(f, e))
            ev.returnPressed.connect(self.evidence_done.emit)
            ev.hide()
            grid.addWidget(btn, 3 * i, 0)
            grid.addWidget(state, 3 * i + 1, 0)
            grid.addWidget(ev, 3 * i + 2, 0)
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
            self.states[flag.id].setText(state_line(rec))
            self.states[flag.id].setVisible(state != "off")
            ev = self.evidence[flag.id]
            ev.setVisible(state != "off")
            evidence = rec.evidence if rec else ""
            # Never overwrite what the interviewer is typing right now.
            if not ev.hasFocus() and ev.text() != evidence:
                ev.setText(evidence)
            self._shown[flag.id] = evidence

    def _evidence_done(self, flag_id: str, field: QLineEdit) -> None:
        text = field.text().strip()
        if text != self._shown.get(flag_id, ""):
            self._shown[flag_id] = text
            self.evidence_edited.emit(flag_id, text)

    def set_compact(self, compact: bool) -> None:
        """Compact: titles shortened to fit a narrow column (the tool tip has them whole)."""
        for i, flag in enumerate(self.flags):
            title = flag.title
            if compact and len(title) > COMPACT_TITLE:
                title = title[: COMPACT_TITLE - 1].rstrip() + "…"
            self.buttons[flag.id].setText(f"{FLAG_KEYS[i]}  {title}")
        for label in self.states.values():
            label.setWordWrap(compact)

    def _apply_fonts(self) -> None:
        base = self.font()
        z = self._zoom
        self.header.setFont(sized_font(base, SMALL_PT, z, bold=True))
        for fid, btn in self.buttons.items():
            btn.setFont(sized_font(base, SMALL_PT + 0.5, z, bold=True))
            btn.setMinimumHeight(int(36 * z))
            self.states[fid].setFont(sized_font(base, SMALL_PT, z))
            self.evidence[fid].setFont(sized_font(base, SMALL_PT, z))
