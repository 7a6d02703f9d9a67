"""Opening the SQLite file: connection settings, transactions and error translation.

Durability settings, applied to every connection by a ``connect`` listener:

- ``journal_mode=WAL``: a commit appends to the write-ahead log instead of
  rewriting pages in place, so a tap costs one sequential write, readers never
  block the writer, and a crash mid-write leaves the main file untouched.
- ``synchronous=FULL``: the WAL is fsync'd at every commit. In WAL mode
  ``NORMAL`` syncs only at checkpoints: that survives a *process* crash (the
  bytes are already in the OS page cache) but after a *power cut* the last
  commits can vanish, because the OS never flushed them to the disk. A rating
  tapped in a live round must survive both, so we pay the fsync.
- ``fullfsync`` / ``checkpoint_fullfsync``: on macOS a plain fsync() leaves data in
  the drive's cache, so a power cut can still lose it; F_FULLFSYNC flushes the
  drive. Other systems ignore these.
- ``busy_timeout``: wait for a short write held by another copy of the app
  rather than failing at once.
- ``foreign_keys=ON``: SQLite leaves it off by default; deletes must cascade.
- ``secure_delete=ON``: deleted text is overwritten with zeros, not left in
  free pages (privacy: deleting a candidate must leave no trace).

Python's sqlite3 driver opens transactions implicitly and late (only before
DML, never before SELECT) and commits silently around DDL. We switch that off
(``isolation_level = None``) and emit BEGIN ourselves from SQLAlchemy's
``begin`` event, so a transaction is exactly what SQLAlchemy thinks it is.
Writes use ``BEGIN IMMEDIATE``: the write lock is taken up front, so two
copies of the app never meet in a deadlocked upgrade from a read lock.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from companion.base.errors import StorageError

DB_NAME = "companion.sqlite3"
BUSY_TIMEOUT_MS = 5000

# Execution option naming the BEGIN flavour for one connection's transactions.
BEGIN_MODE = "companion_begin"


def pragmas(busy_timeout_ms: int) -> tuple[tuple[str, str], ...]:
    """The PRAGMAs set on every connection, in order (journal mode first)."""
    return (
        ("journal_mode", "WAL"),
        ("synchronous", "FULL"),
        ("fullfsync", "ON"),
        ("checkpoint_fullfsync", "ON"),
        ("busy_timeout", str(busy_timeout_ms)),
        ("foreign_keys", "ON"),
        ("secure_delete", "ON"),
    )


def driver(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under ``session``'s (its transaction is that one's), for the
    code that runs on plain sqlite3 (``search``)."""
    raw = session.connection().connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def make_engine(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                max_page_count: int | None = None) -> Engine:
    """An SQLAlchemy engine over ``path`` with our PRAGMAs and explicit BEGIN.

    ``max_page_count`` caps the file's growth (tests use it to make SQLite
    report a full disk without needing a full disk).
    """
    engine = create_engine(
        f"sqlite:///{path}",
        poolclass=QueuePool,
        pool_size=1,
        max_overflow=2,
        connect_args={"timeout": busy_timeout_ms / 1000},
    )
    settings = pragmas(busy_timeout_ms)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Autocommit at the driver level: no implicit BEGIN/COMMIT behind our back.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            for name, value in settings:
                cur.execute(f"PRAGMA {name}={value}")
            if max_page_count is not None:
                cur.execute(f"PRAGMA max_page_count={int(max_page_count)}")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(BEGIN_MODE, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def current_pragmas(engine: Engine) -> dict[str, str]:
    """The PRAGMA values actually in force on a connection (for reports and tests)."""
    names = ("journal_mode", "synchronous", "fullfsync", "checkpoint_fullfsync", "busy_timeout",
             "foreign_keys", "secure_delete", "wal_autocheckpoint")
    out: dict[str, str] = {}
    with engine.connect() as conn:
        for name in names:
            out[name] = str(conn.exec_driver_sql(f"PRAGMA {name}").scalar())
        conn.rollback()
    # synchronous is reported as a number: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA.
    out["synchronous"] = {"0": "OFF", "1": "NORMAL", "2": "FULL", "3": "EXTRA"}.get(
        out["synchronous"], out["synchronous"])
    return out


def describe(exc: BaseException) -> str:
    """A plain-words description of an SQLite failure."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(orig).lower()
    if "disk is full" in text or "database or disk is full" in text:
        return "the disk is full; free some space and the app will save again"
    if "locked" in text or "busy" in text:
        return "it is locked by another running copy of the app"
    if "readonly" in text or "read-only" in text:
        return "it is read-only (check the folder's permissions)"
    if "not a database" in text:
        return "it is not a database file"
    if "malformed" in text or "corrupt" in text:
        return "the database is damaged"
    if "unable to open" in text:
        return "it cannot be opened (check the folder exists and is writable)"
    if "disk i/o" in text:
        return "the disk reported an I/O error"
    return str(orig)


def storage_error(path: Path, exc: BaseException, doing: str = "save to") -> StorageError:
    """A StorageError naming the file, what we were doing and what went wrong."""
    return StorageError(f"cannot {doing} {path}: {describe(exc)}")


def is_storage_fault(exc: BaseException) -> bool:
    """Whether ``exc`` is an SQLite or SQLAlchemy failure (as opposed to a bug)."""
    return isinstance(exc, SQLAlchemyError | sqlite3.Error | OSError)
