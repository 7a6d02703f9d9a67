"""How often alpha's 95% bootstrap interval holds the true alpha, by number of units.

Not part of the default test run (a minute or more): the suite checks 40 units in
tests/test_calibration_null.py. This runs simulated panels (each answer's quality
spread normally, each rating that plus the rater's noise, rounded to whole steps) at
several unit counts and noise levels, and prints, per count, how often the expanded
percentile bootstrap's interval (``stats.bootstrap.expanded_tail``) held the truth. Below
``stats.bootstrap.ALPHA_INTERVAL_UNITS`` units the app gives the value without an interval; the
script asks for one anyway, to show why.

    python -m tests.coverage_alpha [--reps 400]

The truth of each process is its alpha over 200,000 units.
"""

from __future__ import annotations

import argparse
import random
import sys

from companion.calibration.stats.alpha import krippendorff_alpha
from companion.calibration.stats.bootstrap import ALPHA_INTERVAL_UNITS, alpha_interval

COUNTS = (10, 15, 20, 30, 40, 100)
# (raters per answer, each rating's noise in steps): the suite's process first.
PROCESSES = ((3, 0.6), (2, 0.6), (3, 0.3), (4, 1.0))


def units(rng: random.Random, count: int, raters: int, noise: float) -> list[list[int]]:
    out = []
    for _ in range(count):
        quality = rng.gauss(0, 1)
        out.append([min(3, max(0, round(1.5 + quality + rng.gauss(0, noise))))
                    for _ in range(raters)])
    return out


def coverage(count: int, reps: int, raters: int, noise: float,
             truth: float) -> tuple[int, int, int]:
    """(intervals holding the truth, intervals given, runs) of the percentile bootstrap,
    asked for an interval at every count (``min_units=0``)."""
    rng = random.Random(1000 * count + raters)
    hits = given = 0
    for seed in range(reps):
        e = alpha_interval(units(rng, count, raters, noise), seed=seed, min_units=0)
        if e.low is None or e.high is None:
            continue
        given += 1
        hits += e.low <= truth <= e.high
    return hits, given, reps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=400)
    args = parser.parse_args()
    print(f"alpha's expanded percentile bootstrap: share of {args.reps} intervals holding the true "
          f"alpha (no interval is shown below {ALPHA_INTERVAL_UNITS} units)")
    for raters, noise in PROCESSES:
        truth = krippendorff_alpha(units(random.Random(1), 200_000, raters, noise))
        assert truth is not None
        print(f"  {raters} raters an answer, noise {noise} steps, true alpha {truth:.3f}:")
        for count in COUNTS:
            hits, given, reps = coverage(count, args.reps, raters, noise, truth)
            shown = "shown" if count >= ALPHA_INTERVAL_UNITS else "not shown"
            print(f"    {count:3d} units: {hits}/{given} = {hits / max(given, 1):.1%} "
                  f"({reps - given} without variation to resample; interval {shown})",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
