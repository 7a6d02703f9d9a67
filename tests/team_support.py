"""Helpers for the team-store tests: a fresh database per test module, real roles.

Roles are cluster-wide, so every role a database's tests create carries that
database's suffix (``sam_t3``); databases are dropped at the end, roles stay
until the server (a throwaway) goes.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from sqlalchemy import Connection, Engine, text

from companion.team import schema
from companion.team.catalog import close_catalog
from companion.team.connect import make_engine
from companion.team.roles import Kind, add_member
from tests.pg_server import PgServer

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


@dataclass
class TeamDb:
    server: PgServer
    name: str

    @property
    def suffix(self) -> str:
        return self.name.removeprefix("team_")

    def role(self, base: str) -> str:
        """A login name unique to this database."""
        return f"{base}_{self.suffix}"

    def conninfo(self, user: str = "postgres", *, tcp: bool = False) -> str:
        return self.server.conninfo(self.name, user, tcp=tcp)

    def engine(self, user: str = "postgres") -> Engine:
        return make_engine(self.conninfo(user))

    @contextmanager
    def begin(self, user: str = "postgres") -> Iterator[Connection]:
        """One transaction as ``user`` (committed unless it raises)."""
        engine = self.engine(user)
        try:
            with engine.begin() as conn:
                yield conn
        finally:
            engine.dispose()

    def raw(self, user: str) -> psycopg.Connection[tuple[object, ...]]:
        """A plain psycopg connection as ``user``: what an attacker with a login has."""
        return psycopg.connect(self.conninfo(user))

    def add(self, base: str, kind: Kind, display_name: str) -> str:
        role = self.role(base)
        with self.begin() as conn:
            add_member(conn, role, kind, display_name, lambda: PASSWORD)
        return role


def create_database(server: PgServer, *, set_up: bool = True, revision: str = "head",
                    loops_required: bool = False,
                    harden_catalog: bool | None = None) -> TeamDb:
    """A fresh database, set up to the app's schema (or to an older ``revision``).

    A store is set up with loops required (t0005); most of these tests are about
    publishing, reading and hardening, not loops, so they run as a team that plans
    no loops (loops optional), unless ``loops_required`` keeps the default.
    """
    db = TeamDb(server, f"team_t{next(_numbers)}")
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db.name}"')
    if set_up:
        with db.begin() as conn:
            schema.upgrade(conn, revision)
            if not loops_required and revision not in ("t0001", "t0002", "t0003", "t0004"):
                settings = ("companion.team_settings" if revision in ("t0005", "t0006")
                            else "companion_data.team_settings")  # moved in t0007
                conn.execute(text(f"UPDATE {settings} SET loops_required = false"))
            if harden_catalog is None:
                harden_catalog = bool(os.environ.get("COMPANION_TEST_HARDEN_CATALOG"))
            if harden_catalog:
                # The whole team suite on databases whose catalog counters are closed
                # (`team harden-catalog`): the app must never need them.
                close_catalog(conn)
    return db


def drop_database(db: TeamDb) -> None:
    with psycopg.connect(db.server.conninfo(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
