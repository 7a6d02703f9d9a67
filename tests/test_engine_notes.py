"""Typed notes: durable within a second of the last keystroke; failed writes are retried."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from companion.live.clock import ManualClock
from companion.live.engine import ROUND, EngineEvent, RoundEngine
from companion.store import Store
from tests.fixtures.samples import sample_pack, sample_planned


def _engine(store: Store, clock: ManualClock) -> RoundEngine:
    return RoundEngine.start(store, sample_pack(), sample_planned(), candidate="Dana",
                             interviewer="Sam", archetype="api", level="senior", clock=clock)


def _said(store: Store, rid: str, item: str) -> str:
    sc = store.load_scorecard(rid)
    return sc.item(item).said  # type: ignore[union-attr]


def test_notes_are_written_within_a_second_of_the_last_keystroke(tmp_path: Path) -> None:
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _engine(store, clock)
        text = ""
        for ch in "owns the pager":
            text += ch
            eng.edit_notes("said", text)
            clock.advance(0.1)
            eng.tick()
        # Typing continuously: the oldest unsaved keystroke forces a write within ~0.8 s.
        # The write happens on the autosave thread; wait for it before reading the file.
        eng.wait_for_autosaves()
        assert _said(store, eng.round_id, "q-opener").startswith("owns the")
        for _ in range(4):  # one second of quiet, ticking at 4 Hz
            clock.advance(0.25)
            eng.tick()
        eng.wait_for_autosaves()
        assert _said(store, eng.round_id, "q-opener") == "owns the pager"
        assert not eng.has_unsaved_notes
        eng.close()


def test_flush_writes_at_once(tmp_path: Path) -> None:
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _engine(store, clock)
        eng.edit_notes("read", "calm under pressure", item_id=ROUND)
        eng.set_summary("Strong on ownership")
        assert eng.has_unsaved_notes
        assert store.load_scorecard(eng.round_id).read == ""
        assert eng.flush() is True
        sc = store.load_scorecard(eng.round_id)
        assert (sc.read, sc.summary) == ("calm under pressure", "Strong on ownership")
        eng.close()


def test_a_locked_file_reports_save_failed_and_the_retry_saves_everything(
        tmp_path: Path) -> None:
    clock = ManualClock()
    store = Store.open(tmp_path, busy_timeout_ms=50)
    eng = _engine(store, clock)
    events: list[EngineEvent] = []
    eng.subscribe(events.append)
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another copy holds the write lock
    assert eng.rate("strong") is False
    eng.edit_notes("said", "sharded by region")
    clock.advance(1.0)
    eng.tick()
    failed = [e for e in events if e.kind == "save_failed"]
    assert failed and str(store.path) in failed[-1].message and "locked" in failed[-1].message
    # Nothing is lost in memory while the file is unavailable.
    assert eng.record().rating == "strong" and eng.notes()[0] == "sharded by region"
    assert eng.has_unsaved_notes
    blocker.execute("ROLLBACK")
    blocker.close()
    clock.advance(1.0)
    eng.tick()  # the retry
    eng.wait_for_autosaves()
    assert events[-1].kind == "saved"
    sc = store.load_scorecard(eng.round_id)
    assert sc.items[0].rating == "strong" and sc.items[0].said == "sharded by region"
    eng.close()
    store.close()


def test_disk_full_reports_and_keeps_state_then_recovers(tmp_path: Path) -> None:
    clock = ManualClock()
    store = Store.open(tmp_path)
    eng = _engine(store, clock)
    eng.rate("mid")
    events: list[EngineEvent] = []
    eng.subscribe(events.append)
    # Make the file refuse to grow, as a full disk would (SQLITE_FULL).
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        conn.exec_driver_sql(f"PRAGMA max_page_count={pages}")
        conn.rollback()
    big = "the candidate explained the outbox pattern " * 400
    eng.edit_notes("said", big)
    assert eng.flush() is False
    msg = events[-1].message
    assert events[-1].kind == "save_failed" and "disk is full" in msg and str(store.path) in msg
    assert eng.notes()[0] == big
    assert store.load_scorecard(eng.round_id).items[0].rating == "mid"  # earlier save intact
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA max_page_count=1073741823")
        conn.rollback()
    assert eng.flush() is True
    assert _said(store, eng.round_id, "q-opener") == big
    eng.close()
    store.close()


def test_a_nul_character_never_reaches_the_store(tmp_path: Path) -> None:
    # A paste can carry U+0000; the team store cannot hold it, so a note with one could
    # never be published (hypothesis found it: tests/test_round_trip_property.py).
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _engine(store, clock)
        eng.edit_notes("said", "owns\x00 the pager")
        eng.edit_notes("read", "\x00", item_id=ROUND)
        eng.set_summary("hire\x00")
        eng.cycle_flag("rf-blame", evidence="blamed\x00 the team")
        eng.answer_probe("failure.queue", rating="thin", note="lost\x00 messages",
                         item_id="s-orders")
        eng.flush()
        sc = store.load_scorecard(eng.round_id)
        assert sc.item("q-opener").said == "owns the pager"  # type: ignore[union-attr]
        assert sc.text(ROUND, "read") == ""
        assert sc.summary == "hire"
        assert sc.flag("rf-blame").evidence == "blamed the team"  # type: ignore[union-attr]
        probe = sc.item("s-orders").probes[0]  # type: ignore[union-attr]
        assert probe.note == "lost messages"
        assert "\x00" not in repr(sc)
        eng.close()
