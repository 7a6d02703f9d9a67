"""Where the app keeps its data: the user's own folders, never a system location.

Resolution order for the data folder:
1. ``--data-dir PATH`` on the command line;
2. the ``COMPANION_DATA_DIR`` environment variable;
3. portable mode: a file named ``portable`` beside the app (the bundle's
   executable, or the folder holding the ``companion`` package) keeps data in
   a ``data`` folder beside it;
4. the platform's per-user data folder (platformdirs).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

from companion import APP_NAME
from companion.base.errors import CompanionError

ENV_DATA_DIR = "COMPANION_DATA_DIR"
PORTABLE_MARKER = "portable"

_dirs = PlatformDirs(APP_NAME, appauthor=False)


def app_dir() -> Path:
    """The folder the app was installed into (the bundle folder when frozen)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def portable_root() -> Path | None:
    """The portable data root if a ``portable`` marker sits beside the app."""
    root = app_dir()
    if (root / PORTABLE_MARKER).exists():
        return root / "data"
    return None


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the database, user packs and logs (not created here).

    Raises ``CompanionError`` for a path that cannot be resolved (a loop of
    symbolic links), naming where the path came from.
    """
    if override:
        return _resolved(override, "--data-dir")
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return _resolved(env, ENV_DATA_DIR)
    portable = portable_root()
    if portable is not None:
        return portable
    return Path(_dirs.user_data_dir)


def _resolved(path: str | os.PathLike[str], given_by: str) -> Path:
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError) as exc:  # 3.11 reports a symlink loop as RuntimeError
        reason = "a loop of symbolic links" if "loop" in str(exc).lower() else (
            getattr(exc, "strerror", None) or str(exc))
        raise CompanionError(f"the data folder {os.fspath(path)} ({given_by}) cannot be "
                             f"used: {reason}; choose another folder") from None


def packs_dir(root: Path) -> Path:
    """User packs: every ``*.toml`` pack folder or file in here is loaded at start."""
    return root / "packs"


def log_dir(root: Path) -> Path:
    return root / "logs"


def settings_file(root: Path) -> Path:
    """Window settings (geometry, zoom, screen, theme) as an INI file."""
    return root / "settings.ini"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable only by the user on POSIX."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        # Not ours to change on e.g. a shared mount; storage reports real failures.
        with contextlib.suppress(OSError):
            path.chmod(0o700)
    return path
