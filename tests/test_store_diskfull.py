"""A really full disk (a tiny tmpfs when we may mount one): the round survives it."""

from __future__ import annotations

from pathlib import Path

from companion.live.clock import ManualClock
from companion.live.engine import EngineEvent, RoundEngine
from companion.store import Store
from tests.diskspace import fill, small_disk
from tests.fixtures.samples import sample_pack, sample_planned


def test_disk_full_mid_round_then_space_comes_back(tmp_path: Path) -> None:
    root = tmp_path / "disk"
    with small_disk(root) as real:
        store = Store.open(root / "data")
        eng = RoundEngine.start(store, sample_pack(), sample_planned(), candidate="Dana",
                                interviewer="Sam", archetype="api", level="senior",
                                clock=ManualClock())
        eng.rate("strong")
        events: list[EngineEvent] = []
        eng.subscribe(events.append)
        if real:
            filler = fill(root)
        else:  # no mount rights: cap the file instead (SQLite reports SQLITE_FULL alike)
            with store.engine.connect() as conn:
                pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
                conn.exec_driver_sql(f"PRAGMA max_page_count={pages}")
                conn.rollback()
        note = "they would shard by customer id " * 2000  # ~64 KB: needs new pages
        eng.edit_notes("said", note)
        assert eng.flush() is False
        failed = events[-1]
        assert failed.kind == "save_failed"
        assert "disk is full" in failed.message and str(store.path) in failed.message
        assert eng.notes()[0] == note and eng.has_unsaved_notes
        assert store.load_scorecard(eng.round_id).items[0].rating == "strong"
        if real:
            filler.unlink()
        else:
            with store.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA max_page_count=1073741823")
                conn.rollback()
        assert eng.flush() is True
        assert events[-1].kind == "saved"
        assert eng.close() is True
        store.close()
        with Store.open(root / "data") as again:
            assert again.load_scorecard(eng.round_id).items[0].said == note


def test_typing_on_against_a_full_disk_keeps_the_round_open_and_says_how_much_room(
        tmp_path: Path) -> None:
    """Large notes typed on while the disk is full: the queue does not grow with each
    keystroke, the failure says how much room it needs, and freeing that much is enough."""
    import re

    root = tmp_path / "disk"
    with small_disk(root, "4m") as real:
        assert real, "this test needs a real small file system: run it as root"
        clock = ManualClock()
        store = Store.open(root / "data")
        eng = RoundEngine.start(store, sample_pack(), sample_planned(), candidate="Dana",
                                interviewer="Sam", archetype="api", level="senior",
                                clock=clock)
        eng.rate("strong")
        filler = fill(root)
        typed: dict[str, str] = {}
        for n in range(224):  # a long stretch of typing, notes on every item
            item = eng.items[n % len(eng.items)].id
            typed[item] = typed.get(item, "") + f"sharded by customer {n}; " * 40
            eng.edit_notes("said", typed[item], item_id=item)
            clock.advance(1.0)
            eng.tick()
        assert eng.close() is False and not eng.closed
        message = eng.last_error or ""
        assert "disk is full" in message and str(store.path) in message, message
        found = re.search(r"need about ([\d.]+) (KB|MB) free", message)
        assert found, message
        needed = float(found[1]) * (1e6 if found[2] == "MB" else 1e3)
        for item, text in typed.items():  # everything typed is still in the round
            assert eng.notes(item)[0] == text
        # Free what the message asked for, and no more: the round closes with every note.
        with filler.open("r+b") as fh:
            fh.truncate(max(0, filler.stat().st_size - int(needed)))
        assert eng.close() is True, eng.last_error
        store.close()
        with Store.open(root / "data") as again:
            sc = again.load_scorecard(eng.round_id)
            assert {it.item_id: it.said for it in sc.items} == typed
            assert sc.items[0].rating == "strong"
