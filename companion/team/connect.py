"""Opening the team store: psycopg 3 under SQLAlchemy 2, with errors a user can act on.

libpq does the connecting, so everything PostgreSQL users rely on works as they
expect: ~/.pgpass and PGPASSFILE, service files, PGPASSWORD, TLS options in the
connection string, PG* environment variables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.conninfo import make_conninfo
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from companion import APP_NAME
from companion.team.conninfo import PASSWORD_HOME, options
from companion.team.errors import TeamConnectError, TeamLoginError

# A laptop on a train should hear "unreachable" quickly rather than hang.
CONNECT_TIMEOUT_S = 10
# libpq reports a refused login only in words (no SQLSTATE before the session exists).
_LOGIN_REFUSED = ("password authentication failed", "no password supplied",
                  "pg_hba.conf", "does not exist", "is not permitted to log in",
                  "authentication failed", "permission denied for database")


def make_engine(conninfo: str, *, password: str | None = None) -> Engine:
    """An engine for ``conninfo``; ``password`` (kept in memory only) overrides libpq's."""
    extra: dict[str, str] = {"application_name": APP_NAME}
    if "connect_timeout" not in options(conninfo):
        extra["connect_timeout"] = str(CONNECT_TIMEOUT_S)
    if password:
        extra["password"] = password

    full = make_conninfo(conninfo, **extra)

    def creator() -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(full)

    # One connection per command: nothing to pool, nothing left open afterwards.
    return create_engine("postgresql+psycopg://", creator=creator, poolclass=NullPool)


def describe_failure(exc: BaseException) -> str:
    """libpq's reason on one line, with the next step when it is about the password."""
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    reason = " ".join(str(orig).split()) or type(orig).__name__
    reason = reason.removeprefix("connection failed: ")
    if "no password supplied" in reason:
        return f"the server asks for a password: put it in {PASSWORD_HOME}"
    if "password authentication failed" in reason:
        return f"{reason} (the password comes from {PASSWORD_HOME})"
    if "does not have CONNECT privilege" in reason:  # revision t0002: members only
        return (f"{reason} (this login is not a member of the team store on this database: "
                "the team administrator adds it with `companion team add-interviewer` or "
                "`add-lead`)")
    return reason


@contextmanager
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection, or ``TeamConnectError`` saying why there is none."""
    try:
        conn = engine.connect()
    except (DBAPIError, psycopg.Error) as exc:
        reason = describe_failure(exc)
        if any(marker in str(exc) for marker in _LOGIN_REFUSED):
            raise TeamLoginError(f"the team store refused the login: {reason}") from None
        raise TeamConnectError(f"cannot reach the team store: {reason}") from None
    with conn:
        yield conn
