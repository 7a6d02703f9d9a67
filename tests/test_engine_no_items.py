"""A round whose template draws no questions (the screening call) still works end to end."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.record.changes import ROUND
from companion.store.store import Store


def test_screening_round_flags_timers_notes_and_submit(data_dir: Path) -> None:
    pack = builtin_pack()
    screen = next(r for r in plan_loop(pack, "api", "mid").rounds if r.template.kind == "screen")
    assert screen.items == ()
    clock = ManualClock(datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    store = Store.open(data_dir)
    engine = RoundEngine.start(store, pack, screen, candidate="Ines Duarte",
                               interviewer="Sam", archetype="api", level="mid", clock=clock)
    try:
        assert engine.current_id is None
        assert engine.start_round()
        clock.advance(90)
        assert engine.cycle_flag("resume-voice", "Listed duties, no system") == "probed"
        engine.edit_notes("said", "Ran the billing API on-call for a year.", item_id=ROUND)
        assert engine.pause()
        assert engine.resume()
        assert engine.next_section()
        clock.advance(2)
        engine.tick()
        assert engine.flush()
        engine.set_recommendation("yes")
        assert engine.submit()
        rid = engine.round_id
    finally:
        engine.close()
    sc = store.load_scorecard(rid)
    store.close()
    assert sc.submitted and sc.items == ()
    flag = next(f for f in sc.flags if f.flag_id == "resume-voice")
    assert (flag.state, flag.evidence, flag.item_id) == ("probed", "Listed duties, no system",
                                                         None)
    assert sc.said == "Ran the billing API on-call for a year."
    assert sc.sections[0].elapsed_s >= 90


def test_cycle_flag_keeps_evidence_but_not_when_turning_off(data_dir: Path) -> None:
    pack = builtin_pack()
    tech = next(r for r in plan_loop(pack, "api", "mid").rounds if r.template.kind == "technical")
    store = Store.open(data_dir)
    engine = RoundEngine.start(store, pack, tech, candidate="Ines Duarte", interviewer="Sam",
                               archetype="api", level="mid")
    try:
        engine.cycle_flag("buzzwords", "Kafka, gRPC, mesh; no service named")
        assert engine.cycle_flag("buzzwords") == "confirmed"
        assert engine.cycle_flag("buzzwords", "ignored when turning off") == "off"
        flag = next(f for f in engine.flags() if f.flag_id == "buzzwords")
        assert flag.evidence == "Kafka, gRPC, mesh; no service named"
        assert [e.state for e in flag.events] == ["probed", "confirmed", "off"]
    finally:
        engine.close()
        store.close()
