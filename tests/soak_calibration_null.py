"""How often calibration names someone with nobody biased, and how often its intervals
hold the truth: the long run of tests/test_calibration_null.py.

Not part of the default test run (minutes, not seconds): the suite runs 20 teams a
size; this runs as many as asked, and also the leniency coverage check at more sizes
(alpha's coverage has a script of its own, tests/coverage_alpha.py).

    python -m tests.soak_calibration_null [--per-size 200] [--coverage 400]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter

from companion.calibration.figures import compute
from companion.content.loader import builtin_pack
from tests.calibration_sim import Team, name, scorecards

SIZES = (2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60)


def null_rates(per_size: int) -> None:
    pack = builtin_pack()
    print("teams with nobody biased: share naming anyone (what was named)")
    for size in SIZES:
        named = 0
        kinds: Counter[str] = Counter()
        for k in range(per_size):
            seed = 7919 * size + k  # other seeds than the suite's
            rng = random.Random(seed)
            pool = rng.choice((4, 5, 6, 8))
            panel = 3 if pool == 4 else rng.choice((3, 3, 4))
            scs, decisions = scorecards(Team(size, pool, panel), seed)
            found = compute(scs, decisions, pack).findings
            named += bool(found)
            kinds.update(f.kind for f in found)
        print(f"  {size:2d} candidates: {named}/{per_size} = {named / per_size:.1%} "
              f"{dict(kinds) if kinds else ''}", flush=True)


def leniency_coverage(reps: int) -> None:
    pack = builtin_pack()
    big = compute(*scorecards(Team(3000, 4, 3, lean={0: 0.5}), seed=99), pack)
    truth = next(f for f in big.interviewers if f.name == name(0)).leniency.value
    assert truth is not None
    for size in (8, 15, 30, 60):
        hits = shown = 0
        for seed in range(reps):
            cal = compute(*scorecards(Team(size, 4, 3, lean={0: 0.5}), 10_000 + seed), pack)
            e = next(f for f in cal.interviewers if f.name == name(0)).leniency
            if e.low is None or e.high is None:  # met fewer than 5: no interval at all
                continue
            shown += 1
            hits += e.low <= truth <= e.high
        print(f"  leniency interval, {size} candidates: covers the true lean "
              f"({truth:+.3f}) in {hits}/{shown} = {hits / max(shown, 1):.1%} "
              f"({reps - shown} of {reps} too few for an interval)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-size", type=int, default=200)
    parser.add_argument("--coverage", type=int, default=400)
    parser.add_argument("--coverage-only", action="store_true")
    args = parser.parse_args()
    if not args.coverage_only:
        null_rates(args.per_size)
    print("coverage of the 95% intervals")
    leniency_coverage(args.coverage)
    print("  (alpha's interval, by number of units: python -m tests.coverage_alpha)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
