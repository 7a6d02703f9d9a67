"""After submission: what was stored, a PDF export, and the way back to the start screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from companion.record.scorecard import RECOMMENDATION_LABEL
from companion.ui.export_task import ExportStatus, export_file_name, scorecard_job

if TYPE_CHECKING:
    from companion.content.model import Pack
    from companion.record.scorecard import Scorecard
    from companion.store import Store


class SubmittedPage(QWidget):
    """The finish page of the window's stack; ``back_requested`` returns to the start."""

    back_requested = Signal()
    amend_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("submittedPage")
        self.store: Store | None = None
        self.pack: Pack | None = None
        self.export_dir: Path | None = None
        self.scorecard: Scorecard | None = None
        self.paper: Callable[[], str] = lambda: "a4"  # page size; the window sets it
        title = QLabel("Scorecard submitted", self)
        title.setObjectName("submittedTitle")
        title.setProperty("role", "title")
        self.details = QLabel(self)
        self.details.setObjectName("submittedDetails")
        self.details.setWordWrap(True)
        note = QLabel("It is stored on this computer. Later changes are kept as amendments; "
                      "the submitted version is never overwritten.", self)
        note.setProperty("role", "muted")
        note.setWordWrap(True)
        # With a team store: where this round stands ("published", "waiting to publish...").
        self.publish_state: Callable[[str], str | None] | None = None
        self.team_state = QLabel(self)
        self.team_state.setObjectName("submittedTeamState")
        self.team_state.setWordWrap(True)
        self.team_state.hide()
        self.export_button = QPushButton("Export PDF", self)
        self.export_button.setObjectName("submittedExportButton")
        self.export_button.setProperty("role", "primary")
        self.export_button.clicked.connect(self.export)
        self.export_button.setAccessibleDescription(
            "Write this scorecard as a PDF into the exports folder.")
        self.save_as_button = QPushButton("Save PDF as…", self)
        self.save_as_button.setObjectName("submittedSaveAsButton")
        self.save_as_button.setAccessibleDescription(
            "Write this scorecard as a PDF where you choose.")
        self.save_as_button.clicked.connect(lambda: self.export(ask=True))
        self.back_button = QPushButton("Back to rounds", self)
        self.back_button.setObjectName("submittedBackButton")
        self.back_button.clicked.connect(self.back_requested)
        self.back_button.setAccessibleDescription("Return to the start screen and its lists "
                                                  "of rounds.")
        self.amend_button = QPushButton("Back to the round", self)
        self.amend_button.setObjectName("submittedAmendButton")
        self.amend_button.setToolTip("Changes after submission are kept as amendments")
        self.amend_button.clicked.connect(self.amend_requested)
        self.amend_button.setAccessibleDescription(
            "Return to the round; changes after submission are kept as amendments.")
        self.export_status = ExportStatus(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.save_as_button)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.amend_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 40, 48, 40)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addWidget(self.details)
        layout.addWidget(note)
        layout.addWidget(self.team_state)
        layout.addLayout(buttons)
        layout.addWidget(self.export_status)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)

    def set_sources(self, store: Store, pack: Pack | None, export_dir: Path) -> None:
        self.store, self.pack, self.export_dir = store, pack, export_dir

    def show_round(self, round_id: str, scorecard: Scorecard) -> None:
        """Show what was submitted for ``round_id``."""
        self.scorecard = scorecard
        rec = RECOMMENDATION_LABEL.get(scorecard.recommendation or "", "none")
        self.details.setText(f"{scorecard.candidate} · {scorecard.round_title} · "
                             f"interviewer {scorecard.interviewer}\nRecommendation: {rec}")
        self.export_status.clear()
        self.refresh_team_state()

    def refresh_team_state(self) -> None:
        """Say where this round stands with the team store (hidden without one)."""
        state = (self.publish_state(self.scorecard.id)
                 if self.publish_state is not None and self.scorecard is not None else None)
        self.team_state.setText(f"Team store: {state}" if state else "")
        self.team_state.setVisible(bool(state))

    def export(self, ask: bool = False) -> None:
        """The scorecard as a PDF: into the exports folder, or (``ask``) where chosen."""
        sc, pack, folder = self.scorecard, self.pack, self.export_dir
        if sc is None or pack is None or folder is None:
            return
        target = folder / export_file_name(sc.candidate, sc.round_title, sc.submitted_at)
        job = scorecard_job(sc, pack, self.paper())
        what = f"{sc.candidate} ({sc.round_title})"
        if ask:
            self.export_status.save_as(job, target, what)
        else:
            self.export_status.start(job, target, what)
