"""Autosaves written on a worker thread, so typing never waits for the disk.

A note or timer autosave is one transaction ending in an fsync; on an encrypted,
virus-scanned laptop disk that can take tens of milliseconds, and done on the
window's thread it would hold every keystroke typed meanwhile (see
bench/slow_disk.py). The engine hands such batches to ``BackgroundWriter``; one
worker writes them in the order given and reports each outcome. The engine
collects outcomes on its own thread (each tick), and waits for all of them
before any write of its own, so writes still reach the file in the order they
were made. Only the engine's thread calls the methods here.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass

from companion.base.errors import StorageError
from companion.live.drafts import NoteKey
from companion.record.changes import Change
from companion.store import Store, writes

log = logging.getLogger("companion.live.background")


@dataclass(frozen=True)
class Batch:
    """Changes of one autosave: the text fields it carries, and whether the timers."""

    changes: tuple[Change, ...]
    keys: tuple[NoteKey, ...]
    timers: bool


@dataclass(frozen=True)
class Outcome:
    batch: Batch
    error: str | None  # None: committed


class BackgroundWriter:
    """One worker thread writing batches in order; outcomes come back through ``collect``."""

    def __init__(self, store: Store, round_id: str) -> None:
        self._store = store
        self._round_id = round_id
        self._jobs: queue.Queue[Batch | None] = queue.Queue()
        self._outcomes: queue.Queue[Outcome] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._in_flight = 0  # submitted and not yet collected

    @property
    def busy(self) -> bool:
        return self._in_flight > 0

    def submit(self, batch: Batch) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="companion-autosave",
                                            daemon=True)
            self._thread.start()
        self._in_flight += 1
        self._jobs.put(batch)

    def collect(self, wait: bool = False) -> list[Outcome]:
        """Outcomes ready now; with ``wait``, every outstanding one (blocks until written)."""
        done: list[Outcome] = []
        while self._in_flight:
            try:
                outcome = self._outcomes.get(block=wait)
            except queue.Empty:
                break
            self._in_flight -= 1
            done.append(outcome)
        return done

    def stop(self) -> list[Outcome]:
        """Finish what was submitted, end the worker, and return the last outcomes."""
        done = self.collect(wait=True)
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None
        return done

    def _run(self) -> None:
        while True:
            batch = self._jobs.get()
            if batch is None:
                return
            try:
                with self._store.write() as s:
                    for change in batch.changes:
                        writes.write(s, self._round_id, change)
            except StorageError as exc:
                self._outcomes.put(Outcome(batch, str(exc)))
            except Exception as exc:  # the worker must report, never die silently
                log.exception("autosave failed unexpectedly")
                self._outcomes.put(Outcome(batch, f"autosave failed unexpectedly: {exc}"))
            else:
                self._outcomes.put(Outcome(batch, None))
