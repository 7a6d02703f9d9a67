"""Which team store this app publishes to: one connection string, never a password.

Kept in ``team.json`` in the data folder, readable by the user only. The string
has no password by construction (``conninfo.target`` strips it): libpq finds the
password itself in ~/.pgpass, PGPASSFILE, a service file or PGPASSWORD.
Standard library only, so asking "is a team store configured?" loads no driver.

The file also records when this laptop joined the team (``joined_at``): rounds
submitted before then were never meant for the team and stay local, unless the
user asked to publish them too (``team connect --publish-existing``, saved as
the earliest possible time).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from companion.base.atomic_file import write_private_text
from companion.base.errors import CompanionError
from companion.base.paths import ensure_private_dir

FILE_NAME = "team.json"
# "Publish everything this laptop ever submitted": the join time of --publish-existing.
EVERYTHING = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class TeamSettings:
    conninfo: str
    joined_at: datetime  # entries queued before this stay on this laptop


def settings_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def load_conninfo(data_dir: Path) -> str | None:
    """The saved connection string, or None when no team store is configured."""
    team = load_team(data_dir)
    return None if team is None else team.conninfo


def load_team(data_dir: Path) -> TeamSettings | None:
    """The saved team store and join time, or None when no team store is configured.

    A file from before join times were kept counts as joined at the start:
    whoever connected then expected their submissions to be published.
    """
    path = settings_path(data_dir)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CompanionError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CompanionError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); "
                             "run `companion team connect URL` again") from None
    value = data.get("conninfo") if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise CompanionError(f"{path}: has no connection string; run `companion team "
                             "connect URL` again")
    joined = data.get("joined_at", EVERYTHING.isoformat())
    try:
        joined_at = datetime.fromisoformat(joined) if isinstance(joined, str) else None
    except ValueError:
        joined_at = None
    if joined_at is None or joined_at.tzinfo is None:
        raise CompanionError(f"{path}: joined_at is not a time with its timezone; run "
                             "`companion team connect URL` again")
    return TeamSettings(value, joined_at)


def save_conninfo(data_dir: Path, conninfo: str, joined_at: datetime | None = None) -> Path:
    """Write the connection string and join time atomically, readable only by the user.

    ``joined_at`` defaults to now, or to the saved one when the same team store
    is saved again (connecting twice must not hide what waited in between).
    """
    if joined_at is None:
        try:
            old = load_team(data_dir)
        except CompanionError:
            old = None
        joined_at = old.joined_at if old and old.conninfo == conninfo else datetime.now(UTC)
    ensure_private_dir(data_dir)
    path = settings_path(data_dir)
    text = json.dumps({"conninfo": conninfo, "joined_at": joined_at.isoformat()},
                      indent=2) + "\n"
    return write_private_text(path, text)


def clear_conninfo(data_dir: Path) -> bool:
    """Forget the team store; False when none was configured."""
    path = settings_path(data_dir)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise CompanionError(f"{path}: cannot remove: {exc.strerror or exc}") from None
    return True
