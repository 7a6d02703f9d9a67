"""Deleting leaves no trace of the text in the database file, its WAL or its SHM; retention."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from companion.live.clock import ManualClock
from companion.live.engine import ROUND, RoundEngine
from companion.store import Store
from tests.fixtures.samples import T0, sample_pack, sample_planned, sample_scorecard

SECRET = "Zanzibar-quokka-7731 said the migration lost orders"
NAME = "Quillon Vantrease"


def _raw(store: Store) -> bytes:
    blobs = b""
    for suffix in ("", "-wal", "-shm"):
        p = Path(f"{store.path}{suffix}")
        if p.exists():
            blobs += p.read_bytes()
    return blobs


def _live_round(store: Store) -> str:
    eng = RoundEngine.start(store, sample_pack(), sample_planned(), candidate=NAME,
                            interviewer="Sam", archetype="api", level="senior",
                            clock=ManualClock())
    # Several versions of the text, so old copies sit in WAL frames and freed pages.
    for n in range(1, len(SECRET) + 1):
        eng.edit_notes("said", SECRET[:n])
        eng.flush()
    eng.edit_notes("read", SECRET, item_id=ROUND)
    eng.set_flag("rf-blame", "confirmed", evidence=SECRET)
    eng.answer_probe("failure.queue", note=SECRET, item_id="s-orders")
    eng.close()
    return eng.round_id


def test_delete_round_leaves_no_trace(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.save_imported(sample_scorecard("other"))
    rid = _live_round(store)
    assert SECRET.encode() in _raw(store)  # the search does find it while it is stored
    store.delete_round(rid)
    raw = _raw(store)  # store still open: the WAL is there and in use
    assert SECRET.encode() not in raw
    assert SECRET[:20].encode() not in raw
    assert NAME.encode() not in raw
    assert b"Dana Whitfield" in raw  # other rounds untouched
    assert [r.id for r in store.list_rounds()] == ["other"]
    store.close()
    assert SECRET.encode() not in (tmp_path / "companion.sqlite3").read_bytes()


def test_delete_candidate_removes_every_round_and_the_name(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        rid = _live_round(store)
        store.save_imported(sample_scorecard("imp", candidate=NAME, interviewer="Kim"))
        store.save_imported(sample_scorecard("keep"))
        assert store.delete_candidate(NAME) == 2
        raw = _raw(store)
        assert NAME.encode() not in raw and SECRET.encode() not in raw
        assert b"Kim" not in raw  # an interviewer with no round left goes too
        assert [r.id for r in store.list_rounds()] == ["keep"]
        assert not (tmp_path / "locks" / f"{rid}.lock").exists()


def test_retention_is_off_by_default(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("ancient", started=T0 - timedelta(days=3000)))
        assert store.retention_days() is None
    with Store.open(tmp_path) as store:
        assert [r.id for r in store.list_rounds()] == ["ancient"]


def test_retention_purges_old_submitted_rounds_at_start(tmp_path: Path) -> None:
    now = T0 + timedelta(days=100)
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("old", started=T0))
        store.save_imported(sample_scorecard("recent", started=now - timedelta(days=5)))
        store.save_scorecard(sample_scorecard("unfinished", started=T0, submitted=False))
        store.set_retention_days(30)
    with Store.open(tmp_path, now=now) as store:
        assert store.purged_at_start == 1
        assert sorted(r.id for r in store.list_rounds()) == ["recent", "unfinished"]
        assert store.purge_submitted_older_than(1, now=now) == 1
        assert [r.id for r in store.list_rounds()] == ["unfinished"]
        store.set_retention_days(None)
        assert store.retention_days() is None


def test_retention_skips_a_round_open_in_another_window(tmp_path: Path) -> None:
    now = T0 + timedelta(days=100)
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("old-a", started=T0))
        store.save_imported(sample_scorecard("old-b", started=T0))
        store.set_retention_days(30)
        lock = store.lock_round("old-a")  # being amended in a window
        try:
            with Store.open(tmp_path, now=now) as other:
                assert other.purged_at_start == 1
                assert [r.id for r in other.list_rounds()] == ["old-a"]
        finally:
            lock.release()
