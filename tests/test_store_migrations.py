"""Schema versions: upgrade a first-release file in place (after a backup); refuse newer."""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from companion.base.errors import StorageError
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.record.changes import Rate
from companion.store import Store
from companion.store.db import DB_NAME
from companion.store.migrations import SCHEMA_VERSION
from companion.store.schema import Base
from tests.fixtures.make_v1_db import ROUND_DONE, ROUND_OPEN
from tests.fixtures.samples import sample_pack

FIXTURE = Path(__file__).parent / "fixtures" / "v1_companion.sqlite3"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_fixture_is_the_first_schema() -> None:
    assert _version(FIXTURE) == 1
    conn = sqlite3.connect(f"{FIXTURE.as_uri()}?mode=ro", uri=True)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert "amendment" not in tables and "round" in tables


def test_v1_file_is_upgraded_in_place_after_a_backup(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / DB_NAME)
    original = _digest(FIXTURE)
    with Store.open(tmp_path) as store:
        assert store.backup_path is not None
        backup = store.backup_path
        assert backup.parent == tmp_path and backup.name.startswith(f"{DB_NAME}.v1-backup-")
        done = store.load_scorecard(ROUND_DONE)
        assert done.candidate == "Priya Raman" and done.recommendation == "strong_yes"
        orders = done.item("s-orders")
        assert orders is not None
        assert [p.probe_id for p in orders.probes] == [
            "failure.database", "failure.queue", "failure.downstream"]
        assert done.flags[0].state == "off" and done.flags[0].evidence == "owned it after all"
        assert done.amendments == () and done.extra == {}
        assert [r.id for r in store.unfinished_rounds()] == [ROUND_OPEN]
        # The upgraded file takes the new features: amend the old submitted round.
        eng = RoundEngine.reopen(store, sample_pack(), ROUND_DONE, clock=ManualClock())
        eng.rate("thin", item_id="q-opener")
        eng.close()
        (amended,) = store.load_scorecard(ROUND_DONE).amendments
        assert isinstance(amended.change, Rate) and amended.change.item_id == "q-opener"
        assert (amended.undo.rating, amended.change.rating) == ("strong", "thin")
        # And the unfinished one resumes where it stopped.
        eng = RoundEngine.reopen(store, sample_pack(), ROUND_OPEN, clock=ManualClock())
        assert eng.index == 1 and eng.timers().section_index == 2
        eng.close()
    assert _version(tmp_path / DB_NAME) == SCHEMA_VERSION
    # The backup is the untouched first-release database.
    assert _version(backup) == 1
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert _digest(FIXTURE) == original
    if os.name == "posix":
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    # Opening again does not migrate (or back up) a second time.
    with Store.open(tmp_path) as store:
        assert store.backup_path is None
    assert len(list(tmp_path.glob("*backup*"))) == 1


def test_a_newer_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / DB_NAME
    shutil.copy(FIXTURE, db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = _digest(db)
    names = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(StorageError, match="newer version") as err:
        Store.open(tmp_path)
    assert str(db) in str(err.value)
    assert _digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == names


def test_models_match_the_migrated_tables(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        path = store.path
    conn = sqlite3.connect(path)
    for table in Base.metadata.sorted_tables:
        cols = {r[1] for r in conn.execute(f"PRAGMA table_info({table.name})")}
        assert cols == {c.name for c in table.columns}, table.name
    conn.close()


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / DB_NAME
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    before = _digest(db)
    with pytest.raises(StorageError, match="not one of this app's"):
        Store.open(tmp_path)
    assert _digest(db) == before


def test_a_step_failing_halfway_leaves_the_file_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from companion.store import migrations

    db = tmp_path / DB_NAME
    shutil.copy(FIXTURE, db)
    # The step's first statement works, its second fails: the whole step must roll back.
    broken = (migrations.V2_DDL[0], "ALTER TABLE no_such_table ADD COLUMN x TEXT")
    monkeypatch.setattr(migrations, "V2_DDL", broken)
    with pytest.raises(StorageError) as err:
        Store.open(tmp_path)
    message = str(err.value)
    assert str(db) in message and f"schema 1 to {SCHEMA_VERSION}" in message
    assert "no_such_table" in message
    assert _version(db) == 1
    conn = sqlite3.connect(db)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "amendment" not in tables  # the half-done step left nothing behind
        assert conn.execute("SELECT count(*) FROM round").fetchone() == (2,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    (backup,) = tmp_path.glob("*backup*")
    assert _version(backup) == 1 and backup.name in message

    # With a working step the same file upgrades on the next start, nothing lost.
    monkeypatch.undo()
    with Store.open(tmp_path) as store:
        assert store.load_scorecard(ROUND_DONE).candidate == "Priya Raman"
        assert [r.id for r in store.unfinished_rounds()] == [ROUND_OPEN]
    assert _version(db) == SCHEMA_VERSION


def _revision(path: Path) -> str | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return row[0] if row else None


def test_alembic_head_is_the_schema_version() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from companion.store import migrations

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations.REVISIONS))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_current_head() == migrations.revision_id(SCHEMA_VERSION)
    # One unbroken chain from 0001 up to the head, numbers rising (branches that each
    # add a revision are re-chained when they are merged).
    chain = list(reversed(list(script.walk_revisions())))
    assert chain[0].revision == migrations.revision_id(1) and chain[0].down_revision is None
    for before, after in itertools.pairwise(chain):
        assert after.down_revision == before.revision
        assert int(after.revision) > int(before.revision)


def test_new_and_upgraded_files_record_the_same_revision(tmp_path: Path) -> None:
    from companion.store.migrations import revision_id

    with Store.open(tmp_path / "new") as store:
        fresh = store.path
    old = tmp_path / "old"
    old.mkdir()
    shutil.copy(FIXTURE, old / DB_NAME)
    assert _revision(old / DB_NAME) is None  # from before Alembic: user_version only
    Store.open(old).close()
    for path in (fresh, old / DB_NAME):
        assert _revision(path) == revision_id(SCHEMA_VERSION)
        assert _version(path) == SCHEMA_VERSION


def _schema(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT type, name, sql FROM sqlite_master"))
    finally:
        conn.close()


def test_a_new_file_built_without_alembic_is_the_file_alembic_builds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first launch builds its file from the revisions' own steps without importing
    Alembic; the result must be what Alembic's run of the revisions gives."""
    import sys

    from companion.store import migrations

    monkeypatch.delitem(sys.modules, "alembic", raising=False)
    direct, by_alembic = tmp_path / "direct.sqlite3", tmp_path / "alembic.sqlite3"
    migrations.upgrade(direct, 0)
    assert "alembic" not in sys.modules  # the direct build never imported it
    migrations.upgrade(by_alembic, 0, with_alembic=True)
    assert "alembic" in sys.modules
    assert _schema(direct) == _schema(by_alembic)
    assert len(_schema(direct)) > 20
    for path in (direct, by_alembic):
        assert _revision(path) == migrations.revision_id(SCHEMA_VERSION)
        assert _version(path) == SCHEMA_VERSION
    # Revisions after the last direct step are Alembic's: a file built directly up to 5
    # upgrades from there like any other.
    partial = tmp_path / "partial.sqlite3"
    assert migrations._build_new(partial, 5000, up_to=5) == 5
    assert _revision(partial) == migrations.revision_id(5) and _version(partial) == 5
    migrations.upgrade(partial, 5)
    assert _schema(partial) == _schema(by_alembic)
    assert _revision(partial) == migrations.revision_id(SCHEMA_VERSION)
