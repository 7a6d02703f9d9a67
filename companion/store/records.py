"""Between database rows and the plain ``Scorecard`` snapshot, both ways."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from companion.scorecard import (
    Amendment,
    FlagEvent,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
    SectionTiming,
)
from companion.store import amend
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


@dataclass(frozen=True)
class RoundSummary:
    """One line of ``list_rounds``."""

    id: str
    candidate: str
    interviewer: str
    archetype: str
    level: str
    template_id: str
    round_title: str
    started_at: datetime
    submitted_at: datetime | None


_Named = TypeVar("_Named", Candidate, Interviewer)


def _get_or_create(session: Session, model: type[_Named], name: str) -> _Named:
    found = session.scalars(select(model).where(model.name == name)).first()
    if found is None:
        found = model(name=name)
        session.add(found)
        session.flush()
    return found


def get_or_create_candidate(session: Session, name: str) -> Candidate:
    return _get_or_create(session, Candidate, name)


def get_or_create_interviewer(session: Session, name: str) -> Interviewer:
    return _get_or_create(session, Interviewer, name)


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
    return [
        RoundSummary(r.id, cand, inter, r.archetype, r.level, r.template_id, r.round_title,
                     r.started_at, r.submitted_at)
        for r, cand, inter in session.execute(stmt).all()
    ]


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


def load(session: Session, round_id: str) -> Scorecard | None:
    """The scorecard of one round: current values, with its amendments listed."""
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
    return amend.apply_all(Scorecard(
        id=row.id,
        candidate=candidate.name if candidate else "",
        interviewer=interviewer.name if interviewer else "",
        archetype=row.archetype,
        level=row.level,
        template_id=row.template_id,
        round_title=row.round_title,
        pack_id=row.pack_id,
        pack_version=row.pack_version,
        started_at=row.started_at,
        submitted_at=row.submitted_at,
        duration_s=row.round_elapsed_s,
        items=tuple(
            ItemRecord(it.item_id, it.kind, it.rating, it.rated_at, tuple(probes[it.item_id]),
                       it.said, it.read, it.time_spent_s)
            for it in items),
        flags=flag_records(events),
        sections=tuple(SectionTiming(s.section_id, s.title, s.planned_s, s.elapsed_s,
                                     s.started_at) for s in sections),
        said=row.said,
        read=row.read,
        recommendation=row.recommendation,
        summary=row.summary,
        amendments=tuple(Amendment(a.at, a.field, a.old, a.new, a.reason) for a in amendments),
        extra=extra,
    ))


def insert(session: Session, sc: Scorecard, imported: bool) -> None:
    """Write a whole scorecard as new rows (the caller checked the id is free)."""
    cand = get_or_create_candidate(session, sc.candidate)
    inter = get_or_create_interviewer(session, sc.interviewer)
    session.add(Round(
        id=sc.id, candidate_id=cand.id, interviewer_id=inter.id, archetype=sc.archetype,
        level=sc.level, template_id=sc.template_id, round_title=sc.round_title,
        pack_id=sc.pack_id, pack_version=sc.pack_version, started_at=sc.started_at,
        submitted_at=sc.submitted_at, recommendation=sc.recommendation, summary=sc.summary,
        said=sc.said, read=sc.read, round_elapsed_s=sc.duration_s, timer_started=True,
        imported=imported, extra=json.dumps(sc.extra, sort_keys=True, default=str),
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
        session.add(AmendmentRow(round_id=sc.id, at=a.at, field=a.field, old=a.old, new=a.new,
                                 reason=a.reason))
