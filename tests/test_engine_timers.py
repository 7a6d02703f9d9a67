"""Section timers, side timers and pacing with an injected clock (no sleeping)."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.live.pacing import pacing_minutes
from companion.live.timers import SectionTimers
from companion.record.scorecard import SectionTiming
from companion.store import Store
from tests.fixtures.samples import sample_pack, sample_planned


def _engine(tmp_path: Path, clock: ManualClock) -> tuple[Store, RoundEngine]:
    store = Store.open(tmp_path)
    eng = RoundEngine.start(store, sample_pack(), sample_planned(), candidate="Dana",
                            interviewer="Sam", archetype="api", level="senior", clock=clock)
    return store, eng


def test_pacing_arithmetic() -> None:
    planned = [300.0, 900.0, 1200.0]
    assert pacing_minutes(planned, [0, 0, 0], 0) == 0.0
    # Intro took 2 minutes less than planned: 2 minutes ahead.
    assert pacing_minutes(planned, [180, 0, 0], 1) == 2.0
    # Intro 3 minutes over, and the current section 1 minute past its plan: 4 behind.
    assert pacing_minutes(planned, [480, 960, 0], 1) == -4.0
    # Within the current section's plan, time spent there does not count against us.
    assert pacing_minutes(planned, [300, 600, 0], 1) == 0.0


def test_side_timers_pause_with_the_round() -> None:
    clock = ManualClock()
    t = SectionTimers([SectionTiming("a", "A", 600.0)], clock.monotonic)
    t.start()
    t.start_listen(180)
    clock.advance(60)
    t.pause()
    clock.advance(500)  # paused: nothing counts
    assert t.state().listen_left_s == pytest.approx(120)
    t.resume()
    clock.advance(200)
    assert t.state().listen_left_s == 0.0
    assert t.round_elapsed() == pytest.approx(260)


def test_section_flow_warning_overrun_and_pacing(tmp_path: Path) -> None:
    clock = ManualClock()
    store, eng = _engine(tmp_path, clock)
    t = eng.timers()
    assert not t.running and t.round_elapsed_s == 0 and t.section_title == "Introductions"
    assert t.listen_left_s is None and t.sketch_left_s is None
    eng.start_round()
    clock.advance(170)
    t = eng.timers()
    assert t.running and t.section_left_s == pytest.approx(130) and not t.section_warning
    clock.advance(15)
    t = eng.timers()
    assert t.section_warning and not t.section_overrun  # 115 s left
    clock.advance(175)  # 60 s over the 5 planned minutes
    t = eng.timers()
    assert t.section_overrun and t.section_left_s == 0.0
    assert t.pacing_min == -1.0
    eng.pause()
    clock.advance(600)
    assert eng.timers().round_elapsed_s == pytest.approx(360)
    eng.resume()
    eng.next_section()  # the opener: its listening timer starts by itself
    t = eng.timers()
    assert t.section_title == "Opener" and t.listen_left_s == pytest.approx(180)
    clock.advance(200)
    assert eng.timers().listen_left_s == 0.0
    eng.next_section()
    eng.next_section()  # design: the sketch timer
    assert eng.timers().sketch_left_s == pytest.approx(180)
    clock.advance(30)
    assert eng.timers().sketch_left_s == pytest.approx(150)
    eng.start_sketch_timer()  # restart by hand
    assert eng.timers().sketch_left_s == pytest.approx(180)
    eng.next_section()
    assert eng.next_section() is False  # already on the last
    secs = eng.timers().sections
    assert [round(s.elapsed_s) for s in secs] == [360, 200, 0, 30, 0]
    assert all(s.started_at is not None for s in secs)
    eng.close()
    store.close()


def test_listen_timer_on_demand_and_time_per_item(tmp_path: Path) -> None:
    clock = ManualClock()
    store, eng = _engine(tmp_path, clock)
    eng.start_round()
    eng.start_listen_timer()
    clock.advance(90)
    assert eng.timers().listen_left_s == pytest.approx(90)
    eng.go_next()
    clock.advance(40)
    eng.pause()
    clock.advance(1000)
    assert eng.record("q-opener").time_spent_s == pytest.approx(90)
    assert eng.record("q-pagination").time_spent_s == pytest.approx(40)
    eng.close()
    sc = store.load_scorecard(eng.round_id)
    assert sc.item("q-pagination").time_spent_s == pytest.approx(40)  # type: ignore[union-attr]
    assert sc.duration_s == pytest.approx(130)
    store.close()


def test_timers_are_saved_about_every_second_while_running(tmp_path: Path) -> None:
    clock = ManualClock()
    store, eng = _engine(tmp_path, clock)
    eng.start_round()
    for _ in range(20):  # five seconds of ticks at 4 Hz
        clock.advance(0.25)
        eng.tick()
    eng.wait_for_autosaves()  # the saves run on the autosave thread
    saved = store.load_scorecard(eng.round_id).duration_s
    assert 4.0 <= saved <= 5.0
    eng.close()
    store.close()
