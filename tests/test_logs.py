"""The log file stays small: it rotates past its cap and keeps three older files."""

from __future__ import annotations

import logging
from pathlib import Path

from companion.base.logs import CappedFileHandler, rotate, setup_logging


def test_handler_rotates_past_the_cap_and_keeps_three_backups(tmp_path: Path) -> None:
    path = tmp_path / "companion.log"
    handler = CappedFileHandler(path, max_bytes=200, backups=3)
    logger = logging.getLogger("test.logs.cap")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for i in range(60):
            logger.warning("line %03d %s", i, "x" * 40)
    finally:
        logger.removeHandler(handler)
        handler.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["companion.log", "companion.log.1", "companion.log.2", "companion.log.3"]
    assert all(p.stat().st_size < 200 + 60 for p in tmp_path.iterdir())
    # The newest line is in the live file, older ones in .1, and nothing newer is lost.
    assert "line 059" in path.read_text(encoding="utf-8")
    assert "line 059" not in (tmp_path / "companion.log.1").read_text(encoding="utf-8")


def test_an_oversized_file_is_rotated_when_the_app_starts(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "companion.log").write_text("old\n" * 300_000, encoding="utf-8")
    path = setup_logging(tmp_path)
    logging.getLogger("companion.test").warning("fresh start")
    for h in logging.getLogger("companion").handlers:
        h.flush()
    assert path.read_text(encoding="utf-8").count("\n") == 1
    assert (logs / "companion.log.1").stat().st_size == 1_200_000


def test_rotate_without_a_file_does_nothing(tmp_path: Path) -> None:
    rotate(tmp_path / "companion.log")
    assert list(tmp_path.iterdir()) == []
