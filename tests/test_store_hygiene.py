"""Store hygiene: closing never waits on another reader; lock files go with their rounds."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store
from companion.store.db import DB_NAME
from companion.store.locks import RoundLock, lock_dir, sweep
from tests.fixtures.samples import sample_pack, sample_planned


def _round(store: Store) -> RoundEngine:
    pack = sample_pack()
    return RoundEngine.start(store, pack, sample_planned(pack), candidate="Mei Lin",
                             interviewer="Sam Ortiz", archetype="api", level="senior",
                             clock=ManualClock())


def test_close_does_not_wait_for_a_reader_in_another_connection(tmp_path: Path) -> None:
    store = Store.open(tmp_path)  # busy timeout 5 s
    eng = _round(store)
    eng.rate("mid")
    eng.close()
    reader = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM round").fetchone() == (1,)  # holds a snapshot
    try:
        started = time.monotonic()
        store.close()
        took = time.monotonic() - started
    finally:
        reader.execute("COMMIT")
        reader.close()
    assert took < 1.0, f"close waited {took:.2f} s for the reader"
    with Store.open(tmp_path) as again:  # nothing was lost by skipping the checkpoint
        assert again.load_scorecard(eng.round_id).items[0].rating == "mid"


def test_a_round_leaves_no_lock_file_behind(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        ids = []
        for _ in range(5):
            eng = _round(store)
            assert (lock_dir(tmp_path) / f"{eng.round_id}.lock").exists()  # held while open
            ids.append(eng.round_id)
            eng.close()
        assert list(lock_dir(tmp_path).iterdir()) == []
        again = RoundEngine.reopen(store, sample_pack(), ids[0], clock=ManualClock())
        again.release()
        assert list(lock_dir(tmp_path).iterdir()) == []


def test_stale_lock_files_are_swept_at_start_but_held_ones_stay(tmp_path: Path) -> None:
    with Store.open(tmp_path):
        pass
    folder = lock_dir(tmp_path)
    folder.mkdir(mode=0o700, exist_ok=True)
    for name in ("a" * 32, "b" * 32):  # left by a crash: nobody holds them
        (folder / f"{name}.lock").touch()
    held = RoundLock(tmp_path, "c" * 32).acquire()
    try:
        with Store.open(tmp_path):
            pass
        assert sorted(p.name for p in folder.iterdir()) == [f"{'c' * 32}.lock"]
    finally:
        held.release()
    assert sweep(tmp_path) == 0 and list(folder.iterdir()) == []


def test_a_lock_removed_under_an_opener_is_not_believed(tmp_path: Path) -> None:
    """The race that removing lock files opens: open, holder releases, then our lock."""
    first = RoundLock(tmp_path, "r" * 32).acquire()
    stale_fd = os.open(first.path, os.O_RDWR)  # another copy opened the file just now
    first.release()  # ... and the holder removed it before that copy could lock it
    second = RoundLock(tmp_path, "r" * 32).acquire()  # a third copy creates a new file
    try:
        import fcntl

        fcntl.flock(stale_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the old inode is free
        from companion.store.locks import _still_at

        assert not _still_at(stale_fd, second.path)  # so acquire() would retry, not win
    finally:
        os.close(stale_fd)
        second.release()
