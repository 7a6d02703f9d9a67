"""The catalog's row counters, before and after `team harden-catalog`, on a real server.

Any login can read how big every table of its database is: ``pg_class.reltuples``,
the statistics views and functions, the size functions. Here an interviewer who
may read none of a colleague's scorecards counts them through each of those
routes; after a superuser runs ``team harden-catalog`` on the team's database every
route is refused, and the interviewer's and the lead's own commands still work.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from companion.team import server
from companion.team.catalog import close_catalog
from companion.team.errors import TeamStoreError
from companion.team.reading import read_for_calibration, read_panel
from companion.team.status import whoami
from tests.conftest import run_cli
from tests.pg_server import PgServer
from tests.scorecards import hex_id, make_scorecard, pack
from tests.team_support import TeamDb, create_database, drop_database

HIDDEN = 7  # Lee's scorecards, none of which Sam may read
DENIED = "42501"
# By name in pg_class, which any login reads: a regclass cast would need USAGE on the
# schema, which since t0007 no login has.
TABLE = ("(SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
         "ON n.oid = c.relnamespace WHERE n.nspname = 'companion_data' "
         "AND c.relname = 'scorecards')")

# Each route a login has to the number (or the pages) of scorecards, as one query
# that returns one number. Exact routes give HIDDEN itself.
EXACT = {
    "pg_class.reltuples": f"SELECT reltuples::int FROM pg_catalog.pg_class WHERE oid = {TABLE}",
    "pg_stat_user_tables.n_live_tup": "SELECT n_live_tup FROM pg_catalog.pg_stat_user_tables "
                                      "WHERE relid = " + TABLE,
    "pg_stat_all_tables.n_tup_ins": "SELECT n_tup_ins FROM pg_catalog.pg_stat_all_tables "
                                    "WHERE relid = " + TABLE,
    "pg_stat_get_live_tuples()": f"SELECT pg_catalog.pg_stat_get_live_tuples({TABLE})",
    "pg_stat_get_tuples_inserted()": f"SELECT pg_catalog.pg_stat_get_tuples_inserted({TABLE})",
}
SOME = {  # pages, bytes and database-wide counters: they grow with the scorecards
    "pg_class.relpages": f"SELECT relpages FROM pg_catalog.pg_class WHERE oid = {TABLE}",
    "pg_statio_user_tables": "SELECT heap_blks_read + heap_blks_hit "
                             "FROM pg_catalog.pg_statio_user_tables WHERE relid = " + TABLE,
    "pg_stat_database.tup_inserted": "SELECT tup_inserted FROM pg_catalog.pg_stat_database "
                                     "WHERE datname = current_database()",
    "pg_relation_size()": f"SELECT pg_catalog.pg_relation_size({TABLE})",
    "pg_total_relation_size()": f"SELECT pg_catalog.pg_total_relation_size({TABLE})",
    "pg_table_size()": f"SELECT pg_catalog.pg_table_size({TABLE})",
    "pg_indexes_size()": f"SELECT pg_catalog.pg_indexes_size({TABLE})",
    "pg_database_size()": "SELECT pg_catalog.pg_database_size(current_database())",
    "pg_stat_get_db_tuples_inserted()": "SELECT pg_catalog.pg_stat_get_db_tuples_inserted("
                                        "(SELECT oid FROM pg_catalog.pg_database "
                                        "WHERE datname = current_database()))",
}
OPEN = {  # this transaction's own counters: what a function touched for the caller
    "pg_stat_xact_user_tables after a call": (
        "SELECT count(*) FROM companion.list_candidates(); "
        "SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) "
        "FROM pg_catalog.pg_stat_xact_user_tables WHERE relid = " + TABLE),
    "pg_stat_get_xact_tuples_fetched()": f"SELECT pg_catalog.pg_stat_get_xact_tuples_fetched("
                                         f"{TABLE})",
}
ROUTES = {**EXACT, **SOME, **OPEN}


def _answer(conn: psycopg.Connection[tuple[object, ...]], sql: str) -> object:
    """The last statement's one value, or the SQLSTATE the server refused with."""
    with conn.transaction(force_rollback=True):
        try:
            with conn.transaction():
                *first, last = sql.split("; ")
                for part in first:
                    conn.execute(part).fetchall()
                row = conn.execute(last).fetchone()
        except psycopg.Error as exc:
            return f"refused {exc.sqlstate}"
    return None if row is None else row[0]


