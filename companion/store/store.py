"""The durable store: one SQLite file in the data folder, opened safely.

``Store.open`` checks the folder, sets a damaged file aside, refuses a file
from a newer app, migrates an older one after a backup, then opens it with the
durability settings of ``db.py``. Every failure becomes a ``StorageError``
that names the file and what is wrong.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from companion.base.errors import StorageError
from companion.intake import limits
from companion.record.scorecard import Scorecard
from companion.store import db, files, locks, migrations, privacy, records, recovery, search
from companion.store.db import (
    BEGIN_MODE,
    BUSY_TIMEOUT_MS,
    DB_NAME,
    current_pragmas,
    describe,
    make_engine,
    storage_error,
)
from companion.store.locks import RoundLock
from companion.store.records import RoundSummary
from companion.store.schema import LoopRow, Round, Setting

RETENTION_KEY = "retention_days"
# Set while a deletion's text may still be in the file; the next start finishes the scrub.
SCRUB_KEY = "scrub_pending"


class Store:
    """The app's database. Use ``Store.open(data_dir)``; close it when done."""

    def __init__(self, data_dir: Path, path: Path, engine: Engine) -> None:
        self.data_dir = data_dir
        self.path = path
        self._engine = engine
        # Same pool, but every transaction starts with BEGIN IMMEDIATE.
        self._writer = engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"})
        self.backup_path: Path | None = None  # set when open() migrated the file
        self.purged_at_start = 0
        self.search_kind = "fts5"  # "like" where SQLite lacks FTS5 (see search.py)

    # -- opening -----------------------------------------------------------------
    @classmethod
    def open(cls, data_dir: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
             max_page_count: int | None = None, now: datetime | None = None) -> Store:
        """Open (creating if needed) ``<data_dir>/companion.sqlite3``.

        Raises StorageError for a read-only folder, a damaged file (renamed
        aside first), a file written by a newer version (left untouched) or a
        lock held too long by another copy.
        """
        data_dir = Path(data_dir)
        files.prepare_folder(data_dir)
        path = data_dir / DB_NAME
        try:
            state = files.inspect(path, migrations.SCHEMA_VERSION)
        except files.Damaged as exc:
            raise cls._recover(path, str(exc), busy_timeout_ms) from exc
        refusal = migrations.refusal(path, state.version, state.revision)
        if refusal is not None:
            state.forget_look()
            raise StorageError(refusal)
        backup_path = None
        if 0 < state.version < migrations.SCHEMA_VERSION:
            backup_path = files.backup(path, state.version)
        files.create_private(path)
        try:
            cls._build_or_upgrade(path, state.version, busy_timeout_ms)
        except (SQLAlchemyError, sqlite3.Error) as exc:
            if backup_path is None:
                raise storage_error(path, exc, "prepare") from exc
            # Each step is one transaction, so a failed step left no partial change.
            raise StorageError(
                f"cannot upgrade {path} from schema {state.version} to "
                f"{migrations.SCHEMA_VERSION}: {describe(exc)}. Nothing is lost: the file "
                f"keeps every completed step, and a copy from before the upgrade is at "
                f"{backup_path.name}.") from exc
        engine = make_engine(path, busy_timeout_ms, max_page_count)
        store = cls(data_dir, path, engine)
        store.backup_path = backup_path
        try:
            with store.read() as s:
                s.execute(select(Setting).limit(1)).all()
                store.search_kind = search.index_kind(db.driver(s))
        except StorageError:
            engine.dispose()
            raise
        files.private(path)
        locks.sweep(data_dir)
        days = store.retention_days()
        if days:
            store.purged_at_start = store.purge_submitted_older_than(days, now=now)
        if store.scrub_pending:  # a deletion whose scrub a long reader held up last time
            store._scrub(wait=False)
        return store

    @staticmethod
    def _recover(path: Path, reason: str, busy_timeout_ms: int) -> StorageError:
        """Keep an untouched copy of a damaged file and rebuild it from its readable rows.

        Returns the one-line error to raise; the next start opens the rebuilt file.
        """
        try:
            aside = recovery.copy_aside(path)
        except OSError:
            return files.set_aside(path, reason)  # no room for a copy: a rename needs none
        try:
            kept = recovery.recover(path, aside, busy_timeout_ms)
        except (OSError, sqlite3.Error, SQLAlchemyError, StorageError) as exc:
            files.log.warning("recovery of %s failed: %s", path, exc)
            return files.set_aside(path, reason)
        return StorageError(kept.line(path, reason))

    @staticmethod
    def _build_or_upgrade(path: Path, version: int, busy_timeout_ms: int) -> None:
        if version == migrations.SCHEMA_VERSION:
            return
        if version == 0:
            conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
            try:
                tables = conn.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
            finally:
                conn.close()
            if tables:
                raise StorageError(
                    f"{path} is an SQLite database but not one of this app's "
                    f"(it has tables and no schema version); it was not changed")
        migrations.upgrade(path, version, busy_timeout_ms)

    def close(self) -> None:
        """Checkpoint the WAL into the main file if nobody is reading, and let go.

        The checkpoint is a courtesy (the WAL is replayed at the next open either
        way), so it must not wait: with a reader in another connection (a backup
        tool, a second copy of the app) it would sit out the whole busy timeout.
        """
        with contextlib.suppress(SQLAlchemyError, sqlite3.Error):
            raw = self._engine.raw_connection()
            try:
                driver = raw.driver_connection
                assert driver is not None
                driver.execute("PRAGMA busy_timeout=0")
                driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------
    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session; faults become StorageError."""
        try:
            with Session(self._engine, expire_on_commit=False) as session:
                yield session
                session.rollback()
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise storage_error(self.path, exc, "read") from exc

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE), committed (fsync'd) on exit.

        Refuses (StorageError) once a newer version of the app has upgraded the file
        while this one was running: its tables may no longer be what this code writes.
        """
        try:
            with Session(self._writer, expire_on_commit=False, autoflush=True) as session:
                self._check_schema(session)
                yield session
                session.commit()
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise storage_error(self.path, exc) from exc

    def _check_schema(self, session: Session) -> None:
        # Read inside the write transaction, so no upgrade can slip in between; the
        # header page is in SQLite's cache, so this costs microseconds per tap.
        found = session.connection().exec_driver_sql("PRAGMA user_version").scalar()
        if isinstance(found, int) and found > migrations.SCHEMA_VERSION:
            raise StorageError(
                f"cannot save to {self.path}: a newer version of the app upgraded it (schema "
                f"{found}; this copy writes {migrations.SCHEMA_VERSION}) while this copy was "
                "running, so this copy stopped writing. Close it and use the newer version.")

    @property
    def engine(self) -> Engine:
        return self._engine

    def another_handle(self) -> Store:
        """The same open file through connections of its own, for a worker thread.

        A worker (the team store's publisher) then never waits for, or holds, one
        of the few connections the window's own reads and writes use.
        """
        other = Store(self.data_dir, self.path, make_engine(self.path))
        other.search_kind = self.search_kind
        return other

    def pragmas(self) -> dict[str, str]:
        """The SQLite settings in force (for the benchmark and diagnostics)."""
        return current_pragmas(self._engine)

    # -- rounds ------------------------------------------------------------------
    def list_rounds(self) -> list[RoundSummary]:
        """Every stored round, newest first."""
        with self.read() as s:
            return records.summaries(s)

    def search_rounds(self, f: search.RoundFilter, after: search.RoundRow | None = None,
                      limit: int = search.PAGE) -> list[search.RoundRow]:
        """One page of the rounds matching ``f``, newest first, after ``after``."""
        with self.read() as s:
            return search.page(db.driver(s), f, after, limit, self.search_kind)

    def count_rounds(self, f: search.RoundFilter, at_most: int | None = None) -> int:
        """How many rounds match ``f`` (with ``at_most``: up to one more than that)."""
        with self.read() as s:
            return search.count(db.driver(s), f, self.search_kind, at_most)

    @property
    def search_notice(self) -> str:
        """One line for the user when search is the slower plain kind, else ""."""
        return search.notice(self.search_kind, self.path.name)

    def unfinished_rounds(self) -> list[RoundSummary]:
        """Rounds started here and not yet submitted (offer to resume), newest first."""
        with self.read() as s:
            return records.summaries(s, unfinished_only=True)

    def resolve_id(self, id_or_prefix: str) -> str:
        """The full id of the one round whose id is or starts with ``id_or_prefix``."""
        wanted = id_or_prefix.strip()
        if not wanted:
            raise StorageError("no round id given")
        with self.read() as s:
            if s.get(Round, wanted) is not None:
                return wanted
            like = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            ids = list(s.scalars(select(Round.id).where(Round.id.like(f"{like}%", escape="\\"))
                                 .limit(2)))
        if not ids:
            raise StorageError(f"no round {wanted!r} in {self.path}")
        if len(ids) > 1:
            raise StorageError(f"more than one round starts with {wanted!r}; give more of the id")
        return ids[0]

    def load_scorecard(self, round_id: str) -> Scorecard:
        """The stored scorecard of one round; StorageError if there is none."""
        with self.read() as s:
            sc = records.load(s, round_id)
        if sc is None:
            raise StorageError(f"no round {round_id!r} in {self.path}")
        return sc

    def save_imported(self, sc: Scorecard) -> bool:
        """Store a scorecard from another interviewer; False if its id is already stored."""
        with self.write() as s:
            if s.get(Round, sc.id) is not None:
                return False
            records.insert(s, sc, imported=True)
        return True

    def save_scorecard(self, sc: Scorecard) -> bool:
        """Store a whole scorecard as this app's own (demo data); False if already stored."""
        with self.write() as s:
            if s.get(Round, sc.id) is not None:
                return False
            records.insert(s, sc, imported=False)
        return True

    # -- deleting ----------------------------------------------------------------
    def delete_round(self, round_id: str) -> None:
        """Delete one round and every trace of its text; StorageError if unknown or open."""
        with self.read() as s:
            if s.get(Round, round_id) is None:
                raise StorageError(f"no round {round_id!r} in {self.path}")
        self._delete([round_id])

    def delete_candidate(self, name: str) -> int:
        """Delete every round of candidate ``name``; returns how many were deleted."""
        with self.read() as s:
            ids = privacy.rounds_of_candidate(s, name)
        loops = self._delete_loops_of(name)
        n = self._delete(ids)
        if loops and not n:
            self._scrub()  # _delete scrubs after rounds; a loop alone needs it too
        return n

    def _delete_loops_of(self, name: str) -> int:
        """Delete the loops of candidate ``name`` (names compared as people are)."""
        from companion.record.names import fold_name

        with self.write() as s:
            rows = [r for r in s.scalars(select(LoopRow)) if fold_name(r.candidate)
                    == fold_name(name)]
            for row in rows:
                s.delete(row)
            if rows:
                s.merge(Setting(key=SCRUB_KEY, value="1"))
        return len(rows)

    def purge_submitted_older_than(self, days: int, now: datetime | None = None) -> int:
        """Delete submitted rounds whose submission is more than ``days`` days old.

        A round open in a window (being amended) is skipped, not waited for.
        """
        if days < 0:
            raise StorageError("retention must be zero or more days")
        cutoff = privacy.cutoff_for(now or datetime.now(UTC), days)
        with self.read() as s:
            ids = privacy.submitted_before(s, cutoff)
        return self._delete(ids, skip_busy=True)

    def _delete(self, ids: list[str], skip_busy: bool = False) -> int:
        held: list[RoundLock] = []
        try:
            # A round open in a live window (here or in another copy) is not deleted under it.
            for rid in ids:
                try:
                    held.append(RoundLock(self.data_dir, rid).acquire())
                except StorageError:
                    if not skip_busy:
                        raise
            ids = [lock.round_id for lock in held]
            if not ids:
                return 0
            with self.write() as s:
                n = privacy.delete_rounds(s, ids)
                # Marked in the same transaction as the delete: if the scrub below cannot
                # finish (or the process dies first), the next start finishes it.
                s.merge(Setting(key=SCRUB_KEY, value="1"))
            self._scrub()
            with self.read() as s:
                live = set(s.scalars(select(Round.id)))
            privacy.clean_backups(self.path, live)
        finally:
            for lock in held:
                lock.release()
        return n

    @property
    def scrub_pending(self) -> bool:
        """Whether deleted text may still sit in the file (a reader held on past the scrub)."""
        return self.get_setting(SCRUB_KEY) is not None

    def _scrub(self, wait: bool = True) -> bool:
        """Wipe deleted text from the file and its WAL; clear the mark when that worked."""
        try:
            done = privacy.scrub(self._engine, wait)
        except (SQLAlchemyError, sqlite3.Error) as exc:
            raise storage_error(self.path, exc, "clean deleted text from") from exc
        if done:
            self.set_setting(SCRUB_KEY, None)
            # Clearing the mark was a write of its own; fold it in so the WAL is empty again.
            with contextlib.suppress(SQLAlchemyError, sqlite3.Error):
                privacy.checkpoint(self._engine)
        return done

    def lock_round(self, round_id: str) -> RoundLock:
        """Claim one round for writing by this process (see locks.py)."""
        return RoundLock(self.data_dir, round_id).acquire()

    # -- settings ----------------------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        with self.read() as s:
            row = s.get(Setting, key)
            return row.value if row else None

    def set_setting(self, key: str, value: str | None) -> None:
        """Set (or with ``None`` remove) one setting."""
        with self.write() as s:
            row = s.get(Setting, key)
            if value is None:
                if row is not None:
                    s.delete(row)
            elif row is None:
                s.add(Setting(key=key, value=value))
            else:
                row.value = value

    def retention_days(self) -> int | None:
        """Days after which submitted rounds are purged at start; None when off (default)."""
        raw = self.get_setting(RETENTION_KEY)
        # The settings table is written by other copies and versions of the app: a value
        # that is not a sane number of days means "off", never a purge gone wrong.
        text = (raw or "").strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 6:
            return None
        days = int(text)
        return days if 0 < days <= limits.RETENTION_DAYS else None

    def set_retention_days(self, days: int | None) -> None:
        self.set_setting(RETENTION_KEY, None if not days else str(int(days)))
