"""Real rounds on the power-cut file system, cut at random moments, checked after each cut.

Used by tests/test_power_cut.py (a couple of dozen cuts) and tests/powercut_soak.py
(a thousand). The data folder lives on ``tests.powercut_fs``; the round is played
by the same driver as the SIGKILL test (tests/crash_driver.py), which prints
``ack`` once an operation is committed (notes: once ``flush`` has written them, the
point the notes contract promises). Each cycle kills the driver's child with
SIGKILL at a random moment, cuts the power (drop, prefix or torn, in turn, see
powercut_fs), remounts, lets the app open the folder and then checks that
``integrity_check`` passes and that every acknowledged change is there.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from tests.conftest import REPO
from tests.test_crash_kill import Key, Lines, _actual, _integrity, _key, _replay

MODES = ("drop", "prefix", "torn")


class CannotMount(RuntimeError):
    """FUSE is not available here; the message says what is missing."""


@contextmanager
def mounted(mountpoint: Path) -> Iterator[tuple[subprocess.Popen[bytes], Lines]]:
    """The power-cut file system on ``mountpoint`` (an empty folder), unmounted at the end."""
    missing = [what for what, ok in (
        ("/dev/fuse (the FUSE device)", os.path.exists("/dev/fuse")),
        ("fusermount3 (Debian package fuse3)", shutil.which("fusermount3") is not None),
    ) if not ok]
    try:
        import mfusepy  # noqa: F401
    except (ImportError, OSError) as exc:
        missing.append(f"the mfusepy package with libfuse3 ({exc})")
    if missing:
        raise CannotMount("cannot mount the power-cut file system: missing " +
                          ", ".join(missing))
    mountpoint.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-m", "tests.powercut_fs", str(mountpoint)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    lines = Lines(proc)
    try:
        try:
            first = lines.next(30)
        except AssertionError:
            first = None
        if first != "mounted":
            proc.kill()
            _, err = proc.communicate(timeout=10)
            raise CannotMount(f"the power-cut file system did not mount on {mountpoint}: "
                              f"{err.decode(errors='replace').strip()[-500:] or first}")
        yield proc, lines
    finally:
        if proc.poll() is None:
            assert proc.stdin is not None
            with suppress(BrokenPipeError):
                proc.stdin.write(b"quit\n")
                proc.stdin.flush()
            unmount(mountpoint)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def unmount(mountpoint: Path) -> None:
    """Take the mount away (the power goes); a busy mount is retried, then detached."""
    for _ in range(50):
        if subprocess.run(["fusermount3", "-u", str(mountpoint)],
                          capture_output=True).returncode == 0:
            return
        time.sleep(0.05)
    subprocess.run(["fusermount3", "-uz", str(mountpoint)], capture_output=True)


def power_cut(fs: subprocess.Popen[bytes], fs_lines: Lines, mountpoint: Path, mode: str,
              seed: int) -> dict[str, Any]:
    assert fs.stdin is not None
    fs.stdin.write(f"cut {mode} {seed}\n".encode())
    fs.stdin.flush()
    unmount(mountpoint)
    line = fs_lines.next(60)
    assert line is not None and line.startswith("cut "), line
    again = fs_lines.next(60)
    assert again == "mounted", again
    result: dict[str, Any] = json.loads(line[4:])
    return result


def run_cuts(root: Path, cuts: int, seed: int = 20261206,
             work_s: tuple[float, float] = (0.05, 0.6)) -> dict[str, Any]:
    """``cuts`` power cuts during real rounds; raises AssertionError on the first loss."""
    rng = random.Random(seed)
    mountpoint = root / "disk"
    data_dir = mountpoint / "data"
    stats: Counter[str] = Counter()
    started = time.monotonic()
    with mounted(mountpoint) as (fs, fs_lines):
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        driver = subprocess.Popen([sys.executable, str(REPO / "tests" / "crash_driver.py"),
                                   str(data_dir)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, env=env, cwd=REPO)
        assert driver.stdin is not None
        lines = Lines(driver)
        expected: dict[Key, Any] = {}
        round_id = ""
        try:
            assert lines.next(60) == "ready"
            for cycle in range(cuts):
                driver.stdin.write(f"run {seed + cycle}\n".encode())
                driver.stdin.flush()
                first = lines.next(30)
                assert first is not None and first.startswith("child "), first
                pid = int(first.split()[1])
                log: list[str] = []
                if cycle % 5 != 4:
                    # Most cuts land in the round; every fifth may land while the
                    # app is still opening (or creating) its file.
                    while not log or not log[-1].startswith(("started", "error")):
                        line = lines.next(60)
                        assert line is not None, "the round did not start within a minute"
                        log.append(line)
                deadline = time.monotonic() + rng.uniform(*work_s)
                while (left := deadline - time.monotonic()) > 0:
                    line = lines.next(left)
                    if line is not None:
                        log.append(line)
                os.kill(pid, signal.SIGKILL)
                driver.stdin.write(b"reap\n")
                driver.stdin.flush()
                while (line := lines.next(30)) != "reaped":
                    assert line is not None, "driver stopped answering"
                    log.append(line)
                mode = MODES[cycle % len(MODES)]
                cut = power_cut(fs, fs_lines, mountpoint, mode, rng.randrange(1 << 30))
                stats[f"cuts {mode}"] += 1
                stats["unsynced writes at the cuts"] += cut["unsynced"]
                stats["unsynced writes kept"] += cut["kept"]

                round_id, inflight, acked = _replay(log, round_id, expected)
                stats["acknowledged writes"] += len(acked)
                stats["acknowledged notes"] += sum(rec["op"] == "note" for rec in acked)
                if not round_id:
                    continue  # cut before the round was created: nothing was promised
                actual = _actual(data_dir, round_id)  # the app opens the folder
                assert _integrity(data_dir) == "ok", f"cut {cycle} ({mode})"
                for key, want in expected.items():
                    got = actual.get(key)
                    if inflight is not None and _key(inflight) == key \
                            and got == inflight["value"]:
                        continue  # committed, killed before the ack was printed
                    assert got == want, (f"cut {cycle} ({mode}): {key} is {got!r}, "
                                         f"acknowledged {want!r}")
                    stats["acknowledged values checked"] += 1
                if inflight is not None:
                    k = _key(inflight)
                    expected[k] = actual.get(k)
            driver.stdin.write(b"quit\n")
            driver.stdin.flush()
            assert driver.wait(30) == 0
        finally:
            if driver.poll() is None:
                driver.kill()
                driver.wait()
    stats["lost"] = 0  # reached only when every check above held
    return {"cuts": cuts, "seconds": round(time.monotonic() - started, 1), **stats}
