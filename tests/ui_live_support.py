"""Builders shared by the live-view tests: a real store, the built-in pack, a real engine.

Nothing is faked: the store is a SQLite file under the test's data folder and the
engine is ``RoundEngine`` on a ``ManualClock`` the test advances.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from companion.content.loader import load_pack
from companion.content.model import Pack
from companion.content.planner import PlannedRound, plan_loop
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@dataclass
class Round:
    store: Store
    pack: Pack
    engine: RoundEngine
    clock: ManualClock
    planned: PlannedRound


def planned_round(pack: Pack) -> PlannedRound:
    """The planner's technical round for a senior API engineer, plus its design scenario.

    Three questions (the opener first) and one scenario with the failure probes, under
    the technical round's timed sections (the opener starts the listening timer).
    """
    plan = plan_loop(pack, "api", "senior")
    technical = next(r for r in plan.rounds if r.template.id == "technical")
    scenario = next(r for r in plan.rounds if r.template.id == "scenario")
    items = (*technical.items[:3], scenario.items[0])
    return PlannedRound(template=technical.template, items=items)


def start_round(data_dir: Path, clock: ManualClock | None = None, busy_timeout_ms: int = 5000,
                **names: Any) -> Round:
    clock = clock or ManualClock(START)
    store = Store.open(data_dir, busy_timeout_ms=busy_timeout_ms)
    pack = load_pack()
    planned = planned_round(pack)
    engine = RoundEngine.start(store, pack, planned,
                               candidate=names.get("candidate", "Dana Whitfield"),
                               interviewer=names.get("interviewer", "Sam Okafor"),
                               archetype="api", level="senior", clock=clock)
    return Round(store, pack, engine, clock, planned)


def reopen_round(data_dir: Path, round_id: str, clock: ManualClock) -> Round:
    store = Store.open(data_dir)
    pack = load_pack()
    engine = RoundEngine.reopen(store, pack, round_id, clock=clock)
    return Round(store, pack, engine, clock, planned_round(pack))


def wired_view(engine: RoundEngine, tick: bool = False) -> tuple[Any, Any]:
    """A ``LiveView`` of ``engine`` fed by an ``EngineBridge``, wired as the window wires it.

    The bridge's 250 ms timer is stopped unless ``tick``: tests call ``bridge.tick()``
    themselves, on their own clock. Returns (view, bridge); the bridge is the view's child.
    """
    from companion.ui.bridge import EngineBridge
    from companion.ui.live import LiveView
    from companion.ui.page_stack import wire_live_view

    view = LiveView(engine)
    bridge = EngineBridge(view)
    wire_live_view(bridge, view)
    bridge.attach(engine)
    if not tick:
        bridge.timer.stop()
    return view, bridge
