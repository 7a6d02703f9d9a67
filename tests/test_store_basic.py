"""The store on a real SQLite file: open, save, list, load, delete, file modes, PRAGMAs."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from companion.base.errors import StorageError
from companion.store import Store
from companion.store.db import DB_NAME
from tests.fixtures.samples import sample_scorecard


def test_open_creates_private_folder_and_file(tmp_path: Path) -> None:
    root = tmp_path / "nested" / "data"
    with Store.open(root) as store:
        assert store.path == root / DB_NAME
        store.save_imported(sample_scorecard())
        if os.name == "posix":
            assert stat.S_IMODE(root.stat().st_mode) == 0o700
            for suffix in ("", "-wal", "-shm"):
                p = Path(f"{store.path}{suffix}")
                assert p.exists(), p
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p


def test_pragmas_in_force(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        got = store.pragmas()
    assert got["journal_mode"] == "wal"
    assert got["synchronous"] == "FULL"
    assert got["foreign_keys"] == "1"
    assert got["secure_delete"] == "1"
    assert int(got["busy_timeout"]) > 0


def test_imported_scorecard_round_trips_and_is_idempotent(tmp_path: Path) -> None:
    sc = sample_scorecard()
    with Store.open(tmp_path) as store:
        assert store.save_imported(sc) is True
        assert store.save_imported(sc) is False
    with Store.open(tmp_path) as store:
        assert store.load_scorecard(sc.id) == sc
        (row,) = store.list_rounds()
        assert (row.id, row.candidate, row.interviewer) == (sc.id, sc.candidate, sc.interviewer)
        assert row.submitted_at == sc.submitted_at
        # Imported rounds are never offered for resume.
        assert store.unfinished_rounds() == []


def test_list_is_newest_first_and_unfinished_filters(tmp_path: Path) -> None:
    from datetime import timedelta

    from tests.fixtures.samples import T0

    with Store.open(tmp_path) as store:
        store.save_scorecard(sample_scorecard("old", started=T0))
        store.save_scorecard(sample_scorecard("new", started=T0 + timedelta(days=1),
                                              submitted=False))
        assert [r.id for r in store.list_rounds()] == ["new", "old"]
        assert [r.id for r in store.unfinished_rounds()] == ["new"]


def test_unknown_round_is_a_clear_error(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store, pytest.raises(StorageError, match="no round 'nope'"):
        store.load_scorecard("nope")


def test_resolve_id_by_prefix(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("abc123"))
        store.save_imported(sample_scorecard("abd456"))
        assert store.resolve_id("abc") == "abc123"
        with pytest.raises(StorageError, match="more than one"):
            store.resolve_id("ab")
        with pytest.raises(StorageError, match="no round"):
            store.resolve_id("zz")


def test_delete_round_and_candidate(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("a", candidate="Ann"))
        store.save_imported(sample_scorecard("b", candidate="Ann", interviewer="Kim"))
        store.save_imported(sample_scorecard("c", candidate="Bo"))
        store.delete_round("c")
        assert [r.id for r in store.list_rounds()] == ["a", "b"] or \
            sorted(r.id for r in store.list_rounds()) == ["a", "b"]
        assert store.delete_candidate("Ann") == 2
        assert store.list_rounds() == []
        assert store.delete_candidate("Nobody") == 0
        with pytest.raises(StorageError, match="no round"):
            store.delete_round("a")


def test_writes_take_the_write_lock_up_front(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE, not the driver's late implicit BEGIN: the lock is ours from the start."""
    import sqlite3

    with Store.open(tmp_path) as store, store.write() as session:
        session.connection()  # the transaction has begun, nothing written yet
        other = sqlite3.connect(store.path, timeout=0.05, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            # Readers are never blocked by the writer (WAL).
            assert other.execute("SELECT count(*) FROM round").fetchone() == (0,)
        finally:
            other.close()


def test_reads_see_one_snapshot(tmp_path: Path) -> None:
    """A read session is a real transaction: a commit elsewhere does not appear midway."""
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("first"))
        with store.read() as session:
            from sqlalchemy import func, select

            from companion.store.schema import Round

            before = session.scalar(select(func.count()).select_from(Round))
            with Store.open(tmp_path) as other:
                other.save_imported(sample_scorecard("second"))
            assert session.scalar(select(func.count()).select_from(Round)) == before == 1
        assert len(store.list_rounds()) == 2
