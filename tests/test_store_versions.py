"""Files whose version records this app cannot trust are refused in one line, untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from companion.base.errors import StorageError
from companion.store import Store
from companion.store.db import DB_NAME
from companion.store.migrations import SCHEMA_VERSION, upgrade
from tests.conftest import run_cli
from tests.fixtures.samples import sample_scorecard


def _live_file(folder: Path, version: int, revision: str) -> Path:
    """A file of this app (WAL mode) with its version records set by hand."""
    with Store.open(folder) as store:
        store.save_imported(sample_scorecard("keep-me"))
    db = folder / DB_NAME
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(f"PRAGMA user_version={version}")
    conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.close()
    return db


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_version_records_that_disagree_are_a_storage_error_without_a_backup(
        data_dir: Path) -> None:
    db = _live_file(data_dir, SCHEMA_VERSION - 1, f"{SCHEMA_VERSION + 1:04d}")
    before = _digest(db)
    for _ in range(2):  # every start says the same, and writes nothing
        res = run_cli("sessions", "list", data_dir=data_dir)
        assert res.returncode != 0 and "unexpected" not in res.stderr.lower(), res.stderr
        assert str(db) in res.stderr and "newer version" in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert sorted(p.name for p in data_dir.iterdir() if p.name != "logs") == [DB_NAME]
    assert _digest(db) == before


def test_records_that_disagree_otherwise_are_named(tmp_path: Path) -> None:
    db = _live_file(tmp_path, SCHEMA_VERSION, "0002")
    with pytest.raises(StorageError, match="two version records disagree"):
        Store.open(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [DB_NAME]
    assert db.exists()


def test_an_unknown_revision_is_a_storage_error_from_alembic_too(tmp_path: Path) -> None:
    db = _live_file(tmp_path, 0, "0099")
    with pytest.raises(StorageError, match=f"cannot upgrade {db}"):
        upgrade(db, 2)


def test_a_refused_newer_file_leaves_no_wal_or_shm(tmp_path: Path) -> None:
    db = _live_file(tmp_path, SCHEMA_VERSION + 1, f"{SCHEMA_VERSION:04d}")
    before = _digest(db)
    with pytest.raises(StorageError, match="newer version"):
        Store.open(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [DB_NAME]
    assert _digest(db) == before
