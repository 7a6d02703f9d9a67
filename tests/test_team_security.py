"""An interviewer with a login and psql: every move against the rules is refused by PostgreSQL.

Each attack is raw SQL over a plain psycopg connection as that interviewer's own
login role, the access anyone given an account has. The app is not involved: the
server alone must refuse (SQLSTATE 42501, insufficient privilege) or show nothing.
Each attack has a control beside it that shows the same statement shape works
where the rules allow it, so a refusal is not an accident of a typo.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg.types.json import Jsonb

from companion.exchange.files import FORMAT_VERSION, canonical_json, content_hash
from companion.exchange.schema import scorecard_to_dict
from companion.record.change_codec import amendment_to_dict
from companion.record.changes import ROUND, Amendment, EditText
from companion.record.scorecard import Scorecard
from companion.team import server
from tests.pg_server import PgServer
from tests.scorecards import hex_id, make_scorecard, pack
from tests.team_support import TeamDb, create_database, drop_database

DENIED = "42501"  # insufficient_privilege: privileges, row-level security, our triggers
AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


@dataclass
class Team:
    db: TeamDb
    sam: str
    lee: str
    ana: str  # panel lead
    rita: str  # admin
    lee_on_priya: Scorecard  # Sam has not published a scorecard of Priya
    lee_on_kofi: Scorecard  # Sam has published his own scorecard of Kofi
    sam_on_kofi: Scorecard


def card(interviewer: str, candidate: str, seed: int) -> Scorecard:
    return make_scorecard(pack(), interviewer=interviewer, candidate=candidate, seed=seed,
                          words_per_note=10, sc_id=hex_id(f"{interviewer}-{seed}"))


@pytest.fixture(scope="module")
def team(pg_server: PgServer) -> Iterator[Team]:
    db = create_database(pg_server)
    t = Team(db, db.add("sam", "interviewer", "Sam Okafor"),
             db.add("lee", "interviewer", "Lee Chen"), db.add("ana", "lead", "Ana Pereira"),
             db.add("rita", "admin", "Rita Admin"),
             card("Lee Chen", "Priya Raman", 1), card("Lee Chen", "Kofi Mensah", 2),
             card("Sam Okafor", "Kofi Mensah", 3))
    with db.begin(t.lee) as conn:
        server.publish_scorecard(conn, t.lee_on_priya)
        server.publish_scorecard(conn, t.lee_on_kofi)
        change = EditText(ROUND, "summary", "Lee's second thoughts")
        amendment = Amendment(AT, change, t.lee_on_priya.undo_for(change), "")
        server.append_amendment(conn, t.lee_on_priya.id, 1, AT, amendment_to_dict(amendment))
    with db.begin(t.sam) as conn:
        server.publish_scorecard(conn, t.sam_on_kofi)
    try:
        yield t
    finally:
        drop_database(db)


@pytest.fixture
def sam(team: Team) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """Sam's own login, in a transaction that is rolled back afterwards."""
    with team.db.raw(team.sam) as conn:
        yield conn
        conn.rollback()


def refused(conn: psycopg.Connection[tuple[object, ...]], sql: str,
            params: tuple[object, ...] = ()) -> str:
    """Run ``sql``; return the SQLSTATE the server refused it with (fails if it ran)."""
    with conn.transaction(force_rollback=True):
        try:
            with conn.transaction():
                conn.execute(sql, params)
        except psycopg.Error as exc:
            return str(exc.sqlstate)
    raise AssertionError(f"the server ran it: {sql}")


def insert_sql(sc: Scorecard, columns: str = "", values: tuple[object, ...] = ()) \
        -> tuple[str, tuple[object, ...]]:
    payload = scorecard_to_dict(sc)
    body = Jsonb(payload, dumps=lambda v: canonical_json(v).decode())
    extra_cols = f", {columns}" if columns else ""
    marks = ", %s" * len(values)
    return (f"INSERT INTO companion_data.scorecards (id, interviewer, candidate, submitted_at, "
            f"format_version, content_sha256, payload{extra_cols}) "
            f"VALUES (%s, %s, %s, %s, %s, %s, %s{marks})",
            (sc.id, sc.interviewer, sc.candidate, sc.submitted_at, FORMAT_VERSION,
             content_hash(payload), body, *values))


def publish_sql(sc: Scorecard) -> tuple[str, tuple[object, ...]]:
    """The one way in from revision t0002: the publish function, called as plain SQL."""
    payload = scorecard_to_dict(sc)
    return ("SELECT companion.publish_scorecard(%s, %s, %s, %s)",
            (sc.id, FORMAT_VERSION, content_hash(payload), canonical_json(payload).decode()))


def visible_ids(conn: psycopg.Connection[tuple[object, ...]]) -> set[str]:
    return {str(r[0]) for r in conn.execute(
        "SELECT id FROM companion.read_scorecards(NULL, NULL)")}


