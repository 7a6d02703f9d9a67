"""Schema versions of the local database: the DDL of every released schema, run by Alembic.

The revisions live in ``revisions/versions`` (one file per schema version, each
a thin wrapper that runs its step of ``STEPS`` over the frozen statements below) and
Alembic runs them on a connection this module opens; there is no alembic.ini. A new
file runs every step from the first, directly and without importing Alembic
(``_build_new``), so a fresh database and an upgraded one are the same by
construction (tests check the ORM models agree with both, and the direct build with
Alembic's).

Besides Alembic's own ``alembic_version`` table, each revision records its
number in ``PRAGMA user_version``: a field of the SQLite header that
``files.inspect`` reads without knowing any table, before anything is changed,
and that released versions of the app check to refuse a file newer than they
are. Files from before Alembic (versions 1 and 2) have only ``user_version``;
they are stamped with the matching revision, then upgraded.

Version history:
1. first release: rounds, items, probes, flag events, sections, settings.
2. amendments table (changes after submission) and ``round.extra`` (JSON).
3. amendments as typed changes (JSON ``change`` and ``undo`` instead of field strings,
   converted once by ``legacy_amendments``) and ``round.ended_at``.
4. the outbox: submissions and amendments waiting to be published to a team store.
5. the panel's decision per candidate (``decision``; deleted with the candidate).
6. loops (``loop``): a candidate's planned rounds and their interviewers, as the loop's
   JSON (``companion.loop.model``); a local copy of the team store's, or the lead's own.
7. practice sets and their answers (``practice_set``, ``practice_answer``): rater training
   on sample answers, in tables of their own that no scorecard, debrief or calibration
   reads.
8. the search index of past rounds (``round_search``, see ``search``), filled by the
   upgrade from the rounds already stored, and an index on ``round.started_at``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # SQLAlchemy is imported where a file is built or upgraded: the start
    # screen's first read (``first_page``) checks the version without it.
    from sqlalchemy import Connection

from companion.base.errors import StorageError

SCHEMA_VERSION = 8
REVISIONS = Path(__file__).with_name("revisions")


def revision_id(version: int) -> str:
    """The Alembic revision of schema ``version`` ("0002" for version 2)."""
    return f"{version:04d}"


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

V2_DDL: tuple[str, ...] = (
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

V3_DDL: tuple[str, ...] = (
    "ALTER TABLE round ADD COLUMN ended_at TEXT",
    """CREATE TABLE amendment_v3 (
        id INTEGER PRIMARY KEY,
        round_id TEXT NOT NULL REFERENCES round(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        change TEXT NOT NULL,
        undo TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT ''
    )""",
)
V3_FINISH: tuple[str, ...] = (
    "DROP TABLE amendment",
    "ALTER TABLE amendment_v3 RENAME TO amendment",
    "CREATE INDEX ix_amendment_round ON amendment(round_id)",
)

V4_DDL: tuple[str, ...] = (
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        round_id TEXT NOT NULL REFERENCES round(id) ON DELETE CASCADE,
        amendment_id INTEGER REFERENCES amendment(id) ON DELETE CASCADE,
        queued_at TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        failing_since TEXT,
        last_error TEXT NOT NULL DEFAULT '',
        next_try_at TEXT,
        published_at TEXT
    )""",
    "CREATE INDEX ix_outbox_round ON outbox(round_id)",
    "CREATE INDEX ix_outbox_waiting ON outbox(published_at, queued_at)",
)

