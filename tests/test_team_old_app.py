"""Revision t0007: the tables out of every login's reach, views that tell an old app to upgrade.

Against a real PostgreSQL server. An app of t0001 reads ``companion.scorecards``,
``companion.amendments`` and ``companion.decisions`` by name; since t0007 those names
are views that read no table and raise "upgrade the app", and the tables live in
``companion_data``, where only the owner role may go. The old app's own reads are in
tests/test_team_hardening.py; here: what a planner dump of the views can tell, writes
through them, who reaches the tables, and the in-place upgrade and downgrade.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import text

from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.loop.model import assign, loop_from_plan
from companion.record.change_codec import amendment_to_dict
from companion.record.changes import Amendment, Rate
from companion.record.decision import Decision
from companion.record.scorecard import Scorecard
from companion.team import loops, schema, server
from tests.pg_server import PgServer
from tests.scorecards import hex_id, make_scorecard, pack
from tests.team_support import TeamDb, create_database, drop_database

DENIED = "42501"
UPGRADE = "this team store needs a newer Interview Companion; upgrade the app"
VIEWS = ("scorecards", "amendments", "decisions")
AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
Raw = psycopg.Connection[tuple[object, ...]]


@dataclass
class Team:
    db: TeamDb
    sam: str
    lee: str
    ana: str  # panel lead
    rita: str  # admin

    @property
    def people(self) -> tuple[str, ...]:
        return (self.sam, self.ana, self.rita)


def _team(db: TeamDb) -> Team:
    return Team(db, db.add("sam", "interviewer", "Sam Okafor"),
                db.add("lee", "interviewer", "Lee Chen"), db.add("ana", "lead", "Ana Pereira"),
                db.add("rita", "admin", "Rita Admin"))


@pytest.fixture(scope="module")
def team(pg_server: PgServer) -> Iterator[Team]:
    db = create_database(pg_server)
    try:
        yield _team(db)
    finally:
        drop_database(db)


def card(interviewer: str, candidate: str, seed: int) -> Scorecard:
    return make_scorecard(pack(), interviewer=interviewer, candidate=candidate, seed=seed,
                          words_per_note=6, sc_id=hex_id(f"{interviewer}-{seed}"))


def failure(conn: Raw, sql: str, params: tuple[object, ...] = ()) -> tuple[str, str]:
    """Run ``sql`` in a transaction rolled back; (SQLSTATE, primary message) it failed with."""
    with conn.transaction(force_rollback=True):
        try:
            with conn.transaction():
                conn.execute(sql, params)
        except psycopg.Error as exc:
            return str(exc.sqlstate), str(exc.diag.message_primary)
    raise AssertionError(f"the server ran it: {sql}")


def _publish_many(t: Team, first: int, count: int) -> None:
    """Lee publishes ``count`` scorecards, each amended once; the lead decides on each."""
    cards = [card("Lee Chen", f"Hidden {n}", n) for n in range(first, first + count)]
    with t.db.begin(t.lee) as conn:
        for sc in cards:
            server.publish_scorecard(conn, sc)
            change = Rate(sc.items[0].item_id, "strong", AT)
            server.append_amendment(conn, sc.id, 1, AT, amendment_to_dict(
                Amendment(AT, change, sc.undo_for(change), "")))
    with t.db.begin(t.ana) as conn:
        for sc in cards:
            server.record_decision(conn, Decision(sc.candidate, "no_hire", "Ana Pereira", AT))


# -------------------------------------------------------- what a planner dump can tell

# The statements an interviewer could try on the views: plain, verbose, with the old
# app's own filters, and with the planner pushed toward indexes.
EXPLAINED = {
    view: (f"EXPLAIN SELECT * FROM companion.{view}",
           f"EXPLAIN (VERBOSE, SETTINGS) SELECT * FROM companion.{view}",
           f"EXPLAIN SELECT count(*) FROM companion.{view}",
           f"EXPLAIN SELECT * FROM companion.{view} WHERE candidate_key = 'hidden 3'"
           if view != "amendments" else
           f"EXPLAIN SELECT * FROM companion.{view} WHERE scorecard_id = ANY('{{a,b}}')",
           f"SET enable_seqscan = off; EXPLAIN SELECT * FROM companion.{view}")
    for view in VIEWS}


def _dumps(conn: Raw) -> dict[str, object]:
    out: dict[str, object] = {}
    for view, statements in EXPLAINED.items():
        for sql in statements:
            with conn.transaction(force_rollback=True):
                *first, last = sql.split("; ")
                for part in first:
                    conn.execute(part)
                out[sql] = [r[0] for r in conn.execute(last).fetchall()]
        for analyze in ("EXPLAIN ANALYZE", "EXPLAIN (ANALYZE, BUFFERS, VERBOSE)"):
            sql = f"{analyze} SELECT * FROM companion.{view}"
            out[sql] = failure(conn, sql)
    return out


def test_a_planner_dump_of_the_old_names_is_the_same_with_no_rows_and_with_many(
        pg_server: PgServer) -> None:
    db = create_database(pg_server)
    try:
        t = _team(db)
        with db.raw(t.sam) as sam:
            empty = _dumps(sam)
        _publish_many(t, 0, 40)
        with psycopg.connect(db.conninfo(), autocommit=True) as su:
            su.execute("VACUUM ANALYZE")
            # the control: the tables now have statistics, the views never do
            assert su.execute("SELECT count(*) FROM pg_catalog.pg_stats "
                              "WHERE schemaname = 'companion_data' "
                              "AND tablename = 'scorecards'").fetchone() != (0,)
            assert su.execute("SELECT count(*) FROM pg_catalog.pg_stats WHERE schemaname = "
                              "'companion' AND tablename = ANY(%s)", (list(VIEWS),)
                              ).fetchone() == (0,)
        for who in (t.sam, t.ana):
            with db.raw(who) as conn:
                assert _dumps(conn) == empty
                # (the schema version, which everyone reads, has statistics: not counted)
                stats = conn.execute("SELECT count(*) FROM pg_catalog.pg_stats "
                                     "WHERE schemaname = 'companion_data' OR (schemaname = "
                                     "'companion' AND tablename = ANY(%s))", (list(VIEWS),)
                                     ).fetchone() if not _catalog_closed(conn) else (0,)
                assert stats == (0,)
    finally:
        drop_database(db)
    analyzed = [v for k, v in empty.items() if "ANALYZE" in k]
    assert analyzed and all(v == (DENIED, UPGRADE) for v in analyzed)
    plain = [v for k, v in empty.items() if "ANALYZE" not in k]
    assert all(isinstance(v, list) and "Function Scan" in str(v) for v in plain), plain
    assert not any("companion_data" in str(v) for v in plain)


def _catalog_closed(conn: Raw) -> bool:
    """Whether `team harden-catalog` took pg_stats from this login (the suite's second run)."""
    row = conn.execute("SELECT has_table_privilege('pg_catalog.pg_stats', 'SELECT')"
                       ).fetchone()
    return row == (False,)


# ------------------------------------------------------------ writing through the views

def _counts(db: TeamDb) -> tuple[object, ...]:
    with psycopg.connect(db.conninfo()) as su:
        row = su.execute("SELECT (SELECT count(*) FROM companion_data.scorecards), "
                         "(SELECT count(*) FROM companion_data.amendments), "
                         "(SELECT count(*) FROM companion_data.decisions), "
                         "(SELECT count(*) FROM companion_data.deletions)").fetchone()
    assert row is not None
    return tuple(row)


def test_writes_through_the_old_names_are_told_to_upgrade_and_change_nothing(
        team: Team) -> None:
    _publish_many(team, 100, 2)
    before = _counts(team.db)
    assert before[0] == before[1] == before[2] == 2  # the control: there is data to hit
    writes = {
        "scorecards": ("INSERT INTO companion.scorecards (id, owner, interviewer, candidate, "
                       "submitted_at, format_version, content_sha256, payload) VALUES "
                       "('x', session_user, 'Sam Okafor', 'Kofi', now(), 2, 'x', '{}')",
                       "UPDATE companion.scorecards SET payload = '{}'",
                       "DELETE FROM companion.scorecards",
                       "DELETE FROM companion.scorecards WHERE id = 'x'"),
        "amendments": ("INSERT INTO companion.amendments (scorecard_id, seq, at, change) "
                       "VALUES ('x', 1, now(), '{}')",
                       "UPDATE companion.amendments SET change = '{}'",
                       "DELETE FROM companion.amendments"),
        "decisions": ("INSERT INTO companion.decisions (candidate, outcome, decided_by, "
                      "decided_at) VALUES ('Kofi', 'hire', 'Ana Pereira', now())",
                      "UPDATE companion.decisions SET outcome = 'no_hire'",
                      "DELETE FROM companion.decisions WHERE candidate_key = 'hidden 100'"),
    }
    for who in team.people:
        with team.db.raw(who) as conn:
            for view, statements in writes.items():
                for sql in statements:
                    assert failure(conn, sql) == (DENIED, UPGRADE), (who, sql)
                assert failure(conn, f"TRUNCATE companion.{view}")[0] != "00000"
    assert _counts(team.db) == before


# ------------------------------------------------------------------ who reaches the data

def test_only_the_owner_role_reaches_the_tables(team: Team) -> None:
    with psycopg.connect(team.db.conninfo()) as su:
        # the owner role and its members: setup accounts (roles are cluster-wide, so
        # other test databases' too), none of them a member of the team
        reach = {str(r[0]) for r in su.execute(
            "SELECT rolname FROM pg_catalog.pg_roles WHERE NOT rolsuper "
            "AND has_schema_privilege(oid, 'companion_data', 'USAGE') "
            "AND NOT pg_has_role(oid, 'companion_owner', 'MEMBER')")}
        # PostgreSQL's own pg_read_all_data and pg_write_all_data reach every schema;
        # nobody is in them
        assert reach == {"pg_read_all_data", "pg_write_all_data"}
        assert su.execute("SELECT count(*) FROM pg_catalog.pg_auth_members m "
                          "WHERE m.roleid IN ('pg_read_all_data'::regrole, "
                          "'pg_write_all_data'::regrole)").fetchone() == (0,)
        team_logins = [team.sam, team.lee, team.ana, team.rita]
        assert su.execute("SELECT bool_or(has_schema_privilege(r, 'companion_data', 'USAGE') "
                          "OR pg_has_role(r, 'companion_owner', 'MEMBER')) "
                          "FROM unnest(%s::name[]) r", (team_logins,)).fetchone() == (False,)
        assert su.execute("SELECT has_schema_privilege('companion_owner', 'companion_data', "
                          "'USAGE')").fetchone() == (True,)
        # what stays in companion: tables some group holds a grant on, and the views
        kept = {str(r[0]): str(r[1]) for r in su.execute(
            "SELECT relname, relkind FROM pg_catalog.pg_class "
            "WHERE relnamespace = 'companion'::regnamespace AND relkind IN ('r', 'v')")}
    with psycopg.connect(team.db.conninfo()) as su:  # docs/team-store.md's reviewer query
        assert su.execute(
            "SELECT proname FROM pg_proc WHERE pronamespace = 'companion'::regnamespace "
            "AND prosrc ~ 'companion\\.(scorecards|amendments|decisions|deletions|loops|"
            "loop_rounds|practice_summaries|practice_bar|team_settings)\\M'").fetchall() == []
    assert kept == {"alembic_version": "r", "members": "r", "member_changes": "r",
                    "setting_changes": "r", **dict.fromkeys(VIEWS, "v")}
    for who in team.people:
        with team.db.raw(who) as conn:
            for table in (*VIEWS, "deletions", "loops", "practice_summaries",
                          "team_settings"):
                assert failure(conn, f"SELECT * FROM companion_data.{table}") == (
                    DENIED, "permission denied for schema companion_data"), (who, table)
                assert failure(conn, f"EXPLAIN SELECT * FROM companion_data.{table}") == (
                    DENIED, "permission denied for schema companion_data")


# ------------------------------------------------------------- upgrade and downgrade

# What the functions hand each kind of member: a t0006 and a t0007 store must agree.
READS = {
    "lead": ("SELECT * FROM companion.read_scorecards(NULL, NULL)",
             "SELECT * FROM companion.read_amendments(NULL)",
             "SELECT * FROM companion.read_calibration(NULL)",
             "SELECT * FROM companion.read_decisions(NULL)",
             "SELECT * FROM companion.list_candidates()",
             "SELECT * FROM companion.read_loops()",
             "SELECT * FROM companion.practice_by_interviewer()",
             "SELECT * FROM companion.practice_bar()",
             "SELECT * FROM companion.team_settings()"),
    "interviewer": ("SELECT * FROM companion.read_scorecards(NULL, NULL)",
                    "SELECT * FROM companion.read_amendments(NULL)",
                    "SELECT * FROM companion.list_candidates()",
                    "SELECT * FROM companion.read_loops()"),
}
# The audit trails, read by the setup account wherever the revision keeps them.
AUDITS = ("SELECT * FROM deletions ORDER BY id", "SELECT * FROM setting_changes ORDER BY id",
          "SELECT * FROM member_changes ORDER BY id")


def _reads(t: Team) -> dict[str, list[tuple[object, ...]]]:
    out: dict[str, list[tuple[object, ...]]] = {}
    for kind, who in (("lead", t.ana), ("interviewer", t.sam)):
        with t.db.raw(who) as conn:
            for sql in READS[kind]:
                out[f"{kind}: {sql}"] = conn.execute(sql).fetchall()
    with t.db.raw("postgres") as su:
        su.execute("SET search_path = companion_data, companion")
        for sql in AUDITS:
            out[sql] = su.execute(sql).fetchall()
    return out


# Everything a revision makes, by name: schemas, relations, columns, constraints,
# indexes, triggers, policies, views and functions with their text, settings,
# owners and grants.
CATALOG = {
    "schemas": "SELECT nspname, pg_get_userbyid(nspowner), nspacl::text FROM pg_namespace "
               "WHERE nspname LIKE 'companion%' ORDER BY 1",
    "relations": "SELECT n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner), "
                 "c.relacl::text, c.relrowsecurity, c.relforcerowsecurity "
                 "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE n.nspname LIKE 'companion%' ORDER BY 1, 2",
    "columns": "SELECT a.attrelid::regclass::text, a.attnum, a.attname, "
               "format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, "
               "a.attgenerated, pg_get_expr(d.adbin, d.adrelid), a.attacl::text "
               "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
               "JOIN pg_namespace n ON n.oid = c.relnamespace "
               "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
               "WHERE n.nspname LIKE 'companion%' AND a.attnum > 0 AND NOT a.attisdropped "
               "ORDER BY 1, 2",
    "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
                   "convalidated FROM pg_constraint WHERE connamespace IN (SELECT oid FROM "
                   "pg_namespace WHERE nspname LIKE 'companion%') ORDER BY 1, 2",
    "indexes": "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes "
               "WHERE schemaname LIKE 'companion%' ORDER BY 1, 2, 3",
    "triggers": "SELECT tgrelid::regclass::text, tgname, tgenabled, pg_get_triggerdef(oid) "
                "FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (SELECT c.oid FROM "
                "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname LIKE 'companion%') ORDER BY 1, 2",
    "policies": "SELECT schemaname, tablename, policyname, permissive, roles::text, cmd, "
                "qual, with_check FROM pg_policies WHERE schemaname LIKE 'companion%' "
                "ORDER BY 1, 2, 3",
    "views": "SELECT schemaname, viewname, definition FROM pg_views "
             "WHERE schemaname LIKE 'companion%' ORDER BY 1, 2",
    "functions": "SELECT p.oid::regprocedure::text, pg_get_function_arguments(p.oid), "
                 "pg_get_function_result(p.oid), p.prosrc, p.proconfig::text, p.prosecdef, "
                 "p.provolatile, p.proisstrict, p.proparallel, p.prorows, p.procost, "
                 "pg_get_userbyid(p.proowner), p.proacl::text FROM pg_proc p "
                 "WHERE p.pronamespace IN (SELECT oid FROM pg_namespace "
                 "WHERE nspname LIKE 'companion%') ORDER BY 1",
    "default privileges": "SELECT defaclrole::regrole::text, "
                          "defaclnamespace::regnamespace::text, defaclobjtype, "
                          "defaclacl::text FROM pg_default_acl ORDER BY 1, 2, 3",
}


def _catalog(db: TeamDb) -> dict[str, list[tuple[object, ...]]]:
    with psycopg.connect(db.conninfo()) as su:
        return {name: su.execute(sql).fetchall() for name, sql in CATALOG.items()}


def test_a_t0006_store_with_data_upgrades_with_nothing_lost_and_downgrades_to_exactly_t0006(
        pg_server: PgServer, monkeypatch: pytest.MonkeyPatch) -> None:
    db = create_database(pg_server, revision="t0006")
    fresh_t0006 = create_database(pg_server, revision="t0006")
    fresh_head = create_database(pg_server)
    try:
        t = _team(db)
        # The app of t0006 writes to a t0006 store; this app writes only to its own head.
        monkeypatch.setattr(server, "require_writable", lambda conn: None)
        _publish_many(t, 0, 3)
        with db.begin(t.sam) as conn:
            server.publish_scorecard(conn, card("Sam Okafor", "Hidden 1", 50))
            conn.execute(text("SELECT companion.publish_practice(:s, 'api', NULL, :at, 12, 6, "
                              "10, 2, 14)"), {"s": "ab" * 16, "at": AT})
        loop = assign(loop_from_plan(plan_loop(builtin_pack(), "api", "senior"), "Zed Loop",
                                     "Ana Pereira"), 1, "Sam Okafor")
        with db.begin(t.ana) as conn:
            loops.create_loop(conn, loop)
            conn.execute(text("SELECT companion.set_practice_bar(0.7, 0.95, 30)"))
        with db.begin(t.rita) as conn:
            server.delete_candidate(conn, "Hidden 2")  # leaves audit rows
            conn.execute(text("SELECT companion.set_loops_required(true)"))
        monkeypatch.undo()
        before = _reads(t)
        assert len(before["SELECT * FROM deletions ORDER BY id"]) == 2  # a card, a decision
        assert all(before[f"lead: {sql}"] for sql in READS["lead"]), before

        with db.begin() as conn:
            assert schema.upgrade(conn) == ("t0006", schema.head_revision())
        assert _reads(t) == before
        assert _catalog(db) == _catalog(fresh_head)  # in place, as a new store is made

        with db.begin() as conn:
            schema.downgrade(conn, "t0006")
        assert _reads(t) == before
        assert _catalog(db) == _catalog(fresh_t0006)
    finally:
        for each in (db, fresh_t0006, fresh_head):
            drop_database(each)
