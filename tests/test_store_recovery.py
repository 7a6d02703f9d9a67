"""A torn copy of a live file is found before the first write and rebuilt from its rows.

The torn copy is made the way one happens: the folder is copied while the app
writes, so the index pages of one table come from before a write and its table
pages from after it. ``quick_check`` passes such a file; ``integrity_check`` says
"wrong # of entries in index"; writing to it spreads the damage.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from companion.base.errors import StorageError
from companion.store import Store
from companion.store.db import DB_NAME
from tests.fixtures.samples import sample_scorecard

PAGE = 4096


def _page_of(db: Path, name: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                                (name,)).fetchone()[0])
    finally:
        conn.close()


def _torn_copy(live: Path, copy: Path) -> None:
    """``copy``: the live folder with settings' index page taken from before a write,
    and a -wal beside it, as a copy made while the app was writing would have."""
    with Store.open(live) as store:
        for n in range(6):
            store.save_imported(sample_scorecard(f"r{n}", candidate=f"Candidate {n}"))
    db = live / DB_NAME
    index_page = _page_of(db, "sqlite_autoindex_settings_1")
    before = db.read_bytes()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("INSERT INTO settings (key, value) VALUES ('torn-a', '1'), ('torn-b', '2')")
    conn.close()  # checkpointed: the main file now holds the new table and index pages
    after = bytearray(db.read_bytes())
    start = (index_page - 1) * PAGE
    after[start:start + PAGE] = before[start:start + PAGE]
    copy.mkdir(parents=True)
    (copy / DB_NAME).write_bytes(bytes(after))
    # A round written after the copy of the main file began: it sits in the -wal.
    writer = sqlite3.connect(copy / DB_NAME, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("INSERT INTO candidate (name) VALUES ('Late Candidate')")
    shutil.copyfile(copy / DB_NAME, copy / "snapshot")
    shutil.copyfile(Path(f"{copy / DB_NAME}-wal"), copy / "snapshot-wal")
    writer.close()
    (copy / "snapshot").replace(copy / DB_NAME)
    (copy / "snapshot-wal").replace(Path(f"{copy / DB_NAME}-wal"))


def _check(db: Path, pragma: str) -> list[str]:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
    finally:
        conn.close()


def test_a_torn_copy_is_set_aside_untouched_and_rebuilt_from_its_rows(tmp_path: Path) -> None:
    data = tmp_path / "copy"
    _torn_copy(tmp_path / "live", data)
    db = data / DB_NAME
    torn = {s: Path(f"{db}{s}").read_bytes() for s in ("", "-wal")}
    assert _check(db, "quick_check") == ["ok"]  # what the app used to rely on
    assert "wrong # of entries in index sqlite_autoindex_settings_1" in " ".join(
        _check(db, "integrity_check"))

    with pytest.raises(StorageError) as err:
        Store.open(data)
    msg = str(err.value)
    assert "\n" not in msg and str(db) in msg and "damaged" in msg
    (aside,) = [p for p in data.glob(f"{DB_NAME}.corrupt-*") if not p.name.endswith(
        ("-wal", "-shm"))]
    assert aside.name in msg and "6 rounds kept" in msg
    # The copy aside is the torn folder byte for byte, -wal included.
    assert aside.read_bytes() == torn[""]
    assert Path(f"{aside}-wal").read_bytes() == torn["-wal"]
    assert sorted(p.name for p in data.iterdir()) == sorted(
        [DB_NAME, aside.name, f"{aside.name}-wal", f"{aside.name}-shm"])

    assert _check(db, "integrity_check") == ["ok"]
    with Store.open(data) as store:
        assert sorted(r.id for r in store.list_rounds()) == [f"r{n}" for n in range(6)]
        assert store.load_scorecard("r3").candidate == "Candidate 3"
        store.save_imported(sample_scorecard("after"))
    conn = sqlite3.connect(db)
    names = {r[0] for r in conn.execute("SELECT name FROM candidate")}
    keys = {r[0] for r in conn.execute("SELECT key FROM settings")}
    conn.close()
    assert "Late Candidate" in names  # the row in the -wal was carried over too
    assert {"torn-a", "torn-b"} <= keys


def test_rounds_that_cannot_be_carried_over_are_named(tmp_path: Path) -> None:
    data = tmp_path / "copy"
    _torn_copy(tmp_path / "live", data)
    conn = sqlite3.connect(data / DB_NAME, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("DELETE FROM round WHERE id = 'r4'")  # its items and timings stay behind
    shutil.copyfile(data / DB_NAME, tmp_path / "main")
    shutil.copyfile(Path(f"{data / DB_NAME}-wal"), tmp_path / "wal")
    conn.close()
    (tmp_path / "main").replace(data / DB_NAME)
    (tmp_path / "wal").replace(Path(f"{data / DB_NAME}-wal"))

    with pytest.raises(StorageError, match="5 rounds kept") as err:
        Store.open(data)
    assert "rounds with unreadable parts skipped: r4" in str(err.value)
    with Store.open(data) as store:
        assert sorted(r.id for r in store.list_rounds()) == ["r0", "r1", "r2", "r3", "r5"]


def test_a_file_about_to_be_migrated_gets_the_full_check(tmp_path: Path) -> None:
    """No -wal (closed cleanly), but older than this app: checked in full before upgrading."""
    data = tmp_path / "copy"
    _torn_copy(tmp_path / "live", data)
    conn = sqlite3.connect(data / DB_NAME, isolation_level=None)
    conn.execute("PRAGMA user_version=4")
    conn.close()
    assert not Path(f"{data / DB_NAME}-wal").exists()
    with pytest.raises(StorageError, match=r"damaged.*6 rounds kept"):
        Store.open(data)
    assert not list(data.glob(f"{DB_NAME}.v4-backup-*"))  # nothing migrated a damaged file
    with Store.open(data) as store:
        assert len(store.list_rounds()) == 6


def test_the_integrity_check_benchmark_measures_both_checks() -> None:
    from bench import integrity_check
    from bench.run_all import normalise

    result = integrity_check.run(rounds=40, runs=1)
    full, quick, ratio, size = result["figures"]
    assert "40 rounds" in full["figure"] and quick["figure"].startswith("baseline")
    assert full["value"] > 0 and quick["value"] > 0 and size["value"] > 0
    assert ratio["unit"] == "x" and ratio["target"] == integrity_check.TARGET_RATIO
    assert all(row.value for row in normalise("integrity_check", result))


COPIES = 8
WRITER = """
import sys, time
from pathlib import Path
from companion.store import Store
from tests.fixtures.samples import sample_scorecard
end = time.monotonic() + float(sys.argv[2])
n = 0
with Store.open(Path(sys.argv[1])) as store:
    print("ready", flush=True)
    while time.monotonic() < end:
        store.save_imported(sample_scorecard(f"w{n}", candidate=f"Writer {n % 7}"))
        store.set_setting(f"k{n % 50}", str(n))
        n += 1
