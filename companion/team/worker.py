"""Publishing in the background: one thread, woken after a submit or an amendment.

A publish waits on the network (a slow server, a login, a server that went
away mid-transaction), so the window never runs one on its own thread: it
starts a ``PublishWorker`` when a team store is configured, wakes it whenever
something was queued, and hears back through ``on_run`` (called on the worker
thread; the window turns it into a queued Qt signal). Between wake-ups the
worker sleeps until the earliest back-off is over, or ``IDLE_S`` at most.

The worker works through its own handle on the local file
(``Store.another_handle``), so it never takes one of the window's connections;
its local writes are one small transaction per entry published.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from companion.base.errors import StorageError
from companion.store import Store, outbox
from companion.team.publisher import Problem, Publisher, PublishRun, utc_now
from companion.team.settings import TeamSettings

log = logging.getLogger("companion.team.worker")

IDLE_S = 60.0  # look again this often even when nothing woke the worker
MIN_WAIT_S = 0.5


class PublishWorker:
    """Runs a ``Publisher`` on a thread of its own. Every method returns at once."""

    def __init__(self, store: Store, team: TeamSettings,
                 on_run: Callable[[PublishRun], None], *,
                 now: Callable[[], datetime] = utc_now, idle_s: float = IDLE_S) -> None:
        self._handle = store.another_handle()
        self._publisher = Publisher(self._handle, team, now=now)
        self._on_run = on_run
        self._now = now
        self._idle_s = idle_s
        self._wake = threading.Event()
        self._lock = threading.Lock()
        # The first run tries everything, held entries too: starting the app again
        # (after updating it, or to give a password) is the moment to ask again. It
        # also checks in, so the window can say who the login is from the start.
        self._everything = True
        self._check_in = True
        self._password: str | None = None
        self._new_password = False
        self._stopping = threading.Event()
        self._running = threading.Event()  # set while a publish is in flight
        self._thread = threading.Thread(target=self._loop, name="companion-publish",
                                         daemon=True)

    @property
    def team(self) -> TeamSettings:
        return self._publisher.team

    @property
    def busy(self) -> bool:
        """Whether a publish is in flight right now."""
        return self._running.is_set()

    def start(self) -> PublishWorker:
        self._thread.start()
        return self

    def wake(self, *, everything: bool = False) -> None:
        """Publish what is due now (``everything``: what waits, back-off or not)."""
        with self._lock:
            self._everything = self._everything or everything
        self._wake.set()

    def set_password(self, password: str) -> None:
        """Use ``password`` (kept in memory only) and try everything again at once."""
        with self._lock:
            self._password = password
            self._new_password = True
            self._check_in = True
        self.wake(everything=True)

    def stop(self, timeout: float = 2.0) -> bool:
        """Ask the thread to end and wait up to ``timeout`` s; False if it is still busy.

        A publish stuck on the network is not waited for: the thread is a daemon,
        and whatever it had not marked published locally is sent again next time.
        """
        self._stopping.set()
        self._wake.set()
        if self._thread.ident is None:  # never started: nothing else will close these
            self._publisher.close()
            self._handle.close()
            return True
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    # -- the thread ------------------------------------------------------------------------
    def _loop(self) -> None:
        wait = 0.0  # a first look at once: rounds may be waiting from an earlier day
        try:
            while True:
                self._wake.wait(wait)
                self._wake.clear()
                if self._stopping.is_set():
                    break
                with self._lock:
                    everything, self._everything = self._everything, False
                    check_in, self._check_in = self._check_in, False
                    password = self._password if self._new_password else None
                    self._new_password = False
                if password is not None:
                    self._publisher.set_password(password)
                run = self._publish(everything, check_in)
                if self._stopping.is_set():
                    break
                self._report(run)
                wait = self._next_wait()
        finally:
            self._publisher.close()
            self._handle.close()

    def _publish(self, everything: bool, check_in: bool) -> PublishRun:
        self._running.set()
        try:
            return self._publisher.publish(everything=everything, check_in=check_in)
        except StorageError as exc:  # this laptop's file, not the team store
            return PublishRun(problems=(Problem("local", str(exc)),))
        except Exception as exc:  # a bug must not end publishing for the session silently
            log.exception("publishing failed")
            return PublishRun(problems=(Problem("local", f"publishing failed: {exc}"),))
        finally:
            self._running.clear()

    def _report(self, run: PublishRun) -> None:
        try:
            self._on_run(run)
        except Exception:
            log.exception("the publish report could not be delivered")

    def _next_wait(self) -> float:
        try:
            with self._handle.read() as s:
                due = outbox.next_try(s, self._publisher.team.joined_at)
        except StorageError:
            return self._idle_s
        if due is None:
            return self._idle_s
        return max(MIN_WAIT_S, min(self._idle_s, (due - self._now()).total_seconds()))
