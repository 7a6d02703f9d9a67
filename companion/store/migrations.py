"""Schema versions: the DDL of every released schema and the steps between them.

The file records its version in ``PRAGMA user_version`` (a field of the SQLite
header, so it can be read without knowing any table). A new file is built by
running version 1 and then every step, so a fresh database and an upgraded one
are the same by construction (a test checks the ORM models agree with both).

Version history:
1. first release: rounds, items, probes, flag events, sections, settings.
2. amendments table (changes after submission) and ``round.extra`` (JSON).
3. the panel's decision per candidate (``decision``; deleted with the candidate).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

SCHEMA_VERSION = 3

# Frozen: this is what version 1 of the app created. Never edit; add a step.
V1_DDL: tuple[str, ...] = (
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE candidate (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    )""",
    """CREATE TABLE interviewer (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    )""",
    """CREATE TABLE round (
        id TEXT PRIMARY KEY,
        candidate_id INTEGER NOT NULL REFERENCES candidate(id) ON DELETE CASCADE,
        interviewer_id INTEGER NOT NULL REFERENCES interviewer(id),
        archetype TEXT NOT NULL,
        level TEXT NOT NULL,
        template_id TEXT NOT NULL,
        round_title TEXT NOT NULL,
        pack_id TEXT NOT NULL,
        pack_version TEXT NOT NULL,
        started_at TEXT NOT NULL,
        submitted_at TEXT,
        recommendation TEXT,
        summary TEXT NOT NULL DEFAULT '',
        said TEXT NOT NULL DEFAULT '',
        read TEXT NOT NULL DEFAULT '',
        current_index INTEGER NOT NULL DEFAULT 0,
        section_index INTEGER NOT NULL DEFAULT 0,
        round_elapsed_s REAL NOT NULL DEFAULT 0,
        timer_started INTEGER NOT NULL DEFAULT 0,
        listen_started_s REAL,
        listen_s REAL,
        sketch_started_s REAL,
        sketch_s REAL,
        imported INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX ix_round_candidate ON round(candidate_id)",
    """CREATE TABLE round_item (
        round_id TEXT NOT NULL REFERENCES round(id) ON DELETE CASCADE,
        item_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL,
        rating TEXT,
        rated_at TEXT,
        said TEXT NOT NULL DEFAULT '',
        read TEXT NOT NULL DEFAULT '',
        time_spent_s REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (round_id, item_id)
    )""",
    """CREATE TABLE probe_answer (
        round_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        probe_id TEXT NOT NULL,
        asked INTEGER NOT NULL DEFAULT 1,
        rating TEXT,
        note TEXT NOT NULL DEFAULT '',
        at TEXT,
        PRIMARY KEY (round_id, item_id, probe_id),
        FOREIGN KEY (round_id, item_id) REFERENCES round_item(round_id, item_id)
            ON DELETE CASCADE
    )""",
    """CREATE TABLE flag_event (
        id INTEGER PRIMARY KEY,
        round_id TEXT NOT NULL REFERENCES round(id) ON DELETE CASCADE,
        flag_id TEXT NOT NULL,
        state TEXT NOT NULL,
        at TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '',
        item_id TEXT
    )""",
    "CREATE INDEX ix_flag_event_round ON flag_event(round_id)",
    """CREATE TABLE section_timing (
        round_id TEXT NOT NULL REFERENCES round(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        section_id TEXT NOT NULL,
        title TEXT NOT NULL,
        planned_s REAL NOT NULL,
        elapsed_s REAL NOT NULL DEFAULT 0,
        started_at TEXT,
        paused_at TEXT,
        PRIMARY KEY (round_id, position)
    )""",
)

_V2: tuple[str, ...] = (
    """CREATE TABLE amendment (
        id INTEGER PRIMARY KEY,
        round_id TEXT NOT NULL REFERENCES round(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        field TEXT NOT NULL,
        old TEXT NOT NULL,
        new TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX ix_amendment_round ON amendment(round_id)",
    "ALTER TABLE round ADD COLUMN extra TEXT NOT NULL DEFAULT '{}'",
)

_V3: tuple[str, ...] = (
    # One row per candidate: the latest decision replaces an earlier one. It goes
    # with the candidate row, which goes when the candidate's last round is deleted.
    """CREATE TABLE decision (
        candidate_id INTEGER PRIMARY KEY REFERENCES candidate(id) ON DELETE CASCADE,
        outcome TEXT NOT NULL,
        level TEXT,
        decided_by TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    )""",
)

# Step N takes a file from version N-1 to version N.
STEPS: dict[int, tuple[str, ...]] = {2: _V2, 3: _V3}


def _run(conn: sqlite3.Connection, statements: tuple[str, ...]) -> None:
    for sql in statements:
        conn.execute(sql)


def create_v1(conn: sqlite3.Connection) -> None:
    """Build an empty version-1 schema (also used to make the test fixture)."""
    conn.execute("BEGIN IMMEDIATE")
    _run(conn, V1_DDL)
    conn.execute("PRAGMA user_version=1")
    conn.execute("COMMIT")


def upgrade(conn: sqlite3.Connection, from_version: int,
            on_step: Callable[[int], None] | None = None) -> int:
    """Run every step after ``from_version``, each in its own transaction.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Returns the
    new version. A failed step rolls back, leaving the file at the last
    completed version.
    """
    version = from_version
    for target in sorted(STEPS):
        if target <= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            _run(conn, STEPS[target])
            conn.execute(f"PRAGMA user_version={target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version = target
        if on_step is not None:
            on_step(version)
    return version


def create_current(conn: sqlite3.Connection) -> None:
    """Build an empty database at the current version."""
    create_v1(conn)
    upgrade(conn, 1)
