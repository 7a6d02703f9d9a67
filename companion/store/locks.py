"""One writer per round: an OS lock on a small file per round.

Why an OS lock and not an owner row in the database: the operating system
drops the lock the instant the process dies, SIGKILL and power cut included,
so a crashed copy never leaves a stale claim that has to time out, and no
process id can be mistaken for a newer one after a reboot. Why per round and
not per data folder: the command line (``sessions list``, ``session export``)
must keep working while the window holds a live round open.

The lock files live in ``<data>/locks/<round id>.lock``; they hold no text
(round ids are random). Releasing a lock removes its file while still holding
it, and taking one checks that the file locked is still the one at the path,
so a copy that opened the file just before it was removed never believes it
holds the lock. Files left by a crash are swept at start (``sweep``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from types import TracebackType

from companion.base.errors import StorageError

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


_ATTEMPTS = 5


def _still_at(fd: int, path: Path) -> bool:
    """Whether the open file ``fd`` is still the file at ``path`` (not removed or replaced)."""
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def sweep(data_dir: Path) -> int:
    """Remove lock files no running copy holds (left by a crash); returns how many."""
    removed = 0
    folder = lock_dir(data_dir)
    try:
        names = [p for p in folder.iterdir() if p.suffix == ".lock"]
    except OSError:
        return 0
    for path in names:
        lock = RoundLock(data_dir, path.stem)
        try:
            lock.acquire()
        except StorageError:
            continue  # held: a round open in a window
        lock.release()
        removed += 1
    return removed


def lock_dir(data_dir: Path) -> Path:
    return data_dir / "locks"


def lock_path(data_dir: Path, round_id: str) -> Path:
    return lock_dir(data_dir) / f"{round_id}.lock"


class RoundLock:
    """Exclusive claim on one round by this process, held until ``release``."""

    def __init__(self, data_dir: Path, round_id: str) -> None:
        self.path = lock_path(data_dir, round_id)
        self.round_id = round_id
        self._fd: int | None = None

    def acquire(self) -> RoundLock:
        """Take the lock or raise StorageError if another copy holds it."""
        folder = self.path.parent
        for _ in range(_ATTEMPTS):
            try:
                folder.mkdir(mode=0o700, exist_ok=True)
                fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
            except OSError as exc:
                raise StorageError(f"cannot lock round {self.round_id} in {folder}: "
                                   f"{exc.strerror or exc}") from exc
            if not _try_lock(fd):
                os.close(fd)
                raise StorageError(
                    f"round {self.round_id} is open in another running copy of the app "
                    f"(lock {self.path}); close it there first")
            if _still_at(fd, self.path):
                self._fd = fd
                return self
            # Released and removed by its holder between our open and our lock: try afresh.
            _unlock(fd)
            os.close(fd)
        raise StorageError(f"cannot lock round {self.round_id}: its lock file {self.path} "
                           "keeps changing; another copy of the app may be busy with it")

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Give the round up and remove its lock file (removed while still held)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):  # Windows keeps an open file; sweep() removes it
            self.path.unlink()
        _unlock(fd)
        os.close(fd)

    def __enter__(self) -> RoundLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
