"""The live engine on a real store: taps are durable at once, resume restores the screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.base.errors import CompanionError, ContentError, StorageError
from companion.live.clock import ManualClock
from companion.live.engine import ROUND, EngineEvent, RoundEngine
from companion.store import Store
from tests.fixtures.samples import Planned, sample_pack, sample_planned


def _start(store: Store, clock: ManualClock | None = None) -> RoundEngine:
    return RoundEngine.start(store, sample_pack(), sample_planned(), candidate="Dana",
                             interviewer="Sam", archetype="api", level="senior",
                             clock=clock or ManualClock())


def _reopened(path: Path, round_id: str) -> tuple[Store, RoundEngine]:
    store = Store.open(path)
    return store, RoundEngine.reopen(store, sample_pack(), round_id, clock=ManualClock())


def test_start_creates_the_round(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        eng = _start(store)
        assert [it.id for it in eng.items] == list(sample_planned().items)
        assert eng.index == 0 and eng.current.id == "q-opener"
        (row,) = store.unfinished_rounds()
        assert row.id == eng.round_id and row.candidate == "Dana"
        sc = store.load_scorecard(eng.round_id)
        assert [s.section_id for s in sc.sections] == ["intro", "opener", "questions",
                                                       "design", "close"]
        assert sc.pack_id == "sample" and sc.pack_version == "1.2.0"
        eng.close()


def test_every_tap_is_in_the_file_before_the_call_returns(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    clock = ManualClock()
    eng = _start(store, clock)
    eng.rate("strong")
    eng.answer_probe("p-scale", rating="mid", note="by tenant")
    eng.go_next()
    eng.rate("thin")
    eng.jump(3)
    eng.answer_probe("failure.database", rating="strong")
    eng.answer_probe("failure.queue", asked=False)
    eng.cycle_flag("rf-blame")
    eng.set_flag("rf-buzzwords", "confirmed", evidence="said 'web scale' three times")
    eng.cycle_flag("rf-blame")
    eng.set_recommendation("yes")
    # A second, independent connection sees everything (no close, no flush).
    other = Store.open(tmp_path)
    sc = other.load_scorecard(eng.round_id)
    assert sc.item("q-opener").rating == "strong"  # type: ignore[union-attr]
    assert sc.item("q-pagination").rating == "thin"  # type: ignore[union-attr]
    (scale,) = sc.item("q-opener").probes  # type: ignore[union-attr]
    assert (scale.probe_id, scale.rating, scale.note) == ("p-scale", "mid", "by tenant")
    orders = sc.item("s-orders")
    assert orders is not None
    assert [(p.probe_id, p.asked) for p in orders.probes] == [
        ("failure.database", True), ("failure.queue", False)]
    flags = {f.flag_id: f for f in sc.flags}
    assert flags["rf-blame"].state == "confirmed"
    assert [e.state for e in flags["rf-blame"].events] == ["probed", "confirmed"]
    assert flags["rf-blame"].item_id == "s-orders"
    assert flags["rf-buzzwords"].evidence == "said 'web scale' three times"
    assert sc.recommendation == "yes"
    other.close()
    eng.close()
    store.close()


def test_ratings_carry_time_and_can_be_cleared(tmp_path: Path) -> None:
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _start(store, clock)
        clock.advance(42)
        eng.rate("skip")
        rec = eng.record()
        assert rec.rating == "skip" and rec.rated_at == clock.now()
        eng.rate(None)
        assert store.load_scorecard(eng.round_id).items[0].rating is None
        with pytest.raises(ValueError):
            eng.rate("brilliant")
        eng.close()


def test_resume_restores_item_section_and_timers(tmp_path: Path) -> None:
    clock = ManualClock()
    store = Store.open(tmp_path)
    eng = _start(store, clock)
    eng.start_round()
    clock.advance(250)
    eng.next_section()  # opener: the listening timer starts
    clock.advance(100)
    eng.go_next()
    eng.edit_notes("said", "cursor on created_at plus id")
    eng.edit_notes("read", "knows the trap", item_id=ROUND)
    clock.advance(30)
    eng.tick()  # writes the notes and the timers
    before = eng.timers()
    rid = eng.round_id
    # Simulate the process ending without close(): drop the lock only.
    eng.release()
    store.close()

    store2, back = _reopened(tmp_path, rid)
    t = back.timers()
    assert back.index == 1 and back.current.id == "q-pagination"
    assert t.section_index == 1 and t.section_title == "Opener"
    assert t.running is False  # comes back paused, waiting for the interviewer
    assert t.round_elapsed_s == pytest.approx(before.round_elapsed_s)
    assert t.sections[0].elapsed_s == pytest.approx(250)
    assert t.listen_left_s == pytest.approx(before.listen_left_s)
    assert back.notes() == ("cursor on created_at plus id", "")
    assert back.notes(ROUND) == ("", "knows the trap")
    assert back.record("q-opener").time_spent_s == pytest.approx(350)
    assert back.resume() is True  # on an instance: restarts the clock
    assert back.timers().running
    back.close()
    store2.close()


def test_a_round_cannot_be_open_twice(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        eng = _start(store)
        with Store.open(tmp_path) as second, pytest.raises(StorageError, match="another running"):
            RoundEngine.reopen(second, sample_pack(), eng.round_id)
        # Nor deleted from under the live window.
        with pytest.raises(StorageError, match="another running"):
            store.delete_round(eng.round_id)
        eng.close()
        again = RoundEngine.reopen(store, sample_pack(), eng.round_id)
        again.close()


def test_events_reach_subscribers_and_unsubscribe_works(tmp_path: Path) -> None:
    seen: list[EngineEvent] = []
    with Store.open(tmp_path) as store:
        eng = _start(store)
        stop = eng.subscribe(seen.append)
        eng.rate("mid")
        eng.go_next()
        assert [e.kind for e in seen] == ["changed", "saved", "saved", "navigated"]
        stop()
        eng.rate("mid")
        assert len(seen) == 4
        eng.close()


def test_navigation_bounds(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        eng = _start(store)
        assert eng.go_previous() is False
        assert eng.jump(3) is True and eng.current.id == "s-orders"
        assert eng.go_next() is False
        assert eng.jump(99) is False
        eng.close()


def test_bad_start_input_is_a_clear_error(tmp_path: Path) -> None:
    pack = sample_pack()
    with Store.open(tmp_path) as store:
        with pytest.raises(CompanionError, match="names"):
            RoundEngine.start(store, pack, sample_planned(), candidate=" ", interviewer="Sam",
                              archetype="api", level="senior")
        bad = Planned(pack.template("technical"), ("q-opener", "q-nope"))
        with pytest.raises(ContentError, match="q-nope"):
            RoundEngine.start(store, pack, bad, candidate="A", interviewer="B",
                              archetype="api", level="senior")
        assert store.list_rounds() == []


def test_engine_snapshot_matches_the_stored_scorecard(tmp_path: Path) -> None:
    """What the window exports (engine.scorecard) is what the file holds after a flush."""
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _start(store, clock)
        eng.start_round()
        clock.advance(65)
        eng.rate("mid")
        eng.answer_probe("p-scale", rating="strong", note="consistent hashing")
        eng.cycle_flag("rf-buzzwords")
        eng.edit_notes("said", "ran on-call for the ledger")
        eng.next_section()
        clock.advance(30)
        eng.go_next()
        clock.advance(12)
        eng.pause()
        eng.set_summary("Solid")
        assert eng.flush()
        assert eng.scorecard() == store.load_scorecard(eng.round_id)
        # A copy imported elsewhere (e.g. by the panel lead) reads back the same.
        with Store.open(tmp_path / "panel") as panel:
            assert panel.save_imported(eng.scorecard())
            assert panel.load_scorecard(eng.round_id) == eng.scorecard()
        eng.close()
