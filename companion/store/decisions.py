"""The panel's decisions in the local store: one per candidate, the latest kept.

A decision belongs to a stored candidate (the rounds came first), so recording
one for an unknown name is refused; deleting the candidate deletes it too
(the table's foreign key cascades).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.base.errors import StorageError
from companion.record.decision import Decision
from companion.record.names import fold_name
from companion.store.schema import Candidate, DecisionRow
from companion.store.store import Store


def _decision(row: DecisionRow, name: str) -> Decision:
    return Decision(candidate=name, outcome=row.outcome, decided_by=row.decided_by,
                    decided_at=row.decided_at, level=row.level, note=row.note)


def _candidate(session: Session, name: str) -> Candidate | None:
    return session.scalars(select(Candidate).where(Candidate.name == name)).first()


def record_decision(store: Store, decision: Decision) -> Decision | None:
    """Store ``decision``, replacing any earlier one; returns the one it replaced.

    Raises StorageError when no round of that candidate is stored.
    """
    with store.write() as s:
        cand = _candidate(s, decision.candidate)
        if cand is None:
            raise StorageError(f"no candidate named {decision.candidate!r} in {store.path}")
        row = s.get(DecisionRow, cand.id)
        previous = _decision(row, cand.name) if row is not None else None
        if row is None:
            row = DecisionRow(candidate_id=cand.id)
            s.add(row)
        row.outcome = decision.outcome
        row.level = decision.level
        row.decided_by = decision.decided_by.strip()
        row.decided_at = decision.decided_at
        row.note = decision.note.strip()
    return previous


def decision_for(store: Store, candidate: str) -> Decision | None:
    """The decision on ``candidate``: by exact name, else by the name compared loosely
    (case and surrounding spaces), as panels group candidates; None if none is recorded."""
    with store.read() as s:
        cand = _candidate(s, candidate)
        row = s.get(DecisionRow, cand.id) if cand is not None else None
        if row is not None and cand is not None:
            return _decision(row, cand.name)
    key = fold_name(candidate)
    return next((d for d in all_decisions(store) if fold_name(d.candidate) == key), None)


def all_decisions(store: Store) -> list[Decision]:
    """Every recorded decision, by candidate name."""
    with store.read() as s:
        rows = s.execute(select(DecisionRow, Candidate.name)
                         .join(Candidate, DecisionRow.candidate_id == Candidate.id)
                         .order_by(Candidate.name)).all()
        return [_decision(row, name) for row, name in rows]
