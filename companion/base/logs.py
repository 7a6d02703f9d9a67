"""A size-capped log file in the data folder; unexpected faults land here.

The rotation is done here rather than with ``logging.handlers.RotatingFileHandler``
because that module pulls in socket, pickle, queue and selectors: about 8 ms on
the path to the first frame, for four lines of file renaming.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from companion.base.paths import ensure_private_dir, log_dir

LOG_NAME = "companion.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
_configured: Path | None = None


def rotate(path: Path, backups: int = BACKUPS) -> None:
    """Shift ``companion.log`` to ``.1``, ``.1`` to ``.2`` ...; the oldest is dropped."""
    for n in range(backups - 1, 0, -1):
        older = path.with_name(f"{path.name}.{n}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{n + 1}"))
    if path.exists():
        os.replace(path, path.with_name(f"{path.name}.1"))


class CappedFileHandler(logging.FileHandler):
    """Appends to one file and rotates it once it grows past ``max_bytes``."""

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
        self.max_bytes = max_bytes
        self.backups = backups
        if path.exists() and path.stat().st_size >= max_bytes:
            rotate(path, backups)
        super().__init__(path, encoding="utf-8")

    def emit(self, record: logging.LogRecord) -> None:
        # Rotate before writing, so the newest record is always in the live file.
        try:
            if self.stream is not None and self.stream.tell() >= self.max_bytes:
                self.close()  # FileHandler reopens the file on the next write
                rotate(Path(self.baseFilename), self.backups)
        except OSError:
            self.handleError(record)
        super().emit(record)


def setup_logging(root: Path) -> Path:
    """Send the ``companion`` logger to ``<root>/logs/companion.log``; returns its path.

    Falls back to stderr alone when the folder cannot be written, so a
    read-only data folder never stops the app from starting.
    """
    global _configured
    path = log_dir(root) / LOG_NAME
    if _configured == path:
        return path
    logger = logging.getLogger("companion")
    logger.setLevel(logging.INFO)
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    try:
        ensure_private_dir(path.parent)
        handler: logging.Handler = CappedFileHandler(path)
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    _configured = path
    return path
