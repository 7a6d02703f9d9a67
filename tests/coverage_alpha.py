"""How often alpha's 95% intervals hold the true alpha, by number of units.

Not part of the default test run (several minutes): the suite checks 40 and 200 units in
tests/test_calibration_null.py. This runs simulated panels (each answer's quality
spread normally, each rating that plus the rater's noise, rounded to whole steps) at
several unit counts and noise levels, and prints, per count, how often each method's
interval held the truth: the expanded percentile bootstrap (``stats.bootstrap.expanded_tail``)
and the delete-one-unit jackknife's t interval, which the app uses from
``stats.bootstrap.ALPHA_JACKKNIFE_UNITS`` units up. Below ``ALPHA_INTERVAL_UNITS`` units the
app gives the value without an interval; the script asks for one anyway, to show why.

    python -m tests.coverage_alpha [--reps 400]

The truth of each process is its alpha over 200,000 units.
"""

from __future__ import annotations

import argparse
import random
import sys

from companion.calibration.stats.alpha import krippendorff_alpha
from companion.calibration.stats.bootstrap import (
    ALPHA_INTERVAL_UNITS,
    ALPHA_JACKKNIFE_UNITS,
    alpha_interval,
)

COUNTS = (10, 15, 20, 30, 40, 60, 100, 200, 400)
METHODS = ("bootstrap", "jackknife")
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
             truth: float) -> dict[str, tuple[int, int]]:
    """Per method, (intervals holding the truth, intervals given) over ``reps`` datasets,
    each method asked for an interval at every count (``min_units=0``) on the same data."""
    rng = random.Random(1000 * count + raters)
    tally = {m: [0, 0] for m in METHODS}
    for seed in range(reps):
        data = units(rng, count, raters, noise)
        for m in METHODS:
            e = alpha_interval(data, seed=seed, min_units=0,
                               jackknife_units=0 if m == "jackknife" else 10**9)
            if e.low is None or e.high is None or m not in e.method:
                continue  # no interval, or the jackknife fell back to the bootstrap
            tally[m][0] += e.low <= truth <= e.high
            tally[m][1] += 1
    return {m: (hits, given) for m, (hits, given) in tally.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=400)
    args = parser.parse_args()
    print(f"alpha's 95% intervals: share of {args.reps} intervals holding the true alpha "
          f"(none shown below {ALPHA_INTERVAL_UNITS} units; the jackknife's from "
          f"{ALPHA_JACKKNIFE_UNITS} units, the bootstrap's below)")
    for raters, noise in PROCESSES:
        truth = krippendorff_alpha(units(random.Random(1), 200_000, raters, noise))
        assert truth is not None
        print(f"  {raters} raters an answer, noise {noise} steps, true alpha {truth:.3f}:")
        for count in COUNTS:
            found = coverage(count, args.reps, raters, noise, truth)
            used = ("none" if count < ALPHA_INTERVAL_UNITS else
                    "jackknife" if count >= ALPHA_JACKKNIFE_UNITS else "bootstrap")
            shares = ", ".join(f"{m} {hits}/{given} = {hits / max(given, 1):.1%}"
                               for m, (hits, given) in found.items())
            print(f"    {count:3d} units: {shares} (the app shows: {used})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
