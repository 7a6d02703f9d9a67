"""Team roles: the three groups, and the login roles an administrator adds to them.

A person's login role is their identity on the server; the ``members`` table ties
it to the display name their scorecards carry (only admins write that table).
Passwords are turned into a SCRAM-SHA-256 verifier by libpq on this computer, so
the password itself never travels to the server, its logs or this app's files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import psycopg
from psycopg import sql
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from companion.team.errors import TeamRefusedError, TeamStoreError, server_reason

INTERVIEWER = "companion_interviewer"
LEAD = "companion_lead"
ADMIN = "companion_admin"
GROUPS: tuple[str, ...] = (INTERVIEWER, LEAD, ADMIN)
# The role holding CONNECT on this database (revision t0002), named on the server.
DB_ROLE_SQL = "'companion_db_' || substr(md5(current_database()), 1, 10)"

Kind = Literal["interviewer", "lead", "admin"]
GROUP_OF: dict[Kind, str] = {"interviewer": INTERVIEWER, "lead": LEAD, "admin": ADMIN}
KIND_LABEL: dict[str, str] = {INTERVIEWER: "interviewer", LEAD: "panel lead", ADMIN: "admin"}

# Lower-case so that `user=sam` finds the role without quoting.
_ROLE_NAME = re.compile(r"[a-z][a-z0-9_.-]{0,62}")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class MemberAdded:
    role: str
    display_name: str
    group: str
    created: bool  # False: the login role existed; its password was left alone


def check_role_name(name: str) -> str:
    if not _ROLE_NAME.fullmatch(name):
        raise TeamStoreError(
            f"{name!r} cannot be a login name: use 1 to 63 lower-case letters, digits, "
            "'_', '.' or '-', starting with a letter")
    if name.startswith("pg_") or name in GROUPS:
        raise TeamStoreError(f"{name!r} is reserved; choose another login name")
    return name


def add_member(conn: Connection, role: str, kind: Kind, display_name: str,
               password: Callable[[], str]) -> MemberAdded:
    """Create (or reuse) login role ``role``, put it in ``kind``'s group, record its name.

    ``password`` is asked only when the role is new. Runs in the caller's
    transaction; needs CREATEROLE (and, from PostgreSQL 16, ADMIN on the group).
    """
    check_role_name(role)
    shown = " ".join(display_name.split())
    if not shown:
        raise TeamStoreError("the display name is empty")
    group = GROUP_OF[kind]
    raw: object = conn.connection.dbapi_connection
    if not isinstance(raw, psycopg.Connection):
        raise TypeError("the team store needs a psycopg connection")
    exists = conn.execute(text("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :r"),
                          {"r": role}).first() is not None
    try:
        if not exists:
            secret = password()
            if len(secret) < MIN_PASSWORD:
                raise TeamStoreError(f"the password is too short: use at least "
                                     f"{MIN_PASSWORD} characters")
            verifier = raw.pgconn.encrypt_password(secret.encode(), role.encode(),
                                                   b"scram-sha-256").decode()
            conn.exec_driver_sql(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(verifier)).as_string(raw))
        conn.exec_driver_sql(sql.SQL("GRANT {} TO {}").format(
            sql.Identifier(group), sql.Identifier(role)).as_string(raw))
        # From revision t0002 CONNECT on the database goes to a role of this
        # database alone (group roles are shared by every database of the cluster).
        db_role = conn.execute(text(
            f"SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = {DB_ROLE_SQL}")
        ).scalar_one_or_none()
        if db_role is not None:
            conn.exec_driver_sql(sql.SQL("GRANT {} TO {}").format(
                sql.Identifier(db_role), sql.Identifier(role)).as_string(raw))
        conn.execute(text("INSERT INTO companion.members (role_name, display_name) "
                          "VALUES (:r, :d) ON CONFLICT (role_name) DO NOTHING"),
                     {"r": role, "d": shown})
        stored, same = conn.execute(text(
            "SELECT display_name, companion.fold_name(display_name) = companion.fold_name(:d) "
            "FROM companion.members WHERE role_name = :r"), {"r": role, "d": shown}).one()
    except DBAPIError as exc:
        raise _refused(exc, role) from None
    if not same:
        raise TeamStoreError(f"{role} is already a team member as {stored!r}; "
                             "their display name was left unchanged")
    return MemberAdded(role, stored, group, created=not exists)


def _refused(exc: DBAPIError, role: str) -> TeamStoreError:
    state, reason = server_reason(exc)
    if state == "23505":
        return TeamStoreError(f"another team member already has that display name "
                              f"(adding {role}): {reason}")
    if state == "42501":
        return TeamRefusedError(f"the server refused to add {role}: {reason} (adding "
                                "members needs CREATEROLE and the team admin group)")
    return TeamStoreError(f"cannot add {role}: {reason}")
