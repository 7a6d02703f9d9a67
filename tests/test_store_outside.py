"""The disk and other programs: a full disk, a long reader, a newer app, a damaged file.

Each case once changed or lost data, or said something untrue (issue 10): a full
disk made a healthy database look damaged and set it aside, a deletion said
"deleted" while the text was still in the file, ``demo`` reported success on a
full disk, and an older app kept writing after a newer one upgraded the file.
"""

from __future__ import annotations

import logging
import sqlite3
import struct
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from companion.base.errors import StorageError
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store
from companion.store.db import DB_NAME
from companion.store.migrations import SCHEMA_VERSION
from tests.conftest import REPO, run_cli
from tests.diskspace import fill, small_disk
from tests.fixtures.samples import sample_pack, sample_planned, sample_scorecard


def _stored(folder: Path, *ids: str) -> Path:
    with Store.open(folder) as store:
        for rid in ids:
            store.save_imported(sample_scorecard(rid))
        return store.path


def _untouched(folder: Path) -> None:
    assert not list(folder.glob("*corrupt*"))
    with Store.open(folder) as store:
        assert [r.id for r in store.list_rounds()] == ["keep-me"]


# A copy of the app whose files may not grow past 8 KB: SQLite's read-only look at a
# WAL database must create its 32 KB -shm file, which fails with an I/O error.
SMALL_FILES = """
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))
from companion.base.errors import StorageError
from companion.store import Store
try:
    Store.open(Path(sys.argv[1]))
except StorageError as exc:
    print(exc)
    sys.exit(2)
print("opened")
"""


