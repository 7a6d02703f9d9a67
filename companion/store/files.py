"""The database file on disk: folder checks, inspection, set-aside and backups.

Everything here runs *before* SQLAlchemy touches the file, with plain sqlite3
in read-only mode, so that a file we refuse (too new, damaged) is never
changed by the act of looking at it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from companion.base.errors import StorageError
from companion.base.paths import ensure_private_dir

log = logging.getLogger("companion.store")

SQLITE_MAGIC = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm")


@dataclass(frozen=True)
class FileState:
    """What an existing database file looks like before we open it for writing."""

    exists: bool
    version: int = 0  # PRAGMA user_version; 0 for a new or empty file
    revision: str | None = None  # Alembic's record of the version, if the file has one
    looked: tuple[Path, ...] = ()  # -wal/-shm that looking at a WAL file created

    def forget_look(self) -> None:
        """Remove the empty -wal and the -shm our read-only look left (a refused file)."""
        for side in self.looked:
            with contextlib.suppress(OSError):
                if side.name.endswith("-shm") or side.stat().st_size == 0:
                    side.unlink()


def prepare_folder(folder: Path) -> None:
    """Create the data folder (0700 on POSIX) and prove we can write in it.

    A folder made now has its name synced into its parent: SQLite syncs the folder
    it writes in, never the one above, and a power cut soon after the first start
    could otherwise take the new folder and the first round with it
    (tests/test_power_cut.py).
    """
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        ensure_private_dir(folder)
    except OSError as exc:
        raise StorageError(f"cannot create the data folder {folder}: {exc.strerror or exc}") \
            from exc
    for new in made:
        sync_folder(new.parent)
    try:
        # A real write, not os.access: access() says yes to root on a 0500 folder.
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise StorageError(
            f"cannot save in the data folder {folder}: it is read-only or not writable "
            f"({exc.strerror or exc}); choose another folder with --data-dir") from exc


def sync_folder(folder: Path) -> None:
    """fsync ``folder`` so the names in it survive a power cut (POSIX; best effort)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on folders
    finally:
        os.close(fd)


def stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")


