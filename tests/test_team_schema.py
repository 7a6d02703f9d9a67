"""The team store's schema versions: Alembic, configured in code, on a real server."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from companion.team import schema, server
from companion.team.errors import TeamSchemaError
from companion.team.roles import GROUPS
from tests.conftest import REPO
from tests.pg_server import PgServer
from tests.scorecards import make_scorecard, pack
from tests.team_support import TeamDb, create_database, drop_database

REVISIONS = REPO / "companion" / "team" / "revisions"


@pytest.fixture
def empty_db(pg_server: PgServer) -> Iterator[TeamDb]:
    db = create_database(pg_server, set_up=False)
    try:
        yield db
    finally:
        drop_database(db)


def tables(db: TeamDb, schema_name: str = "companion") -> set[str]:
    with db.begin() as conn:
        return set(conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema_name}
        ).scalars())


def test_setup_builds_the_apps_head_and_a_second_run_changes_nothing(empty_db: TeamDb) -> None:
    with empty_db.begin() as conn:
        assert schema.check(conn).state == "missing"
        assert schema.upgrade(conn) == (None, schema.head_revision())
    with empty_db.begin() as conn:
        assert schema.check(conn).state == "current"
        assert schema.upgrade(conn) == (schema.head_revision(), schema.head_revision())
        groups = set(conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname = "
                                       "ANY(:g) AND NOT rolcanlogin"),
                                  {"g": list(GROUPS)}).scalars())
        forced = conn.execute(text(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relnamespace = "
            "'companion_data'::regnamespace ORDER BY relname")).scalars().all()
    # companion: what some group holds a grant on; companion_data: what only the owner
    # role reaches (t0007)
    assert tables(empty_db) == {"alembic_version", "members", "member_changes",
                                "setting_changes"}
    assert tables(empty_db, "companion_data") == {
        "scorecards", "amendments", "decisions", "deletions", "loops", "loop_rounds",
        "practice_summaries", "practice_bar", "team_settings"}
    assert groups == set(GROUPS)
    assert forced == ["amendments", "decisions", "scorecards"]


def test_downgrade_to_nothing_and_up_again(empty_db: TeamDb) -> None:
    with empty_db.begin() as conn:
        schema.upgrade(conn)
    with empty_db.begin() as conn:
        schema.downgrade(conn, "base")
    assert tables(empty_db) == {"alembic_version"}
    assert tables(empty_db, "companion_data") == set()
    with empty_db.begin() as conn:
        assert schema.check(conn).state == "missing"
        schema.upgrade(conn)
    assert "scorecards" in tables(empty_db, "companion_data")


def test_a_schema_newer_than_the_app_is_never_written_to(empty_db: TeamDb) -> None:
    with empty_db.begin() as conn:
        schema.upgrade(conn)
    sam = empty_db.add("sam", "interviewer", "Sam Okafor")
    with empty_db.begin() as conn:  # a newer app upgraded the server
        conn.execute(text("UPDATE companion.alembic_version SET version_num = 't0999'"))
    sc = make_scorecard(pack(), interviewer="Sam Okafor", words_per_note=5)
    expected = ("the team store was upgraded by a newer app (revision t0999); "
                "update the app")
    with pytest.raises(TeamSchemaError, match=re.escape(expected)), \
            empty_db.begin(sam) as conn:
        server.publish_scorecard(conn, sc)
    with pytest.raises(TeamSchemaError, match=re.escape(expected)), empty_db.begin() as conn:
        schema.upgrade(conn)  # an older app's `team setup` does not touch it either
    with empty_db.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM companion_data.scorecards")).scalar() == 0
        assert conn.execute(text("SELECT version_num FROM companion.alembic_version")
                            ).scalar() == "t0999"


def test_the_revisions_are_package_files_and_need_no_ini() -> None:
    assert (REVISIONS / "env.py").is_file()
    scripts = sorted(p.name for p in (REVISIONS / "versions").glob("*.py"))
    assert scripts and all(p.startswith("t") for p in scripts)
    assert schema.known_revisions()[-1] == schema.head_revision()
    assert len(schema.known_revisions()) == len(scripts)
    assert not list(REPO.glob("**/alembic.ini"))


def test_every_policy_helper_pins_its_search_path() -> None:
    source = (REVISIONS / "versions" / "t0001_team_store.py").read_text(encoding="utf-8")
    # each function's header: from CREATE FUNCTION to the start of its body
    headers = re.findall(r"CREATE FUNCTION companion\.\w+\(.*?AS \$\$", source, re.S)
    assert len(headers) == source.count("CREATE FUNCTION") == 6
    assert all("SET search_path = pg_catalog, pg_temp" in h for h in headers)


def test_an_unknown_server_revision_is_read_as_newer(empty_db: TeamDb) -> None:
    with empty_db.begin() as conn:
        schema.upgrade(conn)
        conn.execute(text("UPDATE companion.alembic_version SET version_num = 'x1'"))
        result = schema.check(conn)
    assert (result.server, result.state) == ("x1", "newer")


def test_every_function_pins_its_search_path_and_public_runs_none(empty_db: TeamDb) -> None:
    """What a security reviewer checks with \\df+: t0002's API is the owner role's,
    SECURITY DEFINER, search_path pinned; PUBLIC may execute nothing in the schema."""
    with empty_db.begin() as conn:
        schema.upgrade(conn)
        rows = conn.execute(text(
            "SELECT p.proname, p.prosecdef, pg_get_userbyid(p.proowner), "
            "coalesce(array_to_string(p.proconfig, ','), ''), "
            "coalesce(array_to_string(p.proacl, ','), '') "
            "FROM pg_proc p WHERE p.pronamespace = 'companion'::regnamespace")).all()
    api = {"list_members", "publish_scorecard", "import_scorecard", "stored_copy",
           "append_amendment", "list_candidates", "read_scorecards", "read_amendments",
           "read_calibration", "record_decision", "read_decisions", "delete_candidate"}
    found = {name: (definer, owner, config, acl) for name, definer, owner, config, acl in rows}
    assert api <= found.keys()
    for name, (definer, owner, config, acl) in found.items():
        assert "search_path=pg_catalog, pg_temp" in config, name
        # no ACL at all would mean the default, which lets PUBLIC execute
        assert acl and not any(entry.startswith("=") for entry in acl.split(",")), name
        if name in api:
            assert definer and owner == "companion_owner", name
