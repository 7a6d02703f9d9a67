"""The start screen: a new round, unfinished rounds to resume, past rounds to export.

It forwards intent only: ``start_requested`` carries a ``StartRequest`` (the
window hands it to the live engine), ``resume_requested`` a round id. The loop
plan and its calibration warnings come from ``companion.content.planner``; the PDF
export is imported inside a worker job so reportlab never loads at start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.base.errors import CompanionError
from companion.ui.buttons import push_button
from companion.ui.export_task import ExportJob, ExportStatus, export_file_name, scorecard_job
from companion.ui.item_views import ShyTreeWidget
from companion.ui.round_list import USER, RoundListModel, RoundListView
from companion.ui.round_search import RoundSearchBar
from companion.ui.theme import set_look
from companion.ui.your_rounds import YourRounds

if TYPE_CHECKING:  # the pack, planner and store load after the first frame
    from datetime import datetime

    from companion.content.model import Pack
    from companion.content.planner import LoopPlan, PlannedRound
    from companion.store import Store
    from companion.store.search import RoundFilter, RoundSource

log = logging.getLogger("companion.ui.start")

CODING_CHOICES: tuple[tuple[str, str], ...] = (
    ("", "Level default"),
    ("live", "Live coding"),
    ("take_home", "Take-home"),
    ("both", "Both"),
)


class StartRequest(NamedTuple):
    """What the interviewer filled in, and the planned round to run."""

    candidate: str
    interviewer: str
    archetype: str
    level: str
    planned: PlannedRound
    loop: tuple[str, int] | None = None  # (loop id, round number) when started from a loop


def _when(at: datetime | None) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at else ""


def _card(title: str, parent: QWidget) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(18, 14, 18, 14)
    layout.setSpacing(10)
    heading = QLabel(title, frame)
    heading.setProperty("role", "heading")
    heading.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    layout.addWidget(heading)
    return frame, layout


# Counting every match of a broad word in a long history costs more than the page shown.
COUNT_UP_TO = 1000
BASE_NOTE = "Optional. Whole US dollars a year, e.g. 185000 or 185,000."


def _fit_choices(*combos: QComboBox) -> None:
    """Never narrower than their longest choice: the lists beside them give way instead."""
    for combo in combos:
        combo.setMinimumWidth(combo.sizeHint().width())


def _right_aligned(button: QPushButton) -> QHBoxLayout:
    """A row that pushes ``button`` to the right edge (no Qt alignment flag needed)."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addStretch(1)
    row.addWidget(button)
    return row


