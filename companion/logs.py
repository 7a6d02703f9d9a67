"""A rotating log file in the data folder; unexpected faults land here."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from companion.paths import ensure_private_dir, log_dir

LOG_NAME = "companion.log"
_configured: Path | None = None


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
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    _configured = path
    return path