def amendment_count(conn: psycopg.Connection[tuple[object, ...]]) -> object:
    row = conn.execute("SELECT count(*) FROM companion.read_amendments(NULL)").fetchone()
    return row[0] if row else None


# ------------------------------------------------------------- reading early

def test_a_colleagues_scorecard_stays_hidden_until_your_own_is_published(
        team: Team, sam: psycopg.Connection[tuple[object, ...]]) -> None:
    assert visible_ids(sam) == {team.sam_on_kofi.id, team.lee_on_kofi.id}  # the control
    assert sam.execute("SELECT count(*) FROM companion.read_scorecards(%s, NULL)",
                       ("Priya Raman",)).fetchone() == (0,)
    assert amendment_count(sam) == 0
    # the tables themselves are closed to people altogether
    for sql in ("SELECT count(*) FROM companion_data.scorecards WHERE candidate = 'Priya Raman'",
                "SELECT count(*) FROM companion_data.amendments",
                "SELECT * FROM companion.members"):
        assert refused(sam, sql) == DENIED, sql


def test_switching_to_the_group_role_reveals_nothing_more(
        team: Team, sam: psycopg.Connection[tuple[object, ...]]) -> None:
    sam.execute("SET ROLE companion_interviewer")  # allowed: Sam is a member
    assert visible_ids(sam) == {team.sam_on_kofi.id, team.lee_on_kofi.id}
    sql, params = insert_sql(card("Sam Okafor", "Priya Raman", 7), "owner",
                             ("companion_interviewer",))
    assert refused(sam, sql, params) == DENIED


def test_publishing_your_own_scorecard_opens_the_colleagues(team: Team) -> None:
    own = card("Sam Okafor", "Priya Raman", 4)
    with team.db.raw(team.sam) as conn:
        sql, params = publish_sql(own)
        conn.execute(sql, params)  # Sam publishes with plain SQL, as himself
        assert team.lee_on_priya.id in visible_ids(conn)
        assert amendment_count(conn) == 1
        conn.rollback()  # leave the shared data as it was
    with team.db.raw(team.sam) as conn:
        assert team.lee_on_priya.id not in visible_ids(conn)


# ----------------------------------------------------------- changing records

def test_a_submitted_row_cannot_be_updated(team: Team,
                                           sam: psycopg.Connection[tuple[object, ...]]) -> None:
    for sql in ("UPDATE companion_data.scorecards SET payload = payload "
                "|| '{\"recommendation\": \"strong_yes\"}' WHERE owner = session_user",
                "UPDATE companion_data.amendments SET change = '{}'",
                "UPDATE companion_data.scorecards SET owner = session_user"):
        assert refused(sam, sql) == DENIED, sql


def test_rows_cannot_be_deleted_or_truncated(team: Team,
                                             sam: psycopg.Connection[tuple[object, ...]]) -> None:
    for sql in ("DELETE FROM companion_data.scorecards WHERE owner = session_user",
                "DELETE FROM companion_data.scorecards",
                "DELETE FROM companion_data.amendments",
                "TRUNCATE companion_data.scorecards CASCADE",
                "DELETE FROM companion.members"):
        assert refused(sam, sql) == DENIED, sql


# ------------------------------------------------------------ writing as another

def test_a_scorecard_under_a_colleagues_name_is_refused(
        team: Team, sam: psycopg.Connection[tuple[object, ...]]) -> None:
    forged = card("Lee Chen", "Priya Raman", 5)  # Lee's name, Sam's login
    assert refused(sam, *insert_sql(forged)) == DENIED
    assert refused(sam, *insert_sql(forged, "owner, published_by",
                                    (team.lee, team.lee))) == DENIED
    own_name = card("Sam Okafor", "Priya Raman", 6)
    assert refused(sam, *insert_sql(own_name, "owner", (team.lee,))) == DENIED
    assert refused(sam, *insert_sql(own_name, "published_by", (team.ana,))) == DENIED
    assert refused(sam, *insert_sql(own_name)) == DENIED  # no table privilege at all
    assert refused(sam, *publish_sql(forged)) == DENIED  # the function checks the name
    # the control: the function under his own name and login is accepted
    with sam.transaction(force_rollback=True):
        sam.execute(*publish_sql(own_name))


def test_a_display_name_cannot_be_taken_over(team: Team,
                                             sam: psycopg.Connection[tuple[object, ...]]) -> None:
    assert refused(sam, "UPDATE companion.members SET display_name = 'Lee Chen 2' "
                   "WHERE role_name = session_user") == DENIED
    assert refused(sam, "INSERT INTO companion.members (role_name, display_name) "
                   "VALUES ('companion_interviewer', 'Lee Chen')") == DENIED