class StartScreen(QWidget):
    """New round form, unfinished rounds and past rounds, side by side."""

    start_requested = Signal(object)  # StartRequest
    resume_requested = Signal(str)
    panel_requested = Signal()
    calibration_requested = Signal()
    practice_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startScreen")
        self.pack: Pack | None = None
        self.store: Store | None = None
        self.rounds_source: RoundSource | None = None  # the store, or the first read
        self.export_dir: Path | None = None
        self._plan: LoopPlan | None = None
        self.viewer: Callable[[], str] = lambda: ""  # who is reading; the window sets it
        self.paper: Callable[[], str] = lambda: "a4"  # page size for exports; likewise
        # With a team store: each round's publish state (a word, and the whole story).
        self.publish_states: Callable[[], dict[str, tuple[str, str]]] | None = None

        # Everything sits in a scroll area: on a screen narrower than the form and the
        # lists side by side (under about 850 px) the page scrolls instead of pushing the
        # window off the screen. From 1280 px wide on, it never scrolls.
        self.page_scroll = QScrollArea(self)
        self.page_scroll.setObjectName("startScroll")
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self.page_scroll)
        body.setObjectName("startBody")
        self.page_scroll.setWidget(body)
        title = QLabel("Interview Companion", body)
        title.setProperty("role", "title")
        subtitle = QLabel("Start a round, pick up an unfinished one, or export a scorecard.", body)
        subtitle.setProperty("role", "muted")

        # -- new round ---------------------------------------------------------------------
        new_card, new_layout = _card("New round", body)
        new_card.setObjectName("newRoundCard")
        self.candidate = QLineEdit(new_card)
        self.candidate.setObjectName("candidateInput")
        self.candidate.setPlaceholderText("Candidate's name")
        self.interviewer = QLineEdit(new_card)
        self.interviewer.setObjectName("interviewerInput")
        self.interviewer.setPlaceholderText("Your name")
        self.archetype = QComboBox(new_card)
        self.archetype.setObjectName("archetypeCombo")
        self.level = QComboBox(new_card)
        self.level.setObjectName("levelCombo")
        self.base = QLineEdit(new_card)
        self.base.setObjectName("baseInput")
        # No validator: one would swallow "abc" and turn "-5" into "5" without a word.
        # What is accepted is said below the field, and what is not, in its place.
        self.base.setPlaceholderText("optional: whole US dollars a year, e.g. 185000")
        self.base_note = QLabel(BASE_NOTE, new_card)
        self.base_note.setObjectName("baseNote")
        self.base_note.setProperty("role", "small")
        self.base_note.setWordWrap(True)
        self.coding = QComboBox(new_card)
        self.coding.setObjectName("codingCombo")
        for value, text in CODING_CHOICES:
            self.coding.addItem(text, value)
        self.round = QComboBox(new_card)
        self.round.setObjectName("roundCombo")
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.addRow("Candidate", self.candidate)
        form.addRow("Interviewer", self.interviewer)
        form.addRow("Role", self.archetype)
        form.addRow("Level", self.level)
        form.addRow("Base offer", self.base)
        form.addRow("", self.base_note)
        form.addRow("Coding", self.coding)
        form.addRow("Round", self.round)
        self.round_info = QLabel(new_card)
        self.round_info.setObjectName("roundInfo")
        self.round_info.setProperty("role", "muted")
        self.round_info.setWordWrap(True)
        form.addRow("", self.round_info)
        new_layout.addLayout(form)

        self.warnings = QFrame(new_card)
        self.warnings.setObjectName("planWarnings")
        self.warnings.setProperty("role", "warning")
        self.warnings_text = QLabel(self.warnings)
        self.warnings_text.setObjectName("planWarningsText")
        self.warnings_text.setWordWrap(True)
        warn_layout = QVBoxLayout(self.warnings)
        warn_layout.setContentsMargins(12, 8, 12, 8)
        warn_layout.addWidget(self.warnings_text)
        self.warnings.hide()
        new_layout.addWidget(self.warnings)

        self.form_error = QLabel(new_card)
        self.form_error.setObjectName("startFormError")
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        new_layout.addWidget(self.form_error)
        self.start_button = push_button("Start round", new_card)
        self.start_button.setObjectName("startRoundButton")
        self.start_button.setProperty("role", "primary")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.request_start)
        self._describe_form()
        new_layout.addLayout(_right_aligned(self.start_button))
        new_layout.addStretch(1)

        # -- unfinished rounds ----------------------------------------------------------------
        resume_card, resume_layout = _card("Unfinished rounds", body)
        resume_card.setObjectName("resumeCard")
        self.resume_card = resume_card
        self.unfinished = ShyTreeWidget(resume_card)
        self.unfinished.setObjectName("unfinishedRounds")
        self.unfinished.setHeaderLabels(["Candidate", "Round", "Started"])
        self.unfinished.setRootIsDecorated(False)
        self.unfinished.itemDoubleClicked.connect(lambda *_: self.request_resume())
        self.unfinished.setAccessibleName("Unfinished rounds")
        self.unfinished.setAccessibleDescription("Rounds left before submitting. Return or "
                                                 "Resume opens the selected one.")
        self.unfinished_empty = QLabel("No unfinished rounds. A round you leave before "
                                       "submitting waits here.", resume_card)
        self.unfinished_empty.setObjectName("unfinishedEmpty")
        self.unfinished_empty.setProperty("role", "muted")
        self.unfinished_empty.setWordWrap(True)
        self.resume_button = push_button("Resume", resume_card)
        self.resume_button.setObjectName("resumeButton")
        self.resume_button.clicked.connect(self.request_resume)
        self.resume_button.setAccessibleDescription("Open the selected unfinished round where "
                                                    "it stopped.")
        resume_layout.addWidget(self.unfinished_empty)
        resume_layout.addWidget(self.unfinished, 1)
        resume_layout.addStretch(0)  # takes the room only while the list is hidden
        resume_layout.addLayout(_right_aligned(self.resume_button))

        # -- past rounds ------------------------------------------------------------------------
        past_card, past_layout = _card("Past rounds", body)
        past_card.setObjectName("pastCard")
        # Search and the list live in modules of their own (round_search, round_list).
        self.search = RoundSearchBar(past_card)
        self.search.viewer = lambda: self.viewer()
        self.past = RoundListView(RoundListModel(self), past_card)
        self.past.setObjectName("pastRounds")
        self.past.setAccessibleName("Past rounds")
        self.past.setAccessibleDescription("Submitted scorecards, newest first; select one to "
                                           "export it. Ctrl+F searches them.")
        self.search.changed.connect(self._filter_past)
        self.search.leave_down.connect(lambda: self.past.setFocus())
        self.past.activated.connect(lambda _index: self._open_past())
        self.past.on_current = lambda _row: self._past_chosen()
        self.past_empty = QLabel("No submitted rounds yet. Submitted scorecards are listed "
                                 "here for PDF export.", past_card)
        self.past_empty.setObjectName("pastEmpty")
        self.past_empty.setProperty("role", "muted")
        self.past_empty.setWordWrap(True)
        self.export_button = push_button("Export PDF", past_card)
        self.export_button.setObjectName("exportPdfButton")
        self.export_button.clicked.connect(self.export_selected)
        self.export_button.setAccessibleDescription(
            "Write the selected scorecard as a PDF into the exports folder.")
        self.save_as_button = push_button("Save PDF as…", past_card)
        self.save_as_button.setObjectName("savePdfAsButton")
        self.save_as_button.setAccessibleDescription(
            "Write the selected scorecard as a PDF where you choose.")
        self.save_as_button.clicked.connect(lambda: self.export_selected(ask=True))
        self.panel_button = push_button("Panel debrief…", past_card)
        self.panel_button.setObjectName("panelDebriefButton")
        self.panel_button.setToolTip("Import the panel's scorecard files and export one "
                                     "debrief PDF (Ctrl+Shift+D)")
        self.panel_button.clicked.connect(self.panel_requested)
        self.panel_button.setAccessibleDescription(
            "Import the panel's scorecard files and export one debrief PDF. Shortcut: "
            "Ctrl+Shift+D.")
        self.calibration_button = push_button("Calibration…", past_card)
        self.calibration_button.setObjectName("calibrationButton")
        self.calibration_button.setToolTip("Which interviewers lean or scatter and which "
                                           "questions tell candidates apart (Ctrl+Shift+K)")
        self.calibration_button.clicked.connect(self.calibration_requested)
        self.calibration_button.setAccessibleDescription(
            "How far each interviewer leans and scatters, and which questions tell "
            "candidates apart. Shortcut: Ctrl+Shift+K.")
        self.practice_button = push_button("Practice…", past_card)
        self.practice_button.setObjectName("practiceButton")
        self.practice_button.setToolTip("Rate sample answers, then see the level each was "
                                        "written to show (Ctrl+Shift+E)")
        self.practice_button.clicked.connect(self.practice_requested)
        self.practice_button.setAccessibleDescription(
            "Rater practice on sample answers; never mixed with candidates. Shortcut: "
            "Ctrl+Shift+E.")
        self.export_status = ExportStatus(past_card)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.panel_button)
        row.addWidget(self.save_as_button)
        row.addWidget(self.export_button)
        past_layout.addWidget(self.search)
        past_layout.addWidget(self.past_empty)
        past_layout.addWidget(self.past, 1)
        past_layout.addStretch(0)
        past_layout.addLayout(row)
        # Its own line, the card's width: beside the buttons a saved file's path was
        # squeezed to a word a line and pushed the buttons off screen.
        past_layout.addWidget(self.export_status)
        # Its own line: one more button in the row above would widen the whole window.
        review_row = _right_aligned(self.calibration_button)
        review_row.insertWidget(1, self.practice_button)
        past_layout.addLayout(review_row)
        # Tab follows the reading order, left to right (they were made right to left).
        chain = (self.past, self.panel_button, self.save_as_button, self.export_button,
                 self.export_status.open_folder, self.export_status.save_as_button,
                 self.practice_button, self.calibration_button)
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

        # -- rounds a panel lead assigned (companion.ui.your_rounds) --------------------------
        self.your_rounds = YourRounds(body)
        self.your_rounds.me = lambda: self.interviewer.text().strip()
        self.your_rounds.start_requested.connect(self.start_requested)
        self.interviewer.editingFinished.connect(self.your_rounds.refresh)

        right = QVBoxLayout()
        right.setSpacing(16)
        right.addWidget(self.your_rounds, 0)  # as tall as its rows; the lists below give way
        right.addWidget(resume_card, 2)
        right.addWidget(past_card, 3)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addWidget(new_card, 5)
        columns.addLayout(right, 6)
        # The title and its line share one row: the cards below need the height on a
        # 1280x720 laptop (Your rounds, search and the lists all fit without scrolling).
        heading = QHBoxLayout()
        heading.setSpacing(20)
        heading.addWidget(title)
        heading.addWidget(subtitle, 1)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(28, 16, 28, 16)
        outer.setSpacing(12)
        outer.addLayout(heading)
        outer.addLayout(columns, 1)
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.page_scroll)

        # Enter moves on from the names and starts the round from the last one.
        self.candidate.returnPressed.connect(lambda: self.interviewer.setFocus())
        self.interviewer.returnPressed.connect(self.request_start)
        for combo in (self.archetype, self.level, self.coding):
            combo.currentIndexChanged.connect(self.refresh_plan)
        self.base.editingFinished.connect(self.refresh_plan)
        self.base.textChanged.connect(self._base_edited)
        self.round.currentIndexChanged.connect(self._show_round_info)
        # A message under the form goes as soon as it stops being true.
        for field in (self.candidate, self.interviewer, self.base):
            field.textChanged.connect(self._recheck_form)
        self.round.currentIndexChanged.connect(self._recheck_form)
        self._set_enabled(False)

    # -- data ------------------------------------------------------------------------------
    def set_pack(self, pack: Pack) -> None:
        """Fill the role and level choices from a loaded pack."""
        self.pack = pack
        # Not a Tab stop of its own (an unnamed, invisible one after "Calibration…"): it
        # scrolls to whichever control has the focus. Set here, after the first frame:
        # the first use of the Qt namespace costs about 40 ms (tests/test_startup_path.py).
        self.page_scroll.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        if self.page_scroll.hasFocus():  # it took the focus while it still could
            self.candidate.setFocus()
        for combo in (self.archetype, self.level):
            combo.blockSignals(True)
            combo.clear()
        for arch in pack.archetypes:
            self.archetype.addItem(arch.title, arch.id)
        for rule in pack.levels:
            self.level.addItem(rule.title or rule.id, rule.id)
        for combo in (self.archetype, self.level):
            combo.blockSignals(False)
        self._set_enabled(self.store is not None)
        self.refresh_plan()
        _fit_choices(self.archetype, self.level, self.coding)

    def set_store(self, store: Store, export_dir: Path) -> None:
        """Use ``store`` for the round lists; exports go to ``export_dir``."""
        self.store = store
        self.rounds_source = store
        self.export_dir = export_dir
        self._set_enabled(self.pack is not None)
        self.your_rounds.set_sources(store, self.pack)
        self.search.add_clear_button()
        self.refresh_rounds()

    def show_first_page(self, source: RoundSource) -> None:
        """Fill the lists from ``source`` while the store is still opening."""
        self.rounds_source = source
        self.search.add_clear_button()
        self.refresh_rounds()

    def _set_enabled(self, ready: bool) -> None:
        for w in (self.start_button, self.resume_button, self.export_button,
                  self.save_as_button, self.panel_button, self.calibration_button,
                  self.practice_button):
            w.setEnabled(ready)

    def refresh_plan(self) -> None:
        """Ask the planner for the loop and show its rounds and calibration warnings.

        The chosen round stays chosen when the loop is planned again (another base
        offer or coding format), as long as the new loop still has it.
        """
        if self.pack is None or self.archetype.count() == 0:
            return
        from companion.content.planner import (  # needed once a pack is in
            parse_base_offer,
            plan_loop,
        )

        try:
            base = parse_base_offer(self.base.text())
        except CompanionError as exc:
            base = None  # planned without it; the field says what to type
            self._show_base_problem(str(exc))
        else:
            self._show_base_problem("")
        chosen = self.chosen_round()
        try:
            self._plan = plan_loop(self.pack, self.archetype.currentData(),
                                   self.level.currentData(), base=base,
                                   coding=self.coding.currentData() or None)
        except CompanionError as exc:
            self._plan = None
            self._show_warnings([str(exc)])
            return
        self.round.blockSignals(True)
        self.round.clear()
        for i, planned in enumerate(self._plan.rounds):
            if planned.offline:
                continue  # done on the candidate's own time: nothing to run live
            t = planned.template
            self.round.addItem(f"{t.title} ({t.minutes} min)", i)
            if chosen is not None and t.id == chosen.template.id:
                self.round.setCurrentIndex(self.round.count() - 1)
        self.round.blockSignals(False)
        self._show_round_info()
        self._show_warnings([w.message for w in self._plan.warnings])
        _fit_choices(self.round)

    def chosen_round(self) -> PlannedRound | None:
        """The planned round picked in the form, if any."""
        index = self.round.currentData()
        if self._plan is None or index is None:
            return None
        return self._plan.rounds[int(index)]

    def _base_edited(self) -> None:
        """While the field is being corrected, a problem it no longer has goes away."""
        if self.base_note.property("role") == "error":
            from companion.content.planner import parse_base_offer

            try:
                parse_base_offer(self.base.text())
            except CompanionError:
                return
            self._show_base_problem("")

    def _show_base_problem(self, problem: str) -> None:
        self.base_note.setText(f"{problem[:1].upper()}{problem[1:]}." if problem else BASE_NOTE)
        set_look(self.base_note, "role", "error" if problem else "small")
        self.base.setAccessibleDescription(self.base_note.text())

    def _show_round_info(self) -> None:
        """The chosen round's sections and how many items it brings, in one line."""
        planned = self.chosen_round()
        if planned is None or self.pack is None:
            self.round_info.clear()
            return
        sections = " · ".join(f"{s.title} {s.minutes}′" for s in planned.template.sections)
        kinds = [item.kind for i in planned.items if (item := self.pack.find_item(i))]
        parts = [f"{n} {kind}{'s' if n != 1 else ''}"
                 for kind in ("question", "scenario") if (n := kinds.count(kind))]
        items = ", ".join(parts) if parts else "No questions from the pack"
        self.round_info.setText(f"{sections}\n{items}")

    def _show_warnings(self, messages: list[str]) -> None:
        # Pack text is shown as typed, never as markup.
        self.warnings_text.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        self.warnings_text.setText("\n".join(f"⚠ {m}" for m in messages))
        self.warnings.setVisible(bool(messages))

    def refresh_rounds(self) -> None:
        """Re-read the unfinished rounds and the first page of the past ones."""
        source = self.rounds_source
        if source is None:
            return
        self.your_rounds.pack = self.pack
        self.your_rounds.refresh()
        from companion.store.search import RoundFilter

        self.unfinished.clear()
        for s in source.search_rounds(RoundFilter(unfinished=True)):
            item = QTreeWidgetItem([s.candidate, s.round_title, _when(s.started_at)])
            item.setData(0, USER, s.id)  # (Qt.ItemDataRole.UserRole: see round_list.USER)
            self.unfinished.addTopLevelItem(item)
        first = self.unfinished.topLevelItem(0)
        if first is not None:
            self.unfinished.setCurrentItem(first)
        for col in range(self.unfinished.columnCount() - 1):
            self.unfinished.resizeColumnToContents(col)
        has_rows = self.unfinished.topLevelItemCount() > 0
        self.unfinished_empty.setVisible(not has_rows)
        self.unfinished.setVisible(has_rows)
        self.resume_button.setEnabled(has_rows)
        self.search.show_notice(source.search_notice)
        self.past.rounds.set_states(self.publish_states() if self.publish_states else None)
        self.past.rounds.set_source(source)
        self._filter_past(self.search.current())
        # With assigned rounds shown, an empty "Unfinished rounds" gives its room to them
        # (at 1366x768 all three cards would not fit without scrolling).
        self.resume_card.setVisible(self.unfinished.topLevelItemCount() > 0
                                    or self.your_rounds.isHidden())

    def _filter_past(self, wanted: RoundFilter) -> None:
        """Show the rounds ``wanted`` asks for; say how many when a filter is on."""
        source = self.rounds_source
        if source is None:
            return
        self.past.rounds.set_filter(wanted)
        self.past.fit_columns(self.publish_states is not None)
        filtered = wanted != type(wanted)(submitted=True)
        has_rows = self.past.rounds.rowCount() > 0
        self.past_empty.setText(
            "No round matches the search and filters." if filtered else
            "No submitted rounds yet. Submitted scorecards are listed here for PDF export.")
        self.past_empty.setVisible(not has_rows)
        self.past.setVisible(has_rows)
        if filtered:
            n = source.count_rounds(wanted, at_most=COUNT_UP_TO)
            found = (f"More than {COUNT_UP_TO:,} rounds match." if n > COUNT_UP_TO else
                     f"{n:,} round{'s' if n != 1 else ''} match{'es' if n == 1 else ''}.")
            self.search.show_notice(" ".join(filter(None, (found, source.search_notice))))
        else:
            self.search.show_notice(source.search_notice)
        self._past_chosen()

    def _past_chosen(self) -> None:
        """Export needs a submitted round chosen (and the store open, not just read)."""
        chosen = self.past.current_round()
        can = (chosen is not None and chosen.submitted_at is not None
               and self.pack is not None and self.store is not None)
        self.export_button.setEnabled(can)
        self.save_as_button.setEnabled(can)

    def _open_past(self) -> None:
        """Return on a round: resume an unfinished one (a submitted one is exported with
        the buttons)."""
        chosen = self.past.current_round()
        if chosen is not None and chosen.submitted_at is None:
            self.resume_requested.emit(chosen.id)

    def refresh_publish_states(self) -> None:
        """Write each past round's team-store state in its column, keeping the selection."""
        if self.publish_states is not None:
            self.past.rounds.set_states(self.publish_states())

    # -- intent --------------------------------------------------------------------------------
    def form_problem(self) -> str:
        """What keeps the form from starting a round, or ""."""
        from companion.content.planner import parse_base_offer

        if not self.candidate.text().strip():
            return "Enter the candidate's name."
        if not self.interviewer.text().strip():
            return "Enter your name as the interviewer."
        try:
            parse_base_offer(self.base.text())
        except CompanionError:
            return "Correct the base offer, or leave it empty."
        if self.chosen_round() is None:
            return "Choose a round of the loop plan."
        return ""

    def request_start(self) -> None:
        """Check the form and emit ``start_requested``; problems show under the form."""
        problem = self.form_problem()
        self.form_error.setText(problem)
        self.form_error.setVisible(bool(problem))
        planned = self.chosen_round()
        if problem or planned is None:
            return
        self.start_requested.emit(StartRequest(self.candidate.text().strip(),
                                               self.interviewer.text().strip(),
                                               self.archetype.currentData(),
                                               self.level.currentData(), planned))

    def _recheck_form(self) -> None:
        """A message under the form goes (or changes) once it is no longer true."""
        if self.form_error.isHidden():
            return
        problem = self.form_problem()
        self.form_error.setText(problem)
        self.form_error.setVisible(bool(problem))

    def on_shown(self) -> None:
        """Back on this screen: messages about an earlier moment are no longer true."""
        self.form_error.hide()
        self.export_status.clear()

    def show_start_error(self, message: str) -> None:
        self.form_error.setText(message)
        self.form_error.show()

    def request_resume(self) -> None:
        item = self.unfinished.currentItem()
        if item is not None:
            self.resume_requested.emit(str(item.data(0, QtCore.Qt.ItemDataRole.UserRole)))

    def selected_past_round(self) -> str | None:
        chosen = self.past.current_round()
        return chosen.id if chosen is not None and chosen.submitted_at is not None else None

    def export_selected(self, ask: bool = False) -> None:
        """Export the selected past round as a PDF, off the GUI thread: into the exports
        folder, or (``ask``) where the user chooses."""
        round_id = self.selected_past_round()
        if round_id is None or self.store is None or self.pack is None or self.export_dir is None:
            return
        if self.export_status.running:
            return
        from companion.record.independence import access_to

        access = access_to(self.viewer(), [round_id], self.store)
        if not access.allowed:  # a colleague's scorecard while one's own is still open
            self.export_status.refuse(access.reason)
            return
        try:
            scorecard = self.store.load_scorecard(round_id)
        except CompanionError as exc:
            self.export_status.refuse(f"Export failed: {exc}")
            return
        target = self.export_dir / export_file_name(scorecard.candidate, scorecard.round_title,
                                                    scorecard.submitted_at)
        job: ExportJob = scorecard_job(scorecard, self.pack, self.paper())
        what = f"{scorecard.candidate} ({scorecard.round_title})"
        if ask:
            self.export_status.save_as(job, target, what)
        else:
            self.export_status.start(job, target, what)

    def _describe_form(self) -> None:
        """Names and descriptions for screen readers (the form's labels name the fields)."""
        for widget, name, what in (
                (self.candidate, "Candidate", "The candidate's name, in any script."),
                (self.interviewer, "Interviewer", "Your name; it is remembered."),
                (self.archetype, "Role", "The archetype the loop is planned for."),
                (self.level, "Level", "Mid, senior or staff."),
                (self.base, "Base offer", BASE_NOTE),
                (self.coding, "Coding", "Live coding, a take-home, both, or the level's "
                                        "default."),
                (self.round, "Round", "Which round of the loop plan you are running."),
                (self.start_button, "Start round", "Open the live round. Return in your "
                                                   "name's field does the same.")):
            widget.setAccessibleName(name)
            widget.setAccessibleDescription(what)