@pytest.fixture(scope="module")
def db(pg_server: PgServer) -> Iterator[TeamDb]:
    team = create_database(pg_server, harden_catalog=False)  # this test closes it
    try:
        yield team
    finally:
        drop_database(team)


def test_harden_catalog_closes_every_route_to_the_count_and_the_app_still_works(
        db: TeamDb, tmp_path: Path) -> None:
    sam = db.add("sam", "interviewer", "Sam Okafor")
    lee = db.add("lee", "interviewer", "Lee Chen")
    ana = db.add("ana", "lead", "Ana Pereira")
    with db.begin(lee) as conn:
        for n in range(HIDDEN):
            server.publish_scorecard(conn, make_scorecard(
                pack(), interviewer="Lee Chen", candidate=f"Hidden {n}", seed=n,
                sc_id=hex_id(f"lee-{n}")))
    with psycopg.connect(db.conninfo(), autocommit=True) as su:
        su.execute("ANALYZE companion_data.scorecards")
        su.execute("SELECT pg_catalog.pg_stat_force_next_flush()")

    with db.raw(sam) as conn:  # before: each route tells Sam what the functions hide
        assert conn.execute("SELECT count(*) FROM companion.read_scorecards(NULL, NULL)"
                            ).fetchone() == (0,)
        before = {name: _answer(conn, sql) for name, sql in ROUTES.items()}
    assert {n: before[n] for n in EXACT} == dict.fromkeys(EXACT, HIDDEN)
    assert all(isinstance(before[n], int) and before[n] > 0 for n in SOME), before
    assert all(isinstance(before[n], int) for n in OPEN), before

    res = run_cli("team", "harden-catalog", db.conninfo(), data_dir=tmp_path / "dba")
    assert res.returncode == 0, res.stderr
    assert f"catalog counters closed in database {db.name}:" in res.stdout
    assert "pg_class readable without reltuples, relpages, relallvisible" in res.stdout

    with db.raw(sam) as conn:  # after: refused, every one
        after = {name: _answer(conn, sql) for name, sql in ROUTES.items()}
        # what stays: names, kinds and owners in pg_class, the session views
        assert conn.execute(f"SELECT relname, relkind FROM pg_catalog.pg_class "
                            f"WHERE oid = {TABLE}").fetchone() == ("scorecards", "r")
        assert conn.execute("SELECT count(*) FROM pg_catalog.pg_stat_activity "
                            "WHERE pid = pg_backend_pid()").fetchone() == (1,)
    assert after == dict.fromkeys(after, f"refused {DENIED}")

    # The app's own work does not touch the catalog's counters.
    own = make_scorecard(pack(), interviewer="Sam Okafor", candidate="Hidden 1", seed=40,
                         sc_id=hex_id("sam-40"))
    with db.begin(sam) as conn:
        assert server.publish_scorecard(conn, own)
        assert [sc.scorecard.id for sc in server.fetch_scorecards(
            conn, "Hidden 1", pack()).scorecards] == sorted([own.id, hex_id("lee-1")])
    with db.begin(ana) as conn:  # the lead's debrief and calibration reads
        assert len(read_panel(conn, "Hidden 1", pack()).scorecards) == 2
        cal = read_for_calibration(conn, pack())
        assert len(cal.rounds) == HIDDEN + 1 and cal.problems == ()
        assert whoami(conn).groups == ("companion_lead",)

def test_harden_catalog_is_idempotent_and_needs_a_superuser(db: TeamDb) -> None:
    with db.begin() as conn:
        first = close_catalog(conn)
    with db.begin() as conn:
        again = close_catalog(conn)
    assert again == first and len(first.views) > 20 and len(first.functions) > 50
    assert "pg_catalog.pg_stat_user_tables" not in first.views  # names as regclass prints
    assert "pg_stat_user_tables" in first.views and "pg_stat_activity" not in first.views
    assert "pg_relation_size(regclass)" in first.functions
    with db.raw("postgres") as su:  # a superuser still reads them
        assert isinstance(su.execute(f"SELECT reltuples FROM pg_catalog.pg_class "
                                     f"WHERE oid = {TABLE}").fetchone(), tuple)
    ana = db.add("ana2", "admin", "Ana Admin")
    with pytest.raises(TeamStoreError, match="needs a superuser"), db.begin(ana) as conn:
        close_catalog(conn)
