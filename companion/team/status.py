"""Who am I on the team store, and can I use it: what ``team status`` reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from companion.team import schema
from companion.team.connect import connection, describe_failure, make_engine
from companion.team.conninfo import shown
from companion.team.errors import TeamConnectError, TeamSchemaError
from companion.team.roles import GROUPS, KIND_LABEL
from companion.team.rules import TeamRules, read_rules


@dataclass(frozen=True)
class Identity:
    role: str  # the login role (session_user): what the server's rules go by
    display_name: str | None  # from the members table; None when not a member
    groups: tuple[str, ...]  # the team groups the role belongs to
    owner: bool  # owns the team schema (the setup account): bypasses row security
    superuser: bool

    @property
    def kinds(self) -> str:
        labels = [KIND_LABEL[g] for g in self.groups]
        if self.owner:
            labels.append("owner of the team schema")
        if self.superuser:
            labels.append("superuser")
        return ", ".join(labels) or "no team role"


def whoami(conn: Connection) -> Identity:
    role, superuser = conn.execute(text(
        "SELECT session_user, rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user"
    )).one()
    # Real membership (pg_has_role answers yes to everything for a superuser).
    groups = tuple(conn.execute(text(
        "WITH RECURSIVE m(oid) AS (SELECT oid FROM pg_catalog.pg_roles "
        "WHERE rolname = session_user UNION SELECT a.roleid FROM pg_catalog.pg_auth_members a "
        "JOIN m ON a.member = m.oid) "
        "SELECT r.rolname FROM pg_catalog.pg_roles r JOIN m USING (oid) "
        "WHERE r.rolname = ANY(:groups) ORDER BY array_position(:groups, r.rolname::text)"),
        {"groups": list(GROUPS)}).scalars())
    owner = bool(conn.execute(text(
        "SELECT n.nspowner = r.oid FROM pg_catalog.pg_namespace n, pg_catalog.pg_roles r "
        "WHERE n.nspname = :s AND r.rolname = session_user"), {"s": schema.SCHEMA}
    ).scalar_one_or_none())
    return Identity(role, _display_name(conn), groups, owner, bool(superuser))


def _display_name(conn: Connection) -> str | None:
    """The login's name in this database's ``members``; None when it is no member here."""
    api = conn.execute(text(
        "SELECT to_regprocedure('companion.list_members()') IS NOT NULL AND "
        "has_function_privilege('companion.list_members()', 'EXECUTE')")).scalar_one()
    if api:  # revision t0002 on: people read members through the function only
        try:
            with conn.begin_nested():
                return conn.execute(text(
                    "SELECT display_name FROM companion.list_members() "
                    "WHERE role_name = session_user")).scalar_one_or_none()
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) != "42501":
                raise
            return None  # a login of this cluster that is no member of this team store
    readable = conn.execute(text(
        "SELECT to_regclass('companion.members') IS NOT NULL AND "
        "has_table_privilege('companion.members', 'SELECT')")).scalar_one()
    if readable:  # an older schema, or the setup account
        return conn.execute(text("SELECT display_name FROM companion.members "
                                 "WHERE role_name = session_user")).scalar_one_or_none()
    return None


@dataclass(frozen=True)
class TeamStatus:
    conninfo: str
    problem: str | None = None  # why it cannot be used; None when all is well
    identity: Identity | None = None
    server_version: str | None = None
    schema: schema.SchemaCheck | None = None
    rules: TeamRules | None = None  # None: an older schema, or a login that is no member

    @property
    def reachable(self) -> bool:
        return self.identity is not None

    def lines(self) -> list[str]:
        out = [f"team store: {shown(self.conninfo)}",
               f"reachable: {'yes' if self.reachable else 'no'}"]
        if self.identity is not None:
            who = self.identity
            name = f" ({who.display_name})" if who.display_name else " (not a team member)"
            out += [f"connected as: {who.role}{name}", f"role: {who.kinds}",
                    f"server: PostgreSQL {self.server_version}"]
        if self.schema is not None:
            state = {"current": "current", "older": "older than this app",
                     "newer": "newer than this app", "missing": "not set up"}[self.schema.state]
            out.append(f"schema: revision {self.schema.server or '-'} ({state}; this app "
                       f"knows {self.schema.app})")
        if self.rules is not None:
            out.append(self.rules.line())
        if self.problem:
            out.append(f"problem: {self.problem}")
        return out

    def to_dict(self) -> dict[str, object]:
        who = self.identity
        return {
            "conninfo": shown(self.conninfo), "reachable": self.reachable, "problem": self.problem,
            "role": who.role if who else None,
            "display_name": who.display_name if who else None,
            "groups": list(who.groups) if who else [],
            "owner": who.owner if who else False,
            "server_version": self.server_version,
            "schema_revision": self.schema.server if self.schema else None,
            "schema_state": self.schema.state if self.schema else None,
            "app_revision": schema.head_revision(),
            "loops_required": self.rules.loops_required if self.rules else None,
        }


def probe(conninfo: str, password: str | None = None,
          secrets: Mapping[str, str] | None = None) -> TeamStatus:
    """Connect once and report; never raises for an unreachable or unusable server.

    ``password`` and ``secrets`` are used for this one connection only.
    """
    engine = make_engine(conninfo, password=password, secrets=secrets)
    try:
        with connection(engine, conninfo) as conn:
            who = whoami(conn)
            version = conn.execute(text("SHOW server_version")).scalar_one()
            try:
                check = schema.check(conn)
            except TeamSchemaError as exc:
                return TeamStatus(conninfo, str(exc), who, version)
            problem = None if check.state == "current" else check.message
            if problem is None and not who.groups and not who.owner:
                problem = ("this login is in no team group: the team administrator adds it "
                           "with `companion team add-interviewer` or `add-lead`")
            rules = None
            if check.state == "current" and who.display_name is not None:
                rules = read_rules(conn)
            return TeamStatus(conninfo, problem, who, version, check, rules)
    except TeamConnectError as exc:
        return TeamStatus(conninfo, str(exc))
    except DBAPIError as exc:  # e.g. the connection dropped half-way
        return TeamStatus(conninfo, f"cannot read the team store: {describe_failure(exc)}")
    finally:
        engine.dispose()
