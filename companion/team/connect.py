"""Opening the team store: psycopg 3 under SQLAlchemy 2, with errors a user can act on.

libpq does the connecting, so everything PostgreSQL users rely on works as they
expect: ~/.pgpass and PGPASSFILE, service files, PGPASSWORD, TLS options in the
connection string, PG* environment variables.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import psycopg
from psycopg.conninfo import make_conninfo
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from companion import APP_NAME
from companion.team.conninfo import PASSWORD_HOME, options
from companion.team.errors import TeamConnectError, TeamLoginError, TeamTlsError

# A laptop on a train should hear "unreachable" quickly rather than hang.
CONNECT_TIMEOUT_S = 10
# libpq reports a refused login only in words (no SQLSTATE before the session exists).
_LOGIN_REFUSED = ("password authentication failed", "no password supplied",
                  "pg_hba.conf", "does not exist", "is not permitted to log in",
                  "authentication failed", "permission denied for database")


def make_engine(conninfo: str, *, password: str | None = None,
                secrets: Mapping[str, str] | None = None) -> Engine:
    """An engine for ``conninfo``; ``password`` and ``secrets`` (such as ``sslpassword``)
    are kept in memory only and override libpq's."""
    extra: dict[str, str] = {"application_name": APP_NAME, **(secrets or {})}
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


# libpq's words for a failed TLS set-up, and what to say instead.
_TLS = (
    ("certificate verify failed", "the server's certificate is not signed by the CA in "
     "{rootcert}, or has expired"),
    ("unknown ca", "the server refused this computer's client certificate (unknown CA)"),
    ("does not match host name", "the server's certificate is for another host name than "
     "the one connected to"),
    ("root certificate file", "the CA file {rootcert} is missing or unreadable: set "
     "sslrootcert=FILE to your team's CA"),
    ("server does not support SSL", "the server does not offer TLS, but the connection "
     "asks for it (sslmode)"),
    ("SSL error", "the TLS handshake failed"),
    ("certificate", "the TLS set-up failed"),
)


def tls_problem(reason: str, conninfo: str) -> str | None:
    """A TLS failure in words a user can act on, or None when ``reason`` is not one."""
    rootcert = options(conninfo).get("sslrootcert", "~/.postgresql/root.crt")
    for marker, words in _TLS:
        if marker.lower() in reason.lower():
            return f"TLS problem: {words.format(rootcert=rootcert)} ({reason})"
    return None


@contextmanager
def connection(engine: Engine, conninfo: str = "") -> Iterator[Connection]:
    """A connection, or ``TeamConnectError`` saying why there is none.

    A TLS failure is ``TeamTlsError`` (retrying cannot fix it), a refused login
    ``TeamLoginError``; anything else counts as the server being unreachable.
    """
    try:
        conn = engine.connect()
    except (DBAPIError, psycopg.Error) as exc:
        reason = describe_failure(exc)
        tls = tls_problem(reason, conninfo)
        if tls is not None:
            raise TeamTlsError(f"cannot use the team store: {tls}") from None
        if any(marker in str(exc) for marker in _LOGIN_REFUSED):
            raise TeamLoginError(f"the team store refused the login: {reason}") from None
        raise TeamConnectError(f"cannot reach the team store: {reason}") from None
    with conn:
        yield conn