"""


def _copy_slowly(src: Path, dest: Path) -> None:
    """Copy ``src`` a few pages at a time, as a backup tool copying a live file does."""
    with src.open("rb") as a, dest.open("wb") as b:
        while chunk := a.read(4096 * 8):
            b.write(chunk)
            time.sleep(0.001)


def test_copies_taken_while_the_app_writes_never_end_in_a_dead_end(tmp_path: Path) -> None:
    """Torn copies of a live folder: each one opens (recovered if damaged) and reads whole."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    live = tmp_path / "live"
    Store.open(live).close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(live), "20"], cwd=REPO,
                              env=env, stdout=subprocess.PIPE, text=True)
    outcomes: dict[str, int] = {"opened": 0, "recovered": 0}
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        for n in range(COPIES):
            copy = tmp_path / f"copy{n}"
            copy.mkdir()
            for suffix in ("", "-wal"):
                src = Path(f"{live / DB_NAME}{suffix}")
                if src.exists():
                    _copy_slowly(src, Path(f"{copy / DB_NAME}{suffix}"))
            try:
                Store.open(copy).close()
                outcomes["opened"] += 1
            except StorageError as exc:
                assert "\n" not in str(exc) and "untouched copy" in str(exc), str(exc)
                outcomes["recovered"] += 1
            with Store.open(copy) as store:  # the next start always goes on
                for summary in store.list_rounds():
                    store.load_scorecard(summary.id)
            assert _check(copy / DB_NAME, "integrity_check") == ["ok"]
    finally:
        writer.kill()
        writer.wait()
    print(f"torn copies: {outcomes}")
    assert sum(outcomes.values()) == COPIES