def inspect(path: Path, current_version: int) -> FileState:
    """Read the schema version of ``path`` without changing it.

    Raises ``Damaged`` when the file is not an SQLite database or fails its check.
    ``quick_check`` is the check of a file the last run closed cleanly; it does not
    compare indexes with their tables, which is how a torn copy of a live file is
    damaged. So a file with a ``-wal`` beside it (a crash, a power cut, a copy taken
    while it was written, or another running copy of the app) and a file about to be
    migrated (older than ``current_version``) get the full ``integrity_check``:
    0.60 s against quick_check's 0.27 s on 5,000 rounds (bench/integrity_check.py),
    too slow for every start.
    """
    if not path.exists():
        return FileState(exists=False)
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not head and not any(Path(f"{path}{s}").exists() for s in SIDE_FILES):
        return FileState(exists=True)  # an empty file: SQLite treats it as a new database
    if not head.startswith(SQLITE_MAGIC) or len(head) < 100:
        raise Damaged("it is not a database file (or it was cut short)")
    sides = [Path(f"{path}{s}") for s in SIDE_FILES]
    new_sides = [p for p in sides if not p.exists()]
    unclean = Path(f"{path}-wal").exists()
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise _not_damage(path, exc) or Damaged(str(exc)) from exc
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        revision = None
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                        "name='alembic_version'").fetchone():
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = str(row[0]) if row else None
        full = unclean or 0 < version < current_version
        check = [r[0] for r in conn.execute(
            "PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()]
    except sqlite3.Error as exc:
        refusal = _not_damage(path, exc)
        if refusal is None:
            raise Damaged(str(exc)) from exc
        conn.close()
        for side in new_sides:  # leave the folder as we found it
            with contextlib.suppress(OSError):
                side.unlink()
        raise refusal from exc
    finally:
        conn.close()
    if check != ["ok"]:
        raise Damaged(_check_summary(path, check))
    return FileState(exists=True, version=version, revision=revision,
                     looked=tuple(p for p in new_sides if p.exists()))


# SQLite's primary result codes that mean the file itself is bad; any other failure
# (a full disk, an I/O error, a lock, permissions) is about the machine, not the file.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_SQLITE_FULL = 13
_SQLITE_IOERR = 10
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
# Less than this free in the folder, and an I/O error is taken to be the full disk.
_NEARLY_FULL = 1024 * 1024


def _not_damage(path: Path, exc: sqlite3.Error) -> StorageError | None:
    """The StorageError for a failure that is not damage to the file, else None.

    Looking at a WAL database, even read-only, creates its ``-shm`` file: on a full
    disk that fails with an I/O error, which is no reason to set a healthy file aside.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return None
    unchanged = "Nothing was changed or set aside."
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StorageError(f"cannot open {path}: it is locked by another running copy of "
                            "the app")
    if primary in (_SQLITE_FULL, _SQLITE_IOERR):
        try:
            free = shutil.disk_usage(path.parent).free
        except OSError:
            free = 0
        if primary == _SQLITE_FULL or free < _NEARLY_FULL:
            return StorageError(f"cannot open {path}: the disk is full ({free:,} bytes free); "
                                f"free some space and start again. {unchanged}")
        return StorageError(f"cannot open {path}: the disk reported an I/O error ({exc}); "
                            f"check the disk and start again. {unchanged}")
    if primary is None:  # no code to go by: only SQLite's damage wording counts as damage
        text = str(exc).lower()
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            return None
    return StorageError(f"cannot open {path}: {exc}. {unchanged}")


def _check_summary(path: Path, check: list[str]) -> str:
    """One line for the user; the whole integrity-check report goes to the log."""
    lines = [ln.strip() for row in check for ln in row.splitlines()
             if ln.strip() and not ln.startswith("***")]
    log.warning("integrity check of %s failed:\n%s", path, "\n".join(lines))
    first = lines[0] if lines else "no details"
    more = f" and {len(lines) - 1} more, listed in the log" if len(lines) > 1 else ""
    return f"the integrity check found {first[:80]!r}{more}"


class Damaged(Exception):
    """The file exists but cannot be used as a database (internal signal)."""


def set_aside(path: Path, reason: str) -> StorageError:
    """Rename a damaged database (and its WAL/SHM) aside; never delete it.

    Returns the StorageError to raise: it names the file, what is wrong and
    where the damaged copy now lives.
    """
    when = stamp()
    aside = path.with_name(f"{path.name}.corrupt-{when}")
    try:
        path.rename(aside)
        for suffix in SIDE_FILES:
            side = Path(f"{path}{suffix}")
            if side.exists():
                side.rename(Path(f"{aside}{suffix}"))
    except OSError as exc:
        return StorageError(
            f"{path} is damaged ({reason}) and could not be moved aside "
            f"({exc.strerror or exc}); nothing was changed")
    return StorageError(
        f"{path} is damaged ({reason}); it was kept as {aside.name} and a new, empty "
        f"database will be created the next time the app starts")


def backup(path: Path, version: int) -> Path:
    """Copy the database (with any WAL content) beside it before a migration."""
    dest = path.with_name(f"{path.name}.v{version}-backup-{stamp()}")
    src = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        # Create the copy private before any byte of it is written.
        fd = os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            dest.unlink()
        raise StorageError(
            f"cannot upgrade {path}: the backup copy {dest.name} could not be written "
            f"({exc}); the file was left as it was") from exc
    finally:
        src.close()
    private(dest)
    return dest


def create_private(path: Path) -> None:
    """Create an empty file readable only by the user (SQLite copies its mode to -wal/-shm)."""
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def private(path: Path) -> None:
    """Make ``path`` and its -wal/-shm files 0600 on POSIX."""
    if os.name != "posix":
        return
    for p in (path, *(Path(f"{path}{s}") for s in SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            p.chmod(0o600)
