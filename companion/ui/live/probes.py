"""Follow-up probes as a checklist; the failure probe as three rows, each with its own rating.

Rows are numbered on screen; Ctrl+<number> picks a row (the view forwards that as
"asked" and makes the row the target of the next rubric key).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.content.model import FailureProbe, Question, Scenario
from companion.record.scorecard import RATINGS, ItemRecord
from companion.ui.live.common import (
    BODY_PT,
    RATING_SHORT,
    SMALL_PT,
    Zoomable,
    describe,
    rating_label,
    sized_font,
    tap_button,
)
from companion.ui.theme import set_look

TARGET_TITLE: dict[str, str] = {
    "database": "Database",
    "queue": "Queue",
    "downstream": "Downstream service",
}
MAX_ROWS = 9  # Ctrl+1 .. Ctrl+9
RATING_KEY: dict[str, str] = {"strong": "Alt+1", "mid": "Alt+2", "thin": "Alt+3",
                              "very_thin": "Alt+4"}


class ProbeRow(QFrame):
    """One probe: number, asked checkbox, text and (for failure probes) a quick rating."""

    def __init__(self, number: int, probe_id: str, title: str, text: str, ratable: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.probe_id = probe_id
        self.setObjectName(f"probe.{probe_id}")
        self.setProperty("probe_row", True)
        self.number = QLabel(f"Ctrl+{number}" if number <= MAX_ROWS else "", self)
        self.number.setObjectName(f"probe.{probe_id}.key")
        self.asked = QCheckBox(self)
        self.asked.setObjectName(f"probe.{probe_id}.asked")
        # In the Tab chain, but a click leaves the caret in the notes (see tap_button).
        self.asked.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.asked.setToolTip(f"{title or 'This probe'}: asked")
        key = f"Ctrl+{number}" if number <= MAX_ROWS else ""
        describe(self.asked, f"{title}: {text}" if title else text,
                 "Tick when asked." + (" The same key makes this row the target of the "
                                       "rating keys." if ratable else ""), key)
        self.title, self.phrasing = title, text
        # The title sits in the wrapping label, so a narrow window wraps it too.
        self.text = QLabel(self)
        self.text.setObjectName(f"probe.{probe_id}.text")
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.chips: dict[str, QPushButton] = {}
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 3, 6, 3)
        lay.setSpacing(8)
        lay.addWidget(self.number)
        lay.addWidget(self.asked)
        lay.addWidget(self.text, 1)
        if ratable:
            for value in RATINGS:
                chip = tap_button(self, RATING_SHORT[value], f"probe.{probe_id}.{value}",
                                  checkable=True, style="chip")
                chip.setToolTip(f"{title}: {rating_label(value)}")
                describe(chip, f"{title}: {rating_label(value)}",
                         f"Rate the answer about the {title.lower()} "
                         f"{rating_label(value).lower()}.",
                         f"Ctrl+{number}, then {RATING_KEY[value]}" if key else "")
                lay.addWidget(chip)
                self.chips[value] = chip

        self.set_compact(False)

    def set_compact(self, compact: bool) -> None:
        """Compact: a titled (failure) row shows its title only; the phrasing moves to the
        tool tip, so the three rows fit a narrow window."""
        title, text = escape(self.title), escape(self.phrasing)
        if not self.title:
            self.text.setText(text)
        elif compact:
            self.text.setText(f"<b>{title}</b>")
            self.text.setToolTip(self.phrasing)
        else:
            self.text.setText(f"<b>{title}</b>&nbsp; {text}")
            self.text.setToolTip("")

    def show_state(self, asked: bool, rating: str | None, targeted: bool) -> None:
        self.asked.setChecked(asked)
        for value, chip in self.chips.items():
            chip.setChecked(value == rating)
        set_look(self, "targeted", targeted)


class ProbesPanel(QWidget, Zoomable):
    """The probes of the current item; emits intent, shows what the engine recorded."""

    asked_toggled = Signal(str, bool)
    rated = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("probes.panel")
        self._compact = False
        self._failure = False
        self.rows: list[ProbeRow] = []
        self.header = QLabel("Probes", self)
        self.header.setObjectName("probes.header")
        self.failure_note = QLabel(self)
        self.failure_note.setObjectName("probes.failure_note")
        self.failure_note.setWordWrap(True)
        self.empty = QLabel("No follow-up probes for this item.", self)
        self.empty.setObjectName("probes.empty")
        self._rows_box = QVBoxLayout()
        self._rows_box.setSpacing(2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.header)
        lay.addWidget(self.failure_note)
        lay.addLayout(self._rows_box)
        lay.addWidget(self.empty)

    def show_item(self, item: Question | Scenario, failure: FailureProbe | None) -> None:
        """Rebuild the rows for ``item``; ``failure`` is given when its three rows apply."""
        for row in self.rows:
            self._rows_box.removeWidget(row)
            row.hide()  # deleteLater waits for the loop; never paint a stale row meanwhile
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        number = 1
        if failure is not None:
            for target, phrasing in failure.targets:
                title = TARGET_TITLE.get(target, target.capitalize())
                self._add(ProbeRow(number, f"failure.{target}", title, phrasing, True, self))
                number += 1
            self.failure_note.setText(f"{failure.question} Ask it once for each row below.")
            self.failure_note.setToolTip("A complete answer names: "
                                         + "; ".join(failure.complete_answer))
        self.failure_note.setVisible(failure is not None and not self._compact)
        self._failure = failure is not None
        for probe in item.probes:
            self._add(ProbeRow(number, probe.id, "", probe.text, False, self))
            number += 1
        self.empty.setVisible(not self.rows)
        self._apply_fonts()

    def _add(self, row: ProbeRow) -> None:
        pid = row.probe_id
        row.asked.clicked.connect(lambda checked, p=pid: self.asked_toggled.emit(p, checked))
        for value, chip in row.chips.items():
            chip.clicked.connect(lambda _c=False, p=pid, v=value: self.rated.emit(p, v))
        self._rows_box.addWidget(row)
        self.rows.append(row)

    def show_record(self, record: ItemRecord | None, target: str | None) -> None:
        answers = {a.probe_id: a for a in record.probes} if record else {}
        for row in self.rows:
            ans = answers.get(row.probe_id)
            row.show_state(bool(ans and ans.asked), ans.rating if ans else None,
                           row.probe_id == target)

    def row_at(self, number: int) -> ProbeRow | None:
        """The row labelled ``Ctrl+number`` (1-based), if any."""
        if 1 <= number <= len(self.rows):
            return self.rows[number - 1]
        return None

    def row_for(self, probe_id: str) -> ProbeRow | None:
        return next((r for r in self.rows if r.probe_id == probe_id), None)

    def set_compact(self, compact: bool) -> None:
        """Compact: no key labels (the help lists them), narrower rating chips, and no
        line above the failure rows (it is their tool tip)."""
        self._compact = compact
        self.failure_note.setVisible(self._failure and not compact)
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        base = self.font()
        z = self._zoom
        self.header.setFont(sized_font(base, SMALL_PT, z, bold=True))
        self.failure_note.setFont(sized_font(base, SMALL_PT, z))
        self.empty.setFont(sized_font(base, SMALL_PT, z))
        for row in self.rows:
            row.set_compact(self._compact)
            row.number.setVisible(not self._compact)
            row.number.setFont(sized_font(base, SMALL_PT, z))
            row.text.setFont(sized_font(base, BODY_PT, z))
            for chip in row.chips.values():
                chip.setFont(sized_font(base, SMALL_PT, z, bold=True))
                chip.setMinimumWidth(int((28 if self._compact else 38) * z))
                chip.setStyleSheet("padding: 2px 2px;" if self._compact else "")
