"""Writing a small text file whole or not at all, readable by the user only.

A crash, a power cut or a full disk mid-write leaves either the old file or the
new one, never half of one: the text goes to a temporary file beside the target
(created 0600 by mkstemp, so notes are never world-readable even for a moment),
is synced, renamed over the target, and the folder is synced so the rename
itself survives a power cut.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from companion.base.errors import CompanionError


def write_private_text(target: Path, text: str) -> Path:
    """Replace ``target`` with ``text`` atomically; CompanionError naming the file."""
    folder = target.parent
    tmp_name = ""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if os.name == "posix":
            os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, target)
        tmp_name = ""
        _fsync_dir(folder)
    except OSError as exc:
        raise CompanionError(f"{target}: cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)
    return target


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless to skip elsewhere."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on folders; the data itself is already synced
    finally:
        os.close(fd)
