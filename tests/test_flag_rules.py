"""The red-flag rules the window asks of the core: raised counts and evidence worth storing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.record.changes import StepFlag
from companion.record.flag_rules import evidence_to_store, is_raised, raised_on
from companion.record.scorecard import FlagRecord
from companion.store.store import Store


def test_raised_means_probed_or_confirmed_on_that_item() -> None:
    flags = (FlagRecord("a", "probed", item_id="q1"), FlagRecord("b", "confirmed", item_id="q1"),
             FlagRecord("c", "off", item_id="q1"), FlagRecord("d", "probed", item_id="q2"))
    assert [is_raised(f) for f in flags] == [True, True, False, True]
    assert not is_raised(None)
    assert (raised_on(flags, "q1"), raised_on(flags, "q2"), raised_on(flags, "q3")) == (2, 1, 0)


def test_evidence_is_stored_once() -> None:
    held = FlagRecord("a", "probed", evidence="named no service")
    assert evidence_to_store(held, "named no service") is None
    assert evidence_to_store(held, "  named no service ") is None
    assert evidence_to_store(held, "said 'web scale'") == "said 'web scale'"
    assert evidence_to_store(None, "first words") == "first words"
    assert evidence_to_store(None, "   ") is None
    assert evidence_to_store(held, None) is None


def test_the_engine_leaves_out_evidence_the_flag_already_has(data_dir: Path) -> None:
    pack = builtin_pack()
    tech = next(r for r in plan_loop(pack, "api", "mid").rounds if r.template.kind == "technical")
    store = Store.open(data_dir)
    engine = RoundEngine.start(store, pack, tech, candidate="Ines Duarte", interviewer="Sam",
                               archetype="api", level="mid",
                               clock=ManualClock(datetime(2026, 11, 3, 9, 0, tzinfo=UTC)))
    try:
        engine.cycle_flag("buzzwords", "Kafka, gRPC, mesh")
        engine.set_recommendation("no")
        engine.submit()
        # After submission each step is an amendment that spells out its evidence.
        assert engine.cycle_flag("buzzwords", "Kafka, gRPC, mesh") == "confirmed"
        assert engine.cycle_flag("buzzwords") == "off"
        assert engine.cycle_flag("buzzwords", "no service named") == "probed"
        stored = [a.change.evidence for a in engine.amendments()
                  if isinstance(a.change, StepFlag)]
        assert stored == ["", "", "no service named"]
    finally:
        engine.close()
        store.close()