V5_DDL: tuple[str, ...] = (
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

V6_DDL: tuple[str, ...] = (
    # The loop is kept whole as its JSON: it is read and written as one record, and
    # the same text travels in the loop file and the team store. ``origin`` says where
    # the copy came from ("local", "team" or "file"), so a team copy is refreshed, not
    # edited here.
    """CREATE TABLE loop (
        id TEXT PRIMARY KEY,
        candidate TEXT NOT NULL,
        payload TEXT NOT NULL,
        origin TEXT NOT NULL DEFAULT 'local',
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX ix_loop_candidate ON loop(candidate)",
)


# Schema 8: what a search of past rounds matches, one row per round. ``search_key`` gives
# each round a stable integer (the index's rowid): a round's own rowid is not stable,
# VACUUM renumbers it. Triggers keep the index in step inside the very transaction of
# each write (a new round, its notes, an amendment, a deletion), whichever code writes.
SEARCH_COLUMNS = "candidate, interviewer, title, day, notes"
# Tables the triggers fill from the rows above: a copy of the rows (recovery) leaves them out.
DERIVED_TABLES = ("search_key", "round_search")
# Everything a search matches for round ``{rid}``: names, round, day and all of its notes
# (an amendment's new text too, so an edit after submission is found).
_SEARCH_ROW = """SELECT k.key, c.name, i.name, r.round_title, substr(r.started_at, 1, 10),
        r.summary || ' ' || r.said || ' ' || r.read || ' '
        || coalesce((SELECT group_concat(it.said || ' ' || it.read, ' ')
                     FROM round_item it WHERE it.round_id = r.id), '') || ' '
        || coalesce((SELECT group_concat(json_extract(a.change, '$.text'), ' ')
                     FROM amendment a WHERE a.round_id = r.id), '')
    FROM round r JOIN search_key k ON k.round_id = r.id
    JOIN candidate c ON c.id = r.candidate_id JOIN interviewer i ON i.id = r.interviewer_id
    WHERE {where}"""


def _reindex(rid: str) -> str:
    """Trigger body: replace the index row of round ``rid`` (an SQL expression)."""
    return (f"DELETE FROM round_search WHERE rowid = "
            f"(SELECT key FROM search_key WHERE round_id = {rid}); "
            f"INSERT INTO round_search (rowid, {SEARCH_COLUMNS}) "
            + _SEARCH_ROW.format(where=f"r.id = {rid}") + ";")


def v8_ddl(fts5: bool) -> tuple[str, ...]:
    """Schema 8's statements: an FTS5 index, or (a build without FTS5) a plain table
    that ``search`` reads with LIKE; the triggers are the same for both."""
    index = (f"CREATE VIRTUAL TABLE round_search USING fts5({SEARCH_COLUMNS}, "
             "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')" if fts5 else
             f"CREATE TABLE round_search ({SEARCH_COLUMNS})")
    return (
        "CREATE INDEX ix_round_started ON round(started_at DESC, id)",
        # The start screen's unfinished rounds, without reading every finished one.
        "CREATE INDEX ix_round_unfinished ON round(started_at DESC) WHERE submitted_at IS NULL",
        """CREATE TABLE search_key (
            key INTEGER PRIMARY KEY,
            round_id TEXT NOT NULL UNIQUE REFERENCES round(id) ON DELETE CASCADE
        )""",
        index,
        "INSERT INTO search_key (round_id) SELECT id FROM round ORDER BY started_at, id",
        f"INSERT INTO round_search (rowid, {SEARCH_COLUMNS}) "
        + _SEARCH_ROW.format(where="1"),
        f"""CREATE TRIGGER search_round_added AFTER INSERT ON round BEGIN
            INSERT INTO search_key (round_id) VALUES (new.id); {_reindex("new.id")} END""",
        f"""CREATE TRIGGER search_round_notes AFTER UPDATE OF summary, said, read ON round
            BEGIN {_reindex("new.id")} END""",
        f"""CREATE TRIGGER search_item_added AFTER INSERT ON round_item
            WHEN new.said <> '' OR new.read <> '' BEGIN {_reindex("new.round_id")} END""",
        f"""CREATE TRIGGER search_item_notes AFTER UPDATE OF said, read ON round_item
            BEGIN {_reindex("new.round_id")} END""",
        f"""CREATE TRIGGER search_amended AFTER INSERT ON amendment
            BEGIN {_reindex("new.round_id")} END""",
        """CREATE TRIGGER search_round_gone BEFORE DELETE ON round BEGIN
            DELETE FROM round_search WHERE rowid =
                (SELECT key FROM search_key WHERE round_id = old.id); END""",
        f"""CREATE TRIGGER search_candidate_renamed AFTER UPDATE OF name ON candidate BEGIN
            DELETE FROM round_search WHERE rowid IN (SELECT k.key FROM search_key k
                JOIN round r ON r.id = k.round_id WHERE r.candidate_id = new.id);
            INSERT INTO round_search (rowid, {SEARCH_COLUMNS}) """
        + _SEARCH_ROW.format(where="r.candidate_id = new.id") + "; END",
        f"""CREATE TRIGGER search_interviewer_renamed AFTER UPDATE OF name ON interviewer
            BEGIN
            DELETE FROM round_search WHERE rowid IN (SELECT k.key FROM search_key k
                JOIN round r ON r.id = k.round_id WHERE r.interviewer_id = new.id);
            INSERT INTO round_search (rowid, {SEARCH_COLUMNS}) """
        + _SEARCH_ROW.format(where="r.interviewer_id = new.id") + "; END",
    )


def has_fts5(conn: Any) -> bool:
    """Whether this build of SQLite has FTS5 (``conn``: a DB-API or SQLAlchemy connection)."""
    run = conn.exec_driver_sql if hasattr(conn, "exec_driver_sql") else conn.execute
    return any(str(row[0]) == "ENABLE_FTS5" for row in run("PRAGMA compile_options"))
V7_DDL: tuple[str, ...] = (
    # Practice is rater training, not a candidate: no foreign key to candidate, round or
    # interviewer, so nothing that reads those (scorecards, debriefs, calibration) meets it.
    """CREATE TABLE practice_set (
        id TEXT PRIMARY KEY,
        interviewer TEXT NOT NULL,
        archetype TEXT NOT NULL,
        dimension TEXT,
        pack_id TEXT NOT NULL,
        pack_version TEXT NOT NULL,
        size INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        published_at TEXT
    )""",
    """CREATE TABLE practice_answer (
        set_id TEXT NOT NULL REFERENCES practice_set(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        sample_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        target TEXT,
        intended TEXT NOT NULL,
        rating TEXT NOT NULL,
        rated_at TEXT NOT NULL,
        PRIMARY KEY (set_id, position)
    )""",
)


def convert_amendments(conn: Connection) -> None:
    """Copy every schema-2 amendment into ``amendment_v3`` as a typed change.

    A row whose field string this app never wrote (it can only have come from a
    hand-edited file) is not dropped: its text is kept in the round's ``extra``
    under ``unreadable_amendments``, where exports carry it along.
    """
    import json
    from datetime import UTC, datetime

    from companion.record import legacy_amendments
    from companion.record.change_codec import edit_to_dict

    def when(text: str) -> datetime:
        at = datetime.fromisoformat(text)
        return at if at.tzinfo else at.replace(tzinfo=UTC)

    unreadable: dict[str, list[dict[str, str]]] = {}
    rows = conn.exec_driver_sql(
        "SELECT id, round_id, at, field, old, new, reason FROM amendment ORDER BY id").all()
    for row_id, round_id, at, field, old, new, reason in rows:
        found = legacy_amendments.convert(when(at), field, old, new, reason)
        if found is None:
            unreadable.setdefault(round_id, []).append(
                {"at": at, "field": field, "old": old, "new": new, "reason": reason})
            continue
        conn.exec_driver_sql(
            "INSERT INTO amendment_v3 (id, round_id, at, change, undo, reason) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (row_id, round_id, at, json.dumps(edit_to_dict(found.change), sort_keys=True),
             json.dumps(edit_to_dict(found.undo), sort_keys=True), reason))
    for round_id, kept in unreadable.items():
        (raw,) = conn.exec_driver_sql("SELECT extra FROM round WHERE id = ?", (round_id,)).one()
        extra = json.loads(raw or "{}")
        extra.setdefault("unreadable_amendments", []).extend(kept)
        conn.exec_driver_sql("UPDATE round SET extra = ? WHERE id = ?",
                             (json.dumps(extra, sort_keys=True), round_id))


def run_step(conn: Connection, statements: tuple[str, ...], version: int) -> None:
    """Run one revision's statements and record its number (inside its transaction)."""
    for sql in statements:
        conn.exec_driver_sql(sql)
    conn.exec_driver_sql(f"PRAGMA user_version={int(version)}")


@contextmanager
def _connection(path: Path, busy_timeout_ms: int) -> Iterator[Connection]:
    """A connection for migrating: WAL, full sync, transactions begun by us (see db.py)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool,
                           connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=FULL")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def refusal(path: Path, version: int, revision: str | None) -> str | None:
    """Why a file must be left alone (too new, or its two version records disagree), or None.

    ``user_version`` and Alembic's ``alembic_version`` are written in the same
    transaction, so they disagree only when something else wrote the file: guessing
    which one is right could run a migration over the wrong tables.
    """
    unchanged = "The file was not changed."
    newest = revision_id(SCHEMA_VERSION)
    if version > SCHEMA_VERSION or (revision is not None and revision.isdigit()
                                    and revision > newest):
        shown = version if version > SCHEMA_VERSION else f"{version}, revision {revision}"
        return (f"{path} was written by a newer version of the app (schema {shown}; this "
                f"version reads up to {SCHEMA_VERSION}); update the app. {unchanged}")
    if revision is not None and version and revision != revision_id(version):
        return (f"cannot open {path}: its two version records disagree (schema {version}, "
                f"migration revision {revision}), so it was written by something other "
                f"than this app; open it with the program that wrote it, or move it aside "
                f"to start a new file. {unchanged}")
    return None


def _v3(conn: Connection) -> None:
    run_step(conn, V3_DDL, 3)
    convert_amendments(conn)
    run_step(conn, V3_FINISH, 3)


# What each revision does; the revision files call these, and a new file runs them all.
STEPS: dict[int, Callable[[Connection], None]] = {
    1: lambda conn: run_step(conn, V1_DDL, 1),
    2: lambda conn: run_step(conn, V2_DDL, 2),
    3: _v3,
    4: lambda conn: run_step(conn, V4_DDL, 4),
    5: lambda conn: run_step(conn, V5_DDL, 5),
    6: lambda conn: run_step(conn, V6_DDL, 6),
    7: lambda conn: run_step(conn, V7_DDL, 7),
    8: lambda conn: run_step(conn, v8_ddl(has_fts5(conn)), 8),
}
# Alembic's own record of the revision, as Alembic creates it in SQLite.
ALEMBIC_TABLE = ("CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n"
                 "\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)")


def _build_new(path: Path, busy_timeout_ms: int, up_to: int = SCHEMA_VERSION) -> int:
    """Build a new file by running the steps in ``STEPS`` without Alembic; return the
    version reached.

    Importing and running Alembic costs a first launch about 12 MB and a quarter of a
    second; a new file has nothing to upgrade, so it gets the same statements directly,
    each step in its own transaction with the revision recorded as Alembic records it.
    A later revision without a step here is left to Alembic (``upgrade``).
    """
    reached = 0
    with _connection(path, busy_timeout_ms) as conn:
        for version in range(1, up_to + 1):
            if version not in STEPS:
                break
            with conn.begin():
                STEPS[version](conn)
                if version == 1:
                    conn.exec_driver_sql(ALEMBIC_TABLE)
                conn.exec_driver_sql("DELETE FROM alembic_version")
                conn.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES (?)",
                                     (revision_id(version),))
            reached = version
    return reached


def upgrade(path: Path, from_version: int, busy_timeout_ms: int = 5000,
            with_alembic: bool = False) -> None:
    """Bring the file at ``path`` from ``from_version`` (0: new) to ``SCHEMA_VERSION``.

    Each revision is one transaction; a failure raises and leaves the file at
    the last completed version. A new file is built without Alembic (``_build_new``;
    ``with_alembic`` forces Alembic, for the test that compares the two). Alembic is
    imported here only: most starts open a file that is already current and never pay
    for it.
    """
    if from_version == 0 and not with_alembic:
        from_version = _build_new(path, busy_timeout_ms)
        if from_version == SCHEMA_VERSION:
            return
    from alembic import command
    from alembic.config import Config
    from alembic.util.exc import CommandError
    from sqlalchemy import inspect

    with _connection(path, busy_timeout_ms) as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(REVISIONS))
        cfg.attributes["connection"] = conn
        try:
            if from_version and not inspect(conn).has_table("alembic_version"):
                command.stamp(cfg, revision_id(from_version))
            command.upgrade(cfg, revision_id(SCHEMA_VERSION))
        except CommandError as exc:  # e.g. a revision this app does not know
            raise StorageError(f"cannot upgrade {path}: {exc}") from None
        if conn.in_transaction():
            conn.commit()
