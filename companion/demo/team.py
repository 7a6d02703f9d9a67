"""``companion demo --team``: a quarter of a hiring team's loops, to try calibration on.

``demo_team_plan`` decides every tap (seeded); here each planned scorecard is
played through the real ``RoundEngine`` with a ``ManualClock``: start, the
questions in order, failure probes, ratings, red flags, the recommendation, a
pause, then the submission hours later. So what calibration reads is exactly
what live rounds store. The panel lead's decisions are recorded last.

Running it again adds nothing: stored rounds and decisions are kept, and a
round left unfinished by an interrupted run is removed and played again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from companion.base.errors import CompanionError
from companion.content.model import Pack
from companion.content.planner import PlannedRound
from companion.demo.team_plan import (
    INTERVIEWERS,
    LEAD,
    SEED,
    TEMPLATE,
    PlannedScorecard,
    Quarter,
    plan_quarter,
)
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.record.decision import Decision
from companion.store import Store
from companion.store.decisions import decision_for, record_decision


@dataclass(frozen=True)
class TeamDemoResult:
    candidates: int
    interviewers: int
    rounds_added: int
    rounds_kept: int
    decisions_added: int
    first: datetime
    last: datetime


def quarter_end(now: datetime | None = None) -> datetime:
    """Yesterday at 18:00 UTC: the quarter ends recently, so it reads as current."""
    today = (now or datetime.now(UTC)).astimezone(UTC)
    return today.replace(hour=18, minute=0, second=0, microsecond=0) - timedelta(days=1)


def play(store: Store, pack: Pack, p: PlannedScorecard) -> str:
    """One planned scorecard, tap by tap through the engine; returns the round id."""
    template = pack.find_template(TEMPLATE)
    if template is None:
        raise CompanionError(f"the team demo needs round template {TEMPLATE!r}, which the "
                             "loaded packs do not have")
    clock = ManualClock(p.start)
    engine = RoundEngine.start(store, pack, PlannedRound(template, p.items, offline=False),
                               candidate=p.candidate, interviewer=p.interviewer,
                               archetype=p.archetype, level=p.level, clock=clock)
    try:
        engine.start_round()
        per_item = p.minutes * 60.0 / len(p.items)
        ratings = dict(p.ratings)
        for index, item_id in enumerate(p.items):
            engine.jump(index)
            clock.advance(per_item * 0.6)
            if item_id.startswith("s-"):
                for probe_id, asked, rating in p.failure_probes:
                    if asked:  # a probe never asked is simply never ticked
                        engine.answer_probe(probe_id, asked=True, rating=rating,
                                            item_id=item_id)
            rating = ratings.get(item_id)
            if rating is not None:
                engine.rate(rating, item_id=item_id)
            clock.advance(per_item * 0.4)
        for flag_id, state in p.flags:
            engine.set_flag(flag_id, state)
        engine.set_recommendation(p.recommendation)
        engine.pause()  # the round is over; the scorecard waits until it is submitted
        clock.advance(p.submit_after_h * 3600.0)
        engine.submit()
    finally:
        engine.close()
    return engine.round_id


def store_team_demo(store: Store, pack: Pack, now: datetime | None = None,
                    seed: int = SEED) -> TeamDemoResult:
    """Store the quarter's rounds and decisions that are not stored yet."""
    quarter: Quarter = plan_quarter(seed, quarter_end(now))
    names = set(quarter.candidates)
    team = set(INTERVIEWERS)
    stored = [r for r in store.list_rounds() if r.candidate in names and r.interviewer in team]
    for r in stored:
        if r.submitted_at is None:  # an interrupted run: never offer it for resume
            store.delete_round(r.id)
    done = {(r.candidate, r.interviewer) for r in stored if r.submitted_at is not None}
    added = 0
    for p in quarter.scorecards:
        if (p.candidate, p.interviewer) not in done:
            play(store, pack, p)
            added += 1
    decided = 0
    for d in quarter.decisions:
        if decision_for(store, d.candidate) is None:
            record_decision(store, Decision(d.candidate, d.outcome, LEAD, d.at, d.level))
            decided += 1
    starts = [p.start for p in quarter.scorecards]
    return TeamDemoResult(len(names), len(team), added, len(quarter.scorecards) - added,
                          decided, min(starts), max(starts))
