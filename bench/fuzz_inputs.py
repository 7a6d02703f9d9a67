"""The long fuzz run: thousands of mutated scorecard files and packs, and hundreds of
wide panels and teams (not in the default suite).

The same fuzzers as ``tests/test_fuzz.py`` (see ``tests/fuzzing.py``), run over
many more cases: every file or pack must be refused in one line naming its file, or
be accepted and exported end to end; every panel must make its debrief and every
team its calibration; no traceback, no case over ten seconds.

``python -m bench.fuzz_inputs [--scorecards N] [--packs N] [--panels N]
[--calibrations N] [--seed S]`` prints a line per fuzzer with the counts, the slowest
case and the time taken, then every fault in full; it exits 1 if there was any fault
or hang.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.fuzzing import (  # noqa: E402
    Tally,
    fuzz_calibrations,
    fuzz_packs,
    fuzz_panels,
    fuzz_scorecards,
)


def _progress(what: str, total: int, start: float) -> Callable[[int], None]:
    def report(n: int) -> None:
        if (n + 1) % 500 == 0:
            print(f"  {what}: {n + 1}/{total} after {time.perf_counter() - start:.0f} s",
                  flush=True)

    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scorecards", type=int, default=10_000)
    parser.add_argument("--packs", type=int, default=5_000)
    parser.add_argument("--panels", type=int, default=500)
    parser.add_argument("--calibrations", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    results: list[tuple[str, Tally, float]] = []
    for what, count, fuzz in (("scorecard files", args.scorecards, fuzz_scorecards),
                              ("packs", args.packs, fuzz_packs),
                              ("panels", args.panels, fuzz_panels),
                              ("calibrations", args.calibrations, fuzz_calibrations)):
        if count <= 0:
            continue
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as work:
            tally = fuzz(count, args.seed, Path(work), _progress(what, count, start))
        results.append((what, tally, time.perf_counter() - start))
    print()
    for what, tally, seconds in results:
        print(f"{tally.line(what)}; {seconds:.0f} s in all (seed {args.seed})")
    bad = False
    for what, tally, _ in results:
        for fault in tally.faults:
            print(f"\nFAULT in {what}: {fault}")
        for hang in tally.hangs:
            print(f"\nHANG in {what}: {hang}")
        bad = bad or bool(tally.faults or tally.hangs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
