"""A data folder with a long history: ``fill(folder, n)`` stores ``n`` submitted rounds.

Not a benchmark itself (see ``run_all.NOT_BENCHMARKS``): the ready-time and search
benchmarks and the window tests use it. The app opens (and so migrates) the file
first; the rows then go in with plain INSERTs in one transaction, so the schema's
own triggers build the search index exactly as they do for rounds stored one by one.
Names and notes are deterministic: candidate ``k`` is ``candidate_name(k)``.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

FIRST = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
_SYLLABLES = ("ka", "lo", "mi", "ra", "ne", "tu", "vi", "so", "de", "pa", "ri", "zu", "ho", "ye")
_WORDS = ("cache", "retries", "idempotency", "queue", "backlog", "failover", "timeout",
          "pagination", "migration", "rollback", "partition", "latency", "throughput",
          "snapshot", "ordering", "offset", "backpressure", "runbook", "trade-off")
INTERVIEWERS = tuple(f"Interviewer {c}" for c in "ABCDEFGHIJKLMNOPQRST")


def candidate_name(k: int) -> str:
    """A made-up but pronounceable name, different for every ``k``."""
    rng = random.Random(k)
    first = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    last = "".join(rng.choice(_SYLLABLES) for _ in range(3)).capitalize()
    return f"{first} {last}{k}"


def fill(folder: Path, n: int, per_candidate: int = 4) -> None:
    """Store ``n`` submitted rounds (``per_candidate`` each) in ``folder``'s database."""
    from companion.store import Store

    Store.open(folder).close()  # creates or upgrades the file: the schema is the app's
    rng = random.Random(n)
    conn = sqlite3.connect(folder / "companion.sqlite3", isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO interviewer (name) VALUES (?)",
                         [(name,) for name in INTERVIEWERS])
        candidates = -(-n // per_candidate)
        conn.executemany("INSERT INTO candidate (id, name) VALUES (?, ?)",
                         [(k + 1, candidate_name(k)) for k in range(candidates)])
        span = timedelta(days=365).total_seconds()
        rows = []
        for i in range(n):
            started = FIRST + timedelta(seconds=span * i / max(n, 1))
            notes = " ".join(rng.choice(_WORDS) for _ in range(30))
            rows.append((f"bulk-{i:07d}", i // per_candidate + 1, rng.randint(1, 20),
                         started.isoformat(timespec="microseconds"),
                         (started + timedelta(minutes=60)).isoformat(timespec="microseconds"),
                         notes))
        conn.executemany(
            "INSERT INTO round (id, candidate_id, interviewer_id, archetype, level, "
            "template_id, round_title, pack_id, pack_version, started_at, submitted_at, "
            "recommendation, summary, imported, timer_started) VALUES (?, ?, ?, 'api', "
            "'senior', 'technical', 'Technical interview', 'builtin', '1', ?, ?, 'yes', ?, "
            "1, 1)", rows)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
