"""What the full ``integrity_check`` costs at start-up, against ``quick_check`` as the baseline.

A file of 5,000 stored rounds (each a full scorecard with notes, probes and
timings). ``quick_check`` is what every start runs; ``integrity_check`` also
compares every index with its table, which is what finds a torn copy. The app
runs the full check only after a run that did not close cleanly and before a
migration (companion/store/files.py); this benchmark is the reason.

Run: ``python -m bench.integrity_check [--rounds N]``.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ROUNDS = 5000
RUNS = 3
TARGET_RATIO = 4.0  # the full check may cost a few quick checks, on the rare start that runs it


def _fill(folder: Path, rounds: int) -> Path:
    from companion.store import Store, records
    from tests.scorecards import make_scorecard, pack

    base = make_scorecard(pack())
    with Store.open(folder) as store, store.write() as s:
        for n in range(rounds):
            records.insert(s, replace(base, id=f"round-{n}", candidate=f"Candidate {n % 900}"),
                           imported=False)
        return store.path


def _time(db: Path, pragma: str) -> float:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        t0 = time.perf_counter()
        result = conn.execute(f"PRAGMA {pragma}").fetchall()
        spent = time.perf_counter() - t0
    finally:
        conn.close()
    assert result == [("ok",)], result
    return spent


def run(rounds: int = ROUNDS, runs: int = RUNS) -> dict[str, Any]:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory() as tmp:
        db = _fill(Path(tmp), rounds)
        size_mb = db.stat().st_size / 1e6
        quick: list[float] = []
        full: list[float] = []
        for _ in range(runs):  # alternate, so machine load falls on both alike
            quick.append(_time(db, "quick_check"))
            full.append(_time(db, "integrity_check"))
    q, f = statistics.median(quick), statistics.median(full)
    return {"figures": [
        {"figure": f"integrity_check on {rounds:,} rounds, median", "value": round(f, 3),
         "unit": "s"},
        {"figure": "baseline: quick_check, median", "value": round(q, 3), "unit": "s"},
        {"figure": "ratio to baseline", "value": round(f / q, 2), "unit": "x",
         "target": TARGET_RATIO},
        {"figure": "file size", "value": round(size_mb, 1), "unit": "MB"},
    ]}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    result = run(max(args.rounds, 1))
    for fig in result["figures"]:
        print(f"{fig['figure']}: {fig['value']} {fig['unit']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
