"""The Loops page's team-store side: plan and assign on the thread pool, answer by signal.

A lead's change must reach the server before it counts (everyone plans from the
same loop), so the page waits for ``saved`` before it keeps the local copy; a slow
or unreachable server never holds the window's thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from companion.base.errors import CompanionError

if TYPE_CHECKING:
    from companion.loop.model import Loop
    from companion.team.settings import TeamSettings

log = logging.getLogger("companion.ui.team_loops")


class _Signals(QObject):
    saved = Signal(object, object)  # Loop as stored, round number or None
    loaded = Signal(object, object)  # loops, {loop id: [Seen]}
    failed = Signal(str)


class _Load(QRunnable):
    def __init__(self, job: Callable[[], tuple[object, object]], signals: _Signals) -> None:
        super().__init__()
        self.job, self.signals = job, signals

    def run(self) -> None:
        try:
            loops, seen = self.job()
        except CompanionError as exc:
            self.signals.failed.emit(f"Showing the loops as last copied here: {exc}")
        except Exception as exc:  # a worker must report, never die silently
            log.exception("reading the loops from the team store failed")
            self.signals.failed.emit(f"the team store request failed unexpectedly "
                                     f"({type(exc).__name__}); see the log file")
        else:
            self.signals.loaded.emit(loops, seen)


class _Save(QRunnable):
    def __init__(self, job: Callable[[], Loop], number: int | None,
                 signals: _Signals) -> None:
        super().__init__()
        self.job, self.number, self.signals = job, number, signals

    def run(self) -> None:
        try:
            loop = self.job()
        except CompanionError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a worker must report, never die silently
            log.exception("saving a loop to the team store failed")
            self.signals.failed.emit(f"the team store request failed unexpectedly "
                                     f"({type(exc).__name__}); see the log file")
        else:
            self.signals.saved.emit(loop, self.number)


class TeamLoopSource(QObject):
    """Creates and assigns loops in the team store; answers with ``saved`` or ``failed``."""

    saved = Signal(object, object)
    loaded = Signal(object, object)  # the loops, and per loop id its published scorecards
    failed = Signal(str)

    def __init__(self, team: TeamSettings, password: Callable[[], str | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.team = team
        self._password = password
        self._signals = _Signals(self)
        self._signals.saved.connect(self.saved)
        self._signals.loaded.connect(self.loaded)
        self._signals.failed.connect(self.failed)

    def save(self, loop: Loop, number: int | None) -> None:
        from companion.team.loops import save_to_team

        team, password = self.team, self._password()
        QThreadPool.globalInstance().start(
            _Save(lambda: save_to_team(team, password, loop, number), number, self._signals))

    def load(self) -> None:
        """Read the loops and their published scorecards; ``loaded`` answers."""
        from companion.team.loops import team_view

        team, password = self.team, self._password()
        QThreadPool.globalInstance().start(
            _Load(lambda: team_view(team, password), self._signals))
