"""``companion team setup|add-interviewer|add-lead|add-admin``: run by the team's DBA.

Passwords of new logins are asked without echo (twice), or read from a file or
an environment variable for scripts; they are hashed by libpq on this computer
and never stored by the app.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from companion.base.errors import CompanionError
from companion.commands.common import data_root
from companion.team import schema
from companion.team.catalog import close_catalog
from companion.team.connect import connection, make_engine
from companion.team.conninfo import Target, parse_target
from companion.team.errors import TeamStoreError, server_reason
from companion.team.roles import GROUPS, KIND_LABEL, Kind, add_member, check_role_name
from companion.team.settings import load_conninfo
from companion.team.status import whoami


def _admin_target(args: argparse.Namespace, url: str | None) -> Target:
    if url:
        return parse_target(url)
    saved = load_conninfo(data_root(args))
    if saved is None:
        raise CompanionError("no team store: give --url URL (an account allowed to add "
                             "members), or run `companion team connect URL` first")
    return parse_target(saved)


def run_setup(args: argparse.Namespace) -> int:
    target = _admin_target(args, args.url)
    engine = make_engine(target.conninfo, password=target.password,
                         secrets=dict(target.secrets))
    try:
        with connection(engine, target.conninfo) as conn:
            try:
                before, after = schema.upgrade(conn)
                conn.commit()
            except DBAPIError as exc:
                _state, reason = server_reason(exc)
                raise TeamStoreError(
                    f"team setup failed, nothing was changed: {reason} (setup needs CREATE "
                    "on the database and, the first time, CREATEROLE)") from None
            who = whoami(conn)
    finally:
        engine.dispose()
    done = ("created" if before is None else
            "already current" if before == after else f"upgraded from {before}")
    print(f"team store ready: {target.conninfo}")
    print(f"schema: revision {after} ({done})")
    print(f"groups: {', '.join(GROUPS)}")
    print(f"set up by: {who.role} ({who.kinds})")
    print("next: `companion team add-interviewer NAME --display-name 'Full Name'` and "
          "`companion team add-lead NAME` for each person")
    return 0


def run_harden_catalog(args: argparse.Namespace) -> int:
    target = parse_target(args.url)
    engine = make_engine(target.conninfo, password=target.password,
                         secrets=dict(target.secrets))
    try:
        with connection(engine, target.conninfo) as conn:
            try:
                closed = close_catalog(conn)
                conn.commit()
            except DBAPIError as exc:
                _state, reason = server_reason(exc)
                raise TeamStoreError(f"team harden-catalog failed, nothing was changed: "
                                     f"{reason}") from None
    finally:
        engine.dispose()
    print(f"catalog counters closed in database {closed.database}:")
    print(f"  {len(closed.views)} statistics views no longer readable by PUBLIC")
    print(f"  {len(closed.functions)} counter and size functions no longer callable by PUBLIC")
    print(f"  pg_class readable without {', '.join(closed.hidden_columns)}")
    print("other databases on this server are not changed: run it in each of them too "
          "(docs/team-store.md, \"The system catalog\")")
    return 0


def run_add_interviewer(args: argparse.Namespace) -> int:
    return _add(args, "interviewer")


def run_add_lead(args: argparse.Namespace) -> int:
    return _add(args, "lead")


def run_add_admin(args: argparse.Namespace) -> int:
    return _add(args, "admin")


def _add(args: argparse.Namespace, kind: Kind) -> int:
    role = check_role_name(args.name)
    target = _admin_target(args, args.url)
    engine = make_engine(target.conninfo, password=target.password,
                         secrets=dict(target.secrets))
    try:
        with connection(engine, target.conninfo) as conn:
            schema.require_writable(conn)
            added = add_member(conn, role, kind, args.display_name or role,
                               password_reader(args, role))
            conn.commit()
    finally:
        engine.dispose()
    label = KIND_LABEL[added.group]
    if added.created:
        print(f"added {added.role} ({added.display_name}) as {label}: a new login role "
              f"in group {added.group}")
    else:
        print(f"added {added.role} ({added.display_name}) as {label}: the login role existed, "
              f"its password was left unchanged; now in group {added.group}")
    print(f"{added.role} connects with: companion team connect "
          f"'postgresql://{added.role}@HOST/DATABASE?sslmode=verify-full' (password in "
          "~/.pgpass)")
    return 0


def password_reader(args: argparse.Namespace, role: str) -> Callable[[], str]:
    """Where the new login's password comes from; asked only if the role is new."""

    def read() -> str:
        if args.password_file:
            path = Path(args.password_file)
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CompanionError(f"{path}: cannot read the password: "
                                     f"{exc.strerror or exc}") from None
            if not lines or not lines[0]:
                raise CompanionError(f"{path}: the first line (the password) is empty")
            return lines[0]
        if args.password_env:
            value = os.environ.get(args.password_env)
            if not value:
                raise CompanionError(f"environment variable {args.password_env} is not set "
                                     "or empty")
            return value
        if not sys.stdin.isatty():
            raise CompanionError("no terminal to ask for the password: give "
                                 "--password-file FILE or --password-env VARIABLE")
        first = getpass.getpass(f"password for {role}: ")
        if getpass.getpass(f"password for {role} (again): ") != first:
            raise CompanionError("the two passwords differ; nothing was changed")
        return first

    return read
