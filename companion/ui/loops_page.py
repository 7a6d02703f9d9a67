"""The Loops page: a panel lead plans a candidate's loop, assigns its rounds, sees who is late.

Keyboard-first like the other pages: the list of loops, the selected loop's rounds,
and two short forms (a new loop; assign a round), each ending in a default button
that Return presses. The rules (planning, assigning, status, coverage) live in
``companion.loop``; saving goes through ``store.loops`` (and, with a team store,
through ``hooks``, which the window sets).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.base.errors import CompanionError
from companion.ui.item_views import ShyTreeWidget

if TYPE_CHECKING:
    from companion.content.model import Pack
    from companion.loop.model import Loop
    from companion.loop.status import Seen
    from companion.store import Store
    from companion.ui.team_loops import TeamLoopSource


def _tree(name: str, headers: list[str], parent: QWidget) -> QTreeWidget:
    tree = ShyTreeWidget(parent)
    tree.setObjectName(name)
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    return tree


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("role", "heading")
    return label


class LoopsPage(QWidget):
    """One page of the window's stack; ``back_requested`` returns to the start screen."""

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loops.page")
        self.store: Store | None = None
        self.pack: Pack | None = None
        self.lead: Callable[[], str] = lambda: ""  # who plans; the window sets it
        self.team: TeamLoopSource | None = None  # with a team store, changes go there first
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._loops: list[Loop] = []
        self._team_seen: dict[str, list[Seen]] = {}  # published scorecards, per loop id

        title = QLabel("Loops", self)
        title.setProperty("role", "title")
        self.back_button = QPushButton("Back to rounds", self)
        self.back_button.setObjectName("loopsBackButton")
        self.back_button.setAccessibleDescription("Return to the start screen. Shortcut: "
                                                  "Ctrl+Shift+N.")
        self.back_button.clicked.connect(self.back_requested)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.back_button)

        # -- the loops ------------------------------------------------------------------------
        self.loops = _tree("loopsList", ["Candidate", "Role", "Where it stands"], self)
        self.loops.setAccessibleName("Loops")
        self.loops.setAccessibleDescription("Every candidate's loop with where it stands. "
                                            "Select one to see and assign its rounds.")
        self.loops.currentItemChanged.connect(lambda *_: self.show_selected())
        self.empty = QLabel("No loops yet. Plan one below: candidate, role and level.", self)
        self.empty.setObjectName("loopsEmpty")
        self.empty.setProperty("role", "muted")

        # -- a new loop -------------------------------------------------------------------------
        self.candidate = QLineEdit(self)
        self.candidate.setObjectName("loopCandidateInput")
        self.candidate.setPlaceholderText("Candidate's name")
        self.archetype = QComboBox(self)
        self.archetype.setObjectName("loopArchetypeCombo")
        self.level = QComboBox(self)
        self.level.setObjectName("loopLevelCombo")
        self.base = QLineEdit(self)
        self.base.setObjectName("loopBaseInput")
        self.base.setPlaceholderText("optional: whole US dollars a year")
        self.create_button = QPushButton("Create loop", self)
        self.create_button.setObjectName("createLoopButton")
        self.create_button.setProperty("role", "primary")
        self.create_button.clicked.connect(self.create_loop)
        self.candidate.returnPressed.connect(self.create_loop)
        new_form = QFormLayout()
        new_form.addRow("Candidate", self.candidate)
        new_form.addRow("Role", self.archetype)
        new_form.addRow("Level", self.level)
        new_form.addRow("Base offer", self.base)

        # -- the selected loop ----------------------------------------------------------------
        self.summary = QLabel(self)
        self.summary.setObjectName("loopSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.rounds = _tree("loopRounds", ["#", "Round", "Interviewer", "When", "State",
                                           "Late", "Measures"], self)
        self.rounds.setAccessibleName("Rounds of the selected loop")
        self.rounds.setAccessibleDescription("Each round with its interviewer, time, state "
                                             "and how late its scorecard is. Select one to "
                                             "assign it below.")
        self.rounds.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rounds.currentItemChanged.connect(lambda *_: self._fill_assign())
        self.coverage = QLabel(self)
        self.coverage.setObjectName("loopCoverage")
        self.coverage.setProperty("role", "warning")
        self.coverage.setWordWrap(True)
        self.coverage.setTextFormat(Qt.TextFormat.PlainText)
        self.interviewer = QLineEdit(self)
        self.interviewer.setObjectName("assignInterviewerInput")
        self.interviewer.setPlaceholderText("Interviewer's name")
        self.when = QLineEdit(self)
        self.when.setObjectName("assignWhenInput")
        self.when.setPlaceholderText("YYYY-MM-DD HH:MM (optional)")
        self.assign_button = QPushButton("Assign round", self)
        self.assign_button.setObjectName("assignRoundButton")
        self.assign_button.clicked.connect(self.assign_selected)
        self.interviewer.returnPressed.connect(self.assign_selected)
        self.when.returnPressed.connect(self.assign_selected)
        assign_row = QHBoxLayout()
        assign_row.addWidget(QLabel("Assign to", self))
        assign_row.addWidget(self.interviewer, 2)
        assign_row.addWidget(QLabel("at", self))
        assign_row.addWidget(self.when, 1)
        assign_row.addWidget(self.assign_button)
        self.message = QLabel(self)
        self.message.setObjectName("loopsMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        left = QVBoxLayout()
        left.addWidget(_heading("Candidates' loops", self))
        left.addWidget(self.empty)
        left.addWidget(self.loops, 1)
        left.addWidget(_heading("New loop", self))
        left.addLayout(new_form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.create_button)
        left.addLayout(row)
        right = QVBoxLayout()
        right.addWidget(_heading("Rounds", self))
        right.addWidget(self.summary)
        right.addWidget(self.rounds, 1)
        right.addWidget(self.coverage)
        right.addLayout(assign_row)
        right.addWidget(self.message)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addLayout(left, 4)
        columns.addLayout(right, 7)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 20, 28, 24)
        outer.addLayout(top)
        outer.addLayout(columns, 1)
        self._describe()

    def _describe(self) -> None:
        for widget, name, what in (
                (self.candidate, "Candidate", "The candidate the new loop is for. Return "
                                              "creates the loop."),
                (self.archetype, "Role", "The archetype the loop is planned for."),
                (self.level, "Level", "Mid, senior or staff."),
                (self.base, "Base offer", "Optional. Whole US dollars a year."),
                (self.create_button, "Create loop", "Plan the loop's rounds for this "
                                                    "candidate, role and level."),
                (self.interviewer, "Assign to", "The interviewer for the selected round, as "
                                                "on their scorecards. Return assigns."),
                (self.when, "Starts at", "When the selected round starts, in your time "
                                         "zone; optional."),
                (self.assign_button, "Assign round", "Give the selected round to the "
                                                     "interviewer named.")):
            widget.setAccessibleName(name)
            widget.setAccessibleDescription(what)

    # -- data ------------------------------------------------------------------------------------
    def set_sources(self, store: Store, pack: Pack) -> None:
        self.store, self.pack = store, pack
        for combo in (self.archetype, self.level):
            combo.clear()
        for arch in pack.archetypes:
            self.archetype.addItem(arch.title, arch.id)
        for rule in pack.levels:
            self.level.addItem(rule.title or rule.id, rule.id)
        self.refresh()

    def refresh(self, keep: str | None = None) -> None:
        """Re-read the loops; the one with id ``keep`` (or the selected one) stays selected."""
        if self.store is None:
            return
        from companion.loop.status import loop_state
        from companion.store.loops import list_loops

        shown = self.selected()
        current = keep or (shown.id if shown is not None else None)
        try:
            self._loops = [lp for lp, _ in list_loops(self.store)]
        except CompanionError as exc:
            self._loops = []
            self.message.setText(str(exc))
        self.loops.blockSignals(True)
        self.loops.clear()
        now = self.now()
        for lp in self._loops:
            state = loop_state(lp, self._evidence(lp), now)
            item = QTreeWidgetItem([lp.candidate, f"{lp.archetype}, {lp.level}",
                                    state.summary()])
            item.setToolTip(2, state.summary())
            self.loops.addTopLevelItem(item)
            if lp.id == current:
                self.loops.setCurrentItem(item)
        first = self.loops.topLevelItem(0)
        if self.loops.currentItem() is None and first is not None:
            self.loops.setCurrentItem(first)
        self.loops.blockSignals(False)
        for col in range(2):
            self.loops.resizeColumnToContents(col)
        self.empty.setVisible(not self._loops)
        self.show_selected()

    def selected(self) -> Loop | None:
        item = self.loops.currentItem()
        index = self.loops.indexOfTopLevelItem(item) if item is not None else -1
        return self._loops[index] if 0 <= index < len(self._loops) else None

    def show_selected(self) -> None:
        """The selected loop's rounds, status line and coverage warnings."""
        from companion.loop.coverage import loop_coverage, round_dimensions
        from companion.loop.status import hours, loop_state

        loop = self.selected()
        self.rounds.clear()
        enabled = loop is not None and not loop.closed
        for w in (self.interviewer, self.when, self.assign_button):
            w.setEnabled(enabled)
        if loop is None or self.store is None or self.pack is None:
            self.summary.setText("Select a loop, or plan a new one.")
            self.coverage.hide()
            return
        state = loop_state(loop, self._evidence(loop), self.now())
        arch = self.pack.find_archetype(loop.archetype)
        for r in state.rounds:
            at = r.round.scheduled_at
            dims = [arch.label(d) if arch else d for d in round_dimensions(self.pack, r.round)]
            item = QTreeWidgetItem([
                str(r.number), r.round.title, r.round.interviewer or "unassigned",
                at.astimezone().strftime("%d %b %H:%M") if at else "",
                "not yet published" if r.unpublished_since else r.state, hours(r.late_by),
                ", ".join(dims) or "-"])
            item.setToolTip(4, r.describe())
            item.setToolTip(6, item.text(6))
            self.rounds.addTopLevelItem(item)
        # The last column (what each round measures) takes the room left, elided, whole
        # in its tooltip: at 1366 px the table never scrolls sideways.
        for col in range(self.rounds.columnCount() - 1):
            self.rounds.resizeColumnToContents(col)
        first_round = self.rounds.topLevelItem(0)
        if first_round is not None:
            self.rounds.setCurrentItem(first_round)
        self.summary.setText(f"{loop.candidate}: {state.summary()}")
        warnings = loop_coverage(self.pack, loop).warnings()
        self.coverage.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.coverage.setVisible(bool(warnings))

    def _fill_assign(self) -> None:
        loop, item = self.selected(), self.rounds.currentItem()
        if loop is None or item is None:
            return
        r = loop.round_at(int(item.text(0)))
        self.interviewer.setText(r.interviewer)
        self.when.setText(r.scheduled_at.astimezone().strftime("%Y-%m-%d %H:%M")
                          if r.scheduled_at else "")

    # -- intent ----------------------------------------------------------------------------------
    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "error" if error else "small")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def set_team(self, source: TeamLoopSource) -> None:
        self.team = source
        source.saved.connect(self._saved)
        source.loaded.connect(self._loaded)
        source.failed.connect(lambda message: self._say(message, error=True))

    def _loaded(self, loops: list[Loop], seen: dict[str, list[Seen]]) -> None:
        """The team store's loops and published scorecards: kept here, then shown."""
        from companion.store.loops import save_loop

        if self.store is None:
            return
        for loop in loops:
            save_loop(self.store, loop, "team")
        self._team_seen = seen
        self.refresh()

    def _evidence(self, loop: Loop) -> list[Seen]:
        from companion.store.loops import local_evidence

        assert self.store is not None
        return local_evidence(self.store, loop) + self._team_seen.get(loop.id, [])

    def _save(self, loop: Loop, number: int | None) -> None:
        """Keep ``loop`` (the team store first, when there is one); ``_saved`` follows."""
        from companion.store.loops import save_loop

        if self.team is not None:
            self._say("Saving to the team store…")
            self.team.save(loop, number)
            return
        assert self.store is not None
        save_loop(self.store, loop, "local")
        self._saved(loop, number)

    def _saved(self, loop: Loop, number: int | None) -> None:
        from companion.store.loops import save_loop

        if self.store is None:
            return
        if self.team is not None:
            save_loop(self.store, loop, "team")  # the server's copy, as it stored it
        self.refresh(keep=loop.id)
        if number is None:
            self._say(f"Loop of {loop.candidate} planned: {len(loop.rounds)} rounds. Assign "
                      "each one below.")
            self.rounds.setFocus()
            return
        r = loop.round_at(number)
        self._say(f"Round {number} ({r.title}): {r.interviewer or 'nobody'}.")
        nxt = self.rounds.topLevelItem(min(number, self.rounds.topLevelItemCount() - 1))
        if nxt is not None:
            self.rounds.setCurrentItem(nxt)
        self.interviewer.setFocus()

    def create_loop(self) -> None:
        from companion.content.planner import parse_base_offer, plan_loop
        from companion.loop.model import loop_from_plan

        if self.store is None or self.pack is None:
            return
        try:
            plan = plan_loop(self.pack, self.archetype.currentData(), self.level.currentData(),
                             base=parse_base_offer(self.base.text()))
            lead = self.lead().strip() or getpass.getuser()
            loop = loop_from_plan(plan, self.candidate.text(), lead)
            self._save(loop, None)
        except CompanionError as exc:
            self._say(f"Cannot create the loop: {exc}", error=True)
            return
        self.candidate.clear()

    def assign_selected(self) -> None:
        from companion.loop.model import assign

        loop, item = self.selected(), self.rounds.currentItem()
        if loop is None or item is None or self.store is None:
            return
        number = int(item.text(0))
        try:
            when = _parse_when(self.when.text()) if self.when.text().strip() else None
            self._save(assign(loop, number, self.interviewer.text(), when, keep_time=False),
                       number)
        except CompanionError as exc:
            self._say(f"Cannot assign round {number}: {exc}", error=True)

    def on_shown(self) -> None:
        self._say("")
        self.refresh()
        if self.team is not None:
            self.team.load()  # the server's view follows in _loaded
        (self.loops if self._loops else self.candidate).setFocus()


def _parse_when(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CompanionError(f"{text.strip()!r} is not a date and time; write "
                             "YYYY-MM-DD HH:MM") from None
    return (at if at.tzinfo else at.astimezone()).astimezone(UTC)
