"""What waits to be published to the team store: a durable outbox beside the rounds.

A submission and each later amendment add an entry in the same transaction that
stores them (``writes.write``), so nothing submitted can be missed by the
publisher, whatever happens to the process or the network afterwards. Entries
hold ids only, never text; they go with their round when it is deleted.

The publisher takes what is due, sends it (the team store accepts a second copy
of the same entry and stores it once) and marks it published; a failure is
counted and the entry waits with a growing back-off. Whether entries are meant
for a team at all is the caller's filter: ``since`` is when the laptop joined
one (entries queued before that stay local unless the user asked otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from companion.store.schema import OutboxRow

BACKOFF_FIRST_S = 2.0
BACKOFF_MAX_S = 300.0


def backoff_s(tries: int) -> float:
    """Seconds to wait after the ``tries``-th failure: 2, 4, 8 ... at most five minutes."""
    return min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** max(0, min(tries, 20) - 1))


@dataclass(frozen=True)
class Entry:
    """One thing to publish: a round's scorecard (``amendment_id`` None) or one amendment."""

    id: int
    round_id: str
    amendment_id: int | None
    queued_at: datetime
    tries: int


@dataclass(frozen=True)
class PublishState:
    """Where a round stands with the team store."""

    state: Literal["published", "waiting", "local"]
    waiting: int = 0  # entries not yet published
    tries: int = 0  # failed attempts of the oldest waiting entry
    failing_since: datetime | None = None
    last_error: str = ""

    def describe(self) -> str:
        """"published", or "waiting to publish: server unreachable since 14:02 (3 tries)"."""
        if self.state == "published":
            return "published"
        if self.state == "local":
            return "not published (kept on this laptop)"
        if self.failing_since is None:
            return "waiting to publish"
        since = self.failing_since.astimezone().strftime("%H:%M")
        tries = f"{self.tries} {'try' if self.tries == 1 else 'tries'}"
        return f"waiting to publish: {self.last_error or 'not sent'} since {since} ({tries})"


def enqueue(s: Session, round_id: str, amendment_id: int | None, at: datetime) -> None:
    s.add(OutboxRow(round_id=round_id, amendment_id=amendment_id, queued_at=at))


def due(s: Session, now: datetime, since: datetime, limit: int = 200) -> list[Entry]:
    """Unpublished entries queued since ``since`` whose back-off is over, oldest first."""
    rows = s.scalars(
        select(OutboxRow)
        .where(OutboxRow.published_at.is_(None), OutboxRow.queued_at >= since,
               (OutboxRow.next_try_at.is_(None)) | (OutboxRow.next_try_at <= now))
        .order_by(OutboxRow.id).limit(limit)).all()
    return [Entry(r.id, r.round_id, r.amendment_id, r.queued_at, r.tries) for r in rows]


def waiting(s: Session, since: datetime) -> int:
    return int(s.scalar(select(func.count()).select_from(OutboxRow).where(
        OutboxRow.published_at.is_(None), OutboxRow.queued_at >= since)) or 0)


def mark_published(s: Session, ids: list[int], now: datetime) -> None:
    if ids:
        s.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(
            published_at=now, next_try_at=None, last_error=""))


def mark_failed(s: Session, ids: list[int], error: str, now: datetime) -> None:
    """Count one more failed try for each entry and set when to try it again."""
    for row in s.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids))):
        row.tries += 1
        row.failing_since = row.failing_since or now
        row.last_error = error[:300]
        row.next_try_at = now + timedelta(seconds=backoff_s(row.tries))


def retry_now(s: Session) -> None:
    """Forget the back-off (the user asked to publish now, or the server came back)."""
    s.execute(update(OutboxRow).where(OutboxRow.published_at.is_(None)).values(
        next_try_at=None))


def states(s: Session, since: datetime | None) -> dict[str, PublishState]:
    """Each round's publishing state, for rounds that have outbox entries."""
    out: dict[str, PublishState] = {}
    rows = s.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
    by_round: dict[str, list[OutboxRow]] = {}
    for r in rows:
        by_round.setdefault(r.round_id, []).append(r)
    for round_id, entries in by_round.items():
        open_ = [e for e in entries if e.published_at is None]
        if not open_:
            out[round_id] = PublishState("published")
        elif since is None or all(e.queued_at < since for e in open_):
            out[round_id] = PublishState("local", len(open_))
        else:
            first = open_[0]
            out[round_id] = PublishState("waiting", len(open_), first.tries,
                                         first.failing_since, first.last_error)
    return out


def forget_published(s: Session, before: datetime) -> None:
    """Drop entries published before ``before`` (their state is kept by newer ones)."""
    s.execute(delete(OutboxRow).where(OutboxRow.published_at < before))
