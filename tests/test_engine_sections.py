"""A section with nothing to show is never entered: F4 passes the failure-probe section by
in a design round whose scenario carries no failure probes (a team's own pack may say so)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from companion.content.loader import builtin_pack
from companion.content.model import Pack
from companion.content.planner import PlannedRound
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store
from tests.ui_live_support import START


def _design_round(pack: Pack, data_dir: Path) -> tuple[Store, RoundEngine]:
    template = pack.find_template("scenario")
    assert template is not None
    store = Store.open(data_dir)
    engine = RoundEngine.start(store, pack, PlannedRound(template, ("s-fk-big-table",)),
                               candidate="Ana Pereira", interviewer="Sam Okafor",
                               archetype="data", level="senior", clock=ManualClock(START))
    engine.start_round()
    return store, engine


def _walk(engine: RoundEngine) -> list[str]:
    seen = [engine.timers().section_title]
    while engine.next_section():
        seen.append(engine.timers().section_title)
    return seen


def test_the_failure_section_is_passed_by_only_when_nothing_carries_the_probes(
        data_dir: Path) -> None:
    pack = builtin_pack()
    store, engine = _design_round(pack, data_dir)
    try:
        with_probes = _walk(engine)
    finally:
        engine.close()
        store.close()
    assert "Failure probes: database, queue, downstream" in with_probes

    own = replace(pack, scenarios=tuple(
        replace(s, failure_probes=False) if s.id == "s-fk-big-table" else s
        for s in pack.scenarios))
    store, engine = _design_round(own, data_dir / "own")
    try:
        without = _walk(engine)
    finally:
        engine.close()
        store.close()
    assert without == [t for t in with_probes if not t.startswith("Failure probes")]
    assert len(without) == len(with_probes) - 1
