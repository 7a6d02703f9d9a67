"""Power cuts during real rounds on a file system that forgets what was never synced.

Where the SIGKILL test (tests/test_crash_kill.py) proves what a dead process leaves,
this proves what a dead machine leaves: tests/powercut_fs.py keeps every write in
memory until it is fsynced, and each cut drops the unsynced writes, or keeps a random
prefix of them, or tears the last kept one at a sector boundary. After each cut the
app opens the folder, every acknowledged tap and note is there, and the file passes
``integrity_check``. tests/powercut_soak.py runs the same for a thousand cuts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.powercut_run import CannotMount, mounted, run_cuts

CUTS = 24


def test_power_cuts_at_random_moments_lose_nothing_acknowledged(tmp_path: Path) -> None:
    try:
        stats = run_cuts(tmp_path, CUTS)
    except CannotMount as exc:
        pytest.fail(str(exc), pytrace=False)
    print(f"power-cut test: {stats}")
    assert stats["cuts"] >= 20 and stats["lost"] == 0
    assert all(stats[f"cuts {mode}"] >= 6 for mode in ("drop", "prefix", "torn"))
    assert stats["acknowledged writes"] >= 100, stats
    assert stats["acknowledged notes"] >= 10, stats
    # The cuts did take something away: unsynced writes existed and most were dropped.
    assert stats["unsynced writes at the cuts"] > stats["unsynced writes kept"], stats
    assert stats["seconds"] < 60, stats


def test_the_file_system_forgets_unsynced_writes_and_new_names(tmp_path: Path) -> None:
    """The model itself: only fsynced bytes, and names whose folder was fsynced, survive."""
    import os

    from tests.powercut_run import power_cut

    mountpoint = tmp_path / "disk"
    try:
        with mounted(mountpoint) as (fs, lines):
            kept = mountpoint / "kept.txt"
            fd = os.open(kept, os.O_CREAT | os.O_WRONLY, 0o600)
            os.write(fd, b"synced ")
            os.fsync(fd)
            os.write(fd, b"lost")
            os.close(fd)
            dfd = os.open(mountpoint, os.O_RDONLY)
            os.fsync(dfd)
            os.close(dfd)
            new = mountpoint / "new.txt"
            fd = os.open(new, os.O_CREAT | os.O_WRONLY, 0o600)
            os.write(fd, b"synced but its name never was")
            os.fsync(fd)
            os.close(fd)
            assert kept.read_bytes() == b"synced lost" and new.exists()
            cut = power_cut(fs, lines, mountpoint, "drop", 1)
            assert cut == {"mode": "drop", "unsynced": 1, "kept": 0}
            assert kept.read_bytes() == b"synced " and not new.exists()
            # A torn write keeps whole 512-byte sectors of it, never a partial one.
            fd = os.open(kept, os.O_WRONLY)
            os.pwrite(fd, b"x" * 4096, 0)
            os.close(fd)
            power_cut(fs, lines, mountpoint, "torn", 7)
            size = len(kept.read_bytes())
            assert kept.read_bytes()[:min(size, 4096)].count(b"x") % 512 == 0 or size == 7
    except CannotMount as exc:
        pytest.fail(str(exc), pytrace=False)


def test_without_fuse_the_power_cut_tests_fail_and_say_why(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    env = {**os.environ, "PATH": str(tmp_path),
           "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
         "tests/test_power_cut.py::test_the_file_system_forgets_unsynced_writes_and_new_names"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 1, res.stdout[-2000:]
    assert "1 failed" in res.stdout and "skipped" not in res.stdout
    assert "cannot mount the power-cut file system: missing fusermount3" in res.stdout
