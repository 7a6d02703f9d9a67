"""A damaged database: an untouched copy set aside, every readable row carried over.

A torn copy of a live file (copied while it was written) can hold a table whose
index no longer matches it. Writing to such a file spreads the damage, so it is
found before the first write (``files.inspect``) and handled here:

1. the file and its ``-wal``/``-shm`` are copied aside byte for byte
   (``.corrupt-STAMP``); nothing ever deletes that copy;
2. a scratch copy is read table by table into a fresh file built by the
   migrations, row by row where a whole-table read fails, skipping what cannot
   be read or no longer fits (a round whose parent row is gone, a duplicate key);
3. the fresh file passes ``integrity_check`` and replaces the damaged one (its
   old ``-wal``/``-shm`` are removed first, so SQLite can never replay them onto
   the new file).

The caller gets one line saying what was kept, which rounds were skipped and
where the untouched copy lies.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from companion.store import migrations
from companion.store.files import SIDE_FILES, create_private, private, stamp

log = logging.getLogger("companion.store")

# Give up probing rowids one at a time after this many in a row cannot be read.
_MISSES = 2000


@dataclass
class Recovered:
    """What a recovery kept and skipped."""

    aside: Path
    kept: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    skipped_rows: int = 0
    skipped_rounds: set[str] = field(default_factory=set)

    def line(self, path: Path, reason: str) -> str:
        rounds = self.kept.get("round", 0)
        said = (f"{path} was damaged ({reason}). The untouched copy is {self.aside.name} "
                f"(with its -wal and -shm); every readable row was carried into a new "
                f"file: {rounds} round{'s' if rounds != 1 else ''} kept")
        if self.skipped_rounds:
            names = sorted(self.skipped_rounds)
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5
                                            else "")
            said += f", rounds with unreadable parts skipped: {shown}"
        if self.skipped_rows:
            said += f" ({self.skipped_rows} unreadable row{'s' if self.skipped_rows != 1 else ''}"
            said += " left out, listed in the log)"
        return said + ". Start the app again to go on."


def copy_aside(path: Path) -> Path:
    """Copy ``path`` and its -wal/-shm byte for byte to ``.corrupt-STAMP``; OSError on failure."""
    aside = path.with_name(f"{path.name}.corrupt-{stamp()}")
    made: list[Path] = []
    try:
        for suffix in ("", *SIDE_FILES):
            src = Path(f"{path}{suffix}")
            if src.exists():
                dest = Path(f"{aside}{suffix}")
                shutil.copyfile(src, dest)
                made.append(dest)
                _fsync(dest)
        private(aside)
        _fsync_dir(path.parent)
    except OSError:
        for dest in made:
            with contextlib.suppress(OSError):
                dest.unlink()
        raise
    return aside


def recover(path: Path, aside: Path, busy_timeout_ms: int) -> Recovered:
    """Rebuild ``path`` from every readable row of ``aside``; raises OSError/sqlite3.Error."""
    result = Recovered(aside)
    when = stamp()
    scratch = path.with_name(f"{path.name}.reading-{when}")
    fresh = path.with_name(f"{path.name}.rebuilt-{when}")
    try:
        for suffix in ("", "-wal"):  # the -shm is rebuilt from the WAL by whoever reads
            if Path(f"{aside}{suffix}").exists():
                shutil.copyfile(Path(f"{aside}{suffix}"), Path(f"{scratch}{suffix}"))
        create_private(fresh)
        migrations.upgrade(fresh, 0, busy_timeout_ms)
        _copy_rows(scratch, fresh, result)
        for suffix in SIDE_FILES:
            with contextlib.suppress(FileNotFoundError):
                Path(f"{path}{suffix}").unlink()
        _fsync(fresh)
        os.replace(fresh, path)
        _fsync_dir(path.parent)
        private(path)
    finally:
        for leftover in (scratch, fresh):
            for suffix in ("", *SIDE_FILES):
                with contextlib.suppress(OSError):
                    Path(f"{leftover}{suffix}").unlink()
    return result


def _copy_rows(source: Path, fresh: Path, result: Recovered) -> None:
    src = sqlite3.connect(source, isolation_level=None)
    dst = sqlite3.connect(fresh, isolation_level=None)
    try:
        dst.execute("PRAGMA foreign_keys=ON")
        tables = [r[0] for r in dst.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version' ORDER BY rowid") if not _derived(r[0])]
        try:
            present = {r[0] for r in src.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.Error:
            present = set()
        dst.execute("BEGIN")
        for table in tables:
            dst.execute(f'DELETE FROM "{table}"')  # rows the migrations seeded
            if table in present:
                _copy_table(src, dst, table, result)
        check = [r[0] for r in dst.execute("PRAGMA integrity_check").fetchall()]
        if check != ["ok"]:
            raise sqlite3.DatabaseError(f"the rebuilt file failed its check: {check[0]}")
        dst.execute("COMMIT")
    finally:
        src.close()
        dst.close()


def _derived(table: str) -> bool:
    """The search index (and FTS5's shadow tables of it): the triggers refill it as the
    rows it is made from are copied, and a damaged copy of it is worth nothing."""
    return any(table == name or table.startswith(f"{name}_")
               for name in migrations.DERIVED_TABLES)


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _copy_table(src: sqlite3.Connection, dst: sqlite3.Connection, table: str,
                result: Recovered) -> None:
    try:
        have = set(_columns(src, table))
    except sqlite3.Error:
        log.warning("recovery: table %s cannot be read at all", table)
        return
    cols = [c for c in _columns(dst, table) if c in have]
    names = ", ".join(f'"{c}"' for c in cols)
    insert = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(cols))})'
    owner = "id" if table == "round" else "round_id" if "round_id" in cols else None
    kept = 0
    for row in _rows(src, table, names, result):
        try:
            dst.execute(insert, row)
            kept += 1
        except sqlite3.Error as exc:
            result.skipped_rows += 1
            log.warning("recovery: a row of %s was left out: %s", table, exc)
            if owner is not None:
                result.skipped_rounds.add(str(row[cols.index(owner)]))
    result.kept[table] = kept


def _rows(src: sqlite3.Connection, table: str, names: str,
          result: Recovered) -> Iterator[tuple[object, ...]]:
    """Every readable row: one scan, then rowid by rowid past the point where it broke."""
    last = 0
    try:
        # NOT INDEXED: read the table itself, never an index that may disagree with it.
        for rowid, *row in src.execute(f'SELECT rowid, {names} FROM "{table}" NOT INDEXED '
                                       "ORDER BY rowid"):
            last = rowid
            yield tuple(row)
        return
    except sqlite3.Error as exc:
        log.warning("recovery: reading %s broke after rowid %s (%s); probing row by row",
                    table, last, exc)
    misses, rowid = 0, last
    while misses < _MISSES:
        rowid += 1
        try:
            found = src.execute(f'SELECT {names} FROM "{table}" WHERE rowid = ?',
                                (rowid,)).fetchone()
        except sqlite3.Error:
            result.skipped_rows += 1
            found = None
        if found is None:
            misses += 1
            continue
        misses = 0
        yield tuple(found)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
