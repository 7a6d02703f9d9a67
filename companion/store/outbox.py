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

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.orm import Session, aliased

from companion.record.changes import Amendment
from companion.record.scorecard import Scorecard
from companion.store import records
from companion.store.schema import AmendmentRow, OutboxRow

BACKOFF_FIRST_S = 2.0
BACKOFF_MAX_S = 300.0
# A failure that trying again cannot fix (a conflict, a refusal, a newer schema)
# waits this long, i.e. until someone asks again (``retry_now``).
HOLD = timedelta(days=365)


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


def _for_the_team(since: datetime) -> ColumnElement[bool]:
    """Unpublished, queued since ``since``, and not of a round that stays local.

    A round submitted before the laptop joined stays local, and so do its later
    amendments: the team store could not take them without the round.
    """
    earlier = aliased(OutboxRow)
    kept_local = (select(earlier.id)
                  .where(earlier.round_id == OutboxRow.round_id,
                         earlier.published_at.is_(None), earlier.queued_at < since)
                  .exists())
    return and_(OutboxRow.published_at.is_(None), OutboxRow.queued_at >= since,
                ~kept_local)


def due(s: Session, now: datetime, since: datetime, limit: int = 200) -> list[Entry]:
    """Entries for the team (see ``_for_the_team``) whose back-off is over, oldest first."""
    rows = s.scalars(
        select(OutboxRow)
        .where(_for_the_team(since),
               (OutboxRow.next_try_at.is_(None)) | (OutboxRow.next_try_at <= now))
        .order_by(OutboxRow.id).limit(limit)).all()
    return [Entry(r.id, r.round_id, r.amendment_id, r.queued_at, r.tries) for r in rows]


def waiting(s: Session, since: datetime) -> int:
    """How many entries wait to be published (backing off or not)."""
    return int(s.scalar(select(func.count()).select_from(OutboxRow)
                        .where(_for_the_team(since))) or 0)


def next_try(s: Session, since: datetime) -> datetime | None:
    """When the earliest entry backing off is due again (None: none is backing off)."""
    return s.scalar(select(func.min(OutboxRow.next_try_at)).where(
        _for_the_team(since), OutboxRow.next_try_at.is_not(None)))


def mark_published(s: Session, ids: list[int], now: datetime) -> None:
    if ids:
        s.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(
            published_at=now, next_try_at=None, last_error=""))


def mark_failed(s: Session, ids: list[int], error: str, now: datetime, *,
                hold: bool = False) -> None:
    """Count one more failed try for each entry and set when to try it again.

    ``hold``: retrying on a timer cannot help; wait until someone asks (``retry_now``).
    """
    for row in s.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids))):
        row.tries += 1
        row.failing_since = row.failing_since or now
        row.last_error = error[:300]
        row.next_try_at = now + (HOLD if hold else timedelta(seconds=backoff_s(row.tries)))


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
        elif since is None or open_[0].queued_at < since:  # the round stays local
            out[round_id] = PublishState("local", len(open_))
        else:
            first = open_[0]
            out[round_id] = PublishState("waiting", len(open_), first.tries,
                                         first.failing_since, first.last_error)
    return out


@dataclass(frozen=True)
class Payload:
    """What one entry sends: a round as submitted, or one amendment with its number."""

    entry: Entry
    scorecard: Scorecard  # the round as submitted (no amendments applied or listed)
    amendment: Amendment | None = None  # None: the entry is the round itself
    seq: int = 0  # the amendment's 1-based position in its round (stable: append-only)


def payload(s: Session, entry: Entry) -> Payload | None:
    """What ``entry`` sends, read from the rounds; None if its round is gone."""
    sc = records.load(s, entry.round_id, amended=False)
    if sc is None:
        return None
    if entry.amendment_id is None:
        return Payload(entry, sc)
    row = s.get(AmendmentRow, entry.amendment_id)
    if row is None:
        return None
    seq = int(s.scalar(select(func.count()).select_from(AmendmentRow).where(
        AmendmentRow.round_id == entry.round_id, AmendmentRow.id <= row.id)) or 0)
    return Payload(entry, sc, records.decode_amendment(row), seq)


def waits_for_earlier(s: Session, entry: Entry) -> bool:
    """Whether an earlier entry of the same round is still unpublished.

    The team store takes a round's scorecard before its amendments, and the
    amendments in order, so an entry never overtakes its round's earlier ones.
    """
    return bool(s.scalar(select(func.count()).select_from(OutboxRow).where(
        OutboxRow.round_id == entry.round_id, OutboxRow.id < entry.id,
        OutboxRow.published_at.is_(None))))
