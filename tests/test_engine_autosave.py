"""Autosaves run on a worker thread; writes still land in the order they were made."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from companion.live.clock import ManualClock
from companion.live.engine import EngineEvent, RoundEngine
from companion.store import Store, writes
from tests.fixtures.samples import sample_pack, sample_planned


def _engine(store: Store, clock: ManualClock) -> RoundEngine:
    return RoundEngine.start(store, sample_pack(), sample_planned(), candidate="Dana",
                             interviewer="Sam", archetype="api", level="senior", clock=clock)


def test_notes_and_timers_are_written_off_the_calling_thread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    for name in ("set_item_notes", "save_timers"):
        real = getattr(writes, name)

        def spy(*args, _real=real, **kwargs):  # type: ignore[no-untyped-def]
            threads.append(threading.current_thread().name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(writes, name, spy)
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _engine(store, clock)
        eng.start_round()
        threads.clear()  # start_round's own timer write is a user action: written at once
        eng.edit_notes("said", "owns the pager")
        clock.advance(1.0)
        eng.tick()
        eng.wait_for_autosaves()
        assert threads and set(threads) == {"companion-autosave"}
        assert store.load_scorecard(eng.round_id).item("q-opener").said == "owns the pager"
        assert eng.close()


def test_a_tap_after_an_autosave_is_written_after_it(tmp_path: Path) -> None:
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _engine(store, clock)
        eng.start_round()
        clock.advance(2.0)
        eng.tick()  # a timer save (which records the item on screen) is now in flight
        assert eng.jump(2)  # written on this thread, but only after the autosave
        rid = eng.round_id
        eng.release()  # as if the process ended here: no final write
    with Store.open(tmp_path) as store:
        again = RoundEngine.reopen(store, sample_pack(), rid, clock=ManualClock())
        assert again.index == 2  # not the stale index of the earlier timer save
        assert again.close()


def test_a_failed_autosave_keeps_the_text_and_a_later_tick_writes_it(tmp_path: Path) -> None:
    clock = ManualClock()
    store = Store.open(tmp_path, busy_timeout_ms=50)
    eng = _engine(store, clock)
    events: list[EngineEvent] = []
    eng.subscribe(events.append)
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another copy holds the write lock
    eng.edit_notes("said", "sharded by region")
    clock.advance(1.0)
    eng.tick()
    eng.wait_for_autosaves()
    failed = [e for e in events if e.kind == "save_failed"]
    assert failed and "locked" in failed[-1].message
    assert eng.last_error is not None and eng.has_unsaved_notes
    eng.edit_notes("said", "sharded by region, then by tenant")  # typed while it failed
    blocker.execute("ROLLBACK")
    blocker.close()
    clock.advance(1.0)
    eng.tick()  # after a failure this write is made at once, with the newest text
    eng.wait_for_autosaves()
    assert events[-1].kind == "saved" and eng.last_error is None
    assert not eng.has_unsaved_notes
    said = store.load_scorecard(eng.round_id).item("q-opener").said
    assert said == "sharded by region, then by tenant"
    # And the next autosave goes back to the worker thread.
    eng.edit_notes("read", "calm")
    clock.advance(1.0)
    eng.tick()
    eng.wait_for_autosaves()
    assert store.load_scorecard(eng.round_id).item("q-opener").read == "calm"
    assert eng.close()
    store.close()


def test_close_waits_for_autosaves_and_stops_the_worker(tmp_path: Path) -> None:
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _engine(store, clock)
        eng.edit_notes("said", "last words")
        clock.advance(1.0)
        eng.tick()
        assert eng.close()
        assert not [t for t in threading.enumerate() if t.name == "companion-autosave"]
        assert store.load_scorecard(eng.round_id).item("q-opener").said == "last words"
