"""The panel debrief page: import the panel's scorecard files, pick a candidate, record
the panel's decision, export.

Layout and intent only. Importing, grouping and the independence rule live in
``companion.export.panel_select`` (plain Python); the PDF is rendered by
``companion.export.panel_pdf`` inside the export worker, off the GUI thread.

When a team store is configured the page reads it instead ("From the team
store", on by default): candidates, a candidate's scorecards with their
amendments, and the panel's decision come from the server through
``TeamPanelSource`` (off the GUI thread), which also records the decision there.
The server's rules decide what the login may read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.base.errors import CompanionError
from companion.ui.decision_box import DecisionBox
from companion.ui.export_task import ExportStatus, export_file_name, panel_job
from companion.ui.item_views import ShyTreeWidget
from companion.ui.theme import set_look

if TYPE_CHECKING:
    from companion.content.model import Pack
    from companion.export.panel_select import PanelGroup
    from companion.record.decision import Decision
    from companion.record.independence import Access
    from companion.record.scorecard import Scorecard
    from companion.store import Store
    from companion.team.reading import TeamPanel
    from companion.team.server import CandidateSummary
    from companion.ui.team_panel import TeamPanelSource

log = logging.getLogger("companion.ui.panel")

FILE_FILTER = "Scorecard files (*.icscore.json *.json);;All files (*)"
LOCAL_INTRO = ("Import the scorecard files your panel sent you, choose the candidate, and "
               "export one PDF that puts their disagreements first.")
TEAM_INTRO = ("Candidates from the team store, as far as your login may read them. Choose one, "
              "record the panel's decision, and export one PDF that puts their disagreements "
              "first.")


def _when(at: datetime | None) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at else ""


class Notice(QFrame):
    """A message line: plain for good news, in the warning frame for refusals."""

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.label = QLabel(self)
        self.label.setObjectName(f"{name}Text")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.label)
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def say(self, text: str, warn: bool) -> None:
        set_look(self, "role", "warning" if warn else "")
        # Framed when warning; plain text lines up with the rest of the page otherwise.
        self._layout.setContentsMargins(*((12, 8, 12, 8) if warn else (0, 0, 0, 0)))
        set_look(self.label, "role", "" if warn else "ok")
        self.label.setText(text)
        self.show()


class PanelPage(QWidget):
    """One page of the window's stack; ``back_requested`` returns to the start screen."""

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel.page")
        self.store: Store | None = None
        self.pack: Pack | None = None
        self.export_dir: Path | None = None
        self.viewer: Callable[[], str] = lambda: ""  # the window points it at its settings
        self.paper: Callable[[], str] = lambda: "a4"  # page size for the debrief; likewise
        self.groups: list[PanelGroup] = []  # in combo order
        self.team_source: TeamPanelSource | None = None
        self.team_candidates: list[CandidateSummary] = []  # in combo order, in team mode
        self.team_panel: TeamPanel | None = None  # the picked candidate's, once read
        self.team_decision: Decision | None = None  # the team store's, on that candidate

        title = QLabel("Panel debrief", self)
        title.setProperty("role", "title")
        intro = QLabel(LOCAL_INTRO, self)
        intro.setProperty("role", "muted")
        intro.setWordWrap(True)
        self.intro = intro
        self.from_team = QCheckBox("From the team store", self)
        self.from_team.setObjectName("panel.fromTeam")
        self.from_team.setToolTip("Candidates and scorecards your team-store login may read, "
                                  "instead of the ones on this computer")
        self.from_team.hide()
        self.from_team.toggled.connect(lambda _on: self.refresh())

        self.import_button = QPushButton("Import scorecard files…", self)
        self.import_button.setObjectName("panel.import")
        self.import_button.clicked.connect(self.import_files)
        self.import_button.setAccessibleDescription(
            "Choose the scorecard files your colleagues exported; each is checked first.")
        self.import_message = Notice("panel.importMessage", self)

        self.candidate = QComboBox(self)
        self.candidate.setObjectName("panel.candidate")
        self.candidate.setMinimumContentsLength(28)
        self.candidate.currentIndexChanged.connect(self._show_group)
        self.candidate.setAccessibleName("Candidate")
        self.candidate.setAccessibleDescription("Whose submitted scorecards to merge.")
        self.empty = QLabel("No submitted scorecards yet. Import the files your colleagues "
                            "exported, or submit your own round first.", self)
        self.empty.setObjectName("panel.empty")
        self.empty.setProperty("role", "muted")
        self.empty.setWordWrap(True)

        self.scorecards = ShyTreeWidget(self)
        self.scorecards.setObjectName("panel.scorecards")
        # Names and dates only: no scores show here, so nothing leaks before the rule allows.
        self.scorecards.setHeaderLabels(["Interviewer", "Round", "Submitted"])
        self.scorecards.setRootIsDecorated(False)
        self.scorecards.setAlternatingRowColors(True)
        self.scorecards.setAccessibleName("Scorecards")
        self.scorecards.setAccessibleDescription(
            "The candidate's submitted scorecards; untick one to leave it out. Space ticks.")
        self.notice = Notice("panel.notice", self)  # why the rule holds this panel back
        self.decision = DecisionBox(self)
        self.decision.viewer = lambda: self.viewer()

        self.export_button = QPushButton("Export debrief PDF", self)
        self.export_button.setObjectName("panel.export")
        self.export_button.setProperty("role", "primary")
        self.export_button.clicked.connect(self.export)
        self.export_button.setAccessibleDescription(
            "Write the ticked scorecards as one debrief PDF into the exports folder.")
        self.save_as_button = QPushButton("Save as…", self)
        self.save_as_button.setObjectName("panel.saveAs")
        self.save_as_button.setAccessibleDescription(
            "Write the debrief PDF where you choose.")
        self.save_as_button.clicked.connect(lambda: self.export(ask=True))
        self.back_button = QPushButton("Back to rounds", self)
        self.back_button.setObjectName("panel.back")
        self.back_button.clicked.connect(self.back_requested)
        self.back_button.setAccessibleDescription("Return to the start screen.")
        self.export_status = ExportStatus(self)

        import_row = QHBoxLayout()
        import_row.addWidget(self.import_button)
        import_row.addStretch(1)
        import_row.addWidget(self.from_team)
        pick_row = QHBoxLayout()
        pick_label = QLabel("Candidate", self)
        pick_label.setBuddy(self.candidate)
        pick_row.addWidget(pick_label)
        pick_row.addWidget(self.candidate, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.save_as_button)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(import_row)
        layout.addWidget(self.import_message)
        layout.addLayout(pick_row)
        layout.addWidget(self.empty)
        layout.addWidget(self.scorecards, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.decision)
        layout.addLayout(buttons)
        layout.addWidget(self.export_status)

    def set_sources(self, store: Store, pack: Pack | None, export_dir: Path) -> None:
        self.store, self.pack, self.export_dir = store, pack, export_dir
        self.decision.set_sources(store, pack)

    def set_team(self, source: TeamPanelSource | None) -> None:
        """Read the team store through ``source`` (None: this computer only)."""
        self.team_source = source
        self.from_team.setVisible(source is not None)
        self.from_team.setChecked(source is not None)
        if source is not None:
            source.candidates_loaded.connect(self._team_candidates_loaded)
            source.panel_loaded.connect(self._team_panel_loaded)
            source.decision_recorded.connect(self._team_decision_recorded)
            source.failed.connect(self._team_failed)

    @property
    def team_mode(self) -> bool:
        return self.team_source is not None and self.from_team.isChecked()

    # -- data --------------------------------------------------------------------------------
    def refresh(self, select: tuple[str, str, str] | None = None) -> None:
        """Re-read the panels from the store; keep (or move to) the ``select`` group."""
        self.import_button.setVisible(not self.team_mode)
        self.intro.setText(TEAM_INTRO if self.team_mode else LOCAL_INTRO)
        self.decision.recorder = self._record_in_team if self.team_mode else None
        if self.team_mode:
            self._refresh_team()
            return
        if self.store is None:
            return
        from companion.export.panel_select import load_panels, needs_pack_label

        keep = select or self._current_key()
        try:
            self.groups = load_panels(self.store)
        except CompanionError as exc:
            self.groups = []
            self.import_message.say(f"Cannot read the stored scorecards: {exc}", warn=True)
        with_pack = needs_pack_label(self.groups)
        self.candidate.blockSignals(True)
        self.candidate.clear()
        for g in self.groups:
            self.candidate.addItem(g.label(g.key in with_pack))
        keys = [g.key for g in self.groups]
        self.candidate.setCurrentIndex(keys.index(keep) if keep in keys else 0)
        self.candidate.blockSignals(False)
        has = bool(self.groups)
        self.empty.setVisible(not has)
        for w in (self.candidate, self.scorecards, self.export_button, self.save_as_button):
            w.setEnabled(has)
        self._show_group()

    def _current_key(self) -> tuple[str, str, str] | None:
        group = self.current_group()
        return None if group is None else group.key

    def current_group(self) -> PanelGroup | None:
        if self.team_mode:
            return self._team_group()
        i = self.candidate.currentIndex()
        return self.groups[i] if 0 <= i < len(self.groups) else None

    def _show_group(self) -> None:
        """List the picked candidate's scorecards and say now if the rule holds them back."""
        self.scorecards.clear()
        if self.team_mode:
            self._load_team_panel()
            return
        group = self.current_group()
        self.decision.show_candidate(group.candidate if group is not None else "")
        if group is None:
            self.notice.hide()
            return
        self._list(group.scorecards)
        access = self._access(group.scorecards)
        if access.allowed:
            self.notice.hide()
        else:
            self.notice.say(access.reason, warn=True)

    def _list(self, scorecards: Sequence[Scorecard]) -> None:
        for sc in scorecards:
            item = QTreeWidgetItem([sc.interviewer, sc.round_title, _when(sc.submitted_at)])
            item.setData(0, Qt.ItemDataRole.UserRole, sc.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked)
            self.scorecards.addTopLevelItem(item)
        for col in range(self.scorecards.columnCount() - 1):
            self.scorecards.resizeColumnToContents(col)
        # Measuring the columns left the last row at a height taken too early (19 px
        # against the others' 29 at the default size): lay the rows out again.
        self.scorecards.doItemsLayout()

    # -- the team store ------------------------------------------------------------------------
    def _refresh_team(self) -> None:
        assert self.team_source is not None
        self.team_panel = None
        self.candidate.blockSignals(True)
        self.candidate.clear()
        self.candidate.blockSignals(False)
        self.scorecards.clear()
        self.empty.setText("Reading the candidates from the team store\u2026")
        self.empty.show()
        for w in (self.candidate, self.scorecards, self.export_button, self.save_as_button):
            w.setEnabled(False)
        self.notice.hide()
        self.decision.show_recorded("", None)
        self.team_source.load_candidates()

    def _team_candidates_loaded(self, candidates: list[CandidateSummary]) -> None:
        if not self.team_mode:
            return
        keep = self.candidate.currentText().split(" \u00b7 ")[0]
        self.team_candidates = list(candidates)
        self.candidate.blockSignals(True)
        self.candidate.clear()
        for c in self.team_candidates:
            self.candidate.addItem(f"{c.name} \u00b7 {c.scorecards} "
                                   f"scorecard{'s' if c.scorecards != 1 else ''}")
        names = [c.name for c in self.team_candidates]
        self.candidate.setCurrentIndex(names.index(keep) if keep in names else 0)
        self.candidate.blockSignals(False)
        has = bool(self.team_candidates)
        self.empty.setText("No scorecards in the team store that your login may read yet.")
        self.empty.setVisible(not has)
        self.candidate.setEnabled(has)
        self._show_group()

    def _team_candidate(self) -> str:
        i = self.candidate.currentIndex()
        return self.team_candidates[i].name if 0 <= i < len(self.team_candidates) else ""

    def _load_team_panel(self) -> None:
        self.team_panel = self.team_decision = None
        name = self._team_candidate()
        for w in (self.scorecards, self.export_button, self.save_as_button):
            w.setEnabled(False)
        self.notice.hide()
        if not name or self.team_source is None:
            self.decision.show_recorded("", None)
            return
        self.decision.show_recorded(name, None, "Reading the team store\u2026")
        self.team_source.load_panel(name, self.pack)

    def _team_panel_loaded(self, panel: TeamPanel) -> None:
        from companion.record.names import fold_name

        if not self.team_mode or fold_name(panel.candidate) != fold_name(
                self._team_candidate()):
            return
        self.team_panel = panel
        self.team_decision = panel.app_decision()
        self.scorecards.clear()
        self._list(panel.scorecards)
        has = bool(panel.scorecards)
        for w in (self.scorecards, self.export_button, self.save_as_button):
            w.setEnabled(has)
        self.decision.show_recorded(panel.candidate, self.team_decision)
        if panel.problems:  # one bad row never hides the others
            self.notice.say("\n".join(f"Left out: {line}" for line in panel.problems),
                            warn=True)

    def _team_provenance(self, chosen: list[Scorecard]) -> tuple[list[str] | None,
                                                                 tuple[str, ...]]:
        """Who stored each chosen scorecard and when, and the rows left out (team mode)."""
        panel = self.team_panel
        if not self.team_mode or panel is None:
            return None, ()
        said = {sc.id: p.describe() for sc, p in zip(panel.scorecards, panel.provenance,
                                                     strict=False)}
        return [said.get(sc.id, "") for sc in chosen], panel.problems

    def _team_group(self) -> PanelGroup | None:
        from companion.export.panel_select import PanelGroup

        panel = self.team_panel
        if panel is None or not panel.scorecards:
            return None
        first = panel.scorecards[0]
        return PanelGroup(panel.candidate, first.pack_id, first.pack_version, panel.scorecards)

    def _record_in_team(self, decision: Decision) -> None:
        if self.team_source is not None:
            self.team_source.record(decision)

    def _team_decision_recorded(self, decision: Decision) -> None:
        """The team store has it; keep a copy here too when this computer has the candidate."""
        from companion.store.decisions import record_decision

        said = "Recorded in the team store. Debriefs exported from now on print it."
        if self.store is not None:
            try:
                record_decision(self.store, decision)
                said = "Recorded in the team store and on this computer."
            except CompanionError:
                pass  # no round of this candidate here: the team store's copy is the one
            from companion.store.loops import close_loops_of

            close_loops_of(self.store, decision.candidate)  # the copy follows the server
        self.team_decision = decision
        self.decision.note.clear()
        self.decision.show_recorded(decision.candidate, decision, said)

    def _team_failed(self, kind: str, message: str) -> None:
        if kind == "decision":
            self.decision.message.setText(f"Not recorded: {message}")
        elif kind == "candidates":
            self.empty.setText(f"Cannot read the team store: {message}")
            self.empty.show()
        else:
            self.notice.say(f"Cannot read the team store: {message}", warn=True)

    def checked_ids(self) -> list[str]:
        """Ids of the ticked scorecards, in list order."""
        out = []
        for i in range(self.scorecards.topLevelItemCount()):
            item = self.scorecards.topLevelItem(i)
            if item is not None and item.checkState(0) == Qt.CheckState.Checked:
                out.append(str(item.data(0, Qt.ItemDataRole.UserRole)))
        return out

    def _access(self, scorecards: Sequence[Scorecard]) -> Access:
        from companion.record.independence import Access, access_to

        if self.team_mode:  # the server's rules already decided what this login reads
            return Access(True)
        if self.store is None:
            return Access(False, "No database is open.")
        return access_to(self.viewer(), [sc.id for sc in scorecards], self.store)

    # -- intent --------------------------------------------------------------------------------
    def import_files(self) -> None:
        """Ask for exchange files, store the good ones and say what happened to each."""
        if self.store is None:
            return
        paths, _filter = QFileDialog.getOpenFileNames(
            self, "Import scorecard files", str(Path.home()), FILE_FILTER)
        if not paths:
            return
        from companion.export.panel_select import import_files, panel_key

        try:
            report = import_files(self.store, self.pack, paths)
        except CompanionError as exc:  # the store itself failed (disk full, locked)
            self.import_message.say(f"Import stopped: {exc}", warn=True)
            return
        log.info("panel import: %d new, %d already stored, %d refused",
                 len(report.imported), len(report.already), len(report.failed))
        self.import_message.say(report.summary(), warn=bool(report.failed))
        submitted = [sc for sc in report.stored if sc.submitted]
        select = None
        if submitted:
            select = panel_key(submitted[-1])
        self.refresh(select)

    def reset_messages(self) -> None:
        """Entering the page again: what an earlier import or export said is old news."""
        self.import_message.hide()
        self.export_status.clear()

    def export(self, ask: bool = False) -> None:
        """Export the ticked scorecards of the picked candidate, if the rule allows: into
        the exports folder, or (``ask``) where the user chooses."""
        group = self.current_group()
        if group is None or self.pack is None or self.export_dir is None:
            return
        if self.store is None and not self.team_mode:
            return
        if self.export_status.running:
            return
        wanted = set(self.checked_ids())
        chosen = [sc for sc in group.scorecards if sc.id in wanted]
        if not chosen:
            self.export_status.refuse("Tick at least one scorecard to export.")
            return
        access = self._access(chosen)
        if not access.allowed:
            self.export_status.refuse(access.reason)
            return
        from companion.export.panel_select import panel_labels
        from companion.store.decisions import decision_for

        labels = panel_labels(chosen)
        try:
            if self.team_mode:
                decision = self.team_decision
            else:
                assert self.store is not None
                decision = decision_for(self.store, group.candidate)
        except CompanionError as exc:
            self.export_status.refuse(f"Cannot read the panel's decision: {exc}")
            return
        target = self.export_dir / export_file_name(group.candidate, "Panel debrief",
                                                    datetime.now(UTC))
        provenance, warnings = self._team_provenance(chosen)
        loop_lines: list[tuple[str, str]] = []
        if self.store is not None:  # this computer's copy of the candidate's loop, if any
            from companion.store.loops import debrief_lines_here

            try:
                loop_lines = debrief_lines_here(self.store, list(chosen), self.pack)
            except CompanionError:
                loop_lines = []  # a debrief never waits on a loop line
        job = panel_job(chosen, self.pack, labels, self.paper(), decision, provenance,
                        warnings, loop_lines)
        what = f"the debrief of {group.candidate}"
        if ask:
            self.export_status.save_as(job, target, what)
        else:
            self.export_status.start(job, target, what)
