"""Publishing practice summaries from the window: on the thread pool, never the GUI thread.

The button appears only with a team store; the work is ``team.practice.publish_sets``
(the finished sets' sums, once each), the same as ``practice publish``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, Signal

from companion.base.errors import CompanionError

if TYPE_CHECKING:
    from companion.store import Store
    from companion.team.settings import TeamSettings

log = logging.getLogger("companion.ui.practice")


class PublishSignals(QObject):
    done = Signal(str)  # what happened, in a sentence


def publish_practice(store: Store, team: TeamSettings, password: str | None) -> str:
    """Send every finished, unpublished practice set's summary; say how many went."""
    from companion.practice import history
    from companion.team.practice import publish_sets
    from companion.team.reading import team_connection

    waiting = [s for s in history.sets(store)
               if s.published_at is None and s.finished_at is not None]
    if not waiting:
        return "Every finished practice set is on the team store already."
    with team_connection(team, password) as conn, conn.begin():
        stored = publish_sets(conn, waiting)
    history.mark_published(store, [s.id for s in waiting], datetime.now(UTC))
    noun = "summary" if len(stored) == 1 else "summaries"
    return f"Published {len(stored)} practice set {noun} to the team store."


class PublishTask(QRunnable):
    """One publish on a worker thread; the result (or the reason it failed) as a signal."""

    def __init__(self, job: Callable[[], str], signals: PublishSignals) -> None:
        super().__init__()
        self.job, self.signals = job, signals

    def run(self) -> None:
        try:
            message = self.job()
        except CompanionError as exc:
            message = f"Not published: {exc}"
        except Exception as exc:  # a worker must report, never die silently
            log.exception("publishing practice failed")
            message = f"Not published ({type(exc).__name__}); see the log file"
        self.signals.done.emit(message)
