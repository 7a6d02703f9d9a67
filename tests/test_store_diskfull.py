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
