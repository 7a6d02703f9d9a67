"""``companion demo``: two finished scorecards of one candidate, so a newcomer can try the
exports and the panel debrief without running a live round first.

The story: a paired system-design round for a senior distributed-systems role. Two
interviewers sat in the same 75-minute round and scored it independently on their
own laptops. They heard the same answers and read them differently, which is what
a debrief has to untangle: one rates the scenario strong, the other thin, and
their recommendations split.

Each round is played through the real ``RoundEngine`` with a ``ManualClock``, tap by
tap and section by section, so what is stored is exactly what a live round stores.
Running the demo again adds nothing: rounds already stored are reported instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from companion.base.errors import CompanionError, StorageError
from companion.content.model import Pack
from companion.content.planner import PlannedRound, plan_loop
from companion.demo.pair_script import (
    ARCHETYPE,
    CANDIDATE,
    LEVEL,
    SCENARIO,
    SCRIPTS,
    TEMPLATE,
    Flag,
    InterviewerScript,
    NextSection,
    Notes,
    Probe,
    Step,
)
from companion.live.clock import ManualClock
from companion.live.engine import ROUND, RoundEngine
from companion.store import RoundSummary, Store


@dataclass(frozen=True)
class DemoResult:
    candidate: str
    interviewers: tuple[str, ...]
    round_ids: tuple[str, ...]
    created: bool  # False when every demo round was already stored


def demo_round(pack: Pack) -> PlannedRound:
    """The planner's scenario round for the demo role, holding the scripted scenario."""
    if pack.find_scenario(SCENARIO) is None:
        raise CompanionError(f"the demo needs scenario {SCENARIO!r}, which the loaded "
                             "packs do not have")
    plan = plan_loop(pack, ARCHETYPE, LEVEL, rounds=[TEMPLATE])
    planned = plan.rounds[0]
    # The notes are written for one scenario; keep it even if the planner's pick changes.
    return planned if planned.items == (SCENARIO,) else replace(planned, items=(SCENARIO,))


def demo_start(now: datetime | None = None) -> datetime:
    """Yesterday at 14:00 UTC: recent, so a retention setting does not purge it at once."""
    today = (now or datetime.now(UTC)).astimezone(UTC)
    return today.replace(hour=14, minute=0, second=0, microsecond=0) - timedelta(days=1)


def play(store: Store, pack: Pack, script: InterviewerScript, start: datetime) -> str:
    """Run one interviewer's round from first tap to submission; returns the round id.

    Raises StorageError when the round could not be written whole (a nearly full
    disk): the demo must never report a finished scorecard it did not store.
    """
    clock = ManualClock(start + timedelta(seconds=script.offset_s))
    engine = RoundEngine.start(store, pack, demo_round(pack), candidate=CANDIDATE,
                               interviewer=script.interviewer, archetype=ARCHETYPE,
                               level=LEVEL, clock=clock)
    closed = False
    try:
        engine.start_round()
        for step in script.steps:
            clock.advance(step.after_s)
            _apply(engine, step)
            # A pause in typing: the engine writes the notes as it would in the window.
            clock.advance(1.0)
            engine.tick()
        engine.set_recommendation(script.recommendation)
        engine.set_summary(script.summary)
        clock.advance(30.0)
        engine.submit()
    finally:
        closed = engine.close()
        if not closed:
            engine.release()  # nothing more will be written; let the next run clean up
    stored = next((r for r in store.list_rounds() if r.id == engine.round_id), None)
    if not closed or stored is None or stored.submitted_at is None:
        why = engine.last_error or "the submitted round is not in the database"
        raise StorageError(f"the demo round by {script.interviewer} could not be stored "
                           f"whole: {why}")
    return engine.round_id


def _apply(engine: RoundEngine, step: Step) -> None:
    """One interviewer action, through the same engine call the window makes."""
    if isinstance(step, NextSection):
        engine.next_section()
    elif isinstance(step, Notes):
        owner = ROUND if step.round_level else SCENARIO
        engine.edit_notes("said", step.said, item_id=owner)
        engine.edit_notes("read", step.read, item_id=owner)
    elif isinstance(step, Probe):
        engine.answer_probe(step.probe_id, asked=True, rating=step.rating, note=step.note,
                            item_id=SCENARIO)
    elif isinstance(step, Flag):
        engine.set_flag(step.flag_id, step.state, evidence=step.evidence)
    else:
        engine.rate(step.rating, item_id=SCENARIO)


def _demo_rounds(store: Store) -> list[RoundSummary]:
    """Stored rounds of the demo candidate by a demo interviewer, oldest first."""
    names = {s.interviewer for s in SCRIPTS}
    return [r for r in reversed(store.list_rounds())
            if r.candidate == CANDIDATE and r.interviewer in names and r.template_id == TEMPLATE]


def existing_demo_rounds(store: Store) -> dict[str, str]:
    """Interviewer -> id of the newest submitted demo round."""
    return {r.interviewer: r.id for r in _demo_rounds(store) if r.submitted_at is not None}


def store_demo(store: Store, pack: Pack, scripts: Sequence[InterviewerScript] = SCRIPTS,
               now: datetime | None = None) -> DemoResult:
    """Store the demo rounds that are not stored yet; report all of them.

    A demo round left unfinished (the command was interrupted) is removed first,
    so it is not offered for resume as if it were a real interview.
    """
    demo_round(pack)  # fail early, before any round is created, if the content is missing
    for r in _demo_rounds(store):
        if r.submitted_at is None:
            store.delete_round(r.id)
    found = existing_demo_rounds(store)
    start = demo_start(now)
    created = False
    ids: list[str] = []
    for script in scripts:
        rid = found.get(script.interviewer)
        if rid is None:
            rid = play(store, pack, script, start)
            created = True
        ids.append(rid)
    return DemoResult(CANDIDATE, tuple(s.interviewer for s in scripts), tuple(ids), created)
