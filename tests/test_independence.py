"""Independent scoring rule, on plain records and on rounds from a real store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from companion.base.errors import StorageError
from companion.record.independence import RoundLike, access_to, can_view, viewable

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


class Listed:
    """Stands in for the store's ``list_rounds`` (the rule under test is the real one)."""

    def __init__(self, rounds: list[R], fail: bool = False) -> None:
        self.rounds, self.fail = rounds, fail

    def list_rounds(self) -> list[RoundLike]:
        if self.fail:
            raise StorageError("database is locked")
        return list(self.rounds)


def test_one_question_for_resume_export_and_debrief() -> None:
    store = Listed(ROUNDS)
    assert access_to("Priya", ["a1"], store).allowed
    refused = access_to("Priya", ["a1", "a2"], store)  # a debrief of both of Ana's rounds
    assert not refused.allowed and "Submit your own scorecard of Ana Ruiz" in refused.reason
    assert access_to("Lead", ["a1", "a2", "b1", "b2"], store).allowed
    assert access_to("Priya", ["b1", "b2"], store).allowed
    # An id the store does not list is left to the store's own "not found" on loading.
    assert access_to("Priya", ["zz"], store).allowed


def test_a_store_that_cannot_list_its_rounds_shows_nothing() -> None:
    access = access_to("Lead", ["a2"], Listed(ROUNDS, fail=True))
    assert not access.allowed
    assert access.reason == "Cannot check the stored rounds: database is locked"


def test_rule_on_rounds_from_a_real_store(data_dir) -> None:  # type: ignore[no-untyped-def]
    from companion.content.loader import builtin_pack
    from companion.content.planner import plan_loop
    from companion.live.engine import RoundEngine
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
        assert not access_to("Priya", [tom.id], store).allowed
        mine.set_recommendation("no")
        mine.submit()
        assert can_view("Priya", tom, store.list_rounds()).allowed
        assert access_to("Priya", [tom.id], store).allowed
    finally:
        for eng in (locals().get("mine"), locals().get("theirs")):
            if eng is not None:
                eng.close()
        store.close()
