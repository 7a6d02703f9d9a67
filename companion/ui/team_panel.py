"""The panel page's team-store source: candidates, one candidate's panel, the decision.

Every call to the server runs on the thread pool and answers with a queued
signal, so a slow or unreachable server never holds the window; a newer
request of the same kind makes an older answer stale (dropped). What the login
may read is the server's decision (row-level security), not the window's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from companion.base.errors import CompanionError
from companion.record.decision import Decision

if TYPE_CHECKING:
    from companion.content.model import Pack
    from companion.team.reading import TeamPanel
    from companion.team.server import CandidateSummary
    from companion.team.settings import TeamSettings

log = logging.getLogger("companion.ui.team_panel")

Job = Callable[[], object]


class _Signals(QObject):
    done = Signal(str, int, object)  # kind, request number, result
    failed = Signal(str, int, str)


class _Run(QRunnable):
    def __init__(self, kind: str, number: int, job: Job, signals: _Signals) -> None:
        super().__init__()
        self.kind, self.number, self.job, self.signals = kind, number, job, signals

    def run(self) -> None:
        try:
            result = self.job()
        except CompanionError as exc:
            self.signals.failed.emit(self.kind, self.number, str(exc))
        except Exception as exc:  # a worker must report, never die silently
            log.exception("team store request failed")
            self.signals.failed.emit(self.kind, self.number,
                                     f"the team store request failed unexpectedly "
                                     f"({type(exc).__name__}); see the log file")
        else:
            self.signals.done.emit(self.kind, self.number, result)


def list_candidates(team: TeamSettings, password: str | None) -> list[CandidateSummary]:
    from companion.team import server
    from companion.team.reading import team_connection

    with team_connection(team, password) as conn:
        return server.list_candidates(conn)


def read_panel(team: TeamSettings, password: str | None, candidate: str,
               pack: Pack | None) -> TeamPanel:
    from companion.team.reading import read_panel as read
    from companion.team.reading import team_connection

    with team_connection(team, password) as conn:
        return read(conn, candidate, pack)


def record_decision(team: TeamSettings, password: str | None, decision: Decision) -> Decision:
    """Record ``decision`` as the login's display name (the server takes no other)."""
    from companion.team import loops, server
    from companion.team.reading import team_connection
    from companion.team.status import whoami

    with team_connection(team, password) as conn:
        me = whoami(conn)
        conn.rollback()
        if me.display_name is None:
            raise CompanionError(f"the login {me.role} is not a member of the team store")
        made = replace(decision, decided_by=me.display_name)
        with conn.begin():
            server.record_decision(conn, made)
            # The panel decided: the candidate's loop takes no more scorecards.
            loops.close_loops_for(conn, made.candidate)
    return made


class TeamPanelSource(QObject):
    """Asks the team store for the panel page; answers come back as signals."""

    candidates_loaded = Signal(object)  # list[CandidateSummary]
    panel_loaded = Signal(object)  # TeamPanel
    decision_recorded = Signal(object)  # Decision, as the server stored it
    failed = Signal(str, str)  # kind ("candidates", "panel", "decision"), message

    def __init__(self, team: TeamSettings, password: Callable[[], str | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.team = team
        self._password = password
        self._latest: dict[str, int] = {}
        self._signals = _Signals(self)
        self._signals.done.connect(self._done)
        self._signals.failed.connect(self._failed)

    def load_candidates(self) -> None:
        team, password = self.team, self._password()
        self._start("candidates", lambda: list_candidates(team, password))

    def load_panel(self, candidate: str, pack: Pack | None) -> None:
        team, password = self.team, self._password()
        self._start("panel", lambda: read_panel(team, password, candidate, pack))

    def record(self, decision: Decision) -> None:
        team, password = self.team, self._password()
        self._start("decision", lambda: record_decision(team, password, decision))

    def _start(self, kind: str, job: Job) -> None:
        number = self._latest.get(kind, 0) + 1
        self._latest[kind] = number
        QThreadPool.globalInstance().start(_Run(kind, number, job, self._signals))

    def _done(self, kind: str, number: int, result: object) -> None:
        if number != self._latest.get(kind):
            return  # a newer request of this kind is on its way
        {"candidates": self.candidates_loaded, "panel": self.panel_loaded,
         "decision": self.decision_recorded}[kind].emit(result)

    def _failed(self, kind: str, number: int, message: str) -> None:
        if number == self._latest.get(kind):
            self.failed.emit(kind, message)
