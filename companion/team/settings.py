"""Which team store this app publishes to: one connection string, never a password.

Kept in ``team.json`` in the data folder, readable by the user only. The string
has no password by construction (``conninfo.target`` strips it): libpq finds the
password itself in ~/.pgpass, PGPASSFILE, a service file or PGPASSWORD.
Standard library only, so asking "is a team store configured?" loads no driver.

The file also records when this laptop joined the team (``joined_at``): rounds
submitted before then were never meant for the team and stay local, unless the
user asked to publish them too (``team connect --publish-existing``, saved as
the earliest possible time).

Beside it, calibration keeps a cache of the team-store rows it already checked
(``CACHE_FILE_NAME``, see ``team.checked_cache``); it belongs to the settings in use,
so saving another team store or forgetting this one removes it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from companion.base.atomic_file import write_private_text
from companion.base.errors import CompanionError
from companion.base.paths import ensure_private_dir
from companion.intake import limits
from companion.intake.reading import Refused, parse_json, read_capped

FILE_NAME = "team.json"
CACHE_FILE_NAME = "team-calibration-cache.sqlite3"
# "Publish everything this laptop ever submitted": the join time of --publish-existing.
EVERYTHING = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class TeamSettings:
    conninfo: str
    joined_at: datetime  # entries queued before this stay on this laptop


def settings_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def cache_path(data_dir: Path) -> Path:
    return data_dir / CACHE_FILE_NAME


def forget_cache(data_dir: Path) -> None:
    """Remove calibration's cache of team-store rows, and any journal SQLite left of it."""
    path = cache_path(data_dir)
    for name in (path, path.with_name(path.name + "-journal")):
        try:
            name.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise CompanionError(f"{name}: cannot remove: {exc.strerror or exc}") from None


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
    again = "run `companion team connect URL` again"
    if not os.path.lexists(path):
        return None
    # Bounded and never through a link: every command reads this file, and a link to
    # /dev/zero or a 200 MB file must cost a line, not the memory of the machine.
    try:
        raw = read_capped(path, limits.TEAM_FILE_BYTES, "team settings file",
                          follow_links=False)
        data = parse_json(raw.decode("utf-8"), "team settings file")
    except Refused as exc:
        raise CompanionError(f"{exc.line(str(path))}; {again}") from None
    except UnicodeDecodeError as exc:
        raise CompanionError(f"{path}: not UTF-8 text (bad byte at offset {exc.start}); "
                             f"{again}") from None
    except json.JSONDecodeError as exc:
        raise CompanionError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); "
                             f"{again}") from None
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
    try:
        old = load_team(data_dir)
    except CompanionError:
        old = None
    same = old is not None and old.conninfo == conninfo
    if joined_at is None:
        joined_at = old.joined_at if old and same else datetime.now(UTC)
    if not same:  # what another team store's rows said stays with it
        forget_cache(data_dir)
    ensure_private_dir(data_dir)
    path = settings_path(data_dir)
    text = json.dumps({"conninfo": conninfo, "joined_at": joined_at.isoformat()},
                      indent=2) + "\n"
    return write_private_text(path, text)


def clear_conninfo(data_dir: Path) -> bool:
    """Forget the team store (and calibration's cache of it); False when none was
    configured."""
    forget_cache(data_dir)
    path = settings_path(data_dir)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise CompanionError(f"{path}: cannot remove: {exc.strerror or exc}") from None
    return True
