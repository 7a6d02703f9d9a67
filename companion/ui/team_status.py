"""The team store in the window: the publishing worker, its state, a compact status line.

Built only when ``team.json`` names a team store (the window asks
``settings.load_team``, which loads no driver), so a window without a team
store never loads the database driver nor opens a connection.

``TeamPublishing`` owns the worker thread (``companion.team.worker``): the
window wakes it after a submit or an amendment; each run's report comes back as
a queued signal on the window's thread, never the other way round, so a slow or
vanished server can hold the worker but never a tap. A password the server
asks for is typed into a dialog the user opens from the status line (never a
dialog popping up mid-interview) and kept in memory only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QLineEdit, QPushButton, QWidget

from companion.store import Store, outbox
from companion.store.outbox import PublishState
from companion.team.publisher import PublishRun
from companion.team.settings import TeamSettings
from companion.team.worker import IDLE_S, PublishWorker

log = logging.getLogger("companion.ui.team")

PasswordAsker = Callable[[QWidget, str], str | None]


def ask_password(parent: QWidget, reason: str) -> str | None:
    """A password dialog (no echo); None when cancelled."""
    text, ok = QInputDialog.getText(
        parent, "Team store password",
        f"{reason}\n\nThe password is kept in memory until the app closes; it is never saved.",
        QLineEdit.EchoMode.Password)
    return text if ok and text else None


@dataclass(frozen=True)
class TeamSummary:
    """What the compact status line says."""

    who: str | None  # "Sam Okafor (sam)" once the server answered
    waiting: int
    problem: str | None  # the last run's first problem, in its own words
    needs_password: bool = False
    running: bool = False

    def text(self) -> str:
        parts = [f"Team store: {self.who}" if self.who else "Team store"]
        if self.running:
            parts.append("publishing…")
        parts.append("all published" if self.waiting == 0
                     else f"{self.waiting} waiting to publish")
        if self.problem:
            parts.append(self.problem)
        return " · ".join(parts)


class TeamPublishing(QObject):
    """The publishing worker and what it last said; lives on the window's thread."""

    changed = Signal()  # the summary or a round's publish state may have changed
    _reported = Signal(object)  # emitted on the worker thread, delivered queued

    def __init__(self, store: Store, team: TeamSettings, parent: QObject | None = None,
                 *, idle_s: float = IDLE_S) -> None:
        super().__init__(parent)
        self._store = store
        self.team = team
        self.last_run: PublishRun | None = None
        self.password: str | None = None  # typed in the window; memory only
        self._reported.connect(self._on_report)
        self._worker = PublishWorker(store, team, self._reported.emit, idle_s=idle_s)

    def start(self) -> TeamPublishing:
        self._worker.start()
        return self

    def stop(self) -> None:
        """End the worker without waiting on the network (what it had not marked goes again)."""
        if not self._worker.stop(timeout=1.0):
            log.info("the publishing worker was still busy at close; it ends with the app")

    def wake(self, everything: bool = False) -> None:
        """Something was queued (a submit, an amendment), or the user asked to publish now."""
        self._worker.wake(everything=everything)

    def give_password(self, password: str) -> None:
        self.password = password
        self._worker.set_password(password)

    def state_text(self, round_id: str) -> str | None:
        """How one round stands with the team store, in words (None: nothing to publish)."""
        state = self.states().get(round_id)
        return state.describe() if state is not None else None

    @property
    def busy(self) -> bool:
        return self._worker.busy

    def _on_report(self, run: object) -> None:
        if isinstance(run, PublishRun):
            self.last_run = run
            for problem in run.problems:
                log.info("team store: %s", problem.message)
        self.changed.emit()

    # -- what the window shows -------------------------------------------------------------
    def summary(self) -> TeamSummary:
        run = self.last_run
        who = None
        if run is not None and run.identity is not None:
            ident = run.identity
            who = f"{ident.display_name} ({ident.role})" if ident.display_name else ident.role
        problem = run.problems[0].message if run is not None and run.problems else None
        with self._store.read() as s:
            waiting = outbox.waiting(s, self.team.joined_at)
        return TeamSummary(who, waiting, problem, bool(run and run.needs_password),
                           self._worker.busy)

    def states(self) -> dict[str, PublishState]:
        """Each round's publish state (rounds with something to publish)."""
        with self._store.read() as s:
            return outbox.states(s, self.team.joined_at)


class TeamStatusLine(QWidget):
    """One line: who, how many wait, the last problem; a password button when asked for."""

    def __init__(self, parent: QWidget | None = None,
                 asker: PasswordAsker = ask_password) -> None:
        super().__init__(parent)
        self.setObjectName("team.statusLine")
        self._asker = asker
        self.publishing: TeamPublishing | None = None
        self.allowed = True  # False while a live round is on screen: no distraction there
        self.label = QLabel(self)
        self.label.setObjectName("team.status")
        self.label.setProperty("role", "small")
        self.label.setWordWrap(True)
        self.password_button = QPushButton("Enter password…", self)
        self.password_button.setObjectName("team.password")
        self.password_button.clicked.connect(self.ask)
        self.publish_button = QPushButton("Publish now", self)
        self.publish_button.setObjectName("team.publishNow")
        self.publish_button.setToolTip("Try every waiting round again now")
        self.publish_button.clicked.connect(self.publish_now)
        row = QHBoxLayout(self)
        row.setContentsMargins(28, 4, 28, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.password_button)
        row.addWidget(self.publish_button)
        self.password_button.hide()
        self.publish_button.hide()
        self.hide()

    def follow(self, publishing: TeamPublishing | None) -> None:
        if self.publishing is not None:
            self.publishing.changed.disconnect(self.refresh)
        self.publishing = publishing
        if publishing is not None:
            publishing.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        pub = self.publishing
        if pub is None or not self.allowed:
            self.hide()
            return
        summary = pub.summary()
        self.label.setText(summary.text())
        self.password_button.setVisible(summary.needs_password)
        self.publish_button.setVisible(summary.waiting > 0 and not summary.running)
        self.show()

    def set_allowed(self, allowed: bool) -> None:
        self.allowed = allowed
        self.refresh()

    def ask(self) -> None:
        pub = self.publishing
        if pub is None:
            return
        run = pub.last_run
        reason = run.problems[0].message if run and run.problems else "The team store asks " \
            "for a password."
        password = self._asker(self, reason)
        if password:
            pub.give_password(password)

    def publish_now(self) -> None:
        if self.publishing is not None:
            self.publishing.wake(everything=True)
