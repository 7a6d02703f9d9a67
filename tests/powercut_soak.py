"""A thousand power cuts during real rounds: ``python3 -m tests.powercut_soak [--cuts N]``.

The suite's tests/test_power_cut.py runs two dozen; this runs as many as asked (in
batches of 50 on a fresh file system each, so one batch's round never grows
without end) and prints the counts: cuts by kind, acknowledged writes and notes,
unsynced writes the cuts found and kept, and losses (always 0, or it stops with
the first one). Exit code 0 when nothing acknowledged was lost.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.powercut_run import CannotMount, run_cuts

BATCH = 50


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cuts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    totals: Counter[str] = Counter()
    started = time.monotonic()
    done = 0
    batch = 0
    while done < args.cuts:
        n = min(BATCH, args.cuts - done)
        with tempfile.TemporaryDirectory(prefix="powercut-") as tmp:
            try:
                stats = run_cuts(Path(tmp), n, seed=args.seed * 100_000 + batch * 1000)
            except CannotMount as exc:
                print(exc, file=sys.stderr)
                return 2
            except AssertionError as exc:
                print(f"LOST after {done} cuts (batch {batch}): {exc}", file=sys.stderr)
                return 1
        totals.update({k: v for k, v in stats.items() if isinstance(v, int)})
        done += n
        batch += 1
        print(f"{done} cuts, {totals['acknowledged writes']} acknowledged, 0 lost",
              flush=True)
    totals["seconds"] = round(time.monotonic() - started)
    print(json.dumps(dict(totals), indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
