"""Deleting for good: rows, then every old copy of the text in the file and its WAL.

``secure_delete`` (set on every connection) zeroes the bytes of deleted rows
in the pages it touches. Old versions of those pages can still sit in the
write-ahead log, so after a delete we checkpoint the WAL into the main file
and truncate it to zero bytes, ``VACUUM`` to rebuild the file without free
pages, and checkpoint/truncate once more for the pages VACUUM itself logged.
The backups an upgrade left beside the file are cleaned too (``clean_backups``).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from companion.store import search
from companion.store.db import driver
from companion.store.schema import Candidate, Interviewer, Round

log = logging.getLogger("companion.store")


def delete_rounds(session: Session, round_ids: list[str]) -> int:
    """Delete rounds (children cascade) and any candidate or interviewer left with no round."""
    if not round_ids:
        return 0
    cand_ids = set(session.scalars(select(Round.candidate_id).where(Round.id.in_(round_ids))))
    inter_ids = set(session.scalars(
        select(Round.interviewer_id).where(Round.id.in_(round_ids))))
    session.execute(delete(Round).where(Round.id.in_(round_ids)))
    for cid in cand_ids:
        if not session.scalar(select(func.count()).select_from(Round)
                              .where(Round.candidate_id == cid)):
            session.execute(delete(Candidate).where(Candidate.id == cid))
    for iid in inter_ids:
        if not session.scalar(select(func.count()).select_from(Round)
                              .where(Round.interviewer_id == iid)):
            session.execute(delete(Interviewer).where(Interviewer.id == iid))
    # The triggers took the rounds out of the search index; this drops the old copies.
    search.optimize(driver(session))
    return len(round_ids)


def rounds_of_candidate(session: Session, name: str) -> list[str]:
    return list(session.scalars(
        select(Round.id).join(Candidate, Round.candidate_id == Candidate.id)
        .where(Candidate.name == name)))


def submitted_before(session: Session, cutoff: datetime) -> list[str]:
    return list(session.scalars(
        select(Round.id).where(Round.submitted_at.is_not(None), Round.submitted_at < cutoff)))


def cutoff_for(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def scrub(engine: Engine, wait: bool = True) -> bool:
    """Leave no old copy of deleted text in the database file or its WAL.

    Returns False when another connection's read transaction outlasted the busy
    timeout: the checkpoint cannot copy the rebuilt pages over the old ones while
    someone may still read those, so the deleted text stays in the file until a
    later scrub (``Store`` records that one is pending and retries at the next start).
    With ``wait=False`` a reader is not waited for at all (the retry at start-up must
    not hold up the window).
    """
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        timeout = driver.execute("PRAGMA busy_timeout").fetchone()[0]
        if not wait:
            driver.execute("PRAGMA busy_timeout=0")
        try:
            # Autocommit at the driver (see db.py): VACUUM refuses to run in a transaction.
            # The first checkpoint only keeps VACUUM's WAL small; it need not wait for anyone.
            driver.execute("PRAGMA wal_checkpoint(PASSIVE)")
            driver.execute("VACUUM")
            # (busy, frames in the WAL, frames checkpointed): only busy == 0 means the
            # main file now holds the rebuilt pages and the WAL was cut to nothing.
            busy, _log, _done = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            driver.execute(f"PRAGMA busy_timeout={int(timeout)}")
        return bool(busy == 0)
    finally:
        raw.close()


def checkpoint(engine: Engine) -> None:
    """Fold the WAL into the main file and cut it to nothing (best effort)."""
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def clean_backups(path: Path, keep: set[str]) -> list[Path]:
    """Remove from every backup of ``path`` each round the live file no longer holds.

    An upgrade leaves a copy of the file from before it (``files.backup``); a deletion
    (a candidate, a round, the retention purge) must reach that copy too, or the
    deleted text lives on beside the file. A backup only ever holds a past state of
    the live file, so whatever the live file no longer has goes. A backup that cannot
    be cleaned is removed whole: privacy comes before a copy kept for a failed upgrade.
    Returns the backups removed.
    """
    removed: list[Path] = []
    for backup in sorted(path.parent.glob(f"{path.name}.v*-backup-*")):
        if backup.name.endswith(("-wal", "-shm", "-journal")):
            continue
        try:
            _clean_backup(backup, keep)
        except sqlite3.Error as exc:
            log.warning("backup %s could not be cleaned (%s); removing it", backup, exc)
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{backup}{suffix}").unlink()
            removed.append(backup)
    return removed


def _clean_backup(backup: Path, keep: set[str]) -> None:
    conn = sqlite3.connect(backup, isolation_level=None)
    try:
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA foreign_keys=OFF")  # every child row is deleted by hand below
        gone = [r[0] for r in conn.execute("SELECT id FROM round") if r[0] not in keep]
        if not gone:
            return
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TEMP TABLE gone (id TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO gone VALUES (?)", [(g,) for g in gone])
        for table in tables:
            cols = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
            if "round_id" in cols:
                conn.execute(f'DELETE FROM "{table}" WHERE round_id IN (SELECT id FROM gone)')
        conn.execute("DELETE FROM round WHERE id IN (SELECT id FROM gone)")
        for table, column in (("candidate", "candidate_id"), ("interviewer", "interviewer_id")):
            orphans = f"SELECT id FROM {table} WHERE id NOT IN (SELECT {column} FROM round)"
            for other in tables:
                cols = {r[1] for r in conn.execute(f'PRAGMA table_info("{other}")')}
                if other != "round" and column in cols:
                    conn.execute(f'DELETE FROM "{other}" WHERE {column} IN ({orphans})')
            conn.execute(f"DELETE FROM {table} WHERE id IN ({orphans})")
        conn.execute("COMMIT")
        conn.execute("VACUUM")  # no free page keeps the deleted text
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
