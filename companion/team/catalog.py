"""Closing the system catalog's counters to the team's logins: an opt-in superuser step.

PostgreSQL shows every login the size of every table of the database it is in:
``pg_class.reltuples`` and ``relpages``, the ``pg_stat_*`` and ``pg_statio_*``
views (live, inserted and deleted rows, pages read), the ``pg_stat_get_*``
functions behind them and the size functions (``pg_relation_size`` and kin).
Row security and the function API hide the rows, not these counts, so any
interviewer could watch the number of scorecards grow. The grants on those views
and functions live in each database's own ``pg_catalog``, and only a superuser
may change them; the app itself never reads any of them, so taking them away
from PUBLIC in the team's database changes nothing it does
(tests/test_team_catalog.py runs the interviewer's and the lead's commands on a
closed database). The step is idempotent: every run revokes and grants the same
set, whatever was there before.

What it cannot close is listed in docs/team-store.md ("The system catalog").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from companion.team.errors import TeamStoreError

# pg_class columns that count a table's rows or pages; every other column stays
# readable (psql, drivers and SQLAlchemy look up names, kinds and owners there).
COUNTING_COLUMNS = ("reltuples", "relpages", "relallvisible")

# Views of statistics: any whose name starts so (PostgreSQL adds some in most
# releases, so they are found by name, not listed). The session views stay: they
# count connections, not rows, and other tools read them.
_VIEWS = ("SELECT c.oid::regclass::text FROM pg_catalog.pg_class c "
          "WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'v' "
          "AND (c.relname LIKE 'pg\\_stat\\_%' OR c.relname LIKE 'pg\\_statio\\_%' "
          "OR c.relname LIKE 'pg\\_stats%') "
          "AND c.relname NOT IN ('pg_stat_activity', 'pg_stat_ssl', 'pg_stat_gssapi') "
          "ORDER BY 1")

# Functions that read a counter or a size. The backend functions stay: they feed
# pg_stat_activity, and a view's functions are checked against its reader.
_FUNCTIONS = ("SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p "
              "WHERE p.pronamespace = 'pg_catalog'::regnamespace AND ("
              "(p.proname LIKE 'pg\\_stat\\_get\\_%' "
              " AND p.proname NOT LIKE 'pg\\_stat\\_get\\_backend\\_%' "
              " AND p.proname <> 'pg_stat_get_activity') "
              "OR p.proname IN ('pg_relation_size', 'pg_total_relation_size', "
              " 'pg_table_size', 'pg_indexes_size', 'pg_database_size', "
              " 'pg_tablespace_size')) "
              "ORDER BY 1")

_COLUMNS = ("SELECT a.attname::text FROM pg_catalog.pg_attribute a "
            "WHERE a.attrelid = 'pg_catalog.pg_class'::regclass AND a.attnum > 0 "
            "AND NOT a.attisdropped AND a.attname <> ALL(:hidden) ORDER BY a.attnum")


@dataclass(frozen=True)
class CatalogClosed:
    views: tuple[str, ...]  # SELECT revoked from PUBLIC
    functions: tuple[str, ...]  # EXECUTE revoked from PUBLIC
    hidden_columns: tuple[str, ...]  # of pg_class, no longer readable by PUBLIC
    database: str


def close_catalog(conn: Connection) -> CatalogClosed:
    """Take the row counters and sizes of this database's catalog away from PUBLIC.

    Runs in the caller's transaction; needs a superuser (``TeamStoreError``
    otherwise, nothing changed). Superusers and the ``pg_read_all_stats`` and
    ``pg_monitor`` roles keep what they had: their access does not go through
    PUBLIC's grants for the functions, and a DBA may grant the views to them.
    """
    superuser = conn.execute(text("SELECT rolsuper FROM pg_catalog.pg_roles "
                                  "WHERE rolname = current_user")).scalar_one_or_none()
    if not superuser:
        raise TeamStoreError("closing the catalog's counters needs a superuser login (the "
                             "grants on PostgreSQL's own views belong to it); nothing was "
                             "changed")
    views = tuple(conn.execute(text(_VIEWS)).scalars())
    functions = tuple(conn.execute(text(_FUNCTIONS)).scalars())
    columns = tuple(conn.execute(text(_COLUMNS), {"hidden": list(COUNTING_COLUMNS)}).scalars())
    for view in views:
        conn.execute(text(f"REVOKE SELECT ON {view} FROM PUBLIC"))
    for function in functions:
        conn.execute(text(f"REVOKE EXECUTE ON FUNCTION {function} FROM PUBLIC"))
    # Table-level SELECT would cover every column: drop it, then grant the others back.
    conn.execute(text("REVOKE SELECT ON pg_catalog.pg_class FROM PUBLIC"))
    listed = ", ".join(f'"{c}"' for c in columns)
    conn.execute(text(f"GRANT SELECT ({listed}) ON pg_catalog.pg_class TO PUBLIC"))
    database = str(conn.execute(text("SELECT current_database()")).scalar_one())
    return CatalogClosed(views, functions, COUNTING_COLUMNS, database)
