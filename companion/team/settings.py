"""Which team store this app publishes to: one connection string, never a password.

Kept in ``team.json`` in the data folder, readable by the user only. The string
has no password by construction (``conninfo.target`` strips it): libpq finds the
password itself in ~/.pgpass, PGPASSFILE, a service file or PGPASSWORD.
Standard library only, so asking "is a team store configured?" loads no driver.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from companion.errors import CompanionError
from companion.paths import ensure_private_dir

FILE_NAME = "team.json"


def settings_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def load_conninfo(data_dir: Path) -> str | None:
    """The saved connection string, or None when no team store is configured."""
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
    return value


def save_conninfo(data_dir: Path, conninfo: str) -> Path:
    """Write the connection string atomically, readable only by the user."""
    ensure_private_dir(data_dir)
    path = settings_path(data_dir)
    text = json.dumps({"conninfo": conninfo}, indent=2) + "\n"
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{FILE_NAME}.", dir=data_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = ""
    except OSError as exc:
        raise CompanionError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
    return path


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
