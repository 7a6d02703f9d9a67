"""Versions of the team store's schema, created and upgraded by Alembic.

The migration scripts ship inside the package (``companion/team/revisions``) and
Alembic is configured here in code: no alembic.ini is read at run time. The
server's revision sits in ``companion.alembic_version``; every team role may read
it, so each client can tell, before it writes, whether it knows that schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from companion.team.errors import TeamSchemaError

SCHEMA = "companion"
VERSION_TABLE = f"{SCHEMA}.alembic_version"

SchemaState = Literal["current", "older", "newer", "missing"]


def _scripts_folder() -> Path:
    # A plain folder inside the installed package (wheel or bundle), not a zip.
    return Path(str(resources.files("companion.team") / "revisions"))


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_scripts_folder()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    """The newest schema revision this app knows."""
    head = _scripts().get_current_head()
    if head is None:  # a packaging fault, not a user's
        raise RuntimeError(f"no team store revisions in {_scripts_folder()}")
    return head


def known_revisions() -> tuple[str, ...]:
    """Every revision this app knows, oldest first."""
    return tuple(reversed([s.revision for s in _scripts().walk_revisions()]))


def server_revision(conn: Connection) -> str | None:
    """The revision the server's schema is at, or None when the team store is not set up."""
    exists = conn.execute(text("SELECT to_regclass(:t) IS NOT NULL"),
                          {"t": VERSION_TABLE}).scalar_one()
    if not exists:
        return None
    try:
        with conn.begin_nested():
            return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")
                                ).scalar_one_or_none()
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != "42501":
            raise
        raise TeamSchemaError("the team store's schema version cannot be read "
                              f"({_first_line(exc)}): is this account a team member?"
                              ) from None


@dataclass(frozen=True)
class SchemaCheck:
    server: str | None
    app: str
    state: SchemaState

    @property
    def message(self) -> str:
        if self.state == "missing":
            return ("the team store is not set up on this database: the team administrator "
                    "runs `companion team setup URL` once")
        if self.state == "newer":
            return (f"the team store was upgraded by a newer app (revision {self.server}); "
                    "update the app")
        if self.state == "older":
            return (f"the team store's schema (revision {self.server}) is older than this "
                    f"app's ({self.app}): the team administrator runs `companion team setup "
                    "URL` to upgrade it")
        return f"revision {self.server}"


def check(conn: Connection) -> SchemaCheck:
    """Compare the server's revision with the ones this app knows."""
    server = server_revision(conn)
    app = head_revision()
    if server is None:
        return SchemaCheck(None, app, "missing")
    if server == app:
        return SchemaCheck(server, app, "current")
    if server in known_revisions():
        return SchemaCheck(server, app, "older")
    return SchemaCheck(server, app, "newer")


def require_writable(conn: Connection) -> None:
    """Raise ``TeamSchemaError`` unless the server runs exactly this app's schema.

    A newer schema may have rules this app does not know, so it never writes
    there; an older one lacks what this app would write.
    """
    result = check(conn)
    if result.state != "current":
        raise TeamSchemaError(result.message)


def upgrade(conn: Connection, revision: str = "head") -> tuple[str | None, str]:
    """Bring the server's schema to this app's head (or ``revision``) in the caller's transaction.

    Returns (revision before, revision after). Refuses a schema newer than the app.
    """
    before = check(conn)
    if before.state == "newer":
        raise TeamSchemaError(before.message)
    conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
    command.upgrade(_config(conn), revision)
    return before.server, head_revision() if revision == "head" else revision


def downgrade(conn: Connection, revision: str) -> None:
    """Step the schema back to ``revision`` ("base" removes every team table)."""
    command.downgrade(_config(conn), revision)


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
