"""Deleting for good: rows, then every old copy of the text in the file and its WAL.

``secure_delete`` (set on every connection) zeroes the bytes of deleted rows
in the pages it touches. Old versions of those pages can still sit in the
write-ahead log, so after a delete we checkpoint the WAL into the main file
and truncate it to zero bytes, ``VACUUM`` to rebuild the file without free
pages, and checkpoint/truncate once more for the pages VACUUM itself logged.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from companion.store import search
from companion.store.db import driver
from companion.store.schema import Candidate, Interviewer, Round


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
