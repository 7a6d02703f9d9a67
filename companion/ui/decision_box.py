"""The panel's decision on the candidate picked on the panel page: shown, and recorded.

Layout and intent only: the decision is a ``companion.record.decision.Decision`` and is
stored by ``companion.store.decisions``; this box shows the one on record and
hands a new one to the store when the lead presses "Record decision".
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.base.errors import CompanionError
from companion.record.decision import OUTCOME_LABEL, OUTCOMES, Decision

if TYPE_CHECKING:  # the store (SQLAlchemy) loads when a page needs it, not at start-up
    from companion.content.model import Pack
    from companion.store import Store

log = logging.getLogger("companion.ui.decision")


class DecisionBox(QGroupBox):
    """Outcome, level offered (with a hire), an optional note, and the decision on record."""

    recorded = Signal(str)  # the candidate whose decision was just stored

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Panel decision", parent)
        self.setObjectName("panel.decision")
        self.store: Store | None = None
        self.pack: Pack | None = None
        self.candidate = ""
        self.viewer: Callable[[], str] = lambda: ""  # who is deciding: the window's name
        # Set while the panel page reads the team store: decisions go there instead.
        self.recorder: Callable[[Decision], None] | None = None

        self.current = QLabel(self)
        self.current.setObjectName("panel.decisionCurrent")
        self.current.setWordWrap(True)
        self.current.setTextFormat(Qt.TextFormat.PlainText)
        self.outcome = QComboBox(self)
        self.outcome.setObjectName("panel.decisionOutcome")
        self.outcome.setAccessibleName("Outcome")
        self.outcome.setAccessibleDescription(
            "The panel's decision on this candidate: hire, no hire, or withdrawn.")
        for outcome in OUTCOMES:
            self.outcome.addItem(OUTCOME_LABEL[outcome], outcome)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self.level = QComboBox(self)
        self.level.setObjectName("panel.decisionLevel")
        self.level.setAccessibleName("Level offered")
        self.level.setAccessibleDescription("The level of the offer, for a hire.")
        self.note = QLineEdit(self)
        self.note.setObjectName("panel.decisionNote")
        self.note.setAccessibleName("Note")
        self.note.setAccessibleDescription("An optional note kept with the decision.")
        self.note.setPlaceholderText("Optional note, e.g. the offer's terms")
        self.record = QPushButton("Record decision", self)
        self.record.setObjectName("panel.decisionRecord")
        self.record.clicked.connect(self.record_decision)
        self.record.setAccessibleDescription(
            "Record the decision; it replaces an earlier one and goes into the debrief.")
        self.message = QLabel(self)
        self.message.setObjectName("panel.decisionMessage")
        self.message.setProperty("role", "muted")
        self.message.setWordWrap(True)

        row = QHBoxLayout()
        for text, widget in (("Outcome", self.outcome), ("Level", self.level)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget)
        row.addWidget(self.note, 1)
        row.addWidget(self.record)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self._outcome_changed()

    def set_sources(self, store: Store | None, pack: Pack | None) -> None:
        self.store, self.pack = store, pack
        self.level.clear()
        for rule in pack.levels if pack is not None else ():
            self.level.addItem(rule.title or rule.id, rule.id)

    def _outcome_changed(self) -> None:
        self.level.setEnabled(self.outcome.currentData() == "hire")

    def show_recorded(self, candidate: str, decision: Decision | None, message: str = "") -> None:
        """Show ``decision`` as the one on record (the team store's, read elsewhere)."""
        self.candidate = candidate
        self.setEnabled(bool(candidate))
        self.current.setText(describe(decision, self.pack))
        self._follow(decision)
        self.message.setText(message)

    def show_candidate(self, candidate: str) -> None:
        """Show the decision on record for ``candidate`` ("" for none picked)."""
        self.candidate = candidate
        self.message.clear()
        self.setEnabled(bool(candidate) and self.store is not None)
        if not candidate or self.store is None:
            self.current.setText("Pick a candidate to record the panel's decision.")
            return
        from companion.store.decisions import decision_for

        try:
            decision = decision_for(self.store, candidate)
        except CompanionError as exc:
            self.current.setText(f"Cannot read the decision: {exc}")
            return
        self.current.setText(describe(decision, self.pack))
        self._follow(decision)

    def _follow(self, decision: Decision | None) -> None:
        """Start the choices from the decision on record: "On record: Hire at Senior" above
        a level box saying "Mid-level" invited overwriting the level by accident."""
        if decision is None:
            return
        for combo, value in ((self.outcome, decision.outcome), (self.level, decision.level)):
            index = combo.findData(value) if value else -1
            if index >= 0:
                combo.setCurrentIndex(index)

    def record_decision(self) -> None:
        """Store the chosen outcome for the picked candidate (replacing one on record)."""
        if (self.store is None and self.recorder is None) or not self.candidate:
            return
        from companion.store.decisions import record_decision

        outcome = str(self.outcome.currentData())
        try:
            decision = Decision(
                self.candidate, outcome, self.viewer().strip() or getpass.getuser(),
                datetime.now(UTC), self.level.currentData() if outcome == "hire" else None,
                self.note.text().strip())
            if self.recorder is not None:  # the team store answers later, off this thread
                self.recorder(decision)
                self.message.setText("Recording the decision in the team store\u2026")
                return
            assert self.store is not None
            record_decision(self.store, decision)
            from companion.store.loops import close_loops_of

            close_loops_of(self.store, decision.candidate)  # decided: the loop is closed
        except CompanionError as exc:
            self.message.setText(f"Not recorded: {exc}")
            return
        log.info("decision recorded for a candidate: %s", outcome)
        self.note.clear()
        self.current.setText(describe(decision, self.pack))
        self.message.setText("Recorded. Debriefs exported from now on print it.")
        self.recorded.emit(self.candidate)


def describe(decision: Decision | None, pack: Pack | None) -> str:
    """The decision on record in one line, or that there is none."""
    if decision is None:
        return "No decision recorded yet."
    level = pack.find_level(decision.level) if pack is not None and decision.level else None
    when = decision.decided_at.astimezone().strftime("%Y-%m-%d %H:%M")
    note = f" \u00b7 {decision.note}" if decision.note else ""
    return (f"On record: {decision.describe(level.title if level else None)}, decided by "
            f"{decision.decided_by} on {when}{note}")
