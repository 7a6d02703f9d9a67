"""The engine's path to disk: a queue of changes, committed together or not at all.

A tap adds its change and commits the queue at once. If the commit fails the
queue is kept, "save_failed" goes out with the message, and the next commit
(the next tap, tick or flush) replays the whole queue in one transaction:
each queued change's statements are idempotent or were rolled back, so
replaying is safe.
"""

from __future__ import annotations

from collections.abc import Callable

from companion.base.errors import StorageError
from companion.live.events import Emitter
from companion.record.changes import Change
from companion.store import Store, writes


class Writer:
    """Pending writes of one round and the outcome of the last attempt."""

    def __init__(self, store: Store, round_id: str, events: Emitter,
                 monotonic: Callable[[], float]) -> None:
        self._store = store
        self._round_id = round_id
        self._events = events
        self._mono = monotonic
        self.pending: list[Change] = []
        self.last_error: str | None = None
        self.closed = False
        self._last_try = 0.0

    def commit(self, *changes: Change) -> bool:
        """Queue ``changes`` and write the whole queue now; False (and queued) on failure."""
        if self.closed:
            raise StorageError("this round has been closed")
        self.pending.extend(changes)
        if not self.pending:
            return True
        self._last_try = self._mono()
        try:
            with self._store.write() as s:
                for change in self.pending:
                    writes.write(s, self._round_id, change)
        except StorageError as exc:
            self.last_error = str(exc)
            self._events.emit("save_failed", self.last_error)
            return False
        self.pending.clear()
        self.last_error = None
        self._events.emit("saved")
        return True

    def retry_due(self, every_s: float) -> bool:
        """Whether a failed queue is waiting and the last try is ``every_s`` old."""
        return bool(self.pending) and self._mono() - self._last_try >= every_s