def test_amending_a_colleagues_scorecard_is_refused(
        team: Team, sam: psycopg.Connection[tuple[object, ...]]) -> None:
    sql = ("INSERT INTO companion_data.amendments (scorecard_id, seq, at, change) "
           "VALUES (%s, 1, now(), '{\"kind\": \"summary\"}')")
    assert refused(sam, sql, (team.lee_on_kofi.id,)) == DENIED
    change = EditText(ROUND, "summary", "not mine to change")
    body = canonical_json(amendment_to_dict(Amendment(AT, change, change, ""))).decode()
    call = "SELECT companion.append_amendment(%s, 1, %s, %s)"
    assert refused(sam, call, (team.lee_on_kofi.id, AT, body)) == DENIED
    with sam.transaction(force_rollback=True):  # control: his own, author set by the server
        assert sam.execute(call, (team.sam_on_kofi.id, AT, body)).fetchone() == ("stored",)
        assert sam.execute("SELECT author, author_role FROM companion.read_amendments(NULL) "
                           "WHERE scorecard_id = %s", (team.sam_on_kofi.id,)
                           ).fetchone() == ("Sam Okafor", team.sam)


def test_an_interviewer_cannot_record_a_decision(
        team: Team, sam: psycopg.Connection[tuple[object, ...]]) -> None:
    assert refused(sam, "INSERT INTO companion_data.decisions (candidate, outcome, decided_by, "
                   "decided_at) VALUES ('Kofi Mensah', 'hire', 'Sam Okafor', now())") == DENIED
    assert refused(sam, "SELECT * FROM companion_data.decisions") == DENIED


# --------------------------------------------------------------- the rules

def test_the_audit_trail_is_closed_to_interviewers(
        team: Team, sam: psycopg.Connection[tuple[object, ...]]) -> None:
    assert refused(sam, "SELECT * FROM companion_data.deletions") == DENIED
    assert refused(sam, "INSERT INTO companion_data.deletions (record_kind, record_id, "
                   "record_owner) VALUES ('scorecard', 'x', 'x')") == DENIED


def test_row_security_cannot_be_switched_off(team: Team,
                                             sam: psycopg.Connection[tuple[object, ...]]) -> None:
    for sql in ("ALTER TABLE companion_data.scorecards DISABLE ROW LEVEL SECURITY",
                "DROP POLICY interviewer_reads ON companion_data.scorecards",
                "ALTER TABLE companion_data.scorecards DISABLE TRIGGER ALL",
                "CREATE POLICY mine ON companion_data.scorecards FOR SELECT USING (true)",
                "CREATE OR REPLACE FUNCTION companion.has_published_for(key text) "
                "RETURNS boolean LANGUAGE sql AS 'SELECT true'",
                "SET row_security = off; SELECT * FROM companion_data.scorecards"):
        assert refused(sam, sql) == DENIED, sql


def test_an_interviewer_cannot_become_a_lead_or_anyone_else(
        team: Team, sam: psycopg.Connection[tuple[object, ...]]) -> None:
    for sql in ("SET ROLE companion_lead", "SET ROLE companion_admin", f"SET ROLE {team.ana}",
                f"SET ROLE {team.lee}", f"SET SESSION AUTHORIZATION {team.lee}",
                f"GRANT companion_lead TO {team.sam}"):
        assert refused(sam, sql) == DENIED, sql


# ------------------------------------------------------ the other groups

def test_a_lead_reads_everything_but_changes_nothing(team: Team) -> None:
    with team.db.raw(team.ana) as ana:
        assert visible_ids(ana) == {team.lee_on_priya.id, team.lee_on_kofi.id,
                                    team.sam_on_kofi.id}
        assert amendment_count(ana) == 1
        for sql in ("UPDATE companion_data.scorecards SET candidate = candidate",
                    "DELETE FROM companion_data.scorecards",
                    "SELECT * FROM companion_data.deletions",
                    "SELECT count(*) FROM companion_data.scorecards",
                    "SELECT * FROM companion.delete_candidate('Kofi Mensah')"):
            assert refused(ana, sql) == DENIED, sql


def test_an_admin_deletes_but_cannot_rewrite(team: Team) -> None:
    with team.db.raw(team.rita) as rita:
        assert refused(rita, "UPDATE companion_data.scorecards SET candidate = 'x'") == DENIED
        assert refused(rita, "DELETE FROM companion_data.deletions") == DENIED
        assert refused(rita, "DELETE FROM companion_data.scorecards WHERE id = %s",
                       (team.lee_on_kofi.id,)) == DENIED  # only through the function
        with rita.transaction(force_rollback=True):  # control: deleting works, and is audited
            assert rita.execute("SELECT * FROM companion.delete_candidate('kofi mensah')"
                                ).fetchone() == (2, 0)
            assert rita.execute("SELECT count(*) FROM companion.read_scorecards("
                                "'Kofi Mensah', NULL)").fetchone() == (0,)
