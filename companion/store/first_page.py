"""The start screen's first read: the lists' first page, before the store is open.

Opening the store imports SQLAlchemy and checks the file (about half a second on a
slow laptop), so the window first reads the lists with plain sqlite3, read-only
(``mode=ro``: it never creates, upgrades or writes the file), and the store opens
on a worker thread meanwhile (``companion.ui.app``). Only a file at this app's own
schema is read here; anything else waits for ``Store.open``, which says what is wrong.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from urllib.parse import quote

from companion.store import search
from companion.store.migrations import SCHEMA_VERSION
from companion.store.search import PAGE, RoundFilter, RoundRow

DB_NAME = "companion.sqlite3"  # the same name as db.DB_NAME (db imports SQLAlchemy)


class FirstPage:
    """A read-only ``RoundSource`` over the data folder's file (see ``open_first_page``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self.kind = search.index_kind(conn)

    @property
    def search_notice(self) -> str:
        return search.notice(self.kind, self.path.name)

    def search_rounds(self, f: RoundFilter, after: RoundRow | None = None,
                      limit: int = PAGE) -> list[RoundRow]:
        return search.page(self._conn, f, after, limit, self.kind)

    def count_rounds(self, f: RoundFilter, at_most: int | None = None) -> int:
        return search.count(self._conn, f, self.kind, at_most)

    def close(self) -> None:
        self._conn.close()


def open_first_page(data_dir: Path) -> FirstPage | None:
    """The folder's rounds, read-only, or None when there is nothing to read this way
    (no file yet, another schema, a damaged or locked file): ``Store.open`` handles it."""
    path = Path(data_dir) / DB_NAME
    if not path.is_file():
        return None
    conn = None
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=0.2,
                               check_same_thread=False)
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            conn.close()
            return None
        return FirstPage(conn, path)
    except sqlite3.Error:
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        return None
