"""Kill a process running a live round with SIGKILL, over and over; nothing acknowledged is lost.

The driver (tests/crash_driver.py) forks a fresh child for each run; the
child reopens the round the previous one left, taps, flags and types, printing
``ack`` after each committed operation. We SIGKILL it at a random moment, then
check the file: ``PRAGMA integrity_check`` is ``ok`` and every acknowledged
change is there (the one operation in flight at the kill may or may not be).
"""

from __future__ import annotations

import json
import os
import random
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from companion.store import Store, writes
from tests.conftest import REPO

KILLS = 24
Key = tuple[str, ...]


class Lines:
    """Read whole lines from a pipe with a deadline."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        self.fd = proc.stdout.fileno()
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.fd, selectors.EVENT_READ)
        self.buf = b""

    def next(self, timeout: float) -> str | None:
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not self.sel.select(left):
                return None
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise AssertionError("driver exited early")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode()


def _key(rec: dict[str, Any]) -> Key:
    op = rec["op"]
    if op == "rate":
        return ("rate", rec["item"])
    if op == "probe":
        return ("probe", rec["probe"])
    if op == "flag":
        return ("flag", rec["flag"])
    if op == "note":
        return ("note", rec["item"], rec["field"])
    return (op,)


def _actual(data_dir: Path, round_id: str) -> dict[Key, Any]:
    with Store.open(data_dir) as store:
        sc = store.load_scorecard(round_id)
        with store.read() as s:
            t = writes.load_timers(s, round_id)
    assert t is not None
    out: dict[Key, Any] = {("jump",): t.current_index, ("section",): t.section_index}
    for it in sc.items:
        out[("rate", it.item_id)] = it.rating
        out[("note", it.item_id, "said")] = it.said
        out[("note", it.item_id, "read")] = it.read
        for p in it.probes:
            out[("probe", p.probe_id)] = p.rating
    for f in sc.flags:
        out[("flag", f.flag_id)] = f.state
    return out


def _integrity(data_dir: Path) -> str:
    conn = sqlite3.connect(data_dir / "companion.sqlite3")
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()



def _replay(log: list[str], round_id: str, expected: dict[Key, Any]
            ) -> tuple[str, dict[str, Any] | None, list[dict[str, Any]]]:
    """Read one run's driver log: the round's id, the write still in flight when the run
    ended, and the writes acknowledged (each must be the one in flight), recorded into
    ``expected``. The SIGKILL and the power-cut tests read their logs the same way."""
    errors = [x for x in log if x.startswith("error")]
    assert not errors, errors
    inflight: dict[str, Any] | None = None
    acked: list[dict[str, Any]] = []
    for line in log:
        kind, _, payload = line.partition(" ")
        if kind == "started":
            rid = json.loads(payload)["round"]
            assert round_id in ("", rid)
            round_id = rid
        elif kind == "do":
            inflight = json.loads(payload)
        elif kind == "ack":
            rec = json.loads(payload)
            assert rec == inflight
            expected[_key(rec)] = rec["value"]
            inflight = None
            acked.append(rec)
    return round_id, inflight, acked

def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random(20260302)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, str(REPO / "tests" / "crash_driver.py"),
                             str(data_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env=env, cwd=REPO)
    assert proc.stdin is not None
    lines = Lines(proc)
    expected: dict[Key, Any] = {}
    round_id = ""
    total_acks = 0
    kills = 0
    started = time.monotonic()
    try:
        assert lines.next(60) == "ready"
        for cycle in range(KILLS):
            proc.stdin.write(f"run {cycle}\n".encode())
            proc.stdin.flush()
            first = lines.next(30)
            assert first is not None and first.startswith("child "), first
            pid = int(first.split()[1])
            # Let it work for a random while, then kill it mid-whatever.
            deadline = time.monotonic() + rng.uniform(0.05, 0.8)
            log: list[str] = []
            while (left := deadline - time.monotonic()) > 0:
                line = lines.next(left)
                if line is not None:
                    log.append(line)
            os.kill(pid, signal.SIGKILL)
            kills += 1
            proc.stdin.write(b"reap\n")
            proc.stdin.flush()
            while (line := lines.next(30)) != "reaped":
                assert line is not None, "driver stopped answering"
                log.append(line)

            round_id, inflight, acked = _replay(log, round_id, expected)
            total_acks += len(acked)
            if not round_id:
                continue  # killed before the round was created: nothing was promised
            assert _integrity(data_dir) == "ok", f"cycle {cycle}"
            actual = _actual(data_dir, round_id)
            for key, want in expected.items():
                got = actual.get(key)
                if inflight is not None and _key(inflight) == key and got == inflight["value"]:
                    continue  # committed, killed before the ack was printed
                assert got == want, f"cycle {cycle}: {key} is {got!r}, acknowledged {want!r}"
            if inflight is not None:
                k = _key(inflight)
                expected[k] = actual.get(k)  # whatever it is now is the new baseline
        proc.stdin.write(b"quit\n")
        proc.stdin.flush()
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    print(f"crash test: {kills} kills, {total_acks} acks, {len(expected)} keys")
    assert kills >= 20
    assert total_acks >= 100, f"only {total_acks} operations acknowledged"
    assert len(expected) >= 10
    assert time.monotonic() - started < 60
