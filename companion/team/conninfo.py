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
from functools import cache

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from companion.team.errors import TeamStoreError

PASSWORD_HOME = ("~/.pgpass (or the file PGPASSFILE names), a service file "
                 "(PGSERVICEFILE), or PGPASSWORD for scripts")
_SERVICE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


@cache
def secret_keys() -> frozenset[str]:
    """Every connection option libpq itself treats as secret (password, sslpassword, ...).

    Asked of libpq (options it shows as ``*``), so one a newer libpq adds is kept out
    of files and messages too.
    """
    found = {o.keyword.decode() for o in psycopg.pq.Conninfo.get_defaults()
             if o.dispchar == b"*"}
    return frozenset(found | {"password", "sslpassword"})


@dataclass(frozen=True)
class Target:
    """Where the team store is: ``conninfo`` holds no secret; ``password`` (and any other
    secret option in ``secrets``) given in the URL serves this one command, then is gone."""

    conninfo: str
    password: str | None = None
    secrets: tuple[tuple[str, str], ...] = ()  # other secret options, e.g. sslpassword


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
    secrets = tuple((k, str(params.pop(k))) for k in sorted(secret_keys() & params.keys())
                    if params.get(k) is not None)
    if not params:
        raise TeamStoreError("the connection string names no server, database or service")
    # make_conninfo quotes values as libpq expects; the URL becomes keyword/value form.
    return Target(make_conninfo("", **params), str(password) if password else None, secrets)


def shown(conninfo: str) -> str:
    """``conninfo`` fit to print: any secret option (from an older team.json) masked."""
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "(a connection string libpq cannot read)"
    hidden = {k: ("********" if k in secret_keys() else v) for k, v in params.items()}
    return make_conninfo("", **hidden)


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
