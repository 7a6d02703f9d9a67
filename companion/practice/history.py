"""Practice results in the local database: tables of their own (schema 7).

Nothing here touches a candidate, round or interviewer row, and nothing that reads
those (scorecards, debriefs, calibration) reads these: rater training must never be
mistaken for evidence about a candidate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from companion.content.model import Pack
from companion.practice.model import PracticeItem, Rated
from companion.practice.scoring import PracticeFigure, Tally, by_interviewer
from companion.practice.session import PracticeRecorder, SetChoice
from companion.store import Store
from companion.store.schema import PracticeAnswerRow, PracticeSetRow


class StoredSet(PracticeRecorder):
    """Writes one set and each rating as it is given (one short transaction each)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.set_id = uuid.uuid4().hex

    def begin(self, choice: SetChoice, items: tuple[PracticeItem, ...], pack: Pack,
              at: datetime) -> None:
        with self.store.write() as s:
            s.add(PracticeSetRow(id=self.set_id, interviewer=choice.interviewer.strip(),
                                 archetype=choice.archetype, dimension=choice.dimension,
                                 pack_id=pack.id, pack_version=pack.version, size=len(items),
                                 started_at=at))

    def rated(self, position: int, rated: Rated, at: datetime) -> None:
        with self.store.write() as s:
            s.add(PracticeAnswerRow(set_id=self.set_id, position=position,
                                    sample_id=rated.item.sample_id, item_id=rated.item.item_id,
                                    target=rated.item.target, intended=rated.item.level,
                                    rating=rated.rating, rated_at=at))

    def finished(self, at: datetime) -> None:
        with self.store.write() as s:
            row = s.get(PracticeSetRow, self.set_id)
            if row is not None:
                row.finished_at = at


@dataclass(frozen=True)
class SetRecord:
    """One stored practice set with the sums of its rated answers."""

    id: str
    interviewer: str
    archetype: str
    dimension: str | None
    size: int
    started_at: datetime
    finished_at: datetime | None
    published_at: datetime | None
    tally: Tally

    def to_dict(self) -> dict[str, object]:
        t = self.tally
        return {"id": self.id, "interviewer": self.interviewer, "archetype": self.archetype,
                "dimension": self.dimension, "size": self.size,
                "started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None,
                "rated": t.n, "exact": t.exact, "within_one": t.within_one,
                "signed_error_sum": t.error_sum}


def _rated(row: PracticeAnswerRow) -> Rated:
    item = PracticeItem(row.sample_id, row.item_id, row.intended, "", "", row.target)
    return Rated(item, row.rating)


def sets(store: Store, interviewer: str | None = None) -> list[SetRecord]:
    """Every stored practice set, oldest first (of one interviewer if named)."""
    with store.read() as s:
        query = select(PracticeSetRow).order_by(PracticeSetRow.started_at)
        if interviewer is not None:
            query = query.where(PracticeSetRow.interviewer == interviewer.strip())
        rows = list(s.scalars(query))
        answers: dict[str, list[Rated]] = {}
        for a in s.scalars(select(PracticeAnswerRow).order_by(PracticeAnswerRow.position)):
            answers.setdefault(a.set_id, []).append(_rated(a))
        return [SetRecord(r.id, r.interviewer, r.archetype, r.dimension, r.size, r.started_at,
                          r.finished_at, r.published_at, Tally.of(answers.get(r.id, [])))
                for r in rows]


def mark_published(store: Store, set_ids: list[str], at: datetime) -> None:
    """Remember which sets' summaries the team store has."""
    with store.write() as s:
        for set_id in set_ids:
            row = s.get(PracticeSetRow, set_id)
            if row is not None:
                row.published_at = at


def practice_by_interviewer(store: Store, archetype: str | None = None
                            ) -> dict[str, PracticeFigure]:
    """Each interviewer's practice sets here with a rating in them (of one archetype if
    named): how many, and the signed error over them (the Calibration page's figure),
    keyed by the folded name."""
    return by_interviewer((rec.interviewer, 1, rec.tally) for rec in sets(store)
                          if rec.tally.n and (archetype is None or rec.archetype == archetype))
