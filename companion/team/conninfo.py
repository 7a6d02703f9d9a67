"""Connection strings as PostgreSQL users write them, with the password taken out.

Accepted: a libpq URL (``postgresql://sam@db.example/hiring?sslmode=verify-full``),
a keyword/value string (``host=db.example dbname=hiring``, ``service=hiring``) or a
bare service name (``hiring``, meaning ``service=hiring``). libpq itself parses them
(``PQconninfoParse``, no network), so every option it knows passes through,
TLS ones (sslmode, sslrootcert, sslcert...) included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from companion.team.errors import TeamStoreError

PASSWORD_HOME = ("~/.pgpass (or the file PGPASSFILE names), a service file "
                 "(PGSERVICEFILE), or PGPASSWORD for scripts")
_SERVICE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class Target:
    """Where the team store is: ``conninfo`` has no password; ``password`` is the one
    given inside the URL, if any, for use by this one command and then forgotten."""

    conninfo: str
    password: str | None = None


def parse_target(text: str) -> Target:
    """Parse what the user typed; raises ``TeamStoreError`` naming what is wrong."""
    raw = text.strip()
    if not raw:
        raise TeamStoreError("give a connection URL such as postgresql://USER@HOST/DB, "
                             "or service=NAME")
    if "=" not in raw and "://" not in raw and _SERVICE_NAME.fullmatch(raw):
        raw = f"service={raw}"
    try:
        params = conninfo_to_dict(raw)
    except psycopg.ProgrammingError as exc:
        reason = " ".join(str(exc).split())
        raise TeamStoreError(f"not a PostgreSQL connection string: {reason}") from None
    password = params.pop("password", None)
    if not params:
        raise TeamStoreError(f"{text.strip()!r} names no server, database or service")
    # make_conninfo quotes values as libpq expects; the URL becomes keyword/value form.
    return Target(make_conninfo("", **params), str(password) if password else None)


def options(conninfo: str) -> dict[str, str]:
    return {k: str(v) for k, v in conninfo_to_dict(conninfo).items() if v is not None}


def tls_note(conninfo: str) -> str | None:
    """A warning when a remote server's certificate would not be checked."""
    opts = options(conninfo)
    hosts = [h for h in opts.get("host", "").split(",") if h]
    remote = [h for h in hosts if not h.startswith("/") and h not in _LOCAL_HOSTS]
    if not remote or opts.get("sslmode") in ("verify-ca", "verify-full"):
        return None
    return (f"the server's certificate is not checked (sslmode={opts.get('sslmode', 'prefer')}"
            "): add sslmode=verify-full, and sslrootcert=FILE if your CA is private")