def test_an_io_error_on_the_first_look_is_not_damage(tmp_path: Path) -> None:
    _stored(tmp_path, "keep-me")
    res = subprocess.run([sys.executable, "-c", SMALL_FILES, str(tmp_path)], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2, res.stdout + res.stderr
    assert "I/O error" in res.stdout and "Nothing was changed or set aside" in res.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [DB_NAME]  # no -shm left behind
    _untouched(tmp_path)


def test_a_full_disk_is_not_damage(tmp_path: Path) -> None:
    root = tmp_path / "disk"
    with small_disk(root) as real:
        data = root / "data"
        _stored(data, "keep-me")
        if not real:  # no mount here: the I/O-error test above covers the same path
            res = subprocess.run([sys.executable, "-c", SMALL_FILES, str(data)], cwd=REPO,
                                 capture_output=True, text=True, timeout=60)
            assert res.returncode == 2 and "Nothing was changed" in res.stdout
            _untouched(data)
            return
        filler = fill(root)
        for _ in range(2):  # the next start and the one after: never set aside
            with pytest.raises(StorageError) as err:
                Store.open(data)
            assert str(err.value).startswith(f"cannot open {data / DB_NAME}: the disk is full")
            assert "Nothing was changed or set aside" in str(err.value)
            assert sorted(p.name for p in data.iterdir()) == [DB_NAME]
        res = run_cli("sessions", "list", data_dir=data)
        assert res.returncode == 2 and "the disk is full" in res.stderr
        assert res.stderr.count("\n") == 1
        filler.unlink()
        _untouched(data)


def test_a_damaged_file_is_reported_in_one_line_with_details_in_the_log(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = _stored(tmp_path, *(f"r{n}" for n in range(5)))
    # Forty pages no table points at, and a header that counts them: the integrity
    # check reports each one ("Page 28 is never used"), the way real damage often reads.
    data = bytearray(db.read_bytes())
    page_size = struct.unpack(">H", data[16:18])[0]
    pages = struct.unpack(">I", data[28:32])[0]
    data += bytes(page_size * 40)
    data[28:32] = struct.pack(">I", pages + 40)
    db.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="companion.store"), \
            pytest.raises(StorageError) as err:
        Store.open(tmp_path)
    message = str(err.value)
    assert "\n" not in message and len(message) < 400, message
    assert f"damaged (the integrity check found 'Page {pages + 1} is never used' and 39 " \
           "more, listed in the log)" in message
    details = "\n".join(r.getMessage() for r in caplog.records)
    assert f"Page {pages + 40} is never used" in details and details.count("\n") >= 40


# Another program (a backup tool, a database browser) holding a read transaction. It
# runs in its own process: closing any descriptor of a file drops every POSIX lock this
# process holds on it, so a reader in the test process would lose its lock the moment
# the test looked into the file.
LONG_READER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN")
conn.execute("SELECT count(*) FROM round").fetchall()
print("reading", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
print("done", flush=True)
sys.stdin.readline()
conn.close()
"""


def test_a_deletion_held_up_by_a_long_reader_says_so_and_finishes_later(
        tmp_path: Path, data_dir: Path) -> None:
    secret = "NOTES-THAT-MUST-GO-7f3a"
    with Store.open(data_dir) as store:
        store.save_imported(replace(sample_scorecard("gone"), summary=secret))
        store.save_imported(sample_scorecard("stays"))

    def in_files() -> bool:
        return any(secret.encode() in p.read_bytes() for p in data_dir.glob(f"{DB_NAME}*"))

    reader = subprocess.Popen([sys.executable, "-c", LONG_READER, str(data_dir / DB_NAME)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert reader.stdin is not None and reader.stdout is not None
    try:
        assert reader.stdout.readline().strip() == "reading"
        # The app waits its busy timeout for the reader (cut to 0.2 s here; 5 s in the app).
        with Store.open(data_dir, busy_timeout_ms=200) as store:
            store.delete_round("gone")
            assert store.scrub_pending
            assert [r.id for r in store.list_rounds()] == ["stays"]
        assert in_files()  # what the app now says, instead of "deleted" alone
        res = run_cli("candidate", "delete", "Dana Whitfield", data_dir=data_dir)
        assert res.returncode == 0, res.stderr
        assert "deleted text is still in that file" in res.stderr
        assert "the app wipes it at its next start" in res.stderr
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "done"  # it let go, but is still connected
        with Store.open(data_dir) as store:  # the next start finishes the scrub
            assert not store.scrub_pending
            assert store.list_rounds() == []
        assert not in_files()
    finally:
        reader.communicate("\n", timeout=30)


def test_an_older_app_stops_writing_once_a_newer_one_upgraded_the_file(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        engine = RoundEngine.start(store, sample_pack(), sample_planned(), candidate="Dana",
                                   interviewer="Sam", archetype="api", level="senior",
                                   clock=ManualClock())
        assert engine.rate("strong") is True
        newer = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
        newer.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
        newer.close()
        assert engine.rate("thin") is False
        assert engine.last_error is not None and "a newer version of the app upgraded it" in \
            engine.last_error
        with pytest.raises(StorageError, match="stopped writing"):
            store.save_imported(sample_scorecard("late"))
        engine.release()
    check = sqlite3.connect(tmp_path / DB_NAME)
    assert check.execute("SELECT rating FROM round_item WHERE rating IS NOT NULL").fetchall() \
        == [("strong",)]
    assert check.execute("SELECT count(*) FROM round").fetchone() == (1,)
    check.close()


# The demo in a copy of the app whose files may grow only a little past the database's
# present size: like a nearly full disk, the write-ahead log runs out of room part way.
DEMO_SMALL_FILES = """
import os, resource, signal, sys
from pathlib import Path
data = Path(sys.argv[1])
limit = (data / "companion.sqlite3").stat().st_size + 48 * 1024
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from companion.cli import main
sys.exit(main(["--data-dir", str(data), "demo"]))
"""


def _demo_refused(res: Any) -> None:
    assert res.returncode == 2, res.stdout + res.stderr
    assert "could not be stored whole" in res.stderr
    assert "Demo rounds stored" not in res.stdout


def test_demo_on_a_nearly_full_disk_fails_loudly(tmp_path: Path) -> None:
    root = tmp_path / "disk"
    with small_disk(root, "600k") as real:
        data = root / "data"
        Store.open(data).close()
        if real:
            filler = fill(root)
            # Leave a little room: the demo starts, then fails. (160 KB: each write also
            # brings the search index's pages, schema 8, so 96 KB no longer let it start.)
            with filler.open("r+b") as fh:
                fh.truncate(filler.stat().st_size - 160 * 1024)
            _demo_refused(run_cli("demo", data_dir=data))
        else:  # no mount here: the files may not grow (RLIMIT_FSIZE) instead
            _demo_refused(subprocess.run([sys.executable, "-c", DEMO_SMALL_FILES, str(data)],
                                         cwd=REPO, capture_output=True, text=True, timeout=120))
        listed = run_cli("sessions", "list", "--json", data_dir=data)
        assert listed.returncode == 0 and listed.stdout.count('"submitted"') < 2
