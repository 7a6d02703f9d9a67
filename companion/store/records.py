"""Between database rows and the plain ``Scorecard`` snapshot, both ways.

One row builder (``insert``) serves a new round, an imported file and the demo;
one reader (``load``) gives the scorecard back with every amendment applied. The
round header and the scalar fields travel between ``Scorecard`` and the round
row by name (``SHARED``), so a new field of a round is a field of the scorecard
plus a column of the same name.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Table, literal_column, select
from sqlalchemy.orm import Session

from companion.base.errors import StorageError
from companion.intake.json_reader import Obj, SchemaError
from companion.record.change_codec import amendment_from, edit_to_dict
from companion.record.changes import Amendment
from companion.record.scorecard import (
    HEADER_FIELDS,
    FlagEvent,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    RoundHeader,
    Scorecard,
    SectionTiming,
    header_from,
    header_values,
)
from companion.store.schema import (
    AmendmentRow,
    Candidate,
    FlagEventRow,
    Interviewer,
    ProbeAnswerRow,
    Round,
    RoundItem,
    SectionTimingRow,
)

# Scorecard fields kept as they are in round columns of the same name (candidate and
# interviewer are rows of their own, referenced by id; ``extra`` is stored as JSON).
_COLUMNS = frozenset(c.name for c in cast(Table, Round.__table__).columns)
SHARED: tuple[str, ...] = tuple(f.name for f in fields(Scorecard)
                                if f.name in _COLUMNS and f.name != "extra")


@dataclass(frozen=True)
class RoundSummary(RoundHeader):
    """One line of ``list_rounds``: the header, the id and whether it was submitted."""

    id: str
    submitted_at: datetime | None

    @classmethod
    def of(cls, header: RoundHeader, id: str, submitted_at: datetime | None) -> RoundSummary:
        return cls(**header_values(header), id=id, submitted_at=submitted_at)


_Named = TypeVar("_Named", Candidate, Interviewer)


def _get_or_create(session: Session, model: type[_Named], name: str) -> _Named:
    found = session.scalars(select(model).where(model.name == name)).first()
    if found is None:
        found = model(name=name)
        session.add(found)
        session.flush()
    return found


def _header(row: Round, candidate: str, interviewer: str) -> RoundHeader:
    values: dict[str, object] = {n: getattr(row, n) for n in HEADER_FIELDS if n in _COLUMNS}
    return header_from({**values, "candidate": candidate, "interviewer": interviewer})


def summaries(session: Session, unfinished_only: bool = False) -> list[RoundSummary]:
    """Stored rounds, newest first."""
    stmt = (
        select(Round, Candidate.name, Interviewer.name)
        .join(Candidate, Round.candidate_id == Candidate.id)
        .join(Interviewer, Round.interviewer_id == Interviewer.id)
        .order_by(Round.started_at.desc(), Round.id)
    )
    if unfinished_only:
        stmt = stmt.where(Round.submitted_at.is_(None), Round.imported.is_(False))
    return [RoundSummary.of(_header(r, cand, inter), r.id, r.submitted_at)
            for r, cand, inter in session.execute(stmt).all()]


def flag_records(events: list[FlagEventRow]) -> tuple[FlagRecord, ...]:
    """Fold flag events (oldest first) into one record per flag, in first-raised order."""
    by_flag: dict[str, list[FlagEventRow]] = defaultdict(list)
    for ev in events:
        by_flag[ev.flag_id].append(ev)
    out = []
    for flag_id, evs in by_flag.items():
        evidence = next((e.evidence for e in reversed(evs) if e.evidence), "")
        raised_on = next((e.item_id for e in evs if e.state != "off"), None)
        out.append(FlagRecord(
            flag_id=flag_id,
            state=evs[-1].state,
            events=tuple(FlagEvent(e.state, e.at) for e in evs),
            evidence=evidence,
            item_id=raised_on,
        ))
    return tuple(out)


def decode_amendment(row: AmendmentRow) -> Amendment:
    """A stored amendment as a typed value; StorageError if the row is not one."""
    try:
        data = {"at": row.at.isoformat(), "change": json.loads(row.change),
                "undo": json.loads(row.undo), "reason": row.reason}
        return amendment_from(Obj(data, f"amendment {row.id}"))
    except (ValueError, SchemaError) as exc:
        raise StorageError(f"round {row.round_id} has an amendment this app cannot read "
                           f"({exc}); the database may be damaged") from exc


def load(session: Session, round_id: str, *, amended: bool = True) -> Scorecard | None:
    """The scorecard of one round: current values, with its amendments listed.

    With ``amended=False``, the round exactly as it was submitted (no amendment
    applied or listed): what the team store receives, the same bytes every time.
    """
    row = session.get(Round, round_id)
    if row is None:
        return None
    candidate = session.get(Candidate, row.candidate_id)
    interviewer = session.get(Interviewer, row.interviewer_id)
    items = session.scalars(
        select(RoundItem).where(RoundItem.round_id == round_id).order_by(RoundItem.position)
    ).all()
    probes: dict[str, list[ProbeAnswer]] = defaultdict(list)
    for p in session.scalars(
        select(ProbeAnswerRow).where(ProbeAnswerRow.round_id == round_id)
        .order_by(literal_column("probe_answer.rowid"))  # first-asked order
    ):
        probes[p.item_id].append(ProbeAnswer(p.probe_id, p.asked, p.rating, p.note, p.at))
    events = list(session.scalars(
        select(FlagEventRow).where(FlagEventRow.round_id == round_id).order_by(FlagEventRow.id)))
    sections = session.scalars(
        select(SectionTimingRow).where(SectionTimingRow.round_id == round_id)
        .order_by(SectionTimingRow.position)).all()
    amendments = session.scalars(
        select(AmendmentRow).where(AmendmentRow.round_id == round_id).order_by(AmendmentRow.id)
    ).all()
    try:
        extra: dict[str, Any] = json.loads(row.extra or "{}")
    except ValueError:
        extra = {}
    header = _header(row, candidate.name if candidate else "",
                     interviewer.name if interviewer else "")
    scalars: dict[str, Any] = {n: getattr(row, n) for n in SHARED
                               if n not in HEADER_FIELDS and n != "id"}
    sc = replace(
        Scorecard.begin(header, row.id), **scalars,
        duration_s=row.round_elapsed_s,
        items=tuple(
            ItemRecord(it.item_id, it.kind, it.rating, it.rated_at, tuple(probes[it.item_id]),
                       it.said, it.read, it.time_spent_s)
            for it in items),
        flags=flag_records(events),
        sections=tuple(SectionTiming(s.section_id, s.title, s.planned_s, s.elapsed_s,
                                     s.started_at) for s in sections),
        extra=extra,
    )
    # The rows hold the round as submitted; the amendments bring it up to date.
    for a in amendments if amended else ():
        sc = sc.apply(decode_amendment(a))
    return sc


def amendment_row(round_id: str, a: Amendment) -> AmendmentRow:
    return AmendmentRow(round_id=round_id, at=a.at, reason=a.reason,
                        change=json.dumps(edit_to_dict(a.change), sort_keys=True),
                        undo=json.dumps(edit_to_dict(a.undo), sort_keys=True))


def insert(session: Session, sc: Scorecard, *, imported: bool, live: bool = False) -> None:
    """Write a whole scorecard as new rows (the caller checked the id is free).

    ``live`` marks a round about to be run here (its clock not started yet);
    otherwise the scorecard is a finished record (imported, or the demo's).
    """
    cand = _get_or_create(session, Candidate, sc.candidate)
    inter = _get_or_create(session, Interviewer, sc.interviewer)
    session.add(Round(
        **{n: getattr(sc, n) for n in SHARED}, candidate_id=cand.id, interviewer_id=inter.id,
        round_elapsed_s=sc.duration_s, timer_started=not live, imported=imported,
        extra=json.dumps(sc.extra, sort_keys=True, default=str),
    ))
    session.flush()
    for pos, it in enumerate(sc.items):
        session.add(RoundItem(
            round_id=sc.id, item_id=it.item_id, position=pos, kind=it.kind, rating=it.rating,
            rated_at=it.rated_at, said=it.said, read=it.read, time_spent_s=it.time_spent_s))
    session.flush()
    for it in sc.items:
        for p in it.probes:
            session.add(ProbeAnswerRow(
                round_id=sc.id, item_id=it.item_id, probe_id=p.probe_id, asked=p.asked,
                rating=p.rating, note=p.note, at=p.at))
    for fl in sc.flags:
        events = fl.events or (FlagEvent(fl.state, sc.started_at),)
        for n, ev in enumerate(events):
            last = n == len(events) - 1
            session.add(FlagEventRow(
                round_id=sc.id, flag_id=fl.flag_id, state=ev.state, at=ev.at,
                evidence=fl.evidence if last else "", item_id=fl.item_id))
    for pos, s in enumerate(sc.sections):
        session.add(SectionTimingRow(
            round_id=sc.id, position=pos, section_id=s.section_id, title=s.title,
            planned_s=s.planned_s, elapsed_s=s.elapsed_s, started_at=s.started_at))
    for a in sc.amendments:
        session.add(amendment_row(sc.id, a))
