"""The engine's path to disk: a queue of changes, committed together or not at all.

A tap adds its change and commits the queue at once. If the commit fails the
queue is kept, "save_failed" goes out with the message, and the next commit
(the next tap, tick or flush) replays the whole queue in one transaction:
each queued change's statements are idempotent or were rolled back, so
replaying is safe.

While the queue waits, a later version of a text field or of the timers
replaces the earlier one in it (each is an upsert of the same columns): typing
on against a full disk must not grow the transaction that has to fit on it, or
the retry needs more room with every keystroke. A failure on a full disk says
how much room the queue needs.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

from companion.base.errors import StorageError
from companion.live.events import Emitter
from companion.record.changes import Change, EditText, Timers
from companion.store import Store, writes

PAGE = 4096  # SQLite's page size here: each changed row costs at least one WAL frame


def compact(queue: list[Change]) -> list[Change]:
    """``queue`` with each text field and the timers kept only in their latest version."""
    last: dict[object, int] = {}
    for i, change in enumerate(queue):
        if isinstance(change, EditText):
            last[(change.owner, change.field)] = i
        elif isinstance(change, Timers):
            last[Timers] = i
    keep = set(last.values())
    return [c for i, c in enumerate(queue)
            if i in keep or not isinstance(c, EditText | Timers)]


def room_needed(queue: list[Change]) -> int:
    """Bytes a commit of ``queue`` may need: WAL frames now, the same again at checkpoint."""
    text = sum(len(c.text.encode("utf-8")) for c in queue if isinstance(c, EditText))
    pages = text // PAGE + 4 * len(queue) + 8  # rows, indexes and the commit's own pages
    return 2 * (text + pages * (PAGE + 24))


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} KB"


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
        self.pending = compact([*self.pending, *changes])
        if not self.pending:
            return True
        self._last_try = self._mono()
        try:
            with self._store.write() as s:
                for change in self.pending:
                    writes.write(s, self._round_id, change)
        except StorageError as exc:
            self.last_error = str(exc)
            if "disk is full" in self.last_error:
                self.last_error += self._room()
            self._events.emit("save_failed", self.last_error)
            return False
        self.pending.clear()
        self.last_error = None
        self._events.emit("saved")
        return True

    def _room(self) -> str:
        try:
            free = shutil.disk_usage(self._store.path.parent).free
        except OSError:
            free = 0
        n = len(self.pending)
        return (f" ({n} change{'s' if n != 1 else ''} waiting need about "
                f"{_size(room_needed(self.pending))} free; {_size(free)} is free now)")

    def retry_due(self, every_s: float) -> bool:
        """Whether a failed queue is waiting and the last try is ``every_s`` old."""
        return bool(self.pending) and self._mono() - self._last_try >= every_s
