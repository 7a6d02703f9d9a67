"""Tap to durable: how long from an engine call to its committed, synced row.

Runs ``N`` taps (rate, toggle a red flag, answer a failure probe, in turn)
through the real RoundEngine on a real SQLite file in a temporary folder. Each
call returns only after its transaction has committed, so the time of the call
is the time to a row that survives a crash and a power cut. The same run times
a baseline, one bare ``sqlite3`` INSERT + COMMIT under the same PRAGMAs in the
same folder after each tap, so both meet the same disk. Medians, p99s and
their ratios are printed with the settings in force.

Run ``python bench/tap_latency.py``, or import it and call ``run()``.
Target: p99 under 10 ms.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.live.clock import SystemClock
from companion.live.engine import RoundEngine
from companion.store import Store
from companion.store.db import BUSY_TIMEOUT_MS, pragmas

TAPS = 500
TARGET_P99_MS = 10.0
RATINGS = ("strong", "mid", "thin", "very_thin")


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


class _Baseline:
    """A bare sqlite3 INSERT + COMMIT with the same PRAGMAs, in the same folder."""

    def __init__(self, folder: Path) -> None:
        self.conn = sqlite3.connect(folder / "baseline.sqlite3", isolation_level=None)
        for name, value in pragmas(BUSY_TIMEOUT_MS):
            self.conn.execute(f"PRAGMA {name}={value}")
        self.conn.execute(
            "CREATE TABLE tap (id INTEGER PRIMARY KEY, item TEXT, value TEXT, at TEXT)")

    def tap(self, i: int) -> float:
        t0 = time.perf_counter()
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO tap (item, value, at) VALUES (?, ?, datetime('now'))",
                          (f"q{i % 7}", RATINGS[i % 4]))
        self.conn.execute("COMMIT")
        return (time.perf_counter() - t0) * 1000


def _measure(folder: Path, n: int) -> tuple[list[float], list[float], dict[str, str]]:
    """Engine taps and bare commits, interleaved so both meet the same disk conditions."""
    pack = builtin_pack()
    plan = plan_loop(pack, "api", "senior")
    planned = next(r for r in plan.rounds if not r.offline and r.items)
    store = Store.open(folder / "data")
    eng = RoundEngine.start(store, pack, planned, candidate="Bench Candidate",
                            interviewer="Bench", archetype="api", level="senior",
                            clock=SystemClock())
    base = _Baseline(folder)
    flag = pack.red_flags[0].id
    probes = ("failure.database", "failure.queue", "failure.downstream")
    taps: list[float] = []
    bare: list[float] = []
    for i in range(n):
        kind = i % 3
        t0 = time.perf_counter()
        if kind == 0:
            eng.rate(RATINGS[i % len(RATINGS)])
        elif kind == 1:
            eng.cycle_flag(flag)
        else:
            eng.answer_probe(probes[i % 3], rating=RATINGS[i % len(RATINGS)])
        taps.append((time.perf_counter() - t0) * 1000)
        if eng.last_error:
            raise RuntimeError(eng.last_error)
        bare.append(base.tap(i))
    base.conn.close()
    settings = store.pragmas()
    # Proof the taps are in the file: read them back through a fresh connection.
    last_rate = max(i for i in range(n) if i % 3 == 0)
    with Store.open(folder / "data") as other:
        stored = other.load_scorecard(eng.round_id).items[0].rating
        assert stored == RATINGS[last_rate % len(RATINGS)], stored
    eng.close()
    store.close()
    return taps, bare, settings


def run(taps: int = TAPS) -> dict[str, Any]:
    """Measure and return the figures (milliseconds) in the bench runner's shape."""
    with tempfile.TemporaryDirectory(prefix="tap-latency-") as tmp:
        folder = Path(tmp)
        taps_ms, base_ms, settings = _measure(folder, taps)
    med, p99 = statistics.median(taps_ms), _pct(taps_ms, 99)
    bmed, bp99 = statistics.median(base_ms), _pct(base_ms, 99)
    pragma_text = ", ".join(f"{k}={v}" for k, v in settings.items())
    return {
        "figures": [
            {"figure": "tap to durable, median", "value": round(med, 2), "unit": "ms"},
            {"figure": "tap to durable, p99", "value": round(p99, 2), "unit": "ms",
             "target": TARGET_P99_MS},
            {"figure": "bare INSERT+COMMIT, median", "value": round(bmed, 2), "unit": "ms"},
            {"figure": "bare INSERT+COMMIT, p99", "value": round(bp99, 2), "unit": "ms"},
            {"figure": "engine / bare, median", "value": round(med / bmed, 2), "unit": "x"},
            {"figure": "engine / bare, p99", "value": round(p99 / bp99, 2), "unit": "x"},
        ],
        "taps": taps,
        "pragmas": pragma_text,
    }


def main() -> int:
    result = run()
    print(f"{result['taps']} taps; SQLite settings: {result['pragmas']}")
    ok = True
    for f in result["figures"]:
        target = f.get("target")
        mark = ""
        if target is not None:
            hit = f["value"] <= target
            ok = ok and hit
            mark = f"  (target < {target} {f['unit']}: {'met' if hit else 'MISSED'})"
        print(f"{f['figure']:<28} {f['value']:>8} {f['unit']}{mark}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
