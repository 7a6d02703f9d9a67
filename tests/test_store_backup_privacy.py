"""Deleting reaches the copy an upgrade left beside the file: no byte of it stays behind."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from companion.store import Store
from companion.store.db import DB_NAME
from tests.conftest import run_cli
from tests.fixtures.make_v1_db import ROUND_DONE, ROUND_OPEN

FIXTURE = Path(__file__).parent / "fixtures" / "v1_companion.sqlite3"
NAME = b"Priya Raman"
SUMMARY = b"Clear ownership, good failure thinking."


def _upgraded(data: Path) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, data / DB_NAME)
    with Store.open(data) as store:
        assert store.backup_path is not None
        return store.backup_path


def _files_holding(data: Path, needle: bytes) -> list[str]:
    """Every file in the data folder (any depth) whose bytes contain ``needle``."""
    return sorted(str(p.relative_to(data)) for p in data.rglob("*")
                  if p.is_file() and needle in p.read_bytes())


def test_deleting_a_candidate_leaves_no_byte_of_them_in_any_file(data_dir: Path) -> None:
    backup = _upgraded(data_dir)
    assert _files_holding(data_dir, NAME) == sorted([DB_NAME, backup.name])
    res = run_cli("candidate", "delete", "Priya Raman", data_dir=data_dir)
    assert res.returncode == 0, res.stderr
    assert _files_holding(data_dir, NAME) == []
    assert _files_holding(data_dir, SUMMARY) == []
    assert _files_holding(data_dir, b"said on q-opener") == []


def test_retention_reaches_the_backup_and_keeps_what_it_keeps(tmp_path: Path) -> None:
    backup = _upgraded(tmp_path)
    with Store.open(tmp_path) as store:
        store.set_retention_days(30)
    with Store.open(tmp_path, now=datetime(2026, 6, 1, tzinfo=UTC)) as store:
        assert store.purged_at_start == 1
        assert [r.id for r in store.list_rounds()] == [ROUND_OPEN]
    assert _files_holding(tmp_path, SUMMARY) == []
    conn = sqlite3.connect(backup)
    try:
        assert [r[0] for r in conn.execute("SELECT id FROM round")] == [ROUND_OPEN]
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
    finally:
        conn.close()
    assert ROUND_DONE not in backup.read_bytes().decode("latin-1")
