"""Searching and filtering stored rounds, a page at a time, newest first.

The index (``round_search``, schema 8) is kept in step by triggers in the same
transactions as the writes (see ``migrations.v8_ddl``). A search reads one page
of rows after a given one (keyset paging on ``started_at, id``), so the hundredth
page of 100,000 rounds costs what the first one does; bench/search.py measures it.
With FTS5 each word the user typed is a prefix phrase ("pri ram" finds Priya
Raman); a build of SQLite without FTS5 gets the same words matched with LIKE.

It runs on a plain ``sqlite3`` connection and imports no SQLAlchemy: the start
screen's first page is read with it before the store is open (``first_page``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from companion.record.names import fold_name
from companion.store.migrations import SEARCH_COLUMNS

PAGE = 200
# Longer input is cut, not refused: a search field must never fail on what is pasted into it.
MAX_QUERY_CHARS = 200
MAX_WORDS = 12


@dataclass(frozen=True)
class RoundFilter:
    """What the list shows: words to match and the quick filters, all combined with AND."""

    words: str = ""
    interviewer: str | None = None  # "mine": rounds run by this person (names rule)
    unfinished: bool = False
    submitted: bool = False  # the start screen's past rounds (unless ``unfinished``)
    unpublished: bool = False  # submitted rounds with an outbox entry still waiting
    since: datetime | None = None  # started at or after (UTC or aware)

    @property
    def empty(self) -> bool:
        return self == RoundFilter()


@dataclass(frozen=True)
class RoundRow:
    """One line of the list: enough to show it and to open or export the round."""

    id: str
    candidate: str
    interviewer: str
    round_title: str
    started_at: datetime
    submitted_at: datetime | None


def words_of(query: str) -> list[str]:
    """The whitespace-separated words of ``query`` that have a letter or digit, bounded."""
    found = [w for w in query[:MAX_QUERY_CHARS].split() if any(ch.isalnum() for ch in w)]
    return found[:MAX_WORDS]


def fts_query(words: list[str]) -> str:
    """An FTS5 MATCH expression: every word a quoted prefix phrase (no operator syntax)."""
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


class RoundSource(Protocol):
    """What the start screen's lists read from: the open ``Store``, or ``first_page``."""

    @property
    def search_notice(self) -> str: ...

    def search_rounds(self, f: RoundFilter, after: RoundRow | None = None,
                      limit: int = PAGE) -> list[RoundRow]: ...

    def count_rounds(self, f: RoundFilter, at_most: int | None = None) -> int: ...


def notice(kind: str, file_name: str) -> str:
    """One line for the user when search is the slower plain kind, else ""."""
    if kind == "fts5":
        return ""
    return (f"Search in {file_name} uses plain matching: this build of SQLite has no "
            "full-text search (FTS5), so searching many rounds is slower.")


def stamp(at: datetime) -> str:
    """``at`` as the round table stores it (UTC ISO-8601 text, sortable)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def index_kind(conn: sqlite3.Connection) -> str:
    """``"fts5"`` when the file's index is an FTS5 table, else ``"like"``."""
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'round_search'").fetchone()
    return "fts5" if row and row[0] and "fts5" in str(row[0]).lower() else "like"


def _people(conn: sqlite3.Connection, name: str) -> list[int]:
    # A handful of interviewers: the names rule (case, spacing, Unicode form) runs here.
    wanted = fold_name(name)
    return [pid for pid, stored in conn.execute("SELECT id, name FROM interviewer")
            if fold_name(stored) == wanted]


def _where(conn: sqlite3.Connection, f: RoundFilter,
           kind: str) -> tuple[list[str], dict[str, object]]:
    clauses: list[str] = []
    params: dict[str, object] = {}
    words = words_of(f.words)
    if words and kind == "fts5":
        clauses.append("k.key IN (SELECT rowid FROM round_search WHERE round_search MATCH :q)")
        params["q"] = fts_query(words)
    elif words:
        haystack = " || ' ' || ".join(f"coalesce(x.{c}, '')" for c in SEARCH_COLUMNS.split(", "))
        for n, w in enumerate(words):
            like = w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append(f"k.key IN (SELECT x.rowid FROM round_search x WHERE "
                           f"({haystack}) LIKE :w{n} ESCAPE '\\')")
            params[f"w{n}"] = f"%{like}%"
    if f.interviewer is not None:
        ids = _people(conn, f.interviewer) or [-1]
        clauses.append(f"r.interviewer_id IN ({', '.join(str(int(i)) for i in ids)})")
    if f.unfinished:
        clauses.append("r.submitted_at IS NULL AND r.imported = 0")
    if f.submitted:
        clauses.append("r.submitted_at IS NOT NULL")
    if f.unpublished:
        clauses.append("r.submitted_at IS NOT NULL AND EXISTS (SELECT 1 FROM outbox o "
                       "WHERE o.round_id = r.id AND o.published_at IS NULL)")
    if f.since is not None:
        clauses.append("r.started_at >= :since")
        params["since"] = stamp(f.since)
    return clauses, params


_SELECT = """SELECT r.id, c.name, i.name, r.round_title, r.started_at, r.submitted_at
    FROM round r JOIN search_key k ON k.round_id = r.id
    JOIN candidate c ON c.id = r.candidate_id JOIN interviewer i ON i.id = r.interviewer_id"""


def page(conn: sqlite3.Connection, f: RoundFilter, after: RoundRow | None = None,
         limit: int = PAGE, kind: str | None = None) -> list[RoundRow]:
    """Up to ``limit`` rounds matching ``f`` that come after ``after``, newest first."""
    clauses, params = _where(conn, f, kind or index_kind(conn))
    if after is not None:
        clauses.append("(r.started_at < :at OR (r.started_at = :at AND r.id > :after))")
        params["at"] = stamp(after.started_at)
        params["after"] = after.id
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"{_SELECT}{where} ORDER BY r.started_at DESC, r.id LIMIT :limit"
    out = []
    for rid, cand, inter, title, started, submitted in conn.execute(
            sql, {**params, "limit": int(limit)}):
        at = _when(started)
        assert at is not None  # NOT NULL column
        out.append(RoundRow(rid, cand, inter, title, at, _when(submitted)))
    return out


def count(conn: sqlite3.Connection, f: RoundFilter, kind: str | None = None,
          at_most: int | None = None) -> int:
    """How many rounds match ``f``; with ``at_most``, counting stops one past it
    (a list only needs to say "more than 1,000", and that costs what a page does)."""
    clauses, params = _where(conn, f, kind or index_kind(conn))
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT 1 FROM round r JOIN search_key k ON k.round_id = r.id{where}"
    if at_most is not None:
        sql += f" LIMIT {int(at_most) + 1}"
    return int(conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0] or 0)


def optimize(conn: sqlite3.Connection) -> None:
    """Merge the index into one segment, dropping every deleted entry's old copy.

    FTS5 records a deletion as a marker in a new segment; the deleted words stay in
    the older segments until they are merged. After this (and ``privacy.scrub``'s
    VACUUM) no byte of a deleted round's text is left in the index.
    """
    if index_kind(conn) == "fts5":
        conn.execute("INSERT INTO round_search (round_search) VALUES ('optimize')")
