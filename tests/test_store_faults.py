"""Faults: read-only folder, full disk, damaged or foreign files, a second running copy."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.base.errors import StorageError
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store
from companion.store.db import DB_NAME
from tests.conftest import REPO
from tests.fixtures.samples import sample_pack, sample_planned, sample_scorecard


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` truly read-only, even for root (a read-only bind mount)."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def _saved(tmp_path: Path) -> Path:
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("keep-me"))
        return store.path


def test_read_only_folder(tmp_path: Path) -> None:
    db = _saved(tmp_path)
    before = db.read_bytes()
    with read_only(tmp_path), pytest.raises(StorageError, match="read-only") as err:
        Store.open(tmp_path)
    assert str(tmp_path) in str(err.value)
    assert db.read_bytes() == before
    with Store.open(tmp_path) as store:
        assert store.load_scorecard("keep-me").candidate == "Dana Whitfield"


def test_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot create the data folder"):
        Store.open(blocker / "data")


def test_full_disk_is_a_clear_error_and_keeps_what_was_saved(tmp_path: Path) -> None:
    _saved(tmp_path)
    with Store.open(tmp_path) as probe:
        pages = probe.engine.connect().exec_driver_sql("PRAGMA page_count").scalar()
    assert isinstance(pages, int)
    with Store.open(tmp_path, max_page_count=pages) as store:
        big = sample_scorecard("too-big")
        big = type(big)(**{**big.__dict__, "summary": "x" * 200_000})
        with pytest.raises(StorageError, match="disk is full") as err:
            store.save_imported(big)
        assert str(store.path) in str(err.value)
        assert [r.id for r in store.list_rounds()] == ["keep-me"]
    conn = sqlite3.connect(tmp_path / DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def _damage(db: Path, how: str) -> None:
    data = db.read_bytes()
    if how == "garbage-pages":
        data = data[:4096] + os.urandom(len(data) - 4096)
    elif how == "truncated":
        data = data[: len(data) // 3]
    elif how == "cut-header":
        data = data[:50]
    elif how == "not-a-database":
        data = b"Meeting notes\nnot a database at all\n" * 50
    db.write_bytes(data)


@pytest.mark.parametrize("how", ["garbage-pages", "truncated", "cut-header", "not-a-database"])
def test_damaged_file_is_set_aside_never_deleted(tmp_path: Path, how: str) -> None:
    db = _saved(tmp_path)
    # Grow the file so damage lands in real pages.
    with Store.open(tmp_path) as store:
        for n in range(30):
            store.save_imported(sample_scorecard(f"r{n}"))
    _damage(db, how)
    damaged = db.read_bytes()
    with pytest.raises(StorageError, match="damaged") as err:
        Store.open(tmp_path)
    msg = str(err.value)
    assert str(db) in msg
    (aside,) = [p for p in tmp_path.glob(f"{DB_NAME}.corrupt-*")
                if not p.name.endswith(("-wal", "-shm"))]
    assert aside.name in msg
    assert aside.read_bytes() == damaged
    # The next start begins with an empty, working database.
    with Store.open(tmp_path) as store:
        assert store.list_rounds() == []
        store.save_imported(sample_scorecard("fresh"))
    assert aside.exists()


def test_locked_by_another_copy(tmp_path: Path) -> None:
    db = _saved(tmp_path)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(tmp_path, busy_timeout_ms=100) as store:
            assert [r.id for r in store.list_rounds()] == ["keep-me"]  # reads still work
            with pytest.raises(StorageError, match="locked by another running copy") as err:
                store.save_imported(sample_scorecard("blocked"))
            assert str(db) in str(err.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Store.open(tmp_path) as store:
        assert store.save_imported(sample_scorecard("blocked")) is True


SECOND_COPY = """
import sys
from pathlib import Path
from companion.base.errors import StorageError
from companion.live.engine import RoundEngine
from companion.store import Store
from tests.fixtures.samples import sample_pack
store = Store.open(Path(sys.argv[1]))
try:
    RoundEngine.reopen(store, sample_pack(), sys.argv[2])
except StorageError as exc:
    print(exc)
    sys.exit(2)
print("opened")
"""


def test_a_second_running_copy_cannot_write_the_same_round(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        eng = RoundEngine.start(store, sample_pack(), sample_planned(), candidate="Dana",
                                interviewer="Sam", archetype="api", level="senior",
                                clock=ManualClock())
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        res = subprocess.run([sys.executable, "-c", SECOND_COPY, str(tmp_path), eng.round_id],
                             capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
        assert res.returncode == 2, res.stderr
        assert "open in another running copy" in res.stdout
        eng.rate("strong")  # the first copy carries on
        eng.close()
        res = subprocess.run([sys.executable, "-c", SECOND_COPY, str(tmp_path), eng.round_id],
                             capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
        assert res.returncode == 0 and "opened" in res.stdout, res.stderr
