"""What can go wrong with the team store, as errors a user can act on (exit 2)."""

from __future__ import annotations

from companion.base.errors import CompanionError


class TeamStoreError(CompanionError):
    """Any problem with the team store; the text is one line saying what to do."""


class TeamConnectError(TeamStoreError):
    """The server cannot be reached, or refused the login."""


class TeamLoginError(TeamConnectError):
    """The server answered but refused the login (password, role, database, pg_hba).

    Retrying the same login cannot help: a publisher stops and asks for a password.
    """


class TeamTlsError(TeamConnectError):
    """The TLS handshake failed: a certificate, a CA file, a key, or TLS not offered.

    Not a network fault and not a password problem: retrying cannot help, and the
    message names the file or setting to fix.
    """


class TeamSchemaError(TeamStoreError):
    """The server's schema is missing, older or newer than this app knows."""


class TeamRefusedError(TeamStoreError):
    """The server refused an action (its privileges or row-level security)."""


class TeamLoopRuleError(TeamRefusedError):
    """The team requires loops, and no open loop assigns the caller this round.

    Retrying cannot help: a panel lead assigns the round, or imports the file.
    """


class TeamConflictError(TeamStoreError):
    """Different content is already stored under the same key; nothing was changed."""


# The hint the server's loop rule raises with (revision t0005's publish_scorecard).
LOOP_RULE_HINT = "companion-loop-rule"


def server_hint(exc: BaseException) -> str | None:
    """The server's HINT of a driver error, wrapped or not (None without one)."""
    orig = getattr(exc, "orig", None) or exc
    hint = getattr(getattr(orig, "diag", None), "message_hint", None)
    return str(hint) if hint else None


def server_reason(exc: BaseException) -> tuple[str | None, str]:
    """(SQLSTATE, the server's message on one line) of a driver error, wrapped or not."""
    orig = getattr(exc, "orig", None) or exc
    # The primary message alone: the server's CONTEXT lines name our functions' insides.
    primary = getattr(getattr(orig, "diag", None), "message_primary", None)
    return getattr(orig, "sqlstate", None), " ".join(str(primary or orig).split())
