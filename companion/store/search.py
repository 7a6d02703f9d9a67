"""Searching and filtering stored rounds, a page at a time, newest first.

The index (``round_search``, schema 8) is kept in step by triggers in the same
transactions as the writes (see ``migrations.v8_ddl``). A search reads one page
of rows after a given one (keyset paging on ``started_at, id``), so the hundredth
page of 100,000 rounds costs what the first one does; bench/search.py measures it.
With FTS5 each word the user typed is a prefix phrase ("pri ram" finds Priya
Raman); a build of SQLite without FTS5 gets the same words matched with LIKE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, text

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


def index_kind(conn: Connection) -> str:
    """``"fts5"`` when the file's index is an FTS5 table, else ``"like"``."""
    sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE name = 'round_search'").scalar()
    return "fts5" if sql and "fts5" in str(sql).lower() else "like"


def _people(conn: Connection, name: str) -> list[int]:
    # A handful of interviewers: the names rule (case, spacing, Unicode form) runs here.
    wanted = fold_name(name)
    return [pid for pid, stored in conn.exec_driver_sql("SELECT id, name FROM interviewer")
            if fold_name(stored) == wanted]


def _where(conn: Connection, f: RoundFilter, kind: str) -> tuple[list[str], dict[str, object]]:
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
        from companion.store.schema import UtcText

        clauses.append("r.started_at >= :since")
        params["since"] = UtcText().process_bind_param(f.since, conn.dialect)
    return clauses, params


_SELECT = """SELECT r.id, c.name, i.name, r.round_title, r.started_at, r.submitted_at
    FROM round r JOIN search_key k ON k.round_id = r.id
    JOIN candidate c ON c.id = r.candidate_id JOIN interviewer i ON i.id = r.interviewer_id"""


def page(conn: Connection, f: RoundFilter, after: RoundRow | None = None,
         limit: int = PAGE, kind: str | None = None) -> list[RoundRow]:
    """Up to ``limit`` rounds matching ``f`` that come after ``after``, newest first."""
    from companion.store.schema import UtcText

    clauses, params = _where(conn, f, kind or index_kind(conn))
    if after is not None:
        clauses.append("(r.started_at < :at OR (r.started_at = :at AND r.id > :after))")
        params["at"] = UtcText().process_bind_param(after.started_at, conn.dialect)
        params["after"] = after.id
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"{_SELECT}{where} ORDER BY r.started_at DESC, r.id LIMIT :limit"
    read = UtcText().process_result_value
    out = []
    for rid, cand, inter, title, started, submitted in conn.execute(
            text(sql), {**params, "limit": int(limit)}):
        at = read(started, conn.dialect)
        assert at is not None  # NOT NULL column
        out.append(RoundRow(rid, cand, inter, title, at, read(submitted, conn.dialect)))
    return out


def count(conn: Connection, f: RoundFilter, kind: str | None = None,
          at_most: int | None = None) -> int:
    """How many rounds match ``f``; with ``at_most``, counting stops one past it
    (a list only needs to say "more than 1,000", and that costs what a page does)."""
    clauses, params = _where(conn, f, kind or index_kind(conn))
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT 1 FROM round r JOIN search_key k ON k.round_id = r.id{where}"
    if at_most is not None:
        sql += f" LIMIT {int(at_most) + 1}"
    return int(conn.execute(text(f"SELECT count(*) FROM ({sql})"), params).scalar() or 0)


def optimize(conn: Connection) -> None:
    """Merge the index into one segment, dropping every deleted entry's old copy.

    FTS5 records a deletion as a marker in a new segment; the deleted words stay in
    the older segments until they are merged. After this (and ``privacy.scrub``'s
    VACUUM) no byte of a deleted round's text is left in the index.
    """
    if index_kind(conn) == "fts5":
        conn.exec_driver_sql("INSERT INTO round_search (round_search) VALUES ('optimize')")
