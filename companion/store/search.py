"""Searching and filtering stored rounds, a page at a time, newest first.

The index (``round_search``, schema 8) is kept in step by triggers in the same
transactions as the writes (see ``migrations.v8_ddl``). A search reads one page
of rows after a given one (keyset paging on ``started_at, id``), so the hundredth
page of 100,000 rounds costs what the first one does; bench/search.py measures it.
With FTS5 each word the user typed is a prefix phrase ("pri ram" finds Priya
Raman); a build of SQLite without FTS5 gets the same words matched with LIKE.

Words that match a few rounds (a name) are read from the index and sorted by date. Words
that match many (a word every note has) would make that sort read all of them, so the page
is found the other way round: rounds in date order, a slice at a time, each slice checked
against the index over the slice's range of keys (``_walk_page``). Either way the page is
exact; bench/search.py times both kinds of word.

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
# Above this many index matches a search walks the rounds by date (``_walk_page``).
MANY_MATCHES = 4000
# The first slice of rounds that walk reads; each next one is twice as long.
FIRST_SLICE = 1000
# False: every search sorts all its matches (the tests' reference and the bench's baseline).
WALK_BY_DATE = True
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


def _where(conn: sqlite3.Connection, f: RoundFilter, kind: str,
           with_words: bool = True) -> tuple[list[str], dict[str, object]]:
    clauses: list[str] = []
    params: dict[str, object] = {}
    words = words_of(f.words) if with_words else []
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


_AFTER = "(r.started_at < :at OR (r.started_at = :at AND r.id > :after))"


def _rows(conn: sqlite3.Connection, sql: str, params: dict[str, object]) -> list[RoundRow]:
    out = []
    for rid, cand, inter, title, started, submitted in conn.execute(sql, params):
        at = _when(started)
        assert at is not None  # NOT NULL column
        out.append(RoundRow(rid, cand, inter, title, at, _when(submitted)))
    return out


def _matches_at_least(conn: sqlite3.Connection, query: str, n: int) -> bool:
    """Whether the index has ``n`` or more rows matching ``query`` (reads at most ``n``)."""
    row = conn.execute("SELECT count(*) FROM (SELECT rowid FROM round_search "
                       "WHERE round_search MATCH :q LIMIT :n)", {"q": query, "n": n}).fetchone()
    return int(row[0]) >= n


def _walk_page(conn: sqlite3.Connection, f: RoundFilter, after: RoundRow | None,
               limit: int) -> list[RoundRow] | None:
    """The page for words that match many rounds, without sorting every match, or None
    when the words match few rounds (the caller then sorts those).

    The rounds the other filters let through are read in date order (the
    ``ix_round_started`` index), a slice at a time; the index is asked only for its
    matches between the slice's smallest and largest key, which is one short range
    because keys follow the order rounds were stored in. A round is kept when its key
    is among them, so the result is the same as the sorted query's. When the first
    slice does not fill the page and the index holds fewer than ``MANY_MATCHES``
    matches, it gives up: a name costs one short slice more than a plain sort.
    """
    clauses, params = _where(conn, f, "fts5", with_words=False)
    at, after_id = (stamp(after.started_at), after.id) if after is not None else (None, None)
    query = fts_query(words_of(f.words))
    found: list[str] = []
    size = FIRST_SLICE
    while len(found) < limit:
        if size == FIRST_SLICE * 2 and not _matches_at_least(conn, query, MANY_MATCHES):
            return None  # a rare word: sorting its few matches is quicker
        where = list(clauses)
        if at is not None:
            where.append(_AFTER)
        sql = ("SELECT r.id, r.started_at, k.key FROM round r JOIN search_key k "
               "ON k.round_id = r.id" + (f" WHERE {' AND '.join(where)}" if where else "")
               + " ORDER BY r.started_at DESC, r.id LIMIT :size")
        chunk = conn.execute(sql, {**params, "at": at, "after": after_id,
                                   "size": size}).fetchall()
        if not chunk:
            break
        keys = [key for _rid, _at, key in chunk]
        hits = {key for (key,) in conn.execute(
            "SELECT rowid FROM round_search WHERE round_search MATCH :q "
            "AND rowid BETWEEN :lo AND :hi", {"q": query, "lo": min(keys), "hi": max(keys)})}
        found.extend(rid for rid, _at, key in chunk if key in hits)
        _rid, at, _key = chunk[-1]
        after_id = _rid
        if len(chunk) < size:
            break
        size *= 2
    found = found[:limit]
    if not found:
        return []
    marks = ", ".join(f":id{n}" for n in range(len(found)))
    sql = f"{_SELECT} WHERE r.id IN ({marks}) ORDER BY r.started_at DESC, r.id"
    return _rows(conn, sql, {f"id{n}": rid for n, rid in enumerate(found)})


def page(conn: sqlite3.Connection, f: RoundFilter, after: RoundRow | None = None,
         limit: int = PAGE, kind: str | None = None) -> list[RoundRow]:
    """Up to ``limit`` rounds matching ``f`` that come after ``after``, newest first."""
    kind = kind or index_kind(conn)
    if kind == "fts5" and WALK_BY_DATE and words_of(f.words):
        walked = _walk_page(conn, f, after, limit)
        if walked is not None:
            return walked
    clauses, params = _where(conn, f, kind)
    if after is not None:
        clauses.append(_AFTER)
        params["at"] = stamp(after.started_at)
        params["after"] = after.id
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"{_SELECT}{where} ORDER BY r.started_at DESC, r.id LIMIT :limit"
    return _rows(conn, sql, {**params, "limit": int(limit)})


def count(conn: sqlite3.Connection, f: RoundFilter, kind: str | None = None,
          at_most: int | None = None) -> int:
    """How many rounds match ``f``; with ``at_most``, counting stops one past it
    (a list only needs to say "more than 1,000", and that costs what a page does)."""
    kind = kind or index_kind(conn)
    words = words_of(f.words)
    # With FTS5 the index drives the count and stops at ``at_most`` (an IN (...) over
    # the index would read every match first).
    drive = kind == "fts5" and bool(words)
    clauses, params = _where(conn, f, kind, with_words=not drive)
    source = "round r JOIN search_key k ON k.round_id = r.id"
    if drive:
        source = ("round_search s JOIN search_key k ON k.key = s.rowid "
                  "JOIN round r ON r.id = k.round_id")
        clauses.insert(0, "round_search MATCH :q")
        params["q"] = fts_query(words)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT 1 FROM {source}{where}"
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
