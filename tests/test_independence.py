"""Independent scoring rule, on plain records and on rounds from a real store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from companion.independence import can_view, viewable

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class R:
    id: str
    candidate: str
    interviewer: str
    submitted_at: datetime | None


ROUNDS = [
    R("a1", "Ana Ruiz", "Priya", None),          # Priya still scoring Ana
    R("a2", "Ana Ruiz", "Tom", T0),              # Tom submitted
    R("b1", "Ben Okafor", "Tom", None),          # Tom still scoring Ben
    R("b2", "Ben Okafor", "Mei", T0),
]


def test_own_scorecard_always_open() -> None:
    assert can_view("Priya", ROUNDS[0], ROUNDS).allowed
    assert can_view("tom ", ROUNDS[2], ROUNDS).allowed  # names compare loosely


def test_colleague_hidden_until_own_submitted() -> None:
    access = can_view("Priya", ROUNDS[1], ROUNDS)
    assert not access.allowed
    assert "Ana Ruiz" in access.reason
    # Tom submitted Ana, so he may read Priya's (even unfinished) Ana card,
    # but not Mei's Ben card while his own Ben card is open.
    assert can_view("Tom", ROUNDS[0], ROUNDS).allowed
    assert not can_view("Tom", ROUNDS[3], ROUNDS).allowed


def test_after_submitting_colleagues_open() -> None:
    done = [R("a1", "Ana Ruiz", "Priya", T0), *ROUNDS[1:]]
    assert can_view("Priya", done[1], done).allowed


def test_panel_lead_who_did_not_interview_sees_everything() -> None:
    assert [r.id for r in viewable("Lead", ROUNDS)] == ["a1", "a2", "b1", "b2"]
    assert [r.id for r in viewable("Priya", ROUNDS)] == ["a1", "b1", "b2"]


def test_rule_on_rounds_from_a_real_store(data_dir) -> None:  # type: ignore[no-untyped-def]
    from companion.content.loader import builtin_pack
    from companion.live.engine import RoundEngine
    from companion.planner import plan_loop
    from companion.store.store import Store

    pack = builtin_pack()
    planned = next(r for r in plan_loop(pack, "api", "senior").rounds
                   if r.template.kind == "technical")
    store = Store.open(data_dir)
    try:
        mine = RoundEngine.start(store, pack, planned, candidate="Ana Ruiz",
                                 interviewer="Priya", archetype="api", level="senior")
        theirs = RoundEngine.start(store, pack, planned, candidate="Ana Ruiz",
                                   interviewer="Tom", archetype="api", level="senior")
        theirs.rate("strong")
        theirs.set_recommendation("yes")
        theirs.submit()
        rounds = store.list_rounds()
        tom = next(r for r in rounds if r.interviewer == "Tom")
        assert not can_view("Priya", tom, rounds).allowed
        mine.set_recommendation("no")
        mine.submit()
        assert can_view("Priya", tom, store.list_rounds()).allowed
    finally:
        for eng in (locals().get("mine"), locals().get("theirs")):
            if eng is not None:
                eng.close()
        store.close()
